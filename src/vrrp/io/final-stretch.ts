/**
 * The last milliseconds of the precise timers (systemClock's `precise` setTimeout: a
 * BACKUP's Master_Down_Timer, whose expiry is the failover).
 *
 * Node's timers fire up to about a millisecond late or early: libuv keeps its loop time in
 * whole milliseconds. A precise timer therefore wakes PRECISE_LEAD_MS early on a Node timer
 * and hands its deadline to this stretch: one timerfd (native/src/timerfd.cc), armed for the
 * earliest deadline waiting, wakes the event loop at that nanosecond (plus the kernel's timer
 * slack, 50 µs), as keepalived's own scheduler does. Only timers within the lead of expiring
 * wait here — in practice the BACKUPs whose MASTER has just gone quiet — so the set is tiny
 * and a linear scan finds the earliest.
 *
 * This replaced spinning through setImmediate turns until the deadline: two milliseconds of
 * busy CPU per expiry, and a process that spins is the one the scheduler preempts when
 * another wants the CPU — failover adverts 2–3.6 ms late on a busy 2-CPU machine
 * (bench/vrrp-failover.ts). The turns remain the fallback if a timerfd cannot be made.
 *
 * Callbacks run from the poll phase of the loop, one after the other; if one throws, the
 * others due still run and the first error then propagates like a throwing setTimeout
 * callback's.
 */
import { native, type PollerInstance } from '../../net/native.js';

interface Waiting {
  readonly deadline: number;
  readonly run: () => void;
}

/** A handle for cancel(); opaque to callers. */
export type StretchHandle = object;

export class FinalStretch {
  readonly #waiting = new Set<Waiting>();
  #timer: { readonly fd: number; readonly poller: PollerInstance } | null | undefined;

  /**
   * Runs `run` at `deadline` (performance.now() milliseconds): at once if it has passed,
   * else from the timerfd, or from setImmediate turns when there is no timerfd.
   */
  add(deadline: number, run: () => void): StretchHandle {
    const waiting: Waiting = { deadline, run };
    if (performance.now() >= deadline) {
      run();
      return waiting;
    }
    this.#waiting.add(waiting);
    if (this.#open()) this.#arm();
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

  /** The timerfd, made on first use; null when it cannot be (then setImmediate turns). */
  #open(): boolean {
    if (this.#timer === undefined) {
      try {
        const fd = native.timerfdCreate();
        const poller = new native.Poller(fd, () => this.#expired());
        poller.start(native.UV_READABLE);
        poller.unref();
        this.#timer = { fd, poller };
      } catch {
        this.#timer = null;
      }
    }
    return this.#timer !== null;
  }

  /** Arms the timerfd for the earliest deadline; keeps the loop alive only while one waits. */
  #arm(): void {
    const timer = this.#timer;
    if (!timer) return;
    let earliest = Infinity;
    for (const w of this.#waiting) earliest = Math.min(earliest, w.deadline);
    if (earliest === Infinity) {
      native.timerfdSet(timer.fd, 0);
      timer.poller.unref();
      return;
    }
    native.timerfdSet(timer.fd, Math.max(1, (earliest - performance.now()) * 1e6));
    timer.poller.ref();
  }

  #expired(): void {
    const timer = this.#timer;
    if (!timer) return;
    const now = performance.now();
    const due = [...this.#waiting].filter((w) => w.deadline <= now).sort((a, b) => a.deadline - b.deadline);
    for (const w of due) this.#waiting.delete(w);
    // The callbacks first (a takeover is waiting on them), then the bookkeeping syscalls.
    let failure: { error: unknown } | undefined;
    for (const w of due) {
      try {
        w.run();
      } catch (error) {
        failure ??= { error };
      }
    }
    native.timerfdRead(timer.fd);
    this.#arm();
    if (failure) throw failure.error;
  }

  #turn(waiting: Waiting): void {
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
