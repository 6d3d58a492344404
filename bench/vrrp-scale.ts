/**
 * Benchmark: CPU and memory of 1,000 VRRP instances, keepalived-ts next to
 * Debian's keepalived 2.2.7 in the same run.
 *
 *   node dist/bench/vrrp-scale.js [--duration 120] [--warmup 15] [--interfaces 4] [--vrids 250]
 *                                 [--impls ts,ka] [--backup same|none] [--advert-int 1] [--cpu-prof DIR] [--json] [--save FILE]
 *
 * Two routers joined by --interfaces veth pairs (eth0..ethN-1, 10.0.K.1/24 on
 * r1, 10.0.K.2/24 on r2). On every interface --vrids VRRP instances (VRIDs
 * 1..N, advert_int 1, one /32 VIP each); r1 has priority 150 and becomes
 * MASTER of all of them, r2 (priority 100, the same implementation) is the
 * BACKUP side and receives every advert. With --backup none nothing runs on
 * r2: the adverts fall into a sink.
 *
 * For each implementation in turn (never both at once, so they do not
 * compete for the CPUs):
 * 1. r1 starts; a capture on r2's interfaces waits until every (interface,
 *    VRID) has been advertised by r1 — the start-up time is reported.
 * 2. r2 starts; after --warmup seconds (keepalived's second GARP burst comes
 *    5 s after MASTER) the window begins.
 * 3. For --duration seconds, lib/sampler.ts reads utime+stime and
 *    RSS/PSS of every process of both daemons once a second; r1's interface
 *    counters give the packets per second it sent.
 * 4. A 5-second capture on r2's interfaces then counts the distinct
 *    (interface, VRID) pairs r1 advertises and any advert from r2 (there
 *    should be none), which shows both implementations really ran every
 *    instance as MASTER/BACKUP during the window.
 * Captures run only outside the window, so tcpdump's own work is not on the
 * machine while CPU is measured.
 *
 * --cpu-prof DIR runs every Node process of keepalived-ts with V8's sampling
 * profiler (node --cpu-prof, which the parent passes on to its children) and prints each process's hottest
 * functions (lib/cpuprofile.ts). The profiler costs CPU itself: use it to
 * see where the time goes, not for the comparison.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Topology, type Namespace } from '../test/harness/index.js';
import { WireCapture } from './lib/capture.js';
import { Daemon, implementationFromShort, type Implementation } from './lib/daemons.js';
import { summarizeProfiles, type ProfileSummary } from './lib/cpuprofile.js';
import { UsageSampler, type DaemonUsage } from './lib/sampler.js';
import { fixed, machineLine, saveIfAsked, table } from './lib/stats.js';
import { keepalivedConf, type InstanceSpec } from './lib/vrrp.js';
import { wallClockNs } from './lib/wire.js';

interface Options {
  readonly duration: number;
  readonly warmup: number;
  readonly interfaces: number;
  readonly vrids: number;
  readonly impls: readonly Implementation[];
  readonly backup: 'same' | 'none';
  readonly advertInt: number;
  readonly cpuProf?: string;
  readonly json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const n = Number(value(name) ?? fallback);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} needs an integer in ${min}..${max}`);
    return n;
  };
  const backup = value('backup') ?? 'same';
  if (backup !== 'same' && backup !== 'none') throw new Error('--backup is same or none');
  const advertInt = Number(value('advert-int') ?? 1);
  if (!Number.isInteger(advertInt) || advertInt < 1) throw new Error('--advert-int needs whole seconds (VRRPv2)');
  return {
    duration: int('duration', 120, 5, 3600),
    warmup: int('warmup', 15, 0, 600),
    interfaces: int('interfaces', 4, 1, 64),
    vrids: int('vrids', 250, 1, 255),
    impls: (value('impls') ?? 'ts,ka').split(',').filter(Boolean).map(implementationFromShort),
    backup,
    advertInt,
    ...(value('cpu-prof') ? { cpuProf: resolve(value('cpu-prof')!) } : {}),
    json: argv.includes('--json'),
  };
}

function config(options: Options, router: 'r1' | 'r2'): string {
  const instances: InstanceSpec[] = [];
  for (let k = 0; k < options.interfaces; k++) {
    for (let v = 1; v <= options.vrids; v++) {
      instances.push({
        name: `VI_${k}_${v}`, iface: `eth${k}`, vrid: v, advertInt: options.advertInt,
        priority: router === 'r1' ? 150 : 100, vips: [`10.${10 + k}.0.${v}/32`],
      });
    }
  }
  return keepalivedConf({ routerId: `scale-${router}`, version: 2, instances });
}

interface WireSample {
  readonly seconds: number;
  /** Distinct (interface, VRID) advertised by r1 with priority 150. */
  readonly r1Instances: number;
  readonly r1AdvertsPerSecond: number;
  readonly r2Adverts: number;
  readonly drops: number;
}

/** Captures on every interface of r2 for `seconds` and counts who advertises what. */
async function sampleWire(r2: Namespace, options: Options, directory: string, seconds: number): Promise<WireSample> {
  const captures = await Promise.all(Array.from({ length: options.interfaces }, (_, k) => WireCapture.start(r2, `eth${k}`, directory, 'vrrp')));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  let drops = 0;
  let r2Adverts = 0;
  // Per instance (interface, VRID): first and last advert and how many, on the pcap clock.
  const perInstance = new Map<string, { first: bigint; last: bigint; count: number }>();
  for (const [k, capture] of captures.entries()) {
    drops += await capture.stop();
    for (const e of capture.follower.events) {
      if (e.kind !== 'advert') continue;
      if (e.src === `10.0.${k}.1` && e.priority === 150) {
        const key = `${k}/${e.vrid}`;
        const seen = perInstance.get(key);
        if (seen) {
          seen.last = e.t;
          seen.count++;
        } else {
          perInstance.set(key, { first: e.t, last: e.t, count: 1 });
        }
      } else if (e.src === `10.0.${k}.2`) {
        r2Adverts++;
      }
    }
  }
  // Adverts per second = the sum of every instance's own rate, (n - 1) / (last - first). Counting
  // packets over the capture's length instead would depend on where the edges fall: the
  // instances started together, so their adverts leave in bursts once a second.
  let r1Rate = 0;
  for (const { first, last, count } of perInstance.values()) if (last > first) r1Rate += (count - 1) / (Number(last - first) / 1e9);
  return { seconds, r1Instances: perInstance.size, r1AdvertsPerSecond: r1Rate, r2Adverts, drops };
}

/** Waits until r1 has advertised every instance; returns seconds since `since` (pcap clock). */
async function waitAllMaster(r2: Namespace, options: Options, directory: string, since: bigint, daemon: Daemon): Promise<number> {
  const captures = await Promise.all(Array.from({ length: options.interfaces }, (_, k) => WireCapture.start(r2, `eth${k}`, directory, 'vrrp')));
  const total = options.interfaces * options.vrids;
  const seen = new Set<string>();
  let last = since;
  const deadline = Date.now() + 120_000;
  try {
    while (seen.size < total) {
      if (!daemon.running) throw new Error(`${daemon.implementation} exited during start-up\n${daemon.output}`);
      if (Date.now() > deadline) throw new Error(`${daemon.implementation}: only ${seen.size} of ${total} instances advertised after 120 s\n${daemon.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
      for (const [k, capture] of captures.entries()) {
        for (const e of capture.poll()) {
          if (e.kind !== 'advert' || e.src !== `10.0.${k}.1` || e.priority !== 150) continue;
          const key = `${k}/${e.vrid}`;
          if (!seen.has(key)) {
            seen.add(key);
            if (e.t > last) last = e.t;
          }
        }
      }
    }
  } finally {
    for (const capture of captures) await capture.stop();
  }
  return Number(last - since) / 1e9;
}

async function txPackets(ns: Namespace, interfaces: number): Promise<number> {
  let sum = 0;
  for (let k = 0; k < interfaces; k++) {
    const [link] = await ns.ipJson<Array<{ stats64: { tx: { packets: number } } }>>('-s', 'link', 'show', 'dev', `eth${k}`);
    sum += link!.stats64.tx.packets;
  }
  return sum;
}

interface Result {
  readonly implementation: Implementation;
  readonly startupSeconds: number;
  readonly master: DaemonUsage;
  readonly backup?: DaemonUsage;
  readonly r1PacketsPerSecond: number;
  readonly wire: WireSample;
  readonly profiles?: Record<'master' | 'backup', ProfileSummary[]>;
}

async function measure(lab: Topology, index: number, implementation: Implementation, options: Options): Promise<Result> {
  const r1 = await lab.namespace(`s${index}r1`);
  const r2 = await lab.namespace(`s${index}r2`);
  for (let k = 0; k < options.interfaces; k++) {
    await lab.veth(r1, `eth${k}`, r2, `eth${k}`);
    await r1.addAddress(`eth${k}`, `10.0.${k}.1/24`);
    await r2.addAddress(`eth${k}`, `10.0.${k}.2/24`);
  }
  const profileDir = (side: string) => {
    if (!options.cpuProf || implementation !== 'keepalived-ts') return {};
    const dir = join(options.cpuProf, `${index}-${side}`);
    mkdirSync(dir, { recursive: true });
    return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] };
  };
  const started = wallClockNs();
  const master = Daemon.start(implementation, r1, lab.directory, config(options, 'r1'), profileDir('master'));
  const startupSeconds = await waitAllMaster(r2, options, lab.directory, started, master);
  const backup = options.backup === 'same' ? Daemon.start(implementation, r2, lab.directory, config(options, 'r2'), profileDir('backup')) : undefined;
  if (!options.json) process.stderr.write(`${implementation}: ${options.interfaces * options.vrids} instances MASTER after ${startupSeconds.toFixed(2)} s; warming up ${options.warmup} s\n`);
  await new Promise((r) => setTimeout(r, options.warmup * 1000));
  for (const d of [master, backup]) if (d && !d.running) throw new Error(`${implementation} exited during warm-up\n${d.output}`);

  const masterSampler = new UsageSampler(master);
  const backupSampler = backup ? new UsageSampler(backup) : undefined;
  const tx0 = await txPackets(r1, options.interfaces);
  const t0 = performance.now();
  masterSampler.start();
  backupSampler?.start();
  await new Promise((r) => setTimeout(r, options.duration * 1000));
  const masterUsage = masterSampler.stop();
  const backupUsage = backupSampler?.stop();
  const tx1 = await txPackets(r1, options.interfaces);
  const r1PacketsPerSecond = (tx1 - tx0) / ((performance.now() - t0) / 1000);
  if (!options.json) process.stderr.write(`${implementation}: window done; sampling the wire for 5 s\n`);
  const wire = await sampleWire(r2, options, lab.directory, 5);
  await master.stop();
  await backup?.stop();
  const profiles = options.cpuProf && implementation === 'keepalived-ts'
    ? { master: summarizeProfiles(join(options.cpuProf, `${index}-master`)), backup: backup ? summarizeProfiles(join(options.cpuProf, `${index}-backup`)) : [] }
    : undefined;
  return { implementation, startupSeconds, master: masterUsage, ...(backupUsage ? { backup: backupUsage } : {}), r1PacketsPerSecond, wire,
    ...(profiles ? { profiles } : {}) };
}

function print(results: readonly Result[], options: Options, before: string, after: string): void {
  const total = options.interfaces * options.vrids;
  console.log(`before: ${before}\nafter:  ${after}`);
  console.log(`${total} VRRPv2 instances (${options.interfaces} interfaces x ${options.vrids} VRIDs, advert_int ${options.advertInt} s), ` +
    `window ${options.duration} s after ${options.warmup} s warm-up; backup side: ${options.backup}\n`);
  const rows: string[][] = [];
  for (const r of results) {
    for (const [side, usage] of [['MASTER', r.master], ['BACKUP', r.backup]] as const) {
      if (!usage) continue;
      for (const p of usage.processes) {
        rows.push([r.implementation, side, p.role, fixed(p.cpuPercent, 2), fixed(p.cpuPercentMax10s, 2), fixed(p.rssMiB, 1), fixed(p.pssMiB, 1), fixed(p.rssMaxMiB, 1)]);
      }
      rows.push([r.implementation, side, 'total', fixed(usage.cpuPercent, 2), fixed(usage.cpuPercentMax10s, 2), fixed(usage.rssMiB, 1), fixed(usage.pssMiB, 1), '']);
    }
  }
  console.log(table(['implementation', 'side', 'process', 'CPU % core', 'max 10 s', 'RSS MiB', 'PSS MiB', 'RSS max'], rows, 3));
  console.log('');
  console.log(table(['implementation', 'start-up s', 'r1 pkts/s', 'sample s', 'r1 instances', 'r1 adverts/s', 'r2 adverts', 'drops'],
    results.map((r) => [r.implementation, fixed(r.startupSeconds, 2), fixed(r.r1PacketsPerSecond, 1), String(r.wire.seconds),
      `${r.wire.r1Instances}/${total}`, fixed(r.wire.r1AdvertsPerSecond, 1), String(r.wire.r2Adverts), String(r.wire.drops)])));
  for (const r of results) {
    if (!r.profiles) continue;
    console.log('\nCPU profiles (--cpu-prof: the profiler\'s own cost is in the numbers above), hottest functions by self time:');
    for (const side of ['master', 'backup'] as const) {
      for (const p of r.profiles[side]) {
        const role = r[side]?.processes.find((x) => x.pid === p.pid)?.role ?? `pid ${p.pid}`;
        console.log(`\n${side} ${role} (${p.file}): ${(p.busyMs / 1000).toFixed(2)} s busy of ${(p.spanMs / 1000).toFixed(1)} s, start-up included`);
        console.log(table(['function', 'where', 'self ms', '% busy'], p.top.map((f) => [f.name, f.where, fixed(f.selfMs, 0), fixed(f.percent, 1)]), 2));
      }
    }
  }
  const ts = results.find((r) => r.implementation === 'keepalived-ts');
  const ka = results.find((r) => r.implementation === 'keepalived');
  if (ts && ka) {
    console.log('');
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : '-');
    for (const side of ['master', 'backup'] as const) {
      const a = ts[side];
      const b = ka[side];
      if (!a || !b) continue;
      console.log(`${side.toUpperCase()}: keepalived-ts / keepalived: CPU ${ratio(a.cpuPercent, b.cpuPercent)} ` +
        `(${fixed(a.cpuPercent, 2)} % vs ${fixed(b.cpuPercent, 2)} % of a core), PSS ${ratio(a.pssMiB, b.pssMiB)} ` +
        `(${fixed(a.pssMiB, 1)} vs ${fixed(b.pssMiB, 1)} MiB)`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const before = await machineLine();
  const lab = await Topology.create();
  const results: Result[] = [];
  try {
    for (const [i, impl] of options.impls.entries()) results.push(await measure(lab, i + 1, impl, options));
  } finally {
    await lab.destroy();
  }
  const after = await machineLine();
  const record = { benchmark: 'vrrp-scale', command: process.argv.slice(1).join(' '), before, after, options, results };
  await saveIfAsked(process.argv, record);
  if (options.json) console.log(JSON.stringify(record, null, 2));
  else print(results, options, before, after);
}

await main();
