/**
 * When one instance announces its addresses with gratuitous ARPs / unsolicited NAs: the
 * schedule of keepalived 2.2.7 (vrrp.c vrrp_state_become_master, vrrp_state_master_tx,
 * vrrp_state_master_rx, vrrp_send_link_update; vrrp_scheduler.c
 * vrrp_gratuitous_arp_thread and vrrp_lower_prio_gratuitous_arp_thread), driven by the
 * instance's events:
 *
 *   became MASTER          a burst of garp_master_repeat messages per address at once,
 *                          another burst garp_master_delay later (lab: 5 at :05, 5 at
 *                          :10), a refresh burst of garp_master_refresh_repeat every
 *                          garp_master_refresh, and one message per extra interface every
 *                          garp_extra_if
 *   lower-priority advert  a burst of garp_lower_prio_repeat at once and another
 *                          garp_lower_prio_delay later (nothing if the repeat is 0)
 *   split brain resolved   ours: the became-MASTER bursts again, since the other MASTER
 *                          may have pointed neighbours' caches at itself meanwhile
 *   resumed by a reload    one burst of garp_master_repeat if the reload added an address
 *                          (for every address, as keepalived: "a bit over the top"), no
 *                          delayed burst; nothing if none was added. Refresh and
 *                          extra-interface timers start again from the reload
 *   left MASTER            every timer stops and anything still queued is withdrawn
 *
 * A burst goes "for each repeat, for each address (VIPs, then eVIPs)", each message a
 * request to the shared GarpPacer, which sends at once or queues behind the interface's
 * rate limit.
 *
 * Timer details. keepalived 2.2.7 checks the refresh and extra-interface deadlines only
 * when it sends an advert, so they fire at the first advert after they fall due; here each
 * has its own timer, so they fire when due (at most one advert interval earlier than
 * keepalived's). The first refresh falls one garp_master_refresh after becoming MASTER (as
 * in 2.2.7; upstream later moved it to garp_master_delay + refresh). keepalived does not
 * cancel a pending delayed burst when the instance leaves MASTER; it merely finds no
 * addresses set when it fires, unless the instance is MASTER again by then, in which case
 * it sends an extra burst. Cancelling on leaving MASTER avoids that stray burst.
 */

import type { AnnounceTarget, GarpPacer } from './garp-pacer.js';
import type { Clock, GarpTimings, TimerHandle } from './types.js';

/** Why a burst was sent, for logs and status. */
export type BurstReason = 'master' | 'master-delayed' | 'reload' | 'refresh' | 'lower-priority' | 'lower-priority-delayed' | 'split-brain' | 'extra-interfaces';

export interface AnnouncerHooks {
  /** The instance's name, for logs about its messages. */
  readonly name?: string;
  /** The addresses to announce now: VIPs then eVIPs, those actually installed. */
  targets(): readonly AnnounceTarget[];
  /** For garp_extra_if: one address per extra interface (see extraInterfaceTargets). */
  extraTargets(): readonly AnnounceTarget[];
  /** Told of each burst once its messages are sent or queued; for logging ("Sending/queueing gratuitous ARPs on ..."). */
  onBurst?(reason: BurstReason, targets: readonly AnnounceTarget[], repeat: number): void;
}

type TimerName = 'masterDelayed' | 'refresh' | 'lowerPriorityDelayed' | 'extraInterfaces';

export class InstanceAnnouncer {
  readonly #clock: Clock;
  readonly #pacer: GarpPacer;
  readonly #hooks: AnnouncerHooks;
  #timings: GarpTimings;
  #master = false;
  readonly #timers = new Map<TimerName, TimerHandle>();

  constructor(timings: GarpTimings, pacer: GarpPacer, clock: Clock, hooks: AnnouncerHooks) {
    validateTimings(timings);
    this.#timings = timings;
    this.#pacer = pacer;
    this.#clock = clock;
    this.#hooks = hooks;
  }

  get name(): string {
    return this.#hooks.name ?? '';
  }

  get timings(): GarpTimings {
    return this.#timings;
  }

  /** A reload changed the timings; running timers keep their old deadlines. */
  setTimings(timings: GarpTimings): void {
    validateTimings(timings);
    this.#timings = timings;
  }

  get isMaster(): boolean {
    return this.#master;
  }

  /** The instance became MASTER and its addresses are installed. */
  becameMaster(): void {
    this.#cancelAll();
    this.#master = true;
    this.#announceAsNewMaster('master');
    const t = this.#timings;
    if (t.masterRefreshMs > 0) this.#every('refresh', t.masterRefreshMs, () => this.#burst('refresh', t.masterRefreshRepeat));
    if (t.extraIfIntervalMs > 0) this.#every('extraInterfaces', t.extraIfIntervalMs, () => this.#extraInterfaces());
  }

  /**
   * A reload kept this MASTER (keepalived clear_diff_vrrp after restore_vrrp_state):
   * `addedAddress` says whether the reload installed an address it did not have.
   */
  resumedMaster(addedAddress: boolean): void {
    this.#cancelAll();
    this.#master = true;
    const t = this.#timings;
    if (addedAddress) this.#burst('reload', t.masterRepeat);
    if (t.masterRefreshMs > 0) this.#every('refresh', t.masterRefreshMs, () => this.#burst('refresh', t.masterRefreshRepeat));
    if (t.extraIfIntervalMs > 0) this.#every('extraInterfaces', t.extraIfIntervalMs, () => this.#extraInterfaces());
  }

  /** As MASTER we heard a lower-priority advert (keepalived vrrp_state_master_rx). */
  lowerPriorityAdvert(): void {
    if (!this.#master) return;
    const t = this.#timings;
    if (t.lowerPrioRepeat === 0) return;
    this.#burst('lower-priority', t.lowerPrioRepeat);
    if (t.lowerPrioDelayMs > 0) {
      this.#once('lowerPriorityDelayed', t.lowerPrioDelayMs, () => this.#burst('lower-priority-delayed', this.#timings.lowerPrioRepeat));
    }
  }

  /** The other MASTER went quiet after our answer: announce again, as on becoming MASTER. */
  splitBrainResolved(): void {
    if (!this.#master) return;
    this.#announceAsNewMaster('split-brain');
  }

  /** The instance left MASTER (or is stopping): stop everything, withdraw the queue. */
  leftMaster(): void {
    this.#master = false;
    this.#cancelAll();
    this.#pacer.withdraw(this);
  }

  /** Names of the timers currently running; for status output and tests. */
  pendingTimers(): TimerName[] {
    return [...this.#timers.keys()];
  }

  #announceAsNewMaster(reason: 'master' | 'split-brain'): void {
    const t = this.#timings;
    this.#burst(reason, t.masterRepeat);
    if (t.masterDelayMs > 0) {
      this.#once('masterDelayed', t.masterDelayMs, () => this.#burst('master-delayed', this.#timings.masterRepeat));
    }
  }

  /** keepalived vrrp_send_link_update(vrrp, rep). */
  #burst(reason: BurstReason, repeat: number): void {
    if (!this.#master || repeat <= 0) return;
    const targets = this.#hooks.targets();
    if (targets.length === 0) return;
    for (let j = 0; j < repeat; j++) {
      for (const target of targets) this.#pacer.request(this, target, repeat);
    }
    // Told after the requests (keepalived logs first): the log line must not delay a new
    // MASTER's first GARP, and nothing else happens in between.
    this.#hooks.onBurst?.(reason, targets, repeat);
  }

  /** keepalived vrrp_send_vmac_update: one message per extra interface. */
  #extraInterfaces(): void {
    if (!this.#master) return;
    const targets = this.#hooks.extraTargets();
    if (targets.length === 0) return;
    this.#hooks.onBurst?.('extra-interfaces', targets, 1);
    for (const target of targets) this.#pacer.request(this, target, 1);
  }

  #once(name: TimerName, delayMs: number, run: () => void): void {
    this.#cancel(name);
    this.#timers.set(name, this.#clock.setTimeout(() => {
      this.#timers.delete(name);
      run();
    }, delayMs));
  }

  #every(name: TimerName, periodMs: number, run: () => void): void {
    this.#once(name, periodMs, () => {
      this.#every(name, periodMs, run);
      run();
    });
  }

  #cancel(name: TimerName): void {
    const handle = this.#timers.get(name);
    if (handle === undefined) return;
    this.#clock.clearTimeout(handle);
    this.#timers.delete(name);
  }

  #cancelAll(): void {
    for (const name of [...this.#timers.keys()]) this.#cancel(name);
  }
}

/** A timing that would make the schedule meaningless is a bug in the caller, not input to tolerate. */
export function validateTimings(t: GarpTimings): void {
  const nonNegative: (keyof GarpTimings)[] = ['masterDelayMs', 'masterRefreshMs', 'lowerPrioDelayMs', 'extraIfIntervalMs'];
  for (const k of nonNegative) {
    const v = t[k] as number;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`GARP timing ${k} must be a finite number >= 0 ms, got ${v}`);
  }
  const counts: (keyof GarpTimings)[] = ['masterRepeat', 'masterRefreshRepeat', 'lowerPrioRepeat'];
  for (const k of counts) {
    const v = t[k] as number;
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`GARP timing ${k} must be a whole number >= 0, got ${v}`);
  }
}

/** What the extra-interface selection needs to know about one installed address. */
export interface ExtraInterfaceCandidate extends AnnounceTarget {
  /** The address lives on a VMAC this process created. */
  readonly onOurVmac: boolean;
}

/**
 * keepalived vrrp_send_vmac_update: the first address on each interface other than the
 * instance's own (unless vmac_xmit_base), and only VMACs of ours unless `garp_extra_if all`.
 */
export function extraInterfaceTargets(
  candidates: readonly ExtraInterfaceCandidate[],
  options: { readonly instanceInterface: string; readonly xmitBase: boolean; readonly all: boolean },
): AnnounceTarget[] {
  const seen = new Set<string>();
  const out: AnnounceTarget[] = [];
  for (const c of candidates) {
    if (!c.onOurVmac && !options.all) continue;
    if (c.dev === options.instanceInterface && !options.xmitBase) continue;
    if (seen.has(c.dev)) continue;
    seen.add(c.dev);
    out.push({ address: c.address, family: c.family, dev: c.dev });
  }
  return out;
}
