/**
 * The lab: the LAN, two routers, the client and the timeline, put together,
 * with the actions a user (view.ts) or the scripted story (demo.ts) can take.
 *
 * Lifecycle: Lab.create() makes the temp directory and the namespaces,
 * prepares both routers (config, FIFO, tracked file, address monitor) and
 * starts the client; startRouters() starts the daemons. destroy() stops the
 * daemons (orderly, briefly), the client and the monitors, deletes the
 * namespaces (killing anything left inside), removes the temp directory, and
 * checks that none of the pids it started still runs. It is idempotent; if
 * creation fails half-way, destroy() removes what exists.
 *
 * Every action records an 'action' event and opens a failover measurement at
 * that instant (see timeline.ts): the screen and the story then read what
 * actually happened — who became MASTER, when the VIP and the client's ARP
 * moved, how long ping went unanswered — from the timeline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from './client.js';
import { labPrefix, namespacePidsSync } from './cleanup.js';
import { routerFiles, type Implementation, type VrrpSettings } from './config.js';
import { isRunning, made } from './process.js';
import { Router, type DaemonStatus } from './router.js';
import { summarizeFailover, Timeline, type FailoverSummary, type LabEvent } from './timeline.js';
import { ROUTER_NAMES, Topology, type RouterName } from './topology.js';

export interface LabOptions {
  readonly implementations: Readonly<Record<RouterName, Implementation>>;
  readonly vrrp: VrrpSettings;
  /** bin/keepalived of this checkout. */
  readonly tsBinary: string;
}

export type ActionKind = 'crash' | 'stop' | 'start' | 'restart' | 'priority' | 'cable';
export interface LabAction {
  readonly kind: ActionKind;
  readonly router: RouterName;
}

/** The tracked-file values `priority` cycles through: as configured, lowered, raised. */
export const TRACK_CYCLE = [0, -100, 100] as const;

export interface RouterView {
  readonly name: RouterName;
  readonly implementation: Implementation;
  readonly status: DaemonStatus;
  readonly pid?: number;
  readonly vrrpState?: string;
  readonly reportedPriority?: number;
  readonly basePriority: number;
  readonly trackValue: number;
  readonly holdsVip4: boolean;
  readonly holdsVip6: boolean;
  readonly cablePlugged: boolean;
  readonly exitText?: string;
  readonly logTail: readonly string[];
}

export interface Snapshot {
  /** performance.now() of the snapshot. */
  readonly now: number;
  readonly startedAt: number;
  readonly routers: readonly RouterView[];
  readonly client: {
    readonly arpMac?: string;
    readonly arpRouter?: RouterName;
    readonly arpState?: string;
    readonly received: number;
    readonly lost: number;
    readonly outageMs: number;
  };
  readonly failover: FailoverSummary | null;
  readonly events: readonly LabEvent[];
}

export class Lab {
  readonly timeline = new Timeline();
  readonly startedAt = performance.now();
  readonly directory: string;
  readonly topology = new Topology();
  readonly routers: Readonly<Record<RouterName, Router>>;
  readonly client: Client;
  #cables: Record<RouterName, boolean> = { r1: true, r2: true };
  #measurement: { t0: number; cause: string; from?: RouterName } | null = null;
  #destroyed: Promise<void> | null = null;
  #seenInside: number[] = [];

  private constructor(readonly options: LabOptions) {
    this.directory = mkdtempSync(join(tmpdir(), labPrefix()));
    made.directories.add(this.directory);
    const router = (name: RouterName) => new Router(name, options.implementations[name], this.topology,
      routerFiles(this.directory, name), options.vrrp, options.tsBinary, this.timeline);
    this.routers = { r1: router('r1'), r2: router('r2') };
    this.client = new Client(this.topology, this.timeline);
  }

  /** Builds the network and prepares everything; the daemons are not started yet. */
  static async create(options: LabOptions): Promise<Lab> {
    const lab = new Lab(options);
    try {
      await lab.topology.create();
      for (const name of ROUTER_NAMES) await lab.routers[name].prepare();
      lab.client.start();
    } catch (error) {
      await lab.destroy().catch(() => undefined);
      throw error;
    }
    return lab;
  }

  startRouters(): void {
    for (const name of ROUTER_NAMES) this.routers[name].start();
  }

  /** The router whose daemon runs and last reported MASTER. */
  master(): RouterName | undefined {
    return ROUTER_NAMES.find((name) => this.routers[name].running && this.routers[name].vrrpState === 'MASTER');
  }

  note(text: string): void {
    this.timeline.push({ at: performance.now(), kind: 'note', text });
  }

  /** Takes an action; returns its t0 (for reading the failover it causes). */
  async act(action: LabAction): Promise<number> {
    const router = this.routers[action.router];
    const t0 = performance.now();
    const from = this.master();
    const cause = describeAction(action, this.#nextTrackValue(action.router), this.#cables[action.router]);
    this.#measurement = { t0, cause, from };
    this.timeline.push({ at: t0, kind: 'action', router: action.router, text: cause });
    switch (action.kind) {
      case 'crash':
        await router.crash();
        break;
      case 'stop':
        await router.stop();
        break;
      case 'start':
        router.start();
        break;
      case 'restart':
        await router.restart();
        break;
      case 'priority':
        router.setTrackValue(this.#nextTrackValue(action.router));
        break;
      case 'cable':
        this.#cables[action.router] = !this.#cables[action.router];
        await this.topology.setCable(action.router, this.#cables[action.router]);
        break;
    }
    return t0;
  }

  #nextTrackValue(name: RouterName): number {
    const at = TRACK_CYCLE.indexOf(this.routers[name].trackValue as (typeof TRACK_CYCLE)[number]);
    return TRACK_CYCLE[(at + 1) % TRACK_CYCLE.length]!;
  }

  /** The failover since the last action (or since `t0`, from `from`). */
  failover(t0?: number, cause?: string, from?: RouterName): FailoverSummary | null {
    if (t0 !== undefined) return summarizeFailover(this.timeline.events, t0, cause ?? '', from);
    const m = this.#measurement;
    return m ? summarizeFailover(this.timeline.events, m.t0, m.cause, m.from) : null;
  }

  /** Re-reads the kernel's view: the VIPs on each router, the client's ARP entry. */
  async poll(): Promise<void> {
    await Promise.all([...ROUTER_NAMES.map((name) => this.routers[name].poll()), this.client.poll()]);
  }

  snapshot(eventCount = 12): Snapshot {
    const now = performance.now();
    return {
      now,
      startedAt: this.startedAt,
      routers: ROUTER_NAMES.map((name) => {
        const r = this.routers[name];
        return {
          name, implementation: r.implementation, status: r.status, pid: r.pid, vrrpState: r.running ? r.vrrpState : undefined,
          reportedPriority: r.running ? r.reportedPriority : undefined, basePriority: r.basePriority, trackValue: r.trackValue,
          holdsVip4: r.holdsVip4, holdsVip6: r.holdsVip6, cablePlugged: this.#cables[name], exitText: r.exitText,
          logTail: r.logTail.slice(-5),
        };
      }),
      client: {
        arpMac: this.client.arpMac, arpRouter: this.client.arpRouter, arpState: this.client.arpState,
        received: this.client.ping.received, lost: this.client.ping.lost, outageMs: this.client.ping.outageMs(now),
      },
      failover: this.failover(),
      events: this.timeline.events.slice(-eventCount),
    };
  }

  /**
   * Every pid the lab started (daemons, ping, monitors), and every process
   * found inside its namespaces when the teardown began (the daemons' children).
   */
  pids(): number[] {
    return [...new Set([...this.routers.r1.pidsStarted, ...this.routers.r2.pidsStarted, ...this.client.pidsStarted, ...this.#seenInside])];
  }

  /** Removes everything; idempotent. Throws if something could not be removed. */
  destroy(): Promise<void> {
    this.#destroyed ??= this.#teardown();
    return this.#destroyed;
  }

  async #teardown(): Promise<void> {
    this.#seenInside = Object.values(this.topology.namespaces).flatMap(namespacePidsSync);
    await Promise.all(ROUTER_NAMES.map((name) => this.routers[name].dispose().catch(() => undefined)));
    await this.client.dispose().catch(() => undefined);
    const problems: string[] = [];
    await this.topology.destroy().catch((error: Error) => problems.push(error.message));
    rmSync(this.directory, { recursive: true, force: true });
    made.directories.delete(this.directory);
    const alive = this.pids().filter(isRunning);
    if (alive.length) problems.push(`processes still running: ${alive.join(', ')}`);
    if (problems.length) throw new Error(`lab cleanup: ${problems.join('; ')}`);
  }
}

export function describeAction(action: LabAction, nextTrackValue: number, cablePlugged: boolean): string {
  switch (action.kind) {
    case 'crash': return `crash ${action.router}`;
    case 'stop': return `orderly stop of ${action.router}`;
    case 'start': return `start ${action.router}`;
    case 'restart': return `restart ${action.router}`;
    case 'priority': return `${action.router} tracked file → ${nextTrackValue}`;
    case 'cable': return `${cablePlugged ? 'unplug' : 'plug in'} ${action.router}'s cable`;
  }
}
