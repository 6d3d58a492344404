/**
 * A throwaway network namespace for one test file, and a netlink agent running in it.
 *
 * Safety: the namespace gets a unique name (prefix, pid, random); everything the test
 * creates lives inside it, so deleting the namespace removes it all. Deletion happens
 * in `destroy()`, and again on process exit or SIGINT/SIGTERM if a test forgot or
 * crashed. Only processes this module started are ever killed, by their pid.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const live = new Set<TestNamespace>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => { for (const ns of live) ns.destroy(); });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const ns of live) ns.destroy();
      process.kill(process.pid, signal);
    });
  }
}

export class TestNamespace {
  readonly name: string;
  readonly #agents = new Set<Agent>();
  #destroyed = false;

  private constructor(name: string) {
    this.name = name;
  }

  static create(prefix: string): TestNamespace {
    installHooks();
    const ns = new TestNamespace(`${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`);
    execFileSync('ip', ['netns', 'add', ns.name]);
    live.add(ns);
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  /** `ip -n NS ...`, returning stdout; throws with stderr on failure. */
  ip(...args: string[]): string {
    return execFileSync('ip', ['-n', this.name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** `ip -n NS -j ...`, parsed. */
  ipJson<T = unknown>(...args: string[]): T {
    const out = execFileSync('ip', ['-n', this.name, '-j', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim() === '' ? '[]' : out) as T;
  }

  /** Starts the netlink agent inside the namespace and waits until it is ready. */
  async agent(): Promise<Agent> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'agent.js');
    const child = spawn('ip', ['netns', 'exec', this.name, process.execPath, script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const agent = new Agent(child);
    this.#agents.add(agent);
    await agent.ready;
    return agent;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const agent of this.#agents) agent.kill();
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
    live.delete(this);
  }
}

export interface AgentError { name?: string; code?: string; message: string; errno?: number; extack?: { message?: string }; request?: { typeName: string; description: string } }

export class AgentCallError extends Error {
  constructor(readonly detail: AgentError) {
    super(detail.message);
    this.name = 'AgentCallError';
  }
  get code(): string | undefined {
    return this.detail.code;
  }
}

export interface AgentEvent { event: string; args: any[] }

export class Agent {
  readonly ready: Promise<void>;
  readonly events: AgentEvent[] = [];
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly #eventWaiters = new Set<() => void>();
  #nextId = 1;

  constructor(child: ChildProcess) {
    this.#child = child;
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => { markReady = resolve; failReady = reject; });
    child.once('exit', (code) => {
      const err = new Error(`netlink agent exited with code ${code}`);
      failReady(err);
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; id?: number; ok?: boolean; result?: unknown; error?: AgentError; event?: string; args?: unknown[] };
      if (msg.ready) { markReady(); return; }
      if (msg.event) {
        this.events.push({ event: msg.event, args: msg.args ?? [] });
        for (const wake of this.#eventWaiters) wake();
        return;
      }
      const w = this.#waiting.get(msg.id!);
      if (!w) return;
      this.#waiting.delete(msg.id!);
      if (msg.ok) w.resolve(msg.result); else w.reject(new AgentCallError(msg.error!));
    });
  }

  call<T = any>(op: string, extra: { method?: string; args?: unknown[] } = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#child.stdin!.write(JSON.stringify({ id, op, ...extra }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) + '\n');
    });
  }

  rtnl<T = any>(method: string, ...args: unknown[]): Promise<T> {
    return this.call<T>('rtnl', { method, args });
  }

  /** Resolves with the first event (from index `from` on) that matches, or rejects after `ms`. */
  waitForEvent(match: (e: AgentEvent) => boolean, ms: number, from = 0): Promise<AgentEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(match);
        if (!found) return false;
        this.#eventWaiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => { check(); };
      const timer = setTimeout(() => {
        this.#eventWaiters.delete(wake);
        reject(new Error(`no matching event within ${ms} ms; saw ${JSON.stringify(this.events.slice(from).map((e) => e.event))}`));
      }, ms);
      this.#eventWaiters.add(wake);
      check();
    });
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.pid !== undefined) this.#child.kill('SIGKILL');
  }
}
