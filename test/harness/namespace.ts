/**
 * One network namespace of a lab: commands, links, addresses and code run inside it.
 *
 * Configuration goes through `ip -n <ns>` (iproute2 enters the namespace
 * itself), other programs through `ip netns exec <ns>`. For code in this very
 * test process, enter() switches the JS thread into the namespace with setns(2)
 * for the duration of a synchronous function: sockets opened there stay in the
 * namespace for their whole life, which is exactly how keepalived's
 * net_namespace works. Code that needs a whole process there uses
 * runScript/spawnScript (script.ts).
 */
import { closeSync, openSync } from 'node:fs';
import { native } from '../../src/net/native.js';
import { CLONE_NEWNET } from '../../src/net/constants.js';
import { Capture } from './capture.js';
import { LabProcess, run, tryRun, type CommandResult } from './process.js';
import { ScriptProcess, type ScriptFunction } from './script.js';

/** The namespace the test process started in, for enter() to come back to. */
let homeNamespaceFd: number | null = null;

export interface Neighbour {
  dst: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
}

/** What a Namespace needs from its lab: somewhere to put files, and a record of what runs. */
export interface LabContext {
  readonly directory: string;
  track(process: LabProcess): void;
  trackCapture(capture: Capture): void;
}

export class Namespace {
  constructor(readonly name: string, readonly label: string, private readonly lab: LabContext) {}

  /** `ip -n <ns> ...args`; throws a CommandError on failure. */
  ip(...args: string[]): Promise<CommandResult> {
    return run(['ip', '-n', this.name, ...args]);
  }

  /** `ip -j -n <ns> ...args`, parsed. */
  async ipJson<T = unknown>(...args: string[]): Promise<T> {
    const { stdout } = await run(['ip', '-j', '-n', this.name, ...args]);
    return JSON.parse(stdout || '[]') as T;
  }

  /** Runs a program inside the namespace to completion; throws on a non-zero exit. */
  exec(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    return run(['ip', 'netns', 'exec', this.name, ...argv], options);
  }

  /** Like exec, but returns the result whatever the exit status. */
  tryExec(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    return tryRun(['ip', 'netns', 'exec', this.name, ...argv], options);
  }

  /** Starts a long-running program inside the namespace; the lab kills it on destroy. */
  spawn(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; stdin?: boolean } = {}): LabProcess {
    const child = new LabProcess(['ip', 'netns', 'exec', this.name, ...argv], options);
    this.lab.track(child);
    return child;
  }

  /** Sets a sysctl inside the namespace (net.* keys are per namespace). */
  async sysctl(key: string, value: string | number): Promise<void> {
    await this.exec(['sysctl', '-q', '-w', `${key}=${value}`]);
  }

  async up(ifname: string): Promise<void> {
    await this.ip('link', 'set', 'dev', ifname, 'up');
  }

  /** Adds an address in CIDR form; nodad (IPv6) skips duplicate address detection. */
  async addAddress(ifname: string, cidr: string, options: { nodad?: boolean } = {}): Promise<void> {
    await this.ip('address', 'add', cidr, 'dev', ifname, ...(options.nodad ? ['nodad'] : []));
  }

  async link(ifname: string): Promise<{ ifindex: number; ifname: string; address: string; flags: string[]; operstate: string }> {
    const [link] = await this.ipJson<Array<{ ifindex: number; ifname: string; address: string; flags: string[]; operstate: string }>>(
      'link', 'show', 'dev', ifname);
    if (!link) throw new Error(`no interface ${ifname} in namespace ${this.name}`);
    return link;
  }

  async ifindex(ifname: string): Promise<number> {
    return (await this.link(ifname)).ifindex;
  }

  async mac(ifname: string): Promise<string> {
    return (await this.link(ifname)).address;
  }

  /** The neighbour table (`ip neigh`), optionally of one interface. */
  async neighbours(ifname?: string): Promise<Neighbour[]> {
    return this.ipJson<Neighbour[]>('neigh', 'show', ...(ifname ? ['dev', ifname] : []));
  }

  /** Starts tcpdump on an interface; the lab stops it on destroy if the test does not. */
  async capture(ifname: string, filter?: string): Promise<Capture> {
    const capture = await Capture.start(this.name, ifname, this.lab.directory, filter);
    this.lab.trackCapture(capture);
    return capture;
  }

  /**
   * Runs `fn` with this JS thread inside the namespace (setns), then switches back.
   * fn must be synchronous: after an await the thread would be elsewhere.
   */
  enter<T>(fn: () => T): T {
    if (homeNamespaceFd === null) homeNamespaceFd = openSync('/proc/thread-self/ns/net', 'r');
    const target = openSync(`/var/run/netns/${this.name}`, 'r');
    try {
      native.setns(target, CLONE_NEWNET);
    } finally {
      closeSync(target);
    }
    let result: T;
    try {
      result = fn();
    } finally {
      native.setns(homeNamespaceFd, CLONE_NEWNET);
    }
    if (result instanceof Promise) throw new TypeError('Namespace.enter() takes a synchronous function');
    return result;
  }

  /** Runs `fn(arg, ctx)` in a node process inside the namespace and returns its result. */
  async runScript<A, R>(fn: ScriptFunction<A, R>, arg: A, timeoutMs = 30_000): Promise<R> {
    return this.spawnScript(fn, arg).result(timeoutMs);
  }

  /** Starts `fn(arg, ctx)` in a node process inside the namespace; talk to it with messages. */
  spawnScript<A, R>(fn: ScriptFunction<A, R>, arg: A): ScriptProcess<R> {
    const script = new ScriptProcess<R>(this.name, this.lab.directory, fn, arg);
    this.lab.track(script.process);
    return script;
  }
}
