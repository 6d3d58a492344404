/**
 * systemd's notify protocol (sd_notify(3)) for Type=notify units.
 *
 * Messages, in the order a daemon's life produces them:
 *   READY=1 + MAINPID + STATUS     when every started child has its config
 *                                  ("Startup complete"), or at once when no
 *                                  child is needed (keepalived never sends
 *                                  READY in that case and systemd times out);
 *   RELOADING=1 + MONOTONIC_USEC    when a reload is accepted (the usec value
 *                                  is what Type=notify-reload, systemd 253+,
 *                                  requires), then READY=1 when every child has
 *                                  applied it ("Reload complete");
 *   STOPPING=1                     at the start of an orderly stop;
 *   ERRNO=N                        before exiting on a child's permanent error
 *                                  (EINVAL for config, EPERM for permission);
 *   WATCHDOG=1                     every WATCHDOG_USEC/2 when the unit sets
 *                                  WatchdogSec= (and WATCHDOG_PID, if set, is
 *                                  us). keepalived does not do this; a hung
 *                                  parent event loop then gets restarted.
 * keepalived only talks to systemd when its parent is pid 1 running systemd;
 * we follow sd_notify(3) itself and talk whenever NOTIFY_SOCKET is set,
 * which also serves other service managers implementing the protocol.
 *
 * The datagram itself goes over an AF_UNIX SOCK_DGRAM socket, which Node's
 * `dgram` cannot open: the transport is the native addon's, injected here.
 */

/** Sends one datagram to the notify socket. */
export interface NotifyTransport {
  send(message: string): void;
  close(): void;
}

export interface NotifierOptions {
  readonly transport: NotifyTransport;
  /** WATCHDOG_USEC, when the unit asks for keep-alives (µs). */
  readonly watchdogUsec?: number;
  /** process.hrtime.bigint() in µs (CLOCK_MONOTONIC), injectable for tests. */
  readonly monotonicUsec?: () => bigint;
  readonly onError?: (err: Error) => void;
}

export const ERRNO = { EPERM: 1, EINVAL: 22 } as const;

export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;
  private readonly monotonicUsec: () => bigint;

  constructor(private readonly opts: NotifierOptions) {
    this.monotonicUsec = opts.monotonicUsec ?? (() => process.hrtime.bigint() / 1000n);
    if (opts.watchdogUsec !== undefined && opts.watchdogUsec > 0) {
      const everyMs = Math.max(1, Math.floor(opts.watchdogUsec / 2000));
      this.watchdog = setInterval(() => this.send('WATCHDOG=1'), everyMs);
      this.watchdog.unref();
    }
  }

  private send(message: string): void {
    try {
      this.opts.transport.send(message);
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
  }

  ready(status: string): void {
    this.send(`READY=1\nMAINPID=${process.pid}\nSTATUS=${status}`);
  }

  reloading(): void {
    this.send(`RELOADING=1\nMONOTONIC_USEC=${this.monotonicUsec()}`);
  }

  stopping(): void {
    this.send('STOPPING=1');
  }

  status(text: string): void {
    this.send(`STATUS=${text}`);
  }

  errno(code: number): void {
    this.send(`ERRNO=${code}`);
  }

  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.opts.transport.close();
  }
}

/** The WATCHDOG_USEC that applies to this process, per sd_watchdog_enabled(3). */
export function watchdogUsecFromEnv(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = env.WATCHDOG_USEC !== undefined && /^\d+$/.test(env.WATCHDOG_USEC) ? Number(env.WATCHDOG_USEC) : undefined;
  if (usec === undefined || usec === 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== String(pid)) return undefined;
  return usec;
}
