/**
 * Which trackers apply to each VRRP instance, with which weights — the
 * configuration-time half of keepalived's tracking (vrrp.c vrrp_complete_instance,
 * sync_group_tracking_init, add_vrrp_to_interface / add_vrrp_to_track_*;
 * trackers/track_file.c add_obj_to_track_file). Pure.
 *
 * The rules, in keepalived's order:
 *  1. An instance tracks what its own track_* lists name; a second line for
 *     the same object is ignored.
 *  2. The instance's own interface (and, with a VMAC, the interface under
 *     it) is always tracked, unweighted — its link going down is a FAULT —
 *     unless `dont_track_primary`. Naming it in track_interface is ignored.
 *  3. A member of a sync group without `sync_group_tracking_weight`, or an
 *     address owner (priority 255), cannot use weights: its weighted
 *     interfaces become unweighted (sync group) or are dropped (owner); a
 *     track_file with weight 1 (the default) becomes unweighted; every other
 *     weighted tracker is dropped. (keepalived 2.2.7 forgets track_process
 *     here; the man page's rule covers it, and so do we.)
 *  4. The sync group's trackers apply to every member. In a group with an
 *     address owner their weights are cleared. An object tracked by both the
 *     instance and its group keeps the instance's "unweighted" if it was
 *     unweighted, and takes the group's weight otherwise.
 * Every adjustment is reported with keepalived's wording, prefixed by the
 * instance or group name in parentheses.
 */
import type { TrackerKind, TrackerWeight } from './types.js';

export const PRIORITY_OWNER = 255;

export interface InstanceTrackingSpec {
  readonly name: string;
  /** The configured priority, 1..255 (255 = address owner). */
  readonly basePriority: number;
  /** The interface the instance runs on and, with a VMAC, its base interface. */
  readonly primaryInterfaces: readonly string[];
  readonly dontTrackPrimary: boolean;
  /** track_interface, track_script, track_file, track_process, track_bfd, with resolved weights. */
  readonly trackers: readonly TrackerWeight[];
}

export interface SyncGroupTrackingSpec {
  readonly name: string;
  readonly members: readonly string[];
  readonly trackers: readonly TrackerWeight[];
  /** sync_group_tracking_weight: members may keep weighted trackers. */
  readonly trackingWeight: boolean;
}

export interface ResolvedTracker extends TrackerWeight {
  /** Where the line came from. */
  readonly origin: 'instance' | 'primary' | 'group';
}

export interface ResolvedInstance {
  readonly name: string;
  readonly basePriority: number;
  readonly trackers: readonly ResolvedTracker[];
}

export interface TrackingResolution {
  readonly instances: ReadonlyMap<string, ResolvedInstance>;
  /** Adjustments made, for the log (keepalived reports them as config errors). */
  readonly messages: readonly string[];
}

const LIST: Record<TrackerKind, string> = {
  interface: 'track_interface',
  script: 'track_script',
  file: 'track_file',
  process: 'track_process',
  bfd: 'track_bfd',
};

export const trackerKey = (t: { readonly kind: TrackerKind; readonly name: string }): string => `${t.kind}:${t.name}`;

/** Rule 3: a weighted tracker on an instance that may not have weights. */
function withoutWeight(t: ResolvedTracker, inst: string, why: 'SYNC group' | 'address owner', out: string[]): ResolvedTracker | undefined {
  if (t.weight === 0) return t;
  switch (t.kind) {
    case 'interface':
      if (why === 'SYNC group') {
        out.push(`(${inst}) ignoring ${t.name} tracked interface weight due to SYNC group`);
        return { ...t, weight: 0, reverse: false };
      }
      out.push(`(${inst}) ignoring ${t.name} tracked interface due to address owner`);
      return undefined;
    case 'file':
      if (t.weight === 1) {
        out.push(`(${inst}) ignoring weight from tracked file ${t.name} due to ${why}. specify weight 0`);
        return { ...t, weight: 0 };
      }
      out.push(`(${inst}) ignoring tracked file ${t.name} with weight ${t.weight} due to ${why}`);
      return undefined;
    case 'script':
      out.push(`(${inst}) ignoring tracked script ${t.name} with weights due to ${why}`);
      return undefined;
    default:
      out.push(`(${inst}) ignoring tracked ${t.kind} ${t.name} with weight ${t.weight} due to ${why}`);
      return undefined;
  }
}

export function resolveTracking(instances: readonly InstanceTrackingSpec[], groups: readonly SyncGroupTrackingSpec[] = []): TrackingResolution {
  const messages: string[] = [];
  const groupOf = new Map<string, SyncGroupTrackingSpec>();
  for (const g of groups) {
    for (const m of g.members) {
      if (groupOf.has(m)) messages.push(`(${m}) is in sync groups ${groupOf.get(m)!.name} and ${g.name} - using ${groupOf.get(m)!.name}`);
      else groupOf.set(m, g);
    }
  }
  const byName = new Map(instances.map((i) => [i.name, i]));
  // Rule 4, first half: a group with an address owner cannot have weighted trackers.
  const groupTrackers = new Map<string, ResolvedTracker[]>();
  for (const g of groups) {
    const hasOwner = g.members.some((m) => byName.get(m)?.basePriority === PRIORITY_OWNER);
    groupTrackers.set(
      g.name,
      g.trackers.map((t) => {
        if (hasOwner && t.weight !== 0) {
          messages.push(`(${g.name}) Cannot have weighted ${LIST[t.kind]} '${t.name}' with member having priority ${PRIORITY_OWNER} - clearing weight`);
          return { ...t, weight: 0, reverse: false, origin: 'group' as const };
        }
        return { ...t, origin: 'group' as const };
      }),
    );
  }

  const resolved = new Map<string, ResolvedInstance>();
  for (const inst of instances) {
    const list: ResolvedTracker[] = [];
    const index = new Map<string, number>();
    const group = groupOf.get(inst.name);
    const owner = inst.basePriority === PRIORITY_OWNER;
    const noWeights = owner ? 'address owner' : group && !group.trackingWeight ? 'SYNC group' : undefined;
    const primaries = new Set(inst.primaryInterfaces);

    // Rules 1–3.
    for (const line of inst.trackers) {
      const key = trackerKey(line);
      if (index.has(key)) {
        messages.push(`(${inst.name}) duplicate ${LIST[line.kind]} ${line.name} - ignoring`);
        continue;
      }
      if (line.kind === 'interface' && primaries.has(line.name)) {
        messages.push(`(${inst.name}) Ignoring track_interface ${line.name} since own interface`);
        continue;
      }
      let t: ResolvedTracker | undefined = { ...line, origin: 'instance' };
      if (noWeights) t = withoutWeight(t, inst.name, noWeights, messages);
      if (!t) continue;
      index.set(key, list.length);
      list.push(t);
    }
    if (!inst.dontTrackPrimary) {
      for (const ifname of primaries) {
        const t: ResolvedTracker = { kind: 'interface', name: ifname, weight: 0, reverse: false, origin: 'primary' };
        index.set(trackerKey(t), list.length);
        list.push(t);
      }
    }

    // Rule 4, second half.
    for (const g of group ? groupTrackers.get(group.name)! : []) {
      const at = index.get(trackerKey(g));
      if (at === undefined) {
        index.set(trackerKey(g), list.length);
        list.push(g);
        continue;
      }
      const mine = list[at]!;
      if (mine.origin === 'instance') {
        messages.push(`(${inst.name}) ${LIST[g.kind]} ${g.name} is configured on VRRP instance and sync group. Remove vrrp instance config`);
      }
      if (mine.weight !== 0) list[at] = g;
    }
    resolved.set(inst.name, { name: inst.name, basePriority: inst.basePriority, trackers: list });
  }
  return { instances: resolved, messages };
}
