/**
 * How late this process's event loop runs its timers.
 *
 * keepalived measures this in its scheduler (lib/scheduler.c thread_fetch_next_queue):
 * before each epoll_wait() it knows when its earliest timer is due, and after the
 * wait returns it compares that moment with the monotonic clock. A wake-up well
 * after the deadline means the process was not given the CPU when it needed it
 * (a loaded system, or the process itself stopped) — the case max_auto_priority
 * answers by raising the realtime priority.
 *
 * Node runs its own loop, so we cannot read "the earliest timer" of libuv. The
 * closest measure is a timer of our own whose due time we know: a sentinel
 * re-armed every SENTINEL_PERIOD_MS, and at each firing
 *     lateness = now − (armedAt + period + granularity)
 * on a monotonic clock. This is the same quantity keepalived logs ("A thread timer
 * expired N seconds ago"), measured on the same kind of event (a timer due while
 * the process was not running), reported per event and at once, as keepalived
 * reacts on the very wake-up that was late.
 *
 * perf_hooks.monitorEventLoopDelay() was the other candidate: it runs the same
 * kind of sentinel inside libuv but only exposes a histogram (min/max/percentiles
 * over a window), which would need a second timer to poll it, so the reaction would
 * come up to one polling period after the late wake-up and several late wake-ups
 * would merge into one maximum — whereas keepalived raises one step per late wake.
 *
 * Node timers have a resolution of 1 ms (libuv keeps loop time in whole
 * milliseconds and computes the epoll timeout in ms), so a timer may fire up to
 * about 1 ms after armedAt + period without the loop being late at all
 * (measured here: up to 1.3 ms on an idle machine). keepalived's timerfd is
 * microsecond-exact; to measure the same thing we count lateness only past
 * that millisecond (TIMER_GRANULARITY_US).
 *
 * A stall of length S is always seen as at least S − period − granularity late,
 * so a stall longer than min_auto_priority_delay + period is always caught;
 * shorter ones only when a sentinel was due inside them (keepalived, likewise,
 * only notices a stall during which one of its timers was due). 100 ms costs
 * ten wake-ups of a few microseconds per second.
 *
 * Clock and timers are injected so tests drive the watch with no sleeping.
 */

/** How often the sentinel timer is due, ms. */
export const SENTINEL_PERIOD_MS = 100;

/** Resolution of Node (libuv) timers, µs: firing within it is not lateness. */
export const TIMER_GRANULARITY_US = 1000;

export interface LatenessClock {
  /** Monotonic time, µs (any origin). */
  nowUs(): number;
  /** setTimeout-like; returns a handle for cancel. The handle should not keep the process alive. */
  setTimer(fn: () => void, ms: number): unknown;
  cancelTimer(handle: unknown): void;
}

/** The process's real clock: performance.now() and unref'd setTimeout. */
export const processClock: LatenessClock = {
  nowUs: () => performance.now() * 1000,
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  cancelTimer(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface LatenessWatchOptions {
  readonly clock?: LatenessClock;
  readonly periodMs?: number;
  /** Called at every firing of the sentinel with how late it ran, µs (≤ 0: on time). */
  readonly onSample: (lateUs: number) => void;
}

/** The sentinel timer; start() arms it, stop() cancels it. */
export class LatenessWatch {
  readonly #clock: LatenessClock;
  readonly #periodMs: number;
  readonly #onSample: (lateUs: number) => void;
  #timer: unknown;
  #running = false;

  constructor(opts: LatenessWatchOptions) {
    this.#clock = opts.clock ?? processClock;
    this.#periodMs = opts.periodMs ?? SENTINEL_PERIOD_MS;
    if (!(this.#periodMs > 0)) throw new RangeError(`sentinel period must be positive, got ${this.#periodMs} ms`);
    this.#onSample = opts.onSample;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.cancelTimer(this.#timer);
    this.#timer = undefined;
  }

  get running(): boolean {
    return this.#running;
  }

  #arm(): void {
    const dueUs = this.#clock.nowUs() + this.#periodMs * 1000 + TIMER_GRANULARITY_US;
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      const lateUs = this.#clock.nowUs() - dueUs;
      // Re-arm first: a handler that throws must not end the watch.
      this.#arm();
      this.#onSample(lateUs);
    }, this.#periodMs);
  }
}
