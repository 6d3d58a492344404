/**
 * A notify FIFO (global_defs notify_fifo / vrrp_notify_fifo) and the script
 * that reads it.
 *
 * Setting up, as keepalived's fifo_open (lib/notify.c):
 *   1. mkfifo the path if nothing is there. keepalived asks for 0644 under its
 *      default umask 0177, which gives 0600 (`prw-------`, as seen on
 *      Debian's 2.2.7); it then chowns the FIFO to `FIFO USER [GROUP]` (by
 *      default the script user). Node has no mkfifo(2), so mkfifo(1) from
 *      coreutils does it, with the mode given explicitly.
 *   2. Start the *_fifo_script, with the FIFO path appended as its last
 *      argument, before opening: a reader that opens the FIFO blocking is
 *      released by our open.
 *   3. Open it O_RDWR | O_NONBLOCK | O_NOFOLLOW: holding both ends means a
 *      write never fails with EPIPE while no reader is attached, and lines
 *      wait in the pipe for the next reader.
 * Closing unlinks a FIFO we created before closing it, so a reader that
 * reopens in a loop cannot reopen ours.
 *
 * Writing: each line is one write(2) from the event handler itself, so lines
 * reach the pipe in exactly the order the events happened, whatever the
 * notify scripts are doing. A line under PIPE_BUF (4096 bytes) is written
 * whole or not at all. When the pipe is full (no reader, or a slow one)
 * keepalived drops the line; we keep it, and every later line, in an ordered
 * queue flushed every `retryMs`, so order is never broken and nothing is lost
 * until the queue passes `maxQueuedBytes` — then the oldest lines go first
 * (the latest state is what a reader needs), with a log line saying how many.
 *
 * The FIFO script: keepalived starts it once and only logs "vrrp notify fifo
 * script terminated" if it dies. We also restart it, after `restartDelayMs`
 * (1 s), doubling up to 60 s while it keeps dying within a minute, so a
 * crashed reader does not silently end all notifications.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, closeSync, constants as fsConstants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { LogPort } from '../../core/log-port.js';
import { findExecutable } from '../../core/scripts/launch.js';
import type { ScriptResult, ScriptRun, ScriptRunner, ScriptToRun } from '../../core/scripts/runner.js';
import { realTimers, type TimerHandle, type TimerHost } from '../track/types.js';

export interface FifoSpec {
  /** The keyword, for log lines: 'notify_fifo' or 'vrrp_notify_fifo'. */
  readonly keyword: string;
  readonly path: string;
  /** Owner given to a FIFO we create. */
  readonly uid: number;
  readonly gid: number;
  /** *_fifo_script; omitted when another process runs it (the checker runs the global one). */
  readonly script?: ScriptToRun;
}

export interface NotifyFifoOptions {
  readonly timers?: TimerHost;
  /** Mode of a FIFO we create; default 0o600 (keepalived's 0644 under its umask 0177). */
  readonly mode?: number;
  /** Our own ids: chown only when the FIFO's owner differs. */
  readonly self?: { readonly uid: number; readonly gid: number };
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
  /** A script that ran this long is considered healthy: the delay is reset (ms). */
  readonly stableRunMs?: number;
  /** Retry period while the pipe is full, ms (default 50). */
  readonly retryMs?: number;
  /** Most bytes kept while the pipe is full (default 1 MiB). */
  readonly maxQueuedBytes?: number;
}

const MKFIFO_CANDIDATES = ['/usr/bin/mkfifo', '/bin/mkfifo'];

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

function describe(r: ScriptResult): string {
  switch (r.kind) {
    case 'exit':
      return `exit status ${r.code}`;
    case 'signal':
      return `signal ${r.signal}`;
    case 'timeout':
      return 'timed out';
    case 'error':
      return r.message;
  }
}

export class NotifyFifo {
  private fd: number | undefined;
  private created = false;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private retryTimer: TimerHandle | undefined;
  private restartTimer: TimerHandle | undefined;
  private run: ScriptRun | undefined;
  private restartDelay: number;
  private closing = false;
  private _dropped = 0;
  private readonly timers: TimerHost;

  constructor(
    readonly spec: FifoSpec,
    private readonly runner: ScriptRunner,
    private readonly log: LogPort,
    private readonly options: NotifyFifoOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.restartDelay = options.restartDelayMs ?? 1000;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** Lines dropped because the queue overflowed. */
  get dropped(): number {
    return this._dropped;
  }

  /** Bytes waiting for room in the pipe. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** The FIFO script's pid, while it runs. */
  get scriptPid(): number | undefined {
    return this.run?.state === 'done' ? undefined : this.run?.pid;
  }

  /** Creates (if needed) and opens the FIFO and starts its script. False (logged) when unusable. */
  open(): boolean {
    if (this.fd !== undefined) return true;
    this.closing = false;
    const { path, keyword } = this.spec;
    if (!this.create()) return false;
    if (this.spec.script) this.startScript();
    try {
      this.fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
    } catch (err) {
      this.log.error(`Unable to open ${keyword} ${path} - ${code(err)}`);
      if (this.created) this.unlink();
      this.stopScript();
      return false;
    }
    return true;
  }

  private create(): boolean {
    const { path, keyword } = this.spec;
    try {
      lstatSync(path);
      return true; // something is there already: keepalived uses it as it is
    } catch (err) {
      if (code(err) !== 'ENOENT') {
        this.log.error(`Unable to create ${keyword} ${path} - ${code(err)}`);
        return false;
      }
    }
    const mkfifo = findExecutable(MKFIFO_CANDIDATES);
    const mode = (this.options.mode ?? 0o600).toString(8);
    const r = mkfifo ? spawnSync(mkfifo, ['-m', mode, path], { encoding: 'utf8' }) : undefined;
    if (!r || r.status !== 0) {
      try {
        lstatSync(path); // created meanwhile by someone else: fine
        return true;
      } catch {
        this.log.error(`Unable to create ${keyword} ${path}${r ? ` - ${(r.stderr || r.error?.message || '').trim()}` : ' - mkfifo(1) not found'}`);
        return false;
      }
    }
    this.created = true;
    const self = this.options.self ?? { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
    const { uid, gid } = this.spec;
    if (uid !== self.uid || gid !== self.gid) {
      try {
        chownSync(path, uid !== self.uid ? uid : -1, gid !== self.gid ? gid : -1);
      } catch {
        this.log.info(`Failed to set uid:gid for fifo ${path}`);
      }
    }
    return true;
  }

  /** Writes one line, after any still queued. */
  write(line: string): void {
    if (this.fd === undefined) return;
    const buf = Buffer.from(line, 'utf8');
    if (this.queue.length > 0) {
      this.enqueue(buf);
      return;
    }
    const rest = this.tryWrite(buf);
    if (rest) {
      this.log.info(`${this.spec.keyword} ${this.spec.path} is full (no reader?) - keeping lines until there is room`);
      this.enqueue(rest);
    }
  }

  /** Writes what fits; returns the unwritten remainder, or undefined. */
  private tryWrite(buf: Buffer): Buffer | undefined {
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd!, buf, off);
      } catch (err) {
        if (code(err) === 'EAGAIN') return buf.subarray(off);
        this.log.error(`write to ${this.spec.keyword} ${this.spec.path} failed - ${code(err)}`);
        return undefined;
      }
    }
    return undefined;
  }

  private enqueue(buf: Buffer): void {
    this.queue.push(buf);
    this.queuedBytes += buf.length;
    const max = this.options.maxQueuedBytes ?? 1 << 20;
    let dropped = 0;
    while (this.queuedBytes > max && this.queue.length > 1) {
      this.queuedBytes -= this.queue.shift()!.length;
      dropped++;
    }
    if (dropped > 0) {
      this._dropped += dropped;
      this.log.warn(`${this.spec.keyword} ${this.spec.path}: no room for ${dropped} oldest line(s) - dropped`);
    }
    this.armRetry();
  }

  private armRetry(): void {
    if (this.retryTimer || this.fd === undefined) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, this.options.retryMs ?? 50);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.fd !== undefined) {
      const head = this.queue[0]!;
      const rest = this.tryWrite(head);
      if (rest) {
        this.queuedBytes -= head.length - rest.length;
        this.queue[0] = rest;
        this.armRetry();
        return;
      }
      this.queue.shift();
      this.queuedBytes -= head.length;
    }
  }

  private startScript(): void {
    const script = this.spec.script!;
    const started = Date.now();
    const run = this.runner.run(script, { extraArgs: [this.spec.path] });
    this.run = run;
    void run.result.then((r) => {
      if (this.run !== run) return;
      this.run = undefined;
      if (this.closing) return;
      const ranMs = Date.now() - started;
      if (ranMs >= (this.options.stableRunMs ?? 60_000)) this.restartDelay = this.options.restartDelayMs ?? 1000;
      const delay = this.restartDelay;
      this.restartDelay = Math.min(delay * 2, this.options.maxRestartDelayMs ?? 60_000);
      this.log.info(`${this.spec.keyword} script terminated (${describe(r)}) - restarting it in ${delay} ms`);
      this.restartTimer = this.timers.setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.closing) this.startScript();
      }, delay);
    });
  }

  private stopScript(): Promise<void> {
    if (this.restartTimer) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const run = this.run;
    this.run = undefined;
    if (!run || run.state === 'done' || run.pid === undefined) return Promise.resolve();
    const pid = run.pid;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig); // the script leads its own process group
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const killer = setTimeout(() => kill('SIGKILL'), 1000);
    return run.result.then(() => clearTimeout(killer));
  }

  private unlink(): void {
    try {
      unlinkSync(this.spec.path);
    } catch {
      // gone already
    }
    this.created = false;
  }

  /** Unlinks (if ours) and closes the FIFO and stops its script. Lines still queued are dropped. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.created) this.unlink();
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // nothing more to do
      }
      this.fd = undefined;
    }
    this.queue.length = 0;
    this.queuedBytes = 0;
    await this.stopScript();
  }
}
