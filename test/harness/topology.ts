/**
 * Topology: the lab a network integration test builds and always takes down.
 *
 *   const lab = await Topology.create(t);        // t: the node:test context
 *   const a = await lab.namespace('a');
 *   const b = await lab.namespace('b');
 *   await lab.veth(a, 'eth0', b, 'eth0');         // a cable between two hosts
 *   await a.addAddress('eth0', '192.0.2.1/24');
 *
 * Every namespace is named `<lab id>-<label>`, the lab id unique per process and
 * lab, so concurrent runs and other helpers' labs never collide. Interfaces are
 * created directly inside their namespaces (`ip -n`), never in the host's, so
 * their names only need to be unique inside the lab.
 *
 * Teardown: destroy() stops captures, kills the processes the lab started (and
 * anything else left running inside its namespaces), deletes the namespaces
 * (which deletes their interfaces) and removes the lab's temp directory. With a
 * test context, create() registers destroy() with t.after(), so it runs when the
 * test fails too; calling destroy() again is harmless. If the process is killed
 * by SIGINT/SIGTERM or exits first, cleanup.ts removes what is left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { created, installCleanupHooks, namespacePidsSync } from './cleanup.js';
import { Capture } from './capture.js';
import { Namespace, type LabContext } from './namespace.js';
import { LabProcess, run, tryRun } from './process.js';

export interface TopologyOptions {
  /**
   * IPv6 duplicate address detection in the lab's namespaces (default false):
   * without it, link-local and added addresses are usable at once.
   */
  dad?: boolean;
}

/** The part of node:test's TestContext the lab uses. */
export interface TestHooks {
  after(fn: () => unknown): void;
}

let labCounter = 0;

export class Topology implements LabContext {
  readonly id: string;
  readonly directory: string;
  readonly namespaces: Namespace[] = [];
  #processes = new Set<LabProcess>();
  #captures = new Set<Capture>();
  #options: Required<TopologyOptions>;
  #destroyed: Promise<void> | null = null;

  private constructor(options: TopologyOptions) {
    installCleanupHooks();
    this.#options = { dad: options.dad ?? false };
    // "kt" + pid + counter + random: short (interface-name-like) and unique on this host.
    const random = Math.random().toString(36).slice(2, 5);
    this.id = `kt${process.pid.toString(36)}${(++labCounter).toString(36)}${random}`;
    this.directory = mkdtempSync(join(tmpdir(), `${this.id}-`));
    created.directories.add(this.directory);
  }

  static async create(t?: TestHooks, options: TopologyOptions = {}): Promise<Topology> {
    const lab = new Topology(options);
    t?.after(() => lab.destroy());
    return lab;
  }

  /** Creates a namespace with loopback up. */
  async namespace(label: string): Promise<Namespace> {
    if (!/^[a-z0-9]{1,12}$/.test(label)) throw new RangeError(`namespace label '${label}' must be 1-12 lowercase letters/digits`);
    if (this.#destroyed) throw new Error('lab already destroyed');
    const name = `${this.id}-${label}`;
    if (this.namespaces.some((ns) => ns.name === name)) throw new Error(`namespace ${label} already exists in this lab`);
    // Recorded before creation, so an interruption right after `ip netns add` still cleans it.
    created.namespaces.add(name);
    await run(['ip', 'netns', 'add', name]);
    const ns = new Namespace(name, label, this);
    this.namespaces.push(ns);
    await ns.up('lo');
    if (!this.#options.dad) {
      // "default" applies to interfaces created later, "all" to existing ones (lo).
      await ns.sysctl('net.ipv6.conf.all.accept_dad', 0);
      await ns.sysctl('net.ipv6.conf.default.accept_dad', 0);
    }
    return ns;
  }

  /** A veth pair: `aName` in `a`, `bName` in `b`, both up. */
  async veth(a: Namespace, aName: string, b: Namespace, bName: string, options: { aMac?: string; bMac?: string } = {}): Promise<void> {
    await a.ip('link', 'add', aName, ...(options.aMac ? ['address', options.aMac] : []), 'type', 'veth',
      'peer', 'name', bName, ...(options.bMac ? ['address', options.bMac] : []), 'netns', b.name);
    await a.up(aName);
    await b.up(bName);
  }

  /** A bridge in `ns`, up. */
  async bridge(ns: Namespace, name: string): Promise<void> {
    await ns.ip('link', 'add', name, 'type', 'bridge');
    await ns.up(name);
  }

  /** Plugs `host` into `bridge` (in `switchNs`) with a veth: `hostIf` in host, `port` on the bridge. */
  async attach(host: Namespace, hostIf: string, switchNs: Namespace, bridge: string, port: string,
               options: { mac?: string } = {}): Promise<void> {
    await this.veth(host, hostIf, switchNs, port, options.mac ? { aMac: options.mac } : {});
    await switchNs.ip('link', 'set', 'dev', port, 'master', bridge);
  }

  track(process: LabProcess): void {
    this.#processes.add(process);
    void process.exited.then(() => this.#processes.delete(process));
  }

  trackCapture(capture: Capture): void {
    this.#captures.add(capture);
  }

  /** Removes everything this lab made. Idempotent; safe to call from t.after and by hand. */
  destroy(): Promise<void> {
    this.#destroyed ??= this.#teardown();
    return this.#destroyed;
  }

  async #teardown(): Promise<void> {
    const problems: string[] = [];
    for (const capture of this.#captures) await capture.stop().catch((e: Error) => problems.push(`capture: ${e.message}`));
    await Promise.all([...this.#processes].map((p) => p.kill('SIGTERM', 1000)));
    for (const ns of this.namespaces) {
      // Anything still inside a namespace of ours was started by this test (a daemon's child...).
      for (const pid of namespacePidsSync(ns.name)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      const result = await tryRun(['ip', 'netns', 'delete', ns.name]);
      if (result.code !== 0 && !/No such file/.test(result.stderr)) problems.push(`ip netns delete ${ns.name}: ${result.stderr.trim()}`);
      created.namespaces.delete(ns.name);
    }
    rmSync(this.directory, { recursive: true, force: true });
    created.directories.delete(this.directory);
    if (problems.length) throw new Error(`lab ${this.id} teardown problems:\n${problems.join('\n')}`);
  }
}
