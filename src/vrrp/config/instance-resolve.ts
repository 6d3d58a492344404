/**
 * Completes one vrrp_instance once the whole file is read, as keepalived's
 * vrrp_complete_instance() does (vrrp.c): derives what the instance did not
 * say (family, version, state ↔ priority, accept mode, multicast group, GARP
 * settings from global_defs, …) and checks the rules that span several
 * keywords or depend on global_defs — among them every strict-mode
 * restriction of the man page's vrrp_strict list.
 *
 * Three kinds of finding, as keepalived 2.2.7 treats them:
 *  - keepalived cannot run the instance (vrrp_complete_instance() or
 *    chk_min_cfg() returns false and the VRRP process exits: no VRID, no
 *    interface, a VRRPv3 instance without VIPs, …): an error, the config is
 *    refused;
 *  - two settings conflict and keepalived logs the conflict and corrects it
 *    deterministically ("- clearing", "Ignoring", "resetting", "setting to",
 *    "rounding", "- removing"): a warning with keepalived's words, and the
 *    same correction applied to the model here, so every later layer (the
 *    printer, the VRRP plan) sees what keepalived would run with and the
 *    problem is reported once;
 *  - keepalived reports and runs unchanged (the first IPv6 VIP of a strict
 *    instance is not link-local; a sync group mixing owners): a warning.
 * Either way `-t` exits 5, as keepalived's does. Checks that need the running
 * system — does the interface exist, is it Ethernet (VMAC) and
 * multicast-capable, its MTU (how many VIPs fit in an advert), does
 * track_src_ip's address exist — are made when the instance starts.
 */
import type { CompileContext } from '../../config/schema/types.js';
import type { SourceLocation } from '../../config/diagnostics.js';
import type { GlobalDefs } from '../../config/global/index.js';
import type { Family } from '../../config/schema/net-values.js';
import { UNICAST_KEYWORD, type VrrpInstance } from './instance-model.js';
import { isSet } from './line-list.js';

const PRIO_OWNER = 255;
/** VRRP's "Count IPvX Addr" field is 8 bits (RFC 5798 §5.2.6). */
const MAX_ADVERT_ADDRESSES = 255;
/** VRRPv3's Max Adver Int is 12 bits of centiseconds (RFC 5798 §5.2.7). */
const V3_ADVERT_LIMIT_MS = 4096 * 10;
/** VRRPv2's Adver Int is 8 bits of seconds (RFC 3768 §5.3.7). */
const V2_ADVERT_LIMIT_MS = 256 * 1000;
/** RFC 5798 §6.1: Master_Down_Interval counts three advertisement intervals. */
const RFC_DOWN_TIMER_ADVERTS = 3;
const HMAC_WINDOW_FLOOR_S = 5;
const HMAC_WINDOW_MAX_S = 300;

function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

function isLinkLocal6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** Errors, warnings and their locations for one instance. */
class Reporter {
  constructor(readonly v: VrrpInstance, readonly ctx: CompileContext, readonly loc: SourceLocation) {}
  /** Where `field` of `obj` (default: the instance) was set, else the object, else the block. */
  at(field?: string, obj: object = this.v): SourceLocation {
    return (field === undefined ? undefined : this.ctx.locations.get(obj, field)) ?? this.ctx.locations.get(obj) ?? this.loc;
  }
  error(message: string, keyword: string, where: SourceLocation = this.loc): void {
    this.ctx.diags.error(`(${this.v.name}) ${message}`, where, keyword);
  }
  /** A conflict keepalived reports and corrects (or tolerates): the caller applies the correction. */
  warning(message: string, keyword: string, where: SourceLocation = this.loc): void {
    this.ctx.diags.warning(`(${this.v.name}) ${message}`, where, keyword);
  }
  set(field: string): boolean {
    return isSet(this.ctx, this.v, field);
  }
}

/**
 * The instance's family is the first address's (native_ipv6 forces IPv6); keepalived
 * skips every later address of the other family as it reads it, with a message per kind.
 */
function resolveFamily(v: VrrpInstance, r: Reporter): void {
  const first =
    (v.nativeIpv6 ? 6 : undefined) ??
    v.vips[0]?.family ??
    (v.sourceAddress !== undefined ? familyOf(v.sourceAddress) : undefined) ??
    (v.unicastPeers[0] ? familyOf(v.unicastPeers[0].address) : undefined) ??
    (r.set('mcastGroup') && v.mcastGroup !== undefined ? familyOf(v.mcastGroup) : undefined) ??
    v.ipvlan?.address?.family;
  const family: Family = first ?? 4;
  v.family = family;
  v.vips = v.vips.filter((a) => {
    if (a.family === family) return true;
    r.warning(`address family must match VRRP instance [${a.address}] - ignoring`, 'virtual_ipaddress', r.at(undefined, a));
    return false;
  });
  if (v.sourceAddress !== undefined && familyOf(v.sourceAddress) !== family) {
    r.warning(`VRRP instance and src address [${v.sourceAddress}] MUST be of the same family - skipping`, 'unicast_src_ip', r.at('sourceAddress'));
    delete v.sourceAddress;
    v.trackSrcIp = false;
  }
  v.unicastPeers = v.unicastPeers.filter((p) => {
    if (familyOf(p.address) === family) return true;
    r.warning(`VRRP instance and unicast peer address [${p.address}] MUST be of the same family - skipping`, 'unicast_peer', r.at(undefined, p));
    return false;
  });
  if (r.set('mcastGroup') && v.mcastGroup !== undefined && familyOf(v.mcastGroup) !== family) {
    r.warning(`mcast dest address ${v.mcastGroup} MUST match VRRP instance family - skipping`, 'mcast_dst_ip', r.at('mcastGroup'));
    delete v.mcastGroup;
  }
  if (v.ipvlan?.address && v.ipvlan.address.family !== family) {
    r.warning(`ipvlan address [${v.ipvlan.address.address}] MUST match vrrp instance family - skipping`, 'use_ipvlan', r.at('ipvlan'));
    const { address: _dropped, ...rest } = v.ipvlan;
    v.ipvlan = rest;
  }
}

/** Whether mcast_dst_ip was given and survived the family check. */
function mcastGiven(v: VrrpInstance, r: Reporter): boolean {
  return r.set('mcastGroup') && v.mcastGroup !== undefined;
}

function resolveTransport(v: VrrpInstance, g: GlobalDefs, r: Reporter): void {
  const unicast = v.unicastPeers.length > 0;
  if (v.ipvlan?.address && v.sourceAddress === undefined) v.sourceAddress = v.ipvlan.address.address;
  if (v.interface === undefined) {
    // chk_min_cfg() / vrrp_complete_instance() return false: the VRRP process cannot run.
    if (!r.set(UNICAST_KEYWORD)) r.error('Unknown interface! (interface is required unless unicast_peer is used)', 'interface');
    else if (v.sourceAddress === undefined) r.error('Unicast instances must have unicast_src_ip or interface', 'unicast_src_ip');
    else if (v.family === 6 && isLinkLocal6(v.sourceAddress)) r.error('Non link-local address required if interface omitted', 'unicast_src_ip', r.at('sourceAddress'));
    if ((v.vmac || v.ipvlan) && r.set(UNICAST_KEYWORD)) {
      r.warning('Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac', v.vmac ? 'use_vmac' : 'use_ipvlan', r.at(v.vmac ? 'vmac' : 'ipvlan'));
      delete v.vmac;
      delete v.ipvlan;
      v.vmacXmitBase = false;
    }
  }
  if (v.vrf !== undefined && (v.interface !== undefined || !unicast)) {
    r.warning(`vrf can only be specified with${v.interface !== undefined ? 'out interface' : ' unicast'} - clearing`, 'vrf', r.at('vrf'));
    delete v.vrf;
  }
  if (unicast) {
    // keepalived refuses this only on a multicast-capable interface, which -t cannot know; an
    // instance with an interface is expected to have one.
    if (v.strict && v.interface !== undefined) r.error('Unicast peers are not supported in strict mode', 'unicast_peer', r.at(UNICAST_KEYWORD));
    if (mcastGiven(v, r)) r.warning('multicast destination specified with unicast - ignoring', 'mcast_dst_ip', r.at('mcastGroup'));
    delete v.mcastGroup;
    const ttlChecks = v.unicastPeers.some((p) => p.minTtl !== 0 || p.maxTtl !== 255);
    v.checkUnicastSrc = v.checkUnicastSrc || g.vrrpCheckUnicastSrc || ttlChecks;
    if (v.vmac && !v.vmacXmitBase) {
      r.warning('unicast with use_vmac requires vmac_xmit_base - setting', 'use_vmac', r.at('vmac'));
      v.vmacXmitBase = true;
    }
  } else {
    if (r.set(UNICAST_KEYWORD) && !v.unicastFaultNoPeer) {
      r.warning('A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.', 'unicast_peer', r.at(UNICAST_KEYWORD));
    }
    if (v.unicastTtl !== undefined) {
      r.warning('Cannot use unicast_ttl without unicast peers - resetting', 'unicast_ttl', r.at('unicastTtl'));
      delete v.unicastTtl;
    }
    if (!mcastGiven(v, r)) v.mcastGroup = v.family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6;
    // keepalived reports it and runs as configured.
    if (v.family === 6 && v.vips[0] && !isLinkLocal6(v.vips[0].address) && v.strict) {
      r.warning('the first IPv6 VIP address must be link local', 'virtual_ipaddress', r.at(undefined, v.vips[0]));
    }
  }
  if (v.trackSrcIp && v.sourceAddress === undefined) v.trackSrcIp = false;
}

function resolveVmac(v: VrrpInstance, r: Reporter): void {
  if (v.vmac?.mac !== undefined && v.strict) {
    r.warning('cannot specify MAC address with strict mode - clearing', 'use_vmac', r.at('vmac'));
    const { mac: _cleared, ...rest } = v.vmac;
    v.vmac = rest;
  }
  // Five octets: the VRID is the sixth (keepalived VRRP_VMAC_MAC_USE_VRID).
  if (v.vmac?.mac !== undefined && v.vmac.mac.split(':').length === 5 && v.virtualRouterId > 0) {
    v.vmac = { ...v.vmac, mac: `${v.vmac.mac}:${v.virtualRouterId.toString(16).padStart(2, '0')}` };
  }
  if (v.vmacXmitBase && v.vmac && v.strict) {
    r.warning('xmit_base is incompatible with strict mode - resetting', 'vmac_xmit_base', r.at('vmacXmitBase'));
    v.vmacXmitBase = false;
  }
  if (v.promoteSecondaries && (v.vmac || v.ipvlan)) {
    r.warning('promote_secondaries is automatically set for vmacs - ignoring', 'promote_secondaries', r.at('promoteSecondaries'));
    v.promoteSecondaries = false;
  }
  // keepalived sets the instance to FAULT; keepalived-ts does not run ipvlan instances at all.
  if (v.ipvlan && v.family === 4 && !v.ipvlan.address) r.error('IPv4 ipvlan requires a source ip address to be configured', 'use_ipvlan', r.at('ipvlan'));
  if (v.vmacXmitBase && !v.vmac) {
    r.warning('vmac_xmit_base is only valid with a vmac', 'vmac_xmit_base', r.at('vmacXmitBase'));
    v.vmacXmitBase = false;
  }
  for (const list of [v.vips, v.evips]) {
    const keyword = list === v.vips ? 'virtual_ipaddress' : 'virtual_ipaddress_excluded';
    for (const a of list) {
      if (!a.useVmac) continue;
      const onInstanceIf = a.dev === undefined || a.dev === v.interface;
      if (onInstanceIf && v.vmac && a.family === v.family) r.warning(`use_vmac specified for VIP/eVIP ${a.address} and vrrp instance`, keyword, r.at(undefined, a));
      else if ((!onInstanceIf || a.family !== v.family) && v.vmacAddr) r.warning(`use_vmac_addr specified and use_vmac specified for VIP/eVIP ${a.address}`, keyword, r.at(undefined, a));
      else continue;
      // keepalived clears the address's own use_vmac: the instance's VMAC (or use_vmac_addr) covers it.
      (a as { useVmac: boolean }).useVmac = false;
    }
  }
}

function resolveElection(v: VrrpInstance, r: Reporter): void {
  if (v.virtualRouterId === 0) r.error('the virtual router id must be set', 'virtual_router_id');
  if (!r.set('priority') && r.set('state') && v.state === 'MASTER') v.priority = PRIO_OWNER;
  const owner = v.priority === PRIO_OWNER;
  if (!r.set('state')) v.state = owner ? 'MASTER' : 'BACKUP';
  else if (v.strict && (v.state === 'MASTER') !== owner) {
    r.warning('State MASTER must match being address owner', 'state', r.at('state'));
    v.state = owner ? 'MASTER' : 'BACKUP';
  }
}

/** After authentication: AH can move the initial state to BACKUP. */
function resolvePreemption(v: VrrpInstance, r: Reporter): void {
  const owner = v.priority === PRIO_OWNER;
  if (owner && v.nopreempt) {
    r.warning(`nopreempt is incompatible with priority ${PRIO_OWNER}. resetting nopreempt`, 'nopreempt', r.at('nopreempt'));
    v.nopreempt = false;
  }
  if (v.state === 'MASTER') {
    if (v.nopreempt) {
      r.warning('Warning - nopreempt will not work with initial state MASTER - clearing', 'nopreempt', r.at('nopreempt'));
      v.nopreempt = false;
    }
    if (v.preemptDelayMs > 0) {
      r.warning('Warning - preempt delay will not work with initial state MASTER - clearing', 'preempt_delay', r.at('preemptDelayMs'));
      v.preemptDelayMs = 0;
    }
  }
  if (v.preemptDelayMs > 0 && v.strict) {
    r.warning('preempt_delay is incompatible with strict mode - resetting', 'preempt_delay', r.at('preemptDelayMs'));
    v.preemptDelayMs = 0;
  }
  if (v.preemptDelayMs > 0 && v.nopreempt) {
    r.warning('preempt_delay is incompatible with nopreempt mode - resetting', 'preempt_delay', r.at('preemptDelayMs'));
    v.preemptDelayMs = 0;
  }
  // keepalived 2.3's rule (timer_expired_backup is not in 2.2.7).
  if (v.timerExpiredBackup !== undefined && !v.nopreempt) r.error('timer_expired_backup requires nopreempt', 'timer_expired_backup', r.at('timerExpiredBackup'));

  if (!r.set('accept')) v.accept = owner ? true : !v.strict;
  else if (v.accept && !owner && v.strict && v.version === 2) {
    r.warning('warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting', 'accept', r.at('accept'));
    v.accept = false;
  }

  // keepalived 2.3's rules (owner_ignore_adverts is not in 2.2.7).
  if (r.set('ownerIgnoreAdverts')) {
    if (v.ownerIgnoreAdverts && !owner) r.error(`owner_ignore_adverts needs priority ${PRIO_OWNER}`, 'owner_ignore_adverts', r.at('ownerIgnoreAdverts'));
    if (!v.ownerIgnoreAdverts && owner && v.strict) r.error(`strict_mode with priority ${PRIO_OWNER} requires owner_ignore_adverts`, 'owner_ignore_adverts', r.at('ownerIgnoreAdverts'));
  }
}

/** keepalived's fit of advert_int to the version's wire field: clamp, then round half up to a unit. */
function resolveAdvertInterval(v: VrrpInstance, r: Reporter): void {
  const ms = v.advertIntervalMs;
  const where = r.at('advertIntervalMs');
  const unit = v.version === 2 ? 1000 : 10;
  const limit = v.version === 2 ? V2_ADVERT_LIMIT_MS : V3_ADVERT_LIMIT_MS;
  const name = `VRRPv${v.version} advertisement interval`;
  if (ms >= limit) {
    const max = limit - unit;
    const text = v.version === 2 ? `Must be less than ${limit / 1000}s. Setting to ${max / 1000}s` : `Must be less than ${(limit / 1000).toFixed(2)}s. Setting to ${(max / 1000).toFixed(2)}s`;
    r.warning(`${name} ${(ms / 1000).toFixed(2)}s is out of range. ${text}`, 'advert_int', where);
    v.advertIntervalMs = max;
  } else if (ms % unit !== 0) {
    r.warning(`${name} ${(ms / 1000).toFixed(6)}s ${v.version === 2 ? 'must be an integer. rounding' : 'must be in units of 10ms - rounding'}`, 'advert_int', where);
    v.advertIntervalMs = Math.max(unit, Math.floor((ms + unit / 2) / unit) * unit);
  }
}

function resolveAuth(v: VrrpInstance, r: Reporter): void {
  const a = v.auth;
  if (a) {
    const where = r.at(undefined, a);
    let ignored: string | undefined;
    if (a.type === undefined) r.error('authentication needs auth_type PASS|AH', 'authentication', where);
    else if (v.strict) ignored = 'Strict mode does not support authentication. Ignoring.';
    else if (v.version === 3) ignored = 'VRRP version 3 does not support authentication. Ignoring.';
    else if (a.password === undefined || a.password === '') ignored = 'Authentication specified but no password given. Ignoring';
    else if (v.family === 6 && a.type === 'AH') ignored = 'Cannot use AH authentication with IPv6. ignoring';
    else if (a.type === 'AH' && v.state === 'MASTER' && v.priority !== PRIO_OWNER) {
      // A new master must first learn the peer's AH sequence number from an advert.
      r.warning('Initial state master is incompatible with AH authentication - clearing', 'auth_type', r.at('type', a));
      v.state = 'BACKUP';
    }
    if (ignored !== undefined) {
      r.warning(ignored, ignored.startsWith('Cannot use AH') ? 'auth_type' : 'authentication', ignored.startsWith('Cannot use AH') ? r.at('type', a) : where);
      delete v.auth;
    }
  }
  // auth_hmac is keepalived 2.3's; its rules are kept as errors.
  const h = v.authHmac;
  if (h) {
    const where = r.at(undefined, h);
    if (a) r.error('auth_hmac cannot be combined with authentication', 'auth_hmac', where);
    if (h.activeKey === undefined || !h.keys.some((key) => key.id === h.activeKey)) {
      r.error(`auth_hmac active_key ${h.activeKey ?? '(not set)'} is not defined`, 'auth_hmac', r.at('activeKey', h));
    }
    if (v.strict && h.mode !== 'enforce') r.error('strict mode requires auth_hmac mode enforce', 'mode', r.at('mode', h));
    if (h.antiReplay === 'time' && h.timeWindowMs === undefined) {
      const window = Math.min(HMAC_WINDOW_MAX_S, Math.max(HMAC_WINDOW_FLOOR_S, 3 * Math.floor(v.advertIntervalMs / 1000)));
      h.timeWindowMs = window * 1000;
    }
  }
}

function resolveGarpAndTiming(v: VrrpInstance, g: GlobalDefs, r: Reporter): void {
  const inherit = <K extends keyof VrrpInstance>(field: K, value: VrrpInstance[K]) => {
    if (!r.set(field)) v[field] = value;
  };
  inherit('garpMasterDelayMs', g.vrrpGarpMasterDelayMs);
  inherit('garpMasterRepeat', g.vrrpGarpMasterRepeat);
  inherit('garpMasterRefreshMs', g.vrrpGarpMasterRefreshMs);
  inherit('garpMasterRefreshRepeat', g.vrrpGarpMasterRefreshRepeat);
  inherit('garpExtraIf', g.vrrpGarpExtraIf);
  inherit('downTimerAdverts', g.vrrpDownTimerAdverts);
  inherit('skipCheckAdvAddr', g.vrrpSkipCheckAdvAddr);
  inherit('v3ChecksumAsV2', g.v3ChecksumAsV2);
  inherit('garpLowerPrioRepeat', v.strict ? 0 : g.vrrpGarpLowerPrioRepeat);
  inherit('garpLowerPrioDelayMs', v.strict ? 0 : g.vrrpGarpLowerPrioDelayMs);
  inherit('lowerPrioNoAdvert', v.strict ? true : g.vrrpLowerPrioNoAdvert);
  inherit('higherPrioSendAdvert', v.strict ? false : g.vrrpHigherPrioSendAdvert);
  inherit('ownerIgnoreAdverts', v.priority === PRIO_OWNER ? (v.strict ? true : g.vrrpOwnerIgnoreAdverts) : false);
  if (!v.strict) return;
  if (v.downTimerAdverts !== RFC_DOWN_TIMER_ADVERTS) {
    r.warning('down_timer_adverts is incompatible with strict mode - resetting', 'down_timer_adverts', r.at('downTimerAdverts'));
    v.downTimerAdverts = RFC_DOWN_TIMER_ADVERTS;
  }
  if (v.garpLowerPrioRepeat !== 0) {
    r.warning('Strict mode requires no repeat garps. resetting', 'garp_lower_prio_repeat', r.at('garpLowerPrioRepeat'));
    v.garpLowerPrioRepeat = 0;
  }
  if (v.garpLowerPrioDelayMs !== 0) {
    r.warning('Strict mode requires no repeat garp delay. resetting', 'garp_lower_prio_delay', r.at('garpLowerPrioDelayMs'));
    v.garpLowerPrioDelayMs = 0;
  }
  if (!v.lowerPrioNoAdvert) {
    r.warning('Strict mode requires no lower priority advert. resetting', 'lower_prio_no_advert', r.at('lowerPrioNoAdvert'));
    v.lowerPrioNoAdvert = true;
  }
  if (v.higherPrioSendAdvert) {
    r.warning('strict mode requires higher_prio_send_advert to be clear. resetting', 'higher_prio_send_advert', r.at('higherPrioSendAdvert'));
    v.higherPrioSendAdvert = false;
  }
}

function checkAddresses(v: VrrpInstance, r: Reporter): void {
  if (v.allowNoVips && v.strict) {
    r.warning('no_virtual_ipaddress and strict mode incompatible, clearing no_virtual_ipaddress', 'no_virtual_ipaddress', r.at('allowNoVips'));
    v.allowNoVips = false;
  }
  if (v.vips.length > MAX_ADVERT_ADDRESSES) {
    r.warning(
      `Number of VIPs (${v.vips.length}) exceeds maximum/space available in packet (max ${MAX_ADVERT_ADDRESSES} addresses) - excess moved to eVIPs`,
      'virtual_ipaddress',
      r.at(undefined, v.vips[MAX_ADVERT_ADDRESSES]!),
    );
    v.evips = [...v.vips.slice(MAX_ADVERT_ADDRESSES), ...v.evips];
    v.vips = v.vips.slice(0, MAX_ADVERT_ADDRESSES);
  }
  if (v.interface === undefined) {
    for (const key of ['vips', 'evips'] as const) {
      v[key] = v[key].filter((a) => {
        if (a.dev !== undefined) return true;
        r.warning(`no interface for ${key === 'vips' ? '' : 'e'}vip ${a.address} - removing`, key === 'vips' ? 'virtual_ipaddress' : 'virtual_ipaddress_excluded', r.at(undefined, a));
        return false;
      });
    }
  }
  if (v.vips.length === 0 && !v.allowNoVips) {
    // vrrp_complete_instance() returns false for these: the VRRP process cannot run.
    if (v.version === 3 || v.strict) r.error('No VIP specified; at least one is required', 'virtual_ipaddress');
    else r.warning('No VIP specified; at least one is sensible', 'virtual_ipaddress');
  }
  v.trackInterfaces = v.trackInterfaces.filter((t) => {
    if (t.name !== v.interface) return true;
    r.warning(`Ignoring track_interface ${t.name} since own interface`, 'track_interface', r.at(undefined, t));
    return false;
  });
}

/** Resolves and checks one instance against global_defs (see the module notes). */
export function resolveInstance(v: VrrpInstance, g: GlobalDefs, ctx: CompileContext): void {
  const r = new Reporter(v, ctx, ctx.locations.get(v) ?? { file: '', line: 0, col: 0 });
  if (!r.set('strict')) v.strict = g.vrrpStrict;
  resolveFamily(v, r);
  if (!r.set('version')) v.version = v.family === 6 ? 3 : g.vrrpVersion;
  else if (v.family === 6 && v.version === 2) {
    r.warning('cannot use IPv6 with VRRP version 2; setting version 3', 'version', r.at('version'));
    v.version = 3;
  }
  resolveElection(v, r);
  resolveAdvertInterval(v, r);
  resolveTransport(v, g, r);
  resolveVmac(v, r);
  resolveAuth(v, r);
  resolvePreemption(v, r);
  resolveGarpAndTiming(v, g, r);
  checkAddresses(v, r);
}
