/**
 * planVrrp: the compiled Config → the VRRP plan (types.ts), the one place where
 * keepalived.conf's model is mapped onto the domain types of the FSM, the socket pool, the
 * actions layer, the trackers and the notify dispatcher, so the vrrp child is assembled from
 * `Config` alone.
 *
 * Reads straight through: sync groups (which instance belongs where), instances
 * (instance-plan.ts), trackers and resolveTracking's inputs (trackers-plan.ts), notify, the
 * static addresses/routes/rules with their track_groups, the actions layer's shared settings
 * (VMAC prefix, GARP/NA pacing with garp_group, nftables), the pooled sockets, and the
 * run-time knobs. Problems are collected, never thrown: any error means no plan; warnings and
 * notices travel with the plan.
 *
 * Sync groups keep only the members that exist and are not already in an earlier group (the
 * compiler reports both); a group left without members is dropped, as keepalived removes it
 * ("no matching virtual router found in group declaration - removing"). A group mixing
 * address owners that start MASTER with other members is refused (the FSM cannot run it).
 *
 * Notify: each notify_* script of an instance or a sync group is checked and resolved like
 * every script (context.ts); one that may not run is left out, the others still run. `notify`
 * (the generic script, which gets TYPE NAME STATE PRIORITY appended) becomes `generic`.
 * FIFOs (lib/notify.c fifo_open, core/global_parser.c notify_fifo): notify_fifo and
 * vrrp_notify_fifo, each owned by its `USER [GROUP]`, else by the default script user; a FIFO
 * whose owner cannot be resolved is not used ("Invalid user/group for fifo … - ignoring").
 * Each may have a reading script. The global notify_fifo_script is the checker's to start
 * when the checker process also runs (vrrp.c: `if (running_checker())
 * free_notify_script(&global_data->notify_fifo.script)`), so the vrrp process leaves it out
 * then. The compiler has already dropped a vrrp_notify_fifo naming the global FIFO's path.
 */
import type { NotifyFifo as FifoConfig } from '../../config/global/fifo.js';
import type { Config } from '../../config/model.js';
import type { ScriptCommand } from '../../config/schema/script-values.js';
import type { RouteEntry, RuleEntry, VipSpec } from '../actions/types.js';
import type { VrrpInstance } from '../config/instance-model.js';
import type { NotifyScripts as ConfigScripts } from '../config/notify.js';
import type { VrrpSyncGroup } from '../config/sync-group.js';
import { NOTIFY_KEYWORDS } from '../config/environment.js';
import type { NotifyScripts, NotifySpec } from '../notify/dispatcher.js';
import type { FifoSpec } from '../notify/fifo.js';
import { PlanContext, userSpec } from './context.js';
import { instanceVmacName, planInstance } from './instance-plan.js';
import { planNetlinkBuffers } from './socket-buffers.js';
import { routeEntry, ruleEntry, vipSpec } from './net-entries.js';
import { planTracking } from './trackers-plan.js';
import type { PlanEnvironment, PlanResult, PlannedInstance, PlannedNotify, PlannedSocket, PlannedSyncGroup, StaticTrackGroup, VrrpPlan } from './types.js';

function syncGroups(ctx: PlanContext, config: Config): { groups: PlannedSyncGroup[]; groupOf: Map<string, string> } {
  const known = new Set(config.vrrpInstances.map((v) => v.name));
  const groupOf = new Map<string, string>();
  const groups: PlannedSyncGroup[] = [];
  for (const g of config.vrrpSyncGroups) {
    const members = (g.members ?? []).filter((m) => known.has(m) && !groupOf.has(m));
    if (members.length === 0) {
      ctx.warning(`Sync group ${g.name}, no matching virtual router found in group declaration - removing`, 'vrrp_sync_group');
      continue;
    }
    for (const m of members) groupOf.set(m, g.name);
    groups.push({ name: g.name, members });
  }
  return { groups, groupOf };
}

function statics(ctx: PlanContext, config: Config): VrrpPlan['statics'] | undefined {
  const all = <L, T>(lines: readonly L[], map: (l: L) => T | undefined): T[] | undefined => {
    const out = lines.map(map);
    return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
  };
  const addresses = all<typeof config.staticAddresses[number], VipSpec>(config.staticAddresses, (a) => vipSpec(ctx, a, 'static', 'static_ipaddress'));
  const routes = all<typeof config.staticRoutes[number], RouteEntry>(config.staticRoutes, (r) => routeEntry(ctx, r, 'static', 'static_routes'));
  const rules = all<typeof config.staticRules[number], RuleEntry>(config.staticRules, (r) => ruleEntry(ctx, r, 'static', 'static_rules'));
  if (!addresses || !routes || !rules) return undefined;
  const known = new Set(config.vrrpInstances.map((v) => v.name));
  const trackGroups: StaticTrackGroup[] = config.trackGroups.map((tg) => {
    const items: StaticTrackGroup['items'][number][] = [];
    const mark = (kind: 'address' | 'route' | 'rule', list: readonly { trackGroup?: string }[]) => {
      list.forEach((it, i) => {
        if (it.trackGroup === tg.name) items.push({ kind, position: i + 1 });
      });
    };
    mark('address', config.staticAddresses);
    mark('route', config.staticRoutes);
    mark('rule', config.staticRules);
    return { name: tg.name, members: (tg.members ?? []).filter((m) => known.has(m)), items };
  });
  return { addresses, routes, rules, defaultInterface: ctx.global.defaultInterface, trackGroups };
}

/** keepalived vrrp_sync_set_group: address owners starting MASTER and other members cannot be synchronised. */
function checkOwnerGroups(ctx: PlanContext, groups: readonly PlannedSyncGroup[], instances: readonly PlannedInstance[]): void {
  const byName = new Map(instances.map((i) => [i.name, i]));
  for (const g of groups) {
    const members = g.members.map((m) => byName.get(m)).filter((m): m is PlannedInstance => m !== undefined);
    const owners = members.filter((m) => m.params.priority === 255 && m.params.initialState === 'MASTER').length;
    if (owners > 0 && owners < members.length) {
      ctx.error(`Sync group ${g.name} has some member(s) as address owner and some not as address owner. This won't work.`, 'vrrp_sync_group');
    }
  }
}

/** Instances that share a pooled socket: family, protocol, advert interface, and group or unicast source. */
function sockets(instances: readonly PlannedInstance[]): PlannedSocket[] {
  const byId = new Map<string, { instances: string[]; vrids: number[] }>();
  for (const inst of instances) {
    const t = inst.transport;
    const link = t.vmacName !== undefined && !t.vmacXmitBase ? t.vmacName : t.interface ?? t.vrf ?? 'any';
    const what = t.mode === 'multicast' ? `group ${t.multicastGroup ?? (t.family === 4 ? '224.0.0.18' : 'ff02::12')}` : `unicast ${t.sourceAddress ?? inst.params.primaryAddress ?? 'any'}`;
    const id = `${t.family}/${t.protocol === 51 ? 'ah' : 'vrrp'}/${link}/${what}`;
    let entry = byId.get(id);
    if (!entry) byId.set(id, (entry = { instances: [], vrids: [] }));
    entry.instances.push(inst.name);
    entry.vrids.push(inst.params.vrid);
  }
  return [...byId].map(([id, e]) => ({ id, instances: e.instances, vrids: e.vrids }));
}

// --- notify --------------------------------------------------------------------------------------

function scripts(ctx: PlanContext, notify: ConfigScripts, owner: string): NotifyScripts {
  const out: { -readonly [K in keyof NotifyScripts]: NotifyScripts[K] } = {};
  for (const key of Object.keys(NOTIFY_KEYWORDS) as (keyof ConfigScripts)[]) {
    const cmd = notify[key];
    if (!cmd) continue;
    const script = ctx.script(cmd, 'notify', `${NOTIFY_KEYWORDS[key]} of ${owner}`);
    if (!script) continue;
    out[key === 'any' ? 'generic' : key] = script;
  }
  return out;
}

export function instanceNotify(ctx: PlanContext, v: VrrpInstance): NotifySpec {
  return {
    type: 'INSTANCE',
    name: v.name,
    scripts: scripts(ctx, v.notify, v.name),
    notifyDeleted: v.notifyDeleted,
    notifyPriorityChanges: v.notifyPriorityChanges,
    smtpAlert: v.smtpAlert,
  };
}

export function groupNotify(ctx: PlanContext, g: VrrpSyncGroup): NotifySpec {
  return {
    type: 'GROUP',
    name: g.name,
    scripts: scripts(ctx, g.notify, g.name),
    notifyPriorityChanges: g.notifyPriorityChanges,
    smtpAlert: g.smtpAlert,
  };
}

function fifo(ctx: PlanContext, keyword: string, config: FifoConfig | undefined, script: ScriptCommand | undefined): FifoSpec | undefined {
  if (!config) return undefined;
  const owner = ctx.credentials(config.user !== undefined ? userSpec(config.user, config.group) : undefined);
  if (!owner.ok) {
    ctx.warning(`Invalid user/group for ${keyword} ${config.path} - ignoring (${owner.message})`, keyword);
    return undefined;
  }
  const reader = script ? ctx.script(script, 'notify', `${keyword}_script`) : undefined;
  return { keyword, path: config.path, uid: owner.uid, gid: owner.gid, ...(reader ? { script: reader } : {}) };
}

export function planNotify(ctx: PlanContext, instances: readonly VrrpInstance[], groups: readonly VrrpSyncGroup[]): PlannedNotify {
  const g = ctx.global;
  const globalScript = ctx.env.checkerRunning ? undefined : g.notifyFifoScript;
  if (ctx.env.checkerRunning && g.notifyFifoScript && g.notifyFifo) {
    ctx.notice('notify_fifo_script is started by the checker process', 'notify_fifo_script');
  }
  const fifos = [
    fifo(ctx, 'notify_fifo', g.notifyFifo, globalScript),
    fifo(ctx, 'vrrp_notify_fifo', g.vrrpNotifyFifo, g.vrrpNotifyFifoScript),
  ].filter((f): f is FifoSpec => f !== undefined);
  return {
    specs: [...instances.map((v) => instanceNotify(ctx, v)), ...groups.map((sg) => groupNotify(ctx, sg))],
    fifos,
    noEmailFaults: g.noEmailFaults,
    writeStatesOnReload: g.fifoWriteVrrpStatesOnReload,
  };
}

// --- the plan ----------------------------------------------------------------------------------

export function planVrrp(config: Config, env: PlanEnvironment): PlanResult {
  const ctx = new PlanContext(env, config.global);
  const g = config.global;
  const { groups, groupOf } = syncGroups(ctx, config);

  const planned: PlannedInstance[] = [];
  const forTracking: { v: VrrpInstance; vmac: string | undefined }[] = [];
  for (const v of config.vrrpInstances) {
    const vmac = instanceVmacName(ctx, v);
    const inst = planInstance(ctx, v, groupOf.get(v.name), vmac);
    if (inst) planned.push(inst);
    forTracking.push({ v, vmac });
  }
  checkOwnerGroups(ctx, groups, planned);
  const tracking = planTracking(ctx, config, forTracking, groups);
  const groupBlocks = config.vrrpSyncGroups.filter((sg) => groups.some((pg) => pg.name === sg.name));
  const notify = planNotify(ctx, config.vrrpInstances, groupBlocks);
  const staticPlan = statics(ctx, config);
  ctx.finishScripts();

  if (ctx.hasErrors || !staticPlan) return { ok: false, diagnostics: ctx.diagnostics };
  const plan: VrrpPlan = {
    routerId: g.routerId ?? env.hostname,
    instances: planned,
    syncGroups: groups,
    trackers: tracking.trackers,
    tracking: { instances: tracking.instances, groups: tracking.groups },
    notify,
    statics: staticPlan,
    actions: {
      vmacPrefix: g.vmacPrefix,
      pacing: {
        garpIntervalMs: g.vrrpGarpIntervalMs,
        gnaIntervalMs: g.vrrpGnaIntervalMs,
        garpGroups: config.garpGroups.map((gg) => ({
          interfaces: [...gg.interfaces],
          ...(gg.garpIntervalMs !== undefined ? { garpIntervalMs: gg.garpIntervalMs } : {}),
          ...(gg.gnaIntervalMs !== undefined ? { gnaIntervalMs: gg.gnaIntervalMs } : {}),
        })),
      },
      ...(g.nftables !== undefined ? { firewall: { table: g.nftables, priority: g.nftablesPriority, counters: g.nftablesCounters } } : {}),
    },
    sockets: sockets(planned),
    netlink: planNetlinkBuffers(g),
    runtime: {
      startupDelayMs: g.vrrpStartupDelayMs,
      logUnknownVrids: g.logUnknownVrids,
      dynamicInterfaces: g.dynamicInterfaces,
    },
  };
  return { ok: true, plan, diagnostics: ctx.diagnostics };
}
