/**
 * The keepalived 2.2.7 run captured by scripts/capture-vrrp-dumps.sh (fixtures/), and a
 * VrrpDumpSnapshot describing the same moment: the configuration comes from our compiler
 * (fixtures/keepalived.conf.in with the run's temporary directory put back), the run-time
 * facts are the values that run had — times, fds, ifindexes, counters, resolved script paths
 * — each read off the captured files and named here where it is used.
 *
 * Two phases were captured: 'backup' (both instances BACKUP, shortly after start) and
 * 'master' (both MASTER). The time zone of the capture was UTC (capture-info.txt).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileText, type Config } from '../../../src/config/index.js';
import type { AddressLine } from '../../../src/vrrp/config/index.js';
import { newVrrpStats, type VrrpStats } from '../../../src/vrrp/stats.js';
import type { AddressDump, InterfaceDump, ResolvedScript, VrrpDumpSnapshot } from '../../../src/vrrp/dump/index.js';

process.env.TZ = 'UTC';

export type Phase = 'backup' | 'master';

const FIXTURES = fileURLToPath(new URL('../../../../test/unit/vrrp-dump/fixtures/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** Values from capture-info.txt. */
export const RUN = {
  tmpDir: '/tmp/kadump.9SFL8J',
  netns: 'kadump2067',
  instance: 'dumpinst',
};

export function compiledConfig(): Config {
  const text = fixture('keepalived.conf.in').replaceAll('@DIR@', RUN.tmpDir);
  const result = compileText(text);
  const errors = result.diagnostics.items.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`captured config does not compile: ${errors.map((e) => e.message).join('; ')}`);
  return result.config;
}

/** keepalived resolves script paths with realpath; on the capture host /bin is a link to /usr/bin. */
function resolved(argv: readonly string[]): ResolvedScript {
  return { argv: [argv[0]!.replace(/^\/bin\//, '/usr/bin/'), ...argv.slice(1)], uid: 0, gid: 0 };
}

function address(config: AddressLine, ifname: string, set: boolean): AddressDump {
  return { config, ifname: config.dev ?? ifname, set };
}

const stats = (s: Partial<VrrpStats>): VrrpStats => ({ ...newVrrpStats(), ...s });

/** Per-phase facts: keepalived.*.data "Last transition", "Read timeout", GARP times; stats counters. */
const PHASES = {
  backup: {
    vi1: { lastUs: 1795314326162713, nextUs: 1795314329729116, stats: stats({}) },
    vi6: { lastUs: 1795314326147308, nextUs: 1795314327912933, stats: stats({}) },
    garpNext: { va: [0, 0], vb: [0, 0] },
    vbForwardingCheckedUs: undefined as number | undefined,
  },
  master: {
    vi1: { lastUs: 1795314329759161, nextUs: 1795314331850712, stats: stats({ advert_sent: 2, become_master: 1 }) },
    vi6: { lastUs: 1795314329762030, nextUs: 1795314331850863, stats: stats({ advert_sent: 4, become_master: 1 }) },
    garpNext: { va: [1795314330849519, 0], vb: [1795314330845408, 1795314329771236] },
    vbForwardingCheckedUs: 1795314329761561 as number | undefined,
  },
} as const;

function interfaces(phase: Phase): InterfaceDump[] {
  const both = [{ instance: 'VI_1', weight: 0, reverse: false }, { instance: 'VI_6', weight: 0, reverse: false }];
  const ether = { broadcast: true, loopback: false, pointToPoint: false, noArp: false, multicast: true, up: true, running: true };
  const fwd = PHASES[phase].vbForwardingCheckedUs;
  return [
    {
      name: 'lo', ifindex: 1, ipv4: '127.0.0.1', seenUp: true, mtu: 65536, hwType: 772, tracking: [],
      flags: { up: true, running: true, broadcast: false, loopback: true, pointToPoint: false, noArp: false, multicast: false },
    },
    {
      name: 'vb', ifindex: 2, ipv4: '10.77.1.1', ipv6: 'fe80::ff:fe00:bb01', mac: '02:00:00:00:bb:01', macBroadcast: 'ff:ff:ff:ff:ff:ff',
      flags: ether, seenUp: true, mtu: 1500, hwType: 1, garpIntervalMs: 1, gnaIntervalMs: 2, tracking: both,
      ...(fwd !== undefined ? { ipv6ForwardingCheckedUs: fwd, ipv6Forwarding: false } : {}),
    },
    {
      name: 'va', ifindex: 3, ipv4: '10.77.0.1', ipv6: 'fe80::ff:fe00:aa01', mac: '02:00:00:00:aa:01', macBroadcast: 'ff:ff:ff:ff:ff:ff',
      flags: ether, seenUp: true, mtu: 1500, hwType: 1, garpIntervalMs: 1, gnaIntervalMs: 2, tracking: both,
    },
  ];
}

/** The snapshot of the captured run at `phase`. */
export function capturedSnapshot(phase: Phase): VrrpDumpSnapshot {
  const config = compiledConfig();
  const p = PHASES[phase];
  const state = phase === 'master' ? 'MASTER' : 'BACKUP';
  const isMaster = phase === 'master';
  const [vi1, vi6] = config.vrrpInstances as [Config['vrrpInstances'][number], Config['vrrpInstances'][number]];
  const [chkOk, chkBad] = config.vrrpScripts;
  const notify = (n: typeof vi1.notify) =>
    Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined).map(([k, v]) => [k, resolved(v!.argv)]));
  const common = { numConfigFaults: 0, numTrackerFaults: 0, numTrackersInit: 0, vipSet: isMaster, state, wantState: state } as const;
  return {
    global: {
      globals: config.global,
      runtime: {
        daemon: { netNamespace: RUN.netns, instanceName: RUN.instance },
        scriptSecurity: true,
        defaultScriptUser: { uid: 0, gid: 0 },
        fifoOwners: { vrrp: { uid: 0, gid: 0 } },
        libnftnlVersion: '1.2.3',
      },
    },
    garpDelays: [
      { group: 0, garpIntervalMs: 1, gnaIntervalMs: 2, garpNextUs: p.garpNext.va[0], gnaNextUs: p.garpNext.va[1], interfaces: ['va'] },
      { group: 0, garpIntervalMs: 1, gnaIntervalMs: 2, garpNextUs: p.garpNext.vb[0], gnaNextUs: p.garpNext.vb[1], interfaces: ['vb'] },
    ],
    staticAddresses: [], staticRoutes: [], staticRules: [], staticTrackGroups: [],
    instances: [
      {
        config: vi1,
        runtime: {
          ...common,
          effectivePriority: 111, totalPriority: 111, masterDownTimerUs: 3566406,
          lastTransitionUs: p.vi1.lastUs, nextTimerUs: p.vi1.nextUs,
          ...(isMaster ? {} : { master: { priority: 0, advertIntervalMs: 1000 } }),
          ifname: 'va', sourceAddress: '10.77.0.1',
          vips: vi1.vips.map((a) => address(a, 'va', isMaster)),
          evips: vi1.evips.map((a) => address(a, 'va', isMaster)),
          socket: { fdIn: 17, fdOut: 18 },
          notify: notify(vi1.notify),
          stats: p.vi1.stats,
        },
      },
      {
        config: vi6,
        runtime: {
          ...common,
          effectivePriority: 120, totalPriority: 120, masterDownTimerUs: 1765625,
          lastTransitionUs: p.vi6.lastUs, nextTimerUs: p.vi6.nextUs,
          ...(isMaster ? {} : { master: { priority: 0, advertIntervalMs: 500 } }),
          ifname: 'vb', sourceAddress: 'fe80::ff:fe00:bb01',
          vips: vi6.vips.map((a) => address(a, 'vb', isMaster)),
          evips: [],
          socket: { fdIn: 19, fdOut: 20 },
          notify: {},
          stats: p.vi6.stats,
        },
      },
    ],
    sockets: [
      { fdIn: 17, fdOut: 18, ifname: 'va', family: 4, protocol: 'VRRP', unicastSource: '10.77.0.1', rxBufSize: 0, instances: [{ name: 'VI_1', vrid: 51 }] },
      { fdIn: 19, fdOut: 20, ifname: 'vb', family: 6, protocol: 'VRRP', rxBufSize: 0, instances: [{ name: 'VI_6', vrid: 61 }] },
    ],
    syncGroups: [{ config: config.vrrpSyncGroups[0]!, state, numMemberFault: 0, numMemberInit: 0, notify: notify(config.vrrpSyncGroups[0]!.notify) }],
    scripts: [
      {
        config: chkOk!, command: resolved(chkOk!.script!.argv), result: 4, insecure: false, initState: 'done', runState: 'idle',
        // The sync group's "chk_ok weight 0" is what keepalived records for both members.
        tracking: [{ instance: 'VI_1', weight: 0, reverse: false }, { instance: 'VI_6', weight: 0, reverse: false }],
      },
      {
        config: chkBad!, command: resolved(chkBad!.script!.argv), result: 0, insecure: false, initState: 'done', runState: 'idle',
        tracking: [{ instance: 'VI_1', weight: -5, reverse: false }],
      },
    ],
    trackFiles: [{ config: config.trackFiles[0]!, path: `${RUN.tmpDir}/track.val`, value: 3, tracking: [{ instance: 'VI_1', weight: 2, reverse: false }] }],
    trackProcesses: [{
      config: config.trackProcesses[0]!, currentProcesses: 1, haveQuorum: true, forkDelayTimerRunning: false, terminateDelayTimerRunning: false,
      tracking: [{ instance: 'VI_1', weight: 10, reverse: false }],
    }],
    trackBfds: [],
    interfaces: interfaces(phase),
  };
}

/** The captured file names of the run (data_use_instance with a namespace and an instance name). */
export const CAPTURED_DATA = (phase: Phase) => `${phase}.keepalived.${RUN.netns}_${RUN.instance}.data`;
export const CAPTURED_PARENT = (phase: Phase) => `${phase}.keepalived_parent.${RUN.netns}_${RUN.instance}.data`;
