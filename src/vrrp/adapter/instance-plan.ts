/**
 * One vrrp_instance → the FSM's InstanceParams, the socket pool's AdvertTransport and the
 * actions layer's InstanceDefinition.
 *
 * The compiler already resolved what keepalived derives from other keywords and from
 * global_defs (family, version, state ↔ priority, accept mode, multicast group, GARP values)
 * and applied keepalived's corrections with keepalived's words as warnings
 * (src/vrrp/config/instance-resolve.ts), so for a compiled Config the checks below find
 * nothing to fix and report nothing (one diagnostic per problem). The plan keeps them
 * (vrrp.c vrrp_complete_instance) so that whatever Config it is given — one built or edited
 * by hand — it hands the FSM parameters keepalived would run with, never ones it refuses:
 *  - IPv6 with VRRPv2 → version 3;
 *  - strict mode: `state` follows ownership; authentication is ignored;
 *  - authentication with VRRPv3, without a password, or AH over IPv6 → ignored;
 *  - `state MASTER` with AH and priority below 255 → BACKUP (a new master must first learn
 *    the peer's AH sequence number from an advert);
 *  - nopreempt with priority 255, or with `state MASTER` → cleared; preempt_delay with
 *    `state MASTER`, strict mode or nopreempt → cleared; down_timer_adverts in strict mode → 3;
 *  - advert_int rounded to what the version's wire field carries (roundAdvertInterval);
 *  - more than 255 VIPs → the excess become eVIPs (the advert's count field is 8 bits).
 * Unicast means a non-empty unicast_peer list — or unicast_fault_no_peer, whose empty list
 * keeps the instance unicast and in FAULT rather than falling back to multicast.
 * The primary address (ties between equal priorities) is unicast_src_ip / mcast_src_ip, else
 * the interface's own as keepalived picks it (vrrp.c set_vrrp_src_addr): its primary IPv4
 * address, or its IPv6 link-local address; when it has none yet, the run time finds it.
 *
 * Features the rest of keepalived-ts does not implement are reported, never dropped silently:
 * errors where running without them would break the protocol or the addresses (auth_hmac,
 * use_ipvlan, use_vmac_addr), warnings where the instance still runs correctly without them.
 */
import type { VrrpInstance } from '../config/instance-model.js';
import type { RouteEntry, RuleEntry, VipSpec } from '../actions/types.js';
import type { InstanceDefinition } from '../actions/vrrp-actions.js';
import { vmacName } from '../vmac/vmac-plan.js';
import { validateInstanceParams } from '../fsm/timers.js';
import type { InstanceParams } from '../fsm/types.js';
import { roundAdvertInterval, type AdvertAuth } from '../packet/index.js';
import type { PlanContext } from './context.js';
import { routeEntry, ruleEntry, vipSpec } from './net-entries.js';
import { receiveBufferShare } from './socket-buffers.js';
import type { AdvertTransport, PlannedInstance } from './types.js';

const PRIO_OWNER = 255;
const MAX_ADVERT_ADDRESSES = 255;
const RFC_DOWN_TIMER_ADVERTS = 3;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** keepalived's fixes to the election settings (see the module notes). */
function election(ctx: PlanContext, v: VrrpInstance, version: 2 | 3) {
  const who = `(${v.name})`;
  const owner = v.priority === PRIO_OWNER;
  let state = v.state;
  if (v.strict && (state === 'MASTER') !== owner) {
    ctx.warning(`${who} State MASTER must match being address owner - using ${owner ? 'MASTER' : 'BACKUP'}`, 'state');
    state = owner ? 'MASTER' : 'BACKUP';
  }
  let auth: AdvertAuth = { type: 'none' };
  const a = v.auth;
  if (a?.type !== undefined) {
    if (v.strict) ctx.warning(`${who} Strict mode does not support authentication. Ignoring.`, 'authentication');
    else if (version === 3) ctx.warning(`${who} VRRP version 3 does not support authentication. Ignoring.`, 'authentication');
    else if (!a.password) ctx.warning(`${who} Authentication specified but no password given. Ignoring`, 'authentication');
    else if (v.family === 6 && a.type === 'AH') ctx.warning(`${who} Cannot use AH authentication with IPv6. ignoring`, 'auth_type');
    else {
      auth = { type: a.type === 'PASS' ? 'pass' : 'ah', password: a.password };
      if (a.type === 'AH' && state === 'MASTER' && !owner) {
        ctx.warning(`${who} Initial state master is incompatible with AH authentication - clearing`, 'auth_type');
        state = 'BACKUP';
      }
    }
  }
  let nopreempt = v.nopreempt;
  let preemptDelayMs = v.preemptDelayMs;
  if (owner && nopreempt) {
    ctx.warning(`${who} nopreempt is incompatible with priority ${PRIO_OWNER}. resetting nopreempt`, 'nopreempt');
    nopreempt = false;
  }
  if (state === 'MASTER') {
    if (nopreempt) ctx.warning(`${who} Warning - nopreempt will not work with initial state MASTER - clearing`, 'nopreempt');
    if (preemptDelayMs > 0) ctx.warning(`${who} Warning - preempt delay will not work with initial state MASTER - clearing`, 'preempt_delay');
    nopreempt = false;
    preemptDelayMs = 0;
  }
  if (preemptDelayMs > 0 && (v.strict || nopreempt)) {
    ctx.warning(`${who} preempt_delay is incompatible with ${v.strict ? 'strict' : 'nopreempt'} mode - resetting`, 'preempt_delay');
    preemptDelayMs = 0;
  }
  let downTimerAdverts = v.downTimerAdverts;
  if (v.strict && downTimerAdverts !== RFC_DOWN_TIMER_ADVERTS) {
    ctx.warning(`${who} down_timer_adverts is incompatible with strict mode - resetting`, 'down_timer_adverts');
    downTimerAdverts = RFC_DOWN_TIMER_ADVERTS;
  }
  return { state, auth, nopreempt, preemptDelayMs, downTimerAdverts };
}

/** What keepalived-ts does not implement, for this instance. */
function unsupported(ctx: PlanContext, v: VrrpInstance): void {
  const who = `(${v.name})`;
  const not = 'is not supported by keepalived-ts yet';
  if (v.authHmac) ctx.error(`${who} auth_hmac ${not}: peers would drop our unsigned adverts`, 'auth_hmac');
  if (v.ipvlan) ctx.error(`${who} use_ipvlan ${not}`, 'use_ipvlan');
  if (v.vmacAddr) ctx.error(`${who} use_vmac_addr ${not}`, 'use_vmac_addr');
  if (v.timerExpiredBackup !== undefined) ctx.warning(`${who} timer_expired_backup ${not} - ignored`, 'timer_expired_backup');
  if (v.trackSrcIp) ctx.warning(`${who} track_src_ip ${not} - the source address is not tracked`, 'track_src_ip');
  if (v.linkbeatUsePolling) ctx.warning(`${who} linkbeat_use_polling ${not} - link state comes from netlink`, 'linkbeat_use_polling');
  if (v.lvsSyncDaemonInterface !== undefined) ctx.warning(`${who} lvs_sync_daemon_interface ${not} - ignored`, 'lvs_sync_daemon_interface');
  if (v.ownerIgnoreAdverts) ctx.notice(`${who} owner_ignore_adverts ${not} - received adverts are processed`, 'owner_ignore_adverts');
}

/** The VMAC's name, when the instance has one; errors are recorded. */
export function instanceVmacName(ctx: PlanContext, v: VrrpInstance): string | undefined {
  if (!v.vmac) return undefined;
  try {
    return vmacName({ vrid: v.virtualRouterId, ...(v.vmac.ifname !== undefined ? { name: v.vmac.ifname } : {}) }, ctx.global.vmacPrefix);
  } catch (err) {
    ctx.error(`(${v.name}) use_vmac: ${(err as Error).message}`, 'use_vmac');
    return undefined;
  }
}

function collect<T>(items: readonly (T | undefined)[]): T[] | undefined {
  return items.every((i) => i !== undefined) ? (items as T[]) : undefined;
}

/** old_unicast_checksum → the guards' and sender's mode (keepalived's NONE, CONFIG, NEVER). */
const OLD_CHECKSUM = { auto: 'detect', old: 'always', never: 'never' } as const;

/** `vmac`: the VMAC's name (instanceVmacName), when the instance has one. */
export function planInstance(ctx: PlanContext, v: VrrpInstance, syncGroup: string | undefined, vmac: string | undefined): PlannedInstance | undefined {
  const who = `(${v.name})`;
  const family = v.family;
  let version = v.version;
  if (family === 6 && version === 2) {
    ctx.warning(`${who} cannot use IPv6 with VRRP version 2; setting version 3`, 'version');
    version = 3;
  }
  unsupported(ctx, v);
  const e = election(ctx, v, version);
  let advertIntervalMs = v.advertIntervalMs;
  const rounded = roundAdvertInterval(version, advertIntervalMs);
  if (rounded.adjustment) ctx.warning(`${who} ${rounded.adjustment}`, 'advert_int');
  advertIntervalMs = rounded.ms;

  let vipLines = v.vips;
  let evipLines = v.evips;
  if (vipLines.length > MAX_ADVERT_ADDRESSES) {
    ctx.warning(`${who} Number of VIPs (${vipLines.length}) exceeds maximum/space available in packet (max ${MAX_ADVERT_ADDRESSES} addresses) - excess moved to eVIPs`, 'virtual_ipaddress');
    evipLines = [...vipLines.slice(MAX_ADVERT_ADDRESSES), ...evipLines];
    vipLines = vipLines.slice(0, MAX_ADVERT_ADDRESSES);
  }
  const vips = collect<VipSpec>(vipLines.map((a) => vipSpec(ctx, a, v.name, 'virtual_ipaddress')));
  const evips = collect<VipSpec>(evipLines.map((a) => vipSpec(ctx, a, v.name, 'virtual_ipaddress_excluded')));
  const routes = collect<RouteEntry>(v.vroutes.map((r) => routeEntry(ctx, r, v.name, 'virtual_routes')));
  const rules = collect<RuleEntry>(v.vrules.map((r) => ruleEntry(ctx, r, v.name, 'virtual_rules')));
  if (!vips || !evips || !routes || !rules || (v.vmac && vmac === undefined)) return undefined;

  const unicast = v.unicastPeers.length > 0 || v.unicastFaultNoPeer;
  const primaryAddress = v.sourceAddress ?? (v.interface !== undefined ? ctx.env.interfaces.primaryAddress(v.interface, family) : undefined);
  const peers = v.unicastPeers.map((p) => ({ address: p.address, minTtl: p.minTtl, maxTtl: p.maxTtl }));

  const params: InstanceParams = {
    name: v.name,
    vrid: v.virtualRouterId,
    version,
    family: family === 4 ? 'inet' : 'inet6',
    priority: v.priority,
    advertIntervalMs,
    initialState: e.state,
    nopreempt: e.nopreempt,
    preemptDelayMs: e.preemptDelayMs,
    downTimerAdverts: e.downTimerAdverts,
    lowerPrioNoAdvert: v.lowerPrioNoAdvert,
    higherPrioSendAdvert: v.higherPrioSendAdvert,
    skipCheckAdvAddr: v.skipCheckAdvAddr,
    addresses: vips.map((a) => a.address),
    auth: e.auth,
    unicast,
    unicastPeers: peers,
    checkUnicastSource: unicast && v.checkUnicastSrc,
    v3ChecksumAsV2: v.v3ChecksumAsV2,
    oldUnicastChecksum: OLD_CHECKSUM[v.unicastChecksumCompat],
    checksumGroup4: ctx.global.vrrpMcastGroup4,
    addressListMismatch: 'process',
    ...(primaryAddress !== undefined ? { primaryAddress } : {}),
  };

  try {
    validateInstanceParams(params);
  } catch (err) {
    // What the compiler reports (a missing virtual_router_id, a bad address) lands here too.
    ctx.error((err as Error).message, 'vrrp_instance');
    return undefined;
  }

  const transport: Mutable<AdvertTransport> = {
    family,
    mode: unicast ? 'unicast' : 'multicast',
    protocol: e.auth.type === 'ah' ? 51 : 112,
    peers: unicast ? peers : [],
    unicastFaultNoPeer: v.unicastFaultNoPeer,
    checkUnicastSource: params.checkUnicastSource,
    vmacXmitBase: v.vmacXmitBase,
  };
  if (v.interface !== undefined) transport.interface = v.interface;
  if (v.vrf !== undefined) transport.vrf = v.vrf;
  if (!unicast && v.mcastGroup !== undefined) transport.multicastGroup = v.mcastGroup;
  if (v.sourceAddress !== undefined) transport.sourceAddress = v.sourceAddress;
  if (unicast && v.unicastTtl !== undefined) transport.unicastTtl = v.unicastTtl;
  if (vmac !== undefined) transport.vmacName = vmac;
  if (v.kernelRxBufSize !== undefined) transport.kernelRxBufSize = v.kernelRxBufSize;
  const share = receiveBufferShare(ctx.global, v.kernelRxBufSize, { family, version, addressCount: vips.length, ah: e.auth.type === 'ah' });
  if (share) transport.receiveBuffer = share;

  const definition: Mutable<InstanceDefinition> = {
    name: v.name,
    vrid: v.virtualRouterId,
    family,
    vips,
    evips,
    routes,
    rules,
    garp: {
      masterDelayMs: v.garpMasterDelayMs,
      masterRepeat: v.garpMasterRepeat,
      masterRefreshMs: v.garpMasterRefreshMs,
      masterRefreshRepeat: v.garpMasterRefreshRepeat,
      lowerPrioDelayMs: v.garpLowerPrioDelayMs,
      lowerPrioRepeat: v.garpLowerPrioRepeat,
      extraIfIntervalMs: v.garpExtraIf.intervalMs,
      extraIfAll: v.garpExtraIf.allInterfaces,
    },
    accept: v.accept,
    owner: v.priority === PRIO_OWNER,
  };
  if (v.interface !== undefined) definition.interface = v.interface;
  if (syncGroup !== undefined) definition.syncGroup = syncGroup;
  // keepalived ignores it with a VMAC (set there anyway); the compiler warned already.
  if (v.promoteSecondaries && !v.vmac && v.interface !== undefined) definition.promoteSecondaries = true;
  if (v.vmac) {
    definition.vmac = {
      ...(v.vmac.ifname !== undefined ? { name: v.vmac.ifname } : {}),
      ...(v.vmac.mac !== undefined ? { mac: v.vmac.mac } : {}),
      xmitBase: v.vmacXmitBase,
      otherFamilyEvips: evips.some((a) => !a.address.includes(':') !== (family === 4)),
      ...(family === 6 && v.sourceAddress !== undefined ? { sourceAddress6: v.sourceAddress } : {}),
    };
  }
  return { name: v.name, params, transport, definition, ...(syncGroup !== undefined ? { syncGroup } : {}) };
}
