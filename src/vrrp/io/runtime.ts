/**
 * The VRRP runtime of one process: every instance and sync group of the vrrp child, sharing
 * one socket pool, one dispatcher, one drop log and one event sink.
 *
 *   const runtime = new VrrpRuntime({ instances: [spec1, spec2], syncGroups: [...], onEvent });
 *   runtime.start();            // bind, open the pooled sockets, start every FSM
 *   runtime.status();           // FSM state, counters, sockets, unicast peer hearing
 *   runtime.stop();             // MASTERs send priority 0, sockets close
 *
 * Data flow (DESIGN.md flow 2): pooled raw socket -> dispatchDatagram (VRID demultiplexing,
 * socket counters) -> InstanceRuntime.deliver -> the FSM's guard ladder (keepalived's stats
 * names) -> state change -> `onEvent` (the actions layer: VIPs, GARP/NA, notify) and the log.
 * Drops from both levels meet in one DropLog.
 *
 * Trackers and the VMAC code reach an instance through `instance(name)`: its `fsm` takes
 * setFault / setPriorityAdjustment, and `setVmac()` moves it to the VMAC's socket.
 *
 * The vrrp child starts instances one by one when it must (`start(plan)`): a reload resumes
 * each kept instance from its old state, and an instance waiting for an unweighted script's
 * first result is held in INIT and started later with `startInstance()`.
 *
 * Start is all-or-nothing for configuration errors (a VRID clash stops what was started and
 * throws); operational problems (missing interface or address, socket refused) are per
 * instance FAULTs that heal by themselves.
 */

import type { LogPort } from '../../core/log-port.js';
import { SyncGroup } from '../fsm/sync-group.js';
import type { StartOptions } from '../fsm/instance.js';
import type { VrrpState } from '../fsm/types.js';
import { dispatchDatagram } from './wire.js';
import { InstanceRuntime, type InstanceRuntimeStatus } from './instance-runtime.js';
import { kernelSocketFactory, type SocketFactory } from './kernel-sockets.js';
import { DropLog, logEvent } from './reporting.js';
import { SocketPool, type PooledSocket } from './socket-pool.js';
import { systemDirectory } from './directory.js';
import type {
  DropRecord, InstanceSpec, InterfaceDirectory, RuntimeClock, RuntimeEvent, SocketCounters,
} from './types.js';
import { systemClock } from './types.js';

export interface SyncGroupSpec {
  readonly name: string;
  readonly members: readonly string[];
  /** After a reload: the group's state before it (keepalived set_previous_sync_group_states). */
  readonly resumeState?: VrrpState;
}

/**
 * How each instance starts: its FSM start options, or `null` to hold it in INIT until
 * `startInstance()` (keepalived holds an instance while an unweighted script has not reported).
 */
export type InstanceStartPlan = (name: string) => StartOptions | null;

export interface VrrpRuntimeOptions {
  readonly instances: readonly InstanceSpec[];
  readonly syncGroups?: readonly SyncGroupSpec[];
  /** Interface indexes and addresses. Default: the system's (if_nametoindex, getifaddrs). */
  readonly directory?: InterfaceDirectory;
  /** Where lines go; nothing is logged without one. */
  readonly log?: LogPort;
  /** Every event, for the actions layer, status and tests. */
  readonly onEvent?: (event: RuntimeEvent) => void;
  /** log_unknown_vrids. */
  readonly logUnknownVrids?: boolean;
  /** vrrp_startup_delay, ms. */
  readonly startupDelayMs?: number;
  /** One drop log line per (instance, reason, sender) per window, ms. Default 10,000. */
  readonly dropLogWindowMs?: number;
  /** Retry period for sockets and bindings that failed, ms. Default 2000. */
  readonly retryMs?: number;
  readonly socketFactory?: SocketFactory;
  readonly clock?: RuntimeClock;
}

export interface SocketStatus {
  readonly id: string;
  readonly open: boolean;
  readonly error?: string;
  readonly vrids: readonly number[];
  readonly instances: readonly string[];
  readonly receiveBufferBytes: number;
  readonly counters: Readonly<SocketCounters>;
}

export interface RuntimeStatus {
  readonly instances: readonly InstanceRuntimeStatus[];
  readonly syncGroups: readonly { readonly name: string; readonly state: string; readonly members: readonly string[] }[];
  readonly sockets: readonly SocketStatus[];
  readonly dropLog: { readonly logged: number; readonly suppressed: number };
}

const silentLog: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class VrrpRuntime {
  readonly pool: SocketPool;
  readonly drops: DropLog;
  readonly #instances = new Map<string, InstanceRuntime>();
  readonly #groups: SyncGroup[] = [];
  readonly #options: VrrpRuntimeOptions;
  readonly #log: LogPort;
  #state: 'created' | 'running' | 'stopped' = 'created';

  constructor(options: VrrpRuntimeOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    const clock = options.clock ?? systemClock;
    const retryMs = options.retryMs ?? 2000;
    this.drops = new DropLog(this.#log, { now: () => clock.now(), windowMs: options.dropLogWindowMs ?? 10_000 });
    this.pool = new SocketPool({
      factory: options.socketFactory ?? kernelSocketFactory,
      clock,
      retryMs,
      onDatagram: (socket, datagram) => dispatchDatagram(socket, datagram, {
        drop: (record) => this.#drop(record, socket),
        unknownVrid: (s, vrid, source) => this.#emit({ type: 'unknownVrid', socket: s.key.link?.name ?? s.id, source, vrid }),
      }),
      onWarning: (message) => this.#log.warn(message),
      onSocketError: (socket, detail) => this.#emit({ type: 'socketError', socket: socket.id, instances: names(socket), detail }),
      onSocketOpened: (socket) => this.#emit({ type: 'socketOpened', socket: socket.id, instances: names(socket) }),
    });
    const directory = options.directory ?? systemDirectory();
    for (const spec of options.instances) {
      const name = spec.params.name;
      if (this.#instances.has(name)) throw new Error(`vrrp_instance ${name} is defined twice`);
      this.#instances.set(name, new InstanceRuntime(spec, {
        pool: this.pool, directory, clock, retryMs,
        emit: (event) => this.#emit(event),
        drop: (record) => this.drops.record(record),
      }));
    }
    const grouped = new Set<string>();
    for (const g of options.syncGroups ?? []) {
      const members = g.members.map((m) => {
        const instance = this.#instances.get(m);
        if (!instance) throw new Error(`vrrp_sync_group ${g.name}: unknown instance ${m}`);
        if (grouped.has(m)) throw new Error(`vrrp_sync_group ${g.name}: instance ${m} is already in another sync group`);
        grouped.add(m);
        return instance.fsm;
      });
      this.#groups.push(new SyncGroup(g.name, members, { emit: (event) => this.#emit(event) }, g.resumeState !== undefined ? { resumeState: g.resumeState } : {}));
    }
  }

  get instances(): InstanceRuntime[] {
    return [...this.#instances.values()];
  }

  instance(name: string): InstanceRuntime | undefined {
    return this.#instances.get(name);
  }

  /**
   * Starts every instance (each with `plan(name)`'s options, or vrrp_startup_delay; a `null`
   * holds that one back); a configuration error undoes the start and throws.
   */
  start(plan?: InstanceStartPlan): void {
    if (this.#state !== 'created') throw new Error(`the VRRP runtime cannot start: it is ${this.#state}`);
    this.#state = 'running';
    const defaults: StartOptions = this.#options.startupDelayMs ? { startupDelayMs: this.#options.startupDelayMs } : {};
    const started: InstanceRuntime[] = [];
    // keepalived vrrp_init_state announces every sync group's BACKUP or FAULT start, in
    // configuration order, before any instance's: settle each group's start state first.
    for (const group of this.#groups) group.startState();
    try {
      for (const instance of this.#instances.values()) {
        const options = plan ? plan(instance.name) : defaults;
        if (options === null) continue;
        instance.start(options);
        started.push(instance);
      }
    } catch (error) {
      for (const instance of started) instance.stop();
      this.pool.close();
      this.#state = 'stopped';
      throw error;
    }
  }

  /** Starts an instance `start()` held back. Throws on a configuration error (a VRID clash). */
  startInstance(name: string, options: StartOptions = {}): void {
    if (this.#state !== 'running') throw new Error(`(${name}) cannot start: the VRRP runtime is ${this.#state}`);
    const instance = this.#instances.get(name);
    if (!instance) throw new Error(`no vrrp_instance ${name}`);
    instance.start(options);
  }

  /** Stops every instance (MASTERs send priority 0) and closes the sockets. */
  stop(): void {
    if (this.#state !== 'running') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopped';
    for (const instance of this.#instances.values()) instance.stop();
    this.pool.close();
  }

  status(): RuntimeStatus {
    return {
      instances: this.instances.map((i) => i.status()),
      syncGroups: this.#groups.map((g) => ({ name: g.name, state: g.state, members: g.members.map((m) => m.name) })),
      sockets: this.pool.sockets.map((s) => ({
        id: s.id, open: s.isOpen, ...(s.error !== undefined ? { error: s.error } : {}),
        vrids: s.vrids, instances: names(s), receiveBufferBytes: s.receiveBufferBytes, counters: { ...s.counters },
      })),
      dropLog: { ...this.drops.totals },
    };
  }

  #drop(record: DropRecord, socket: PooledSocket): void {
    this.drops.record(record);
    this.#options.onEvent?.({ type: 'datagramDropped', socket: socket.id, source: record.source, reason: record.reason as keyof SocketCounters, detail: record.detail });
  }

  #emit(event: RuntimeEvent): void {
    logEvent(this.#log, this.drops, event, { logUnknownVrids: this.#options.logUnknownVrids === true });
    this.#options.onEvent?.(event);
  }
}

function names(socket: PooledSocket): string[] {
  return socket.endpoints.map((e) => e.name);
}
