/**
 * One Logger per process, built the same way in the parent and in each
 * child from the command line's logging options:
 *   -l  console (stderr, keepalived's "ctime: message" lines) as well;
 *   -G  no syslog; otherwise syslog through /dev/log with the process's ident
 *       (Keepalived, Keepalived_vrrp, Keepalived_healthcheckers,
 *       Keepalived_bfd) and the -S facility;
 *   -g FILE  a log file per process (_vrrp, _healthcheckers, _bfd inserted);
 *   -D  detail lines.
 * With a network namespace or an instance name keepalived appends
 * "_NETNS_INSTANCE" to every ident (core/main.c make_syslog_ident); the
 * parent learns both from the config and hands the suffix to its children.
 *
 * The settings travel to a child on its command line (children.ts), so a
 * child logs properly from its first line, before its `start` message.
 */
import { ConsoleSink, FileSink, LogPriority, Logger, logFileNameFor, syslogIdent, type LogLevel, type LogSink, type ProcessRole } from '../core/log.js';
import { SyslogSink } from '../core/syslog.js';

export interface LogSettings {
  /** -l */
  readonly console: boolean;
  /** not -G */
  readonly syslog: boolean;
  /** -S, 0..23 as in <syslog.h> (daemon = 3, local0 = 16). */
  readonly facility: number;
  /** -g FILE, as given for the parent. */
  readonly file?: string;
  /** number of -D */
  readonly detail: number;
  /** "NETNS_INSTANCE", "NETNS" or "INSTANCE", appended to the ident with "_". */
  readonly identSuffix?: string;
}

export const DEFAULT_LOG_SETTINGS: LogSettings = { console: false, syslog: true, facility: 3, detail: 0 };

/** make_syslog_ident()'s suffix: netns, then instance. */
export function identSuffix(netns: string | undefined, instance: string | undefined): string | undefined {
  const parts = [netns, instance].filter((p): p is string => p !== undefined && p !== '');
  return parts.length ? parts.join('_') : undefined;
}

/** The syslog sink speaks severities; the Logger speaks level names. */
class SyslogLogSink implements LogSink {
  private readonly sink = new SyslogSink();
  constructor(ident: string, facility: number) {
    this.sink.open(ident, facility);
  }
  write(level: LogLevel, message: string): void {
    this.sink.write(LogPriority[level], message);
  }
  close(): void {
    this.sink.close();
  }
}

export function processLogger(role: ProcessRole, s: LogSettings): Logger {
  const log = new Logger(s.detail);
  if (s.console) log.addSink(new ConsoleSink());
  if (s.syslog) log.addSink(new SyslogLogSink(syslogIdent(role, s.identSuffix), s.facility));
  if (s.file !== undefined) {
    try {
      log.addSink(new FileSink(logFileNameFor(s.file, role)));
    } catch (err) {
      log.error(`Unable to open log file ${logFileNameFor(s.file, role)}: ${(err as Error).message}`);
    }
  }
  return log;
}

/** Checks settings that arrived on a command line. */
export function parseLogSettings(text: string | undefined): LogSettings | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const ok =
    typeof o.console === 'boolean' &&
    typeof o.syslog === 'boolean' &&
    Number.isInteger(o.facility) &&
    (o.facility as number) >= 0 &&
    (o.facility as number) <= 23 &&
    Number.isInteger(o.detail) &&
    (o.file === undefined || typeof o.file === 'string') &&
    (o.identSuffix === undefined || typeof o.identSuffix === 'string');
  return ok ? (o as unknown as LogSettings) : undefined;
}
