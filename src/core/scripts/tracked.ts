/**
 * A tracking script (vrrp_script, MISC_CHECK, quorum up/down…) that must
 * never run twice at the same time.
 *
 * keepalived keeps a state per script (IDLE, RUNNING, REQUESTING_TERMINATION,
 * FORCING_TERMINATION) and, when the interval timer fires while a run is
 * still in flight, skips the new run with
 *     Track script NAME is already running, expect idle - skipping run
 * (or "is being timed out"). 2.2.7 logged that line and then ran the script
 * anyway; upstream fixed it in 2025 (commit 94d40e3b "Skip running not idle
 * vrrp scripts"). We skip, as the fix does: requests are neither queued nor
 * coalesced, the next interval simply tries again.
 */
import type { LogPort } from '../log-port.js';
import type { RunOptions, ScriptResult, ScriptRun, ScriptRunner, ScriptToRun } from './runner.js';

export type TrackedResult = ScriptResult | { readonly kind: 'skipped'; readonly reason: 'already running' | 'being timed out' };

export class TrackedScript {
  private current: ScriptRun | undefined;
  private runs = 0;
  private skips = 0;

  constructor(
    private readonly runner: ScriptRunner,
    readonly script: ScriptToRun,
    private readonly options: RunOptions,
    private readonly log: LogPort,
  ) {}

  /** idle, or the state of the run in flight. */
  get state(): 'idle' | ScriptRun['state'] {
    return this.current?.state ?? 'idle';
  }

  get counters(): { readonly runs: number; readonly skips: number } {
    return { runs: this.runs, skips: this.skips };
  }

  /** Runs the script unless a run is still in flight, in which case it is skipped. */
  async run(): Promise<TrackedResult> {
    if (this.current) {
      const reason = this.current.state === 'running' ? 'already running' : 'being timed out';
      this.skips++;
      this.log.info(`Track script ${this.script.name} is ${reason}, expect idle - skipping run`);
      return { kind: 'skipped', reason };
    }
    this.runs++;
    const run = this.runner.run(this.script, this.options);
    this.current = run;
    try {
      return await run.result;
    } finally {
      this.current = undefined;
    }
  }
}
