/**
 * The tracked objects of the configuration → the trackers the vrrp process runs and the
 * inputs of resolveTracking (track/resolve.ts), which decides per instance which trackers
 * apply with which weights.
 *
 * Only objects something tracks are run: keepalived frees a vrrp_script nobody uses ("script
 * X is not used"), and track files and processes likewise only matter when tracked. Tracked
 * interfaces are the union of every track_interface list and, unless dont_track_primary, the
 * instances' own interfaces (and their VMACs), each with its interface_up_down_delays.
 *
 * A vrrp_script that may not run (not found, not executable for its user, insecure under
 * enable_script_security, user unknown) is dropped, and so are the references to it, as
 * keepalived's check_vrrp_script_security does; a reference to an object that does not exist
 * (the compiler has already reported it) is dropped too. Weights come from the compiled
 * Config, where a reference without one already carries its object's weight.
 */
import type { Config } from '../../config/model.js';
import type { TrackRef, Trackers } from '../config/track-lists.js';
import type { VrrpInstance } from '../config/instance-model.js';
import type { TrackerKind, TrackerWeight } from '../track/types.js';
import type { InstanceTrackingSpec, SyncGroupTrackingSpec } from '../track/resolve.js';
import type { VrrpScriptSpec } from '../track/script.js';
import type { TrackInterfaceSpec } from '../track/interface.js';
import { userSpec, type PlanContext } from './context.js';
import type { PlannedSyncGroup, PlannedTrackers } from './types.js';

type Lists = Record<Exclude<TrackerKind, 'interface'>, Set<string>>;

const LIST_OF: readonly [Exclude<TrackerKind, 'interface'>, keyof Trackers][] = [
  ['script', 'trackScripts'],
  ['file', 'trackFiles'],
  ['process', 'trackProcesses'],
  ['bfd', 'trackBfds'],
];

export interface TrackingPlan {
  readonly trackers: PlannedTrackers;
  readonly instances: InstanceTrackingSpec[];
  readonly groups: SyncGroupTrackingSpec[];
}

function weight(kind: TrackerKind, ref: TrackRef): TrackerWeight {
  return { kind, name: ref.name, weight: ref.weight ?? 0, reverse: ref.reverse ?? false };
}

/** The interfaces an instance is tracked on when dont_track_primary is off: its VMAC, then the interface under it. */
export function primaryInterfaces(v: VrrpInstance, vmac: string | undefined): string[] {
  if (v.interface === undefined) return [];
  return vmac !== undefined ? [vmac, v.interface] : [v.interface];
}

export function planTracking(
  ctx: PlanContext,
  config: Config,
  instances: readonly { readonly v: VrrpInstance; readonly vmac: string | undefined }[],
  groups: readonly PlannedSyncGroup[],
): TrackingPlan {
  const bfdNames = new Set(config.bfdInstances.filter((b) => b.eventsToVrrp).map((b) => b.name));
  const exists: Lists = {
    script: new Set(config.vrrpScripts.map((s) => s.name)),
    file: new Set(config.trackFiles.map((f) => f.name)),
    process: new Set(config.trackProcesses.map((p) => p.name)),
    bfd: bfdNames,
  };
  const used: Lists = { script: new Set(), file: new Set(), process: new Set(), bfd: new Set() };
  const markUsed = (t: Trackers) => {
    for (const [kind, field] of LIST_OF) for (const ref of t[field]) if (exists[kind].has(ref.name)) used[kind].add(ref.name);
  };
  for (const { v } of instances) markUsed(v);
  const groupBlocks = new Map(config.vrrpSyncGroups.map((g) => [g.name, g]));
  for (const g of groups) markUsed(groupBlocks.get(g.name)!);

  // vrrp_scripts first: one that cannot run disappears from every list below.
  const scripts: VrrpScriptSpec[] = [];
  for (const s of config.vrrpScripts) {
    if (!used.script.has(s.name) || !s.script) continue;
    const user = s.user !== undefined ? userSpec(s.user, s.group) : undefined;
    const script = ctx.script(s.script, 'command', `vrrp_script ${s.name}`, { name: s.name, ...(user ? { user } : {}) });
    if (!script) {
      used.script.delete(s.name);
      continue;
    }
    scripts.push({
      name: s.name, script, intervalMs: s.intervalMs, rise: s.rise, fall: s.fall, initFail: s.initFail,
      ...(s.timeoutMs > 0 ? { timeoutMs: s.timeoutMs } : {}),
    });
  }

  const refs = (owner: string, t: Trackers): TrackerWeight[] => {
    const out: TrackerWeight[] = t.trackInterfaces.map((ref) => weight('interface', ref));
    for (const [kind, field] of LIST_OF) {
      for (const ref of t[field]) {
        if (used[kind].has(ref.name)) out.push(weight(kind, ref));
        else if (kind === 'script' && exists.script.has(ref.name)) ctx.notice(`(${owner}) track_script ${ref.name} dropped: the script cannot be run`, 'track_script');
      }
    }
    return out;
  };

  const trackedInterfaces = new Set<string>();
  const instanceSpecs: InstanceTrackingSpec[] = instances.map(({ v, vmac }) => {
    const primaries = primaryInterfaces(v, vmac);
    const trackers = refs(v.name, v);
    for (const t of trackers) if (t.kind === 'interface') trackedInterfaces.add(t.name);
    if (!v.dontTrackPrimary) for (const p of primaries) trackedInterfaces.add(p);
    return { name: v.name, basePriority: v.priority, primaryInterfaces: primaries, dontTrackPrimary: v.dontTrackPrimary, trackers };
  });
  const groupSpecs: SyncGroupTrackingSpec[] = groups.map((g) => {
    const block = groupBlocks.get(g.name)!;
    const trackers = refs(g.name, block);
    for (const t of trackers) if (t.kind === 'interface') trackedInterfaces.add(t.name);
    return { name: g.name, members: g.members, trackers, trackingWeight: block.trackingWeight };
  });

  const delays = new Map(config.interfaceUpDownDelays.map((d) => [d.interface, d]));
  const interfaces: TrackInterfaceSpec[] = [...trackedInterfaces].map((name) => {
    const d = delays.get(name);
    return d ? { name, upDelayMs: d.upDelayMs, downDelayMs: d.downDelayMs } : { name };
  });

  return {
    trackers: {
      scripts,
      files: config.trackFiles.filter((f) => used.file.has(f.name) && f.file !== undefined).map((f) => ({
        name: f.name, path: f.file!, ...(f.initFile ? { initFile: { value: f.initFile.value, overwrite: f.initFile.overwrite } } : {}),
      })),
      processes: config.trackProcesses.filter((p) => used.process.has(p.name) && p.process !== undefined).map((p) => ({
        name: p.name, process: p.process!, params: [...p.params], paramMatch: p.paramMatch, fullCommand: p.fullCommand,
        quorum: p.quorum, forkDelayMs: p.forkDelayMs, terminateDelayMs: p.terminateDelayMs,
        ...(p.quorumMax !== undefined ? { quorumMax: p.quorumMax } : {}),
      })),
      interfaces,
      bfds: [...used.bfd],
    },
    instances: instanceSpecs,
    groups: groupSpecs,
  };
}
