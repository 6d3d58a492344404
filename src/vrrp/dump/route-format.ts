/**
 * Virtual/static routes and rules written as keepalived writes them in its dumps and JSON
 * (vrrp_iproute.c format_iproute, vrrp_iprule.c format_iprule), from the compiled models of
 * src/vrrp/config. This is not the config syntax the `-d` printer writes: keepalived always
 * starts a route with its mode (`prepend`/`add`/`append`), writes `via inet ADDR`, numbers
 * instead of names (`proto 18`, `lookup 100`), a rule's `tos 0x0` even when none was given,
 * and `lookup` for `table`.
 *
 * Names of tables, scopes, protocols, realms and dsfields are numbers in keepalived's output
 * because it resolved them at start-up. The built-in names are resolved here; a name from an
 * iproute2 file (rt_tables …) is printed as written unless the caller resolved it in the
 * model first.
 *
 * keepalived's quirks are kept, since the dump shows them: a route with a type (blackhole,
 * unreachable, …) reads "add" whatever its mode, because keepalived's header makes
 * IPROUTE_BIT_ADD equal to IPROUTE_BIT_TYPE; a default destination reads 0.0.0.0/0 or ::/0;
 * MPLS labels are printed as kernel label-stack entries in hex (label 100 → 64000); a
 * nexthop's realms are introduced by "realms F/" or "realm " according to the *route's*
 * realms; and `congctl lock NAME` prints "congctl NAMElock ". The run-time suffix " [dev X]"
 * (a tracked route whose interface changed index) is not produced: the vrrp child
 * re-resolves routes by name. fixtures/routes.keepalived.data holds keepalived's own text for
 * 15 routes and 12 rules, which the tests compare with.
 */
import type { RouteLine, RuleLine } from '../config/index.js';
import type { Nexthop } from '../config/route-line.js';
import type { Encap } from '../config/route-encap.js';
import { BUILTIN_RT_NAMES, type Realms, type RtId, type RtIdKind } from '../config/rt-names.js';
import { addressText, cG } from './format.js';

const RT_TABLE_MAIN = 254;

/** A number for an id: numbers as they are, built-in names resolved, other names as written. */
function rtNumber(id: RtId, kind: RtIdKind): string {
  if (typeof id === 'number') return String(id);
  const n = BUILTIN_RT_NAMES[kind]?.[id];
  return n === undefined ? id : String(n);
}

function realmNumber(id: RtId | undefined): number | string {
  if (id === undefined) return 0;
  return typeof id === 'number' ? id : id;
}

/** The 32-bit realms value's two halves, as keepalived tests them (from = high 16 bits). */
function realmParts(r: Realms | undefined): { from: number | string; to: number | string; hasFrom: boolean } | undefined {
  if (!r) return undefined;
  const from = realmNumber(r.from);
  return { from, to: realmNumber(r.to), hasFrom: from !== 0 };
}

function prefixText(p: { address: string; prefixLen: number }, family: 4 | 6): string {
  return addressText(p.address, p.prefixLen, family);
}

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/** print_encap: " encap …". */
function encapText(e: Encap): string {
  switch (e.type) {
    case 'mpls':
      // Label stack entries as the kernel holds them: label << 12, bottom-of-stack bit on the last.
      return ' encap mpls' + e.labels.map((l, i) => `${i ? '/' : ' '}${(l * 4096 + (i === e.labels.length - 1 ? 0x100 : 0)).toString(16)}`).join('');
    case 'ila':
      return ` encap ila ${e.locator}`;
    case 'ip':
    case 'ip6': {
      const six = e.type === 'ip6';
      let s = six ? ' encap ip6' : ' encap ip';
      if (e.id !== undefined) s += ` id ${e.id}`;
      if (e.dst !== undefined) s += ` dst ${e.dst}`;
      if (e.src !== undefined) s += ` src ${e.src}`;
      if (e.tos !== undefined) s += ` ${six ? 'tc' : 'tos'} ${rtNumber(e.tos, 'dsfield')}`;
      if (e.ttl !== undefined) s += ` ${six ? 'hoplimit' : 'ttl'} ${e.ttl}`;
      if (e.flags !== undefined) s += ` flags 0x${e.flags.toString(16)}`;
      return s;
    }
  }
}

function nexthopText(nh: Nexthop, routeRealms: Realms | undefined): string {
  let s = ' nexthop';
  if (nh.via !== undefined) s += ` via inet${familyOf(nh.via) === 4 ? '' : '6'} ${nh.via}`;
  if (nh.dev !== undefined) s += ` dev ${nh.dev}`;
  if (nh.weight !== undefined) s += ` weight ${nh.weight}`;
  if (nh.onlink) s += ' onlink';
  const r = realmParts(nh.realms);
  if (r) {
    // keepalived tests the route's realms here, not the nexthop's.
    const routeHasFrom = realmParts(routeRealms)?.hasFrom ?? false;
    s += routeHasFrom ? ` realms ${r.from}/` : ' realm ';
    s += String(r.to);
  }
  if (nh.encap) s += encapText(nh.encap);
  return s;
}

/** keepalived's rtt/rttvar/rto_min printing: seconds from 1 s up, else milliseconds. */
function timeMetric(name: string, ms: number, locked: boolean, wholeMsBelowSecond: boolean): string {
  const head = ` ${name}${locked ? ' lock' : ''} `;
  if (ms >= 1000) return `${head}${cG(ms / 1000)}s`;
  return `${head}${wholeMsBelowSecond ? String(Math.trunc(ms)) : cG(ms)}ms`;
}

/** format_iproute. */
export function formatRoute(r: RouteLine): string {
  const lock = new Set(r.metrics.lock ?? []);
  const m = r.metrics;
  // keepalived's IPROUTE_BIT_ADD comes out equal to IPROUTE_BIT_TYPE (its header redefines
  // IPROUTE_ADD as 1), so a route with a type reads "add" whatever its mode.
  let s = `${r.type !== 'unicast' ? 'add' : r.mode} `;
  if (r.type !== 'unicast') s += `${r.type} `;
  s += prefixText(r.dst, r.family);
  if (r.from) s += ` from ${prefixText(r.from, r.family)}`;
  if (r.src !== undefined) s += ` src ${r.src}`;
  if (r.tos !== undefined) s += ` tos ${rtNumber(r.tos, 'dsfield')}`;
  if (r.encap) s += encapText(r.encap);
  if (r.via !== undefined) s += ` via ${familyOf(r.via) === 6 ? 'inet6' : 'inet'} ${r.via}`;
  if (r.dev !== undefined) s += ` dev ${r.dev}`;
  if (rtNumber(r.table, 'table') !== String(RT_TABLE_MAIN)) s += ` table ${rtNumber(r.table, 'table')}`;
  if (r.protocol !== undefined) s += ` proto ${rtNumber(r.protocol, 'protocol')}`;
  if (r.scope !== undefined) s += ` scope ${rtNumber(r.scope, 'scope')}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  if (r.family === 4 && r.onlink) s += ' onlink';
  const realms = realmParts(r.realms);
  if (realms) s += realms.hasFrom ? ` realms ${realms.from}/${realms.to}` : ` realm ${realms.to}`;
  if (r.expires !== undefined) s += ` expires ${r.expires}sec`;
  if (m.congctl !== undefined) s += ` congctl ${m.congctl}${lock.has('congctl') ? 'lock ' : ''}`;
  if (m.rttMs !== undefined) s += timeMetric('rtt', m.rttMs, lock.has('rtt'), false);
  if (m.rttvarMs !== undefined) s += timeMetric('rttvar', m.rttvarMs, lock.has('rttvar'), false);
  if (m.rtoMinMs !== undefined) s += timeMetric('rto_min', m.rtoMinMs, lock.has('rto_min'), true);
  if (m.ecn) s += ' features ecn';
  const lockable = (name: string, v: number | undefined) => (v === undefined ? '' : ` ${name} ${lock.has(name) ? 'lock ' : ''}${v}`);
  s += lockable('mtu', m.mtu);
  if (m.window !== undefined) s += ` window ${m.window}`;
  s += lockable('ssthresh', m.ssthresh) + lockable('cwnd', m.cwnd) + lockable('advmss', m.advmss) + lockable('reordering', m.reordering);
  if (m.hoplimit !== undefined) s += ` hoplimit ${m.hoplimit}`;
  if (m.initcwnd !== undefined) s += ` initcwnd ${m.initcwnd}`;
  if (m.initrwnd !== undefined) s += ` initrwnd ${m.initrwnd}`;
  if (m.quickack !== undefined) s += ` quickack ${m.quickack ? 1 : 0}`;
  if (r.pref !== undefined) s += ` pref ${typeof r.pref === 'number' ? 'unknown' : r.pref}`;
  if (m.fastopenNoCookie !== undefined) s += ` fastopen_no_cookie ${m.fastopenNoCookie ? 1 : 0}`;
  if (r.ttlPropagate !== undefined) s += ` ttl-propagate ${r.ttlPropagate ? 'en' : 'dis'}abled`;
  for (const nh of r.nexthops) s += nexthopText(nh, r.realms);
  if (r.noTrack) s += ' no_track';
  if (r.trackGroup !== undefined) s += ` track_group ${r.trackGroup}`;
  return s;
}

const ruleRange = (r: { start: number; end: number }) => `${r.start}-${r.end}`;

/** format_iprule. */
export function formatRule(r: RuleLine): string {
  let s = '';
  if (!r.from && !r.to && r.family === 6) s += 'inet6 ';
  if (r.not) s += 'not ';
  s += r.from ? `from ${prefixText(r.from, r.family)}` : 'from all';
  if (r.to) s += ` to ${prefixText(r.to, r.family)}`;
  s += ` priority ${r.priority}`;
  const tos = r.tos === undefined ? 0 : rtNumber(r.tos, 'dsfield');
  s += ` tos 0x${typeof tos === 'number' || /^\d+$/.test(tos) ? Number(tos).toString(16) : tos}`;
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    s += ` fwmark 0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffff_ffff) s += `/0x${r.fwmask.toString(16)}`;
  }
  if (r.iif !== undefined) s += ` iif ${r.iif}`;
  if (r.oif !== undefined) s += ` oif ${r.oif}`;
  if (r.suppressPrefixLength !== undefined) s += ` suppress_prefixlen ${r.suppressPrefixLength}`;
  if (r.suppressIfgroup !== undefined) s += ` suppress_ifgroup ${rtNumber(r.suppressIfgroup, 'group')}`;
  if (r.tunnelId !== undefined && r.tunnelId !== '0') s += ` tunnel-id ${r.tunnelId}`;
  if (r.uidRange) s += ` uidrange ${ruleRange(r.uidRange)}`;
  if (r.l3mdev) s += ' l3mdev';
  if (r.protocol !== undefined) s += ` protocol ${r.protocol}`;
  if (r.ipproto !== undefined) s += ` ipproto ${r.ipproto}`;
  if (r.sport) s += ` sport ${ruleRange(r.sport)}`;
  if (r.dport) s += ` dport ${ruleRange(r.dport)}`;
  const realms = realmParts(r.realms);
  if (realms) s += ` realms ${realms.from}/${realms.to}`;
  switch (r.action) {
    case 'table':
      // An l3mdev rule has no table of its own; keepalived prints the unset table (0).
      s += ` lookup ${r.table === undefined ? 0 : rtNumber(r.table, 'table')}`;
      break;
    case 'goto':
      s += ` goto ${r.gotoTarget ?? 0}`;
      break;
    case 'nop':
      s += ' nop';
      break;
    default:
      s += ` type ${r.action}`;
  }
  if (r.noTrack) s += ' no_track';
  if (r.trackGroup !== undefined) s += ` track_group ${r.trackGroup}`;
  return s;
}
