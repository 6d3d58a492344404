/**
 * A syslog sink: log lines to the local syslog daemon through /dev/log.
 *
 * The lines are what glibc's syslog() sends, so rsyslog, syslog-ng and
 * journald file them exactly as they file keepalived's (checked here against
 * glibc 2.36 over a socket bound at /dev/log):
 *
 *   <PRI>Mmm dd HH:MM:SS ident[pid]: message
 *
 * PRI = facility * 8 + severity (RFC 3164 §4.1.1), the timestamp is local time
 * with the day padded by a space ("Nov  2"), no hostname and no trailing
 * newline. keepalived opens its log with LOG_PID, hence "[pid]".
 *
 * Differences from glibc, on purpose: sends never block (a full daemon queue
 * drops the line and counts it, instead of stalling the event loop that sends
 * VRRP adverts), and there is no SOCK_STREAM fallback. Like glibc, the socket is
 * connected lazily and reconnected once when the daemon was restarted. Unlike glibc, a
 * connect that failed (no syslog daemon, as in a bare network namespace or a container) is
 * not tried again for CONNECT_HOLD_OFF_MS: glibc opens, fails and closes a socket for every
 * line, and on a takeover those are system calls between the first advert and the GARP.
 */
import { existsSync } from 'node:fs';
import { UnixDatagramSocket } from '../net/unix-dgram.js';
import { isErrnoError } from '../net/native.js';

/** syslog(3) facilities, numeric as in <syslog.h> (before the << 3). */
export const SyslogFacility = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

/** syslog(3) severities, <syslog.h> LOG_EMERG .. LOG_DEBUG. */
export const SyslogSeverity = {
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
} as const;

export type SyslogFacilityName = keyof typeof SyslogFacility;
export type SyslogSeverityName = keyof typeof SyslogSeverity;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** glibc's "%h %e %T" in local time: "Nov  2 01:49:05". */
export function syslogTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** One syslog datagram, as glibc's syslog() with LOG_PID formats it. */
export function formatSyslogLine(options: { facility: number; severity: number; ident: string; pid: number; message: string; date: Date }): string {
  const { facility, severity, ident, pid, message, date } = options;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new RangeError(`syslog facility ${facility} is not in 0..23`);
  if (!Number.isInteger(severity) || severity < 0 || severity > 7) throw new RangeError(`syslog severity ${severity} is not in 0..7`);
  return `<${facility * 8 + severity}>${syslogTimestamp(date)} ${ident}[${pid}]: ${message}`;
}

export interface SyslogSinkOptions {
  /** The daemon's socket; '/dev/log' by default. */
  path?: string;
  /** The clock for timestamps (tests inject one). */
  now?: () => Date;
  pid?: number;
  /** A monotonic clock in ms for the reconnect hold-off (tests inject one). */
  monotonicMs?: () => number;
}

/** After a failed connect, lines are dropped without trying again for this long, ms. */
export const CONNECT_HOLD_OFF_MS = 1000;

/** Errors that mean the daemon went away or was restarted: reconnect and retry once. */
const RECONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTCONN', 'ENOENT', 'EDESTADDRREQ']);

export class SyslogSink {
  readonly path: string;
  #ident = 'keepalived';
  #facility: number = SyslogFacility.daemon;
  #socket: UnixDatagramSocket | null = null;
  #now: () => Date;
  #pid: number;
  #monotonicMs: () => number;
  /** When the last connect failed, and why; cleared by a successful connect. */
  #connectFailure: { atMs: number; error: unknown } | null = null;
  /** Lines that could not be delivered (no daemon, queue full, too long). */
  dropped = 0;
  /** The reason the last line was dropped, for a status page. */
  lastError: Error | null = null;

  constructor(options: SyslogSinkOptions = {}) {
    this.path = options.path ?? '/dev/log';
    this.#now = options.now ?? (() => new Date());
    this.#pid = options.pid ?? process.pid;
    this.#monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** Sets the ident ("Keepalived_vrrp") and facility (SyslogFacility.daemon, local0..7). */
  open(ident: string, facility: number = SyslogFacility.daemon): void {
    if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new RangeError(`syslog facility ${facility} is not in 0..23`);
    if (ident.length === 0 || /[\s\n]/.test(ident)) throw new RangeError(`syslog ident '${ident}' must be a non-empty word`);
    this.#ident = ident;
    this.#facility = facility;
  }

  /** Sends one line; returns false (and counts it) when it could not be delivered. */
  write(severity: number, message: string): boolean {
    const line = formatSyslogLine({
      facility: this.#facility, severity, ident: this.#ident, pid: this.#pid, message, date: this.#now(),
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.#connected().send(line);
        return true;
      } catch (error) {
        this.lastError = error instanceof Error ? error : new Error(String(error));
        // A full queue (EAGAIN) or an oversized line (EMSGSIZE) keeps the connection.
        if (!(isErrnoError(error) && RECONNECT_CODES.has(error.code))) break;
        this.#disconnect();
      }
    }
    this.dropped++;
    return false;
  }

  close(): void {
    this.#disconnect();
  }

  #connected(): UnixDatagramSocket {
    if (this.#socket) return this.#socket;
    const failure = this.#connectFailure;
    if (failure && this.#monotonicMs() - failure.atMs < CONNECT_HOLD_OFF_MS) throw failure.error;
    // Still no socket file where the last connect found none (no syslog daemon, as in many
    // containers): fail as connect would, without opening and closing a socket and building
    // a new error for each line (a third of a millisecond, paid before a takeover's GARP).
    if (failure && isErrnoError(failure.error) && failure.error.code === 'ENOENT' && !existsSync(this.path)) {
      this.#connectFailure = { atMs: this.#monotonicMs(), error: failure.error };
      throw failure.error;
    }
    const socket = UnixDatagramSocket.open();
    try {
      socket.connect(this.path);
    } catch (error) {
      socket.close();
      this.#connectFailure = { atMs: this.#monotonicMs(), error };
      throw error;
    }
    this.#connectFailure = null;
    this.#socket = socket;
    return socket;
  }

  #disconnect(): void {
    this.#socket?.close();
    this.#socket = null;
  }
}
