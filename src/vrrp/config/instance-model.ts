/**
 * The model of one `vrrp_instance NAME { … }`: what the config side hands to
 * the VRRP engine. Units are in the names (ms), addresses are canonical, and
 * every value keepalived derives — from other keywords (state ↔ priority,
 * family, version, accept mode) or from global_defs (vrrp_version,
 * vrrp_strict, vrrp_garp_*, multicast groups, …) — is resolved by the vrrp
 * fragment's finish (instance-resolve.ts), so the engine never looks back at
 * global_defs.
 *
 * create() holds keepalived's built-in defaults. Whether a keyword was
 * written is known from ctx.locations (the keyword tables record a location
 * for every field they set), which is how finish tells "explicitly 5" from
 * "inherit from global_defs". Fields that inherit from global_defs are always
 * printed by `-d`, so the printed text compiles to the same model whatever
 * global_defs says.
 *
 * The keyword tables are split by role: instance-core.ts (election and
 * behaviour), instance-net.ts (interfaces, VMAC, addresses, routes, rules),
 * instance-unicast.ts (advert transport), instance-garp.ts (GARP/NA and
 * advert timing tweaks), instance-auth.ts (authentication, auth_hmac).
 */
import type { Family, IpPrefix } from '../../config/schema/net-values.js';
import type { AddressLine } from './address-line.js';
import type { HasNotifyDeleted, NotifyScripts } from './notify.js';
import type { RouteLine } from './route-line.js';
import type { RuleLine } from './rule-line.js';
import { emptyTrackers, type Trackers } from './track-lists.js';

export type VrrpState = 'MASTER' | 'BACKUP';
export type VrrpVersion = 2 | 3;

export interface UnicastPeer {
  readonly address: string;
  /** Received adverts with a TTL/hop limit outside [minTtl, maxTtl] are dropped. */
  readonly minTtl: number;
  readonly maxTtl: number;
}

/** `use_vmac [NAME] [MAC]`: a macvlan carrying the virtual MAC. */
export interface Vmac {
  /** Name of the macvlan; unset = vmac_prefix + "." + VRID, chosen at run time. */
  readonly ifname?: string;
  /** Configured MAC (lower case, 6 octets; 5 given octets are completed with the VRID); unset = 00:00:5e:00:01|02:VRID. */
  readonly mac?: string;
}

export type IpvlanMode = 'bridge' | 'private' | 'vepa';

/** `use_ipvlan [NAME] [ADDR[/LEN]] [bridge|private|vepa]`: an L2 ipvlan instead of a macvlan. */
export interface Ipvlan {
  readonly ifname?: string;
  /** Address for the ipvlan (required for IPv4 instances); also the advert source unless one is set. */
  readonly address?: IpPrefix;
  readonly mode: IpvlanMode;
}

/** `garp_extra_if [all] SECS`: periodic GARP/NA on the other interfaces the VIPs use. */
export interface GarpExtraIf {
  /** 0 = off. */
  readonly intervalMs: number;
  /** Every interface used by a VIP/eVIP, not only VMACs. */
  readonly allInterfaces: boolean;
}

/** `authentication { auth_type PASS|AH; auth_pass … }` (VRRPv2, IPv4 for AH). */
export interface VrrpAuth {
  type?: 'PASS' | 'AH';
  /** At most 8 characters: the VRRPv2 authentication data field. */
  password?: string;
}

/** One `key ID VALUE` of auth_hmac. */
export interface HmacKey {
  readonly id: number;
  /** The key bytes as lower-case hex (from hex:… or an ASCII value), 32..64 bytes. */
  readonly secret?: string;
  /** `file:PATH`: read at start-up (the file holds hex:… or ASCII). */
  readonly file?: string;
}

export type HmacMode = 'enforce' | 'permissive' | 'receive-only';

/** `auth_hmac { … }` (keepalived 2.4+): HMAC-SHA256 trailer with anti-replay. */
export interface AuthHmac {
  keys: HmacKey[];
  /** Key id used to sign; must be one of keys. */
  activeKey?: number;
  /** Replay protection from wall-clock time stamps (time) or a monotonic counter. */
  antiReplay: 'time' | 'monotonic';
  /** Freshness window, ms; resolved for 'time' to 3 × advert_int within [5 s, 300 s]. */
  timeWindowMs?: number;
  mode: HmacMode;
}

export interface VrrpInstance extends Trackers, HasNotifyDeleted {
  name: string;

  // Election (instance-core.ts)
  /** Initial state; resolved from priority (255 ⇒ MASTER) when not given. */
  state: VrrpState;
  /** 1..255, 255 = address owner; resolved to 255 for `state MASTER` without a priority. */
  priority: number;
  /** 1..255; 0 until given (a missing one is an error). */
  virtualRouterId: number;
  advertIntervalMs: number;
  /** Resolved: given, else 3 for IPv6, else global vrrp_version. */
  version: VrrpVersion;
  /** Resolved from the addresses (VIPs, peers, source, multicast group); IPv4 when none says. */
  family: Family;
  /** Deprecated `native_ipv6`: force IPv6 (kept so -d writes it back). */
  nativeIpv6: boolean;
  nopreempt: boolean;
  preemptDelayMs: number;
  /** `timer_expired_backup [PRIO]` (2.3+): highest priority of the other routers; unset = off. */
  timerExpiredBackup?: number;
  /** Resolved from global vrrp_strict. */
  strict: boolean;
  /** Accept mode (RFC 5798 §6.1); resolved: owner ⇒ on, else on unless strict. */
  accept: boolean;
  /** Resolved from global vrrp_skip_check_adv_addr. */
  skipCheckAdvAddr: boolean;
  /** (2.3+) An address owner ignores received adverts; resolved. */
  ownerIgnoreAdverts: boolean;
  dontTrackPrimary: boolean;
  debug: number;
  kernelRxBufSize?: number;
  /** Deprecated: poll this instance's interface for link state. */
  linkbeatUsePolling: boolean;
  /** Deprecated: run the LVS sync daemon on this interface, following this instance. */
  lvsSyncDaemonInterface?: string;
  /** Mail on state changes; resolved: given, else global smtp_alert_vrrp, else smtp_alert, else off. */
  smtpAlert: boolean;
  /** Priority changes on the notify FIFOs; resolved: given, else the sync group's, else global vrrp_notify_priority_changes. */
  notifyPriorityChanges: boolean;
  notify: NotifyScripts;

  // Interfaces and addresses (instance-net.ts)
  interface?: string;
  /** VRF device for unicast instances without an interface. */
  vrf?: string;
  vmac?: Vmac;
  /** use_vmac_addr: VMACs for VIPs on other interfaces too. */
  vmacAddr: boolean;
  /** Send and receive adverts on the base interface rather than the VMAC. */
  vmacXmitBase: boolean;
  ipvlan?: Ipvlan;
  promoteSecondaries: boolean;
  vips: AddressLine[];
  evips: AddressLine[];
  vroutes: RouteLine[];
  vrules: RuleLine[];
  /** (2.3+) Allow an instance without VIPs (a protocol violation for VRRPv3). */
  allowNoVips: boolean;

  // Advert transport (instance-unicast.ts)
  /** Advert source address (mcast_src_ip / unicast_src_ip, or the ipvlan address). */
  sourceAddress?: string;
  /** FAULT while sourceAddress is not configured on the system (only with a sourceAddress). */
  trackSrcIp: boolean;
  /** Multicast destination; resolved to global vrrp_mcast_group4/6 in multicast mode, unset in unicast. */
  mcastGroup?: string;
  /** Unicast mode when not empty. */
  unicastPeers: UnicastPeer[];
  /** FAULT (instead of falling back to multicast) when a unicast keyword is given without peers. */
  unicastFaultNoPeer: boolean;
  /** Unicast only: drop adverts whose source is not a peer; resolved with global vrrp_check_unicast_src. */
  checkUnicastSrc: boolean;
  /** TTL/hop limit of unicast adverts; unset = 255 for IPv4, the kernel default for IPv6. */
  unicastTtl?: number;
  /** old_unicast_checksum: auto-detect pre-1.3.6 VRRPv3 unicast checksums (auto), always use them (old), never. */
  unicastChecksumCompat: 'auto' | 'old' | 'never';
  /** (2.3+) VRRPv3 over IPv4 without the pseudo-header in the checksum; resolved from global. */
  v3ChecksumAsV2: boolean;

  // GARP/NA and advert timing (instance-garp.ts); all resolved from global_defs when not given.
  garpMasterDelayMs: number;
  garpMasterRepeat: number;
  garpMasterRefreshMs: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelayMs: number;
  garpLowerPrioRepeat: number;
  garpExtraIf: GarpExtraIf;
  /** Adverts missed before the master is declared down (RFC: 3). */
  downTimerAdverts: number;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;

  // Authentication (instance-auth.ts)
  auth?: VrrpAuth;
  authHmac?: AuthHmac;
}

export function createInstance(): VrrpInstance {
  return {
    name: '',
    state: 'BACKUP',
    priority: 100,
    virtualRouterId: 0,
    advertIntervalMs: 1000,
    version: 2,
    family: 4,
    nativeIpv6: false,
    nopreempt: false,
    preemptDelayMs: 0,
    strict: false,
    accept: true,
    skipCheckAdvAddr: false,
    ownerIgnoreAdverts: false,
    dontTrackPrimary: false,
    debug: 0,
    linkbeatUsePolling: false,
    smtpAlert: false,
    notifyPriorityChanges: false,
    notify: {},
    notifyDeleted: false,
    vmacAddr: false,
    vmacXmitBase: false,
    promoteSecondaries: false,
    vips: [],
    evips: [],
    vroutes: [],
    vrules: [],
    allowNoVips: false,
    trackSrcIp: false,
    unicastPeers: [],
    unicastFaultNoPeer: false,
    checkUnicastSrc: false,
    unicastChecksumCompat: 'auto',
    v3ChecksumAsV2: false,
    garpMasterDelayMs: 5000,
    garpMasterRepeat: 5,
    garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1,
    garpLowerPrioDelayMs: 5000,
    garpLowerPrioRepeat: 5,
    garpExtraIf: { intervalMs: 0, allInterfaces: false },
    downTimerAdverts: 3,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    ...emptyTrackers(),
  };
}

/** Location key recording that a unicast-only keyword was written (for keepalived's checks). */
export const UNICAST_KEYWORD = 'unicastKeyword';
