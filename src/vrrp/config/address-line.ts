/**
 * The address line of virtual_ipaddress, virtual_ipaddress_excluded and
 * static_ipaddress (keepalived vrrp_ipaddress.c alloc_ipaddress):
 *
 *   ADDR[/LEN] [brd ADDR|-|+] [dev IF] [scope S] [label L] [peer ADDR] [home]
 *              [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [no_track]
 *              [preferred_lft N|forever] [use_vmac] [track_group G]
 *
 * The model is what an RTM_NEWADDR needs, already normalised: canonical
 * addresses, the broadcast computed for `+`/`-`, the prefix length filled in
 * (a host prefix when none is given or a peer is set), and IPv6's
 * preferred_lft resolved (0 — "deprecated", so the VIP is never picked as a
 * source address — for a /128, forever otherwise, as keepalived does).
 *
 * Three quirks are kept on purpose:
 * - keepalived turns Duplicate Address Detection OFF for IPv6 VIPs; the word
 *   `-nodad` (odd as it reads) turns it back ON. The model says `dad`.
 * - `broadcast` is accepted as a synonym of `brd`.
 * - `use_vmac` exists only for VIPs/eVIPs, `track_group` only for static
 *   addresses; elsewhere they are unknown options.
 * Which interface an address without `dev` lands on (the instance's interface
 * or its VMAC, or global default_interface) is decided when the instance is
 * set up, so `dev` stays unset here — except for static addresses, which
 * take default_interface (resolved in the fragment's finish).
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { canonicalIp, parseIpWord, type Family } from '../../config/schema/net-values.js';
import type { LineType } from './line-list.js';
import { formatRtId, parseRtId, type RtId } from './rt-names.js';
import { readIfName, readUnsigned, WordCursor, IFNAME_MAX } from './words.js';

export interface AddressLine {
  readonly address: string;
  readonly family: Family;
  readonly prefixLen: number;
  /** IPv4 broadcast address (given, or computed from `+`/`-`). */
  readonly broadcast?: string;
  /** Interface name; unset = decided by the instance (see the module notes). */
  readonly dev?: string;
  /** IPv4 only; a number or an rt_scopes name. Unset = global (0). */
  readonly scope?: RtId;
  /** IPv4 only; at most 15 characters ("eth0:1"). */
  readonly label?: string;
  /** Point-to-point peer address (IFA_ADDRESS); the prefix length is then the host length. */
  readonly peer?: string;
  readonly home: boolean;
  /** Run IPv6 Duplicate Address Detection (`-nodad`); keepalived disables DAD by default. */
  readonly dad: boolean;
  readonly mngtmpaddr: boolean;
  readonly noprefixroute: boolean;
  readonly autojoin: boolean;
  /** Don't leave MASTER if the address is deleted externally; don't reinstate it. */
  readonly noTrack: boolean;
  /**
   * Seconds, or 'forever'. Used for IPv6 only (keepalived accepts it on IPv4
   * and ignores it); for IPv6 resolved to 0 for a /128, forever otherwise.
   */
  readonly preferredLft?: number | 'forever';
  /** VIP/eVIP only: put this address on a VMAC of its interface. */
  readonly useVmac: boolean;
  /** static_ipaddress only: the track_group whose instances follow this address. */
  readonly trackGroup?: string;
}

export type AddressUse = 'vip' | 'static';

const U32_MAX = 0xffff_ffff;

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}
function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Sets (`+`) or clears (`-`) the host bits of an IPv4 address. */
export function broadcastFor(address: string, prefixLen: number, sign: '+' | '-'): string {
  const hostBits = 2 ** (32 - prefixLen) - 1;
  const base = ipv4ToInt(address);
  const net = base - (base % (hostBits + 1));
  return intToIpv4(sign === '+' ? net + hostBits : net);
}

function parseAddressWord(w: Word): { address: string; family: Family; prefixLen: number; hadPrefix: boolean } {
  const slash = w.text.indexOf('/');
  const addrText = slash < 0 ? w.text : w.text.slice(0, slash);
  const ip = canonicalIp(addrText);
  if (!ip) throw new ConfigValueError(`invalid IP address '${addrText}'`, w.loc);
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefixLen: max, hadPrefix: false };
  const lenText = w.text.slice(slash + 1);
  if (!/^\d+$/.test(lenText) || Number(lenText) > max) {
    throw new ConfigValueError(`Invalid address prefix len ${lenText} for address ${w.text} (0..${max})`, w.loc);
  }
  return { ...ip, prefixLen: Number(lenText), hadPrefix: true };
}

function parseAddressLine(words: readonly Word[], use: AddressUse): AddressLine {
  const first = words[0]!;
  const head = parseAddressWord(first);
  const c = new WordCursor(words.slice(1));
  const out: {
    -readonly [K in keyof AddressLine]: AddressLine[K];
  } = {
    address: head.address, family: head.family, prefixLen: head.prefixLen,
    home: false, dad: false, mngtmpaddr: false, noprefixroute: false, autojoin: false, noTrack: false, useVmac: false,
  };
  let brd: { word: Word; sign?: '+' | '-' } | undefined;

  while (!c.done) {
    const opt = c.next(first, 'option');
    switch (opt.text) {
      case 'dev': {
        if (out.dev !== undefined) throw new ConfigValueError(`Cannot specify ipaddress device more than once for ${first.text}`, opt.loc);
        out.dev = readIfName(c.next(opt, 'interface name'));
        break;
      }
      case 'scope':
        out.scope = parseRtId(c.next(opt, 'scope'), 'scope');
        break;
      case 'brd':
      case 'broadcast': {
        const v = c.next(opt, 'broadcast address');
        if (head.family === 6) throw new ConfigValueError(`cannot assign a broadcast address to the IPv6 address ${first.text}`, opt.loc);
        if (v.text === '+' || v.text === '-') brd = { word: v, sign: v.text };
        else {
          out.broadcast = parseIpWord(v, 4).address;
          brd = { word: v };
        }
        break;
      }
      case 'label': {
        const v = c.next(opt, 'label');
        if (Buffer.byteLength(v.text) > IFNAME_MAX) {
          throw new ConfigValueError(`Address label ${v.text} is longer than maximum length ${IFNAME_MAX}`, v.loc);
        }
        out.label = v.text;
        break;
      }
      case 'peer': {
        const v = c.next(opt, 'peer address');
        if (out.peer !== undefined) throw new ConfigValueError(`Peer ${v.text} - another peer has already been specified`, v.loc);
        const p = canonicalIp(v.text);
        if (!p) throw new ConfigValueError(`Invalid peer address ${v.text}`, v.loc);
        if (p.family !== head.family) throw new ConfigValueError(`Peer address ${v.text} does not match address family`, v.loc);
        if (head.hadPrefix && head.prefixLen !== (head.family === 4 ? 32 : 128)) {
          throw new ConfigValueError('Cannot specify address prefix when specifying peer address', first.loc);
        }
        out.peer = p.address;
        break;
      }
      case 'home': out.home = true; break;
      case '-nodad': out.dad = true; break;
      case 'mngtmpaddr': out.mngtmpaddr = true; break;
      case 'noprefixroute': out.noprefixroute = true; break;
      case 'autojoin': out.autojoin = true; break;
      case 'no_track': out.noTrack = true; break;
      case 'preferred_lft': {
        const v = c.next(opt, 'preferred_lft value');
        out.preferredLft = v.text === 'forever' ? 'forever' : readUnsigned(v, 0, U32_MAX, { what: 'preferred_lft' });
        break;
      }
      case 'use_vmac':
        if (use !== 'vip') throw new ConfigValueError(`Unknown configuration entry '${opt.text}' for ip address`, opt.loc);
        out.useVmac = true;
        break;
      case 'track_group': {
        if (use !== 'static') throw new ConfigValueError(`Unknown configuration entry '${opt.text}' for ip address`, opt.loc);
        const v = c.next(opt, 'track_group name');
        if (out.trackGroup !== undefined) throw new ConfigValueError(`track_group ${v.text} is a duplicate`, v.loc);
        out.trackGroup = v.text;
        break;
      }
      default:
        throw new ConfigValueError(`Unknown configuration entry '${opt.text}' for ip address`, opt.loc);
    }
  }

  if (brd && out.peer !== undefined) throw new ConfigValueError('Cannot specify broadcast and peer addresses', brd.word.loc);
  if (brd?.sign) {
    if (out.prefixLen > 30) throw new ConfigValueError(`Address prefix length ${out.prefixLen} too long for broadcast`, brd.word.loc);
    out.broadcast = broadcastFor(out.address, out.prefixLen, brd.sign);
  }
  if (head.family === 6) {
    if (out.scope !== undefined) throw new ConfigValueError(`Cannot specify scope for IPv6 addresses (${first.text})`, first.loc);
    if (out.label !== undefined) throw new ConfigValueError(`Cannot specify label for IPv6 addresses (${first.text})`, first.loc);
    // keepalived's long-standing default: a /128 VIP is deprecated so it is never a source address.
    if (out.preferredLft === undefined) out.preferredLft = out.prefixLen === 128 ? 0 : 'forever';
  }
  return out;
}

function formatAddressLine(a: AddressLine): string[] {
  const host = a.prefixLen === (a.family === 4 ? 32 : 128);
  // With a peer the prefix is always the host length, and keepalived refuses a prefix there.
  const words = [a.peer !== undefined && host ? a.address : `${a.address}/${a.prefixLen}`];
  if (a.broadcast !== undefined) words.push('brd', a.broadcast);
  if (a.dev !== undefined) words.push('dev', a.dev);
  if (a.scope !== undefined) words.push('scope', formatRtId(a.scope));
  if (a.label !== undefined) words.push('label', a.label);
  if (a.peer !== undefined) words.push('peer', a.peer);
  if (a.home) words.push('home');
  if (a.dad) words.push('-nodad');
  if (a.mngtmpaddr) words.push('mngtmpaddr');
  if (a.noprefixroute) words.push('noprefixroute');
  if (a.autojoin) words.push('autojoin');
  if (a.noTrack) words.push('no_track');
  const defaultLft = a.family === 6 ? (a.prefixLen === 128 ? 0 : 'forever') : undefined;
  if (a.preferredLft !== undefined && a.preferredLft !== defaultLft) words.push('preferred_lft', String(a.preferredLft));
  if (a.useVmac) words.push('use_vmac');
  if (a.trackGroup !== undefined) words.push('track_group', a.trackGroup);
  return words;
}

const SYNTAX =
  'ADDR[/LEN] [brd ADDR|-|+] [dev IF] [scope S] [label L] [peer ADDR] [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [no_track] [preferred_lft N|forever]';

/** VIP / eVIP lines (with `use_vmac`). */
export const vipLine: LineType<AddressLine> = {
  syntax: `${SYNTAX} [use_vmac]`,
  parse: (words) => parseAddressLine(words, 'vip'),
  format: formatAddressLine,
};

/** static_ipaddress lines (with `track_group`). */
export const staticAddressLine: LineType<AddressLine> = {
  syntax: `${SYNTAX} [track_group G]`,
  parse: (words) => parseAddressLine(words, 'static'),
  format: formatAddressLine,
};
