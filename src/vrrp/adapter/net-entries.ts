/**
 * Address, route and rule lines of the configuration (virtual_ipaddress[_excluded],
 * virtual_routes, virtual_rules and their static_* twins) → the actions layer's VipSpec,
 * RouteEntry and RuleEntry, with every name resolved:
 *
 *  - tables, scopes, protocols, DS fields, realms and interface groups through iproute2's
 *    files (names.ts); `ipproto` names through /etc/protocols;
 *  - `vrf NAME` on a route → that VRF device's table (keepalived vrrp_iproute.c: the route
 *    goes in ifp->vrf_tb_id; an unknown device or one that is not a VRF is an error);
 *  - realms `[FROM/]TO` → RTA_FLOW / FRA_FLOW, FROM in the upper 16 bits;
 *  - numeric route types and `pref` values → their names (the netlink layer speaks names);
 *  - metrics in the kernel's vocabulary (features ecn → bit 1, locks by metric name);
 *  - `nexthop … dev IF` → RouteEntry.nexthopDevs, resolved to indexes when the request is
 *    built, as the route's own `dev` is.
 *
 * What the actions layer cannot carry out yet is refused with an error naming the line, never
 * dropped silently: lightweight-tunnel `encap` on routes and next hops, and `use_vmac` on a VIP
 * (a VMAC per VIP interface).
 */
import type { AddressLine } from '../config/address-line.js';
import type { RouteLine } from '../config/route-line.js';
import type { RuleLine } from '../config/rule-line.js';
import type { Realms, RtId, RtIdKind } from '../config/rt-names.js';
import type { RouteMetrics as ConfigMetrics } from '../config/route-metrics.js';
import type { Nexthop, RouteMetrics, RouteSpec, RuleSpec } from '../../net/netlink/index.js';
import type { MetricName } from '../../net/netlink/rtnl/route-parts.js';
import { ROUTER_PREF, RTN, nameOf, type RouteTypeName, type RouterPref } from '../../net/netlink/rtnl/constants.js';
import type { RouteEntry, RuleEntry, VipSpec } from '../actions/types.js';
import type { PlanContext } from './context.js';

/** Thrown inside one line's mapping; the caller turns it into an error naming the line. */
class LineError extends Error {}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function rtId(ctx: PlanContext, kind: RtIdKind, id: RtId): number {
  const r = ctx.names.resolve(kind, id);
  if (!r.ok) throw new LineError(r.message);
  return r.value;
}

function realms(ctx: PlanContext, r: Realms): number {
  const to = rtId(ctx, 'realm', r.to);
  const from = r.from === undefined ? 0 : rtId(ctx, 'realm', r.from);
  return ((from << 16) | to) >>> 0;
}

/** Runs one line's mapping; an error names the owner, the list and the line. */
function mapLine<T>(ctx: PlanContext, owner: string, keyword: string, text: string, map: () => T): T | undefined {
  try {
    return map();
  } catch (err) {
    if (!(err instanceof LineError)) throw err;
    ctx.error(`(${owner}) ${keyword} ${text}: ${err.message}`, keyword);
    return undefined;
  }
}

// --- addresses --------------------------------------------------------------------------------

export function vipSpec(ctx: PlanContext, a: AddressLine, owner: string, keyword: string): VipSpec | undefined {
  return mapLine(ctx, owner, keyword, `${a.address}/${a.prefixLen}`, () => {
    if (a.useVmac) throw new LineError('use_vmac on a VIP (a VMAC on the VIP\'s interface) is not supported by keepalived-ts yet');
    const v: Mutable<VipSpec> = { address: a.address, prefixLength: a.prefixLen };
    if (a.dev !== undefined) v.dev = a.dev;
    if (a.scope !== undefined) v.scope = rtId(ctx, 'scope', a.scope);
    if (a.label !== undefined) v.label = a.label;
    if (a.broadcast !== undefined) v.broadcast = a.broadcast;
    if (a.peer !== undefined) v.peer = a.peer;
    if (a.home) v.home = true;
    if (a.family === 6) {
      // keepalived turns DAD off for VIPs; `-nodad` (model: dad) turns it back on.
      v.nodad = !a.dad;
      if (a.preferredLft !== undefined) v.preferredLifetime = a.preferredLft === 'forever' ? Infinity : a.preferredLft;
    }
    if (a.mngtmpaddr) v.mngtmpaddr = true;
    if (a.noprefixroute) v.noPrefixRoute = true;
    if (a.autojoin) v.autojoin = true;
    if (a.noTrack) v.noTrack = true;
    return v;
  });
}

// --- routes -----------------------------------------------------------------------------------

const LOCKABLE: Readonly<Record<string, MetricName>> = {
  mtu: 'mtu', advmss: 'advmss', rtt: 'rtt', rttvar: 'rttvar', reordering: 'reordering',
  cwnd: 'cwnd', ssthresh: 'ssthresh', rto_min: 'rtoMin', congctl: 'congctl',
};

function metrics(m: ConfigMetrics): RouteMetrics | undefined {
  const out: Mutable<RouteMetrics> = {};
  const copy = ['mtu', 'hoplimit', 'advmss', 'reordering', 'window', 'cwnd', 'ssthresh', 'initcwnd', 'initrwnd', 'congctl'] as const;
  for (const k of copy) if (m[k] !== undefined) (out as Record<string, unknown>)[k] = m[k];
  if (m.rttMs !== undefined) out.rtt = m.rttMs;
  if (m.rttvarMs !== undefined) out.rttvar = m.rttvarMs;
  if (m.rtoMinMs !== undefined) out.rtoMin = m.rtoMinMs;
  if (m.quickack !== undefined) out.quickack = m.quickack ? 1 : 0;
  if (m.fastopenNoCookie !== undefined) out.fastopenNoCookie = m.fastopenNoCookie ? 1 : 0;
  if (m.ecn) out.features = 1; // RTAX_FEATURE_ECN
  if (m.lock && m.lock.length > 0) {
    out.locked = m.lock.map((word) => {
      const name = LOCKABLE[word];
      if (name === undefined) throw new LineError(`metric ${word} cannot be locked`);
      return name;
    });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function routeType(t: RouteLine['type']): RouteTypeName {
  if (typeof t === 'string') return t;
  const name = nameOf(RTN, t);
  if (name === undefined || name === 'unspec') throw new LineError(`route type ${t} has no name the kernel accepts`);
  return name;
}

function routerPref(p: RouteLine['pref']): RouterPref | undefined {
  if (p === undefined || typeof p === 'string') return p;
  const name = nameOf(ROUTER_PREF, p);
  if (name === undefined) throw new LineError(`route pref ${p} is not a router preference (0 medium, 1 high, 3 low)`);
  return name;
}

export function routeEntry(ctx: PlanContext, r: RouteLine, owner: string, keyword: string): RouteEntry | undefined {
  const dst = `${r.dst.address}/${r.dst.prefixLen}`;
  return mapLine(ctx, owner, keyword, dst, () => {
    if (r.encap) throw new LineError('encap (lightweight tunnels) is not supported by keepalived-ts yet');
    const spec: Mutable<RouteSpec> = { dst, family: r.family, type: routeType(r.type) };
    let table = rtId(ctx, 'table', r.table);
    if (r.vrf !== undefined) {
      const vrfTable = ctx.env.interfaces.vrfTable(r.vrf);
      if (vrfTable === undefined) {
        throw new LineError(ctx.env.interfaces.exists(r.vrf) ? `Route specified VRF ${r.vrf} is not a VRF` : `VRF ${r.vrf} not found for route`);
      }
      table = vrfTable;
    }
    spec.table = table;
    if (r.src !== undefined) spec.prefsrc = r.src;
    if (r.from !== undefined && r.from.prefixLen > 0) spec.src = `${r.from.address}/${r.from.prefixLen}`;
    if (r.via !== undefined) spec.gateway = r.via;
    if (r.tos !== undefined) spec.tos = rtId(ctx, 'dsfield', r.tos);
    if (r.protocol !== undefined) spec.protocol = rtId(ctx, 'protocol', r.protocol);
    if (r.scope !== undefined) spec.scope = rtId(ctx, 'scope', r.scope);
    if (r.metric !== undefined) spec.metric = r.metric;
    if (r.onlink) spec.onlink = true;
    if (r.expires !== undefined) spec.expires = r.expires;
    if (r.realms !== undefined) spec.realms = realms(ctx, r.realms);
    const pref = routerPref(r.pref);
    if (pref !== undefined) spec.pref = pref;
    if (r.ttlPropagate !== undefined) spec.ttlPropagate = r.ttlPropagate;
    const m = metrics(r.metrics);
    if (m) spec.metrics = m;
    const devs: (string | undefined)[] = [];
    if (r.nexthops.length > 0) {
      spec.nexthops = r.nexthops.map((nh, i) => {
        if (nh.encap) throw new LineError(`nexthop ${i + 1}: encap (lightweight tunnels) is not supported by keepalived-ts yet`);
        const hop: Mutable<Nexthop> = {};
        if (nh.via !== undefined) hop.gateway = nh.via;
        if (nh.weight !== undefined) hop.weight = nh.weight;
        if (nh.onlink) hop.onlink = true;
        if (nh.realms !== undefined) hop.realms = realms(ctx, nh.realms);
        devs.push(nh.dev);
        return hop;
      });
    }
    const entry: Mutable<RouteEntry> = { route: spec, verb: r.mode };
    if (r.dev !== undefined) entry.dev = r.dev;
    if (devs.some((d) => d !== undefined)) entry.nexthopDevs = devs;
    if (r.noTrack) entry.noTrack = true;
    return entry;
  });
}

// --- rules ------------------------------------------------------------------------------------

export function ruleEntry(ctx: PlanContext, r: RuleLine, owner: string, keyword: string): RuleEntry | undefined {
  return mapLine(ctx, owner, keyword, `preference ${r.priority}`, () => {
    const spec: Mutable<RuleSpec> = { family: r.family, priority: r.priority };
    switch (r.action) {
      case 'table':
        spec.action = 'to_tbl';
        if (r.l3mdev) spec.l3mdev = true;
        else if (r.table !== undefined) spec.table = rtId(ctx, 'table', r.table);
        break;
      case 'goto':
        spec.action = 'goto';
        if (r.gotoTarget !== undefined) spec.goto = r.gotoTarget;
        break;
      default:
        spec.action = r.action;
    }
    if (r.not) spec.not = true;
    // `from all` / `to all` select nothing: no FRA_SRC / FRA_DST, as `ip rule` and the kernel's dump.
    if (r.from !== undefined && r.from.prefixLen > 0) spec.src = `${r.from.address}/${r.from.prefixLen}`;
    if (r.to !== undefined && r.to.prefixLen > 0) spec.dst = `${r.to.address}/${r.to.prefixLen}`;
    if (r.tos !== undefined) spec.tos = rtId(ctx, 'dsfield', r.tos);
    if (r.fwmark !== undefined) spec.fwmark = r.fwmark;
    if (r.fwmask !== undefined) spec.fwmask = r.fwmask;
    if (r.realms !== undefined) spec.realms = realms(ctx, r.realms);
    if (r.suppressPrefixLength !== undefined) spec.suppressPrefixLength = r.suppressPrefixLength;
    if (r.suppressIfgroup !== undefined) spec.suppressIfgroup = rtId(ctx, 'group', r.suppressIfgroup);
    if (r.iif !== undefined) spec.iif = r.iif;
    if (r.oif !== undefined) spec.oif = r.oif;
    if (r.tunnelId !== undefined) spec.tunnelId = BigInt(r.tunnelId);
    if (r.uidRange !== undefined) spec.uidRange = r.uidRange;
    if (r.protocol !== undefined) spec.protocol = r.protocol;
    if (r.ipproto !== undefined) {
      const p = ctx.names.resolveIpProtocol(r.ipproto);
      if (!p.ok) throw new LineError(p.message);
      spec.ipProto = p.value;
    }
    if (r.sport !== undefined) spec.sport = r.sport;
    if (r.dport !== undefined) spec.dport = r.dport;
    const entry: Mutable<RuleEntry> = { rule: spec };
    if (r.noTrack) entry.noTrack = true;
    return entry;
  });
}
