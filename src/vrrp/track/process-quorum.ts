/**
 * The quorum of one vrrp_track_process: how many matching processes run, and
 * whether that is "up" (quorum <= count <= quorum_max), with keepalived's
 * delays (core/track_process.c check_process_fork / check_process /
 * check_process_termination and their timer threads).
 *
 * The rules, as keepalived applies them:
 *   - The count changes one process at a time. Only a change that crosses a
 *     boundary (reaching `quorum`, going above `quorum_max`, or the reverse)
 *     can change the status.
 *   - A process that appears by fork (its parent is already counted) and so
 *     completes the quorum waits `fork_delay` before the quorum counts; one
 *     that appears by exec (a new program) counts at once. This avoids an
 *     up/down bounce when a daemon forks and the parent exits.
 *   - An exit that loses the quorum waits `terminate_delay` (a daemon being
 *     restarted); a process that stops matching because it exec'd or renamed
 *     itself loses it at once.
 *   - While a delay runs, a change back to the current status cancels it (a
 *     restart within terminate_delay is never seen); when it fires, the
 *     status is recomputed from the count at that moment.
 *   - The status changes only when it differs: "Quorum gained for tracked
 *     process NAME" / "Quorum lost for tracked process NAME".
 * Timers are injected (TimerHost), so tests step it without sleeping.
 */
import type { LogPort } from '../../core/log-port.js';
import type { TrackProcessSpec } from './process-match.js';
import type { TimerHandle, TimerHost } from './types.js';

export type AddCause = 'fork' | 'exec';
export type RemoveCause = 'exit' | 'changed';

export class ProcessQuorum {
  private count = 0;
  private up: boolean | undefined;
  private pending: { readonly kind: 'fork' | 'terminate'; readonly handle: TimerHandle } | undefined;
  private readonly quorum: number;
  private readonly quorumMax: number;

  constructor(
    private readonly spec: TrackProcessSpec,
    private readonly timers: TimerHost,
    private readonly log: LogPort,
    /** Called with every status change (not with the first, set by init). */
    private readonly onChange: (up: boolean, count: number) => void,
  ) {
    this.quorum = spec.quorum;
    this.quorumMax = spec.quorumMax ?? Number.POSITIVE_INFINITY;
    if (!Number.isInteger(this.quorum) || this.quorum < 0 || !(this.quorumMax >= this.quorum)) {
      throw new RangeError(`track process ${spec.name}: quorum ${spec.quorum} and quorum_max ${spec.quorumMax} do not make a range`);
    }
  }

  get processes(): number {
    return this.count;
  }

  /** undefined until init(). */
  get hasQuorum(): boolean | undefined {
    return this.up;
  }

  inQuorum(count = this.count): boolean {
    return count >= this.quorum && count <= this.quorumMax;
  }

  /** The first count, from the start-up scan: no delay applies. */
  init(count: number): boolean {
    this.cancel();
    this.count = count;
    this.up = this.inQuorum();
    return this.up;
  }

  added(cause: AddCause): void {
    this.count++;
    if (this.count !== this.quorum && this.count !== this.quorumMax + 1) return;
    if (this.pending?.kind === 'terminate') {
      this.cancel();
    } else if (cause === 'fork' && this.spec.forkDelayMs > 0 && this.inQuorum() !== this.up) {
      this.arm('fork', this.spec.forkDelayMs);
      return;
    }
    this.set(this.inQuorum());
  }

  removed(cause: RemoveCause): void {
    if (this.count === 0) return;
    const before = this.count--;
    if (before !== this.quorum && this.count !== this.quorumMax) return;
    if (this.pending?.kind === 'fork') {
      this.cancel();
    } else if (cause === 'exit' && this.spec.terminateDelayMs > 0 && this.inQuorum() !== this.up) {
      this.arm('terminate', this.spec.terminateDelayMs);
      return;
    }
    this.set(this.inQuorum());
  }

  stop(): void {
    this.cancel();
  }

  private arm(kind: 'fork' | 'terminate', ms: number): void {
    this.cancel();
    const handle = this.timers.setTimeout(() => {
      this.pending = undefined;
      this.set(this.inQuorum());
    }, ms);
    this.pending = { kind, handle };
  }

  private cancel(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.handle);
    this.pending = undefined;
  }

  private set(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.log.info(`Quorum ${up ? 'gained' : 'lost'} for tracked process ${this.spec.name}`);
    this.onChange(up, this.count);
  }
}
