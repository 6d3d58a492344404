/**
 * vrrp_sync_group: instances that must hold the same state (keepalived vrrp_sync.c and the
 * TSM in vrrp_scheduler.c; the seed paper "VRRPv2 ... Synchronization").
 *
 * The rules, as keepalived applies them:
 * - MASTER only together: a member whose down timer fires becomes MASTER only if the group is
 *   already MASTER or every other member also wants MASTER (its own timer fired, or it is the
 *   address owner); otherwise it stays BACKUP, keeps wanting MASTER and waits another down
 *   interval. Once one member may go, the others follow at once (vrrp_sync_master).
 * - BACKUP pulls: a member leaving MASTER for BACKUP takes every other member to BACKUP
 *   (vrrp_sync_backup) — leaving MASTER or leaving FAULT as the case may be.
 * - FAULT pulls harder: a member whose own tracker fails takes the whole group to FAULT
 *   (vrrp_sync_fault); MASTER members leave with a priority-0 advert so the peer router's
 *   members take over after Skew_Time. The group stays FAULT until *every* faulty member has
 *   recovered; the last one to recover brings the others back to BACKUP.
 *
 * The last rule is the paper's cure for the "synchronization circuit": with a dead NIC on
 * router 2, its member on that NIC cannot hear router 1 and would time out to MASTER, drag
 * its healthy sibling to MASTER, which then loses to router 1 and drags the dead-NIC member
 * back to BACKUP, forever. In FAULT a member has no timer at all, so router 2's group sits in
 * FAULT, router 1's group is MASTER, and nothing moves until the NIC comes back.
 *
 * Only transitions that a member's own input caused reach `afterTransition`; the transitions
 * the group imposes go through the members' `groupPullTo*` methods, which never call back,
 * so one event cannot ripple around the group twice.
 *
 * Event order, as keepalived's FIFO shows it: when a member moves the group, the member's
 * own transition comes first, then the members it pulls along, then the group's
 * (`VI_2 MASTER`, `VI_1 MASTER`, `GROUP "G1" MASTER 0`) — vrrp_sync_master/backup/fault
 * change every member before send_group_notifies. The group's new state is set before the
 * members are pulled (a member pulled to MASTER asks canGotoMaster, which must already see
 * the group as MASTER); only the announcement waits. At start-up it is the other way round:
 * keepalived announces a BACKUP or FAULT group before any member (vrrp_init_state).
 *
 * A member that gives up MASTER because one of its addresses or routes was deleted from
 * outside (releaseMaster, keepalived set_vrrp_backup) takes every other MASTER member to
 * BACKUP the same way — priority 0, then a Skew_Time down timer so the group comes back
 * quickly — and the group becomes BACKUP. Ours: keepalived changes the group's state there
 * without announcing it, so a FIFO reader would still believe the group MASTER; we announce it.
 */

import { VrrpInstance, SyncGroupLink } from './instance.js';
import { PRIORITY_OWNER, VrrpState } from './types.js';

export type SyncGroupEvent = {
  readonly type: 'groupTransition';
  readonly group: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  /** The member whose change moved the group. */
  readonly member: string;
};

export interface SyncGroupHost {
  emit(event: SyncGroupEvent): void;
}

export class SyncGroup implements SyncGroupLink {
  private _state: VrrpState = 'INIT';
  /** keepalived num_member_fault: members faulty by their own trackers. */
  private faultyMembers = 0;
  private startTarget: VrrpState | undefined;

  /**
   * `resumeState`: after a reload, the state the group had before (keepalived
   * set_previous_sync_group_states); members resuming MASTER stay MASTER only if it was MASTER.
   */
  constructor(
    readonly name: string,
    readonly members: readonly VrrpInstance[],
    private readonly host: SyncGroupHost,
    private readonly options: { readonly resumeState?: VrrpState } = {},
  ) {
    if (members.length === 0) throw new Error(`sync group ${name} has no members`);
    const owners = members.filter((m) => m.isOwner && m.params.initialState === 'MASTER').length;
    if (owners !== 0 && owners !== members.length) {
      // keepalived vrrp_sync_set_group: this combination cannot work.
      throw new Error(`sync group ${name} has some members as address owner and some not`);
    }
    for (const m of members) m.attachSyncGroup(this);
  }

  get state(): VrrpState { return this._state; }

  /**
   * keepalived vrrp_sync_set_group: the state members start towards — FAULT if a member is
   * faulty, MASTER if every member is an address owner with state MASTER (or the group was
   * MASTER before a reload), else BACKUP. FAULT and BACKUP are announced at once; a fresh
   * MASTER group is announced when its first member gets there (keepalived never announces
   * it), a reloaded one not at all (nothing changed).
   */
  startState(): VrrpState {
    if (this.startTarget === undefined) {
      this.faultyMembers = this.members.filter((m) => m.ownFault).length;
      const first = this.members[0] as VrrpInstance;
      if (this.faultyMembers > 0) {
        this.startTarget = 'FAULT';
        this.setState('FAULT', first);
      } else if (this.options.resumeState === 'MASTER') {
        this.startTarget = 'MASTER';
        this._state = 'MASTER';
      } else if (this.members.every((m) => m.params.priority === PRIORITY_OWNER && m.params.initialState === 'MASTER')) {
        this.startTarget = 'MASTER';
      } else {
        this.startTarget = 'BACKUP';
        this.setState('BACKUP', first);
      }
    }
    return this.startTarget;
  }

  canGotoMaster(member: VrrpInstance): boolean {
    if (this._state === 'MASTER') return true;
    // Prefer BACKUP to thrashing: only when everyone wants MASTER.
    return this.members.every((m) => m === member || m.wantState === 'MASTER');
  }

  /** keepalived's TSM (VRRP_TSM_HANDLE): B->M, M->M, F->M sync to MASTER; M->B syncs to BACKUP. */
  afterTransition(member: VrrpInstance, from: VrrpState): void {
    const to = member.state;
    if (to === 'MASTER') this.syncMaster(member);
    else if (from === 'MASTER' && to === 'BACKUP') this.syncBackup(member);
  }

  memberFaulted(member: VrrpInstance): void {
    this.faultyMembers += 1;
    if (this.faultyMembers === 1) this.syncFault(member);
  }

  memberRecovered(_member: VrrpInstance): boolean {
    this.faultyMembers = Math.max(0, this.faultyMembers - 1);
    return this.faultyMembers === 0;
  }

  afterMemberLeftFault(member: VrrpInstance): void {
    if (member.state === 'MASTER') this.syncMaster(member);
    else this.syncBackup(member);
  }

  /** keepalived set_vrrp_backup: a member gave up MASTER (its VIP or route was deleted from outside). */
  memberReleased(member: VrrpInstance, reason: string): void {
    const from = this.enter('BACKUP');
    for (const m of this.members) if (m !== member && m.state === 'MASTER') m.groupRelease(this.name, reason);
    this.announce(from, 'BACKUP', member);
  }

  /** keepalived vrrp_sync_master. */
  private syncMaster(member: VrrpInstance): void {
    if (this._state === 'MASTER' || !this.canGotoMaster(member)) return;
    const from = this.enter('MASTER');
    for (const m of this.members) if (m !== member && m.state !== 'MASTER') m.groupPullToMaster(this.name);
    this.announce(from, 'MASTER', member);
  }

  /** keepalived vrrp_sync_backup. */
  private syncBackup(member: VrrpInstance): void {
    if (this._state === 'BACKUP') return;
    const from = this.enter('BACKUP');
    for (const m of this.members) if (m !== member && m.state !== 'BACKUP') m.groupPullToBackup(this.name);
    this.announce(from, 'BACKUP', member);
  }

  /** keepalived vrrp_sync_fault. */
  private syncFault(member: VrrpInstance): void {
    if (this._state === 'FAULT') return;
    const from = this.enter('FAULT');
    for (const m of this.members) if (m !== member && m.state !== 'FAULT') m.groupPullToFault(this.name);
    this.announce(from, 'FAULT', member);
  }

  /** Start-up: the group's state is announced before its members'. */
  private setState(to: VrrpState, member: VrrpInstance): void {
    this.announce(this.enter(to), to, member);
  }

  /** Sets the state; returns the previous one. */
  private enter(to: VrrpState): VrrpState {
    const from = this._state;
    this._state = to;
    return from;
  }

  private announce(from: VrrpState, to: VrrpState, member: VrrpInstance): void {
    if (from === to) return;
    this.host.emit({ type: 'groupTransition', group: this.name, from, to, member: member.name });
  }
}
