/**
 * What one VRRP instance does to the world when its state machine speaks: the bridge
 * from the FSM's events (src/vrrp/fsm/types.ts InstanceEvent) to the kernel objects of
 * net-actions.ts and the GARP/NA schedule of announcer.ts.
 *
 *   transition -> MASTER           install VIPs, eVIPs, routes, rules (one batch), then
 *                                  announce (keepalived vrrp_state_become_master: the
 *                                  addresses go up before the first GARP)
 *   transition MASTER -> other     stop announcing, remove them (one batch) — except on
 *                                  STOP with dont_release_vrrp (-V), which leaves them
 *   masterRxLowerPriority          the garp_lower_prio_* bursts (and, through VrrpActions,
 *                                  those of the other members of its sync group)
 *   splitBrainResolved             announce again
 *
 * Start-up and reloads, as keepalived 2.2.7 (vrrp.c vrrp_restore_interfaces_startup,
 * restore_vrrp_state, clear_diff_vrrp; vrrp_scheduler.c vrrp_init_state):
 *
 *   process start-up               `clearLeftovers()`: every configured VIP, eVIP and virtual
 *                                  rule is deleted, whoever put it there (a crashed run, an
 *                                  operator), so that only the election decides; routes are
 *                                  left alone, as keepalived does
 *   INIT -> BACKUP or FAULT        an instance a reload kept while it was MASTER
 *                                  (`resumeFrom('MASTER')`) and that does not resume as
 *                                  MASTER (now faulty, its group not MASTER) drops the
 *                                  addresses it held; with -V, every instance drops every
 *                                  configured address (keepalived deletes them even unset)
 *   INIT -> MASTER after a reload  a kept MASTER installs what the reload added and sends one
 *                                  burst of garp_master_repeat only if an address was added
 *                                  (nothing at all when none was); its refresh timer restarts
 *
 * The FSM's transition from MASTER is already a fact when we hear of it, so removal never
 * waits for anything; installation is a netlink round trip whose answer rtnetlink usually
 * gives inside the sendmsg, and then the first burst goes out before `handle` returns (the
 * set's synchronous report); if the instance has left MASTER by the time the kernel
 * answers, no announcement is started — the removal is queued behind the install by the
 * object set.
 *
 * Deletions from outside (keepalived set_vrrp_backup): when a tracked VIP, eVIP, virtual
 * route or rule of this MASTER disappears, `releaseMaster` is emitted; the vrrp child
 * then calls the FSM's `VrrpInstance.releaseMaster(reason)`, which sends a priority-0
 * advert, leaves MASTER and arms a Skew_Time down timer so it can take over again quickly
 * (its sync group's MASTER members follow).
 * This layer does not re-add the object: the next MASTER transition installs everything
 * again, as keepalived does.
 */

import { EventEmitter } from 'node:events';
import type { InstanceEvent, TransitionCause, VrrpState } from '../fsm/types.js';
import type { InstanceAnnouncer } from './announcer.js';
import type { ApplyReport, ExternalRemoval, NetObjectSet } from './net-actions.js';
import { describeItem, type NetItem } from './net-plan.js';

export interface ReleaseMasterRequest {
  readonly instance: string;
  readonly item: NetItem;
  /** "VIP 192.0.2.10/32 dev eth0 was deleted", for the log line. */
  readonly reason: string;
}

export interface InstanceActionsEvents {
  /** keepalived set_vrrp_backup: give up MASTER now. */
  releaseMaster: [ReleaseMasterRequest];
  /** A netlink batch finished (its report lists failures, for logging). */
  applied: [ApplyReport];
  /** An untracked (no_track) object of ours was deleted from outside; for the log only. */
  untrackedRemoval: [ExternalRemoval];
  /** Something failed that the FSM cannot fix (netlink socket gone, ...). */
  error: [Error];
  /** As MASTER we heard a lower-priority advert (sync-group partners send their bursts too). */
  lowerPriorityAdvert: [];
}

export interface InstanceActionsOptions {
  /**
   * keepalived -V / --dont-release-vrrp: keep the VIPs on shutdown; delete forcefully on
   * leaving MASTER and when starting (or resuming after a reload) in BACKUP or FAULT.
   */
  readonly dontRelease?: boolean;
  /** Builds ahead the GARP/NA frames of this instance's addresses (AnnounceSinkHandle.prepare). */
  readonly prepareAnnouncements?: () => void;
}

const ROLE_NAMES: Record<NetItem['role'], string> = {
  vip: 'VIP', evip: 'eVIP', route: 'virtual route', rule: 'virtual rule',
  'static-address': 'static address', 'static-route': 'static route', 'static-rule': 'static rule',
};

export class InstanceActions extends EventEmitter<InstanceActionsEvents> {
  readonly name: string;
  readonly net: NetObjectSet;
  readonly announcer: InstanceAnnouncer;
  readonly #options: InstanceActionsOptions;
  #state: VrrpState = 'INIT';
  /** A reload kept this instance while it was MASTER: its addresses are in the kernel. */
  #resumingMaster = false;

  constructor(name: string, net: NetObjectSet, announcer: InstanceAnnouncer, options: InstanceActionsOptions = {}) {
    super();
    this.name = name;
    this.net = net;
    this.announcer = announcer;
    this.#options = options;
    net.on('applied', (report) => this.emit('applied', report));
    net.on('externalRemoval', (removal) => this.#externalRemoval(removal));
  }

  /** The state this layer believes the instance is in (the last transition it saw). */
  get state(): VrrpState {
    return this.#state;
  }

  /**
   * Process start-up, before any state machine runs (keepalived
   * vrrp_restore_interfaces_startup): deletes every configured address and rule of this
   * instance that is in the kernel, installed by whoever. Routes stay.
   */
  clearLeftovers(): Promise<ApplyReport> {
    return this.net.remove({ force: true, categories: ['address', 'rule'] });
  }

  /**
   * A reload kept this instance (keepalived restore_vrrp_state); `state` is the one it had.
   * Call before its state machine starts again.
   */
  resumeFrom(state: VrrpState): void {
    this.#resumingMaster = state === 'MASTER';
  }

  /**
   * Feed every InstanceEvent of the instance here (the FSM host's `emit`). For a transition
   * to MASTER, returns what settles once the addresses are in and the first announcement
   * burst is out (or it failed, or the instance left MASTER meanwhile): the daemon holds its
   * log lines and notifies until then (src/vrrp/daemon/report-queue.ts).
   */
  handle(event: InstanceEvent): Promise<void> | undefined {
    switch (event.type) {
      case 'transition':
        return this.#transition(event.from, event.to, event.cause);
      case 'masterRxLowerPriority':
        if (this.#state !== 'MASTER') return;
        this.announcer.lowerPriorityAdvert();
        this.emit('lowerPriorityAdvert');
        return;
      case 'splitBrainResolved':
        if (this.#state === 'MASTER') this.announcer.splitBrainResolved();
        return;
      default:
        return;
    }
  }

  /**
   * Encodes ahead what becoming MASTER sends — the install batch and the GARP/NA frames — so
   * a takeover hands prepared bytes to the kernel (RFC 5798 §6.4.2: the new MASTER's
   * addresses and announcements go at once). Called on entering BACKUP; anything that
   * changed by the takeover (an interface index, a MAC) is simply encoded then.
   */
  prepareTakeover(): void {
    this.net.prepareInstall();
    this.#options.prepareAnnouncements?.();
  }

  /** Resolves when the kernel has caught up with every transition seen so far. */
  settled(): Promise<void> {
    return this.net.settled();
  }

  #transition(from: VrrpState, to: VrrpState, cause: TransitionCause): Promise<void> | undefined {
    const resumingMaster = this.#resumingMaster;
    this.#resumingMaster = false;
    this.#state = to;
    if (to === 'MASTER') {
      const resumed = resumingMaster && from === 'INIT' && cause === 'reload';
      // Announced from the install's synchronous report: for a takeover that is while the
      // kernel's answer is read, before anything else of this transition runs.
      const announce = (report: ApplyReport): void => {
        try {
          this.#announceInstalled(report, resumed);
        } catch (err) {
          this.emit('error', err as Error);
        }
      };
      return this.net.install({ onApplied: announce }).then(() => undefined, (err: Error) => { this.emit('error', err); });
    }
    if (to === 'BACKUP') this.prepareTakeover();
    if (from === 'INIT') {
      // keepalived vrrp_init_state -> vrrp_restore_interface: starting anywhere but MASTER,
      // an instance gives up what it may hold (forced: the kernel alone knows what is there).
      if ((to === 'BACKUP' || to === 'FAULT') && (resumingMaster || this.#options.dontRelease)) {
        this.net.remove({ force: true }).catch((err: Error) => this.emit('error', err));
      }
      return;
    }
    if (from !== 'MASTER') return undefined;
    this.announcer.leftMaster();
    if (to === 'STOP' && this.#options.dontRelease) return undefined;
    this.net.remove({ force: this.#options.dontRelease === true }).catch((err: Error) => this.emit('error', err));
    return undefined;
  }

  #announceInstalled(report: ApplyReport, resumed: boolean): void {
    // Announce only what went in, and only if we are still MASTER.
    if (this.#state !== 'MASTER' || report.op !== 'add') return;
    if (!resumed) {
      this.announcer.becameMaster();
      return;
    }
    // keepalived restore_vrrp_state: one burst, and only if the reload added an address.
    const added = report.results.some((r) => r.item.category === 'address' && r.outcome.result === 'done');
    this.announcer.resumedMaster(added);
  }

  #externalRemoval(removal: ExternalRemoval): void {
    if (!removal.tracked) {
      this.emit('untrackedRemoval', removal);
      return;
    }
    if (this.#state !== 'MASTER') return;
    this.emit('releaseMaster', {
      instance: this.name,
      item: removal.item,
      reason: `${ROLE_NAMES[removal.item.role]} ${describeItem(removal.item)} was deleted`,
    });
  }
}
