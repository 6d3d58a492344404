/**
 * The lab of the daemon-level VRRP tests: whole keepalived-ts daemons (`bin/keepalived -n -l
 * -f CONF -p P -r R -c C -b B`, the command line an operator types) in namespaces built with
 * the project's harness, a client namespace on the same LAN that watches the wire, and
 * Debian's keepalived 2.2.7 as the other router for interop.
 *
 *   const lab = await DaemonLab.create(t);        // torn down by t.after, even on failure
 *   const { r1, r2, client } = await lab.lan();   // a bridge with three hosts on it
 *   const a = lab.daemon(r1, 'a', conf);          // keepalived-ts in r1
 *   await a.waitState('VI_1', 'MASTER', 6000);    // from its own log
 *   await lab.vipHolders(VIP)                     // who has the VIP, from `ip -j addr`
 *   await lab.crash(r1);                          // SIGSTOP then SIGKILL every process in r1
 *   await lab.crashDaemon(a);                     // the same for one daemon's process tree only
 *   await a.jsonDump();                           // its JSON dump (SIGJSON), parsed
 *   const { a, b } = await lab.twoRouters();      // or the vrrp-io lab's cable (vx0), for its scenarios
 *
 * Everything a test starts runs inside the lab's namespaces; pid files, configuration and
 * dumps (TMPDIR) live in the lab's directory; the harness kills what it started, by pid,
 * and deletes the namespaces and the directory when the test ends.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Topology, delay, waitUntil, type LabProcess, type Namespace, type TestHooks } from '../../harness/index.js';
import { namespacePidsSync } from '../../harness/cleanup.js';
import { twoRouters } from '../vrrp-io/lab.js';
import { descendantsSync, isRunning, signalQuietly } from '../../../src/lab/process.js';

const KEEPALIVED_TS = fileURLToPath(new URL('../../../../bin/keepalived', import.meta.url));

export const LAN = '10.77.0';
export const VIP = `${LAN}.100`;
/** Fixed MACs, so the wire can be read by who sent what. */
export const MAC = { r1: '02:00:00:77:00:01', r2: '02:00:00:77:00:02', client: '02:00:00:77:00:09' } as const;
/** With `lan({ ipv6: true })`: 2001:db8:77::N/64 on eth0, and the EUI-64 link-local of the fixed MAC. */
export const LAN6 = '2001:db8:77:';
export const LINK_LOCAL = { r1: 'fe80::ff:fe77:1', r2: 'fe80::ff:fe77:2', client: 'fe80::ff:fe77:9' } as const;
/** With `lan({ second: true })`: a second LAN, eth1 on bridge br1, 10.78.0.N/24. */
export const LAN_B = '10.78.0';
export const MAC_B = { r1: '02:00:00:78:00:01', r2: '02:00:00:78:00:02', client: '02:00:00:78:00:09' } as const;
/** keepalived's JSON dump signal, SIGRTMIN+2 on Linux/glibc. */
export const SIGJSON = 36;

/** The host number of each lab host on its LANs. */
export const HOST = { r1: 1, r2: 2, client: 9 } as const;

export interface LanOptions {
  /** Global IPv6 addresses on eth0 as well (link-local ones are always there). */
  readonly ipv6?: boolean;
  /** A second LAN (eth1 on each host, bridge br1). */
  readonly second?: boolean;
}

/** One daemon's console log (-l), read for keepalived's lines. */
export class DaemonProcess {
  constructor(readonly process: LabProcess, readonly label: string, readonly tmpDir: string) {}

  get pid(): number {
    return this.process.pid;
  }

  get lines(): string[] {
    return `${this.process.stdout}\n${this.process.stderr}`.split('\n').filter(Boolean);
  }

  /** The last "(NAME) Entering X STATE" line's state. */
  state(instance: string): string | undefined {
    const re = new RegExp(`\\(${instance}\\) Entering (\\w+) STATE`);
    let last: string | undefined;
    for (const line of this.lines) last = re.exec(line)?.[1] ?? last;
    return last;
  }

  async waitState(instance: string, state: string, timeoutMs: number): Promise<void> {
    await waitUntil(`${this.label}: ${instance} ${state}`, () => this.state(instance) === state, { timeoutMs, intervalMs: 20 });
  }

  async waitLine(re: RegExp, timeoutMs = 5000, from = 0): Promise<string> {
    return waitUntil(`${this.label}: a line matching ${re}`, () => this.lines.slice(from).find((l) => re.test(l)), { timeoutMs, intervalMs: 20 });
  }

  signal(sig: NodeJS.Signals | number): void {
    process.kill(this.pid, sig);
  }

  /** SIGTERM (or `sig`) and wait for the exit; SIGKILL after `graceMs`. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<number | null> {
    return (await this.process.kill(sig, graceMs)).code;
  }

  path(name: string): string {
    return join(this.tmpDir, name);
  }

  /** The JSON dump (SIGJSON → TMPDIR/keepalived.json), parsed: one object per instance. */
  async jsonDump<T = { data: Record<string, unknown>; stats: Record<string, number> }>(timeoutMs = 3000): Promise<T[]> {
    const file = this.path('keepalived.json');
    rmSync(file, { force: true });
    this.signal(SIGJSON);
    return waitUntil(`${this.label}: keepalived.json`, () => {
      if (!existsSync(file)) return undefined;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T[];
      } catch {
        return undefined; // still being written
      }
    }, { timeoutMs, intervalMs: 20 });
  }
}

export interface DaemonOptions {
  /** Extra command-line flags (-V, -D, ...). */
  readonly args?: readonly string[];
}

export class DaemonLab {
  private constructor(readonly topology: Topology) {}

  static async create(t: TestHooks): Promise<DaemonLab> {
    return new DaemonLab(await Topology.create(t));
  }

  get dir(): string {
    return this.topology.directory;
  }

  /**
   * r1, r2 and client plugged into a bridge (in namespace sw), eth0 each, 10.77.0.0/24;
   * optionally IPv6 on it too, and a second LAN on eth1.
   */
  async lan(options: LanOptions = {}): Promise<{ r1: Namespace; r2: Namespace; client: Namespace }> {
    const sw = await this.topology.namespace('sw');
    await this.topology.bridge(sw, 'br0');
    if (options.second) await this.topology.bridge(sw, 'br1');
    const hosts = { r1: await this.topology.namespace('r1'), r2: await this.topology.namespace('r2'), client: await this.topology.namespace('client') };
    for (const name of ['r1', 'r2', 'client'] as const) {
      await this.topology.attach(hosts[name], 'eth0', sw, 'br0', `p${name}`, { mac: MAC[name] });
      await hosts[name].addAddress('eth0', `${LAN}.${HOST[name]}/24`);
      if (options.ipv6) await hosts[name].addAddress('eth0', `${LAN6}:${HOST[name]}/64`, { nodad: true });
      if (options.second) {
        await this.topology.attach(hosts[name], 'eth1', sw, 'br1', `q${name}`, { mac: MAC_B[name] });
        await hosts[name].addAddress('eth1', `${LAN_B}.${HOST[name]}/24`);
      }
    }
    // Let the bridge ports forward (no STP here; a fresh port still needs a moment).
    await delay(50);
    return hosts;
  }

  /**
   * Router a and router b of the vrrp-io lab (one cable, vx0 on each, ROUTER_A/ROUTER_B's
   * addresses), so the daemon-level tests can run the vrrp-io scenarios.
   */
  twoRouters(): Promise<{ a: Namespace; b: Namespace }> {
    return twoRouters(this.topology);
  }

  writeFile(name: string, text: string, mode = 0o644): string {
    const path = join(this.dir, name);
    writeFileSync(path, text, { mode });
    return path;
  }

  /** keepalived-ts in `ns`, with its own pid files and TMPDIR (for its dump files). */
  daemon(ns: Namespace, label: string, conf: string, options: DaemonOptions = {}): DaemonProcess {
    const tmpDir = join(this.dir, `${label}-tmp`);
    mkdirSync(tmpDir, { recursive: true });
    const file = (ext: string): string => join(this.dir, `${label}.${ext}`);
    writeFileSync(file('conf'), conf);
    const argv = [
      process.execPath, KEEPALIVED_TS, '-n', '-l', ...(options.args ?? []),
      '-f', file('conf'), '-p', file('pid'), '-r', file('vrrp.pid'), '-c', file('check.pid'), '-b', file('bfd.pid'),
    ];
    return new DaemonProcess(ns.spawn(argv, { env: { ...process.env, TMPDIR: tmpDir } }), label, tmpDir);
  }

  /** Debian's keepalived 2.2.7 in `ns` (VRRP only, detailed log), as the vrrp-io interop tests run it. */
  keepalived(ns: Namespace, label: string, conf: string): DaemonProcess {
    const tmpDir = join(this.dir, `${label}-tmp`);
    mkdirSync(tmpDir, { recursive: true });
    const file = (ext: string): string => join(this.dir, `${label}.${ext}`);
    writeFileSync(file('conf'), conf);
    const argv = ['keepalived', '-n', '-l', '-D', '-P', '-f', file('conf'), '-p', file('pid'), '-r', file('vrrp.pid'), '-c', file('check.pid'), '-b', file('bfd.pid')];
    return new DaemonProcess(ns.spawn(argv, { env: { ...process.env, TMPDIR: tmpDir } }), label, tmpDir);
  }

  /**
   * Crashes the router in `ns`: every process in the namespace is stopped, then killed. A
   * plain SIGKILL of a daemon's parent is not a crash: its VRRP child notices and stops in
   * order (priority 0). Only for namespaces holding nothing but that router.
   */
  async crash(ns: Namespace): Promise<void> {
    freezeThenKill(namespacePidsSync(ns.name));
    await waitUntil(`${ns.label}: every process gone`, () => namespacePidsSync(ns.name).length === 0, { timeoutMs: 3000 });
  }

  /**
   * Crashes one daemon and nothing else in its namespace (a capture there keeps running):
   * the daemon and every descendant of it stopped, then killed, as `crash` does for a
   * whole namespace.
   */
  async crashDaemon(daemon: DaemonProcess): Promise<void> {
    const pids = [daemon.pid, ...descendantsSync(daemon.pid)];
    freezeThenKill(pids);
    await waitUntil(`${daemon.label}: every process gone`, () => pids.every((pid) => !isRunning(pid)), { timeoutMs: 3000 });
  }
}

/** SIGSTOP to all of `pids`, then SIGKILL: frozen first, none can see another die and react. */
function freezeThenKill(pids: readonly number[]): void {
  for (const pid of pids) signalQuietly(pid, 'SIGSTOP');
  for (const pid of pids) signalQuietly(pid, 'SIGKILL');
}

interface AddrInfo { readonly local: string; readonly prefixlen: number }

/** The addresses on `ns`'s eth0, from `ip -j addr`. */
export async function addresses(ns: Namespace, ifname = 'eth0'): Promise<string[]> {
  const links = await ns.ipJson<{ addr_info?: AddrInfo[] }[]>('addr', 'show', 'dev', ifname);
  return (links[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

export async function hasAddress(ns: Namespace, cidr: string, ifname = 'eth0'): Promise<boolean> {
  return (await addresses(ns, ifname)).includes(cidr);
}

/** Which of `routers` hold `cidr` (on `ifname`) now. */
export async function holders(routers: Record<string, Namespace>, cidr: string, ifname = 'eth0'): Promise<string[]> {
  const out: string[] = [];
  for (const [name, ns] of Object.entries(routers)) if (await hasAddress(ns, cidr, ifname)) out.push(name);
  return out;
}

/** Waits until `cidr` is held by exactly `expected` (names of `routers`, in their order); returns ms waited. */
export async function waitHolders(routers: Record<string, Namespace>, cidr: string, expected: readonly string[],
  timeoutMs: number, ifname = 'eth0'): Promise<number> {
  const from = Date.now();
  await waitUntil(`${cidr} held by [${expected.join(', ')}]`, async () => (await holders(routers, cidr, ifname)).join() === expected.join(), { timeoutMs, intervalMs: 20 });
  return Date.now() - from;
}

/**
 * Who advertised VRID `vrid` over time, from the wire: consecutive adverts from one source
 * collapsed into one run (priority-0 adverts left out). [A, B, A] is one failover and back;
 * anything longer is a flap.
 */
export function advertRuns(adverts: readonly { source: string; vrid: number; priority: number }[], vrid: number): string[] {
  const runs: string[] = [];
  for (const a of adverts) if (a.vrid === vrid && a.priority !== 0 && runs.at(-1) !== a.source) runs.push(a.source);
  return runs;
}

/** A vrrp_instance for the LAN (keepalived.conf text). */
export function instanceConf(o: {
  priority: number; name?: string; vrid?: number; vips?: readonly string[]; advertInt?: number; extra?: string;
  version?: 2 | 3; interface?: string;
}): string {
  return `vrrp_instance ${o.name ?? 'VI_1'} {
  state BACKUP
  interface ${o.interface ?? 'eth0'}
${o.version !== undefined ? `  version ${o.version}\n` : ''}  virtual_router_id ${o.vrid ?? 51}
  priority ${o.priority}
  advert_int ${o.advertInt ?? 1}
  virtual_ipaddress {
${(o.vips ?? [`${VIP}/24`]).map((v) => `    ${v}`).join('\n')}
  }
${o.extra ?? ''}}
`;
}

/** Unsolicited neighbour adverts for `ip` seen in a capture: [sender MAC, time ms]. */
export async function unsolicitedNas(capture: { fields(names: readonly string[], filter?: string): Promise<string[][]> }, ip: string): Promise<{ mac: string; at: number }[]> {
  const rows = await capture.fields(['frame.time_epoch', 'eth.src'], `icmpv6.type == 136 && icmpv6.nd.na.flag.s == 0 && icmpv6.nd.na.target_address == ${ip}`);
  return rows.map((r) => ({ at: Math.round(Number(r[0]) * 1000), mac: r[1] ?? '' }));
}

/** Gratuitous ARPs for `ip` seen in a capture: [sender MAC, time ms]. */
export async function garps(capture: { fields(names: readonly string[], filter?: string): Promise<string[][]> }, ip: string): Promise<{ mac: string; at: number }[]> {
  const rows = await capture.fields(['frame.time_epoch', 'arp.src.hw_mac', 'eth.src'], `arp.isgratuitous == 1 && arp.src.proto_ipv4 == ${ip}`);
  return rows.map((r) => ({ at: Math.round(Number(r[0]) * 1000), mac: r[1] ?? '' }));
}

/** A gratuitous ARP or an unsolicited neighbour advert: the address announced, who sent it, when. */
export interface Announcement { readonly ip: string; readonly mac: string; readonly at: number }

/** Every gratuitous ARP and unsolicited neighbour advert in a capture (one tshark run). */
export async function announcements(capture: { fields(names: readonly string[], filter?: string): Promise<string[][]> }): Promise<Announcement[]> {
  const rows = await capture.fields(['frame.time_epoch', 'eth.src', 'arp.src.proto_ipv4', 'icmpv6.nd.na.target_address'],
    'arp.isgratuitous == 1 || (icmpv6.type == 136 && icmpv6.nd.na.flag.s == 0)');
  return rows.map((r) => ({ at: Math.round(Number(r[0]) * 1000), mac: r[1] ?? '', ip: r[2] || (r[3] ?? '') }));
}
