/**
 * The VRRP child process: the Subsystem (src/supervisor/subsystem.ts) that the child
 * runtime runs for role 'vrrp'. It owns the process-wide parts (assembly.ts) and the
 * current configuration generation (generation.ts), and answers the runtime's calls:
 *
 *   start    open the interface table, plan the configuration (errors: exit code 2, which
 *            the parent treats as permanent), open the actions layer and install the
 *            statics, register every instance, clear the addresses a previous run left,
 *            start trackers, then the state machines;
 *   reload   plan the new configuration and apply the difference (reload.ts); a plan that
 *            cannot be made leaves everything running as it was and reports why;
 *   dumps    keepalived.data, keepalived.stats (STATS_CLEAR zeroes the counters after
 *            writing them) and keepalived.json, rendered from a snapshot (snapshot.ts);
 *   query    status and counters for the control API (status.ts);
 *   onRelay  BFD session states for track_bfd;
 *   stop     keepalived's shutdown: trackers stop, MASTERs send priority 0 and release their
 *            addresses (neither with -V), STOP is notified for every instance then every
 *            group, statics, VMACs (kept with -V) and the nftables table go, notify scripts
 *            get up to a second to finish (keepalived's shutdown timer), the FIFOs close.
 *            The runtime calls it for a stop from the parent, for SIGTERM/SIGINT and when the
 *            parent is gone (the IPC channel closed: keepalived's PDEATHSIG), so all three
 *            are the same orderly stop.
 */
import type { Config } from '../../config/model.js';
import type { DiffEntry } from '../../supervisor/config-diff.js';
import type { ApplyReport, QueryKind, RelayEvent } from '../../supervisor/ipc.js';
import { ChildStartError, type Subsystem, type SubsystemContext } from '../../supervisor/subsystem.js';
import { renderVrrpData, renderVrrpJson, renderVrrpStats } from '../dump/index.js';
import { InstanceConfigError } from '../fsm/timers.js';
import { VridConflictError } from '../io/index.js';
import { newVrrpStats } from '../stats.js';
import { PlanRefusedError, asConfig, clearLeftovers, closeVrrpProcess, notifyDispatcher, openVrrpProcess, registerInstances, type VrrpProcess } from './assembly.js';
import { Generation } from './generation.js';
import { reloadGeneration } from './reload.js';
import { ReportQueue } from './report-queue.js';
import { buildSnapshot } from './snapshot.js';
import { vrrpStats, vrrpStatus } from './status.js';
import { Tracking } from './tracking.js';

/** keepalived waits a second after notify_shutdown before it exits; STOP scripts get that long. */
const STOP_SCRIPTS_GRACE_MS = 1000;
/** Time for a FIFO's reading script to take the STOP lines before the FIFO closes. */
const FIFO_DRAIN_MS = 100;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class VrrpSubsystem implements Subsystem {
  #process: VrrpProcess | undefined;
  #generation: Generation | undefined;
  #config: Config | undefined;
  #stopped = false;

  async start(part: unknown, ctx: SubsystemContext): Promise<void> {
    const config = asConfig(part);
    const reports = new ReportQueue((err) => ctx.log.error(`while reporting: ${(err as Error).message}`));
    const log = reports.log(ctx.log);
    const { process: p, plan } = await openVrrpProcess(config, { log, reports, settings: ctx.settings, scripts: ctx.scripts });
    try {
      const registered = await registerInstances(p.opened.actions, plan, log);
      await clearLeftovers(registered, plan, log, ctx.settings.logDetail);
      const generation = new Generation({
        plan, config, log, reports, settings: ctx.settings, table: p.table,
        actions: registered.actions, vmacs: registered.vmacs, setupFaults: registered.faults,
        tracking: new Tracking(plan, { log, scripts: ctx.scripts, table: p.table }),
        notify: notifyDispatcher(plan, p), startedAtMs: p.startedAtMs,
      });
      this.#generation = generation;
      this.#process = p;
      this.#config = config;
      if (plan.runtime.startupDelayMs > 0) log.info(`Delaying startup for ${plan.runtime.startupDelayMs / 1000} seconds`);
      await generation.start();
    } catch (err) {
      this.#generation?.tracking.stop();
      this.#generation = undefined;
      this.#process = undefined;
      await p.opened.actions.stop().catch(() => undefined);
      await closeVrrpProcess(p);
      if (err instanceof InstanceConfigError || err instanceof VridConflictError) throw new ChildStartError(`VRRP child: ${err.message}`, 2);
      throw err;
    }
  }

  async reload(part: unknown, _diff: readonly DiffEntry[]): Promise<ApplyReport> {
    const generation = this.#generation;
    const p = this.#process;
    if (!generation || !p || this.#stopped) return { applied: [], failed: ['VRRP is not running'] };
    let config: Config;
    try {
      config = asConfig(part);
    } catch (err) {
      return { applied: [], failed: [(err as Error).message] };
    }
    try {
      const result = await reloadGeneration(generation, config, p);
      this.#generation = result.generation;
      this.#config = config;
      return result.report;
    } catch (err) {
      // The plan could not be made: nothing was touched, the running configuration stays.
      if (err instanceof PlanRefusedError) return { applied: [], failed: [...err.errors] };
      throw err;
    }
  }

  dumpData(): string {
    return renderVrrpData(this.#snapshot());
  }

  dumpStats(clear: boolean): string {
    const text = renderVrrpStats(this.#snapshot());
    if (clear) for (const i of this.#generation?.runtime.instances ?? []) Object.assign(i.fsm.stats, newVrrpStats());
    return text;
  }

  dumpJson(): unknown {
    const version = this.#config?.global.jsonVersion === 2 ? 2 : 1;
    // keepalived writes nothing without instances; an empty array keeps the file valid JSON.
    return renderVrrpJson(this.#snapshot(), version) ?? '[]\n';
  }

  query(what: QueryKind): unknown {
    const g = this.#running();
    switch (what) {
      case 'status':
        return vrrpStatus(g);
      case 'stats':
        return vrrpStats(g);
      case 'data':
        return this.#snapshot();
    }
  }

  onRelay(event: RelayEvent): void {
    if (event.kind === 'bfd-state') this.#generation?.tracking.bfdState(event.instance, event.state === 'up');
  }

  async stop(release: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const g = this.#generation;
    const p = this.#process;
    if (g) {
      g.tracking.stop();
      await g.stop(release);
    }
    if (!p) return;
    try {
      await p.opened.actions.stop();
    } catch (err) {
      p.log.error(`while releasing addresses, VMACs and the firewall: ${(err as Error).message}`);
    }
    const started = performance.now();
    if (g) await Promise.race([g.notify.settled(), delay(STOP_SCRIPTS_GRACE_MS)]);
    const readers = p.fifos.fifos.some((f) => f.scriptPid !== undefined);
    const drained = performance.now() - started;
    if (readers && drained < FIFO_DRAIN_MS) await delay(FIFO_DRAIN_MS - drained);
    await closeVrrpProcess(p);
  }

  #running(): Generation {
    if (!this.#generation) throw new Error('VRRP is not running');
    return this.#generation;
  }

  #snapshot() {
    const g = this.#running();
    return buildSnapshot(this.#config ?? g.config, g, this.#process!);
  }
}
