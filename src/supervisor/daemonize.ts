/**
 * Daemonising without fork().
 *
 * keepalived (core/daemon.c xdaemon) forks; the child calls setsid(),
 * chdir("/") and points stdio at /dev/null; the original process exits 0 at
 * once, before the daemon has even written its pid file. Node cannot fork a
 * running process, so the process the user started (the launcher) starts the
 * daemon as a new process instead:
 *
 *   launcher                                 daemon
 *   spawn(node, same script, same args,      ─▶ setsid() (detached: true),
 *         same cwd, stdio /dev/null,            resolves -f against that cwd,
 *                                               then chdir("/"), stdio /dev/null,
 *         fd 3 = pipe,                          KEEPALIVED_TS_READY_FD=3
 *         KEEPALIVED_TS_READY_FD=3)             (removed from its env at once)
 *   read fd 3 ◀─ "log …" lines                ─ every log line until ready
 *             ◀─ "ready PID"                  ─ pid file written, signals taken
 *   print the log lines, exit 0
 *   (or the daemon's exit code if it ended first, e.g. "daemon is already
 *   running", a bad config, a pid file it cannot write)
 *
 * keepalived forks after reading the config, so a relative -f path works;
 * our daemon re-reads its command line, so it resolves -f in the launcher's
 * directory before chdir("/") and keeps the absolute path for reloads.
 *
 * Better than keepalived's plain fork for init scripts: when the launcher
 * exits, the pid file exists and a failed start has a non-zero exit code
 * and its reason on stderr. The daemon is a session leader with no
 * controlling terminal, like keepalived's. Under systemd use `-n`
 * (Type=notify; see systemd/keepalived-ts.service).
 */
import { spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { LogPort } from '../core/log-port.js';

export const READY_FD_ENV = 'KEEPALIVED_TS_READY_FD';

export interface LaunchOutcome {
  readonly exitCode: number;
  /** Lines the daemon logged before it was ready (or before it ended). */
  readonly log: readonly string[];
  readonly pid?: number;
}

export interface LaunchOptions {
  /** The daemon's command: node's execArgv + script + arguments, as for the launcher. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Give up waiting for readiness after this long (the daemon keeps running). */
  readonly timeoutMs?: number;
  readonly execPath?: string;
}

/** Starts the daemon detached and waits until it is ready or has ended. */
export function launchDaemon(opts: LaunchOptions): Promise<LaunchOutcome> {
  return new Promise((resolve) => {
    const child = spawn(opts.execPath ?? process.execPath, [...opts.args], {
      detached: true,
      // the daemon resolves relative paths (-f) here, then moves to /
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      env: { ...(opts.env ?? process.env), [READY_FD_ENV]: '3' },
    });
    const lines: string[] = [];
    let buffered = '';
    let settled = false;
    const settle = (o: LaunchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pipe?.destroy();
      child.unref();
      resolve(o);
    };
    const timer = setTimeout(
      () => settle({ exitCode: 1, log: [...lines, `the daemon (pid ${child.pid}) did not report readiness within ${opts.timeoutMs ?? 30000} ms`] }),
      opts.timeoutMs ?? 30_000,
    );
    const pipe = child.stdio[3] as import('node:stream').Readable | null;
    pipe?.setEncoding('utf8');
    pipe?.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('log ')) lines.push(line.slice(4));
        else if (line.startsWith('ready ')) settle({ exitCode: 0, log: lines, pid: Number(line.slice(6)) });
      }
    });
    pipe?.on('error', () => undefined);
    child.on('error', (err) => settle({ exitCode: 1, log: [...lines, `cannot start the daemon: ${err.message}`] }));
    child.on('exit', (code, signal) => settle({ exitCode: code ?? 1, log: signal ? [...lines, `the daemon was killed by ${signal}`] : lines }));
  });
}

/** The daemon's end of the handshake; undefined when not started by launchDaemon. */
export interface ReadinessReporter {
  /** Wraps a logger so that lines also reach the launcher until ready. */
  tee(log: LogPort): LogPort;
  ready(): void;
}

export function takeReadinessReporter(env: NodeJS.ProcessEnv = process.env): ReadinessReporter | undefined {
  const raw = env[READY_FD_ENV];
  delete env[READY_FD_ENV];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  let fd: number | undefined = Number(raw);
  const write = (text: string): void => {
    if (fd === undefined) return;
    try {
      writeSync(fd, text);
    } catch {
      fd = undefined; // the launcher is gone (timed out); carry on
    }
  };
  return {
    tee(log) {
      const forward = (level: keyof LogPort) => (message: string) => {
        log[level](message);
        write(`log ${message.replace(/\n/g, ' ')}\n`);
      };
      return { info: forward('info'), warn: forward('warn'), error: forward('error') };
    },
    ready() {
      write(`ready ${process.pid}\n`);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
