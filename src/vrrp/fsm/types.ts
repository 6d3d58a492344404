/**
 * The vocabulary of a VRRP instance: its states, the parameters it is built from, the host
 * services it is given (clock, one timer, advert transmission, event output), and the
 * events it emits for the actions layer (VIPs, GARP/NA, notify scripts, FIFO, logs).
 *
 * Domain units only: times are milliseconds (fractions allowed, the FSM keeps microseconds
 * internally to match keepalived's usec timers exactly), priorities are 0..255 numbers,
 * addresses are text. Wire units stay in ../packet.
 *
 * The FSM never logs, never touches a socket and never reads a clock of its own: everything
 * it does to the world goes through `InstanceHost`, which is what lets tests step elections
 * with a fake clock and a fake LAN.
 */

import type { AddressFamily, AdvertAuth, VrrpVersion } from '../packet/index.js';
import type { OldUnicastChecksum, UnicastPeer } from '../receive-checks.js';
import type { DropReason, VrrpStats } from '../stats.js';

/** RFC 5798 §6.4 states plus keepalived's internal FAULT, STOP and DELETED. */
export const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP', 'DELETED'] as const;
export type VrrpState = (typeof VRRP_STATES)[number];

/** keepalived's numeric state codes (include/vrrp.h), used by its JSON/SNMP/D-Bus output. */
export const KEEPALIVED_STATE_CODES: Readonly<Record<VrrpState, number>> = {
  INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, DELETED: 97, STOP: 98,
};

export const PRIORITY_OWNER = 255; // RFC 5798 §5.2.4: the address owner
export const PRIORITY_STOP = 0; // RFC 5798 §5.2.4: the master is leaving
export const PRIORITY_DEFAULT = 100;

/** Everything an instance is built from. An adapter maps keepalived.conf's vrrp_instance here. */
export interface InstanceParams {
  /** vrrp_instance NAME; appears in events and logs. */
  readonly name: string;
  readonly vrid: number;
  readonly version: VrrpVersion;
  readonly family: AddressFamily;
  /** Configured (base) priority, 1..255; 255 = address owner. */
  readonly priority: number;
  /** advert_int, ms; a whole number of wire units (v2: seconds, v3: 10 ms). */
  readonly advertIntervalMs: number;
  /** `state MASTER|BACKUP`: MASTER is honoured at once only by the address owner. */
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly nopreempt: boolean;
  /** preempt_delay, ms (0 = none). */
  readonly preemptDelayMs: number;
  /** down_timer_adverts (RFC: 3), 1..100. */
  readonly downTimerAdverts: number;
  /** lower_prio_no_advert: as MASTER, do not answer a lower-priority advert. */
  readonly lowerPrioNoAdvert: boolean;
  /** higher_prio_send_advert: as MASTER, advertise once before yielding to a higher priority. */
  readonly higherPrioSendAdvert: boolean;
  /** skip_check_adv_addr: skip the VIP comparison for repeat adverts from the same master. */
  readonly skipCheckAdvAddr: boolean;
  /** Virtual addresses carried in adverts (virtual_ipaddress, not the excluded ones). */
  readonly addresses: readonly string[];
  readonly auth: AdvertAuth;
  readonly unicast: boolean;
  readonly unicastPeers: readonly UnicastPeer[];
  readonly checkUnicastSource: boolean;
  readonly v3ChecksumAsV2: boolean;
  /** old_unicast_checksum: 'detect' (default), 'never', 'always' (see receive-checks.ts). */
  readonly oldUnicastChecksum?: OldUnicastChecksum;
  /** vrrp_mcast_group4, the group the old checksum puts in the pseudo-header (default 224.0.0.18). */
  readonly checksumGroup4?: string;
  /** 'process' (default) or 'drop' adverts whose VIP list differs (see receive-checks.ts). */
  readonly addressListMismatch: 'process' | 'drop';
  /** Our primary (source) address, used to break priority ties; may be set later. */
  readonly primaryAddress?: string;
}

/** Defaults for the optional knobs, as keepalived's. */
export const INSTANCE_DEFAULTS = {
  priority: PRIORITY_DEFAULT,
  advertIntervalMs: 1000,
  initialState: 'BACKUP',
  nopreempt: false,
  preemptDelayMs: 0,
  downTimerAdverts: 3,
  lowerPrioNoAdvert: false,
  higherPrioSendAdvert: false,
  skipCheckAdvAddr: false,
  addresses: [],
  auth: { type: 'none' },
  unicast: false,
  unicastPeers: [],
  checkUnicastSource: false,
  v3ChecksumAsV2: false,
  addressListMismatch: 'process',
} as const satisfies Partial<InstanceParams>;

/** What an instance asks of the world. */
export interface InstanceHost {
  /** Monotonic time in ms (may be fractional). */
  now(): number;
  /**
   * Arms the instance's single timer for absolute time `atMs`, replacing any armed one. The
   * host calls `instance.onTimer()` at or after that time; an early call is harmless.
   */
  setTimer(atMs: number): void;
  clearTimer(): void;
  /** Transmits one advert (to the group, or to every unicast peer). */
  sendAdvert(advert: OutgoingAdvert): void;
  emit(event: InstanceEvent): void;
}

export interface OutgoingAdvert {
  readonly priority: number;
  /** For auth_type AH: the sequence number this advert carries. */
  readonly ahSequence?: number;
}

/** Why a state changed. */
export type TransitionCause =
  | 'startup' // INIT -> BACKUP or FAULT
  | 'address-owner' // INIT -> MASTER: priority 255 starts as MASTER
  | 'master-down' // BACKUP -> MASTER: Master_Down_Timer expired
  | 'higher-priority' // MASTER -> BACKUP: a higher priority (or equal with higher address) advert
  | 'released' // MASTER -> BACKUP: a tracked VIP/route/rule was deleted from outside (set_vrrp_backup)
  | 'fault' // -> FAULT: a tracked object failed
  | 'fault-cleared' // FAULT -> BACKUP/MASTER
  | 'sync-group' // moved by its sync group
  | 'shutdown' // -> STOP
  | 'deleted' // -> DELETED (removed by a reload)
  | 'reload'; // INIT -> MASTER/BACKUP/FAULT, resuming the state before a reload

export type InstanceEvent =
  | {
    readonly type: 'transition';
    readonly instance: string;
    readonly from: VrrpState;
    readonly to: VrrpState;
    readonly cause: TransitionCause;
    /** Human detail: which tracker, which peer, which group. */
    readonly detail?: string;
    readonly priority: number;
    readonly atMs: number;
  }
  /** A received advert failed a guard: count it (done) and log one rate-limited line. */
  | { readonly type: 'advertDropped'; readonly instance: string; readonly source: string; readonly reason: DropReason; readonly guard: string; readonly detail: string }
  /** A received advert passed but was flagged (address list mismatch): log it. */
  | { readonly type: 'advertWarning'; readonly instance: string; readonly source: string; readonly reason: DropReason; readonly detail: string }
  /** As MASTER we heard a lower-priority advert (another MASTER): notify_master_rx_lower_pri, FIFO MASTER_RX_LOWER_PRI, garp_lower_prio_*. */
  | { readonly type: 'masterRxLowerPriority'; readonly instance: string; readonly source: string; readonly priority: number; readonly ourPriority: number; readonly answered: boolean }
  /** The other MASTER has gone quiet after our answer: re-send GARPs/NAs and re-fire notify master. */
  | { readonly type: 'splitBrainResolved'; readonly instance: string; readonly peer: string; readonly peerPriority: number; readonly lastHeardMs: number }
  /** As BACKUP we discarded a lower-priority advert because we will preempt. */
  | { readonly type: 'lowerPriorityIgnored'; readonly instance: string; readonly source: string; readonly priority: number; readonly ourPriority: number }
  /** Effective priority changed (trackers, or an owner conflict): notify_priority_changes. */
  | { readonly type: 'priorityChanged'; readonly instance: string; readonly from: number; readonly to: number; readonly state: VrrpState }
  /** VRRPv3 BACKUP adopted the MASTER's advert interval (RFC 5798 §6.4.2). */
  | { readonly type: 'advertIntervalLearned'; readonly instance: string; readonly fromMs: number; readonly toMs: number; readonly source: string }
  /** Two address owners on one VRID: keepalived drops ours to 254. Also sent for an equal-priority advert carrying our own address. */
  | { readonly type: 'configurationConflict'; readonly instance: string; readonly source: string; readonly detail: string }
  /** A unicast advert carried keepalived ≤ 1.3.6's VRRPv3 checksum: ours is sent that way from now on. */
  | { readonly type: 'oldChecksumDetected'; readonly instance: string; readonly source: string };

/** A point-in-time view for status output and tests. */
export interface InstanceStatus {
  readonly name: string;
  readonly vrid: number;
  readonly version: VrrpVersion;
  readonly family: AddressFamily;
  readonly state: VrrpState;
  readonly wantState: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly advertIntervalMs: number;
  readonly masterAdvertIntervalMs: number;
  /** Master_Down_Interval at our current priority and the master's interval. */
  readonly masterDownIntervalMs: number;
  readonly masterAddress?: string;
  readonly masterPriority?: number;
  readonly lastTransitionMs?: number;
  /** Sources of current faults (empty unless FAULT by our own trackers). */
  readonly faults: readonly string[];
  /** When we last accepted an advert from each source, ms. */
  readonly lastHeard: Readonly<Record<string, number>>;
  readonly preemptAtMs?: number;
  readonly nextTimerMs?: number;
  readonly syncGroup?: string;
  /** The pre-1.3.6 VRRPv3 unicast checksum is in use (configured or detected). */
  readonly oldChecksum?: boolean;
  readonly stats: Readonly<VrrpStats>;
}
