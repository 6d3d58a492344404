/**
 * The vrrp fragment's finish: everything that needs more than one block.
 *
 * - Each instance is completed against global_defs (instance-resolve.ts).
 * - Tracker references are resolved: track_script → vrrp_script,
 *   track_file → track_file, track_process → vrrp_track_process (a missing
 *   track_bfd → bfd_instance (the BFD fragment's blocks; only those that
 *   send events to the VRRP process count) — a missing one is dropped with
 *   a warning, as keepalived does ("not found, ignoring..."), and a
 *   reference without a weight takes the tracked object's weight and reverse.
 * - Sync groups: members that don't exist, or are already in another group,
 *   are ignored with a warning (keepalived's words); a group with no members
 *   left in its `group` list is removed; a group mixing address owners with
 *   other instances is reported (keepalived runs it anyway); weighted
 *   trackers on members without sync_group_tracking_weight, and weighted
 *   group trackers when a member is an address owner, lose their weight or
 *   are dropped, as keepalived's vrrp_complete_instance() does.
 * - Address owners (priority 255) lose their weighted trackers likewise.
 * These are keepalived's corrections, so they are warnings (see
 * instance-resolve.ts): only what stops keepalived's VRRP process — a VRID
 * used twice on one interface — is an error.
 * - smtp_alert (global smtp_alert_vrrp, then smtp_alert) and
 *   notify_priority_changes (the sync group's, then global) are inherited.
 * - track_group references of static items, static addresses' default
 *   interface, VMAC/ipvlan names used twice, duplicate VRIDs on one
 *   interface (compared by configured interface name; VLANs of the same
 *   device are only known at run time) and unused vrrp_scripts (a notice:
 *   keepalived says so only once running, so `-t` stays clean).
 * Each loop is linear in the number of blocks (maps by name), so large
 * configurations stay fast.
 */
import type { BfdFragment } from '../../bfd/config/index.js';
import type { GlobalFragment } from '../../config/global/index.js';
import { globalDefsBlock } from '../../config/global/index.js';
import type { CompileContext } from '../../config/schema/types.js';
import type { SourceLocation } from '../../config/diagnostics.js';
import type { VrrpFragment } from './index.js';
import type { VrrpInstance } from './instance-model.js';
import { resolveInstance } from './instance-resolve.js';
import { isSet } from './line-list.js';
import { TRACKERS, type TrackRef, type TrackerKind, type Trackers } from './track-lists.js';
import type { VrrpSyncGroup } from './sync-group.js';
import type { Weight } from './script.js';

const PRIO_OWNER = 255;
const NOWHERE: SourceLocation = { file: '', line: 0, col: 0 };

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) if (!m.has(it.name)) m.set(it.name, it);
  return m;
}

type Tracked = Exclude<TrackerKind, 'interface'>;
type Lookups = Record<Tracked, Map<string, { weight: Weight }>>;

const WHAT: Readonly<Record<Tracked, string>> = {
  script: 'track script',
  file: 'track file',
  process: 'track process',
  bfd: 'track bfd',
};

/** Fills in inherited weights and reports references to blocks that don't exist. */
function resolveTrackerRefs(owner: string, t: Trackers, lookups: Lookups, ctx: CompileContext, used: Set<string>): void {
  const lists: [Tracked, TrackRef[]][] = [
    ['script', t.trackScripts],
    ['file', t.trackFiles],
    ['process', t.trackProcesses],
    ['bfd', t.trackBfds],
  ];
  for (const [kind, refs] of lists) {
    for (const ref of [...refs]) {
      const target = lookups[kind].get(ref.name);
      if (!target) {
        ctx.diags.warning(`(${owner}) ${WHAT[kind]} ${ref.name} not found, ignoring...`, ctx.locations.get(ref) ?? NOWHERE, TRACKERS[kind].keyword);
        refs.splice(refs.indexOf(ref), 1);
        continue;
      }
      if (kind === 'script') used.add(ref.name);
      if (ref.weight === undefined) {
        ref.weight = target.weight.weight;
        ref.reverse = target.weight.reverse;
      }
    }
  }
}

/** keepalived's words for the tracked object, in the weighted-tracker messages. */
const TRACKED_WORD: Readonly<Record<TrackerKind, string>> = {
  interface: 'interface',
  script: 'script',
  file: 'file',
  process: 'process',
  bfd: 'bfd',
};
/** keepalived's default track_file weight: a reference that did not change it loses the weight, not the tracker. */
const TRACK_FILE_DEFAULT_WEIGHT = 1;

/**
 * Weighted trackers on an address owner, or on a sync-group member without
 * sync_group_tracking_weight: keepalived (vrrp_complete_instance) drops them,
 * except that a sync member keeps its interfaces unweighted and any instance
 * keeps a file whose weight is track_file's default, unweighted.
 */
function dropWeighted(v: VrrpInstance, why: 'address owner' | 'SYNC group', ctx: CompileContext): void {
  const reason = why === 'SYNC group' ? 'SYNC group' : 'address_owner';
  const at = (ref: TrackRef) => ctx.locations.get(ref) ?? ctx.locations.get(v) ?? NOWHERE;
  const lists: [TrackerKind, TrackRef[]][] = [
    ['interface', v.trackInterfaces],
    ['script', v.trackScripts],
    ['file', v.trackFiles],
    ['bfd', v.trackBfds],
  ];
  for (const [kind, refs] of lists) {
    const keyword = TRACKERS[kind].keyword;
    for (const ref of [...refs]) {
      if (ref.weight === undefined || ref.weight === 0) continue;
      let keep = false;
      if (kind === 'interface') {
        keep = why === 'SYNC group';
        ctx.diags.warning(`(${v.name}) ignoring ${ref.name} tracked interface ${keep ? 'weight ' : ''}due to ${why}`, at(ref), keyword);
      } else if (kind === 'file' && ref.weight === TRACK_FILE_DEFAULT_WEIGHT) {
        keep = true;
        ctx.diags.warning(`(${v.name}) ignoring weight from tracked file ${ref.name} due to ${reason}. specify weight 0`, at(ref), keyword);
      } else {
        const weight = kind === 'script' ? 'with weights' : `with weight ${ref.weight}`;
        ctx.diags.warning(`(${v.name}) ignoring tracked ${TRACKED_WORD[kind]} ${ref.name} ${weight} due to ${reason}`, at(ref), keyword);
      }
      if (keep) ref.weight = 0;
      else refs.splice(refs.indexOf(ref), 1);
    }
  }
}

function resolveSyncGroups(groups: VrrpSyncGroup[], instances: Map<string, VrrpInstance>, ctx: CompileContext): Map<VrrpInstance, VrrpSyncGroup> {
  const groupOf = new Map<VrrpInstance, VrrpSyncGroup>();
  for (const sg of groups) {
    const loc = ctx.locations.get(sg, 'group') ?? ctx.locations.get(sg) ?? NOWHERE;
    const members: VrrpInstance[] = [];
    for (const name of sg.members ?? []) {
      const v = instances.get(name);
      if (!v) {
        ctx.diags.warning(`Virtual router ${name} specified in sync group ${sg.name} doesn't exist - ignoring`, loc, 'vrrp_sync_group');
        continue;
      }
      if (groupOf.has(v)) {
        ctx.diags.warning(`Virtual router ${name} cannot exist in more than one sync group; ignoring ${sg.name}`, loc, 'vrrp_sync_group');
        continue;
      }
      groupOf.set(v, sg);
      members.push(v);
    }
    // The ignored names leave the group, as keepalived never links them.
    if (members.length !== (sg.members ?? []).length) sg.members = members.map((v) => v.name);
    if (members.length === 1) {
      ctx.diags.warning(`Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`, loc, 'vrrp_sync_group');
    }
    const isOwner = (v: VrrpInstance) => v.state === 'MASTER' && v.priority === PRIO_OWNER;
    const owners = members.filter((v) => v.priority === PRIO_OWNER);
    // keepalived reports it and runs the group (it starts BACKUP).
    if (members.some(isOwner) && members.some((v) => !isOwner(v))) {
      ctx.diags.warning(`Sync group ${sg.name} has some member(s) as address owner and some not as address owner. This won't work.`, loc, 'vrrp_sync_group');
    }
    if (owners.length > 0) {
      const lists: [TrackerKind, TrackRef[]][] = [
        ['interface', sg.trackInterfaces], ['script', sg.trackScripts], ['file', sg.trackFiles], ['process', sg.trackProcesses], ['bfd', sg.trackBfds],
      ];
      for (const [kind, refs] of lists) {
        for (const ref of refs) {
          if (ref.weight === undefined || ref.weight === 0) continue;
          ctx.diags.warning(
            `(${sg.name}) Cannot have weighted track ${TRACKED_WORD[kind]} '${ref.name}' with member having priority ${PRIO_OWNER} - ${kind === 'script' ? 'clearing weight' : 'setting weight 0'}`,
            ctx.locations.get(ref) ?? loc,
            TRACKERS[kind].keyword,
          );
          ref.weight = 0;
        }
      }
    }
  }
  return groupOf;
}

function checkStatic(config: VrrpFragment, defaultInterface: string, ctx: CompileContext): void {
  const groups = new Set(config.trackGroups.map((g) => g.name));
  for (const a of config.staticAddresses) {
    if (a.dev === undefined) (a as { dev?: string }).dev = defaultInterface;
  }
  const items: [{ trackGroup?: string }, string][] = [
    ...config.staticAddresses.map((a) => [a, 'static_ipaddress'] as [{ trackGroup?: string }, string]),
    ...config.staticRoutes.map((r) => [r, 'static_routes'] as [{ trackGroup?: string }, string]),
    ...config.staticRules.map((r) => [r, 'static_rules'] as [{ trackGroup?: string }, string]),
  ];
  for (const [item, keyword] of items) {
    if (item.trackGroup !== undefined && !groups.has(item.trackGroup)) {
      // keepalived keeps the item, following no group.
      ctx.diags.warning(`track_group ${item.trackGroup} not found`, ctx.locations.get(item) ?? NOWHERE, keyword);
      delete item.trackGroup;
    }
  }
}

function checkTrackGroups(config: VrrpFragment, instances: Map<string, VrrpInstance>, ctx: CompileContext): void {
  for (const tg of config.trackGroups) {
    const loc = ctx.locations.get(tg, 'group') ?? ctx.locations.get(tg) ?? NOWHERE;
    // keepalived only logs these; a notice keeps -t's exit code unchanged.
    if (!tg.members) ctx.diags.notice(`Static track group ${tg.name} has no virtual router(s)`, loc, 'track_group');
    for (const name of tg.members ?? []) {
      if (!instances.has(name)) ctx.diags.notice(`vrrp instance ${name} specified in track group ${tg.name} doesn't exist - ignoring`, loc, 'track_group');
    }
  }
}

function checkVmacNames(list: VrrpInstance[], ctx: CompileContext): void {
  const owner = new Map<string, VrrpInstance>();
  for (const v of list) {
    const name = v.vmac?.ifname ?? v.ipvlan?.ifname;
    if (name === undefined) continue;
    const other = owner.get(name);
    if (!other) {
      owner.set(name, v);
      continue;
    }
    // keepalived drops the name; the VMAC/ipvlan then gets a generated one (vrrp.VRID).
    ctx.diags.warning(`(${v.name}) VRRP instance ${other.name} is already using ${name} - ignoring name`, ctx.locations.get(v, v.vmac ? 'vmac' : 'ipvlan') ?? NOWHERE, v.vmac ? 'use_vmac' : 'use_ipvlan');
    if (v.vmac) {
      const { ifname: _dropped, ...rest } = v.vmac;
      v.vmac = rest;
    } else if (v.ipvlan) {
      const { ifname: _dropped, ...rest } = v.ipvlan;
      v.ipvlan = rest;
    }
  }
}

/** keepalived check_vrid_conflicts(), for what the configuration alone can tell. */
function checkVridConflicts(list: VrrpInstance[], ctx: CompileContext): void {
  const buckets = new Map<string, VrrpInstance[]>();
  for (const v of list) {
    if (v.virtualRouterId === 0) continue;
    const key = `${v.family}/${v.virtualRouterId}/${v.unicastPeers.length > 0 ? 'u' : 'm'}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(v);
    else buckets.set(key, [v]);
  }
  for (const bucket of buckets.values()) {
    for (let i = 1; i < bucket.length; i++) {
      const v = bucket[i]!;
      for (const w of bucket.slice(0, i)) {
        const loc = ctx.locations.get(v) ?? NOWHERE;
        if (v.unicastPeers.length === 0) {
          if (v.interface === undefined || v.interface !== w.interface || v.mcastGroup !== w.mcastGroup) continue;
          ctx.diags.error(`${w.name} and ${v.name} both use VRID ${v.virtualRouterId} with IPv${v.family} on interface ${v.interface}`, loc, 'virtual_router_id');
        } else {
          if (v.interface !== undefined && w.interface !== undefined && v.interface !== w.interface) continue;
          if (v.sourceAddress === undefined || w.sourceAddress === undefined || v.sourceAddress !== w.sourceAddress) continue;
          const peers = new Set(w.unicastPeers.map((p) => p.address));
          if (!v.unicastPeers.some((p) => peers.has(p.address))) continue;
          ctx.diags.error(`(${v.name}) duplicate VRID conflict with ${w.name} VRID ${v.virtualRouterId}`, loc, 'virtual_router_id');
        }
      }
    }
  }
}

export function resolveVrrpFragment(config: VrrpFragment, ctx: CompileContext): void {
  // The root hands every fragment the whole Config; global_defs is in it.
  const g = (config as VrrpFragment & Partial<GlobalFragment>).global ?? globalDefsBlock.create();
  // Blocks keepalived removes as it reads them (their finish hooks said so).
  config.vrrpScripts = config.vrrpScripts.filter((s) => s.script);
  config.trackFiles = config.trackFiles.filter((f) => f.file !== undefined);
  config.trackProcesses = config.trackProcesses.filter((p) => p.process !== undefined);
  config.vrrpSyncGroups = config.vrrpSyncGroups.filter((sg) => sg.members !== undefined && sg.members.length > 0);
  const instances = byName(config.vrrpInstances);
  // bfd_instance blocks are the BFD fragment's; a `checker`-only one sends the VRRP process nothing.
  const bfds = ((config as VrrpFragment & Partial<BfdFragment>).bfdInstances ?? []).filter((b) => b.eventsToVrrp);
  const lookups: Lookups = { script: byName(config.vrrpScripts), file: byName(config.trackFiles), process: byName(config.trackProcesses), bfd: byName(bfds) };
  const usedScripts = new Set<string>();

  checkStatic(config, g.defaultInterface, ctx);
  checkTrackGroups(config, instances, ctx);

  for (const v of config.vrrpInstances) {
    resolveInstance(v, g, ctx);
    resolveTrackerRefs(v.name, v, lookups, ctx, usedScripts);
  }
  for (const sg of config.vrrpSyncGroups) resolveTrackerRefs(sg.name, sg, lookups, ctx, usedScripts);
  const groupOf = resolveSyncGroups(config.vrrpSyncGroups, instances, ctx);
  const smtpDefault = g.smtpAlertVrrp ?? g.smtpAlert ?? false;
  for (const sg of config.vrrpSyncGroups) {
    if (!isSet(ctx, sg, 'smtpAlert')) sg.smtpAlert = smtpDefault;
    if (!isSet(ctx, sg, 'notifyPriorityChanges')) sg.notifyPriorityChanges = g.vrrpNotifyPriorityChanges;
  }
  // As in keepalived, a sync-group member is judged by the group's rule, others by the owner rule.
  for (const v of config.vrrpInstances) {
    const sg = groupOf.get(v);
    if (!isSet(ctx, v, 'smtpAlert')) v.smtpAlert = smtpDefault;
    if (!isSet(ctx, v, 'notifyPriorityChanges')) {
      v.notifyPriorityChanges = sg && isSet(ctx, sg, 'notifyPriorityChanges') ? sg.notifyPriorityChanges : g.vrrpNotifyPriorityChanges;
    }
    if (sg && !sg.trackingWeight) dropWeighted(v, 'SYNC group', ctx);
    else if (v.priority === PRIO_OWNER) dropWeighted(v, 'address owner', ctx);
  }
  checkVmacNames(config.vrrpInstances, ctx);
  checkVridConflicts(config.vrrpInstances, ctx);

  // keepalived reports this only when it runs, after -t has already finished: a notice.
  for (const s of config.vrrpScripts) {
    if (!usedScripts.has(s.name)) ctx.diags.notice(`script ${s.name} is not used`, ctx.locations.get(s) ?? NOWHERE, 'vrrp_script');
  }
}
