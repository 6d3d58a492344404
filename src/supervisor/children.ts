/**
 * The parent's handle on one child process: fork, typed send, validated
 * receive, and the exit report. Policy (when to start, respawn, stop) lives
 * in the Supervisor; this file only runs the process.
 *
 * The child is forked with:
 *   - stdio: stdin from /dev/null, stdout/stderr shared with the parent (its
 *     log lines go where the parent's go), and the IPC channel;
 *   - `serialization: 'advanced'` so config parts keep Maps, BigInts, Dates;
 *   - an environment without systemd's per-service variables (only the main
 *     process talks to the notify socket; keepalived's children call
 *     sd_notify(unset_environment)) and without our internal variables;
 *   - the exec chain from child-launch.ts (namespace, scheduling).
 * A child that sends a message failing validation is killed (SIGKILL) with a
 * log line naming the message: it is a bug in our code, and the normal
 * respawn path restarts it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { LogPort } from '../core/log-port.js';
import type { ChildCommand } from './child-launch.js';
import { parseChildMessage, type ChildToParent, type ParentToChild } from './ipc.js';
import type { LogSettings } from './process-log.js';
import { ROLE_INFO, type ChildRole } from './roles.js';

const CHILD_ENV_STRIPPED = new Set(['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES']);

export function childEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !CHILD_ENV_STRIPPED.has(k) && !k.startsWith('KEEPALIVED_TS_')) env[k] = v;
  }
  return env;
}

export interface ChildHandleOptions {
  readonly role: ChildRole;
  /** Absolute path of child-main.js. */
  readonly entry: string;
  readonly command: ChildCommand;
  readonly env: NodeJS.ProcessEnv;
  readonly log: LogPort;
  /** How the child logs; passed on its command line so its first line already goes the right way. */
  readonly logSettings: LogSettings;
  readonly onMessage: (msg: ChildToParent) => void;
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class ChildHandle {
  readonly role: ChildRole;
  readonly startedAt: number;
  private readonly proc: ChildProcess;
  private exited = false;
  private markExited!: () => void;
  /** Resolves when the process has ended (or never started). */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.markExited = resolve;
  });

  constructor(private readonly opts: ChildHandleOptions) {
    this.role = opts.role;
    this.startedAt = Date.now();
    this.proc = fork(opts.entry, [opts.role, JSON.stringify(opts.logSettings)], {
      execPath: opts.command.execPath,
      execArgv: [...opts.command.execArgv],
      env: opts.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.proc.on('message', (raw: unknown) => this.receive(raw));
    this.proc.on('error', (err) => {
      // fork() failures and failed sends; an exit report follows when the process existed.
      opts.log.info(`${ROLE_INFO[this.role].display} child process: ${err.message}`);
      if (this.proc.pid === undefined && !this.exited) {
        this.exited = true;
        this.markExited();
        opts.onExit(null, null);
      }
    });
    this.proc.on('exit', (code, signal) => {
      if (this.exited) return;
      this.exited = true;
      this.markExited();
      opts.onExit(code, signal);
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Sends a message; false when the channel is already closed. */
  send(msg: ParentToChild): boolean {
    if (this.exited || !this.proc.connected) return false;
    try {
      return this.proc.send(msg);
    } catch {
      return false;
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      this.proc.kill(signal);
    } catch {
      // already gone
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseChildMessage(raw);
    if (!parsed.ok) {
      this.opts.log.error(
        `internal error: malformed message from the ${ROLE_INFO[this.role].display} child (pid ${this.pid}): ${parsed.error} - killing it`,
      );
      this.kill('SIGKILL');
      return;
    }
    this.opts.onMessage(parsed.message);
  }
}

/**
 * keepalived's sigend() for the children: ask each to stop (IPC `stop`, or
 * SIGTERM when the channel is gone), wait up to `waitMs` for all of them,
 * then SIGKILL whichever is left ("… process failed to die - forcing
 * termination"). Resolves when every one has ended.
 */
export async function stopChildren(handles: ReadonlyArray<readonly [ChildRole, ChildHandle]>, waitMs: number, log: LogPort): Promise<void> {
  const running = handles.filter(([, h]) => h.alive);
  for (const [, h] of running) if (!h.send({ type: 'stop' })) h.kill('SIGTERM');
  const allEnded = Promise.all(running.map(([, h]) => h.ended));
  let timer: NodeJS.Timeout | undefined;
  const waited = await Promise.race([
    allEnded.then(() => 'ended' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs))),
  ]);
  clearTimeout(timer);
  if (waited === 'ended') return;
  for (const [role, h] of running) {
    if (!h.alive) continue;
    log.info(`${role} process failed to die - forcing termination`);
    h.kill('SIGKILL');
  }
  await allEnded;
}
