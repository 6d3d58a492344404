/**
 * Effective priority and FAULT, from the states of an instance's trackers —
 * the run-time half of keepalived's tracking (vrrp_track.c
 * initialise_*_tracking_priorities, process_script_update_priority,
 * process_update_track_process_status, vrrp_set_effective_priority;
 * trackers/track_file.c process_update_vrrp_track_file_status). Pure.
 *
 * keepalived keeps a running total and adds or subtracts as each tracker
 * changes; we recompute the sum from the current states, which gives the same
 * numbers and cannot drift. Each tracker, with its weight W and `reverse`
 * (multiplier M = -1, else 1), contributes:
 *
 *   up/down trackers (interface, script, process, bfd)
 *     W = 0   FAULT while down (with reverse: while up)
 *     W > 0   W·M while up, 0 while down
 *     W < 0   W·M while down, 0 while up
 *     (so by default a positive weight raises the priority while up and a
 *     negative one lowers it while down; reverse turns both around)
 *   track_file with value V
 *     W = 0   FAULT while V ≠ 0 (with reverse: while V = 0)
 *     W ≠ 0   S = V·W·M clamped to [-254, 253]; S = -254 (V·W·M < -253) is
 *             a FAULT, anything else is added as is
 *   a script that has not reported yet (no init_fail)
 *     W = 0   "pending": keepalived holds the instance in INIT until it
 *             reports (num_script_init); reported here, not as a FAULT
 *     W ≠ 0   0
 *
 * effective priority = base + Σ contributions, clamped to 1..254; an address
 * owner (base 255) stays 255 whatever its trackers say (its weighted trackers
 * were already dropped by resolve.ts; unweighted ones can still fault it).
 *
 * PriorityCalculator holds the latest state of every tracker and returns,
 * for each change fed to it, the instances whose result changed: priority,
 * the weight sum, the set of faulty trackers, or the set of pending ones.
 */
import { trackerKey, PRIORITY_OWNER, type ResolvedInstance, type ResolvedTracker } from './resolve.js';
import type { TrackerChange, TrackerWeight } from './types.js';

export const PRIORITY_MIN = 1;
export const PRIORITY_MAX_TRACKED = 254;
/** A track_file result at or below this is a FAULT. */
export const FILE_FAULT_STATUS = -254;
const FILE_STATUS_MAX = 253;

export type TrackerEffect =
  | { readonly type: 'weight'; readonly delta: number }
  | { readonly type: 'fault'; readonly reason: string }
  | { readonly type: 'pending' };

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** What one tracker, in the given state, does to one instance. */
export function trackerEffect(t: TrackerWeight, state: TrackerChange | undefined): TrackerEffect {
  const m = t.reverse ? -1 : 1;
  if (t.kind === 'file') {
    const v = state?.value ?? 0;
    if (t.weight === 0) {
      return (v !== 0) !== t.reverse ? { type: 'fault', reason: `tracked file ${t.name} has status ${FILE_FAULT_STATUS}` } : { type: 'weight', delta: 0 };
    }
    const s = clamp(v * t.weight * m, FILE_FAULT_STATUS, FILE_STATUS_MAX);
    return s === FILE_FAULT_STATUS ? { type: 'fault', reason: `tracked file ${t.name} has status ${s}` } : { type: 'weight', delta: s };
  }
  if (state === undefined) return t.weight === 0 ? { type: 'pending' } : { type: 'weight', delta: 0 };
  const up = state.status === 'up';
  if (t.weight === 0) return up === t.reverse ? { type: 'fault', reason: faultReason(t, up) } : { type: 'weight', delta: 0 };
  const applies = t.weight > 0 ? up : !up;
  return { type: 'weight', delta: applies ? t.weight * m : 0 };
}

function faultReason(t: TrackerWeight, up: boolean): string {
  const rev = t.reverse ? ' (reverse)' : '';
  switch (t.kind) {
    case 'interface':
      return `interface ${t.name} ${up ? 'up' : 'down'}${rev}`;
    case 'script':
      return `script ${t.name} ${up ? 'succeeded' : 'failed'}${rev}`;
    case 'process':
      return `tracked process ${t.name} quorum ${up ? 'achieved' : 'not achieved'}${rev}`;
    case 'bfd':
      return `bfd ${t.name} ${up ? 'up' : 'down'}${rev}`;
    case 'file':
      return `tracked file ${t.name}`;
  }
}

export interface TrackerFault {
  /** `${kind}:${name}`, stable: usable as the FSM's fault source. */
  readonly source: string;
  /** For the log: "(VI_1) entering FAULT state (interface eth1 down)". */
  readonly reason: string;
}

export interface TrackingResult {
  /** Effective priority, 1..254, or 255 for an address owner. */
  readonly priority: number;
  /** Σ contributions (keepalived total_priority − base), before clamping. */
  readonly adjustment: number;
  /** Faulty trackers, in configuration order; empty = no FAULT from trackers. */
  readonly faults: readonly TrackerFault[];
  /** Unweighted scripts that have not reported yet (`${kind}:${name}`). */
  readonly pending: readonly string[];
}

export type StateLookup = (t: ResolvedTracker) => TrackerChange | undefined;

/** The result for one instance. Pure. */
export function computeTracking(basePriority: number, trackers: readonly ResolvedTracker[], state: StateLookup): TrackingResult {
  let adjustment = 0;
  const faults: TrackerFault[] = [];
  const pending: string[] = [];
  for (const t of trackers) {
    const e = trackerEffect(t, state(t));
    if (e.type === 'weight') adjustment += e.delta;
    else if (e.type === 'fault') faults.push({ source: trackerKey(t), reason: e.reason });
    else pending.push(trackerKey(t));
  }
  const priority = basePriority === PRIORITY_OWNER ? PRIORITY_OWNER : clamp(basePriority + adjustment, PRIORITY_MIN, PRIORITY_MAX_TRACKED);
  return { priority, adjustment, faults, pending };
}

export function sameResult(a: TrackingResult, b: TrackingResult): boolean {
  return (
    a.priority === b.priority &&
    a.adjustment === b.adjustment &&
    a.faults.length === b.faults.length &&
    a.faults.every((f, i) => f.source === b.faults[i]!.source && f.reason === b.faults[i]!.reason) &&
    a.pending.length === b.pending.length &&
    a.pending.every((p, i) => p === b.pending[i])
  );
}

export interface TrackingUpdate {
  readonly instance: string;
  readonly previous: TrackingResult;
  readonly current: TrackingResult;
}

export class PriorityCalculator {
  private readonly states = new Map<string, TrackerChange>();
  private readonly results = new Map<string, TrackingResult>();
  /** tracker key → instances using it. */
  private readonly users = new Map<string, string[]>();

  constructor(private readonly instances: ReadonlyMap<string, ResolvedInstance>) {
    for (const inst of instances.values()) {
      for (const t of inst.trackers) {
        const key = trackerKey(t);
        const list = this.users.get(key) ?? [];
        list.push(inst.name);
        this.users.set(key, list);
      }
      this.results.set(inst.name, this.compute(inst));
    }
  }

  /** The current result of one instance. */
  result(instance: string): TrackingResult | undefined {
    return this.results.get(instance);
  }

  /** Every tracker (`kind:name`) some instance uses: what must be started. */
  trackerKeys(): string[] {
    return [...this.users.keys()];
  }

  /** Records a tracker's new state; returns the instances whose result changed. */
  update(change: TrackerChange): TrackingUpdate[] {
    const key = trackerKey(change);
    this.states.set(key, change);
    const out: TrackingUpdate[] = [];
    for (const name of this.users.get(key) ?? []) {
      const inst = this.instances.get(name)!;
      const previous = this.results.get(name)!;
      const current = this.compute(inst);
      if (sameResult(previous, current)) continue;
      this.results.set(name, current);
      out.push({ instance: name, previous, current });
    }
    return out;
  }

  private compute(inst: ResolvedInstance): TrackingResult {
    return computeTracking(inst.basePriority, inst.trackers, (t) => this.states.get(trackerKey(t)));
  }
}
