/**
 * vrrp_track_process: counts the processes matching each tracker and reports
 * whether each count is within its quorum.
 *
 * One ProcessMonitor serves every vrrp_track_process, as in keepalived
 * (core/track_process.c): one /proc scan at start, then one stream of kernel
 * events for all of them. It remembers only the processes that match some
 * tracker (pid → trackers), like keepalived's process tree.
 *
 * Two ways of following changes:
 *   - events (keepalived's way): a ProcEventSource (the netlink proc
 *     connector, proc-connector.ts) delivers fork, exec, comm and exit
 *     events, handled strictly in order: a fork of a counted process counts
 *     the child for the same trackers ("fork" cause: fork_delay applies); an
 *     exec re-reads the process and adds or removes it; a comm change
 *     re-matches the name-based trackers; an exit removes it. When events
 *     were lost (ENOBUFS), /proc is rescanned one second later.
 *   - rescans: without an event source, or when it cannot be opened or never
 *     acknowledges the subscription, /proc is rescanned every
 *     `rescanIntervalMs` (default 1 s) and the difference applied, removals
 *     first: a vanished pid (or one reused by a new process) is an exit, a
 *     process that no longer matches is a change, a new match is an exec —
 *     or a fork when its parent is counted for the same tracker. One log line
 *     says that this fallback is in use and why.
 * The per-tracker quorum rules and delays are in process-quorum.ts.
 */
import { EventEmitter } from 'node:events';
import type { LogPort } from '../../core/log-port.js';
import type { ProcEvent } from './proc-connector.js';
import type { ProcConnectorOptions } from './proc-connector-socket.js';
import { matchRule, processMatches, ruleWarnings, type MatchRule, type ProcessInfo, type TrackProcessSpec } from './process-match.js';
import { ProcessQuorum, type AddCause, type RemoveCause } from './process-quorum.js';
import { ProcFs, type ProcReader } from './process-scan.js';
import { realTimers, TrackerSetupError, type TimerHandle, type TimerHost, type Tracker, type TrackerChange, type TrackerEvents } from './types.js';

export interface ProcEventHandlers {
  event(e: ProcEvent): void;
  /** Events were lost: the counts must be checked against /proc. */
  lost(reason: string): void;
  /** The source is dead: follow changes by rescanning from now on. */
  failed(reason: string): void;
}

/** A source of kernel process events (the netlink proc connector). */
export interface ProcEventSource {
  /** Opens and subscribes; throws an Error whose message says why when it cannot. */
  open(handlers: ProcEventHandlers): void;
  close(): void;
}

export interface ProcessMonitorOptions {
  readonly timers?: TimerHost;
  /** Where processes are read from (tests use a fake). */
  readonly proc?: ProcReader;
  /**
   * Kernel events. Default: the netlink proc connector (proc-connector-socket.ts, loaded
   * on start so that a missing native addon only means rescans); null = always rescan.
   */
  readonly events?: ProcEventSource | null;
  /** Why there is no event source (with events: null), for the fallback log line. */
  readonly noEventsReason?: string;
  /** Settings of the default proc connector socket (process_monitor_rcv_bufs[_force]). */
  readonly connector?: ProcConnectorOptions;
  /** Rescan period without events, ms (default 1000). */
  readonly rescanIntervalMs?: number;
  /** How long to wait for the connector's acknowledgement, ms (default 500). */
  readonly ackTimeoutMs?: number;
  /** Delay of the rescan after lost events, ms (keepalived: 1 s). */
  readonly lostRescanDelayMs?: number;
}

/** One vrrp_track_process's view: a Tracker of kind 'process'. */
export class ProcessTracker extends EventEmitter<TrackerEvents> implements Tracker {
  readonly kind = 'process' as const;
  private _current: TrackerChange | undefined;
  constructor(readonly name: string) {
    super();
  }
  get current(): TrackerChange | undefined {
    return this._current;
  }
  /** Called by the monitor. */
  report(up: boolean, count: number): void {
    this._current = { kind: 'process', name: this.name, status: up ? 'up' : 'down', value: count };
    this.emit('change', this._current);
  }
  stop(): void {
    // The monitor owns the scanning; stopping one view stops nothing else.
  }
}

interface Entry {
  readonly spec: TrackProcessSpec;
  readonly rule: MatchRule;
  readonly quorum: ProcessQuorum;
  readonly tracker: ProcessTracker;
}

interface Known {
  startTime: number | undefined;
  readonly entries: Set<Entry>;
}

export type MonitorMode = 'idle' | 'events' | 'rescan';

export class ProcessMonitor {
  readonly trackers: ReadonlyMap<string, ProcessTracker>;
  private readonly entries: Entry[];
  private readonly known = new Map<number, Known>();
  private readonly timers: TimerHost;
  private readonly proc: ProcReader;
  private readonly needCmdline: boolean;
  private _mode: MonitorMode = 'idle';
  private rescanTimer: TimerHandle | undefined;
  private ackTimer: TimerHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private source: ProcEventSource | undefined;
  private noSourceReason: string | undefined;

  constructor(
    specs: readonly TrackProcessSpec[],
    private readonly log: LogPort,
    private readonly options: ProcessMonitorOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.proc = options.proc ?? new ProcFs();
    const trackers = new Map<string, ProcessTracker>();
    this.entries = specs.map((spec) => {
      if (trackers.has(spec.name)) throw new RangeError(`vrrp_track_process ${spec.name} given twice`);
      for (const w of ruleWarnings(spec)) log.warn(w);
      const tracker = new ProcessTracker(spec.name);
      trackers.set(spec.name, tracker);
      const quorum = new ProcessQuorum(spec, this.timers, log, (up, count) => tracker.report(up, count));
      return { spec, rule: matchRule(spec), quorum, tracker };
    });
    this.trackers = trackers;
    this.needCmdline = this.entries.some((e) => e.rule.fullCommand);
  }

  get mode(): MonitorMode {
    return this._mode;
  }

  /** Matching processes now counted, per tracker. */
  counts(): Map<string, number> {
    return new Map(this.entries.map((e) => [e.spec.name, e.quorum.processes]));
  }

  /**
   * Subscribes to events, then scans /proc (every tracker reports its first state), as
   * keepalived does: events that arrive during the scan wait in the queue and are applied
   * after it (counting is per pid, so one seen twice is not counted twice). Falls back to
   * rescans when there are no events. Throws TrackerSetupError if /proc cannot be read.
   */
  async start(): Promise<void> {
    if (this._mode !== 'idle' || this.entries.length === 0) return;
    await this.resolveSource();
    if (this.stopped) return;
    let scanned!: () => void;
    this.queue = new Promise<void>((resolve) => (scanned = resolve));
    this.followChanges();
    try {
      await this.initialScan();
    } catch (err) {
      this.stop();
      throw new TrackerSetupError('EPROCSCAN', `track_process: cannot read the process list: ${(err as Error).message}`);
    } finally {
      scanned();
    }
  }

  private async resolveSource(): Promise<void> {
    if (this.options.events !== undefined) {
      this.source = this.options.events ?? undefined;
      return;
    }
    try {
      const { ProcConnectorSource } = await import('./proc-connector-socket.js');
      this.source = new ProcConnectorSource(this.log, this.options.connector);
    } catch (err) {
      this.noSourceReason = `native socket addon unavailable: ${(err as Error).message}`;
    }
  }

  private async initialScan(): Promise<void> {
    const procs = await this.proc.scan(this.needCmdline);
    if (this.stopped) return;
    for (const p of procs.values()) {
      const entries = new Set(this.entries.filter((e) => processMatches(e.rule, p)));
      if (entries.size > 0) this.known.set(p.pid, { startTime: p.startTime, entries });
    }
    for (const e of this.entries) {
      let n = 0;
      for (const k of this.known.values()) if (k.entries.has(e)) n++;
      e.tracker.report(e.quorum.init(n), n);
    }
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    if (this.rescanTimer) this.timers.clearTimeout(this.rescanTimer);
    if (this.ackTimer) this.timers.clearTimeout(this.ackTimer);
    this.rescanTimer = this.ackTimer = undefined;
    for (const e of this.entries) e.quorum.stop();
    this._mode = 'idle';
  }

  /** Resolves when every event and rescan queued so far has been applied. */
  settled(): Promise<void> {
    return this.queue;
  }

  private followChanges(): void {
    const source = this.source;
    if (!source) {
      this.fallBack(this.noSourceReason ?? this.options.noEventsReason ?? 'no event source');
      return;
    }
    let acknowledged = false;
    try {
      source.open({
        event: (e) => {
          if (e.type === 'ack') {
            acknowledged = true;
            if (this.ackTimer) this.timers.clearTimeout(this.ackTimer);
            this.ackTimer = undefined;
            return;
          }
          this.enqueue(() => this.onEvent(e));
        },
        lost: (reason) => {
          this.log.info(`track_process: ${reason} - rescanning processes`);
          this.scheduleRescan(this.options.lostRescanDelayMs ?? 1000, false);
        },
        failed: (reason) => {
          source.close();
          this.fallBack(reason);
        },
      });
    } catch (err) {
      this.fallBack((err as Error).message);
      return;
    }
    this._mode = 'events';
    this.ackTimer = this.timers.setTimeout(() => {
      this.ackTimer = undefined;
      if (acknowledged || this.stopped) return;
      source.close();
      this.fallBack('the kernel did not acknowledge the process events subscription (CONFIG_PROC_EVENTS?)');
    }, this.options.ackTimeoutMs ?? 500);
  }

  private fallBack(reason: string): void {
    if (this.stopped) return;
    const every = this.options.rescanIntervalMs ?? 1000;
    this.log.info(`track_process: process events are not available (${reason}); rescanning /proc every ${every} ms instead`);
    this._mode = 'rescan';
    // Events may have been missed while we found out.
    this.scheduleRescan(0, true);
  }

  private scheduleRescan(ms: number, periodic: boolean): void {
    if (this.stopped) return;
    if (this.rescanTimer) this.timers.clearTimeout(this.rescanTimer);
    this.rescanTimer = this.timers.setTimeout(() => {
      this.rescanTimer = undefined;
      this.enqueue(async () => {
        await this.rescan();
        if (periodic && this._mode === 'rescan') this.scheduleRescan(this.options.rescanIntervalMs ?? 1000, true);
      });
    }, ms);
  }

  private enqueue(job: () => Promise<void> | void): void {
    this.queue = this.queue.then(job).catch((err: unknown) => {
      this.log.error(`track_process: ${(err as Error).message}`);
    });
  }

  private add(pid: number, e: Entry, cause: AddCause, startTime: number | undefined): void {
    let k = this.known.get(pid);
    if (!k) {
      k = { startTime, entries: new Set() };
      this.known.set(pid, k);
    }
    if (k.entries.has(e)) return;
    k.entries.add(e);
    e.quorum.added(cause);
  }

  private remove(pid: number, e: Entry, cause: RemoveCause): void {
    const k = this.known.get(pid);
    if (!k || !k.entries.delete(e)) return;
    if (k.entries.size === 0) this.known.delete(pid);
    e.quorum.removed(cause);
  }

  private async onEvent(e: ProcEvent): Promise<void> {
    if (this.stopped) return;
    switch (e.type) {
      case 'fork': {
        if (e.childPid !== e.childTgid) return; // a new thread
        const parent = this.known.get(e.parentTgid);
        if (!parent) return;
        for (const entry of [...parent.entries]) this.add(e.childTgid, entry, 'fork', undefined);
        return;
      }
      case 'exec': {
        if (e.pid !== e.tgid) return;
        const p = await this.proc.read(e.tgid, this.needCmdline);
        if (!p) return; // gone already: its exit event follows
        this.rematch(p, this.entries, p.startTime);
        return;
      }
      case 'comm': {
        if (e.pid !== e.tgid) return;
        const byName = this.entries.filter((x) => !x.rule.fullCommand);
        const k = this.known.get(e.tgid);
        const p: ProcessInfo = { pid: e.tgid, ppid: 0, comm: e.comm, state: 'R', startTime: 0 };
        this.rematch(p, byName, k?.startTime);
        return;
      }
      case 'exit': {
        if (e.pid !== e.tgid) return;
        const k = this.known.get(e.tgid);
        if (!k) return;
        for (const entry of [...k.entries]) this.remove(e.tgid, entry, 'exit');
        return;
      }
      default:
        return;
    }
  }

  /** Adds or removes one process for the given trackers after an exec or a rename. */
  private rematch(p: ProcessInfo, entries: readonly Entry[], startTime: number | undefined): void {
    const k = this.known.get(p.pid);
    if (k && k.startTime === undefined) k.startTime = startTime;
    for (const e of entries) {
      const had = k?.entries.has(e) ?? false;
      const now = processMatches(e.rule, p);
      if (now && !had) this.add(p.pid, e, 'exec', startTime);
      else if (!now && had) this.remove(p.pid, e, 'changed');
    }
  }

  /** Applies the difference between what we count and what /proc shows now. */
  private async rescan(): Promise<void> {
    if (this.stopped) return;
    const procs = await this.proc.scan(this.needCmdline);
    if (this.stopped) return;
    // Removals first, so a restarted daemon is an exit then a start, never a count above quorum_max.
    for (const [pid, k] of [...this.known]) {
      const p = procs.get(pid);
      const reused = p !== undefined && k.startTime !== undefined && p.startTime !== k.startTime;
      for (const e of [...k.entries]) {
        if (!p || reused || p.state === 'Z') this.remove(pid, e, 'exit');
        else if (!processMatches(e.rule, p)) this.remove(pid, e, 'changed');
      }
      if (p && !reused) {
        const still = this.known.get(pid);
        if (still) still.startTime = p.startTime;
      }
    }
    // Parents start before their children: additions in start-time order can see the parent counted.
    const fresh = [...procs.values()].sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
    for (const p of fresh) {
      for (const e of this.entries) {
        if (this.known.get(p.pid)?.entries.has(e) || !processMatches(e.rule, p)) continue;
        const cause: AddCause = this.known.get(p.ppid)?.entries.has(e) ? 'fork' : 'exec';
        this.add(p.pid, e, cause, p.startTime);
      }
    }
  }
}
