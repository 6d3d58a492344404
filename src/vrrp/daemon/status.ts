/**
 * The vrrp child's answers to the control API (query 'status' and 'stats'): one plain
 * object per instance with what an operator asks first — state, configured and effective
 * priority, the master last heard, which virtual addresses are installed, each tracker's
 * state and what it does to the instance, and, for unicast instances, when each peer was
 * last heard (split-brain hygiene: an instance whose peers have gone silent says so here).
 *
 * Times are wall-clock milliseconds since the epoch, converted from the runtime's monotonic
 * clock. Counters are keepalived's names (src/vrrp/stats.ts).
 */
import type { NetItem } from '../actions/index.js';
import type { VrrpState } from '../fsm/types.js';
import type { PeerSilenceStatus, SocketStatus } from '../io/index.js';
import type { VrrpStats } from '../stats.js';
import { trackerEffect, type TrackerChange, type TrackerKind } from '../track/index.js';
import type { Generation } from './generation.js';

export interface AddressStatus {
  readonly role: NetItem['role'];
  readonly what: string;
  readonly dev?: string;
  readonly installed: boolean;
}

export interface TrackerStatusView {
  readonly kind: TrackerKind;
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  /** up/down, or undefined while it has not reported. */
  readonly status?: 'up' | 'down';
  readonly value?: number;
  /** What it does to the instance now. */
  readonly effect: 'fault' | 'pending' | 'none' | 'weight';
  readonly delta: number;
}

export interface InstanceStatusView {
  readonly name: string;
  readonly vrid: number;
  readonly family: 'inet' | 'inet6';
  readonly version: 2 | 3;
  readonly state: VrrpState;
  readonly wantState: VrrpState;
  readonly priority: number;
  readonly effectivePriority: number;
  readonly master?: { readonly address?: string; readonly priority?: number; readonly advertIntervalMs: number };
  readonly interface?: string;
  readonly source?: string;
  /** Why adverts cannot flow (interface or address missing, socket refused). */
  readonly bindError?: string;
  readonly syncGroup?: string;
  /** Held in INIT until these unweighted scripts report. */
  readonly waitingFor: readonly string[];
  readonly faults: readonly string[];
  readonly addresses: readonly AddressStatus[];
  readonly trackers: readonly TrackerStatusView[];
  readonly unicastPeers?: PeerSilenceStatus & { readonly silentSinceAt?: number };
  readonly lastTransitionAt?: number;
  readonly stats: VrrpStats;
}

export interface VrrpStatus {
  readonly process: 'Keepalived_vrrp';
  readonly pid: number;
  readonly instances: readonly InstanceStatusView[];
  readonly syncGroups: readonly { readonly name: string; readonly state: string; readonly members: readonly string[] }[];
  readonly sockets: readonly SocketStatus[];
  readonly droppedLogLines: number;
}

function describe(item: NetItem): string {
  switch (item.category) {
    case 'address':
      return `${item.address}/${item.prefixLength}`;
    case 'route':
      return `${item.entry.route.dst ?? 'default'}`;
    case 'rule':
      return `rule${item.entry.rule.priority !== undefined ? ` ${item.entry.rule.priority}` : ''}`;
  }
}

export function vrrpStatus(g: Generation): VrrpStatus {
  const wall = (monotonicMs: number): number => Math.round(Date.now() - (performance.now() - monotonicMs));
  const t = g.tracking;
  const current = (kind: TrackerKind, name: string): TrackerChange | undefined => {
    switch (kind) {
      case 'script': return t.scripts.get(name)?.current;
      case 'file': return t.files.get(name)?.current;
      case 'process': return t.processes?.trackers.get(name)?.current;
      case 'interface': return t.interfaces.get(name)?.current;
      case 'bfd': return t.bfd.trackers.get(name)?.current;
    }
  };
  const runtime = g.runtime.status();
  const instances = g.plan.instances.flatMap((p): InstanceStatusView[] => {
    const s = runtime.instances.find((i) => i.name === p.name);
    if (!s) return [];
    const result = g.tracking.result(p.name);
    const ia = g.actions.get(p.name);
    const resolvedTrackers = t.resolution.instances.get(p.name)?.trackers ?? [];
    const peers = s.unicastPeers;
    return [{
      name: p.name, vrid: s.vrid, family: s.family, version: s.version,
      state: s.state, wantState: s.wantState, priority: s.basePriority, effectivePriority: s.effectivePriority,
      ...(s.masterAddress !== undefined || s.state === 'BACKUP' ? {
        master: {
          ...(s.masterAddress !== undefined ? { address: s.masterAddress } : {}),
          ...(s.masterPriority !== undefined ? { priority: s.masterPriority } : {}),
          advertIntervalMs: s.masterAdvertIntervalMs,
        },
      } : {}),
      ...(s.link ? { interface: s.link.name } : p.transport.interface !== undefined ? { interface: p.transport.interface } : {}),
      ...(s.source !== undefined ? { source: s.source } : {}),
      ...(s.bindError !== undefined ? { bindError: s.bindError } : {}),
      ...(p.syncGroup !== undefined ? { syncGroup: p.syncGroup } : {}),
      waitingFor: (result?.pending ?? []).map((k) => k.replace(/^script:/, '')),
      faults: s.faults,
      addresses: (ia?.net.items ?? []).map((item) => ({
        role: item.role, what: describe(item), ...(item.category !== 'rule' && item.dev !== undefined ? { dev: item.dev } : {}),
        installed: ia?.net.isInstalled(item) === true,
      })),
      trackers: resolvedTrackers.map((r) => {
        const state = current(r.kind, r.name);
        const e = trackerEffect(r, state);
        return {
          kind: r.kind, name: r.name, weight: r.weight, reverse: r.reverse,
          ...(state ? { status: state.status } : {}),
          ...(state?.value !== undefined ? { value: state.value } : {}),
          effect: e.type === 'weight' ? (e.delta === 0 ? 'none' as const : 'weight' as const) : e.type,
          delta: e.type === 'weight' ? e.delta : 0,
        };
      }),
      ...(peers ? { unicastPeers: { ...peers, ...(peers.silentSinceMs !== undefined ? { silentSinceAt: wall(peers.silentSinceMs) } : {}) } } : {}),
      ...(s.lastTransitionMs !== undefined ? { lastTransitionAt: wall(s.lastTransitionMs) } : {}),
      stats: s.stats,
    }];
  });
  return {
    process: 'Keepalived_vrrp',
    pid: process.pid,
    instances,
    syncGroups: runtime.syncGroups,
    sockets: runtime.sockets,
    droppedLogLines: runtime.dropLog.suppressed + g.drops.totals.suppressed,
  };
}

/** Counters per instance (query 'stats'). */
export function vrrpStats(g: Generation): { readonly instances: readonly { readonly name: string; readonly stats: VrrpStats }[] } {
  return { instances: g.runtime.instances.map((i) => ({ name: i.name, stats: { ...i.fsm.stats } })) };
}
