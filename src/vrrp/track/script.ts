/**
 * vrrp_script: a command run every `interval`, whose exit status, filtered by
 * `rise` and `fall`, says whether the tracked service is up.
 *
 * The counting is keepalived's (vrrp_scheduler.c vrrp_script_child_thread),
 * kept in RiseFallCounter so it can be tested without processes. One counter
 * `result` runs from 0 to rise+fall-1; the script is up when result >= rise:
 *   - down: each success counts up; the rise-th consecutive success turns it
 *     up and jumps the counter to the top (rise+fall-1);
 *   - up: each failure counts down; the fall-th consecutive failure turns it
 *     down and drops the counter to 0; a success in between refills it;
 *   - before the first result (keepalived's "init" state) the counter sits at
 *     rise-1, so the first run decides either way ("one success is enough");
 *   - `init_fail` starts at 0, known down, so `rise` successes are needed.
 * Exit status 0 is a success; any other status, a signal, a timeout or a
 * failure to start is a failure. A script that catches the timeout's SIGTERM
 * and exits is judged by its exit status, as keepalived does.
 *
 * Scheduling: the first run starts at start(), later ones every `intervalMs`
 * measured from the start of the previous timer tick (keepalived arms the
 * next timer before running). TrackedScript guarantees that two runs never
 * overlap: a tick that finds the previous run still going is skipped and
 * logged. A run is killed after `timeoutMs` (default: the interval).
 *
 * Log lines keep keepalived's wording: "Script `chk` now returning 2",
 * "VRRP_Script(chk) succeeded", "VRRP_Script(chk) failed (exited with status 2)",
 * "VRRP_Script(chk) timed_out".
 */
import { EventEmitter } from 'node:events';
import type { LogPort } from '../../core/log-port.js';
import type { ScriptRunner, ScriptToRun } from '../../core/scripts/runner.js';
import { TrackedScript, type TrackedResult } from '../../core/scripts/tracked.js';
import { realTimers, type TimerHandle, type TimerHost, type Tracker, type TrackerChange, type TrackerEvents, type TrackerStatus } from './types.js';

export interface VrrpScriptSpec {
  readonly name: string;
  /** The checked command (see core/scripts checkScript + ScriptUsers). */
  readonly script: ScriptToRun;
  /** ms between runs. */
  readonly intervalMs: number;
  /** ms after which a run is killed; 0 or absent = the interval. */
  readonly timeoutMs?: number;
  readonly rise: number;
  readonly fall: number;
  /** Assume the script is failing until `rise` successes say otherwise. */
  readonly initFail: boolean;
}

/** keepalived's rise/fall counter. Pure. */
export class RiseFallCounter {
  private result: number;
  private initial: boolean;
  private known: TrackerStatus | undefined;

  constructor(
    readonly rise: number,
    readonly fall: number,
    initFail: boolean,
  ) {
    if (!Number.isInteger(rise) || rise < 1 || !Number.isInteger(fall) || fall < 1) {
      throw new RangeError(`rise and fall must be integers >= 1 (got rise ${rise}, fall ${fall})`);
    }
    this.initial = !initFail;
    this.result = initFail ? 0 : rise - 1;
    this.known = initFail ? 'down' : undefined;
  }

  /** up, down, or undefined before the first result (without init_fail). */
  get status(): TrackerStatus | undefined {
    return this.known;
  }

  /** Records one run; returns the new status when it changed (or became known), else undefined. */
  record(success: boolean): TrackerStatus | undefined {
    const top = this.rise + this.fall - 1;
    let changed: TrackerStatus | undefined;
    if (success) {
      if (this.result < this.rise - 1) {
        this.result++;
      } else if (this.result !== top) {
        if (this.result < this.rise) changed = 'up';
        this.result = top;
      }
    } else if (this.result > this.rise) {
      this.result--;
    } else {
      if (this.result === this.rise || this.initial) changed = 'down';
      this.result = 0;
    }
    this.initial = false;
    // At the top of the range with rise == 1 and a known "up", a success changes nothing.
    if (changed !== undefined && changed === this.known) changed = undefined;
    if (changed !== undefined) this.known = changed;
    return changed;
  }
}

type Outcome = { success: boolean; type: 'succeeded' | 'failed' | 'timed_out'; reason?: string };

/** What keepalived would log and count for one run's result. */
function judge(r: Exclude<TrackedResult, { kind: 'skipped' }>): Outcome {
  switch (r.kind) {
    case 'exit':
      return r.code === 0 ? { success: true, type: 'succeeded' } : { success: false, type: 'failed', reason: `exited with status ${r.code}` };
    case 'signal':
      return { success: false, type: 'failed', reason: `due to signal ${r.signal}` };
    case 'timeout':
      return { success: false, type: 'timed_out' };
    case 'error':
      return { success: false, type: 'failed', reason: r.message };
  }
}

export class VrrpScriptTracker extends EventEmitter<TrackerEvents> implements Tracker {
  readonly kind = 'script' as const;
  readonly name: string;
  private readonly counter: RiseFallCounter;
  private readonly tracked: TrackedScript;
  private readonly intervalMs: number;
  private timer: TimerHandle | undefined;
  private running = false;
  private lastExitCode = 0;
  private _current: TrackerChange | undefined;
  /** Settles when the run in flight (if any) has been judged. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    spec: VrrpScriptSpec,
    runner: ScriptRunner,
    private readonly log: LogPort,
    private readonly timers: TimerHost = realTimers,
  ) {
    super();
    if (!(spec.intervalMs > 0)) throw new RangeError(`vrrp_script ${spec.name}: interval must be > 0 ms`);
    this.name = spec.name;
    this.intervalMs = spec.intervalMs;
    this.counter = new RiseFallCounter(spec.rise, spec.fall, spec.initFail);
    this.tracked = new TrackedScript(runner, spec.script, { timeoutMs: spec.timeoutMs || spec.intervalMs }, log);
    if (this.counter.status !== undefined) this._current = { kind: 'script', name: this.name, status: this.counter.status };
  }

  get current(): TrackerChange | undefined {
    return this._current;
  }

  /** Runs and skips so far (from TrackedScript). */
  get counters(): { readonly runs: number; readonly skips: number } {
    return this.tracked.counters;
  }

  /** Starts the schedule; with init_fail, reports "down" at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (this._current) this.emit('change', this._current);
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once the run currently in flight has been judged (for orderly shutdown and tests). */
  settled(): Promise<void> {
    return this.inFlight;
  }

  private tick(): void {
    if (!this.running) return;
    this.timer = this.timers.setTimeout(() => this.tick(), this.intervalMs);
    const runsBefore = this.tracked.counters.runs;
    const judged = this.tracked.run().then((r) => this.onResult(r));
    // A skipped tick leaves the earlier run as the one in flight.
    if (this.tracked.counters.runs !== runsBefore) this.inFlight = judged;
  }

  private onResult(r: TrackedResult): void {
    if (r.kind === 'skipped') return;
    if (r.kind === 'exit') {
      if (r.code !== this.lastExitCode) this.log.info(`Script \`${this.name}\` now returning ${r.code}`);
      this.lastExitCode = r.code;
    }
    const o = judge(r);
    const changed = this.counter.record(o.success);
    if (changed === undefined) return;
    this.log.info(`VRRP_Script(${this.name}) ${o.type}${o.reason ? ` (${o.reason})` : ''}`);
    this._current = { kind: 'script', name: this.name, status: changed };
    if (this.running) this.emit('change', this._current);
  }
}
