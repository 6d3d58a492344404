/**
 * `bfd_instance NAME { … }`: one BFD session (RFC 5880) with a neighbour, run
 * by the BFD child and tracked by VRRP instances (track_bfd) and real servers
 * (BFD_CHECK) (keepalived bfd/bfd_parser.c, bfd/bfd_data.c, include/bfd.h;
 * man5 "BFD CONFIGURATION").
 *
 * Units: min_rx, min_tx and idle_tx are written in milliseconds with up to
 * three decimals (µs resolution, keepalived's read_decimal_unsigned with shift
 * 3); the model holds milliseconds. Defaults 10 ms, 10 ms, 1000 ms, multiplier 5.
 *
 * `ttl` and `hoplimit` are one setting in keepalived (one handler, one field):
 * the TTL of IPv4 packets or the hop limit of IPv6 ones, default 255 for IPv4
 * and 64 for IPv6. finish() resolves the default from the neighbour's family,
 * and the printer leaves it out again when it is that default, so the round
 * trip stays exact. max_hops (-1..255, default 0) may not exceed it.
 *
 * `vrrp` and `checker` restrict which processes hear about this session's
 * state; with neither, both do — finish() makes that explicit.
 *
 * The neighbour address is required; the source address, when given, must be
 * of the same family. Two instances may not share a neighbour (and multihop
 * setting) unless both give different source addresses; that check is in the
 * fragment (index.ts), over all instances.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor, type Head } from '../../config/schema/define.js';
import { canonicalIp, ipAddress } from '../../config/schema/net-values.js';
import type { ValueType } from '../../config/schema/types.js';
import { int, oneWord } from '../../config/schema/values.js';
import { weightValue, type Weight } from '../../vrrp/config/script.js';

export interface BfdInstance {
  name: string;
  neighborIp?: string;
  sourceIp?: string;
  /** Required minimum receive interval we announce, ms (µs resolution). */
  minRxMs: number;
  /** Desired minimum transmit interval, ms. */
  minTxMs: number;
  /** Transmit interval while the session is not up, ms. */
  idleTxMs: number;
  /** Detection multiplier: missed packets before the session goes down. */
  multiplier: number;
  /** Wait for the peer to start the session. */
  passive: boolean;
  /** Outgoing IPv4 TTL / IPv6 hop limit; resolved from the neighbour's family when not given. */
  ttl?: number;
  /** Largest allowed drop of TTL/hop limit in received packets; -1 or 255 = no check. */
  maxHops: number;
  /** Multi-hop session (RFC 5883, UDP port 4784) (keepalived 2.3+). */
  multihop: boolean;
  /** Priority change of VRRP instances tracking this session. */
  weight: Weight;
  /** Tell the VRRP process about state changes. */
  eventsToVrrp: boolean;
  /** Tell the checker process about state changes. */
  eventsToChecker: boolean;
}

/** sizeof(bfd->iname) - 1. */
const MAX_NAME = 31;
const TTL_DEFAULT = { 4: 255, 6: 64 } as const;
/** UINT32_MAX / 1000, in ms (keepalived's BFD_*_MAX). */
const MAX_INTERVAL_MS = 4294967;

/** Decimal milliseconds with up to three decimals (µs resolution), in [minMs, maxMs]. */
export function decimalMs(minMs: number, maxMs: number): ValueType<number> {
  return {
    syntax: `${minMs}..${maxMs} (ms)`,
    parse(words, at) {
      const w = oneWord(words, at);
      if (w.text.startsWith('-')) throw new ConfigValueError(`negative number '${w.text}'`, w.loc);
      const m = /^(\d*)(?:\.(\d*))?$/.exec(w.text);
      if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new ConfigValueError(`invalid number '${w.text}'`, w.loc);
      const frac = m[2] ?? '';
      if (frac.length > 3) throw new ConfigValueError(`number '${w.text}' has too many decimal places (the resolution is 1 microsecond)`, w.loc);
      const micros = Number(m[1] || '0') * 1000 + Number((frac + '000').slice(0, 3));
      if (micros < minMs * 1000 || micros > maxMs * 1000) {
        throw new ConfigValueError(`number '${w.text}' outside range [${minMs}.000, ${maxMs}.000]`, w.loc);
      }
      return micros / 1000;
    },
    format(ms) {
      const micros = Math.round(ms * 1000);
      const frac = String(micros % 1000).padStart(3, '0').replace(/0+$/, '');
      return [frac ? `${Math.floor(micros / 1000)}.${frac}` : String(micros / 1000)];
    },
  };
}

/** The instance name: at most 31 characters. */
export const bfdHead: Head<BfdInstance, string> = {
  type: {
    syntax: 'NAME',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError('missing name', at.loc);
      const w = oneWord(words, at);
      if (w.text === '') throw new ConfigValueError('missing name', w.loc);
      if (w.text.length > MAX_NAME) throw new ConfigValueError(`BFD instance ${w.text} name too long (maximum length is ${MAX_NAME} characters)`, w.loc);
      return w.text;
    },
    format: (v) => [v],
  },
  get: (m) => m.name,
  set: (m, h) => {
    m.name = h;
  },
  identity: (h) => h,
};

function familyOf(ip: string | undefined): 4 | 6 | undefined {
  return ip === undefined ? undefined : canonicalIp(ip)?.family;
}

const k = keywordsFor<BfdInstance>();
const hops = int(1, 255);

export const bfdInstanceBlock = defineBlock<BfdInstance>({
  name: 'bfd_instance',
  doc: 'A BFD session with one neighbour, tracked by VRRP instances (track_bfd) and real servers (BFD_CHECK).',
  create: () => ({
    name: '',
    minRxMs: 10,
    minTxMs: 10,
    idleTxMs: 1000,
    multiplier: 5,
    passive: false,
    maxHops: 0,
    multihop: false,
    weight: { weight: 0, reverse: false },
    eventsToVrrp: false,
    eventsToChecker: false,
  }),
  keywords: [
    k.scalar('neighbor_ip', ipAddress(), 'neighborIp', { tag: 'RARE', doc: 'Address of the BFD neighbour (required).', aliases: ['neighbour_ip'] }),
    k.scalar('source_ip', ipAddress(), 'sourceIp', { tag: 'RARE', doc: 'Local address to send from (same family as the neighbour).' }),
    k.scalar('min_rx', decimalMs(1, MAX_INTERVAL_MS), 'minRxMs', { tag: 'RARE', doc: 'Required minimum receive interval, in ms (µs resolution).', default: '10' }),
    k.scalar('min_tx', decimalMs(1, MAX_INTERVAL_MS), 'minTxMs', { tag: 'RARE', doc: 'Desired minimum transmit interval, in ms (µs resolution).', default: '10' }),
    k.scalar('idle_tx', decimalMs(1000, MAX_INTERVAL_MS), 'idleTxMs', { tag: 'RARE', doc: 'Transmit interval while the session is not up, in ms.', default: '1000' }),
    k.scalar('multiplier', int(1, 255), 'multiplier', { tag: 'RARE', doc: 'Missed packets after which the session is declared down.', default: '5' }),
    k.flag('passive', 'passive', { tag: 'RARE', doc: 'Do not start the session; wait for the neighbour.', noArg: true }),
    k.custom(
      'ttl',
      { tag: 'RARE', syntax: hops.syntax, doc: 'TTL (IPv4) or hop limit (IPv6) of sent packets.', default: '255 (IPv4), 64 (IPv6)', aliases: ['hoplimit'] },
      (m, stmt, ctx) => {
        m.ttl = hops.parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'ttl');
      },
      (m) => {
        const family = familyOf(m.neighborIp);
        if (m.ttl === undefined || (family !== undefined && m.ttl === TTL_DEFAULT[family])) return [];
        return [{ words: [family === 6 ? 'hoplimit' : 'ttl', String(m.ttl)] }];
      },
    ),
    k.scalar('max_hops', int(-1, 255), 'maxHops', { tag: 'RARE', doc: 'Largest allowed reduction of TTL/hop limit in received packets (-1 or 255: no check).', default: '0' }),
    k.flag('multihop', 'multihop', { tag: 'RARE', doc: 'Multi-hop session (RFC 5883, UDP port 4784).', since: '2.3' }),
    k.scalar('weight', weightValue(-253, 253), 'weight', {
      tag: 'RARE',
      doc: 'Priority change of tracking VRRP instances while the session is up (reverse: while down); 0 means FAULT when down.',
      default: '0',
    }),
    k.custom(
      'vrrp',
      { tag: 'RARE', syntax: '', doc: 'Send state changes to the VRRP process (without vrrp or checker, both processes get them).' },
      (m, stmt) => {
        if (stmt.args.length > 0) throw new ConfigValueError(`'vrrp' takes no parameter`, stmt.args[0]!.loc);
        m.eventsToVrrp = true;
      },
      (m) => (m.eventsToVrrp && !m.eventsToChecker ? [{ words: ['vrrp'] }] : []),
    ),
    k.custom(
      'checker',
      { tag: 'RARE', syntax: '', doc: 'Send state changes to the checker process (without vrrp or checker, both processes get them).' },
      (m, stmt) => {
        if (stmt.args.length > 0) throw new ConfigValueError(`'checker' takes no parameter`, stmt.args[0]!.loc);
        m.eventsToChecker = true;
      },
      (m) => (m.eventsToChecker && !m.eventsToVrrp ? [{ words: ['checker'] }] : []),
    ),
  ],
  finish(m, ctx, loc) {
    if (!m.eventsToVrrp && !m.eventsToChecker) {
      m.eventsToVrrp = true;
      m.eventsToChecker = true;
    }
    const family = familyOf(m.neighborIp);
    if (family === undefined) {
      throw new ConfigValueError(`BFD instance ${m.name} has no neighbor address set`, loc);
    }
    if (m.sourceIp !== undefined && familyOf(m.sourceIp) !== family) {
      // The fragment's finish drops the instance, as keepalived disables it.
      ctx.diags.warning(
        `BFD instance ${m.name} source address ${m.sourceIp} and neighbor address ${m.neighborIp} are not of the same family, disabling instance`,
        ctx.locations.get(m, 'sourceIp') ?? loc,
        'source_ip',
      );
    }
    m.ttl ??= TTL_DEFAULT[family];
    if (m.maxHops > m.ttl) {
      ctx.diags.warning(`BFD instance ${m.name}: max_hops ${m.maxHops} exceeds ttl/hoplimit ${m.ttl} - setting to ttl/hoplimit`, ctx.locations.get(m, 'maxHops') ?? loc, 'max_hops');
      m.maxHops = m.ttl;
    }
  },
});
