/**
 * The two structured route attributes that are not plain TLVs, plus the metrics nest:
 *
 * - RTA_MULTIPATH: a packed list of struct rtnexthop { u16 len; u8 flags; u8 hops;
 *   s32 ifindex } each followed by its own attributes (RTA_GATEWAY, RTA_VIA,
 *   RTA_FLOW). `hops` is the weight minus one, so weight 1..256 fits a byte.
 * - RTA_VIA: struct rtvia { u16 family; u8 addr[] }, a gateway of another family
 *   (an IPv4 route via an IPv6 next hop, RFC 5549 style).
 * - RTA_METRICS: a nest of u32 RTAX_* values (RTAX_CC_ALGO is a string) and the
 *   RTAX_LOCK bitmap, one bit per locked metric (`mtu lock 1400`).
 *
 * Metric units: the kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms (TCP's srtt/mdev
 * scaling), so `ip route ... rtt 100ms` sends 800. The domain object speaks
 * milliseconds and the converters here scale; rto_min is plain milliseconds.
 */

import { defineSchema, decodeAttrs, encodeAttrs, type AttrCodec, type AttrValues } from '../attributes.js';
import { NetlinkDecodeError, NetlinkEncodeError } from '../errors.js';
import { formatIp, parseIp, type IpFamily } from '../inet.js';
import { readInt, writeInt } from '../struct.js';
import { AF_INET, AF_INET6, RTA, RTAX, RTNH_F } from './constants.js';

export interface Via {
  readonly family: IpFamily;
  readonly address: string;
}

export const viaCodec: AttrCodec<Via> = {
  decode(data, path, offset) {
    if (data.length < 2) throw new NetlinkDecodeError(path, `rtvia needs 2 bytes of family, got ${data.length}`, offset);
    const af = readInt('u16', data, 0);
    const addr = data.subarray(2);
    const family: IpFamily | undefined = af === AF_INET && addr.length === 4 ? 4 : af === AF_INET6 && addr.length === 16 ? 6 : undefined;
    if (family === undefined) throw new NetlinkDecodeError(path, `rtvia family ${af} with a ${addr.length}-byte address`, offset);
    return { family, address: formatIp(addr) };
  },
  encode(value, path) {
    let parsed;
    try {
      parsed = parseIp(value.address);
    } catch (err) {
      throw new NetlinkEncodeError(path, (err as Error).message);
    }
    const out = Buffer.alloc(2 + parsed.bytes.length);
    writeInt('u16', parsed.family === 4 ? AF_INET : AF_INET6, out, 0);
    parsed.bytes.copy(out, 2);
    return out;
  },
};

export const metricsSchema = defineSchema('metrics', {
  lock: { type: RTAX.LOCK, kind: 'u32' },
  mtu: { type: RTAX.MTU, kind: 'u32' },
  window: { type: RTAX.WINDOW, kind: 'u32' },
  rtt: { type: RTAX.RTT, kind: 'u32' },
  rttvar: { type: RTAX.RTTVAR, kind: 'u32' },
  ssthresh: { type: RTAX.SSTHRESH, kind: 'u32' },
  cwnd: { type: RTAX.CWND, kind: 'u32' },
  advmss: { type: RTAX.ADVMSS, kind: 'u32' },
  reordering: { type: RTAX.REORDERING, kind: 'u32' },
  hoplimit: { type: RTAX.HOPLIMIT, kind: 'u32' },
  initcwnd: { type: RTAX.INITCWND, kind: 'u32' },
  features: { type: RTAX.FEATURES, kind: 'u32' },
  rtoMin: { type: RTAX.RTO_MIN, kind: 'u32' },
  initrwnd: { type: RTAX.INITRWND, kind: 'u32' },
  quickack: { type: RTAX.QUICKACK, kind: 'u32' },
  congctl: { type: RTAX.CC_ALGO, kind: 'string' },
  fastopenNoCookie: { type: RTAX.FASTOPEN_NO_COOKIE, kind: 'u32' },
});
type MetricsWire = AttrValues<typeof metricsSchema>;

/** Route metrics in operator units (rtt, rttvar and rtoMin in milliseconds). */
export interface RouteMetrics {
  readonly mtu?: number;
  readonly window?: number;
  readonly rtt?: number;
  readonly rttvar?: number;
  readonly ssthresh?: number;
  readonly cwnd?: number;
  readonly advmss?: number;
  readonly reordering?: number;
  readonly hoplimit?: number;
  readonly initcwnd?: number;
  /** RTAX_FEATURES bits; 1 = ECN (`features ecn`). */
  readonly features?: number;
  readonly rtoMin?: number;
  readonly initrwnd?: number;
  readonly quickack?: number;
  readonly congctl?: string;
  readonly fastopenNoCookie?: number;
  /** Metrics the kernel must not change from learned values (`mtu lock ...`). */
  readonly locked?: readonly MetricName[];
}
export type MetricName = Exclude<keyof RouteMetrics, 'locked'>;

/** Metric name -> RTAX number, for the lock bitmap. */
const METRIC_RTAX: Readonly<Record<MetricName, number>> = {
  mtu: RTAX.MTU, window: RTAX.WINDOW, rtt: RTAX.RTT, rttvar: RTAX.RTTVAR, ssthresh: RTAX.SSTHRESH,
  cwnd: RTAX.CWND, advmss: RTAX.ADVMSS, reordering: RTAX.REORDERING, hoplimit: RTAX.HOPLIMIT,
  initcwnd: RTAX.INITCWND, features: RTAX.FEATURES, rtoMin: RTAX.RTO_MIN, initrwnd: RTAX.INITRWND,
  quickack: RTAX.QUICKACK, congctl: RTAX.CC_ALGO, fastopenNoCookie: RTAX.FASTOPEN_NO_COOKIE,
};

const RTT_SCALE = 8;
const RTTVAR_SCALE = 4;

export function metricsToWire(m: RouteMetrics, path: string): MetricsWire {
  const wire: MetricsWire = {};
  const scaled = (value: number, scale: number, name: string): number => {
    const w = Math.round(value * scale);
    if (!(w >= 0 && w <= 0xffffffff)) throw new NetlinkEncodeError(`${path}.${name}`, `${value} ms is out of range`);
    return w;
  };
  for (const name of Object.keys(m) as (keyof RouteMetrics)[]) {
    const v = m[name];
    if (v === undefined || name === 'locked') continue;
    if (name === 'congctl') wire.congctl = v as string;
    else if (name === 'rtt') wire.rtt = scaled(v as number, RTT_SCALE, name);
    else if (name === 'rttvar') wire.rttvar = scaled(v as number, RTTVAR_SCALE, name);
    else if (name in METRIC_RTAX) wire[name] = v as number;
    else throw new NetlinkEncodeError(`${path}.${String(name)}`, 'not a route metric');
  }
  if (m.locked && m.locked.length > 0) {
    let bits = 0;
    for (const name of m.locked) {
      const rtax = METRIC_RTAX[name];
      if (rtax === undefined) throw new NetlinkEncodeError(`${path}.locked`, `'${String(name)}' is not a route metric`);
      bits |= 1 << rtax;
    }
    wire.lock = bits >>> 0;
  }
  return wire;
}

export function metricsFromWire(w: MetricsWire): RouteMetrics {
  const out: { -readonly [K in keyof RouteMetrics]: RouteMetrics[K] } = {};
  for (const name of Object.keys(METRIC_RTAX) as MetricName[]) {
    const v = w[name];
    if (v === undefined) continue;
    if (name === 'congctl') out.congctl = v as string;
    else if (name === 'rtt') out.rtt = (v as number) / RTT_SCALE;
    else if (name === 'rttvar') out.rttvar = (v as number) / RTTVAR_SCALE;
    else out[name] = v as number;
  }
  if (w.lock) {
    out.locked = (Object.keys(METRIC_RTAX) as MetricName[]).filter((n) => (w.lock! & (1 << METRIC_RTAX[n])) !== 0);
  }
  return out;
}

const nexthopAttrSchema = defineSchema('nexthop', {
  gateway: { type: RTA.GATEWAY, kind: 'ipaddr' },
  flow: { type: RTA.FLOW, kind: 'u32' },
  via: { type: RTA.VIA, kind: 'custom', codec: viaCodec },
  newdst: { type: RTA.NEWDST, kind: 'binary' },
  encapType: { type: RTA.ENCAP_TYPE, kind: 'u16' },
  encap: { type: RTA.ENCAP, kind: 'binary', nestedFlag: true },
});

/** One path of a multipath route (`nexthop via A dev X weight W`). */
export interface Nexthop {
  readonly gateway?: string;
  readonly via?: Via;
  /** Output interface index (0 or undefined: none). */
  readonly oif?: number;
  /** 1..256; the kernel stores weight - 1. */
  readonly weight?: number;
  /** RTNH_F_ONLINK: use the gateway even if no route says it is on the link. */
  readonly onlink?: boolean;
  /** RTA_FLOW realms. */
  readonly realms?: number;
  /** RTNH_F_* as the kernel reports them (DEAD, LINKDOWN, ...). */
  readonly flags?: number;
}

const RTNH_HDRLEN = 8;

export const multipathCodec: AttrCodec<Nexthop[]> = {
  decode(data, path, offset) {
    const out: Nexthop[] = [];
    let pos = 0;
    while (pos < data.length) {
      const where = `${path}[${out.length}]`;
      if (data.length - pos < RTNH_HDRLEN) throw new NetlinkDecodeError(where, `${data.length - pos} stray byte(s) after the last rtnexthop`, offset + pos);
      const len = readInt('u16', data, pos);
      if (len < RTNH_HDRLEN || len > data.length - pos) {
        throw new NetlinkDecodeError(where, `rtnh_len ${len} does not fit (${data.length - pos} bytes left, header is 8)`, offset + pos);
      }
      const flags = readInt('u8', data, pos + 2);
      const hops = readInt('u8', data, pos + 3);
      const oif = readInt('s32', data, pos + 4);
      const { values } = decodeAttrs(nexthopAttrSchema, data.subarray(pos + RTNH_HDRLEN, pos + len), where, offset + pos + RTNH_HDRLEN);
      const hop: { -readonly [K in keyof Nexthop]: Nexthop[K] } = { weight: hops + 1, flags };
      if (oif) hop.oif = oif;
      if (values.gateway !== undefined) hop.gateway = values.gateway;
      if (values.via !== undefined) hop.via = values.via;
      if (values.flow !== undefined) hop.realms = values.flow;
      if (flags & RTNH_F.ONLINK) hop.onlink = true;
      out.push(hop);
      pos = Math.min(data.length, pos + ((len + 3) & ~3));
    }
    return out;
  },
  encode(hops, path) {
    if (!Array.isArray(hops) || hops.length === 0) throw new NetlinkEncodeError(path, 'a multipath route needs at least one next hop');
    return Buffer.concat(hops.map((hop, i) => {
      const where = `${path}[${i}]`;
      const weight = hop.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new NetlinkEncodeError(`${where}.weight`, `${weight} is not 1..256`);
      const attrs = encodeAttrs(nexthopAttrSchema, {
        ...(hop.gateway !== undefined ? { gateway: hop.gateway } : {}),
        ...(hop.via !== undefined ? { via: hop.via } : {}),
        ...(hop.realms !== undefined ? { flow: hop.realms } : {}),
      }, where);
      const head = Buffer.alloc(RTNH_HDRLEN);
      const len = RTNH_HDRLEN + attrs.length;
      if (len > 0xffff) throw new NetlinkEncodeError(where, 'next hop too large');
      writeInt('u16', len, head, 0);
      writeInt('u8', ((hop.flags ?? 0) | (hop.onlink ? RTNH_F.ONLINK : 0)) & 0xff, head, 2);
      writeInt('u8', weight - 1, head, 3);
      writeInt('s32', hop.oif ?? 0, head, 4);
      return Buffer.concat([head, attrs]);
    }));
  },
};
