/**
 * Assembling the vrrp child from a compiled configuration: the parts that live as long as
 * the process, and the steps that turn a plan into a Generation (generation.ts).
 *
 * Process-wide (opened once by `openVrrpProcess`, closed by `closeVrrpProcess`):
 *   - the netlink interface table (the planner's interface facts, the sockets' directory,
 *     track_interface, the actions layer's deletion watch);
 *   - the actions layer (openVrrpActions): rtnetlink, the GARP/NA pacer, the static
 *     addresses/routes/rules, VMACs, the nftables table — with -V (`releaseOnStop` false)
 *     it keeps VIPs and VMACs at shutdown;
 *   - the notify FIFOs (FifoSet), kept open across reloads while their definition is the same;
 *   - the smtp alert recorder (alerts are recorded until SMTP sending exists).
 *
 * Per generation: the plan (planVrrp with the live interface table's facts; its errors mean
 * the configuration cannot run: exit code 2 at start-up, the old configuration kept at a
 * reload), each instance registered with the actions layer (`registerInstances`: a VMAC, its
 * addresses, its firewall entry; a reload's kept instance replaces its predecessor in place),
 * the notify dispatcher and the trackers.
 *
 * The firewall follows keepalived (vrrp.c vrrp_complete_instance): nftables when configured,
 * else the default table only when some instance needs one (no_accept, or use_vmac), else
 * none at all, so a plain configuration never runs nft(8).
 */
import { formatDiagnostic } from '../../config/diagnostics.js';
import type { Config } from '../../config/model.js';
import type { LogPort } from '../../core/log-port.js';
import type { ScriptRunner } from '../../core/scripts/runner.js';
import { openInterfaceTable, type InterfaceTable } from '../../net/netlink/index.js';
import type { ChildSettings } from '../../supervisor/ipc.js';
import { ChildStartError } from '../../supervisor/subsystem.js';
import { interfaceTableFacts, planVrrp, stableKey, systemPlanEnvironment, type KeptInstance, type VrrpPlan } from '../adapter/index.js';
import { netlinkOpenOptions, planNetlinkBuffers } from '../adapter/socket-buffers.js';
import { openVrrpActions, type InstanceActions, type OpenedVrrpActions, type VrrpActions, type VrrpFirewallOptions } from '../actions/index.js';
import type { LinkRef } from '../io/index.js';
import { AlertRecorder, NotifyDispatcher, NotifyFifo, type FifoSpec } from '../notify/index.js';
import type { ReportQueue } from './report-queue.js';

/** What lives as long as the vrrp process. */
export interface VrrpProcess {
  /** Goes through `reports`. */
  readonly log: LogPort;
  readonly reports: ReportQueue;
  readonly settings: ChildSettings;
  readonly scripts: ScriptRunner;
  readonly table: InterfaceTable;
  readonly opened: OpenedVrrpActions;
  readonly fifos: FifoSet;
  readonly alerts: AlertRecorder;
  /** performance.now() at start-up (vrrp_startup_delay counts from there). */
  readonly startedAtMs: number;
  /** The actions layer drives an nftables table (decided at start-up, as keepalived does). */
  readonly firewall: boolean;
}

/** The planner could not make a plan: its error lines, already logged. */
export class PlanRefusedError extends Error {
  readonly code = 'EVRRPPLAN';
  constructor(readonly errors: readonly string[]) {
    super(`the VRRP configuration cannot run: ${errors.join('; ')}`);
    this.name = 'PlanRefusedError';
  }
}

/** A compiled keepalived.conf, as the parent sends it (src/config/model.ts). */
export function asConfig(part: unknown): Config {
  const c = part as Partial<Config> | null;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.vrrpInstances) || !Array.isArray(c.vrrpSyncGroups) || typeof c.global !== 'object') {
    throw new ChildStartError('VRRP child: the parent sent no compiled keepalived.conf', 2);
  }
  return c as Config;
}

/** planVrrp on this host (the interface table's view); diagnostics logged, errors thrown. */
export function planFor(config: Config, table: InterfaceTable, log: LogPort): VrrpPlan {
  // The checker starts the global notify_fifo_script when it runs (keepalived running_checker()).
  const env = systemPlanEnvironment({ checkerRunning: config.virtualServers.length > 0, interfaces: interfaceTableFacts(table) });
  const result = planVrrp(config, env);
  const errors: string[] = [];
  for (const d of result.diagnostics) {
    const line = formatDiagnostic(d);
    if (d.severity === 'error' || d.severity === 'fatal') {
      errors.push(line);
      log.error(line);
    } else if (d.severity === 'warning') log.warn(line);
    else log.info(line);
  }
  if (!result.ok) throw new PlanRefusedError(errors);
  return result.plan;
}

/** Some instance needs packet filtering: no_accept (or strict mode), or a VMAC (keepalived vrrp_complete_instance). */
export function needsFirewall(plan: VrrpPlan): boolean {
  return plan.instances.some((i) => !i.definition.accept || i.definition.vmac !== undefined);
}

function firewallFor(plan: VrrpPlan, log: LogPort): VrrpFirewallOptions | false {
  if (plan.actions.firewall) return plan.actions.firewall;
  if (!needsFirewall(plan)) return false;
  log.info('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
  return {};
}

export interface OpenProcessInput {
  /** Already going through `reports` (ReportQueue.log). */
  readonly log: LogPort;
  /** Log lines and notifies in order, held while a takeover goes out (report-queue.ts). */
  readonly reports: ReportQueue;
  readonly settings: ChildSettings;
  readonly scripts: ScriptRunner;
}

/** Opens the interface table and plans; then the actions layer with the statics installed. */
export async function openVrrpProcess(config: Config, input: OpenProcessInput): Promise<{ process: VrrpProcess; plan: VrrpPlan }> {
  const startedAtMs = performance.now();
  // Needed before the plan, which reads the interface table.
  const buffers = planNetlinkBuffers(config.global);
  let table: InterfaceTable;
  try {
    table = await openInterfaceTable(netlinkOpenOptions(buffers.monitor));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ChildStartError(`VRRP child: cannot read the interfaces over netlink (${(err as Error).message})`, code === 'EPERM' || code === 'EACCES' ? 4 : 1);
  }
  let plan: VrrpPlan;
  try {
    plan = planFor(config, table, input.log);
  } catch (err) {
    table.close();
    if (err instanceof PlanRefusedError) throw new ChildStartError('VRRP child: the configuration cannot run (see the errors above)', 2);
    throw err;
  }
  let opened: OpenedVrrpActions;
  const firewall = firewallFor(plan, input.log);
  try {
    opened = await openVrrpActions({
      interfaces: table,
      dontRelease: !input.settings.releaseOnStop,
      pacing: plan.actions.pacing,
      vmacPrefix: plan.actions.vmacPrefix,
      firewall,
      netlink: { command: netlinkOpenOptions(buffers.command), monitor: netlinkOpenOptions(buffers.monitor) },
      log: (message) => {
        // keepalived 2.2.7 says this only with -D (vrrp.c vrrp_send_update).
        if (!input.settings.logDetail && / Sending\/queueing (gratuitous ARPs|Unsolicited Neighbour Adverts) on /.test(message)) return;
        input.log.info(message);
      },
    });
  } catch (err) {
    table.close();
    throw new ChildStartError(`VRRP child: cannot open netlink and packet sockets (${(err as Error).message})`, 4);
  }
  const report = await opened.actions.setStatics(plan.statics);
  if (report.results.some((r) => r.outcome.result === 'failed')) input.log.warn('some static addresses, routes or rules could not be installed (see above)');
  const process: VrrpProcess = {
    ...input, table, opened, startedAtMs, firewall: firewall !== false, alerts: new AlertRecorder(), fifos: new FifoSet(input.scripts, input.log),
  };
  return { process, plan };
}

/** Closes what openVrrpProcess opened, after the actions layer has stopped. */
export async function closeVrrpProcess(p: VrrpProcess): Promise<void> {
  await p.fifos.close();
  p.opened.close();
  p.table.close();
}

export interface Registered {
  readonly actions: Map<string, InstanceActions>;
  readonly vmacs: Map<string, LinkRef>;
  /** Instances whose set-up failed (a VMAC that cannot be made): they stay in FAULT. */
  readonly faults: Map<string, string>;
}

/**
 * Registers every instance of the plan with the actions layer, in configuration order; a
 * reload's kept instances (`kept`, by new name) replace their predecessors in place. Then
 * the firewall is applied, so no instance can become MASTER before its rules exist.
 */
export async function registerInstances(actions: VrrpActions, plan: VrrpPlan, log: LogPort, kept: ReadonlyMap<string, KeptInstance> = new Map()): Promise<Registered> {
  const out: Registered = { actions: new Map(), vmacs: new Map(), faults: new Map() };
  for (const p of plan.instances) {
    const k = kept.get(p.name);
    try {
      const ia = k
        ? await actions.replaceInstance(k.previous, p.definition, { vips: k.vips.removed, evips: k.evips.removed, routes: k.routes.removed, rules: k.rules.removed })
        : await actions.addInstance(p.definition);
      out.actions.set(p.name, ia);
      const vmac = p.transport.vmacName !== undefined ? actions.vmacs.handles.find((h) => h.name === p.transport.vmacName) : undefined;
      if (vmac) out.vmacs.set(p.name, { name: vmac.name, index: vmac.index });
    } catch (err) {
      const message = (err as Error).message;
      log.error(`(${p.name}) ${message}`);
      out.faults.set(p.name, `cannot set up: ${message}`);
    }
  }
  try {
    await actions.ready();
  } catch (err) {
    log.error(`nftables: ${(err as Error).message} - no_accept is not enforced`);
  }
  return out;
}

/**
 * Process start-up only, never a reload (keepalived vrrp_restore_interfaces_startup): each
 * instance deletes its configured VIPs, eVIPs and virtual rules wherever they already are in
 * the kernel — left by a crashed run, by -V, by hand — before any state machine runs, so a
 * restarted BACKUP never holds a VIP the MASTER holds too. keepalived logs it with -D.
 */
export async function clearLeftovers(registered: Registered, plan: VrrpPlan, log: LogPort, logDetail: boolean): Promise<void> {
  for (const p of plan.instances) {
    const actions = registered.actions.get(p.name);
    if (!actions) continue;
    if (logDetail && p.definition.vips.length > 0) log.info(`(${p.name}) removing VIPs.`);
    if (logDetail && p.definition.evips.length > 0) log.info(`(${p.name}) removing E-VIPs.`);
    const report = await actions.clearLeftovers();
    const gone = report.results.filter((r) => r.outcome.result === 'done');
    if (gone.length > 0) log.info(`(${p.name}) removed ${gone.length} address(es) or rule(s) left from a previous run`);
  }
}

export function notifyDispatcher(plan: VrrpPlan, p: VrrpProcess): NotifyDispatcher {
  return new NotifyDispatcher({
    runner: p.scripts,
    log: p.log,
    specs: plan.notify.specs,
    fifos: p.fifos.use(plan.notify.fifos),
    alerts: p.alerts,
    noEmailFaults: plan.notify.noEmailFaults,
    reports: p.reports,
  });
}

/**
 * The notify FIFOs of the process. A reload keeps a FIFO whose definition (path, owner,
 * reading script) is unchanged: closing it would unlink it under its reader and restart the
 * script. Others are closed, new ones opened.
 */
export class FifoSet {
  #open = new Map<string, NotifyFifo>();

  constructor(private readonly scripts: ScriptRunner, private readonly log: LogPort) {}

  /** The FIFOs for these definitions, opened as needed; the others are closed. */
  use(specs: readonly FifoSpec[]): NotifyFifo[] {
    const next = new Map<string, NotifyFifo>();
    for (const spec of specs) {
      const key = stableKey(spec);
      const fifo = this.#open.get(key) ?? new NotifyFifo(spec, this.scripts, this.log);
      this.#open.delete(key);
      if (fifo.isOpen || fifo.open()) next.set(key, fifo);
    }
    for (const old of this.#open.values()) void old.close();
    this.#open = next;
    return [...next.values()];
  }

  get fifos(): NotifyFifo[] {
    return [...this.#open.values()];
  }

  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((f) => f.close()));
  }
}
