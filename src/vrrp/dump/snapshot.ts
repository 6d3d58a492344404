/**
 * The input of the VRRP dump renderers: one plain, serialisable picture of the vrrp child at
 * the moment a signal asked for a dump (keepalived.data on SIGUSR1, keepalived.stats on
 * SIGUSR2, keepalived.json on SIGJSON), and of the global settings the parent prints in
 * keepalived_parent.data.
 *
 * Design: each object is its compiled configuration (the models of src/vrrp/config and
 * src/config/global, unchanged, so nothing is copied twice) next to the run-time facts only
 * the running child knows (state, timers, fds, resolved script paths and uids, kernel
 * interface data). The renderers derive every configured line from the model and every
 * run-time line from the runtime part; they never look at a clock, a socket or a file, so a
 * test can build a snapshot that matches a real keepalived run and compare the text.
 *
 * Units: times that keepalived prints as wall-clock timestamps are microseconds since the
 * Unix epoch (`…Us`), which the vrrp child converts from its monotonic clock
 * (wall = Date.now() − (monotonicNow − monotonicThen)); durations carry their unit in the name.
 * States use the FSM's names (src/vrrp/fsm/types.ts); keepalived's numeric codes are applied
 * by the JSON renderer. Optional run-time fields stand for facts a build of ours may not have
 * (a file descriptor, a kernel flag): when absent, the renderer prints the neutral value named
 * in the field's comment. `fsmRuntime` (at the end) fills an instance's FSM fields from
 * VrrpInstance.status().
 */
import type { GlobalDefs } from '../../config/global/index.js';
import type { DaemonFragment } from '../../supervisor/config/index.js';
import type { AddressLine } from '../config/address-line.js';
import type { TrackFile, TrackProcess, VrrpInstance, VrrpScript, VrrpSyncGroup, RouteLine, RuleLine } from '../config/index.js';
import type { InstanceStatus, VrrpState } from '../fsm/types.js';
import type { VrrpStats } from '../stats.js';

/** A program as the script runner will exec it: argv[0] resolved (realpath), and its credentials. */
export interface ResolvedScript {
  readonly argv: readonly string[];
  readonly uid: number;
  readonly gid: number;
}

export interface UidGid {
  readonly uid: number;
  readonly gid: number;
}

// ---------------------------------------------------------------------------------------------
// Global definitions (keepalived core/global_data.c dump_global_data)

/** What the "Global definitions" section needs beyond the compiled global_defs. */
export interface GlobalRuntime {
  /** Namespace, instance name and IPVS namespace in force (the command line's -s overrides the config). */
  readonly daemon: Pick<DaemonFragment, 'netNamespace' | 'netNamespaceIpvs' | 'instanceName'>;
  /** Values keepalived fills in from the host when not configured (router_id, smtp_helo_name, email from). */
  readonly resolved?: { readonly routerId?: string; readonly smtpHeloName?: string; readonly emailFrom?: string };
  /** `--config-save-dir`-style directory where the running config is kept, when there is one. */
  readonly configSaveDir?: string;
  /** enable_script_security in force (keepalived's script_security; also set when scripts demanded it). */
  readonly scriptSecurity: boolean;
  /** The default script user's ids; undefined = none could be found (the line is omitted). */
  readonly defaultScriptUser?: UidGid;
  /** Owners of the notify FIFOs as created; absent = 0:0. */
  readonly fifoOwners?: { readonly notify?: UidGid; readonly vrrp?: UidGid; readonly lvs?: UidGid };
  /** Resolved global scripts; absent = printed from the config with 0:0. */
  readonly scripts?: {
    readonly startup?: ResolvedScript;
    readonly shutdown?: ResolvedScript;
    readonly notifyFifo?: ResolvedScript;
    readonly vrrpNotifyFifo?: ResolvedScript;
    readonly lvsNotifyFifo?: ResolvedScript;
  };
  /** When reload_time_file scheduled a reload, µs since the epoch. */
  readonly reloadScheduledUs?: number;
  /** The scheduled reload named a date (not only a time). */
  readonly reloadDateSpecified?: boolean;
  /** keepalived prints its libnftnl version; absent = the line is omitted (we drive nft(8) instead). */
  readonly libnftnlVersion?: string;
  /** SCHED_RR priority and RLIMIT_RTTIME of this process when raised (0/absent = lines omitted). */
  readonly currentRealtimePriority?: number;
  readonly currentRealtimeLimitUs?: number;
}

export interface GlobalDumpInput {
  readonly globals: GlobalDefs;
  readonly runtime: GlobalRuntime;
}

// ---------------------------------------------------------------------------------------------
// Instances (keepalived vrrp/vrrp_data.c dump_vrrp)

/** One address of virtual_ipaddress / _excluded / static_ipaddress as installed. */
export interface AddressDump {
  readonly config: AddressLine;
  /** The interface the address is on (config dev, the instance's interface or its VMAC). */
  readonly ifname?: string;
  /** When `ifname` is a VMAC/ipvlan: the interface under it (keepalived prints dev X@BASE). */
  readonly baseIfname?: string;
  /** The address is installed (keepalived's `set`). */
  readonly set: boolean;
  /** A no_accept nftables rule exists for it (keepalived's `nftable_set`). */
  readonly nftablesSet?: boolean;
}

/** An object that tracks instances, as keepalived lists them under "Tracking instances". */
export interface TrackingEntry {
  readonly instance: string;
  readonly weight: number;
  readonly reverse: boolean;
  /** keepalived's TRACK_VRRP_DYNAMIC: added implicitly (an instance's own interface). */
  readonly dynamic?: boolean;
}

/** The VMAC or ipvlan an instance runs on. */
export interface VmacRuntime {
  readonly kind: 'vmac' | 'ipvlan';
  readonly ifname: string;
  readonly up: boolean;
  /** The interface it sits on. */
  readonly baseIfname: string;
  /** We created it (keepalived's is_ours); when false it was found existing. */
  readonly ours: boolean;
}

export type NotifyKey = 'backup' | 'master' | 'fault' | 'stop' | 'deleted' | 'any' | 'masterRxLowerPri';

export interface InstanceRuntime {
  readonly state: VrrpState;
  readonly wantState: VrrpState;
  readonly effectivePriority: number;
  /** keepalived's total_priority: base + tracker weights before clamping to 1..254. */
  readonly totalPriority: number;
  /** Master_Down_Interval in use, µs. */
  readonly masterDownTimerUs: number;
  readonly lastTransitionUs: number;
  /** When the instance's timer next fires (keepalived's sands); undefined = no timer (DISABLED). */
  readonly nextTimerUs?: number;
  /** The master as last heard, printed while BACKUP; address undefined = none heard yet. */
  readonly master?: { readonly address?: string; readonly priority: number; readonly advertIntervalMs: number };
  /** Interface in use (the VMAC when there is one); undefined = "not configured". */
  readonly ifname?: string;
  readonly vmac?: VmacRuntime;
  /** VRF master device of the interface. */
  readonly vrf?: string;
  /** Advert source address in use; undefined = "(none)". */
  readonly sourceAddress?: string;
  readonly vips: readonly AddressDump[];
  readonly evips: readonly AddressDump[];
  /** All VIPs are installed (keepalived's vipset). */
  readonly vipSet: boolean;
  /** keepalived's num_config_faults / num_script_if_fault / num_script_init. */
  readonly numConfigFaults: number;
  readonly numTrackerFaults: number;
  readonly numTrackersInit: number;
  readonly duplicateVridFault?: boolean;
  /** Unicast with another instance on the same VRID (keepalived's "with VRID duplication"). */
  readonly unicastDuplicateVrid?: boolean;
  /** A unicast keyword was given but no peer, so adverts go multicast. */
  readonly unicastConfiguredButMulticast?: boolean;
  /** A received advert used the pre-1.3.6 unicast checksum (keepalived's compatibility "auto"). */
  readonly oldChecksumDetected?: boolean;
  /** The advert socket's descriptors; absent = "No sockets allocated". */
  readonly socket?: { readonly fdIn: number; readonly fdOut: number };
  /** Notify scripts as resolved by the runner; absent keys are not configured. */
  readonly notify: Partial<Record<NotifyKey, ResolvedScript>>;
  /** garp_extra_if: when the next periodic GARP on secondary interfaces is due, µs since the epoch. */
  readonly garpExtraIfNextUs?: number;
  readonly stats: VrrpStats;
}

export interface InstanceDump {
  readonly config: VrrpInstance;
  readonly runtime: InstanceRuntime;
}

// ---------------------------------------------------------------------------------------------
// Other VRRP objects

export interface SyncGroupDump {
  readonly config: VrrpSyncGroup;
  readonly state: VrrpState;
  readonly numMemberFault: number;
  readonly numMemberInit: number;
  readonly notify: Partial<Record<Exclude<NotifyKey, 'deleted' | 'masterRxLowerPri'>, ResolvedScript>>;
  /** Printed only when the group itself sets notify_priority_changes; undefined = not set. */
  readonly notifyPriorityChangesSet?: boolean;
}

export type ScriptInitState = 'INIT' | 'INIT/FAILED' | 'INIT/RELOAD' | 'done';
export type ScriptRunState = 'idle' | 'running' | 'requested termination' | 'forcing termination';

export interface ScriptDump {
  readonly config: VrrpScript;
  readonly command: ResolvedScript;
  /** keepalived's rise/fall counter, 0 .. rise+fall-1; GOOD when ≥ rise (RiseFallCounter's result). */
  readonly result: number;
  readonly insecure: boolean;
  readonly initState: ScriptInitState;
  readonly runState: ScriptRunState;
  readonly tracking: readonly TrackingEntry[];
}

export interface TrackFileDump {
  readonly config: TrackFile;
  /** The file as opened (resolved path). */
  readonly path: string;
  /** The value last read (keepalived's last_status). */
  readonly value: number;
  readonly tracking: readonly TrackingEntry[];
}

export interface TrackProcessDump {
  readonly config: TrackProcess;
  readonly currentProcesses: number;
  readonly haveQuorum: boolean;
  readonly forkDelayTimerRunning: boolean;
  readonly terminateDelayTimerRunning: boolean;
  readonly tracking: readonly TrackingEntry[];
}

export interface TrackBfdDump {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly up: boolean;
  readonly tracking: readonly TrackingEntry[];
}

/** One receive/send socket pair of the pool (keepalived's sock_t). */
export interface SocketDump {
  readonly fdIn: number;
  readonly fdOut: number;
  readonly ifname: string;
  readonly vrf?: string;
  readonly family: 4 | 6;
  readonly protocol: 'VRRP' | 'AH';
  /** Unicast source address; undefined = a multicast socket. */
  readonly unicastSource?: string;
  /** SO_RCVBUF asked for, bytes (0 = the kernel default). */
  readonly rxBufSize: number;
  /** Instances demultiplexed on it, in VRID order. */
  readonly instances: readonly { readonly name: string; readonly vrid: number }[];
}

/** keepalived's per-interface GARP/NA rate limit group (vrrp_garp_interval, garp_group). */
export interface GarpDelayDump {
  readonly group: number;
  readonly garpIntervalMs?: number;
  readonly gnaIntervalMs?: number;
  /** Next time a GARP/NA may go out, µs since the epoch (0 = none sent yet). */
  readonly garpNextUs: number;
  readonly gnaNextUs: number;
  readonly interfaces: readonly string[];
}

/** One interface of the interface table (keepalived's interface_t), in ifindex order. */
export interface InterfaceDump {
  readonly name: string;
  readonly ifindex: number;
  /** Primary IPv4 address and the others; IPv6: the link-local used as source, then the others. */
  readonly ipv4?: string;
  readonly ipv4Others?: readonly string[];
  readonly ipv6?: string;
  readonly ipv6Others?: readonly string[];
  /** Colon hex, lower case; absent on interfaces without a link-layer address. */
  readonly mac?: string;
  readonly macBroadcast?: string;
  readonly flags: { readonly up: boolean; readonly running: boolean; readonly broadcast: boolean; readonly loopback: boolean; readonly pointToPoint: boolean; readonly noArp: boolean; readonly multicast: boolean };
  readonly seenUp: boolean;
  /** A debounced link change is pending (keepalived's flags_change_thread). */
  readonly delayedStateChangeRunning?: boolean;
  /** Link up/down debounce delays (interface settings), µs. */
  readonly upDebounceUs?: number;
  readonly downDebounceUs?: number;
  readonly mtu: number;
  /** ARPHRD_* type: 1 ETHERNET, 772 LOOPBACK, … */
  readonly hwType: number;
  /** A macvlan/ipvlan: its kind, mode and what it sits on. */
  readonly lowerDevice?: {
    readonly kind: 'vmac' | 'ipvlan';
    /** macvlan mode (private, vepa, bridge, passthru, source) or ipvlan flags (bridge, private, vepa). */
    readonly mode: string;
    /** ipvlan only: L2, L3 or L3S. */
    readonly ipvlanMode?: string;
    /** The underlying interface when it is in this namespace, with its state. */
    readonly baseIfname?: string;
    readonly baseUp?: boolean;
    readonly baseRunning?: boolean;
    /** Otherwise its ifindex and namespace id, when known. */
    readonly baseIfindex?: number;
    readonly netnsId?: number;
  };
  readonly createdByUs?: boolean;
  /** dynamic_interfaces allow_if_changes and this interface may change type (keepalived's changeable_type). */
  readonly changeableType?: boolean;
  /** The interface has been checked for VRID clashes (keepalived's seen_interface). */
  readonly vridChecked?: boolean;
  /** How link state is learnt; absent = netlink (polling is keepalived's deprecated linkbeat_use_polling). */
  readonly linkbeat?: 'netlink' | 'mii' | 'ethtool' | 'ioctl';
  readonly vrfMasterTable?: number;
  readonly vrfMaster?: string;
  readonly garpIntervalMs?: number;
  readonly gnaIntervalMs?: number;
  readonly garpGroup?: number;
  /** sysctls saved before keepalived changed them (VMAC arp_ignore/arp_filter, rp_filter, promote_secondaries). */
  readonly resetArpConfig?: number;
  readonly originalArpIgnore?: number;
  readonly originalArpFilter?: number;
  readonly rpFilter?: number;
  readonly originalPromoteSecondaries?: number;
  readonly resetPromoteSecondaries?: number;
  /** Last check of IPv6 forwarding (decides NA router flag), µs since the epoch. */
  readonly ipv6ForwardingCheckedUs?: number;
  readonly ipv6Forwarding?: boolean;
  readonly tracking: readonly TrackingEntry[];
}

// ---------------------------------------------------------------------------------------------

export interface VrrpDumpSnapshot {
  readonly global: GlobalDumpInput;
  readonly garpDelays: readonly GarpDelayDump[];
  readonly staticAddresses: readonly AddressDump[];
  readonly staticRoutes: readonly RouteLine[];
  readonly staticRules: readonly RuleLine[];
  readonly staticTrackGroups: readonly { readonly name: string; readonly instances: readonly string[] }[];
  readonly instances: readonly InstanceDump[];
  readonly sockets: readonly SocketDump[];
  readonly syncGroups: readonly SyncGroupDump[];
  readonly scripts: readonly ScriptDump[];
  readonly trackFiles: readonly TrackFileDump[];
  readonly trackProcesses: readonly TrackProcessDump[];
  readonly trackBfds: readonly TrackBfdDump[];
  readonly interfaces: readonly InterfaceDump[];
}

// ---------------------------------------------------------------------------------------------
// From the FSM

/** The instance fields that come straight from the FSM's status (src/vrrp/fsm VrrpInstance.status()). */
export type FsmRuntime = Pick<InstanceRuntime, 'state' | 'wantState' | 'effectivePriority' | 'masterDownTimerUs' | 'lastTransitionUs' | 'nextTimerUs' | 'master' | 'stats'>;

export interface ClockPair {
  /** The FSM host's clock (InstanceHost.now()) at the time of the dump, ms. */
  readonly monotonicNowMs: number;
  /** Wall clock at the same moment, µs since the epoch (Date.now() * 1000). */
  readonly wallNowUs: number;
}

/**
 * Maps an InstanceStatus to the snapshot's FSM fields, turning the FSM's monotonic times into
 * the wall-clock stamps keepalived prints. An instance that has not changed state yet reports
 * the dump time as its last transition (keepalived stamps the time the instance was created).
 */
export function fsmRuntime(status: InstanceStatus, clock: ClockPair): FsmRuntime {
  const wall = (ms: number) => Math.round(clock.wallNowUs - (clock.monotonicNowMs - ms) * 1000);
  return {
    state: status.state,
    wantState: status.wantState,
    effectivePriority: status.effectivePriority,
    masterDownTimerUs: Math.round(status.masterDownIntervalMs * 1000),
    lastTransitionUs: status.lastTransitionMs === undefined ? Math.round(clock.wallNowUs) : wall(status.lastTransitionMs),
    ...(status.nextTimerMs !== undefined ? { nextTimerUs: wall(status.nextTimerMs) } : {}),
    master: {
      ...(status.masterAddress !== undefined ? { address: status.masterAddress } : {}),
      priority: status.masterPriority ?? 0,
      advertIntervalMs: status.masterAdvertIntervalMs,
    },
    stats: status.stats,
  };
}
