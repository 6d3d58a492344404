/**
 * The processes a VRRP lab runs (each a harness LabProcess), as objects a test can wait on:
 * - Driver: our runtime (driver.ts); its JSON events, log lines, status and commands.
 * - Injector: injector.ts, sending hand-made datagrams on request.
 * - Keepalived: Debian's keepalived 2.2.7; its state from its own log lines.
 * and decodeAdverts(): a capture decoded by tshark, one record per VRRP advert, so assertions
 * about who sent what, at which priority and interval come from the wire and from a decoder
 * that is not ours.
 */

import type { Capture, LabProcess } from '../../harness/index.js';
import { delay, waitUntil } from '../../harness/wait.js';

export const sleep = delay;

export interface DriverLine { at: number; event?: any; log?: string }

/** Reads a process's stdout as JSON lines, incrementally. */
class JsonLines {
  #offset = 0;
  readonly parsed: any[] = [];

  constructor(private readonly source: LabProcess) {}

  pump(): any[] {
    const text = this.source.stdout;
    const end = text.lastIndexOf('\n') + 1;
    if (end > this.#offset) {
      for (const line of text.slice(this.#offset, end).split('\n')) if (line) this.parsed.push(JSON.parse(line));
      this.#offset = end;
    }
    return this.parsed;
  }
}

export class Driver {
  readonly #lines: JsonLines;
  #nextId = 1;

  constructor(readonly process: LabProcess) {
    this.#lines = new JsonLines(process);
  }

  async ready(): Promise<void> {
    await this.process.waitForOutput(/\{"ready":true\}/, { stream: 'stdout', timeoutMs: 10_000 });
  }

  get pid(): number {
    return this.process.pid;
  }

  get lines(): DriverLine[] {
    return this.#lines.pump().filter((l) => l.event !== undefined || l.log !== undefined);
  }

  events(type?: string): any[] {
    return this.lines.filter((l) => l.event && (type === undefined || l.event.type === type)).map((l) => ({ ...l.event, at: l.at }));
  }

  logs(): string[] {
    return this.lines.filter((l) => l.log !== undefined).map((l) => l.log as string);
  }

  /** The latest transition of `instance`, or undefined. */
  state(instance: string): string | undefined {
    return this.events('transition').filter((e) => e.instance === instance).at(-1)?.to;
  }

  /** Waits for a transition of `instance` to `state`; returns its time (epoch ms). */
  async waitState(instance: string, state: string, timeoutMs: number): Promise<number> {
    const ev = await waitUntil(`${instance} ${state}`, () => this.events('transition').find((e) => e.instance === instance && e.to === state), { timeoutMs });
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
    this.process.write(JSON.stringify({ id, ...command }) + '\n');
    await this.process.waitForOutput(new RegExp(`\\{"id":${id},`), { stream: 'stdout', timeoutMs: 5000 });
    const answer = this.#lines.pump().find((l) => l.id === id);
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.result;
  }

  instanceStatus(status: any, name: string): any {
    return status.instances.find((i: any) => i.name === name);
  }

  /** Sends `signal` and waits for the exit (SIGKILL after 3 s). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    await this.process.kill(signal, 3000);
  }
}

export class Injector {
  readonly #lines: JsonLines;
  #nextId = 1;

  constructor(readonly process: LabProcess) {
    this.#lines = new JsonLines(process);
  }

  async ready(): Promise<void> {
    await this.process.waitForOutput(/\{"ready":true\}/, { stream: 'stdout', timeoutMs: 10_000 });
  }

  async send(packet: { family: 'inet' | 'inet6'; bytes: Buffer; destination: string; source?: string; hopLimit?: number }): Promise<void> {
    const id = this.#nextId++;
    const { bytes, ...rest } = packet;
    this.process.write(JSON.stringify({ id, ...rest, hex: bytes.toString('hex') }) + '\n');
    await this.process.waitForOutput(new RegExp(`\\{"id":${id},`), { stream: 'stdout', timeoutMs: 5000 });
    const answer = this.#lines.pump().find((l) => l.id === id);
    if (answer.error !== undefined) throw new Error(`injector: ${answer.error}`);
  }
}

/** Debian's keepalived 2.2.7 in a namespace, its console log captured. */
export class Keepalived {
  constructor(readonly process: LabProcess) {}

  get log(): string[] {
    return (this.process.stdout + '\n' + this.process.stderr).split('\n').filter(Boolean);
  }

  /** keepalived's own words: "(VI_1) Entering MASTER STATE". */
  state(instance: string): string | undefined {
    const re = new RegExp(`\\(${instance}\\) Entering (\\w+) STATE`);
    let last: string | undefined;
    for (const line of this.log) last = re.exec(line)?.[1] ?? last;
    return last;
  }

  async waitState(instance: string, state: string, timeoutMs: number): Promise<void> {
    await waitUntil(`keepalived ${instance} ${state}`, () => this.state(instance) === state, { timeoutMs });
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

const FIELDS = [
  'frame.time_epoch', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'ip.ttl', 'ipv6.hlim',
  'vrrp.version', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.adver_int', 'vrrp.auth_type', 'ah.sequence',
  'vrrp.short_adver_int', // VRRPv3's 12-bit interval
];

/** Stops the capture and decodes every VRRP advert in it with tshark. */
export async function decodeAdverts(capture: Capture): Promise<WireAdvert[]> {
  const rows = await capture.fields(FIELDS, 'vrrp');
  return rows.map((f) => {
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
