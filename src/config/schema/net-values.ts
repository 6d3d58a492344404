/**
 * Network value types: IP addresses (canonical text, as inet_ntop prints it),
 * prefixes, ports and MAC addresses. The model keeps addresses as canonical
 * strings so it stays plain JSON and two spellings of one address compare equal.
 */
import { SocketAddress, isIP } from 'node:net';
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { ValueType } from './types.js';
import { oneWord } from './values.js';

export type Family = 4 | 6;

export interface IpPrefix {
  readonly address: string;
  readonly prefixLen: number;
  readonly family: Family;
}

/** Canonical text of an IPv4/IPv6 address, or undefined when `text` is not one. */
/** Dotted-quad IPv4 as inet_pton accepts it (no leading zeros): already canonical. */
const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_CANONICAL = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

export function canonicalIp(text: string): { address: string; family: Family } | undefined {
  // Fast path: most addresses in big configs are plain IPv4 (40,000 real servers).
  if (IPV4_CANONICAL.test(text)) return { address: text, family: 4 };
  if (text.includes('%')) return undefined; // scope ids are not addresses in keepalived.conf
  const family = isIP(text);
  if (family === 0) return undefined;
  try {
    return { address: new SocketAddress({ address: text, family: family === 4 ? 'ipv4' : 'ipv6' }).address, family: family as Family };
  } catch {
    return undefined; // isIP accepts a few spellings inet_pton refuses
  }
}

export function parseIpWord(w: Word, family?: Family): { address: string; family: Family } {
  const ip = canonicalIp(w.text);
  if (!ip) throw new ConfigValueError(`invalid IP address '${w.text}'`, w.loc);
  if (family && ip.family !== family) throw new ConfigValueError(`'${w.text}' is not an IPv${family} address`, w.loc);
  return ip;
}

/** One IP address, optionally of one family. */
export function ipAddress(family?: Family): ValueType<string> {
  return {
    syntax: family === 4 ? 'IPv4' : family === 6 ? 'IPv6' : 'IP',
    parse: (words, at) => parseIpWord(oneWord(words, at), family).address,
    format: (v) => [v],
  };
}

/** ADDRESS[/PREFIX]; without a prefix, a host prefix (32 or 128) as keepalived assumes. */
export function parsePrefixWord(w: Word, opts: { family?: Family; defaultLen?: (f: Family) => number } = {}): IpPrefix {
  const slash = w.text.indexOf('/');
  const addrText = slash < 0 ? w.text : w.text.slice(0, slash);
  const ip = canonicalIp(addrText);
  if (!ip) throw new ConfigValueError(`invalid IP address '${addrText}'`, w.loc);
  if (opts.family && ip.family !== opts.family) throw new ConfigValueError(`'${w.text}' is not an IPv${opts.family} address`, w.loc);
  const max = ip.family === 4 ? 32 : 128;
  let prefixLen = opts.defaultLen ? opts.defaultLen(ip.family) : max;
  if (slash >= 0) {
    const lenText = w.text.slice(slash + 1);
    if (!/^\d+$/.test(lenText) || Number(lenText) > max) {
      throw new ConfigValueError(`invalid prefix length '${lenText}' in '${w.text}' (0..${max})`, w.loc);
    }
    prefixLen = Number(lenText);
  }
  return { address: ip.address, prefixLen, family: ip.family };
}

export function formatPrefix(p: IpPrefix): string {
  return `${p.address}/${p.prefixLen}`;
}

export function ipPrefix(family?: Family): ValueType<IpPrefix> {
  return {
    syntax: 'IP[/PREFIX]',
    parse: (words, at) => parsePrefixWord(oneWord(words, at), { family }),
    format: (v) => [formatPrefix(v)],
  };
}

export function parsePortWord(w: Word, min = 0): number {
  if (!/^\d+$/.test(w.text) || Number(w.text) > 65535 || Number(w.text) < min) {
    throw new ConfigValueError(`invalid port '${w.text}' (${min}..65535)`, w.loc);
  }
  return Number(w.text);
}

export const port: ValueType<number> = {
  syntax: 'PORT',
  parse: (words, at) => parsePortWord(oneWord(words, at)),
  format: (v) => [String(v)],
};

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

export function parseMacWord(w: Word): string {
  if (!MAC_RE.test(w.text)) throw new ConfigValueError(`invalid MAC address '${w.text}'`, w.loc);
  return w.text.toLowerCase();
}

export const macAddress: ValueType<string> = {
  syntax: 'MAC',
  parse: (words, at) => parseMacWord(oneWord(words, at)),
  format: (v) => [v],
};
