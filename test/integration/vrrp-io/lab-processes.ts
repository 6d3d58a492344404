/**
 * The processes a VRRP lab runs, as objects a test can wait on:
 * - Driver: our runtime (driver.ts) in a namespace; its JSON events, logs and status.
 * - Capture: tcpdump writing a pcap, decoded by tshark into one record per VRRP advert, so
 *   assertions about who sent what, at which priority and interval come from the wire and
 *   from a decoder that is not ours.
 * - Keepalived: Debian's keepalived 2.2.7 with pid files of its own; its state from its log.
 */

import { execFileSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface DriverLine { at: number; event?: any; log?: string }

export class Driver {
  readonly ready: Promise<void>;
  readonly lines: DriverLine[] = [];
  readonly stderr: string[] = [];
  readonly #pending = new Map<number, (v: any) => void>();
  #nextId = 1;
  exited: number | null | undefined;

  constructor(readonly child: ChildProcess) {
    let markReady!: () => void;
    let fail!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => { markReady = resolve; fail = reject; });
    createInterface({ input: child.stderr! }).on('line', (l) => this.stderr.push(l));
    child.once('exit', (code, signal) => {
      this.exited = code ?? (signal ? -1 : null);
      fail(new Error(`driver exited (${code ?? signal}) before ready: ${this.stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const msg = JSON.parse(text) as { ready?: boolean; id?: number; result?: unknown; error?: string } & DriverLine;
      if (msg.ready) markReady();
      else if (msg.id !== undefined) this.#pending.get(msg.id)?.(msg.error !== undefined ? new Error(msg.error) : msg.result);
      else this.lines.push(msg);
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  events(type?: string): any[] {
    return this.lines.filter((l) => l.event && (type === undefined || l.event.type === type)).map((l) => ({ ...l.event, at: l.at }));
  }

  logs(): string[] {
    return this.lines.filter((l) => l.log !== undefined).map((l) => l.log as string);
  }

  /** The latest transition of `instance`, or undefined. */
  state(instance: string): string | undefined {
    const t = this.events('transition').filter((e) => e.instance === instance);
    return t.at(-1)?.to;
  }

  async waitState(instance: string, state: string, timeoutMs: number): Promise<number> {
    const ev = await waitFor(`${instance} ${state}`, timeoutMs, () =>
      this.events('transition').find((e) => e.instance === instance && e.to === state));
    return ev.at as number;
  }

  async status(): Promise<any> {
    return this.call({ op: 'status' });
  }

  async setFault(instance: string, source: string, faulted: boolean): Promise<string> {
    return this.call({ op: 'setFault', instance, source, faulted });
  }

  async call(command: Record<string, unknown>): Promise<any> {
    const id = this.#nextId++;
    const answer = new Promise((resolve) => this.#pending.set(id, resolve));
    this.child.stdin!.write(JSON.stringify({ id, ...command }) + '\n');
    const result = await Promise.race([answer, sleep(5000).then(() => new Error(`${String(command.op)} timed out`))]);
    if (result instanceof Error) throw result;
    return result;
  }

  instanceStatus(status: any, name: string): any {
    return status.instances.find((i: any) => i.name === name);
  }

  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch { /* gone */ }
  }

  async exit(timeoutMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await Promise.race([new Promise((r) => this.child.once('exit', r)), sleep(timeoutMs)]);
  }
}

/** One VRRP advert as tshark decoded it. */
export interface WireAdvert {
  readonly time: number; // epoch ms
  readonly source: string;
  readonly destination: string;
  readonly ttl: number;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
  /** Seconds for v2, centiseconds for v3 (the wire field). */
  readonly interval: number;
  readonly authType?: number;
  readonly ahSequence?: number;
}

export class Capture {
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess, readonly file: string) {
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
      createInterface({ input: child.stderr! }).on('line', (l) => {
        if (l.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`tcpdump exited ${code}`)));
    });
  }

  /** Stops tcpdump (it flushes on SIGINT) and decodes the adverts. */
  async stop(): Promise<WireAdvert[]> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGINT');
      await Promise.race([exited, sleep(5000)]);
    }
    return decodePcap(this.file);
  }
}

const FIELDS = [
  'frame.time_epoch', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'ip.ttl', 'ipv6.hlim',
  'vrrp.version', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.adver_int', 'vrrp.auth_type', 'ah.sequence',
  'vrrp.short_adver_int', // VRRPv3's 12-bit interval
];

export function decodePcap(file: string): WireAdvert[] {
  const args = ['-r', file, '-Y', 'vrrp', '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=f', ...FIELDS.flatMap((f) => ['-e', f])];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).map((line) => {
    const f = line.split('|');
    const num = (i: number): number => Number(f[i]);
    return {
      time: Math.round(Number(f[0]) * 1000),
      source: f[1] || (f[2] as string),
      destination: f[3] || (f[4] as string),
      ttl: f[5] ? num(5) : num(6),
      version: num(7), vrid: num(8), priority: num(9), interval: num(7) === 3 ? num(13) : num(10),
      ...(f[11] ? { authType: num(11) } : {}),
      ...(f[12] ? { ahSequence: num(12) } : {}),
    };
  });
}

/** Debian's keepalived 2.2.7 in a namespace, its console log captured. */
export class Keepalived {
  readonly log: string[] = [];

  constructor(readonly child: ChildProcess, readonly pidFiles: readonly string[]) {
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => this.log.push(l));
  }

  /** keepalived's own words: "(VI_1) Entering MASTER STATE". */
  state(instance: string): string | undefined {
    const re = new RegExp(`\\(${instance}\\) Entering (\\w+) STATE`);
    let last: string | undefined;
    for (const l of this.log) {
      const m = re.exec(l);
      if (m) last = m[1];
    }
    return last;
  }

  async waitState(instance: string, state: string, timeoutMs: number): Promise<void> {
    await waitFor(`keepalived ${instance} ${state}`, timeoutMs, () => this.state(instance) === state);
  }
}

/** injector.ts in a namespace: sends hand-made datagrams on request. */
export class Injector {
  readonly ready: Promise<void>;
  readonly #pending = new Map<number, (v: { sent?: number; error?: string }) => void>();
  #nextId = 1;

  constructor(readonly child: ChildProcess) {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => { markReady = resolve; });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const msg = JSON.parse(text) as { ready?: boolean; id?: number; sent?: number; error?: string };
      if (msg.ready) markReady();
      else if (msg.id !== undefined) this.#pending.get(msg.id)?.(msg);
    });
  }

  async send(packet: { family: 'inet' | 'inet6'; bytes: Buffer; destination: string; source?: string; hopLimit?: number }): Promise<void> {
    const id = this.#nextId++;
    const answer = new Promise<{ sent?: number; error?: string }>((resolve) => this.#pending.set(id, resolve));
    const { bytes, ...rest } = packet;
    this.child.stdin!.write(JSON.stringify({ id, ...rest, hex: bytes.toString('hex') }) + '\n');
    const result = await answer;
    if (result.error !== undefined) throw new Error(`injector: ${result.error}`);
  }
}
