/**
 * A reload of the vrrp child (SIGHUP to the parent, which compiled the new file and sends
 * it here): the new configuration is planned, compared with the running plan
 * (diffVrrpPlans: keepalived's vrrp_exist matching) and applied the way keepalived 2.2.7
 * applies one (vrrp.c clear_diff_vrrp, restore_vrrp_state; vrrp_scheduler.c
 * vrrp_init_state):
 *
 *   1. the plan is made first; if it cannot be (an error), nothing changes at all;
 *   2. removed instances leave while the old generation still runs: a MASTER sends
 *      priority 0 and drops its addresses, the instance is reported DELETED (FAULT without
 *      notify_deleted; nothing if it was FAULT already, unless notify_deleted), and its
 *      VMAC and firewall entry go;
 *   3. the old generation captures every instance's state, counters and AH sequence, and
 *      stops without a sound (no priority 0, no notify, addresses left in place);
 *   4. the statics are replaced (what the new file dropped is deleted, the rest taken over),
 *      every instance is registered again — a kept one in place of its predecessor, so its
 *      installed addresses are taken over and only its dropped VIPs, routes and rules are
 *      deleted, and only if it was MASTER;
 *   5. trackers are rebuilt, keeping every vrrp_script and track_file that did not change
 *      with its state;
 *   6. the new generation starts: kept instances resume (a MASTER stays MASTER, advertises
 *      at once, installs what was added and sends one GARP/NA burst only if that added an
 *      address; a MASTER that cannot resume as MASTER — now faulty, its group not MASTER —
 *      drops its addresses), new ones start as at start-up.
 * The difference is logged in --diff's words (formatVrrpPlanDiff). A reload that changes
 * nothing leaves the running generation alone (only fifo_write_vrrp_states_on_reload's
 * lines are written), so a MASTER does not re-announce for nothing.
 *
 * The nftables table is decided at start-up, as keepalived does: a reload that brings the
 * first no_accept or use_vmac into a process started without one says it is not enforced.
 */
import type { Config } from '../../config/model.js';
import type { ApplyReport } from '../../supervisor/ipc.js';
import { diffVrrpPlans, formatVrrpPlanDiff } from '../adapter/index.js';
import { needsFirewall, notifyDispatcher, planFor, registerInstances, type VrrpProcess } from './assembly.js';
import { Generation, type ResumeState } from './generation.js';
import { Tracking } from './tracking.js';

export interface ReloadResult {
  readonly generation: Generation;
  readonly report: ApplyReport;
}

/** Applies `config` on top of `current`. Throws PlanRefusedError (nothing changed) when it cannot run. */
export async function reloadGeneration(current: Generation, config: Config, p: VrrpProcess): Promise<ReloadResult> {
  const plan = planFor(config, p.table, p.log);
  const diff = diffVrrpPlans(current.plan, plan);
  const lines = formatVrrpPlanDiff(diff).trimEnd().split('\n');
  for (const line of lines) p.log.info(line);
  if (diff.unchanged) {
    if (plan.notify.writeStatesOnReload) announceStates(current);
    return { generation: current, report: { applied: [], failed: [] } };
  }
  const failed: string[] = [];
  const actions = p.opened.actions;
  if (!p.firewall && needsFirewall(plan)) {
    const line = 'no_accept, strict mode or use_vmac added at a reload: the process started without an nftables table, so they are not enforced until keepalived restarts';
    p.log.warn(line);
    failed.push(line);
  }

  for (const r of diff.removed) {
    await current.deleteInstance(r.name, r.reportWhenFault);
    await actions.removeInstance(r.name);
  }
  const before = current.resumeStates();
  current.retire();

  const report = await actions.replaceStatics(plan.statics, {
    addresses: diff.statics.addresses.removed, routes: diff.statics.routes.removed, rules: diff.statics.rules.removed,
  });
  for (const r of report.results) if (r.outcome.result === 'failed') failed.push(`static ${r.outcome.error.message}`);

  const kept = new Map(diff.kept.map((k) => [k.name, k]));
  const registered = await registerInstances(actions, plan, p.log, kept);
  for (const [name, why] of registered.faults) failed.push(`(${name}) ${why}`);

  const tracking = new Tracking(plan, { log: p.log, scripts: p.scripts, table: p.table }, { tracking: current.tracking, diff: diff.trackers });
  current.tracking.stop();

  const resume = new Map<string, ResumeState>();
  for (const k of diff.kept) {
    const was = before.instances.get(k.previous);
    if (!was) continue;
    resume.set(k.name, was);
    // A kept MASTER's addresses are in the kernel: it drops them if it does not resume as
    // MASTER, and announces only what the reload added if it does.
    registered.actions.get(k.name)?.resumeFrom(was.state);
  }
  const groupResume = new Map([...before.groups].filter(([name]) => plan.syncGroups.some((g) => g.name === name)));
  const next = new Generation({
    plan, config, log: p.log, reports: p.reports, settings: p.settings, table: p.table,
    actions: registered.actions, vmacs: registered.vmacs, setupFaults: registered.faults,
    tracking, notify: notifyDispatcher(plan, p), startedAtMs: p.startedAtMs, resume, groupResume,
  });
  await next.start();
  return { generation: next, report: { applied: lines.slice(1), failed } };
}

/** fifo_write_vrrp_states_on_reload for a reload that changed nothing: every state, FIFO only. */
function announceStates(g: Generation): void {
  for (const i of g.runtime.instances) {
    const s = i.fsm.state;
    if (s === 'MASTER' || s === 'BACKUP' || s === 'FAULT') g.notify.announceState('INSTANCE', i.name, s, i.fsm.effectivePriority);
  }
  for (const group of g.runtime.status().syncGroups) {
    const s = group.state;
    if (s === 'MASTER' || s === 'BACKUP' || s === 'FAULT') g.notify.announceState('GROUP', group.name, s, 0);
  }
}
