/**
 * The last milliseconds of the precise timers (systemClock's `precise` setTimeout: a
 * BACKUP's Master_Down_Timer, whose expiry is the failover).
 *
 * Node's timers fire up to about a millisecond late or early: libuv keeps its loop time in
 * whole milliseconds. A precise timer therefore wakes PRECISE_LEAD_MS early on a Node timer
 * and hands its deadline to this stretch, which sleeps, then turns the loop:
 *
 *   sleep   one timerfd (native/src/timerfd.cc), armed SPIN_MS before the earliest deadline
 *           waiting, wakes the event loop; the thread's timer slack (how late the kernel may
 *           deliver a timer to batch wake-ups) goes from 50 µs to 1 µs;
 *   turn    setImmediate turns until performance.now() reaches the deadline. Each turn polls
 *           the sockets first, so an advert that arrives in time still re-arms the timer
 *           instead of losing the race.
 *
 * Why both: waking a sleeping thread took 0.1–0.55 ms on this machine (a VM leaving
 * its idle state; measured with bench/vrrp-failover.ts), so a timerfd alone is late by that
 * much; spinning through loop turns for the whole 2 ms lead, as this code did before, is
 * precise until the scheduler preempts the spinning process for another that wants the CPU —
 * then the advert went out 2–3.6 ms late. A short spin right after a wake-up is both
 * precise and rarely preempted: with 0.75 ms, about one round in ten was still 0.4–1.3 ms
 * late (the spinning process waited for a CPU); with 0.3 ms the worst of ten was 0.3 ms. Only timers within the lead of expiring wait here — in
 * practice the BACKUPs whose MASTER has just gone quiet — so the set is tiny and a linear scan
 * finds the earliest. Without a timerfd (it cannot be made), the turns cover the whole lead.
 *
 * Callbacks run from setImmediate turns, or at once from `add` when the deadline has passed;
 * one that throws propagates like a throwing setImmediate callback's.
 */
import { native, type PollerInstance } from '../../net/native.js';

/** How long before a deadline the timerfd wakes the loop to turn until it, ms. */
const SPIN_MS = 0.3;

/** Timer slack of the event loop's thread once a precise timer has been used, ns. */
const TIMER_SLACK_NS = 1000;

interface Waiting {
  readonly deadline: number;
  readonly run: () => void;
  /** Turning the loop until the deadline (no longer the timerfd's business). */
  turning: boolean;
}

/** A handle for cancel(); opaque to callers. */
export type StretchHandle = object;

export class FinalStretch {
  readonly #waiting = new Set<Waiting>();
  #timer: { readonly fd: number; readonly poller: PollerInstance } | null | undefined;

  /**
   * Runs `run` at `deadline` (performance.now() milliseconds): at once if it has passed,
   * else from the loop turns that follow the timerfd's wake-up (see the module comment).
   */
  add(deadline: number, run: () => void): StretchHandle {
    const waiting: Waiting = { deadline, run, turning: false };
    if (performance.now() >= deadline) {
      run();
      return waiting;
    }
    this.#waiting.add(waiting);
    if (this.#open() && deadline - performance.now() > SPIN_MS) this.#arm();
    else this.#turn(waiting);
    return waiting;
  }

  cancel(handle: StretchHandle): void {
    if (!this.#waiting.delete(handle as Waiting)) return;
    if (this.#timer) this.#arm();
  }

  /** Timers waiting for their deadline now. */
  get size(): number {
    return this.#waiting.size;
  }

  /** The timerfd, made on first use; null when it cannot be (then only loop turns). */
  #open(): boolean {
    if (this.#timer === undefined) {
      try {
        const fd = native.timerfdCreate();
        try {
          native.setTimerSlack(TIMER_SLACK_NS);
        } catch {
          // Only precision is lost.
        }
        const poller = new native.Poller(fd, () => this.#woken());
        poller.start(native.UV_READABLE);
        poller.unref();
        this.#timer = { fd, poller };
      } catch {
        this.#timer = null;
      }
    }
    return this.#timer !== null;
  }

  /**
   * Arms the timerfd SPIN_MS before the earliest deadline not yet turning; keeps the loop
   * alive only while one waits.
   */
  #arm(): void {
    const timer = this.#timer;
    if (!timer) return;
    let earliest = Infinity;
    for (const w of this.#waiting) if (!w.turning) earliest = Math.min(earliest, w.deadline);
    if (earliest === Infinity) {
      native.timerfdSet(timer.fd, 0);
      timer.poller.unref();
      return;
    }
    native.timerfdSet(timer.fd, Math.max(1, (earliest - SPIN_MS - performance.now()) * 1e6));
    timer.poller.ref();
  }

  #woken(): void {
    const timer = this.#timer;
    if (!timer) return;
    native.timerfdRead(timer.fd);
    const soon = performance.now() + SPIN_MS;
    for (const w of this.#waiting) if (!w.turning && w.deadline <= soon) this.#turn(w);
    this.#arm();
  }

  #turn(waiting: Waiting): void {
    waiting.turning = true;
    setImmediate(() => {
      if (!this.#waiting.has(waiting)) return;
      if (performance.now() < waiting.deadline) {
        this.#turn(waiting);
        return;
      }
      this.#waiting.delete(waiting);
      waiting.run();
    });
  }
}
