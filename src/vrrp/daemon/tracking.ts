/**
 * The trackers of one configuration generation, and the path from their states to the state
 * machines: tracker → PriorityCalculator → setPriorityAdjustment / setFault, and the
 * "pending" verdict that holds an instance in INIT.
 *
 * What runs is what the plan lists (only trackers something uses): vrrp_scripts
 * (VrrpScriptTracker on the child's script runner), track_files (TrackFileTracker), one
 * ProcessMonitor for every vrrp_track_process, one InterfaceTracker per tracked interface
 * over the live interface table, and a BfdHook fed by the BFD child through the parent.
 * resolveTracking decides which tracker applies to which instance with which weight (its
 * adjustments are logged, as keepalived reports them when it loads a configuration).
 *
 * Order matters at start-up: every tracker is started and its first state fed to the
 * calculator before any state machine starts (the process monitor's first scan is awaited),
 * so an instance starts with its real priority and faults. An instance using an unweighted
 * vrrp_script that has not reported yet is "pending": keepalived keeps it out of the
 * election (num_script_init) until the script's first result, and so does the generation
 * that owns these trackers (it holds the instance in INIT; `onUpdate` tells it when the
 * script reports).
 *
 * A reload builds a new Tracking from the new plan, taking over from the previous one every
 * vrrp_script and track_file whose definition did not change, with its state (keepalived
 * SCRIPT_INIT_STATE_INIT_RELOAD: a reload does not send an instance back to waiting for its
 * scripts), and the process monitor when no vrrp_track_process changed. Interfaces are
 * re-followed from the interface table; BFD sessions keep their last reported state.
 */
import type { LogPort } from '../../core/log-port.js';
import type { ScriptRunner } from '../../core/scripts/runner.js';
import type { VrrpPlan, VrrpPlanDiff } from '../adapter/index.js';
import type { VrrpInstance } from '../fsm/instance.js';
import {
  BfdHook, InterfaceTableLinks, InterfaceTracker, PriorityCalculator, ProcessMonitor, TrackFileTracker, type ProcessMonitorOptions, TrackerSetupError, VrrpScriptTracker,
  resolveTracking, type LinkTable, type Tracker, type TrackerChange, type TrackingResolution, type TrackingResult, type TrackingUpdate,
} from '../track/index.js';

export interface TrackingDeps {
  readonly log: LogPort;
  readonly scripts: ScriptRunner;
  /** The interface table (track_interface follows its links). */
  readonly table: LinkTable;
}

/** What a reload hands over: the previous generation's trackers, and which of them changed. */
export interface TrackingPredecessor {
  readonly tracking: Tracking;
  readonly diff: VrrpPlanDiff['trackers'];
}

export class Tracking {
  readonly resolution: TrackingResolution;
  readonly calculator: PriorityCalculator;
  readonly scripts = new Map<string, VrrpScriptTracker>();
  readonly files = new Map<string, TrackFileTracker>();
  readonly interfaces = new Map<string, InterfaceTracker>();
  readonly bfd: BfdHook;
  processes: ProcessMonitor | undefined;
  readonly #deps: TrackingDeps;
  readonly #links: InterfaceTableLinks;
  readonly #listeners = new Map<Tracker, (c: TrackerChange) => void>();
  /** Trackers taken over from a predecessor: already running, their state is fed at start(). */
  readonly #inherited = new Set<Tracker>();
  #processesInherited = false;
  #onUpdate: ((update: TrackingUpdate) => void) | undefined;
  #stopped = false;

  constructor(plan: VrrpPlan, deps: TrackingDeps, predecessor?: TrackingPredecessor) {
    this.#deps = deps;
    this.resolution = resolveTracking(plan.tracking.instances, plan.tracking.groups);
    for (const message of this.resolution.messages) deps.log.warn(message);
    this.calculator = new PriorityCalculator(this.resolution.instances);
    this.#links = new InterfaceTableLinks(deps.table);
    const before = predecessor?.tracking;
    const kept = (changed: readonly string[] | undefined, name: string): boolean => changed !== undefined && !changed.includes(name);

    for (const spec of plan.trackers.scripts) {
      const old = before && kept(predecessor?.diff.scripts.changed, spec.name) ? before.#handOver(before.scripts, spec.name) : undefined;
      this.#own(this.scripts, spec.name, old ?? new VrrpScriptTracker(spec, deps.scripts, deps.log), old !== undefined);
    }
    for (const spec of plan.trackers.files) {
      const old = before && kept(predecessor?.diff.files.changed, spec.name) ? before.#handOver(before.files, spec.name) : undefined;
      this.#own(this.files, spec.name, old ?? new TrackFileTracker(spec, deps.log, { reload: predecessor !== undefined }), old !== undefined);
    }
    const processDiff = predecessor?.diff.processes;
    const processesUnchanged = processDiff !== undefined && processDiff.added.length + processDiff.removed.length + processDiff.changed.length === 0;
    if (plan.trackers.processes.length > 0) {
      const inherited = before && processesUnchanged ? before.#takeProcesses() : undefined;
      this.processes = inherited ?? new ProcessMonitor(plan.trackers.processes, deps.log, processMonitorOptions(plan));
      this.#processesInherited = inherited !== undefined;
      for (const t of this.processes.trackers.values()) {
        this.#listen(t);
        if (inherited) this.#inherited.add(t);
      }
    }
    for (const spec of plan.trackers.interfaces) {
      this.#own(this.interfaces, spec.name, new InterfaceTracker(spec, this.#links, deps.log), false);
    }
    this.bfd = new BfdHook(plan.trackers.bfds, deps.log);
    for (const [name, t] of this.bfd.trackers) {
      const was = before?.bfd.trackers.get(name)?.current;
      if (was?.status === 'up') t.update(true);
      this.#listen(t);
    }
  }

  /**
   * Starts the trackers and feeds every known state to the calculator; resolves once the
   * process list has been read. A tracker that cannot be set up is logged and left out
   * (keepalived removes it: "Track file directory for X does not exist - removing").
   */
  async start(): Promise<void> {
    for (const t of this.#inherited) if (t.current) this.#changed(t.current);
    for (const [name, t] of this.files) {
      if (this.#inherited.has(t)) continue;
      try {
        t.start();
      } catch (err) {
        if (!(err instanceof TrackerSetupError)) throw err;
        this.#deps.log.error(err.message);
        this.#drop(this.files, name);
      }
    }
    for (const t of this.interfaces.values()) t.start();
    for (const t of this.bfd.trackers.values()) t.start();
    for (const t of this.scripts.values()) if (!this.#inherited.has(t)) t.start();
    if (this.processes && !this.#processesInherited) {
      try {
        await this.processes.start();
      } catch (err) {
        if (!(err instanceof TrackerSetupError)) throw err;
        this.#deps.log.error(err.message);
      }
    }
  }

  /** Changes after start-up, one per instance whose result changed. */
  onUpdate(listener: (update: TrackingUpdate) => void): void {
    this.#onUpdate = listener;
  }

  result(instance: string): TrackingResult | undefined {
    return this.calculator.result(instance);
  }

  /** A BFD session's state from the BFD child (track_bfd). */
  bfdState(name: string, up: boolean): void {
    this.bfd.handle({ name, up });
  }

  /** Stops every tracker still owned (those handed to a successor keep running). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#onUpdate = undefined;
    for (const [tracker, listener] of this.#listeners) {
      tracker.off('change', listener);
      tracker.stop();
    }
    this.#listeners.clear();
    this.processes?.stop();
    this.#links.close();
  }

  #changed(change: TrackerChange): void {
    for (const update of this.calculator.update(change)) this.#onUpdate?.(update);
  }

  #listen(tracker: Tracker): void {
    const listener = (c: TrackerChange): void => this.#changed(c);
    tracker.on('change', listener);
    this.#listeners.set(tracker, listener);
  }

  #own<T extends Tracker>(map: Map<string, T>, name: string, tracker: T, inherited: boolean): void {
    map.set(name, tracker);
    if (inherited) this.#inherited.add(tracker);
    this.#listen(tracker);
  }

  #drop<T extends Tracker>(map: Map<string, T>, name: string): void {
    const t = map.get(name);
    if (!t) return;
    map.delete(name);
    const listener = this.#listeners.get(t);
    if (listener) t.off('change', listener);
    this.#listeners.delete(t);
    t.stop();
  }

  /** Gives the running process monitor to a successor. */
  #takeProcesses(): ProcessMonitor | undefined {
    const monitor = this.processes;
    if (!monitor) return undefined;
    this.processes = undefined;
    for (const t of monitor.trackers.values()) {
      const listener = this.#listeners.get(t);
      if (listener) t.off('change', listener);
      this.#listeners.delete(t);
    }
    return monitor;
  }

  /** Gives one running tracker to a successor: no longer listened to or stopped here. */
  #handOver<T extends Tracker>(map: Map<string, T>, name: string): T | undefined {
    const t = map.get(name);
    if (!t) return undefined;
    map.delete(name);
    const listener = this.#listeners.get(t);
    if (listener) t.off('change', listener);
    this.#listeners.delete(t);
    return t;
  }
}

/**
 * Applies tracking results to state machines: the weight sum as the priority adjustment, and
 * each faulty tracker as a fault source named by its reason ("interface eth0 down"), which is
 * what the FSM reports in its transition and status. New faults are set before old ones are
 * cleared, so an instance never leaves FAULT between two reasons.
 */
export class TrackingApplier {
  /** instance → tracker key → the reason its fault was set under. */
  readonly #faults = new Map<string, Map<string, string>>();

  apply(fsm: VrrpInstance, result: TrackingResult): void {
    fsm.setPriorityAdjustment(result.adjustment);
    let mine = this.#faults.get(fsm.name);
    if (!mine) this.#faults.set(fsm.name, (mine = new Map()));
    const now = new Map(result.faults.map((f) => [f.source, f.reason]));
    for (const [source, reason] of now) {
      if (mine.has(source)) continue;
      mine.set(source, reason);
      fsm.setFault(reason, true);
    }
    for (const [source, reason] of [...mine]) {
      if (now.has(source)) continue;
      mine.delete(source);
      fsm.setFault(reason, false);
    }
  }
}

/** process_monitor_rcv_bufs[_force] → the proc connector socket's settings. */
export function processMonitorOptions(plan: Pick<VrrpPlan, 'netlink'>): ProcessMonitorOptions {
  const s = plan.netlink.processMonitor;
  return s ? { connector: { receiveBufferBytes: s.bytes, forceReceiveBuffer: s.force } } : {};
}
