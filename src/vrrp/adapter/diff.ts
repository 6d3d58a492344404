/**
 * The reload plan: what changes between two VRRP plans, as keepalived applies a reload
 * (vrrp.c clear_diff_vrrp, vrrp_exist, restore_vrrp_state; vrrp_sync.c
 * set_previous_sync_group_states; clear_diff_script), typed for the vrrp child to apply and
 * summarised in words for `--diff`.
 *
 * Matching old and new instances is keepalived's vrrp_exist, not the name: the same VRID,
 * family and configured interface, both unicast or both multicast; then for unicast the same
 * source address (configured, or the interface's own), for multicast the same use_vmac (and
 * use_vmac_addr) setting and the same multicast group. A renamed instance therefore keeps its
 * state, and one moved to another interface is removed and added.
 *  - kept: the new FSM starts from the old one's state, counters and AH sequence (the FSM's
 *    `start({ resume })`); only the differences of its VIPs, eVIPs, virtual routes and rules
 *    are applied — added ones installed and removed ones deleted if it is MASTER. A VMAC the
 *    new instance no longer uses is removed. Other changed settings are listed for the summary.
 *  - removed: a MASTER one first removes its addresses (priority 0, as on shutdown); it is
 *    reported DELETED with notify_deleted, else FAULT (keepalived's long-standing default), and
 *    an instance already in FAULT is reported only with notify_deleted.
 *  - added: started as at start-up.
 * Sync groups are matched by name (their state carries over when it is the same), trackers by
 * kind and name (a kept vrrp_script keeps its result), static items by their full contents.
 */
import { describeRoute } from '../../net/netlink/rtnl/route.js';
import { describeRule } from '../../net/netlink/rtnl/rule.js';
import type { RouteEntry, RuleEntry, VipSpec } from '../actions/types.js';
import type { PlannedInstance, VrrpPlan } from './types.js';

export interface ListDiff<T> {
  readonly added: readonly T[];
  readonly removed: readonly T[];
}

export interface SettingChange {
  /** "priority", "advertIntervalMs", "transport.unicastTtl", "garp.masterRepeat", … */
  readonly setting: string;
  readonly from: string;
  readonly to: string;
}

export interface KeptInstance {
  /** The instance's name in the old plan (it may have been renamed). */
  readonly previous: string;
  readonly name: string;
  /** VIPs with `dev` filled in (the instance's VMAC or interface when the line gave none). */
  readonly vips: ListDiff<VipSpec>;
  readonly evips: ListDiff<VipSpec>;
  readonly routes: ListDiff<RouteEntry>;
  readonly rules: ListDiff<RuleEntry>;
  /** The old VMAC, when the new instance no longer uses it. */
  readonly vmacRemoved?: string;
  readonly changes: readonly SettingChange[];
}

export interface RemovedInstance {
  readonly name: string;
  /** What the notify scripts and FIFOs are told. */
  readonly reportAs: 'DELETED' | 'FAULT';
  /** Report it even when it is already FAULT (only with notify_deleted). */
  readonly reportWhenFault: boolean;
  /** Its VMAC, to remove unless a new instance uses the same name. */
  readonly vmac?: string;
}

export interface NamedDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** In both plans, with different settings or members. */
  readonly changed: readonly string[];
}

export interface VrrpPlanDiff {
  readonly kept: readonly KeptInstance[];
  readonly removed: readonly RemovedInstance[];
  /** Names in the new plan. */
  readonly added: readonly string[];
  readonly syncGroups: NamedDiff;
  readonly trackers: { readonly scripts: NamedDiff; readonly files: NamedDiff; readonly processes: NamedDiff; readonly interfaces: NamedDiff; readonly bfds: NamedDiff };
  readonly statics: { readonly addresses: ListDiff<VipSpec>; readonly routes: ListDiff<RouteEntry>; readonly rules: ListDiff<RuleEntry> };
  /** Nothing at all differs. */
  readonly unchanged: boolean;
}

/** A canonical text for deep comparison: sorted keys; bigint and Infinity survive. */
export function stableKey(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, walk((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(walk(value)) ?? 'undefined';
}

export function listDiff<T>(before: readonly T[], after: readonly T[]): ListDiff<T> {
  const was = new Set(before.map(stableKey));
  const now = new Set(after.map(stableKey));
  return { added: after.filter((x) => !was.has(stableKey(x))), removed: before.filter((x) => !now.has(stableKey(x))) };
}

function namedDiff<T>(before: readonly T[], after: readonly T[], nameOf: (x: T) => string): NamedDiff {
  const old = new Map(before.map((x) => [nameOf(x), stableKey(x)]));
  const now = new Map(after.map((x) => [nameOf(x), stableKey(x)]));
  return {
    added: [...now.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !now.has(n)),
    changed: [...now].filter(([n, k]) => old.has(n) && old.get(n) !== k).map(([n]) => n),
  };
}

/** keepalived vrrp_exist: the new instance that continues `old`, if any. */
export function matchInstance(old: PlannedInstance, candidates: readonly PlannedInstance[]): PlannedInstance | undefined {
  for (const n of candidates) {
    if (n.params.vrid !== old.params.vrid || n.params.family !== old.params.family || n.transport.interface !== old.transport.interface) continue;
    if (n.params.unicast !== old.params.unicast) continue;
    if (n.params.unicast) {
      if (sourceOf(n) !== sourceOf(old)) continue;
      return n;
    }
    // keepalived stops looking here: a multicast VRID on an interface is unique.
    if ((n.transport.vmacName !== undefined) !== (old.transport.vmacName !== undefined)) return undefined;
    if (n.transport.multicastGroup !== old.transport.multicastGroup) return undefined;
    return n;
  }
  return undefined;
}

function sourceOf(i: PlannedInstance): string | undefined {
  return i.transport.sourceAddress ?? i.params.primaryAddress;
}

/** VIPs with their effective interface: a line without `dev` lands on the VMAC or the interface. */
export function effectiveVips(i: PlannedInstance, list: readonly VipSpec[]): VipSpec[] {
  const dev = i.transport.vmacName ?? i.definition.interface;
  return list.map((v) => (v.dev !== undefined || dev === undefined ? v : { ...v, dev }));
}

/** Settings as "path → text", for listing what changed. Passwords are never shown. */
function settings(i: PlannedInstance): Map<string, string> {
  const out = new Map<string, string>();
  const put = (prefix: string, obj: object, skip: readonly string[] = []) => {
    for (const [k, v] of Object.entries(obj)) {
      if (skip.includes(k) || v === undefined) continue;
      out.set(`${prefix}${k}`, k === 'auth' ? (v as { type: string }).type : typeof v === 'object' ? stableKey(v) : String(v));
    }
  };
  put('', i.params, ['name', 'addresses', 'primaryAddress']);
  if (i.params.auth.type !== 'none') out.set('authPassword', stableKey(i.params.auth));
  put('transport.', i.transport, ['family', 'interface', 'peers', 'checkUnicastSource']);
  put('garp.', i.definition.garp);
  put('', { accept: i.definition.accept, syncGroup: i.syncGroup ?? '(none)' });
  if (i.definition.vmac) put('vmac.', i.definition.vmac);
  return out;
}

function settingChanges(old: PlannedInstance, now: PlannedInstance): SettingChange[] {
  const a = settings(old);
  const b = settings(now);
  const out: SettingChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const from = a.get(key) ?? '(unset)';
    const to = b.get(key) ?? '(unset)';
    if (from === to) continue;
    out.push(key === 'authPassword' ? { setting: 'auth_pass', from: '(hidden)', to: '(changed)' } : { setting: key, from, to });
  }
  return out;
}

export function diffVrrpPlans(old: VrrpPlan, next: VrrpPlan): VrrpPlanDiff {
  const kept: KeptInstance[] = [];
  const removed: RemovedInstance[] = [];
  const taken = new Set<PlannedInstance>();
  // A VMAC goes with its instance unless a new instance uses the same name.
  const vmacsInUse = new Set(next.instances.flatMap((n) => (n.transport.vmacName !== undefined ? [n.transport.vmacName] : [])));
  const unused = (name: string | undefined): name is string => name !== undefined && !vmacsInUse.has(name);
  for (const o of old.instances) {
    const n = matchInstance(o, next.instances.filter((c) => !taken.has(c)));
    if (!n) {
      const notifyDeleted = old.notify.specs.find((s) => s.type === 'INSTANCE' && s.name === o.name)?.notifyDeleted === true;
      removed.push({ name: o.name, reportAs: notifyDeleted ? 'DELETED' : 'FAULT', reportWhenFault: notifyDeleted, ...(unused(o.transport.vmacName) ? { vmac: o.transport.vmacName } : {}) });
      continue;
    }
    taken.add(n);
    kept.push({
      previous: o.name,
      name: n.name,
      vips: listDiff(effectiveVips(o, o.definition.vips), effectiveVips(n, n.definition.vips)),
      evips: listDiff(effectiveVips(o, o.definition.evips), effectiveVips(n, n.definition.evips)),
      routes: listDiff(o.definition.routes, n.definition.routes),
      rules: listDiff(o.definition.rules, n.definition.rules),
      ...(unused(o.transport.vmacName) ? { vmacRemoved: o.transport.vmacName } : {}),
      changes: settingChanges(o, n),
    });
  }
  const added = next.instances.filter((n) => !taken.has(n)).map((n) => n.name);
  const diff: Omit<VrrpPlanDiff, 'unchanged'> = {
    kept,
    removed,
    added,
    syncGroups: namedDiff(old.syncGroups, next.syncGroups, (g) => g.name),
    trackers: {
      scripts: namedDiff(old.trackers.scripts, next.trackers.scripts, (s) => s.name),
      files: namedDiff(old.trackers.files, next.trackers.files, (f) => f.name),
      processes: namedDiff(old.trackers.processes, next.trackers.processes, (p) => p.name),
      interfaces: namedDiff(old.trackers.interfaces, next.trackers.interfaces, (i) => i.name),
      bfds: namedDiff(old.trackers.bfds, next.trackers.bfds, (b) => b),
    },
    statics: {
      addresses: listDiff(withDefaultDev(old), withDefaultDev(next)),
      routes: listDiff(old.statics.routes, next.statics.routes),
      rules: listDiff(old.statics.rules, next.statics.rules),
    },
  };
  const empty = (d: ListDiff<unknown> | NamedDiff) => d.added.length === 0 && d.removed.length === 0 && (!('changed' in d) || d.changed.length === 0);
  const unchanged = removed.length === 0 && added.length === 0
    && kept.every((k) => k.previous === k.name && k.changes.length === 0 && k.vmacRemoved === undefined && [k.vips, k.evips, k.routes, k.rules].every(empty))
    && empty(diff.syncGroups) && Object.values(diff.trackers).every(empty) && Object.values(diff.statics).every(empty);
  return { ...diff, unchanged };
}

function withDefaultDev(p: VrrpPlan): VipSpec[] {
  const dev = p.statics.defaultInterface;
  return p.statics.addresses.map((a) => (a.dev !== undefined || dev === undefined ? a : { ...a, dev }));
}

// --- words -------------------------------------------------------------------------------------

export function describeVip(v: VipSpec): string {
  const len = v.prefixLength ?? (v.address.includes(':') ? 128 : 32);
  return `${v.address}/${len}${v.peer !== undefined ? ` peer ${v.peer}` : ''}${v.dev !== undefined ? ` dev ${v.dev}` : ''}${v.label !== undefined ? ` label ${v.label}` : ''}`;
}

export function describeRouteEntry(r: RouteEntry): string {
  return `${describeRoute(r.route)}${r.dev !== undefined ? ` dev ${r.dev}` : ''}`;
}

/** The summary `--diff` prints: one line per change, keepalived's keywords, indented details. */
export function formatVrrpPlanDiff(diff: VrrpPlanDiff): string {
  if (diff.unchanged) return 'VRRP: no changes\n';
  const lines: string[] = ['VRRP changes:'];
  const items = <T>(keyword: string, d: ListDiff<T>, show: (x: T) => string, indent = '    ') => {
    for (const x of d.added) lines.push(`${indent}+ ${keyword} ${show(x)}`);
    for (const x of d.removed) lines.push(`${indent}- ${keyword} ${show(x)}`);
  };
  for (const k of diff.kept) {
    const dirty = k.previous !== k.name || k.changes.length > 0 || k.vmacRemoved !== undefined
      || [k.vips, k.evips, k.routes, k.rules].some((d: ListDiff<unknown>) => d.added.length + d.removed.length > 0);
    if (!dirty) continue;
    lines.push(`  vrrp_instance ${k.previous === k.name ? k.name : `${k.previous} -> ${k.name}`}: kept, state preserved`);
    items('virtual_ipaddress', k.vips, describeVip);
    items('virtual_ipaddress_excluded', k.evips, describeVip);
    items('virtual_routes', k.routes, describeRouteEntry);
    items('virtual_rules', k.rules, (r) => describeRule(r.rule));
    if (k.vmacRemoved !== undefined) lines.push(`    - use_vmac ${k.vmacRemoved}`);
    for (const c of k.changes) lines.push(`    ~ ${c.setting}: ${c.from} -> ${c.to}`);
  }
  for (const r of diff.removed) {
    lines.push(`  vrrp_instance ${r.name}: removed, reported as ${r.reportAs}${r.reportWhenFault ? '' : ' (nothing if already FAULT)'}`);
  }
  for (const a of diff.added) lines.push(`  vrrp_instance ${a}: added`);
  const named = (keyword: string, d: NamedDiff) => {
    for (const n of d.added) lines.push(`  ${keyword} ${n}: added`);
    for (const n of d.removed) lines.push(`  ${keyword} ${n}: removed`);
    for (const n of d.changed) lines.push(`  ${keyword} ${n}: changed`);
  };
  named('vrrp_sync_group', diff.syncGroups);
  named('vrrp_script', diff.trackers.scripts);
  named('track_file', diff.trackers.files);
  named('vrrp_track_process', diff.trackers.processes);
  named('tracked interface', diff.trackers.interfaces);
  named('track_bfd', diff.trackers.bfds);
  items('static_ipaddress', diff.statics.addresses, describeVip, '  ');
  items('static_routes', diff.statics.routes, describeRouteEntry, '  ');
  items('static_rules', diff.statics.rules, (r) => describeRule(r.rule), '  ');
  return `${lines.join('\n')}\n`;
}
