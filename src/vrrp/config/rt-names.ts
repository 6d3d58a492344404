/**
 * Routing-table style identifiers: tables, scopes, protocols, dsfield (TOS)
 * values, realms and interface groups, written either as numbers or as names
 * from iproute2's files (/etc/iproute2/rt_tables, rt_scopes, rt_protos,
 * rt_dsfield, rt_realms, group) — keepalived lib/rttables.c.
 *
 * Only numbers are resolved here. A name is kept as written and resolved when
 * the netlink layer programs the kernel, because the files belong to the
 * running system: keepalived reads them lazily, and an entry in the file
 * replaces keepalived's built-in name for the same id (Debian's rt_protos,
 * for example, calls protocol 0 "unspec", so keepalived's built-in "none" does
 * not exist there). Built-in fallbacks that the resolver must apply when a
 * file does not name an id: tables default=253 main=254 local=255; scopes
 * global=0 site=200 link=253 host=254 nowhere=255; protocols none=0
 * redirect=1 kernel=2 boot=3 static=4 gated=8 ra=9 mrt=10 zebra=11 bird=12
 * dnrouted=13 xorp=14 ntk=15 dhcp=16 babel=42 (see BUILTIN_RT_NAMES).
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { parseCNumber } from './words.js';

/** A number, or a name to look up in the iproute2 file at run time. */
export type RtId = number | string;

export type RtIdKind = 'table' | 'scope' | 'protocol' | 'dsfield' | 'realm' | 'group';

/** The largest id of each kind (the kernel field's width). */
export const RT_ID_MAX: Record<RtIdKind, number> = {
  table: 0xffff_ffff,
  scope: 255,
  protocol: 255,
  dsfield: 255,
  realm: 255,
  group: 0x7fff_ffff,
};

/** keepalived's names for ids the iproute2 files don't mention (rttables.c). */
export const BUILTIN_RT_NAMES: Readonly<Partial<Record<RtIdKind, Readonly<Record<string, number>>>>> = {
  table: { default: 253, main: 254, local: 255 },
  scope: { global: 0, site: 200, link: 253, host: 254, nowhere: 255 },
  protocol: {
    none: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10,
    zebra: 11, bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, babel: 42,
  },
};

/** The iproute2 file each kind of name is looked up in. */
export const RT_NAME_FILES: Readonly<Record<RtIdKind, string>> = {
  table: 'rt_tables',
  scope: 'rt_scopes',
  protocol: 'rt_protos',
  dsfield: 'rt_dsfield',
  realm: 'rt_realms',
  group: 'group',
};

/** Reads a table/scope/… id: a number (strtoul base 0) within range, or a name. */
export function parseRtId(w: Word, kind: RtIdKind): RtId {
  const text = w.text;
  const n = parseCNumber(text);
  if (n !== undefined) {
    if (n > RT_ID_MAX[kind]) throw new ConfigValueError(`${kind} '${text}' outside range [0, ${RT_ID_MAX[kind]}]`, w.loc);
    return n;
  }
  // A name never starts like a number: "12abc" or "-1" is a bad number, not a name.
  if (text === '' || /^[-+0-9]/.test(text) || /\s/.test(text)) throw new ConfigValueError(`invalid ${kind} '${text}'`, w.loc);
  return text;
}

export function formatRtId(id: RtId): string {
  return typeof id === 'number' ? String(id) : id;
}

/** `realms [FROM/]TO`: route realms, each a number or an rt_realms name. */
export interface Realms {
  readonly from?: RtId;
  readonly to: RtId;
}

export function parseRealms(w: Word): Realms {
  const slash = w.text.indexOf('/');
  // Not `{ ...w, text }`: a lexed word's quoted and loc are getters, which spreading drops.
  const part = (text: string) => parseRtId({ text, quoted: w.quoted, loc: w.loc }, 'realm');
  if (slash < 0) return { to: part(w.text) };
  return { from: part(w.text.slice(0, slash)), to: part(w.text.slice(slash + 1)) };
}

export function formatRealms(r: Realms): string {
  return r.from === undefined ? formatRtId(r.to) : `${formatRtId(r.from)}/${formatRtId(r.to)}`;
}

/** Route types keepalived knows by name (rttables.c rtntypes); numbers 0..255 are accepted too. */
export const ROUTE_TYPES = [
  'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole',
  'unreachable', 'prohibit', 'throw', 'nat', 'xresolve',
] as const;
export type RouteTypeName = (typeof ROUTE_TYPES)[number];

/** A route type word (`brd` is keepalived's synonym for broadcast), or undefined. */
export function routeTypeOf(text: string): RouteTypeName | number | undefined {
  if (text === 'brd') return 'broadcast';
  if ((ROUTE_TYPES as readonly string[]).includes(text)) return text as RouteTypeName;
  const n = parseCNumber(text);
  return n !== undefined && n <= 255 ? n : undefined;
}
