/**
 * Routes over rtnetlink: the rtmsg codec, the Route domain object and the requests
 * behind keepalived's static_routes / virtual_routes (census §3.3): table, metric,
 * protocol, scope, type (unicast, blackhole, unreachable, prohibit, throw, local...),
 * via/gateway (also of the other family through RTA_VIA), dev, src (RTA_PREFSRC),
 * from (RTA_SRC), onlink, tos, realms, multipath next hops with weights, RTA_METRICS
 * (mtu, advmss, rtt, ... with locks), IPv6 router preference and expiry.
 *
 * Defaults follow keepalived's vrrp_iproute.c (v2.2.7) rather than `ip route`:
 * protocol is `keepalived` (18) unless given — keepalived tracks its routes by that
 * protocol — and the scope is universe unless given, except where the kernel's own
 * conventions demand otherwise (local/nat: host; broadcast/multicast/anycast: link).
 * A delete uses scope nowhere, which the kernel treats as "any scope", and only the
 * keys given, so `delete` finds the route the matching `add` made.
 *
 * Tables above 255 do not fit rtm_table (a u8): the header then says RT_TABLE_UNSPEC
 * and RTA_TABLE carries the 32-bit id. We always send RTA_TABLE, as iproute2 does.
 */

import { defineSchema, type AttrValues } from '../attributes.js';
import { NlmF } from '../constants.js';
import { NetlinkDecodeError, NetlinkEncodeError } from '../errors.js';
import { parseIp, parsePrefix, type IpFamily } from '../inet.js';
import { defineBody, type NetlinkMessage, type NetlinkRequest } from '../message.js';
import { defineStruct } from '../struct.js';
import { scopeNumber } from './address.js';
import {
  AF_INET, AF_INET6, ROUTER_PREF, RTA, RTM, RTN, RTNH_F, RTPROT, RT_SCOPE, RT_TABLE, nameOf,
  type RouteTypeName, type RouterPref, type ScopeName,
} from './constants.js';
import { metricsFromWire, metricsSchema, metricsToWire, multipathCodec, viaCodec, type Nexthop, type RouteMetrics, type Via } from './route-parts.js';

export const rtmsg = defineStruct('rtmsg', [
  ['family', 'u8'], ['dstLength', 'u8'], ['srcLength', 'u8'], ['tos', 'u8'],
  ['table', 'u8'], ['protocol', 'u8'], ['scope', 'u8'], ['type', 'u8'], ['flags', 'u32'],
]);

export const routeSchema = defineSchema('route', {
  dst: { type: RTA.DST, kind: 'ipaddr' },
  src: { type: RTA.SRC, kind: 'ipaddr' },
  iif: { type: RTA.IIF, kind: 'u32' },
  oif: { type: RTA.OIF, kind: 'u32' },
  gateway: { type: RTA.GATEWAY, kind: 'ipaddr' },
  priority: { type: RTA.PRIORITY, kind: 'u32' },
  prefsrc: { type: RTA.PREFSRC, kind: 'ipaddr' },
  metrics: { type: RTA.METRICS, kind: 'nested', schema: metricsSchema },
  multipath: { type: RTA.MULTIPATH, kind: 'custom', codec: multipathCodec },
  flow: { type: RTA.FLOW, kind: 'u32' },
  cacheinfo: { type: RTA.CACHEINFO, kind: 'binary' },
  table: { type: RTA.TABLE, kind: 'u32' },
  mark: { type: RTA.MARK, kind: 'u32' },
  via: { type: RTA.VIA, kind: 'custom', codec: viaCodec },
  newdst: { type: RTA.NEWDST, kind: 'binary' },
  pref: { type: RTA.PREF, kind: 'u8' },
  encapType: { type: RTA.ENCAP_TYPE, kind: 'u16' },
  encap: { type: RTA.ENCAP, kind: 'binary', nestedFlag: true },
  expires: { type: RTA.EXPIRES, kind: 'u32' },
  uid: { type: RTA.UID, kind: 'u32' },
  ttlPropagate: { type: RTA.TTL_PROPAGATE, kind: 'u8' },
  ipProto: { type: RTA.IP_PROTO, kind: 'u8' },
  nhId: { type: RTA.NH_ID, kind: 'u32' },
});

export const routeBody = defineBody(rtmsg, routeSchema);
type RouteAttrs = AttrValues<typeof routeSchema>;

export interface Route {
  readonly family: IpFamily;
  readonly table: number;
  /** Destination prefix; "0.0.0.0/0" or "::/0" for a default route. */
  readonly dst: string;
  readonly src: string | undefined;
  readonly tos: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: RouteTypeName;
  /** rtm_flags: RTNH_F_* (onlink, linkdown, dead) and RTM_F_* bits. */
  readonly flags: number;
  readonly gateway: string | undefined;
  readonly via: Via | undefined;
  readonly oif: number | undefined;
  readonly iif: number | undefined;
  readonly prefsrc: string | undefined;
  /** RTA_PRIORITY: the route's metric (`metric 100`). */
  readonly metric: number | undefined;
  readonly metrics: RouteMetrics | undefined;
  readonly nexthops: readonly Nexthop[] | undefined;
  readonly realms: number | undefined;
  readonly pref: RouterPref | undefined;
  /** Seconds left, for IPv6 routes with an expiry. */
  readonly expires: number | undefined;
  readonly onlink: boolean;
}

const familyOfAf = (af: number): IpFamily | undefined => (af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined);
const zeroAddress = (family: IpFamily): string => (family === 4 ? '0.0.0.0' : '::');

/** RTM_NEWROUTE / RTM_DELROUTE -> Route; null for families other than IPv4/IPv6 (MPLS, IPMR...). */
export function decodeRoute(msg: NetlinkMessage): Route | null {
  const { header, attrs } = routeBody.decode(msg.payload);
  const family = familyOfAf(header.family);
  if (family === undefined) return null;
  const a = attrs.values;
  const type = nameOf(RTN, header.type);
  if (type === undefined) throw new NetlinkDecodeError('route', `unknown route type ${header.type}`);
  const prefix = (address: string | undefined, length: number): string => `${address ?? zeroAddress(family)}/${length}`;
  return {
    family,
    table: a.table ?? header.table,
    dst: prefix(a.dst, header.dstLength),
    src: a.src === undefined && header.srcLength === 0 ? undefined : prefix(a.src, header.srcLength),
    tos: header.tos,
    protocol: header.protocol,
    scope: header.scope,
    type,
    flags: header.flags,
    gateway: a.gateway,
    via: a.via,
    oif: a.oif,
    iif: a.iif,
    prefsrc: a.prefsrc,
    metric: a.priority,
    metrics: a.metrics ? metricsFromWire(a.metrics) : undefined,
    nexthops: a.multipath,
    realms: a.flow,
    pref: a.pref === undefined ? undefined : nameOf(ROUTER_PREF, a.pref),
    expires: a.expires,
    onlink: (header.flags & RTNH_F.ONLINK) !== 0,
  };
}

/** A route to add or delete, with keepalived's route options. */
export interface RouteSpec {
  /** "192.0.2.0/24", "2001:db8::/32", or "default" with `family`. */
  readonly dst: string;
  /** Needed only when dst is "default". */
  readonly family?: IpFamily;
  /** `from PREFIX` (source-specific routing, IPv6). */
  readonly src?: string;
  readonly table?: number;
  readonly metric?: number;
  readonly protocol?: keyof typeof RTPROT | number;
  readonly scope?: ScopeName | number;
  readonly type?: RouteTypeName;
  readonly tos?: number;
  readonly gateway?: string;
  /** Output interface index (`dev X`). */
  readonly oif?: number;
  /** Preferred source address (`src A`). */
  readonly prefsrc?: string;
  readonly onlink?: boolean;
  readonly realms?: number;
  readonly metrics?: RouteMetrics;
  readonly nexthops?: readonly Nexthop[];
  readonly pref?: RouterPref;
  /** Seconds (IPv6 only). */
  readonly expires?: number;
  readonly ttlPropagate?: boolean;
}

function resolveDst(spec: RouteSpec, path: string): { family: IpFamily; address: string | undefined; length: number } {
  if (spec.dst === 'default') {
    if (spec.family === undefined) throw new NetlinkEncodeError(`${path}.dst`, "'default' needs a family (4 or 6)");
    return { family: spec.family, address: undefined, length: 0 };
  }
  try {
    const p = parsePrefix(spec.dst);
    if (spec.family !== undefined && spec.family !== p.family) throw new Error(`'${spec.dst}' is not IPv${spec.family}`);
    return { family: p.family, address: p.address, length: p.prefixLength };
  } catch (err) {
    throw new NetlinkEncodeError(`${path}.dst`, (err as Error).message);
  }
}

/** The text `ip route` would show for this route, for errors and logs. */
export function describeRoute(spec: RouteSpec): string {
  const parts = [spec.type && spec.type !== 'unicast' ? `${spec.type} ${spec.dst}` : spec.dst];
  if (spec.src) parts.push(`from ${spec.src}`);
  if (spec.gateway) parts.push(`via ${spec.gateway}`);
  if (spec.oif) parts.push(`ifindex ${spec.oif}`);
  if (spec.nexthops) parts.push(`${spec.nexthops.length} nexthops`);
  if (spec.table !== undefined) parts.push(`table ${spec.table}`);
  if (spec.metric !== undefined) parts.push(`metric ${spec.metric}`);
  return parts.join(' ');
}

function encodeRoute(spec: RouteSpec, forDelete: boolean): Buffer {
  const path = 'route';
  const { family, address, length } = resolveDst(spec, path);
  const checkFamily = (text: string | undefined, what: string): void => {
    if (text === undefined) return;
    let f: IpFamily;
    try {
      f = parseIp(text.includes('/') ? parsePrefix(text).address : text).family;
    } catch (err) {
      throw new NetlinkEncodeError(`${path}.${what}`, (err as Error).message);
    }
    if (f !== family) throw new NetlinkEncodeError(`${path}.${what}`, `${text} is IPv${f} in an IPv${family} route`);
  };
  checkFamily(spec.prefsrc, 'prefsrc');
  checkFamily(spec.src, 'src');
  const type = spec.type ?? (forDelete ? 'unspec' : 'unicast');
  const typeNumber = RTN[type];
  if (typeNumber === undefined) throw new NetlinkEncodeError(`${path}.type`, `unknown route type '${String(type)}'`);
  const table = spec.table ?? RT_TABLE.main;
  if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) throw new NetlinkEncodeError(`${path}.table`, `${table} is not 1..4294967295`);
  let protocol = 0;
  if (!forDelete || spec.protocol !== undefined) {
    const p = spec.protocol ?? 'keepalived';
    protocol = typeof p === 'number' ? p : RTPROT[p];
    if (protocol === undefined) throw new NetlinkEncodeError(`${path}.protocol`, `unknown protocol '${String(p)}'`);
  }
  let scope: number;
  if (spec.scope !== undefined) scope = scopeNumber(spec.scope, `${path}.scope`);
  else if (forDelete) scope = RT_SCOPE.nowhere;
  else if (type === 'local' || type === 'nat') scope = RT_SCOPE.host;
  else if (type === 'broadcast' || type === 'multicast' || type === 'anycast') scope = RT_SCOPE.link;
  else scope = RT_SCOPE.universe;

  const values: RouteAttrs = { table };
  if (address !== undefined) values.dst = address;
  let srcLength = 0;
  if (spec.src !== undefined) {
    const p = parsePrefix(spec.src);
    values.src = p.address;
    srcLength = p.prefixLength;
  }
  if (spec.gateway !== undefined) {
    // A gateway of the other family goes in RTA_VIA (IPv4 over an IPv6 next hop).
    let gwFamily: IpFamily;
    try {
      gwFamily = parseIp(spec.gateway).family;
    } catch (err) {
      throw new NetlinkEncodeError(`${path}.gateway`, (err as Error).message);
    }
    if (gwFamily === family) values.gateway = spec.gateway;
    else values.via = { family: gwFamily, address: spec.gateway };
  }
  if (spec.oif !== undefined) values.oif = spec.oif;
  if (spec.prefsrc !== undefined) values.prefsrc = spec.prefsrc;
  if (spec.metric !== undefined) values.priority = spec.metric;
  if (spec.realms !== undefined) values.flow = spec.realms;
  if (spec.nexthops !== undefined) values.multipath = [...spec.nexthops];
  if (!forDelete) {
    if (spec.metrics !== undefined) values.metrics = metricsToWire(spec.metrics, `${path}.metrics`);
    if (spec.pref !== undefined) {
      if (family !== 6) throw new NetlinkEncodeError(`${path}.pref`, 'router preference is IPv6 only (RFC 4191)');
      values.pref = ROUTER_PREF[spec.pref];
    }
    if (spec.expires !== undefined) {
      if (family !== 6) throw new NetlinkEncodeError(`${path}.expires`, 'route expiry is IPv6 only');
      values.expires = spec.expires;
    }
    if (spec.ttlPropagate !== undefined) values.ttlPropagate = spec.ttlPropagate ? 1 : 0;
  }
  return routeBody.encode({
    family: family === 4 ? AF_INET : AF_INET6,
    dstLength: length,
    srcLength,
    tos: spec.tos ?? 0,
    table: table < 256 ? table : RT_TABLE.unspec,
    protocol,
    scope,
    type: typeNumber,
    flags: spec.onlink ? RTNH_F.ONLINK : 0,
  }, values);
}

/** How an add treats an existing route with the same key (`ip route add|replace|append|prepend`). */
export interface RouteAddMode {
  /** Overwrite it. */
  readonly replace?: boolean;
  /** Add this one after it (another next hop for IPv6, a fallback for IPv4). */
  readonly append?: boolean;
  /** Add this one before it. */
  readonly prepend?: boolean;
}

export function routeAddRequest(spec: RouteSpec, opts: RouteAddMode = {}): NetlinkRequest {
  // Plain `add` fails with EEXIST if the route exists; prepend is CREATE alone.
  const flags = NlmF.CREATE | (opts.replace ? NlmF.REPLACE : opts.append ? NlmF.APPEND : opts.prepend ? 0 : NlmF.EXCL);
  return { type: RTM.NEWROUTE, flags, typeName: 'RTM_NEWROUTE', description: describeRoute(spec), payload: encodeRoute(spec, false) };
}

export function routeDeleteRequest(spec: RouteSpec): NetlinkRequest {
  return { type: RTM.DELROUTE, flags: 0, typeName: 'RTM_DELROUTE', description: describeRoute(spec), payload: encodeRoute(spec, true) };
}

export function routeDumpRequest(family?: IpFamily): NetlinkRequest {
  return {
    type: RTM.GETROUTE, flags: NlmF.DUMP, dump: true, typeName: 'RTM_GETROUTE', description: family ? `dump IPv${family}` : 'dump',
    payload: routeBody.encode({ family: family === 4 ? AF_INET : family === 6 ? AF_INET6 : 0 }, {}),
  };
}
