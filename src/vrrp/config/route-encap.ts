/**
 * Lightweight-tunnel encapsulation of a route or next hop (`encap TYPE …`,
 * RTA_ENCAP, Linux 4.3+), as keepalived vrrp_iproute.c parses it:
 *
 *   encap mpls LABEL[/LABEL]                      (at most 2 labels, 0..1048575)
 *   encap ip  [id N] [dst A] [src A] [tos T] [ttl N] [flags N]      (IPv4 addresses)
 *   encap ip6 [id N] [dst A] [src A] [tc T] [hoplimit N] [flags N]  (IPv6 addresses)
 *   encap ila LOCATOR                             (four 16-bit hex groups)
 *
 * The ip/ip6 options are read in pairs for as long as they are known, so the
 * route's own options may follow. ip and ip6 need a dst or an id. Tunnel ids
 * are unsigned 64-bit and kept as decimal strings.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { canonicalIp } from '../../config/schema/net-values.js';
import { formatRtId, parseRtId, type RtId } from './rt-names.js';
import { readU64, readUnsigned, type WordCursor } from './words.js';

export interface IpEncap {
  readonly type: 'ip' | 'ip6';
  /** Tunnel id (u64, decimal). */
  readonly id?: string;
  readonly dst?: string;
  readonly src?: string;
  /** TOS (ip) or traffic class (ip6): a number or an rt_dsfield name. */
  readonly tos?: RtId;
  /** TTL (ip) or hop limit (ip6). */
  readonly ttl?: number;
  readonly flags?: number;
}

export type Encap =
  | { readonly type: 'mpls'; readonly labels: number[] }
  | IpEncap
  | { readonly type: 'ila'; readonly locator: string };

const MPLS_MAX_LABELS = 2;
const MPLS_LABEL_MAX = 0xfffff;

function parseMplsLabels(w: Word): number[] {
  const parts = w.text.split('/');
  if (parts.length > MPLS_MAX_LABELS) throw new ConfigValueError(`invalid mpls address ${w.text} for encapsulation (at most ${MPLS_MAX_LABELS} labels)`, w.loc);
  return parts.map((p) => {
    if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(p)) throw new ConfigValueError(`invalid mpls address ${w.text} for encapsulation`, w.loc);
    const v = p.startsWith('0x') || p.startsWith('0X') ? Number.parseInt(p.slice(2), 16) : Number(p);
    if (v > MPLS_LABEL_MAX) throw new ConfigValueError(`mpls label ${p} outside range [0, ${MPLS_LABEL_MAX}]`, w.loc);
    return v;
  });
}

/** ILA locator: exactly four groups of 1..4 hex digits ("2001:db8:1:2"); canonical lower case. */
function parseIlaLocator(w: Word): string {
  const groups = w.text.split(':');
  if (groups.length !== 4 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    throw new ConfigValueError(`invalid locator ${w.text} for ila encapsulation`, w.loc);
  }
  return groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':');
}

function encapAddress(w: Word, type: 'ip' | 'ip6', which: string): string {
  const ip = canonicalIp(w.text);
  if (!ip) throw new ConfigValueError(`Invalid encap ${type} ${which} ${w.text}`, w.loc);
  const want = type === 'ip' ? 4 : 6;
  if (ip.family !== want) throw new ConfigValueError(`IPv${ip.family} address ${w.text} not valid for ${type} encapsulation`, w.loc);
  return ip.address;
}

const IP_KEYS = { ip: ['id', 'dst', 'src', 'tos', 'ttl', 'flags'], ip6: ['id', 'dst', 'src', 'tc', 'hoplimit', 'flags'] } as const;

function parseIpEncap(c: WordCursor, type: 'ip' | 'ip6', at: Word): IpEncap {
  const out: { -readonly [K in keyof IpEncap]: IpEncap[K] } = { type };
  for (;;) {
    const key = c.peek();
    if (!key || !(IP_KEYS[type] as readonly string[]).includes(key.text)) break;
    c.next(at, 'option');
    const v = c.peek();
    if (!v) {
      // keepalived stops reading pairs when the value is missing; the key is then unknown to the route.
      c.back();
      break;
    }
    c.next(key, 'value');
    switch (key.text) {
      case 'id': out.id = readU64(v, `${type} encapsulation id`); break;
      case 'dst': out.dst = encapAddress(v, type, 'dst'); break;
      case 'src': out.src = encapAddress(v, type, 'src'); break;
      case 'tos':
      case 'tc': out.tos = parseRtId(v, 'dsfield'); break;
      case 'ttl':
      case 'hoplimit': out.ttl = readUnsigned(v, 0, 255, { what: `${type} encapsulation ${key.text}` }); break;
      case 'flags': out.flags = readUnsigned(v, 0, 0xffff, { what: `${type} encapsulation flags` }); break;
    }
  }
  if (out.dst === undefined && out.id === undefined) throw new ConfigValueError(`address or id missing for ${type} encapsulation`, at.loc);
  return out;
}

/** Reads the words after `encap`. */
export function parseEncap(c: WordCursor, encapWord: Word): Encap {
  const type = c.next(encapWord, 'encap type');
  switch (type.text) {
    case 'mpls':
      return { type: 'mpls', labels: parseMplsLabels(c.next(type, 'MPLS label')) };
    case 'ip':
    case 'ip6':
      return parseIpEncap(c, type.text, type);
    case 'ila':
      return { type: 'ila', locator: parseIlaLocator(c.next(type, 'ILA locator')) };
    default:
      throw new ConfigValueError(`Unknown encap type - ${type.text} (expected mpls|ip|ip6|ila)`, type.loc);
  }
}

export function formatEncap(e: Encap): string[] {
  switch (e.type) {
    case 'mpls':
      return ['encap', 'mpls', e.labels.join('/')];
    case 'ila':
      return ['encap', 'ila', e.locator];
    default: {
      const w = ['encap', e.type];
      if (e.id !== undefined) w.push('id', e.id);
      if (e.dst !== undefined) w.push('dst', e.dst);
      if (e.src !== undefined) w.push('src', e.src);
      if (e.tos !== undefined) w.push(e.type === 'ip' ? 'tos' : 'tc', formatRtId(e.tos));
      if (e.ttl !== undefined) w.push(e.type === 'ip' ? 'ttl' : 'hoplimit', String(e.ttl));
      if (e.flags !== undefined) w.push('flags', String(e.flags));
      return w;
    }
  }
}
