/**
 * Value types shared by the LVS tables: server addresses (`IP [PORT]`), the
 * forwarding method with its tunnel options, hex strings for UDP_CHECK, and
 * small address helpers for ranges.
 *
 * keepalived reads a port of "0" (or "00"…) after a server address as "no
 * port" (check_data.c alloc_vs/alloc_rs, kept since 2.0.7 for old configs), so
 * the model leaves `port` out in that case rather than holding 0.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { canonicalIp, parseIpWord, type Family } from '../../config/schema/net-values.js';
import type { ValueType } from '../../config/schema/types.js';

export type { Family } from '../../config/schema/net-values.js';

/** `IP [PORT]`: a real, sorry or virtual server address. */
export interface ServerAddress {
  address: string;
  family: Family;
  /** Absent when no port (or a port of 0) was given. */
  port?: number;
}

/** A port word where "0", "00"… mean "no port"; otherwise 1..65535. */
export function parseOptionalPort(w: Word): number | undefined {
  if (/^0+$/.test(w.text)) return undefined;
  if (!/^\d+$/.test(w.text) || Number(w.text) > 65535) throw new ConfigValueError(`invalid port '${w.text}' (1..65535)`, w.loc);
  return Number(w.text);
}

export function serverAddress(what: string): ValueType<ServerAddress> {
  return {
    syntax: 'IP [PORT]',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError(`missing ${what} address`, at.loc);
      if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
      const ip = canonicalIp(words[0]!.text);
      if (!ip) throw new ConfigValueError(`invalid ${what} IP address '${words[0]!.text}'`, words[0]!.loc);
      const port = words[1] ? parseOptionalPort(words[1]) : undefined;
      return port === undefined ? { address: ip.address, family: ip.family } : { address: ip.address, family: ip.family, port };
    },
    format: (v) => (v.port === undefined ? [v.address] : [v.address, String(v.port)]),
  };
}

/** `[ADDRESS]:PORT` as keepalived prints servers in its messages. */
export function formatServer(s: ServerAddress, protocol?: string): string {
  const proto = protocol ? `${protocol.toLowerCase()}:` : '';
  return `[${s.address}]:${proto}${s.port ?? 0}`;
}

// ---------------------------------------------------------------------------
// Forwarding method: `NAT | DR | TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`
// (check_parser.c svr_forwarding_handler; tunnel types need Linux 5.2/5.3).

export type ForwardingMethod = 'NAT' | 'DR' | 'TUN';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

export interface Tunnel {
  type: TunnelType;
  /** GUE destination port; only for type gue, where it is required. */
  port?: number;
  checksum: TunnelChecksum;
}

export interface Forwarding {
  method: ForwardingMethod;
  /** Present exactly when method is TUN. */
  tunnel?: Tunnel;
}

const METHODS: readonly ForwardingMethod[] = ['NAT', 'DR', 'TUN'];
const TUNNEL_TYPES: readonly TunnelType[] = ['ipip', 'gue', 'gre'];
const CHECKSUMS: readonly TunnelChecksum[] = ['nocsum', 'csum', 'remcsum'];

export function forwardingValue(server: string): ValueType<Forwarding> {
  return {
    syntax: 'NAT|DR|TUN [type ipip|gue port PORT|gre] [nocsum|csum|remcsum]',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError(`missing forwarding method for ${server} server`, at.loc);
      const first = words[0]!;
      const method = METHODS.find((m) => m === first.text);
      if (!method) throw new ConfigValueError(`unknown [${first.text}] routing method for ${server} server (expected NAT|DR|TUN)`, first.loc);
      if (method !== 'TUN') {
        if (words[1]) throw new ConfigValueError(`tunnel option '${words[1].text}' only applies to TUN forwarding`, words[1].loc);
        return { method };
      }
      const tunnel: Tunnel = { type: 'ipip', checksum: 'nocsum' };
      for (let i = 1; i < words.length; i++) {
        const w = words[i]!;
        const next = words[i + 1];
        if (w.text === 'type') {
          if (!next) throw new ConfigValueError(`Missing tunnel type for ${server} server`, w.loc);
          const type = TUNNEL_TYPES.find((t) => t === next.text);
          if (!type) throw new ConfigValueError(`Unknown tunnel type ${next.text} for ${server} server (expected ipip|gue|gre)`, next.loc);
          tunnel.type = type;
          i++;
        } else if (w.text === 'port') {
          if (!next) throw new ConfigValueError(`Missing port for ${server} server gue tunnel`, w.loc);
          if (!/^\d+$/.test(next.text) || Number(next.text) < 1 || Number(next.text) > 65535) {
            throw new ConfigValueError(`Invalid gue tunnel port ${next.text} for ${server} server (1..65535)`, next.loc);
          }
          tunnel.port = Number(next.text);
          i++;
        } else {
          const checksum = CHECKSUMS.find((c) => c === w.text);
          if (!checksum) throw new ConfigValueError(`Invalid tunnel option ${w.text} for ${server} server`, w.loc);
          tunnel.checksum = checksum;
        }
      }
      if ((tunnel.type === 'gue') !== (tunnel.port !== undefined)) {
        throw new ConfigValueError('gue tunnels require port, otherwise cannot have port', first.loc);
      }
      if (tunnel.type === 'ipip' && tunnel.checksum !== 'nocsum') throw new ConfigValueError('ipip tunnels do not support checksum option', first.loc);
      if (tunnel.type === 'gre' && tunnel.checksum === 'remcsum') throw new ConfigValueError('gre tunnels do not support remote checksum option', first.loc);
      return { method, tunnel };
    },
    format(v) {
      if (!v.tunnel) return [v.method];
      const out: string[] = [v.method];
      if (v.tunnel.type !== 'ipip') out.push('type', v.tunnel.type);
      if (v.tunnel.port !== undefined) out.push('port', String(v.tunnel.port));
      if (v.tunnel.checksum !== 'nocsum') out.push(v.tunnel.checksum);
      return out;
    },
  };
}

// ---------------------------------------------------------------------------
// Hex strings (lib/parser.c read_hex_str): the words are joined with spaces;
// each pair of hex digits is one octet, a lone digit before a space or the end
// is an octet of its own ("Ab12f 3" = AB 12 0F 03). With wildcards, X/x marks
// a nibble to ignore. The model keeps lower-case pairs, "x" for wildcards.

export function hexString(opts: { wildcard: boolean; what: string }): ValueType<string> {
  const digit = opts.wildcard ? /^[0-9a-fA-FxX]$/ : /^[0-9a-fA-F]$/;
  return {
    syntax: opts.wildcard ? 'HEX (X = any nibble)' : 'HEX',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError(`${opts.what} requires a hex string`, at.loc);
      const text = words.map((w) => w.text).join(' ');
      let out = '';
      let i = 0;
      while (i < text.length) {
        const c = text[i]!;
        if (c === ' ' || c === '\t') {
          i++;
          continue;
        }
        if (!digit.test(c)) throw new ConfigValueError(`Invalid hex string for ${opts.what}: unexpected '${c}'`, words[0]!.loc);
        const d = text[i + 1];
        if (d !== undefined && d !== ' ' && d !== '\t') {
          if (!digit.test(d)) throw new ConfigValueError(`Invalid hex string for ${opts.what}: unexpected '${d}'`, words[0]!.loc);
          out += (c + d).toLowerCase();
          i += 2;
        } else {
          out += ('0' + c).toLowerCase();
          i += 1;
        }
      }
      if (out === '') throw new ConfigValueError(`${opts.what} requires a hex string`, at.loc);
      return out;
    },
    format: (v) => [v],
  };
}

// ---------------------------------------------------------------------------
// Addresses as numbers, for ranges and netmasks.

/** IPv4 → unsigned 32-bit number; IPv6 → bigint. Input must be canonical. */
export function ipToBigInt(address: string, family: Family): bigint {
  if (family === 4) return BigInt(address.split('.').reduce((n, o) => n * 256 + Number(o), 0));
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const expand = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const n = Number(ipToBigInt(g, 4));
      return [(n >>> 16).toString(16), (n & 0xffff).toString(16)];
    });
  const l = expand(left);
  const r = expand(right);
  const groups = tail === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

export function bigIntToIp(value: bigint, family: Family): string {
  if (family === 4) {
    const n = Number(value);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return canonicalIp(groups.join(':'))!.address;
}

/** Parses a word that must be an IP address, for messages naming `what`. */
export function ipWord(w: Word, what: string): { address: string; family: Family } {
  try {
    return parseIpWord(w);
  } catch {
    throw new ConfigValueError(`invalid ${what} address '${w.text}'`, w.loc);
  }
}
