/**
 * max_auto_priority and min_auto_priority_delay: a child whose event loop runs
 * late raises its own realtime priority, one step per late wake-up.
 *
 * keepalived 2.2.7 (lib/scheduler.c thread_fetch_next_queue, lib/process.c
 * increment_process_priority and set_process_priorities), every child:
 *   - a wake-up more than min_auto_priority_delay µs (default 1 s) after its
 *     earliest timer was due is logged as "A thread timer expired S.UUUUUU
 *     seconds ago" — whatever max_auto_priority says;
 *   - then, if max_auto_priority is set (1..99; alone 99; 0 and -1 never), the
 *     process moves to SCHED_RR at the lowest realtime priority (1) or, when
 *     already realtime (by *_rt_priority or an earlier step), one above its
 *     current priority, never past max_auto_priority, and logs "Set realtime
 *     priority N". A process started at an rt_priority at or above the maximum
 *     never moves;
 *   - the step that leaves SCHED_OTHER also sets RLIMIT_RTTIME from
 *     *_rlimit_rttime (default 10000 µs), as *_rt_priority would have.
 * The parent logs a NOTICE at start-up when max_auto_priority is 0 (not -1):
 * supervisor.ts.
 *
 * One difference, on purpose: keepalived counts a step as taken even when
 * sched_setscheduler() fails (it logs the failure and then "Set realtime
 * priority N" anyway, and the next step goes one higher). Here a step that
 * fails is logged as the failure only and leaves the priority where it is, so
 * what we log is what the kernel has.
 *
 * AutoPriority is the pure decision (lateness samples in, steps out); the
 * measuring is core/loop-lateness.ts; startAutoPriority joins them for a child.
 */
import { LatenessWatch, type LatenessClock } from '../core/loop-lateness.js';
import type { LogPort } from '../core/log-port.js';

/** sched_get_priority_min(SCHED_RR) on Linux: the first step out of SCHED_OTHER. */
export const RT_PRIORITY_MIN = 1;

export interface AutoPriorityConfig {
  /** max_auto_priority: highest priority a step may reach; 0 or -1 = never step. */
  readonly maxPriority: number;
  /** min_auto_priority_delay, µs: lateness at or under this is not acted on. */
  readonly minDelayUs: number;
  /** The SCHED_RR priority the process already runs at (*_rt_priority), 0 = SCHED_OTHER. */
  readonly startPriority: number;
  /** *_rlimit_rttime, µs: applied by the step that leaves SCHED_OTHER. */
  readonly rlimitRttimeUs: number;
}

/** One step to apply: SCHED_RR at `priority`, and RLIMIT_RTTIME when given. */
export interface PriorityStep {
  readonly priority: number;
  readonly rlimitRttimeUs?: number;
}

export type LatenessDecision =
  | { readonly kind: 'on-time' }
  | { readonly kind: 'late'; readonly message: string; readonly step?: PriorityStep };

export class AutoPriority {
  readonly #cfg: AutoPriorityConfig;
  #current: number;

  constructor(cfg: AutoPriorityConfig) {
    if (!Number.isInteger(cfg.minDelayUs) || cfg.minDelayUs < 1) throw new RangeError(`min_auto_priority_delay must be a positive number of µs, got ${cfg.minDelayUs}`);
    this.#cfg = cfg;
    this.#current = Math.max(0, cfg.startPriority);
  }

  /** The SCHED_RR priority the process runs at as far as we know, 0 = SCHED_OTHER. */
  get currentPriority(): number {
    return this.#current;
  }

  /** What to do about one wake-up that was `lateUs` µs late (≤ 0: on time). */
  observe(lateUs: number): LatenessDecision {
    // keepalived: strictly more than min_auto_priority_delay
    if (!(lateUs > this.#cfg.minDelayUs)) return { kind: 'on-time' };
    const message = `A thread timer expired ${secondsText(lateUs)} seconds ago`;
    const step = this.#nextStep();
    return step ? { kind: 'late', message, step } : { kind: 'late', message };
  }

  /** Records a step the kernel accepted; returns keepalived's log line for it. */
  applied(step: PriorityStep): string {
    this.#current = step.priority;
    return `Set realtime priority ${step.priority}`;
  }

  #nextStep(): PriorityStep | undefined {
    const max = this.#cfg.maxPriority;
    if (max <= 0) return undefined;
    if (this.#current === 0) return { priority: RT_PRIORITY_MIN, rlimitRttimeUs: this.#cfg.rlimitRttimeUs };
    if (this.#current >= max) return undefined;
    return { priority: this.#current + 1 };
  }
}

/** µs → "S.UUUUUU", keepalived's %ld.%6.6ld of a timeval. */
export function secondsText(us: number): string {
  const whole = Math.floor(us);
  return `${Math.floor(whole / 1_000_000)}.${String(whole % 1_000_000).padStart(6, '0')}`;
}

export interface AutoPriorityDeps {
  readonly log: LogPort;
  /** Applies a step (sched_setscheduler, setrlimit); false when the kernel refused (already logged). */
  readonly apply: (step: PriorityStep) => boolean;
  readonly clock?: LatenessClock;
  readonly periodMs?: number;
}

/** Watches the loop and acts on late wake-ups; the caller stops the returned watch. */
export function startAutoPriority(cfg: AutoPriorityConfig, deps: AutoPriorityDeps): LatenessWatch {
  const policy = new AutoPriority(cfg);
  const watch = new LatenessWatch({
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.periodMs !== undefined ? { periodMs: deps.periodMs } : {}),
    onSample(lateUs) {
      const decision = policy.observe(lateUs);
      if (decision.kind === 'on-time') return;
      deps.log.info(decision.message);
      if (decision.step && deps.apply(decision.step)) deps.log.info(policy.applied(decision.step));
    },
  });
  watch.start();
  return watch;
}
