/**
 * The dump snapshot (src/vrrp/dump/snapshot.ts) of the running vrrp child: the compiled
 * configuration next to what only the running process knows — each instance's state
 * machine (fsmRuntime), its interface, source address and sockets, which addresses are
 * installed, its tracker counts, the resolved notify scripts; the socket pool; the sync
 * groups; every tracker's state and who tracks it; the interface table.
 *
 * The renderers then write keepalived.data (USR1), keepalived.stats (USR2, STATS_CLEAR) and
 * keepalived.json (JSON) in keepalived's formats.
 *
 * Facts this process does not keep, and what is written instead:
 *   - a vrrp_script's rise/fall counter: derived from its state (rise−1 before the first
 *     result, rise+fall−1 when OK, 0 when failed), its run state "idle";
 *   - GARP pacing "next time": 0 (the pacer keeps its lanes private);
 *   - process trackers' fork/terminate delay timers: not running;
 *   - interface sysctl bookkeeping, linkbeat, VRF master: not printed.
 */
import type { Config } from '../../config/model.js';
import { IFF, type InterfaceTable } from '../../net/netlink/index.js';
import type { NetItem, VrrpActions } from '../actions/index.js';
import type { AddressLine } from '../config/address-line.js';
import type {
  AddressDump, GarpDelayDump, InstanceDump, InterfaceDump, NotifyKey, ResolvedScript, SocketDump, SyncGroupDump,
  TrackingEntry, VrrpDumpSnapshot,
} from '../dump/index.js';
import { fsmRuntime } from '../dump/index.js';
import type { NotifyScripts } from '../notify/index.js';
import { trackerKey } from '../track/index.js';
import type { VrrpProcess } from './assembly.js';
import type { Generation } from './generation.js';

const NOTIFY_KEYS: readonly [keyof NotifyScripts, NotifyKey][] = [
  ['master', 'master'], ['backup', 'backup'], ['fault', 'fault'], ['stop', 'stop'], ['deleted', 'deleted'],
  ['masterRxLowerPri', 'masterRxLowerPri'], ['generic', 'any'],
];

function resolved(s: { readonly argv: readonly string[]; readonly uid: number; readonly gid: number }): ResolvedScript {
  return { argv: s.argv, uid: s.uid, gid: s.gid };
}

function notifyOf(g: Generation, type: 'INSTANCE' | 'GROUP', name: string): Partial<Record<NotifyKey, ResolvedScript>> {
  const spec = g.plan.notify.specs.find((s) => s.type === type && s.name === name);
  const out: Partial<Record<NotifyKey, ResolvedScript>> = {};
  for (const [from, to] of NOTIFY_KEYS) {
    const script = spec?.scripts[from];
    if (script) out[to] = resolved(script);
  }
  return out;
}

/** Who tracks each tracker (`kind:name`), from the resolved tracking of the generation. */
function trackingIndex(g: Generation): Map<string, TrackingEntry[]> {
  const out = new Map<string, TrackingEntry[]>();
  for (const inst of g.tracking.resolution.instances.values()) {
    for (const t of inst.trackers) {
      const key = trackerKey(t);
      const list = out.get(key) ?? [];
      list.push({ instance: inst.name, weight: t.weight, reverse: t.reverse });
      out.set(key, list);
    }
  }
  return out;
}

function addressDumps(lines: readonly AddressLine[], items: readonly NetItem[], installed: (i: NetItem) => boolean, fallbackDev: string | undefined): AddressDump[] {
  return lines.map((config, i) => {
    const item = items[i];
    const ifname = item?.category === 'address' ? item.dev : config.dev ?? fallbackDev;
    return { config, ...(ifname !== undefined ? { ifname } : {}), set: item !== undefined && installed(item) };
  });
}

function instanceDumps(config: Config, g: Generation, actions: VrrpActions, table: InterfaceTable): InstanceDump[] {
  const clock = { monotonicNowMs: performance.now(), wallNowUs: Date.now() * 1000 };
  const socketFds = new Map(g.runtime.pool.sockets.map((s) => [s.id, { fdIn: s.receiver?.fd, fdOut: s.sender?.fd }]));
  const out: InstanceDump[] = [];
  for (const v of config.vrrpInstances) {
    const planned = g.plan.instances.find((p) => p.name === v.name);
    const instance = g.runtime.instance(v.name);
    if (!planned || !instance) continue;
    const status = instance.status();
    const ia = g.actions.get(v.name);
    const items = ia?.net.items ?? [];
    const installed = (item: NetItem): boolean => ia?.net.isInstalled(item) === true;
    const vmacHandle = planned.transport.vmacName !== undefined ? actions.vmacs.handles.find((h) => h.name === planned.transport.vmacName) : undefined;
    const ifname = status.link?.name ?? vmacHandle?.name ?? planned.transport.interface;
    const result = g.tracking.result(v.name);
    const fds = status.socket !== undefined ? socketFds.get(status.socket) : undefined;
    const vips = addressDumps(v.vips, items.filter((i) => i.category === 'address' && i.role === 'vip'), installed, ifname);
    const evips = addressDumps(v.evips, items.filter((i) => i.category === 'address' && i.role === 'evip'), installed, ifname);
    out.push({
      config: v,
      runtime: {
        ...fsmRuntime(status, clock),
        totalPriority: status.basePriority + (result?.adjustment ?? 0),
        ...(ifname !== undefined ? { ifname } : {}),
        ...(vmacHandle ? {
          vmac: { kind: 'vmac' as const, ifname: vmacHandle.name, up: table.linkByName(vmacHandle.name)?.up === true, baseIfname: vmacHandle.parent, ours: !vmacHandle.reused },
        } : {}),
        ...(status.source !== undefined ? { sourceAddress: status.source } : {}),
        vips,
        evips,
        vipSet: ia?.state === 'MASTER' && vips.every((a) => a.set),
        numConfigFaults: status.bindError !== undefined ? 1 : 0,
        ...(status.oldChecksum ? { oldChecksumDetected: true } : {}),
        numTrackerFaults: result?.faults.length ?? 0,
        numTrackersInit: result?.pending.length ?? 0,
        ...(fds?.fdIn !== undefined && fds.fdOut !== undefined ? { socket: { fdIn: fds.fdIn, fdOut: fds.fdOut } } : {}),
        notify: notifyOf(g, 'INSTANCE', v.name),
      },
    });
  }
  return out;
}

function socketDumps(g: Generation): SocketDump[] {
  return g.runtime.pool.sockets.flatMap((s) => {
    const fdIn = s.receiver?.fd;
    const fdOut = s.sender?.fd;
    if (fdIn === undefined || fdOut === undefined) return [];
    const k = s.key;
    return [{
      fdIn, fdOut, ifname: k.link?.name ?? 'none', family: k.family === 'inet' ? 4 as const : 6 as const,
      protocol: k.protocol === 51 ? 'AH' as const : 'VRRP' as const,
      ...(k.mode === 'unicast' ? { unicastSource: k.source } : {}),
      rxBufSize: s.receiveBufferBytes,
      instances: s.endpoints.map((e) => ({ name: e.name, vrid: e.vrid })).sort((a, b) => a.vrid - b.vrid),
    }];
  });
}

function syncGroupDumps(config: Config, g: Generation): SyncGroupDump[] {
  const states = new Map(g.runtime.status().syncGroups.map((s) => [s.name, s.state]));
  return config.vrrpSyncGroups.flatMap((c) => {
    const planned = g.plan.syncGroups.find((p) => p.name === c.name);
    if (!planned) return [];
    const members = planned.members.map((m) => g.tracking.result(m));
    return [{
      config: c,
      state: (states.get(c.name) ?? 'INIT') as SyncGroupDump['state'],
      numMemberFault: members.filter((r) => (r?.faults.length ?? 0) > 0).length,
      numMemberInit: members.filter((r) => (r?.pending.length ?? 0) > 0).length,
      notify: notifyOf(g, 'GROUP', c.name),
      ...(c.notifyPriorityChanges !== undefined ? { notifyPriorityChangesSet: true } : {}),
    }];
  });
}

function interfaceDumps(table: InterfaceTable, tracking: Map<string, TrackingEntry[]>): InterfaceDump[] {
  return table.links().sort((a, b) => a.index - b.index).map((l) => {
    const v4 = table.addresses({ index: l.index, family: 4 }).map((a) => a.address);
    const v6 = table.addresses({ index: l.index, family: 6 });
    const ll = v6.find((a) => /^fe[89ab]/i.test(a.address))?.address;
    const loopback = (l.flags & IFF.LOOPBACK) !== 0;
    return {
      name: l.name, ifindex: l.index,
      ...(v4[0] !== undefined ? { ipv4: v4[0] } : {}),
      ...(v4.length > 1 ? { ipv4Others: v4.slice(1) } : {}),
      ...(ll !== undefined ? { ipv6: ll } : {}),
      ...(v6.length > (ll ? 1 : 0) ? { ipv6Others: v6.map((a) => a.address).filter((a) => a !== ll) } : {}),
      ...(l.mac !== undefined && !loopback ? { mac: l.mac } : {}),
      ...(l.broadcast !== undefined && !loopback ? { macBroadcast: l.broadcast } : {}),
      flags: {
        up: (l.flags & IFF.UP) !== 0, running: (l.flags & IFF.RUNNING) !== 0, broadcast: (l.flags & IFF.BROADCAST) !== 0,
        loopback, pointToPoint: (l.flags & IFF.POINTOPOINT) !== 0, noArp: (l.flags & IFF.NOARP) !== 0, multicast: (l.flags & IFF.MULTICAST) !== 0,
      },
      seenUp: l.up,
      mtu: l.mtu ?? 0,
      hwType: l.hardwareType,
      tracking: tracking.get(trackerKey({ kind: 'interface', name: l.name })) ?? [],
    };
  });
}

/** keepalived's GARP delay groups: one per garp_group, and one per instance interface paced by vrrp_garp_interval. */
function garpDelays(config: Config, g: Generation): GarpDelayDump[] {
  const pacing = g.plan.actions.pacing;
  const grouped = new Set(config.garpGroups.flatMap((gg) => gg.interfaces));
  const out: GarpDelayDump[] = config.garpGroups.map((gg, i) => ({
    group: i + 1,
    ...(gg.garpIntervalMs !== undefined ? { garpIntervalMs: gg.garpIntervalMs } : {}),
    ...(gg.gnaIntervalMs !== undefined ? { gnaIntervalMs: gg.gnaIntervalMs } : {}),
    garpNextUs: 0, gnaNextUs: 0, interfaces: [...gg.interfaces],
  }));
  if (!pacing.garpIntervalMs && !pacing.gnaIntervalMs) return out;
  const used = [...new Set(g.plan.instances.flatMap((p) => (p.transport.interface !== undefined ? [p.transport.interface] : [])))];
  for (const ifname of used.filter((i) => !grouped.has(i))) {
    out.push({
      group: 0,
      ...(pacing.garpIntervalMs ? { garpIntervalMs: pacing.garpIntervalMs } : {}),
      ...(pacing.gnaIntervalMs ? { gnaIntervalMs: pacing.gnaIntervalMs } : {}),
      garpNextUs: 0, gnaNextUs: 0, interfaces: [ifname],
    });
  }
  return out;
}

export function buildSnapshot(config: Config, g: Generation, p: VrrpProcess): VrrpDumpSnapshot {
  const actions = p.opened.actions;
  const tracking = trackingIndex(g);
  const fifo = (keyword: string) => g.plan.notify.fifos.find((f) => f.keyword === keyword);
  const notifyFifo = fifo('notify_fifo');
  const vrrpFifo = fifo('vrrp_notify_fifo');
  const statics = actions.statics;
  const staticItems = statics?.items.filter((i) => i.category === 'address') ?? [];
  const t = g.tracking;
  return {
    global: {
      globals: config.global,
      runtime: {
        daemon: {
          ...(config.netNamespace !== undefined ? { netNamespace: config.netNamespace } : {}),
          ...(config.netNamespaceIpvs !== undefined ? { netNamespaceIpvs: config.netNamespaceIpvs } : {}),
          ...(config.instanceName !== undefined ? { instanceName: config.instanceName } : {}),
        },
        resolved: { routerId: g.plan.routerId },
        scriptSecurity: config.global.enableScriptSecurity,
        fifoOwners: {
          ...(notifyFifo ? { notify: { uid: notifyFifo.uid, gid: notifyFifo.gid } } : {}),
          ...(vrrpFifo ? { vrrp: { uid: vrrpFifo.uid, gid: vrrpFifo.gid } } : {}),
        },
        scripts: {
          ...(notifyFifo?.script ? { notifyFifo: resolved(notifyFifo.script) } : {}),
          ...(vrrpFifo?.script ? { vrrpNotifyFifo: resolved(vrrpFifo.script) } : {}),
        },
      },
    },
    garpDelays: garpDelays(config, g),
    staticAddresses: addressDumps(config.staticAddresses, staticItems, (i) => statics?.isInstalled(i) === true, config.global.defaultInterface),
    staticRoutes: config.staticRoutes,
    staticRules: config.staticRules,
    staticTrackGroups: g.plan.statics.trackGroups.map((tg) => ({ name: tg.name, instances: tg.members })),
    instances: instanceDumps(config, g, actions, p.table),
    sockets: socketDumps(g),
    syncGroups: syncGroupDumps(config, g),
    scripts: config.vrrpScripts.flatMap((c) => {
      const tracker = t.scripts.get(c.name);
      const spec = g.plan.trackers.scripts.find((s) => s.name === c.name);
      if (!tracker || !spec) return [];
      const status = tracker.current?.status;
      return [{
        config: c, command: resolved(spec.script),
        result: status === undefined ? c.rise - 1 : status === 'up' ? c.rise + c.fall - 1 : 0,
        insecure: false, initState: status === undefined ? 'INIT' as const : 'done' as const, runState: 'idle' as const,
        tracking: tracking.get(trackerKey({ kind: 'script', name: c.name })) ?? [],
      }];
    }),
    trackFiles: config.trackFiles.flatMap((c) => {
      const tracker = t.files.get(c.name);
      if (!tracker) return [];
      return [{ config: c, path: tracker.path ?? c.file ?? '', value: tracker.current?.value ?? 0, tracking: tracking.get(trackerKey({ kind: 'file', name: c.name })) ?? [] }];
    }),
    trackProcesses: config.trackProcesses.flatMap((c) => {
      const tracker = t.processes?.trackers.get(c.name);
      if (!tracker) return [];
      return [{
        config: c, currentProcesses: tracker.current?.value ?? 0, haveQuorum: tracker.current?.status === 'up',
        forkDelayTimerRunning: false, terminateDelayTimerRunning: false,
        tracking: tracking.get(trackerKey({ kind: 'process', name: c.name })) ?? [],
      }];
    }),
    trackBfds: [...t.bfd.trackers.values()].map((b) => {
      const w = config.bfdInstances.find((i) => i.name === b.name)?.weight ?? { weight: 0, reverse: false };
      return { name: b.name, weight: w.weight, reverse: w.reverse, up: b.current.status === 'up', tracking: tracking.get(trackerKey({ kind: 'bfd', name: b.name })) ?? [] };
    }),
    interfaces: interfaceDumps(p.table, tracking),
  };
}
