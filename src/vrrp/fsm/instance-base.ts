/**
 * The data of a VRRP instance and the plumbing its state machine stands on: parameters,
 * counters, the single timer (keepalived's "sands"), the clock in integer microseconds,
 * advert transmission with the AH sequence, `setState()`, and the read-only views
 * (`status()`). The transitions themselves live in instance.ts, which extends this class;
 * splitting them keeps each file to one job: here "what an instance has", there "what an
 * instance does".
 */

import { AhSequenceCounter, canonicalAddress, compareAddresses } from '../packet/index.js';
import { prepareGuardConfig, PreparedGuardConfig } from '../receive-checks.js';
import { newVrrpStats, VrrpStats } from '../stats.js';
import { masterDownIntervalUs, skewTimeUs, US_PER_MS, validateInstanceParams } from './timers.js';
import { InstanceHost, InstanceParams, InstanceStatus, PRIORITY_OWNER, PRIORITY_STOP, TransitionCause, VrrpState } from './types.js';
import type { VrrpInstance } from './instance.js';

/** What a sync group offers its members (implemented by SyncGroup). */
export interface SyncGroupLink {
  readonly name: string;
  /** The group's state (keepalived GROUP_STATE). */
  readonly state: VrrpState;
  /** keepalived vrrp_sync_can_goto_master: the group is MASTER, or every other member wants MASTER. */
  canGotoMaster(member: VrrpInstance): boolean;
  /** After a transition caused by one of the member's own inputs (keepalived's TSM). */
  afterTransition(member: VrrpInstance, from: VrrpState): void;
  /** The member's own trackers failed (it was healthy). */
  memberFaulted(member: VrrpInstance): void;
  /** The member's own trackers recovered; true when no member is faulty any more. */
  memberRecovered(member: VrrpInstance): boolean;
  /** The member left FAULT on its own: bring the others along. */
  afterMemberLeftFault(member: VrrpInstance): void;
  /** The member gave up MASTER (releaseMaster): take the other MASTER members to BACKUP. */
  memberReleased(member: VrrpInstance, reason: string): void;
  /** The group state to start from (keepalived vrrp_sync_set_group). */
  startState(): VrrpState;
}

export abstract class InstanceBase {
  readonly params: InstanceParams;
  readonly stats: VrrpStats = newVrrpStats();
  protected readonly guards: PreparedGuardConfig;
  protected readonly ah = new AhSequenceCounter();
  protected readonly advertIntervalUs: number;

  protected _state: VrrpState = 'INIT';
  protected _wantState: VrrpState;
  protected basePriority: number;
  protected _effectivePriority: number;
  protected priorityAdjustment = 0;
  protected masterAdvertIntervalUs: number;
  /** keepalived ms_down_timer: what the BACKUP timer is armed with. */
  protected downTimerUs: number;
  protected deadlineUs: number | undefined;
  protected preemptAtUs = 0;
  protected delayedStartUntilUs = 0;
  protected primaryAddress: string | undefined;
  protected masterAddress: string | undefined;
  protected masterPriority: number | undefined;
  protected lastTransitionUs: number | undefined;
  protected readonly faults = new Set<string>();
  protected readonly lastHeardUs = new Map<string, number>();
  /** Another MASTER we answered, until it goes quiet. */
  protected conflict: { peer: string; priority: number; lastHeardUs: number } | undefined;
  protected sync: SyncGroupLink | undefined;
  /** start() has run (INIT may still hold an address owner's 1 µs startup timer). */
  protected started = false;
  /** The pre-1.3.6 VRRPv3 unicast checksum is in use (old_unicast_checksum, or detected). */
  protected oldChecksum = false;

  constructor(params: InstanceParams, protected readonly host: InstanceHost) {
    validateInstanceParams(params);
    this.params = params;
    this.guards = prepareGuardConfig(params);
    this.advertIntervalUs = params.advertIntervalMs * US_PER_MS;
    this.masterAdvertIntervalUs = this.advertIntervalUs;
    this.basePriority = params.priority;
    this._effectivePriority = params.priority;
    this._wantState = params.initialState;
    this.primaryAddress = params.primaryAddress;
    this.downTimerUs = this.computeDownTimerUs();
    this.oldChecksum = params.oldUnicastChecksum === 'always';
  }

  // --- read side --------------------------------------------------------------------------

  get name(): string { return this.params.name; }
  get state(): VrrpState { return this._state; }
  get wantState(): VrrpState { return this._wantState; }
  get effectivePriority(): number { return this._effectivePriority; }
  get isOwner(): boolean { return this.basePriority === PRIORITY_OWNER; }
  /** Faulty by its own trackers (not merely held in FAULT by its group). */
  get ownFault(): boolean { return this.faults.size > 0; }
  get syncGroupName(): string | undefined { return this.sync?.name; }
  /** The IPsec-AH sequence number last sent or accepted (carried over a reload with start({ resume })). */
  get ahSequence(): number { return this.ah.sequence; }
  /** Master_Down_Interval at the current priority and master interval, ms. */
  get masterDownIntervalMs(): number { return this.computeDownTimerUs() / US_PER_MS; }
  get skewTimeMs(): number { return skewTimeUs(this.params.version, this._effectivePriority, this.masterAdvertIntervalUs) / US_PER_MS; }

  status(): InstanceStatus {
    const ms = (us: number | undefined): number | undefined => (us === undefined ? undefined : us / US_PER_MS);
    return {
      name: this.name, vrid: this.params.vrid, version: this.params.version, family: this.params.family,
      state: this._state, wantState: this._wantState,
      basePriority: this.basePriority, effectivePriority: this._effectivePriority,
      advertIntervalMs: this.params.advertIntervalMs, masterAdvertIntervalMs: this.masterAdvertIntervalUs / US_PER_MS,
      masterDownIntervalMs: this.masterDownIntervalMs,
      ...(this.masterAddress !== undefined ? { masterAddress: this.masterAddress } : {}),
      ...(this.masterPriority !== undefined ? { masterPriority: this.masterPriority } : {}),
      ...(this.lastTransitionUs !== undefined ? { lastTransitionMs: ms(this.lastTransitionUs) } : {}),
      faults: [...this.faults],
      lastHeard: Object.fromEntries([...this.lastHeardUs].map(([k, v]) => [k, v / US_PER_MS])),
      ...(this.preemptAtUs ? { preemptAtMs: this.preemptAtUs / US_PER_MS } : {}),
      ...(this.deadlineUs !== undefined ? { nextTimerMs: this.deadlineUs / US_PER_MS } : {}),
      ...(this.sync ? { syncGroup: this.sync.name } : {}),
      ...(this.oldChecksum ? { oldChecksum: true } : {}),
      stats: { ...this.stats },
    };
  }

  // --- wiring --------------------------------------------------------------------------------

  /** Attach to a sync group before start (SyncGroup's constructor does this). */
  attachSyncGroup(group: SyncGroupLink): void {
    if (this.sync && this.sync !== group) throw new Error(`(${this.name}) cannot be in two sync groups (${this.sync.name}, ${group.name})`);
    this.sync = group;
  }

  /** Our primary/source address changed (interface address, unicast_src_ip). */
  setPrimaryAddress(address: string | undefined): void {
    this.primaryAddress = address;
  }

  // --- plumbing ----------------------------------------------------------------------------

  protected setState(to: VrrpState, cause: TransitionCause, detail?: string): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    const now = this.nowUs();
    this.lastTransitionUs = now;
    if (to === 'MASTER' && cause !== 'reload') this.stats.become_master += 1;
    if (from === 'MASTER' && (to === 'BACKUP' || to === 'FAULT')) this.stats.release_master += 1;
    this.host.emit({
      type: 'transition', instance: this.name, from, to, cause,
      ...(detail !== undefined ? { detail } : {}),
      priority: this._effectivePriority, atMs: now / US_PER_MS,
    });
  }

  protected sendAdvert(priority: number): void {
    const ahSequence = this.params.auth.type === 'ah' ? this.ah.nextForSend() : undefined;
    this.stats.advert_sent += 1;
    this.host.sendAdvert(ahSequence === undefined ? { priority } : { priority, ahSequence });
  }

  protected sendPriorityZero(): void {
    this.sendAdvert(PRIORITY_STOP);
    this.stats.pri_zero_sent += 1;
  }

  protected computeDownTimerUs(): number {
    return masterDownIntervalUs(this.params.version, this._effectivePriority, this.masterAdvertIntervalUs, this.params.downTimerAdverts);
  }

  /** keepalived vrrp_init_instance_sands for BACKUP, with vrrp_startup_delay; `now` in µs. */
  protected armBackupTimer(now = this.nowUs()): void {
    if (this.delayedStartUntilUs && now < this.delayedStartUntilUs) {
      this.armAt(this.delayedStartUntilUs + this.downTimerUs);
      return;
    }
    this.delayedStartUntilUs = 0;
    this.armAt(now + this.downTimerUs);
  }

  protected armAt(us: number): void {
    this.deadlineUs = us;
    this.host.setTimer(us / US_PER_MS);
  }

  protected disarm(): void {
    if (this.deadlineUs === undefined) return;
    this.deadlineUs = undefined;
    this.host.clearTimer();
  }

  protected nowUs(): number {
    return Math.round(this.host.now() * US_PER_MS);
  }

  protected compareWithOurAddress(source: string): number {
    if (this.primaryAddress === undefined) return 0;
    try {
      return Math.sign(compareAddresses(source, this.primaryAddress));
    } catch {
      return 0;
    }
  }

  protected sameAddress(a: string, b: string): boolean {
    return this.key(a) === this.key(b);
  }

  protected key(address: string): string {
    try {
      return canonicalAddress(address);
    } catch {
      return address;
    }
  }
}
