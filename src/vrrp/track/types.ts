/**
 * The vocabulary shared by VRRP trackers and the priority calculator.
 *
 * A tracker watches one thing (a script's exit status, a file's value, a set
 * of processes, an interface's link, a BFD session) and reports its state as a
 * stream of changes: `{ kind, name, status, value? }`. Trackers know nothing
 * about instances or weights; the calculator (calculator.ts) turns the states
 * of the trackers an instance uses, with that instance's weights, into an
 * effective priority and a fault verdict. That split is keepalived's too
 * (vrrp_track.c keeps per-object state, per-instance `tracking_obj_t` weights).
 *
 * Status meanings, per kind:
 *   script     up = the script is OK (rise successes), down = failed (fall failures)
 *   file       value = the integer in the file (missing file = 0);
 *              status is up when the value is 0 and down otherwise, which is what an
 *              unweighted (`weight 0`) tracker needs; weighted ones use `value`
 *   process    up = the number of matching processes is within quorum..quorum_max;
 *              value = that number
 *   interface  up = the link is up and running (IFF_UP and IFF_RUNNING)
 *   bfd        up = the BFD session is Up
 *
 * Every tracker reports its first known state as a change too, so a consumer
 * needs nothing but the stream; `current` gives the last one for late joiners.
 *
 * Times are milliseconds. Clocks and timers are injected (TimerHost) so the
 * stateful parts can be stepped in tests without sleeping.
 */
import type { EventEmitter } from 'node:events';

export const TRACKER_KINDS = ['interface', 'script', 'file', 'process', 'bfd'] as const;
export type TrackerKind = (typeof TRACKER_KINDS)[number];

export type TrackerStatus = 'up' | 'down';

export interface TrackerChange {
  readonly kind: TrackerKind;
  readonly name: string;
  readonly status: TrackerStatus;
  /** file: the value read; process: the number of matching processes. */
  readonly value?: number;
}

export interface TrackerEvents {
  change: [TrackerChange];
}

/** What every tracker offers. */
export interface Tracker extends EventEmitter<TrackerEvents> {
  readonly kind: TrackerKind;
  readonly name: string;
  /** The last state reported, or undefined while it is not known yet. */
  readonly current: TrackerChange | undefined;
  stop(): void;
}

/** How an instance or sync group uses one tracked object (`track_* { NAME weight W [reverse] }`). */
export interface TrackerWeight {
  readonly kind: TrackerKind;
  readonly name: string;
  /** 0 = FAULT while the object is down (for files: while its value is non-zero). */
  readonly weight: number;
  readonly reverse: boolean;
}

/** A handle returned by TimerHost.setTimeout. */
export type TimerHandle = { readonly id: unknown };

/** Clock and one-shot timers; `realTimers` uses the process's own. */
export interface TimerHost {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: TimerHost = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => ({ id: setTimeout(fn, ms) }),
  clearTimeout: (h) => clearTimeout(h.id as NodeJS.Timeout),
};

/** A tracker that could not be set up (missing directory, unreadable /proc…). */
export class TrackerSetupError extends Error {
  constructor(
    readonly code: 'ETRACKFILEDIR' | 'ETRACKFILE' | 'EPROCSCAN',
    message: string,
  ) {
    super(message);
    this.name = 'TrackerSetupError';
  }
}
