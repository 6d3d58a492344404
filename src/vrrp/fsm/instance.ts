/**
 * One VRRP instance's state machine (RFC 3768 §6 / RFC 5798 §6, as keepalived 2.2.7 runs
 * it: vrrp.c vrrp_state_backup / vrrp_state_master_rx / _tx / goto_master / leave_master /
 * leave_fault, vrrp_scheduler.c vrrp_init_state / try_up_instance, vrrp_track.c
 * down_instance / vrrp_set_effective_priority).
 *
 * Design:
 * - Inputs: `start()`, `receive(packet)`, `onTimer()`, `setFault(source, bool)` and
 *   `setPriorityAdjustment(sum)` from trackers, `releaseMaster(reason)` from the actions
 *   layer, `stop()` / `markDeleted()`, and the `group*()` calls of a sync group. Each input dispatches on the current state to the
 *   handler keepalived has for that state (backupRx, masterRx, masterTx, gotoMaster, ...).
 * - One timer, like keepalived's per-instance "sands": in BACKUP it is the Master_Down_Timer,
 *   in MASTER the Adver_Timer, off in FAULT/STOP/DELETED. Time is integer microseconds
 *   internally (see timers.ts); the host sees milliseconds.
 * - Every state change goes through `setState()`, which stamps the time, counts, and emits
 *   one `transition` event; the actions layer (VIPs, GARP, notify, FIFO) reacts to events,
 *   the FSM never does I/O. `wantState` is keepalived's "wantstate": the state the instance
 *   would be in were it not for its sync group or a fault.
 * - Received packets go through the guard ladder (receive-checks.ts) here, so counting and
 *   the single drop event happen in one place; only valid adverts reach the state logic.
 * - A sync group (sync-group.ts) is consulted before becoming MASTER and told after every
 *   transition an input caused (keepalived's TSM); transitions the group itself causes come
 *   in through the `group*` methods and are not reported back, so groups cannot recurse.
 *
 * Behaviours worth naming (all keepalived's unless marked):
 * - Equal priorities: the higher primary address wins (RFC 5798 §6.4.3), compared as
 *   unsigned big-endian numbers. Two address owners: the one hearing the other drops to 254.
 * - A BACKUP hearing priority 0 waits only Skew_Time; a MASTER hearing it answers at once.
 * - A MASTER hearing a lower priority answers at once (unless lower_prio_no_advert) and emits
 *   `masterRxLowerPriority`. Ours: when that other MASTER then stays silent for a full
 *   advert interval, `splitBrainResolved` asks the actions layer to re-send GARPs and re-fire
 *   notify master, since the loser may have pointed ARP caches at itself meanwhile.
 * - preempt_delay: a lower-priority MASTER is tolerated until the delay (started by its
 *   first advert) has passed; then its adverts are ignored and the down timer runs out.
 * - Ours: an invalid packet never resets a MASTER's advert timer (keepalived's dispatcher
 *   re-arms it after any packet, so a flood of junk could silence a master).
 * - Ours: leaving MASTER for FAULT sends one priority-0 advert (keepalived sends two).
 * - A MASTER whose tracked VIP, eVIP, virtual route or rule is deleted from outside gives up
 *   (releaseMaster, keepalived set_vrrp_backup): one priority-0 advert, BACKUP, and a down
 *   timer of only Skew_Time, so that unless another router takes over at once it becomes
 *   MASTER again quickly and the addresses are installed afresh. Its sync group follows.
 */

import { checkReceivedAdvert, ReceivedPacket, ValidAdvert } from '../receive-checks.js';
import { VrrpStats } from '../stats.js';
import { InstanceBase } from './instance-base.js';
import { minimalSkewUs, skewTimeUs, US_PER_MS } from './timers.js';
import { PRIORITY_OWNER, PRIORITY_STOP, TransitionCause, VrrpState } from './types.js';

export type { SyncGroupLink } from './instance-base.js';

export interface StartOptions {
  /** vrrp_startup_delay, ms: BACKUP timers do not start counting until it has passed. */
  readonly startupDelayMs?: number;
  /** Resume after a reload: the matching old instance's state, counters and AH counter. */
  readonly resume?: { readonly state: VrrpState; readonly stats?: VrrpStats; readonly ahSequence?: number };
}

export class VrrpInstance extends InstanceBase {
  // --- inputs -------------------------------------------------------------------------------

  /** keepalived vrrp_init_state: leave INIT for BACKUP, FAULT or (owner) MASTER. */
  start(options: StartOptions = {}): void {
    if (this.started) throw new Error(`(${this.name}) start() called twice`);
    this.started = true;
    const now = this.nowUs();
    if (options.startupDelayMs) this.delayedStartUntilUs = now + Math.round(options.startupDelayMs * US_PER_MS);
    const resume = options.resume;
    if (resume?.stats) Object.assign(this.stats, resume.stats);
    if (resume?.ahSequence !== undefined) this.ah.sequence = resume.ahSequence;

    if (this.ownFault) this._wantState = 'FAULT';
    const target = this.sync ? this.sync.startState() : this._wantState;
    const up = !this.ownFault && target !== 'FAULT';

    if (up && resume?.state === 'MASTER' && (!this.sync || target === 'MASTER')) {
      // A MASTER being reloaded stays MASTER and advertises at once.
      this._wantState = 'MASTER';
      this.setState('MASTER', 'reload');
      this.masterTx();
      return;
    }
    if (up && target === 'MASTER' && this.isOwner && this._wantState === 'MASTER') {
      // keepalived: "the simplest way to become master is to time out very quickly (1 usec)".
      this.armAt(now + 1);
      return;
    }
    this.downTimerUs = target === 'BACKUP' && this._wantState === 'MASTER'
      // state MASTER in a sync group that starts BACKUP: wait one interval for a master to speak.
      ? this.masterAdvertIntervalUs + minimalSkewUs(this.params.version, this.masterAdvertIntervalUs)
      : this.computeDownTimerUs();
    const cause: TransitionCause = resume ? 'reload' : 'startup';
    if (up) {
      this.setState('BACKUP', cause);
      this.armBackupTimer();
    } else {
      this.setState('FAULT', cause, this.ownFault ? [...this.faults].join(', ') : `sync group ${this.sync?.name}`);
    }
  }

  /** One datagram from the socket layer. Returns whether the advert was valid. */
  receive(packet: ReceivedPacket): boolean {
    // keepalived's dispatcher ignores packets while FAULT or INIT (and we while stopped).
    if (this._state !== 'BACKUP' && this._state !== 'MASTER') return false;
    const from = this._state;
    const checkAddresses = !this.params.skipCheckAdvAddr || this.masterAddress === undefined || !this.sameAddress(packet.source, this.masterAddress);
    const verdict = checkReceivedAdvert(this.guards, packet, { ahLastSequence: this.ah.sequence, checkAddresses, oldChecksum: this.oldChecksum });
    if (verdict.ahSequence !== undefined) this.ah.accept(verdict.ahSequence, this._state === 'BACKUP');
    if (!verdict.ok) {
      this.stats[verdict.reason] += 1;
      if (verdict.countedAsReceived) this.stats.advert_rcvd += 1;
      this.host.emit({ type: 'advertDropped', instance: this.name, source: packet.source, reason: verdict.reason, guard: verdict.guard, detail: verdict.detail });
      return false;
    }
    const advert = verdict.advert;
    if (verdict.oldChecksumDetected) {
      // keepalived vrrp_check_packet: once, then for good (both directions).
      this.oldChecksum = true;
      this.host.emit({ type: 'oldChecksumDetected', instance: this.name, source: advert.source });
    }
    this.stats.advert_rcvd += 1;
    for (const w of verdict.warnings) {
      this.stats[w.reason] += 1;
      this.host.emit({ type: 'advertWarning', instance: this.name, source: advert.source, reason: w.reason, detail: w.detail });
    }
    if (advert.priority === PRIORITY_STOP) this.stats.pri_zero_rcvd += 1;
    const arrivedUs = this.arrivalUs(packet);
    this.lastHeardUs.set(this.key(advert.source), arrivedUs);
    if (this._state === 'BACKUP') this.backupRx(advert, arrivedUs);
    else this.masterRx(advert);
    this.sync?.afterTransition(this, from);
    return true;
  }

  /** The host's timer fired. */
  onTimer(): void {
    if (this.deadlineUs === undefined) return;
    if (this.nowUs() < this.deadlineUs) {
      this.host.setTimer(this.deadlineUs / US_PER_MS);
      return;
    }
    this.deadlineUs = undefined;
    const from = this._state;
    switch (this._state) {
      case 'INIT': // address owner at startup
        this._wantState = 'MASTER';
        this.gotoMaster('address-owner');
        break;
      case 'BACKUP': // RFC 5798 §6.4.2: Master_Down_Timer fired
        this._wantState = 'MASTER';
        this.gotoMaster('master-down');
        break;
      case 'MASTER': // RFC 5798 §6.4.3: Adver_Timer fired
        this.masterTx();
        break;
      default:
        return;
    }
    this.sync?.afterTransition(this, from);
  }

  /**
   * A tracked object of this instance failed (`faulted` true) or recovered. The instance is
   * faulty while any source is failed (keepalived num_script_if_fault).
   */
  setFault(source: string, faulted: boolean): void {
    if (this._state === 'STOP' || this._state === 'DELETED') return;
    const before = this.faults.size;
    if (faulted) this.faults.add(source);
    else this.faults.delete(source);
    if (!this.started) return; // start() will see the faults
    if (before === 0 && this.faults.size > 0) this.downInstance(source);
    else if (before > 0 && this.faults.size === 0) this.tryUpInstance(source);
  }

  /**
   * The sum of the tracker weights currently applying (keepalived total_priority − base).
   * The effective priority is base + sum clamped to 1..254; an owner's stays 255.
   */
  setPriorityAdjustment(sum: number): void {
    this.priorityAdjustment = sum;
    this.updateEffectivePriority();
  }

  /**
   * keepalived set_vrrp_backup: a tracked VIP/eVIP/route/rule of this MASTER was deleted from
   * outside (the actions layer's `releaseMaster` event; `reason` says which). Sends priority 0,
   * goes to BACKUP with a Skew_Time down timer, and takes the group's other MASTER members
   * along. Returns false (nothing done) unless the instance is MASTER.
   */
  releaseMaster(reason: string): boolean {
    if (this._state !== 'MASTER') return false;
    this.releaseToBackup('released', reason);
    this.sync?.memberReleased(this, reason);
    return true;
  }

  /** Shutdown (SIGTERM): a MASTER sends priority 0 so a backup takes over after Skew_Time. */
  stop(options: { sendPriorityZero?: boolean } = {}): void {
    if (this._state === 'STOP' || this._state === 'DELETED') return;
    if (this._state === 'MASTER' && options.sendPriorityZero !== false) this.sendPriorityZero();
    this.disarm();
    this.setState('STOP', 'shutdown');
  }

  /** Removed by a reload: like stop, reported as DELETED (the actions layer maps it to FAULT unless notify_deleted). */
  markDeleted(): void {
    if (this._state === 'STOP' || this._state === 'DELETED') return;
    if (this._state === 'MASTER') this.sendPriorityZero();
    this.disarm();
    this.setState('DELETED', 'deleted');
  }

  // --- called by SyncGroup only ------------------------------------------------------------

  /** keepalived vrrp_sync_master: a member became MASTER, follow it. */
  groupPullToMaster(group: string): void {
    if (this._state === 'MASTER' || this._state === 'STOP' || this._state === 'DELETED') return;
    this._wantState = 'MASTER';
    this.gotoMaster('sync-group', `sync group ${group}`);
  }

  /** keepalived vrrp_sync_backup: a member went BACKUP, follow it. */
  groupPullToBackup(group: string): void {
    if (this._state === 'BACKUP' || this._state === 'STOP' || this._state === 'DELETED') return;
    this._wantState = 'BACKUP';
    if (this._state === 'MASTER') this.leaveMaster('BACKUP', 'sync-group', `sync group ${group}`);
    else this.leaveFault('sync-group', `sync group ${group}`);
  }

  /** keepalived vrrp_sync_fault: a member is faulty, the whole group goes FAULT. */
  groupPullToFault(group: string): void {
    if (this._state === 'FAULT' || this._state === 'STOP' || this._state === 'DELETED') return;
    this._wantState = 'FAULT';
    if (this._state === 'MASTER') this.leaveMaster('FAULT', 'sync-group', `sync group ${group}`);
    else this.enterFault('sync-group', `sync group ${group}`);
  }

  /** A member of our sync group gave up MASTER (set_vrrp_backup): do the same. */
  groupRelease(group: string, reason: string): void {
    if (this._state !== 'MASTER') return;
    this.releaseToBackup('sync-group', `sync group ${group}: ${reason}`);
  }

  /** keepalived vrrp_state_leave_master(advF = true) followed by a Skew_Time down timer. */
  private releaseToBackup(cause: TransitionCause, detail: string): void {
    this._wantState = 'BACKUP';
    this.conflict = undefined;
    this.preemptAtUs = 0;
    this.sendPriorityZero();
    this.setState('BACKUP', cause, detail);
    // "We want a quick transition back to master": Skew_Time, not Master_Down_Interval.
    this.downTimerUs = skewTimeUs(this.params.version, this._effectivePriority, this.masterAdvertIntervalUs);
    this.armBackupTimer();
  }

  // --- BACKUP ------------------------------------------------------------------------------

  /**
   * When the advert arrived, µs: the packet's receive time when the socket layer gave one
   * that is plausible (not in the future, not older than one Master_Adver_Interval: a stamp
   * from another clock, or an advert that sat that long in a queue, falls back to now).
   * RFC 5798 §6.4.2 restarts the Master_Down_Timer when the advert is received; processing
   * it takes a fraction of a millisecond that would otherwise delay every takeover.
   */
  private arrivalUs(packet: ReceivedPacket): number {
    const now = this.nowUs();
    if (packet.receivedAtMs === undefined) return now;
    const at = Math.round(packet.receivedAtMs * US_PER_MS);
    return at <= now && now - at <= this.masterAdvertIntervalUs ? at : now;
  }

  /** keepalived vrrp_state_backup; RFC 5798 §6.4.2 "If an ADVERTISEMENT is received" (at `now`, µs). */
  private backupRx(a: ValidAdvert, now: number): void {
    const p = this.params;
    if (a.priority === PRIORITY_STOP) {
      // RFC 5798 §6.4.2: priority 0 -> Master_Down_Timer = Skew_Time.
      this.downTimerUs = skewTimeUs(p.version, this._effectivePriority, this.masterAdvertIntervalUs);
      this.armBackupTimer(now);
      return;
    }
    const preemptDelayRunning = p.preemptDelayMs > 0 && (this.preemptAtUs === 0 || this.preemptAtUs > now);
    if (p.nopreempt || a.priority >= this._effectivePriority || preemptDelayRunning) {
      // Accept this MASTER: learn its interval (v3), reset the down timer.
      if (p.version === 3) this.learnMasterInterval(a);
      this.downTimerUs = this.computeDownTimerUs();
      this.masterAddress = a.source;
      this.masterPriority = a.priority;
      if (p.preemptDelayMs > 0) {
        if (a.priority >= this._effectivePriority) this.preemptAtUs = 0;
        else if (this.preemptAtUs === 0) this.preemptAtUs = now + Math.round(p.preemptDelayMs * US_PER_MS);
      }
      // Held in BACKUP by a sync group we may have wanted MASTER; a master speaks, so no more.
      this._wantState = 'BACKUP';
      this.armBackupTimer(now);
      return;
    }
    // RFC 5798 §6.4.2: Preempt_Mode true and a lower priority -> discard; the timer runs out.
    this.masterAddress = a.source;
    this.host.emit({ type: 'lowerPriorityIgnored', instance: this.name, source: a.source, priority: a.priority, ourPriority: this._effectivePriority });
  }

  private learnMasterInterval(a: ValidAdvert): void {
    const us = a.advertIntervalMs * US_PER_MS;
    if (us === this.masterAdvertIntervalUs) return;
    const fromMs = this.masterAdvertIntervalUs / US_PER_MS;
    this.masterAdvertIntervalUs = us; // RFC 5798 §6.4.2: Master_Adver_Interval = Max Adver Int
    this.host.emit({ type: 'advertIntervalLearned', instance: this.name, fromMs, toMs: a.advertIntervalMs, source: a.source });
  }

  /** keepalived vrrp_state_goto_master (+ master_tx / become_master on the first advert). */
  private gotoMaster(cause: TransitionCause, detail?: string): void {
    if (this.sync && !this.sync.canGotoMaster(this)) {
      // Wait for the rest of the group; keep wanting MASTER, re-arm a full down interval.
      this._wantState = 'MASTER';
      this.downTimerUs = this.computeDownTimerUs();
      if (this._state === 'INIT') this.setState('BACKUP', 'startup', `sync group ${this.sync.name} not ready`);
      this.armBackupTimer();
      return;
    }
    this.ah.onBecomingMaster();
    this.masterAdvertIntervalUs = this.advertIntervalUs;
    this.conflict = undefined;
    // Send the advert first, so the old master drops the VIPs before our GARPs (keepalived).
    this.sendAdvert(this._effectivePriority);
    this.setState('MASTER', cause, detail);
    this.armAt(this.nowUs() + this.advertIntervalUs);
  }

  // --- MASTER ------------------------------------------------------------------------------

  /** RFC 5798 §6.4.3: Adver_Timer fired -> send an advert, re-arm. */
  private masterTx(): void {
    this.sendAdvert(this._effectivePriority);
    const now = this.nowUs();
    if (this.conflict && now - this.conflict.lastHeardUs >= this.advertIntervalUs) {
      const c = this.conflict;
      this.conflict = undefined;
      this.host.emit({ type: 'splitBrainResolved', instance: this.name, peer: c.peer, peerPriority: c.priority, lastHeardMs: c.lastHeardUs / US_PER_MS });
    }
    this.armAt(now + this.advertIntervalUs);
  }

  /** keepalived vrrp_state_master_rx; RFC 5798 §6.4.3 "If an ADVERTISEMENT is received". */
  private masterRx(a: ValidAdvert): void {
    const p = this.params;
    const addrCmp = this.compareWithOurAddress(a.source);
    const higher = (): boolean => a.priority > this._effectivePriority || (a.priority === this._effectivePriority && addrCmp > 0);

    if (a.priority === PRIORITY_STOP || (p.higherPrioSendAdvert && higher())) {
      // RFC 5798 §6.4.3: priority 0 -> send an ADVERTISEMENT, reset the Adver_Timer.
      this.sendAdvert(this._effectivePriority);
      this.armAt(this.nowUs() + this.advertIntervalUs);
      if (a.priority === PRIORITY_STOP) return;
    }

    if (a.priority === this._effectivePriority) {
      if (addrCmp === 0) {
        const detail = this.primaryAddress === undefined
          ? 'equal priority advert received and we have no primary address to break the tie'
          : 'equal priority advert received from remote host with our IP address';
        this.host.emit({ type: 'configurationConflict', instance: this.name, source: a.source, detail });
      } else if (this._effectivePriority === PRIORITY_OWNER) {
        // Two address owners: a configuration error; keepalived lowers its own priority.
        this.basePriority = PRIORITY_OWNER - 1;
        this.host.emit({ type: 'configurationConflict', instance: this.name, source: a.source, detail: 'local and remote instances are both configured as address owner - reducing local priority' });
        this.updateEffectivePriority();
      }
    }

    if (a.priority < this._effectivePriority || (a.priority === this._effectivePriority && addrCmp < 0)) {
      // Another MASTER with a lower priority: assert ourselves (RFC 5798 §6.4.3 discards it;
      // keepalived and RFC 9568 answer so the other side steps down at once).
      if (a.ahSequence !== undefined) this.ah.syncAbove(a.ahSequence);
      const answered = !p.lowerPrioNoAdvert;
      if (answered) {
        this.sendAdvert(this._effectivePriority);
        this.armAt(this.nowUs() + this.advertIntervalUs);
      }
      this.conflict = { peer: a.source, priority: a.priority, lastHeardUs: this.nowUs() };
      this.host.emit({ type: 'masterRxLowerPriority', instance: this.name, source: a.source, priority: a.priority, ourPriority: this._effectivePriority, answered });
      return;
    }

    if (higher()) {
      // RFC 5798 §6.4.3: a higher priority (or equal, higher address) -> Backup.
      this.ah.onLosingToHigherPriority();
      if (p.version === 3) this.learnMasterInterval(a);
      this.masterAddress = a.source;
      this.masterPriority = a.priority;
      this._wantState = 'BACKUP';
      this.leaveMaster('BACKUP', 'higher-priority', `advert from ${a.source} priority ${a.priority}`);
    }
  }

  /** keepalived vrrp_state_leave_master. */
  private leaveMaster(to: 'BACKUP' | 'FAULT', cause: TransitionCause, detail?: string): void {
    this.conflict = undefined;
    if (to === 'FAULT') {
      this.sendPriorityZero();
      this.enterFault(cause, detail);
      return;
    }
    this.preemptAtUs = 0;
    this.setState('BACKUP', cause, detail);
    this.downTimerUs = this.computeDownTimerUs();
    this.armBackupTimer();
  }

  // --- FAULT -------------------------------------------------------------------------------

  /** keepalived down_instance. */
  private downInstance(source: string): void {
    const from = this._state;
    this._wantState = 'FAULT';
    if (from === 'MASTER') this.leaveMaster('FAULT', 'fault', source);
    else this.enterFault('fault', source);
    this.sync?.memberFaulted(this);
  }

  private enterFault(cause: TransitionCause, detail?: string): void {
    this.masterAdvertIntervalUs = this.advertIntervalUs;
    this.downTimerUs = this.computeDownTimerUs();
    this.disarm();
    this.setState('FAULT', cause, detail);
  }

  /** keepalived try_up_instance: our own faults are gone. */
  private tryUpInstance(source: string): void {
    this._wantState = this._wantState === 'MASTER' && this.isOwner ? 'MASTER' : 'BACKUP';
    this.masterAdvertIntervalUs = this.advertIntervalUs;
    if (this.sync && !this.sync.memberRecovered(this)) return; // another member is still faulty
    if (this.sync && this._wantState === 'MASTER' && !this.sync.canGotoMaster(this)) this._wantState = 'BACKUP';
    this.leaveFault('fault-cleared', `${source} recovered`);
    this.sync?.afterMemberLeftFault(this);
  }

  /** keepalived vrrp_state_leave_fault (FAULT -> BACKUP, or MASTER for a recovering owner). */
  private leaveFault(cause: TransitionCause, detail?: string): void {
    this.masterAdvertIntervalUs = this.advertIntervalUs;
    if (this._wantState === 'MASTER') {
      this.gotoMaster(cause, detail);
      return;
    }
    this.preemptAtUs = 0;
    this.downTimerUs = this.computeDownTimerUs();
    this.setState('BACKUP', cause, detail);
    this.armBackupTimer();
  }

  // --- priority ----------------------------------------------------------------------------

  /** keepalived vrrp_set_effective_priority. */
  private updateEffectivePriority(): void {
    let next: number;
    if (this.basePriority === PRIORITY_OWNER) next = PRIORITY_OWNER;
    else next = Math.min(PRIORITY_OWNER - 1, Math.max(1, this.basePriority + this.priorityAdjustment));
    if (next === this._effectivePriority) return;
    const from = this._effectivePriority;
    this._effectivePriority = next;
    const oldDown = this.downTimerUs;
    this.downTimerUs = this.computeDownTimerUs();
    if (this._state === 'BACKUP' && this.deadlineUs !== undefined) {
      // A higher priority has a shorter skew: move the running timer by the difference.
      this.armAt(this.deadlineUs + (this.downTimerUs - oldDown));
    }
    this.host.emit({ type: 'priorityChanged', instance: this.name, from, to: next, state: this._state });
  }
}
