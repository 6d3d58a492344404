/**
 * The logging core. Every process logs through one Logger whose lines look
 * like keepalived's, so operators' grep habits keep working:
 *   console (-l) and log file (-g): "Sun Nov 22 01:15:43 2026: (VI_1) Entering MASTER STATE"
 *   syslog: ident Keepalived / Keepalived_vrrp / Keepalived_healthcheckers /
 *           Keepalived_bfd (with "_<instance>" appended), facility from -S.
 * `-D` turns on detail lines (logger.detail), `-DD` extra detail.
 *
 * Sinks are pluggable: the console and file sinks live here; the syslog sink
 * (AF_UNIX datagram to /dev/log) comes from the native socket layer.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** syslog(3) priorities, lowest number = most severe. */
export const LogPriority = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type LogLevel = keyof typeof LogPriority;

export interface LogSink {
  write(level: LogLevel, message: string, time: Date): void;
  close?(): void;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** ctime(3) without the newline, in local time: "Sun Nov  2 01:15:43 2026". */
export function ctime(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** Writes "ctime: message" lines to a stream (stderr for -l), synchronously so nothing is lost on exit. */
export class ConsoleSink implements LogSink {
  constructor(private readonly fd = 2) {}
  write(_level: LogLevel, message: string, time: Date): void {
    try {
      writeSync(this.fd, `${ctime(time)}: ${message}\n`);
    } catch {
      // A closed console must never take the daemon down.
    }
  }
}

/**
 * -g FILE: keepalived names each process's file by inserting "_vrrp",
 * "_healthcheckers" or "_bfd" before the last '.' of the parent's name.
 */
export function logFileNameFor(base: string, role: ProcessRole): string {
  if (role === 'parent') return base;
  const suffix = `_${ROLE_SUFFIX[role]}`;
  const slash = base.lastIndexOf('/');
  const dot = base.lastIndexOf('.');
  return dot > slash + 1 ? base.slice(0, dot) + suffix + base.slice(dot) : base + suffix;
}

/** Every line is written with write(2) at once, so --flush-log-file needs nothing more. */
export class FileSink implements LogSink {
  private fd: number | undefined;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o644);
  }
  write(_level: LogLevel, message: string, time: Date): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${ctime(time)}: ${message}\n`);
    } catch {
      // Disk full or file removed: drop the line rather than the process.
    }
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export type ProcessRole = 'parent' | 'vrrp' | 'checker' | 'bfd';

const ROLE_SUFFIX: Record<Exclude<ProcessRole, 'parent'>, string> = { vrrp: 'vrrp', checker: 'healthcheckers', bfd: 'bfd' };

/** keepalived's syslog ident for a process: "Keepalived_vrrp", with "_NAME" for `instance`/netns. */
export function syslogIdent(role: ProcessRole, instance?: string): string {
  const base = role === 'parent' ? 'Keepalived' : `Keepalived_${ROLE_SUFFIX[role]}`;
  return instance ? `${base}_${instance}` : base;
}

export class Logger {
  private readonly sinks: LogSink[] = [];

  constructor(
    /** 0 normal, 1 -D, 2 -DD. */
    readonly detailLevel = 0,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  addSink(sink: LogSink): this {
    this.sinks.push(sink);
    return this;
  }

  log(level: LogLevel, message: string): void {
    const time = this.clock();
    for (const s of this.sinks) s.write(level, message, time);
  }

  info(message: string): void { this.log('info', message); }
  notice(message: string): void { this.log('notice', message); }
  warn(message: string): void { this.log('warning', message); }
  error(message: string): void { this.log('err', message); }
  /** Only with -D. */
  detail(message: string): void { if (this.detailLevel >= 1) this.log('info', message); }
  /** Only with -DD. */
  extraDetail(message: string): void { if (this.detailLevel >= 2) this.log('debug', message); }

  close(): void {
    for (const s of this.sinks) s.close?.();
    this.sinks.length = 0;
  }
}
