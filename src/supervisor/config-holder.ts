/**
 * The subsystem every child runs until its real one (VRRP, checker, BFD)
 * is registered: it holds the config part it was given, applies reloads by
 * taking the new part and recording the diff, and reports exactly that in
 * its dumps and answers. It is the reference for what the real subsystems
 * must do at each call, and what the supervisor's tests observe: a reload
 * that reached a child shows up as that child's generation and diff.
 */
import { formatDiff, type DiffEntry } from './config-diff.js';
import type { ApplyReport, QueryKind, RelayEvent } from './ipc.js';
import { ROLE_INFO } from './roles.js';
import type { Subsystem, SubsystemContext } from './subsystem.js';

interface ReloadRecord {
  readonly at: number;
  readonly entries: number;
  readonly lines: readonly string[];
}

/** Indented `key = value` lines for any config value (the .data style). */
export function dumpValue(value: unknown, indent = 1): string[] {
  const pad = ' '.repeat(indent * 2);
  if (value instanceof Map) return dumpValue(Object.fromEntries(value), indent);
  if (Array.isArray(value) || value instanceof Set) {
    const items = [...value];
    if (items.length === 0) return [`${pad}(none)`];
    return items.flatMap((v, i) =>
      typeof v === 'object' && v !== null ? [`${pad}[${i}]`, ...dumpValue(v, indent + 1)] : [`${pad}${scalar(v)}`],
    );
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.entries(value).filter(([, v]) => v !== undefined);
    if (keys.length === 0) return [`${pad}(empty)`];
    return keys.flatMap(([k, v]) =>
      typeof v === 'object' && v !== null && !(v instanceof Date) ? [`${pad}${k}:`, ...dumpValue(v, indent + 1)] : [`${pad}${k} = ${scalar(v)}`],
    );
  }
  return [`${pad}${scalar(value)}`];
}

function scalar(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return `${v}`;
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

export class ConfigHolder implements Subsystem {
  private ctx: SubsystemContext | undefined;
  private part: unknown;
  private readonly startedAt = Date.now();
  private reloads: ReloadRecord[] = [];
  private relays: RelayEvent[] = [];
  private dataDumps = 0;

  async start(part: unknown, ctx: SubsystemContext): Promise<void> {
    this.ctx = ctx;
    this.part = part;
  }

  async reload(part: unknown, diff: readonly DiffEntry[]): Promise<ApplyReport> {
    this.part = part;
    const lines = formatDiff(diff);
    this.reloads.push({ at: Date.now(), entries: diff.length, lines });
    if (this.reloads.length > 16) this.reloads = this.reloads.slice(-16);
    return { applied: lines, failed: [] };
  }

  private get name(): string {
    return this.ctx ? ROLE_INFO[this.ctx.role].progName : 'child';
  }

  dumpData(): string {
    this.dataDumps++;
    const last = this.reloads.at(-1);
    const lines = [
      `------< ${this.name} process >------`,
      ` Pid = ${process.pid}`,
      ` Started = ${new Date(this.startedAt).toISOString()}`,
      ` Reloads = ${this.reloads.length}`,
      ...(last ? [` Last reload (${new Date(last.at).toISOString()}), ${last.entries} change(s):`, ...last.lines.map((l) => `   ${l}`)] : []),
      ` Relayed events = ${this.relays.length}`,
      ...this.relays.slice(-8).map((e) => `   ${e.kind} ${e.instance} ${e.state} at ${new Date(e.at).toISOString()}`),
      '------< Configuration >------',
      ...dumpValue(this.part),
    ];
    return `${lines.join('\n')}\n`;
  }

  dumpStats(clear: boolean): string {
    const text = [`${this.name}:`, `  Reloads: ${this.reloads.length}`, `  Relayed events: ${this.relays.length}`, `  Data dumps: ${this.dataDumps}`, ''].join(
      '\n',
    );
    if (clear) {
      this.relays = [];
      this.dataDumps = 0;
    }
    return text;
  }

  dumpJson(): unknown {
    return { process: this.name, pid: process.pid, reloads: this.reloads.length, config: this.part };
  }

  query(what: QueryKind): unknown {
    switch (what) {
      case 'data':
        return this.part;
      case 'stats':
        return { reloads: this.reloads.length, relayedEvents: this.relays.length, dataDumps: this.dataDumps };
      case 'status':
        return {
          process: this.name,
          pid: process.pid,
          startedAt: this.startedAt,
          reloads: this.reloads.length,
          lastReload: this.reloads.at(-1)?.lines ?? [],
          relays: this.relays,
          rssBytes: process.memoryUsage.rss(),
        };
    }
  }

  onRelay(event: RelayEvent): void {
    this.relays.push(event);
    if (this.relays.length > 64) this.relays = this.relays.slice(-64);
  }

  async stop(_release: boolean): Promise<void> {
    // Holds nothing outside the process: nothing to release.
  }
}
