/**
 * Completes one vrrp_instance once the whole file is read, as keepalived's
 * vrrp_complete_instance() does (vrrp.c): derives what the instance did not
 * say (family, version, state ↔ priority, accept mode, multicast group, GARP
 * settings from global_defs, …) and checks the rules that span several
 * keywords or depend on global_defs — among them every strict-mode
 * restriction of the man page's vrrp_strict list.
 *
 * keepalived "fixes" most of these problems (resets the value, drops the
 * item) and reports an error; here they are errors and the value is left as
 * written, since such a config is refused anyway. What keepalived only warns
 * about stays a warning. Checks that need the running system — does the
 * interface exist, is it Ethernet (VMAC) and multicast-capable, its MTU
 * (how many VIPs fit in an advert), does track_src_ip's address exist — are
 * made when the instance starts.
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
  warning(message: string, keyword: string, where: SourceLocation = this.loc): void {
    this.ctx.diags.warning(`(${this.v.name}) ${message}`, where, keyword);
  }
  set(field: string): boolean {
    return isSet(this.ctx, this.v, field);
  }
}

function resolveFamily(v: VrrpInstance, r: Reporter): void {
  const sources: { family: Family; keyword: string; where: SourceLocation; text: string }[] = [];
  if (v.nativeIpv6) sources.push({ family: 6, keyword: 'native_ipv6', where: r.at('nativeIpv6'), text: 'native_ipv6' });
  for (const vip of v.vips) sources.push({ family: vip.family, keyword: 'virtual_ipaddress', where: r.at(undefined, vip), text: vip.address });
  if (v.sourceAddress !== undefined) sources.push({ family: familyOf(v.sourceAddress), keyword: 'unicast_src_ip', where: r.at('sourceAddress'), text: v.sourceAddress });
  for (const p of v.unicastPeers) sources.push({ family: familyOf(p.address), keyword: 'unicast_peer', where: r.at(undefined, p), text: p.address });
  if (r.set('mcastGroup') && v.mcastGroup !== undefined) sources.push({ family: familyOf(v.mcastGroup), keyword: 'mcast_dst_ip', where: r.at('mcastGroup'), text: v.mcastGroup });
  if (v.ipvlan?.address) sources.push({ family: v.ipvlan.address.family, keyword: 'use_ipvlan', where: r.at('ipvlan'), text: v.ipvlan.address.address });
  const family = sources[0]?.family ?? 4;
  for (const s of sources) {
    if (s.family !== family) r.error(`${s.text} is IPv${s.family} but the instance is IPv${family}: address family must match VRRP instance`, s.keyword, s.where);
  }
  v.family = family;
}

function resolveTransport(v: VrrpInstance, g: GlobalDefs, r: Reporter): void {
  const unicast = v.unicastPeers.length > 0;
  if (v.ipvlan?.address && v.sourceAddress === undefined) v.sourceAddress = v.ipvlan.address.address;
  if (v.interface === undefined) {
    if (!r.set(UNICAST_KEYWORD)) r.error('Unknown interface! (interface is required unless unicast_peer is used)', 'interface');
    else if (v.sourceAddress === undefined) r.error('Unicast instances must have unicast_src_ip or interface', 'unicast_src_ip');
    else if (v.family === 6 && isLinkLocal6(v.sourceAddress)) r.error('Non link-local address required if interface omitted', 'unicast_src_ip', r.at('sourceAddress'));
    if (v.vmac || v.ipvlan) r.error('cannot use VMAC if no interface specified', v.vmac ? 'use_vmac' : 'use_ipvlan', r.at(v.vmac ? 'vmac' : 'ipvlan'));
  }
  if (v.vrf !== undefined && (v.interface !== undefined || !unicast)) {
    r.error(`vrf can only be specified with${v.interface !== undefined ? 'out interface' : ' unicast'}`, 'vrf', r.at('vrf'));
  }
  if (unicast) {
    if (v.strict) r.error('Unicast peers are not supported in strict mode', 'unicast_peer', r.at(UNICAST_KEYWORD));
    if (r.set('mcastGroup')) r.error('multicast destination specified with unicast', 'mcast_dst_ip', r.at('mcastGroup'));
    delete v.mcastGroup;
    const ttlChecks = v.unicastPeers.some((p) => p.minTtl !== 0 || p.maxTtl !== 255);
    v.checkUnicastSrc = v.checkUnicastSrc || g.vrrpCheckUnicastSrc || ttlChecks;
    if (v.vmac && !v.vmacXmitBase) r.error('unicast with use_vmac requires vmac_xmit_base', 'use_vmac', r.at('vmac'));
  } else {
    if (r.set(UNICAST_KEYWORD) && !v.unicastFaultNoPeer) {
      r.warning('A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.', 'unicast_peer', r.at(UNICAST_KEYWORD));
    }
    if (v.unicastTtl !== undefined) r.error('Cannot use unicast_ttl without unicast peers', 'unicast_ttl', r.at('unicastTtl'));
    if (!r.set('mcastGroup')) v.mcastGroup = v.family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6;
    if (v.family === 6 && v.vips[0] && !isLinkLocal6(v.vips[0].address) && v.strict) {
      r.error('the first IPv6 VIP address must be link local', 'virtual_ipaddress', r.at(undefined, v.vips[0]));
    }
  }
  if (v.trackSrcIp && v.sourceAddress === undefined) v.trackSrcIp = false;
}

function resolveVmac(v: VrrpInstance, r: Reporter): void {
  if (v.vmac?.mac !== undefined) {
    if (v.strict) r.error('cannot specify MAC address with strict mode', 'use_vmac', r.at('vmac'));
    // Five octets: the VRID is the sixth (keepalived VRRP_VMAC_MAC_USE_VRID).
    if (v.vmac.mac.split(':').length === 5 && v.virtualRouterId > 0) {
      v.vmac = { ...v.vmac, mac: `${v.vmac.mac}:${v.virtualRouterId.toString(16).padStart(2, '0')}` };
    }
  }
  if (v.vmacXmitBase && !v.vmac) r.error('vmac_xmit_base is only valid with a vmac', 'vmac_xmit_base', r.at('vmacXmitBase'));
  if (v.vmacXmitBase && v.vmac && v.strict) r.error('xmit_base is incompatible with strict mode', 'vmac_xmit_base', r.at('vmacXmitBase'));
  if (v.promoteSecondaries && (v.vmac || v.ipvlan)) r.error('promote_secondaries is automatically set for vmacs', 'promote_secondaries', r.at('promoteSecondaries'));
  if (v.ipvlan && v.family === 4 && !v.ipvlan.address) r.error('IPv4 ipvlan requires a source ip address to be configured', 'use_ipvlan', r.at('ipvlan'));
  for (const [list, keyword] of [[v.vips, 'virtual_ipaddress'], [v.evips, 'virtual_ipaddress_excluded']] as const) {
    for (const a of list) {
      if (!a.useVmac) continue;
      const onInstanceIf = a.dev === undefined || a.dev === v.interface;
      if (onInstanceIf && v.vmac && a.family === v.family) r.error(`use_vmac specified for VIP/eVIP ${a.address} and vrrp instance`, keyword, r.at(undefined, a));
      else if ((!onInstanceIf || a.family !== v.family) && v.vmacAddr) r.error(`use_vmac_addr specified and use_vmac specified for VIP/eVIP ${a.address}`, keyword, r.at(undefined, a));
    }
  }
}

function resolveElection(v: VrrpInstance, r: Reporter): void {
  if (v.virtualRouterId === 0) r.error('the virtual router id must be set', 'virtual_router_id');
  if (!r.set('priority') && r.set('state') && v.state === 'MASTER') v.priority = PRIO_OWNER;
  const owner = v.priority === PRIO_OWNER;
  if (!r.set('state')) v.state = owner ? 'MASTER' : 'BACKUP';
  else if (v.strict && (v.state === 'MASTER') !== owner) r.error('State MASTER must match being address owner (strict mode)', 'state', r.at('state'));

  if (owner && v.nopreempt) r.error(`nopreempt is incompatible with priority ${PRIO_OWNER}`, 'nopreempt', r.at('nopreempt'));
  if (v.state === 'MASTER') {
    if (v.nopreempt && !owner) r.error('nopreempt will not work with initial state MASTER', 'nopreempt', r.at('nopreempt'));
    if (v.preemptDelayMs > 0) r.error('preempt delay will not work with initial state MASTER', 'preempt_delay', r.at('preemptDelayMs'));
  }
  if (v.preemptDelayMs > 0) {
    if (v.strict) r.error('preempt_delay is incompatible with strict mode', 'preempt_delay', r.at('preemptDelayMs'));
    if (v.nopreempt) r.error('preempt_delay is incompatible with nopreempt mode', 'preempt_delay', r.at('preemptDelayMs'));
  }
  if (v.timerExpiredBackup !== undefined && !v.nopreempt) r.error('timer_expired_backup requires nopreempt', 'timer_expired_backup', r.at('timerExpiredBackup'));

  if (!r.set('accept')) v.accept = owner ? true : !v.strict;
  else if (v.accept && !owner && v.strict && v.version === 2) {
    r.error('accept mode for VRRP version 2 does not comply with RFC3768 (strict mode)', 'accept', r.at('accept'));
  }

  if (r.set('ownerIgnoreAdverts')) {
    if (v.ownerIgnoreAdverts && !owner) r.error(`owner_ignore_adverts needs priority ${PRIO_OWNER}`, 'owner_ignore_adverts', r.at('ownerIgnoreAdverts'));
    if (!v.ownerIgnoreAdverts && owner && v.strict) r.error(`strict_mode with priority ${PRIO_OWNER} requires owner_ignore_adverts`, 'owner_ignore_adverts', r.at('ownerIgnoreAdverts'));
  }
}

function resolveAdvertInterval(v: VrrpInstance, r: Reporter): void {
  const ms = v.advertIntervalMs;
  if (v.version === 2 && ms % 1000 !== 0) {
    r.error(`VRRPv2 advertisement interval ${ms / 1000}s must be a whole number of seconds`, 'advert_int', r.at('advertIntervalMs'));
  } else if (v.version === 3) {
    if (ms >= V3_ADVERT_LIMIT_MS) r.error(`VRRPv3 advertisement interval ${ms / 1000}s is out of range. Must be less than 40.96s`, 'advert_int', r.at('advertIntervalMs'));
    else if (ms % 10 !== 0) r.error(`VRRPv3 advertisement interval ${ms / 1000}s must be in units of 10ms`, 'advert_int', r.at('advertIntervalMs'));
  }
}

function resolveAuth(v: VrrpInstance, r: Reporter): void {
  const a = v.auth;
  if (a) {
    const where = r.at(undefined, a);
    if (a.type === undefined) r.error('authentication needs auth_type PASS|AH', 'authentication', r.at(undefined, a));
    else if (v.strict) r.error('Strict mode does not support authentication', 'authentication', where);
    else if (v.version === 3) r.error('VRRP version 3 does not support authentication', 'authentication', where);
    else if (a.password === undefined || a.password === '') r.error('Authentication specified but no password given', 'authentication', where);
    else if (v.family === 6 && a.type === 'AH') r.error('Cannot use AH authentication with IPv6', 'auth_type', r.at('type', a));
    else if (a.type === 'AH' && v.state === 'MASTER' && v.priority !== PRIO_OWNER) {
      r.error('Initial state master is incompatible with AH authentication', 'auth_type', r.at('type', a));
    }
  }
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
  if (v.strict) {
    if (v.garpLowerPrioRepeat !== 0) r.error('Strict mode requires no repeat garps', 'garp_lower_prio_repeat', r.at('garpLowerPrioRepeat'));
    if (v.garpLowerPrioDelayMs !== 0) r.error('Strict mode requires no repeat garp delay', 'garp_lower_prio_delay', r.at('garpLowerPrioDelayMs'));
    if (!v.lowerPrioNoAdvert) r.error('Strict mode requires no lower priority advert', 'lower_prio_no_advert', r.at('lowerPrioNoAdvert'));
    if (v.higherPrioSendAdvert) r.error('strict mode requires higher_prio_send_advert to be clear', 'higher_prio_send_advert', r.at('higherPrioSendAdvert'));
    if (v.downTimerAdverts !== 3) r.error('down_timer_adverts is incompatible with strict mode', 'down_timer_adverts', r.at('downTimerAdverts'));
  }
}

function checkAddresses(v: VrrpInstance, r: Reporter): void {
  if (v.allowNoVips && v.strict) {
    r.warning('no_virtual_ipaddress and strict mode incompatible, clearing no_virtual_ipaddress', 'no_virtual_ipaddress', r.at('allowNoVips'));
    v.allowNoVips = false;
  }
  if (v.vips.length === 0 && !v.allowNoVips) {
    if (v.version === 3 || v.strict) r.error('No VIP specified; at least one is required', 'virtual_ipaddress');
    else r.warning('No VIP specified; at least one is sensible', 'virtual_ipaddress');
  }
  if (v.vips.length > MAX_ADVERT_ADDRESSES) {
    r.error(`Number of VIPs (${v.vips.length}) exceeds the ${MAX_ADVERT_ADDRESSES} an advert can carry; move the rest to virtual_ipaddress_excluded`, 'virtual_ipaddress', r.at(undefined, v.vips[MAX_ADVERT_ADDRESSES]!));
  }
  if (v.interface === undefined) {
    for (const [list, keyword] of [[v.vips, 'virtual_ipaddress'], [v.evips, 'virtual_ipaddress_excluded']] as const) {
      for (const a of list) {
        if (a.dev === undefined) r.error(`no interface for ${keyword === 'virtual_ipaddress' ? '' : 'e'}vip ${a.address}: give it a dev, or give the instance an interface`, keyword, r.at(undefined, a));
      }
    }
  }
  for (const t of v.trackInterfaces) {
    if (t.name === v.interface) r.error(`track_interface ${t.name} is the instance's own interface (it is tracked anyway; use dont_track_primary to ignore it)`, 'track_interface', r.at(undefined, t));
  }
}

/** Resolves and checks one instance against global_defs (see the module notes). */
export function resolveInstance(v: VrrpInstance, g: GlobalDefs, ctx: CompileContext): void {
  const r = new Reporter(v, ctx, ctx.locations.get(v) ?? { file: '', line: 0, col: 0 });
  if (!r.set('strict')) v.strict = g.vrrpStrict;
  resolveFamily(v, r);
  if (!r.set('version')) v.version = v.family === 6 ? 3 : g.vrrpVersion;
  else if (v.family === 6 && v.version === 2) r.error('cannot use IPv6 with VRRP version 2', 'version', r.at('version'));
  resolveElection(v, r);
  resolveAdvertInterval(v, r);
  resolveTransport(v, g, r);
  resolveVmac(v, r);
  resolveAuth(v, r);
  resolveGarpAndTiming(v, g, r);
  checkAddresses(v, r);
}
