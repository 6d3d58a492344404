/**
 * A minimal namespace lab for the VRRP socket-layer tests (the project's shared harness was
 * not on main yet when these were written; swap it in when it lands).
 *
 *   const lab = Lab.create(t);                  // t.after(() => lab.destroy()) is registered
 *   const [a, b] = [lab.namespace('a'), lab.namespace('b')];
 *   lab.cable(a, 'eth0', b, 'eth0');            // a veth pair, both ends up, no IPv6 DAD
 *   lab.ip(a, 'addr', 'add', '10.9.0.1/24', 'dev', 'eth0');
 *   const router = await lab.driver(a, config); // our runtime in the namespace
 *   const cap = await lab.capture(b, 'eth0');   // tcpdump; cap.stop() -> tshark fields
 *
 * Safety: every namespace is named `<lab id>-<label>`, the id unique per process and lab,
 * and every interface is created inside a namespace, never in the host's. destroy() kills
 * the processes the lab started (by pid), then every process left in its namespaces (all of
 * them started by this lab: keepalived's children), deletes the namespaces (and with them
 * their interfaces) and the temp directory. It runs from t.after, on process exit and on
 * SIGINT/SIGTERM, so a failing or interrupted test leaves nothing behind.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Capture, Driver, Injector, Keepalived, sleep } from './lab-processes.js';
import type { DriverConfig } from './driver.js';

const liveLabs = new Set<Lab>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => { for (const lab of liveLabs) lab.destroy(); });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const lab of liveLabs) lab.destroy();
      process.kill(process.pid, signal);
    });
  }
}

export function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let labCounter = 0;

export class Lab {
  readonly id: string;
  readonly dir: string;
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();
  #captures = 0;
  #destroyed = false;

  private constructor() {
    this.id = `kv${process.pid.toString(36)}${(++labCounter).toString(36)}${Math.random().toString(36).slice(2, 5)}`;
    this.dir = mkdtempSync(join(tmpdir(), `${this.id}-`));
  }

  static create(t?: { after(fn: () => unknown): void }): Lab {
    installHooks();
    const lab = new Lab();
    liveLabs.add(lab);
    t?.after(() => lab.destroy());
    return lab;
  }

  /** A fresh namespace with lo up and IPv6 duplicate address detection off. */
  namespace(label: string): string {
    const name = `${this.id}-${label}`;
    run('ip', ['netns', 'add', name]);
    this.#namespaces.push(name);
    this.ip(name, 'link', 'set', 'lo', 'up');
    for (const key of ['all', 'default']) this.sysctl(name, `net.ipv6.conf.${key}.accept_dad`, '0');
    return name;
  }

  sysctl(ns: string, key: string, value: string): void {
    run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`]);
  }

  ip(ns: string, ...args: string[]): string {
    return run('ip', ['-n', ns, ...args]);
  }

  /** A veth pair between two namespaces, with fixed MACs (stable link-local addresses). */
  cable(a: string, aIf: string, b: string, bIf: string, macs: [string, string] = ['02:00:00:00:0a:01', '02:00:00:00:0b:01']): void {
    run('ip', ['link', 'add', aIf, 'netns', a, 'address', macs[0], 'type', 'veth', 'peer', 'name', bIf, 'netns', b, 'address', macs[1]]);
    this.ip(a, 'link', 'set', aIf, 'up');
    this.ip(b, 'link', 'set', bIf, 'up');
  }

  /** Starts a tracked process inside a namespace (`ip netns exec` execs it: same pid). */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    if (this.#destroyed) throw new Error('lab destroyed');
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Our VRRP runtime in `ns`, started from literal parameters. */
  async driver(ns: string, config: DriverConfig): Promise<Driver> {
    const script = new URL('./driver.js', import.meta.url).pathname;
    const driver = new Driver(this.spawn(ns, process.execPath, [script, JSON.stringify(config)]));
    await driver.ready;
    return driver;
  }

  /** injector.ts in `ns`, sending out of `ifname`. */
  async injector(ns: string, ifname: string): Promise<Injector> {
    const script = new URL('./injector.js', import.meta.url).pathname;
    const injector = new Injector(this.spawn(ns, process.execPath, [script, ifname]));
    await injector.ready;
    return injector;
  }

  /** tcpdump on `ifname` in `ns`, VRRP and AH only (IPv4 and IPv6). */
  async capture(ns: string, ifname: string): Promise<Capture> {
    const file = join(this.dir, `capture-${++this.#captures}.pcap`);
    const child = this.spawn(ns, 'tcpdump', ['-Z', 'root', '--immediate-mode', '-i', ifname, '-n', '-U', '-w', file, 'ip proto 112 or ip proto 51 or ip6 proto 112']);
    const capture = new Capture(child, file);
    await capture.ready;
    return capture;
  }

  /**
   * Debian's keepalived in `ns` (`keepalived -n -l -f CONF -p P -r R -c C -b B`, VRRP only),
   * with pid files of its own so a stale one never stops it from starting.
   */
  keepalived(ns: string, label: string, conf: string): Keepalived {
    const path = (ext: string): string => join(this.dir, `${label}.${ext}`);
    const pidFiles = [path('pid'), path('vrrp.pid')];
    const child = this.spawn(ns, 'keepalived', [
      '-n', '-l', '-D', '-P', '-f', this.file(`${label}.conf`, conf),
      '-p', pidFiles[0] as string, '-r', pidFiles[1] as string, '-c', path('check.pid'), '-b', path('bfd.pid'),
    ]);
    return new Keepalived(child, pidFiles);
  }

  /**
   * A keepalived crash: SIGKILL of its parent alone is not one (its VRRP child gets SIGTERM
   * and sends priority 0), so every process of it in the namespace is stopped first, then killed.
   */
  async crashNamespace(ns: string): Promise<void> {
    const pids = this.pids(ns);
    for (const pid of pids) { try { process.kill(pid, 'SIGSTOP'); } catch { /* gone */ } }
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    await sleep(50);
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** Pids of every process in the namespace. */
  pids(ns: string): number[] {
    try {
      return run('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    liveLabs.delete(this);
    for (const child of this.#children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    for (const ns of this.#namespaces) {
      for (const pid of this.pids(ns)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      try { run('ip', ['netns', 'del', ns]); } catch { /* already gone */ }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
