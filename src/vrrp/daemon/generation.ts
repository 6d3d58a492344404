/**
 * One configuration generation of the vrrp child running: the VRRP runtime (state machines
 * and sockets) built from a plan, the actions each instance drives, its trackers and its
 * notify dispatcher, and the one event handler that connects them (DESIGN.md flow 2):
 *
 *   runtime event ─┬─ log (keepalived's words, log-lines.ts; drops through one rate-limited log)
 *                  ├─ InstanceActions.handle       VIPs, routes, rules, GARP/NA
 *                  └─ NotifyDispatcher             notify scripts, FIFO lines, smtp alerts
 *   The log and the dispatcher both go through the process's ReportQueue, which a new MASTER
 *   holds until its first GARPs are out (report-queue.ts); their order never changes.
 *   InstanceActions 'releaseMaster'  → VrrpInstance.releaseMaster (a VIP deleted from outside)
 *   trackers → calculator            → setPriorityAdjustment / setFault (TrackingApplier)
 *   interface table changes          → InstanceRuntime.rebind() when the source address moved
 *
 * Start-up (`start`): trackers first, their results applied to every state machine, then
 * the instances start — each with vrrp_startup_delay's remainder and, after a reload, the
 * state it is resuming — except those still waiting for an unweighted vrrp_script's first
 * result, which are held in INIT and started when it comes (keepalived num_script_init).
 *
 * Notifications follow keepalived: every transition into MASTER, BACKUP or FAULT runs the
 * notify scripts and writes the FIFO line; a reload that leaves an instance or group in the
 * state it had notifies nothing (or, with fifo_write_vrrp_states_on_reload, writes the FIFO
 * line only); STOP is reported by `stop()` for every instance and then every group, in
 * configuration order, as keepalived's notify_shutdown does; a split brain resolved re-fires
 * notify_master (ours, see the FSM's splitBrainResolved).
 *
 * Ends: `stop(release)` is the daemon's shutdown (MASTERs send priority 0 unless -V, which
 * also keeps their addresses); `retire()` is a reload's: the state machines stop silently
 * (no priority 0, no notify, no address removed) and the next generation resumes them.
 */
import type { LogPort } from '../../core/log-port.js';
import type { ChildSettings } from '../../supervisor/ipc.js';
import type { Config } from '../../config/model.js';
import type { InterfaceTable } from '../../net/netlink/index.js';
import type { PlannedInstance, VrrpPlan } from '../adapter/index.js';
import type { InstanceActions } from '../actions/index.js';
import type { StartOptions } from '../fsm/instance.js';
import type { VrrpState } from '../fsm/types.js';
import type { VrrpStats } from '../stats.js';
import {
  DropLog, VrrpRuntime, advertLinkOf, interfaceTableDirectory, type InstanceSpec, type LinkRef, type RuntimeClock, type RuntimeEvent, type SocketFactory,
} from '../io/index.js';
import type { NotifyDispatcher } from '../notify/index.js';
import type { TrackingUpdate } from '../track/index.js';
import { eventLines } from './log-lines.js';
import { ReportQueue } from './report-queue.js';
import { TrackingApplier, type Tracking } from './tracking.js';

/** What a kept instance resumes from (keepalived restore_vrrp_state). */
export interface ResumeState {
  readonly state: VrrpState;
  readonly stats: VrrpStats;
  readonly ahSequence: number;
}

export interface GenerationInput {
  readonly plan: VrrpPlan;
  readonly config: Config;
  readonly log: LogPort;
  /**
   * The process's report queue, which `log` and `notify` go through: a new MASTER holds it
   * until its first GARPs are out (report-queue.ts). Default: one of its own (tests).
   */
  readonly reports?: ReportQueue;
  readonly settings: ChildSettings;
  /** The live interface table: the sockets' directory, and its changes trigger re-binding. */
  readonly table: GenerationTable;
  /** Each instance's actions, registered with the process's VrrpActions. */
  readonly actions: ReadonlyMap<string, InstanceActions>;
  /** VMACs made for instances (use_vmac), by instance. */
  readonly vmacs: ReadonlyMap<string, LinkRef>;
  /** Instances whose actions could not be set up: they stay in FAULT with this reason. */
  readonly setupFaults: ReadonlyMap<string, string>;
  readonly tracking: Tracking;
  readonly notify: NotifyDispatcher;
  /** When the process started (performance.now(), or the test clock): vrrp_startup_delay counts from there. */
  readonly startedAtMs: number;
  /** After a reload: kept instances (by their new name) and sync groups with their old state. */
  readonly resume?: ReadonlyMap<string, ResumeState>;
  readonly groupResume?: ReadonlyMap<string, VrrpState>;
  /** Tests: in-memory sockets and a stepped clock (default: the kernel's and performance.now()). */
  readonly socketFactory?: SocketFactory;
  readonly clock?: RuntimeClock;
}

/** What a generation uses of the interface table. */
export type GenerationTable = Pick<InterfaceTable, 'indexOf' | 'addresses' | 'linkByName' | 'on' | 'off'>;

type Mode = 'created' | 'running' | 'stopping' | 'stopped' | 'retired';

const TABLE_EVENTS = ['addressAdded', 'addressRemoved', 'addressChanged', 'linkAdded', 'linkRemoved', 'linkChanged'] as const;

export class Generation {
  readonly plan: VrrpPlan;
  readonly config: Config;
  readonly runtime: VrrpRuntime;
  readonly tracking: Tracking;
  readonly notify: NotifyDispatcher;
  readonly actions: ReadonlyMap<string, InstanceActions>;
  readonly drops: DropLog;
  /** Instances waiting for an unweighted script's first result. */
  readonly held = new Set<string>();
  readonly #in: GenerationInput;
  readonly #reports: ReportQueue;
  readonly #planned: ReadonlyMap<string, PlannedInstance>;
  readonly #applier = new TrackingApplier();
  readonly #instanceResume: Map<string, ResumeState>;
  readonly #groupResume: Map<string, VrrpState>;
  readonly #onTableChange = (): void => this.#scheduleRebindCheck();
  #rebindCheck: ReturnType<typeof setImmediate> | undefined;
  #mode: Mode = 'created';

  constructor(input: GenerationInput) {
    this.#in = input;
    this.#reports = input.reports ?? new ReportQueue((err) => input.log.error(`while reporting: ${(err as Error).message}`));
    this.plan = input.plan;
    this.config = input.config;
    this.tracking = input.tracking;
    this.notify = input.notify;
    this.actions = input.actions;
    this.#planned = new Map(input.plan.instances.map((p) => [p.name, p]));
    this.#instanceResume = new Map(input.resume ?? []);
    this.#groupResume = new Map(input.groupResume ?? []);
    this.drops = new DropLog(input.log, { now: () => this.#now() });
    this.runtime = new VrrpRuntime({
      instances: input.plan.instances.map((p) => this.#spec(p)),
      syncGroups: input.plan.syncGroups.map((g) => {
        const was = this.#groupResume.get(g.name);
        return { name: g.name, members: g.members, ...(was !== undefined ? { resumeState: was } : {}) };
      }),
      directory: interfaceTableDirectory(input.table),
      logUnknownVrids: input.plan.runtime.logUnknownVrids,
      ...(input.socketFactory ? { socketFactory: input.socketFactory } : {}),
      ...(input.clock ? { clock: input.clock } : {}),
      // No log here: every event is worded by this generation (log-lines.ts).
      onEvent: (event) => this.#onEvent(event),
    });
    for (const [name, actions] of input.actions) {
      actions.on('releaseMaster', (request) => {
        if (this.#mode !== 'running') return;
        input.log.info(`(${name}) ${request.reason}`);
        this.runtime.instance(name)?.fsm.releaseMaster(request.reason);
      });
    }
  }

  get running(): boolean {
    return this.#mode === 'running';
  }

  /** Trackers first, then every instance that is not waiting for a script. Throws on a VRID clash. */
  async start(): Promise<void> {
    await this.tracking.start();
    for (const instance of this.runtime.instances) {
      const fault = this.#in.setupFaults.get(instance.name);
      if (fault !== undefined) instance.fsm.setFault(fault, true);
      const result = this.tracking.result(instance.name);
      if (result) this.#applier.apply(instance.fsm, result);
    }
    this.tracking.onUpdate((u) => this.#trackingChanged(u));
    this.#mode = 'running';
    for (const e of TABLE_EVENTS) this.#in.table.on(e, this.#onTableChange);
    try {
      this.runtime.start((name) => this.#startOptions(name));
    } catch (err) {
      this.#detach();
      this.#mode = 'stopped';
      throw err;
    }
  }

  /** The daemon is stopping: priority 0 from MASTERs (unless -V), STOP notifies, addresses settled. */
  async stop(release: boolean): Promise<void> {
    if (this.#mode === 'stopped' || this.#mode === 'retired') return;
    this.#mode = 'stopping';
    this.#detach();
    // keepalived -V (dont_release_vrrp) skips restore_vrrp_interfaces: no priority 0, addresses kept.
    if (!release) for (const i of this.runtime.instances) i.fsm.stop({ sendPriorityZero: false });
    this.runtime.stop();
    for (const p of this.plan.instances) {
      this.notify.instanceState(p.name, 'STOP', this.runtime.instance(p.name)?.fsm.effectivePriority ?? p.params.priority);
    }
    for (const g of this.plan.syncGroups) this.notify.groupState(g.name, 'STOP');
    await Promise.all([...this.actions.values()].map((a) => a.settled()));
    this.#mode = 'stopped';
  }

  /** What a reload resumes from: every instance's state, counters and AH sequence, every group's state. */
  resumeStates(): { instances: Map<string, ResumeState>; groups: Map<string, VrrpState> } {
    const instances = new Map<string, ResumeState>();
    for (const i of this.runtime.instances) {
      instances.set(i.name, { state: i.fsm.state, stats: { ...i.fsm.stats }, ahSequence: i.fsm.ahSequence });
    }
    const groups = new Map(this.runtime.status().syncGroups.map((g) => [g.name, g.state as VrrpState]));
    return { instances, groups };
  }

  /**
   * A reload removed this instance (keepalived clear_diff_vrrp): a MASTER sends priority 0
   * and its addresses go (its actions see the DELETED transition); it is reported DELETED
   * (FAULT without notify_deleted) unless it was FAULT already and has no notify_deleted.
   */
  async deleteInstance(name: string, reportWhenFault: boolean): Promise<void> {
    const instance = this.runtime.instance(name);
    if (!instance) return;
    const before = instance.fsm.state;
    const priority = instance.fsm.effectivePriority;
    instance.fsm.markDeleted();
    instance.stop();
    if (reportWhenFault || before !== 'FAULT') this.notify.instanceState(name, 'DELETED', priority);
    await this.actions.get(name)?.settled();
  }

  /** A reload replaces this generation: stop silently, keep every address where it is. */
  retire(): void {
    if (this.#mode === 'retired' || this.#mode === 'stopped') return;
    this.#mode = 'retired';
    this.#detach();
    for (const i of this.runtime.instances) i.fsm.stop({ sendPriorityZero: false });
    this.runtime.stop();
  }

  // --- start options ---------------------------------------------------------------------------

  #startOptions(name: string): StartOptions | null {
    const pending = this.tracking.result(name)?.pending ?? [];
    if (pending.length > 0) {
      this.held.add(name);
      // A kept MASTER that must wait again has no business keeping its addresses meanwhile.
      if (this.#instanceResume.get(name)?.state === 'MASTER') void this.actions.get(name)?.net.remove({ force: true });
      this.#in.log.info(`(${name}) waiting for the first result of ${pending.map((k) => k.replace(/^script:/, 'vrrp_script ')).join(', ')}`);
      return null;
    }
    const delay = this.plan.runtime.startupDelayMs - (this.#now() - this.#in.startedAtMs);
    const resume = this.held.has(name) ? undefined : this.#instanceResume.get(name);
    return { ...(delay > 0 ? { startupDelayMs: delay } : {}), ...(resume ? { resume } : {}) };
  }

  #trackingChanged(update: TrackingUpdate): void {
    if (this.#mode !== 'running') return;
    const instance = this.runtime.instance(update.instance);
    if (!instance) return;
    this.#applier.apply(instance.fsm, update.current);
    if (this.held.has(update.instance) && update.current.pending.length === 0) {
      const options = this.#startOptions(update.instance);
      this.held.delete(update.instance);
      this.#instanceResume.delete(update.instance);
      if (options === null) return;
      try {
        this.runtime.startInstance(update.instance, options);
      } catch (err) {
        this.#in.log.error(`(${update.instance}) cannot start: ${(err as Error).message}`);
      }
    }
  }

  // --- events ----------------------------------------------------------------------------------

  #onEvent(event: RuntimeEvent): void {
    if (this.#mode === 'retired' || this.#mode === 'created') return;
    // A new MASTER's addresses go to the kernel first (the netlink batch is sent at once) and
    // the log lines and notifies below wait in the report queue until its first GARPs are
    // out, as keepalived runs notify scripts after its GARPs; their order is unchanged.
    const installFirst = event.type === 'transition' && event.to === 'MASTER';
    if (installFirst) {
      // Held before the actions run: the first GARPs may go out (and log) inside handle().
      let release!: () => void;
      this.#reports.hold(new Promise<void>((resolve) => { release = resolve; }));
      const announced = this.actions.get(event.instance)?.handle(event);
      if (announced) announced.then(release, release);
      else release();
    }
    this.#log(event);
    switch (event.type) {
      case 'transition': {
        if (!installFirst) this.actions.get(event.instance)?.handle(event);
        if (event.to === 'STOP' || event.to === 'DELETED' || event.to === 'INIT' || this.#mode !== 'running') return;
        const resumed = event.cause === 'reload' ? this.#instanceResume.get(event.instance) : undefined;
        this.#instanceResume.delete(event.instance);
        if (resumed?.state === event.to) {
          if (this.plan.notify.writeStatesOnReload) this.notify.announceState('INSTANCE', event.instance, event.to, event.priority);
          return;
        }
        this.notify.instanceState(event.instance, event.to, event.priority);
        return;
      }
      case 'groupTransition': {
        if (event.to !== 'MASTER' && event.to !== 'BACKUP' && event.to !== 'FAULT') return;
        const was = this.#groupResume.get(event.group);
        this.#groupResume.delete(event.group);
        if (was === event.to) {
          if (this.plan.notify.writeStatesOnReload) this.notify.announceState('GROUP', event.group, event.to, 0);
          return;
        }
        this.notify.groupState(event.group, event.to);
        return;
      }
      case 'masterRxLowerPriority':
        this.actions.get(event.instance)?.handle(event);
        this.notify.masterRxLowerPriority(event.instance, event.ourPriority);
        return;
      case 'splitBrainResolved': {
        this.actions.get(event.instance)?.handle(event);
        const fsm = this.runtime.instance(event.instance)?.fsm;
        if (fsm?.state === 'MASTER') this.notify.instanceState(event.instance, 'MASTER', fsm.effectivePriority);
        return;
      }
      case 'priorityChanged':
        this.notify.priorityChanged(event.instance, event.state, event.to);
        return;
      default:
        return;
    }
  }

  #log(event: RuntimeEvent): void {
    const log = this.#in.log;
    if (event.type === 'advertDropped') {
      this.drops.record({ where: event.instance, source: event.source, reason: event.reason, detail: event.detail });
      return;
    }
    if (event.type === 'datagramDropped') {
      this.drops.record({ where: event.socket, source: event.source, reason: event.reason, detail: event.detail });
      return;
    }
    const lines = eventLines(event, {
      logDetail: this.#in.settings.logDetail,
      logUnknownVrids: this.plan.runtime.logUnknownVrids,
      status: (name) => this.runtime.instance(name)?.fsm.status(),
      stateBeforeReload: (name) => this.#instanceResume.get(name)?.state,
      addressCounts: (name) => {
        const d = this.#planned.get(name)?.definition;
        return { vips: d?.vips.length ?? 0, evips: d?.evips.length ?? 0 };
      },
      keepAddressesOnStop: !this.#in.settings.releaseOnStop,
      releaseVips: this.#in.settings.releaseVipsOnSignal,
    });
    for (const line of lines) {
      if (line.rateLimitKey !== undefined) this.drops.note(line.rateLimitKey, line.text, line.level);
      else if (line.level === 'warn') log.warn(line.text);
      else log.info(line.text);
    }
  }

  // --- interfaces ------------------------------------------------------------------------------

  #scheduleRebindCheck(): void {
    if (this.#rebindCheck !== undefined || this.#mode !== 'running') return;
    // Coalesce a burst of netlink notifications (a VIP batch, a link flap) into one check.
    this.#rebindCheck = setImmediate(() => {
      this.#rebindCheck = undefined;
      if (this.#mode === 'running') this.#rebindMoved();
    });
  }

  /** Instances whose interface or source address is no longer what they are bound to. */
  #rebindMoved(): void {
    const directory = interfaceTableDirectory(this.#in.table);
    for (const instance of this.runtime.instances) {
      const status = instance.status();
      if (status.state === 'INIT' || status.state === 'STOP' || status.state === 'DELETED') continue;
      const planned = this.#planned.get(instance.name);
      if (!planned) continue;
      const links = instance.links;
      const link = advertLinkOf(links);
      let expected = planned.transport.sourceAddress;
      if (expected === undefined) {
        const from = planned.params.family === 'inet' ? links.configured : link;
        expected = from ? directory.primaryAddress(from.index, planned.params.family) : undefined;
      }
      const moved = status.bindError !== undefined || expected !== status.source || link?.index !== status.link?.index || link?.name !== status.link?.name;
      if (moved) instance.rebind();
    }
  }

  #detach(): void {
    for (const e of TABLE_EVENTS) this.#in.table.off(e, this.#onTableChange);
    if (this.#rebindCheck !== undefined) clearImmediate(this.#rebindCheck);
    this.#rebindCheck = undefined;
    this.tracking.onUpdate(() => undefined);
  }

  #now(): number {
    return this.#in.clock ? this.#in.clock.now() : performance.now();
  }

  #spec(p: PlannedInstance): InstanceSpec {
    const t = p.transport;
    const vmac = this.#in.vmacs.get(p.name);
    return {
      params: p.params,
      transport: {
        ...(t.interface !== undefined ? { interface: t.interface } : {}),
        ...(vmac ? { vmac } : {}),
        vmacXmitBase: t.vmacXmitBase,
        ...(t.multicastGroup !== undefined ? { multicastGroup: t.multicastGroup } : {}),
        ...(t.sourceAddress !== undefined ? { sourceAddress: t.sourceAddress } : {}),
        ...(t.unicastTtl !== undefined ? { unicastTtl: t.unicastTtl } : {}),
        unicastFaultNoPeer: t.unicastFaultNoPeer,
        ...(t.kernelRxBufSize !== undefined ? { kernelRxBufSize: t.kernelRxBufSize } : {}),
        ...(t.receiveBuffer !== undefined ? { receiveBuffer: t.receiveBuffer } : {}),
      },
    };
  }
}
