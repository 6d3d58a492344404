/**
 * Runs scripts: one process group each, a timeout that takes the whole group
 * down, and an outcome that is always a value.
 *
 * The timeout follows keepalived's vrrp_script / MISC_CHECK sequence
 * (vrrp_scheduler.c vrrp_script_child_thread, check_misc.c):
 *   timeout        → SIGTERM to the group            (state requesting-termination)
 *   + 2 s          → SIGKILL to the group            (state forcing-termination)
 *   + 2 s, + 10 s… → "failed to terminate after kill", SIGKILL again
 * When the script dies of the SIGTERM we sent, the group gets a SIGKILL as
 * well, so a grandchild that ignored SIGTERM cannot outlive it. A script that
 * dies of our signal is a `timeout`; one that catches SIGTERM and exits is
 * reported with its exit code (as keepalived does), flagged `afterTimeout`,
 * and its group is swept with SIGKILL too.
 * A script that finishes on its own is left alone: anything it started in
 * the background keeps running (notify scripts legitimately start services).
 * A process that left the group with setsid() cannot be reached this way;
 * only a cgroup could, which is beyond a script runner.
 *
 * `terminateAll()` is keepalived's script_killall() at shutdown: SIGTERM to
 * every running group, SIGKILL one second later to whatever remains.
 *
 * Nothing here throws into the caller: a missing file, a failed spawn or a
 * failed kill() all come back as results or log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import type { LogPort } from '../log-port.js';
import { formatScriptCommand } from './command.js';
import { IP_CANDIDATES, SETPRIV_CANDIDATES, findExecutable, planLaunch, scriptEnvironment, type LaunchContext } from './launch.js';

export type ScriptResult =
  | { readonly kind: 'exit'; readonly code: number; readonly durationMs: number; readonly afterTimeout?: true }
  | { readonly kind: 'signal'; readonly signal: string; readonly durationMs: number }
  | { readonly kind: 'timeout'; readonly signal: string; readonly durationMs: number }
  | { readonly kind: 'error'; readonly message: string; readonly durationMs: number };

export type RunState = 'running' | 'requesting-termination' | 'forcing-termination' | 'done';

/** A checked script ready to run (see checkScript and ScriptUsers). */
export interface ScriptToRun {
  /** What logs call it: the vrrp_script name, or the command line. */
  readonly name: string;
  readonly argv: readonly string[];
  /** For keepalived's `</path` form: open this file instead of running anything. */
  readonly fileTestPath?: string;
  readonly uid: number;
  readonly gid: number;
}

export interface RunOptions {
  /** Milliseconds; undefined or 0 = no timeout (notify scripts have none). */
  readonly timeoutMs?: number;
  /** Appended to argv (notify scripts get TYPE NAME STATE PRIORITY). */
  readonly extraArgs?: readonly string[];
}

export interface ScriptRun {
  readonly pid: number | undefined;
  readonly state: RunState;
  readonly result: Promise<ScriptResult>;
}

export interface ScriptRunnerOptions {
  readonly log: LogPort;
  /** Our effective ids; default process.geteuid()/getegid(). */
  readonly self?: { readonly uid: number; readonly gid: number };
  /** Run every script inside this named network namespace (the parent's scripts). */
  readonly netns?: string;
  /** Wait after SIGTERM and after the first SIGKILL; keepalived: 2 s. */
  readonly termGraceMs?: number;
  /** Interval of later SIGKILLs; keepalived: 10 s. */
  readonly killRetryMs?: number;
  /** Grace after terminateAll()'s SIGTERM; keepalived: 1 s. */
  readonly shutdownGraceMs?: number;
  /** setpriv path; null disables it; default: looked up. */
  readonly setpriv?: string | null;
  /** Base environment; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

class Run implements ScriptRun {
  state: RunState = 'running';
  pid: number | undefined;
  readonly result: Promise<ScriptResult>;
  private settle!: (r: ScriptResult) => void;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly runner: ScriptRunner,
    readonly script: ScriptToRun,
  ) {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  elapsed(): number {
    return Date.now() - this.started;
  }

  finish(r: ScriptResult): void {
    if (this.state === 'done') return;
    this.state = 'done';
    if (this.timer) clearTimeout(this.timer);
    this.runner.forget(this);
    this.settle(r);
  }

  attach(child: ChildProcess, timeoutMs: number | undefined): void {
    this.pid = child.pid;
    child.once('error', (err) => {
      this.finish({ kind: 'error', message: `Error exec-ing command '${this.script.argv[0]}': ${err.message}`, durationMs: this.elapsed() });
    });
    child.once('exit', (code, signal) => this.onExit(code, signal));
    if (timeoutMs && timeoutMs > 0) this.arm(timeoutMs);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    const grace = this.runner.termGraceMs;
    switch (this.state) {
      case 'running':
        this.state = 'requesting-termination';
        this.signalGroup('SIGTERM');
        this.arm(grace);
        return;
      case 'requesting-termination':
        this.state = 'forcing-termination';
        this.signalGroup('SIGKILL');
        this.arm(grace);
        return;
      case 'forcing-termination':
        this.runner.log.info(`Script ${this.script.name} child (PID ${this.pid}) failed to terminate after kill`);
        this.signalGroup('SIGKILL');
        this.arm(this.runner.killRetryMs);
        return;
      case 'done':
        return;
    }
  }

  /** kill(-pgid): the script is its group's leader, so pgid = pid. */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') this.runner.log.info(`kill -${signal} of process group ${this.pid} (${this.script.name}) failed: ${code}`);
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const durationMs = this.elapsed();
    if (signal !== null) {
      const ourTerm = this.state === 'requesting-termination' && signal === 'SIGTERM';
      const ourKill = this.state === 'forcing-termination' && (signal === 'SIGKILL' || signal === 'SIGTERM');
      // The leader died of our SIGTERM: make sure nothing it started survives.
      if (ourTerm) this.signalGroup('SIGKILL');
      this.finish(ourTerm || ourKill ? { kind: 'timeout', signal, durationMs } : { kind: 'signal', signal, durationMs });
      return;
    }
    const afterTimeout = this.state !== 'running';
    if (afterTimeout) this.signalGroup('SIGKILL');
    this.finish(afterTimeout ? { kind: 'exit', code: code ?? 0, durationMs, afterTimeout: true } : { kind: 'exit', code: code ?? 0, durationMs });
  }
}

export class ScriptRunner {
  readonly log: LogPort;
  readonly termGraceMs: number;
  readonly killRetryMs: number;
  private readonly shutdownGraceMs: number;
  private readonly ctx: LaunchContext;
  private readonly env: Record<string, string>;
  private readonly running = new Set<Run>();
  private warnedNoSetpriv = false;

  constructor(opts: ScriptRunnerOptions) {
    this.log = opts.log;
    this.termGraceMs = opts.termGraceMs ?? 2000;
    this.killRetryMs = opts.killRetryMs ?? 10_000;
    this.shutdownGraceMs = opts.shutdownGraceMs ?? 1000;
    const self = opts.self ?? { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
    const setpriv = opts.setpriv === null ? undefined : (opts.setpriv ?? findExecutable(SETPRIV_CANDIDATES));
    const ip = opts.netns !== undefined ? findExecutable(IP_CANDIDATES) : undefined;
    this.ctx = { self, setpriv, ...(opts.netns !== undefined ? { netns: opts.netns, ip } : {}) };
    this.env = scriptEnvironment(opts.env ?? process.env);
  }

  /** Scripts currently running. */
  get active(): number {
    return this.running.size;
  }

  forget(run: Run): void {
    this.running.delete(run);
  }

  /** Starts one run. The returned handle's `result` never rejects. */
  run(script: ScriptToRun, opts: RunOptions = {}): ScriptRun {
    const run = new Run(this, script);
    this.running.add(run);
    if (script.fileTestPath !== undefined && script.uid === this.ctx.self.uid && script.gid === this.ctx.self.gid && !this.ctx.netns) {
      void this.openTest(run, script.fileTestPath);
      return run;
    }
    const argv =
      script.fileTestPath !== undefined
        ? ['/bin/sh', '-c', 'exec <"$1"', 'sh', script.fileTestPath]
        : [...script.argv, ...(opts.extraArgs ?? [])];
    const launch = planLaunch(argv, script.uid, script.gid, this.ctx);
    if (!launch.ok) {
      run.finish({ kind: 'error', message: `${script.name}: ${launch.message}`, durationMs: 0 });
      return run;
    }
    if (!this.ctx.setpriv && !this.warnedNoSetpriv) {
      this.warnedNoSetpriv = true;
      this.log.warn('setpriv(1) not found: scripts will not be sent SIGTERM if this process dies');
    }
    const { file, args, uid, gid } = launch.plan;
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        stdio: 'ignore',
        detached: true,
        env: this.env,
        ...(uid !== undefined ? { uid, gid } : {}),
      });
    } catch (err) {
      run.finish({ kind: 'error', message: `Error exec-ing command ${formatScriptCommand(argv)}: ${(err as Error).message}`, durationMs: 0 });
      return run;
    }
    run.attach(child, opts.timeoutMs);
    return run;
  }

  /** keepalived runs `</path` through a shell; as the same user we just open it. */
  private async openTest(run: Run, path: string): Promise<void> {
    try {
      // O_NONBLOCK: a FIFO must not block a thread-pool thread until a writer appears.
      const fh = await fsp.open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      await fh.close();
      run.finish({ kind: 'exit', code: 0, durationMs: run.elapsed() });
    } catch {
      run.finish({ kind: 'exit', code: 1, durationMs: run.elapsed() });
    }
  }

  /**
   * Stops every running script (shutdown): SIGTERM to each group, SIGKILL
   * after the grace period to what is left. Resolves when all have ended.
   */
  async terminateAll(): Promise<void> {
    const runs = [...this.running];
    if (runs.length === 0) return;
    for (const r of runs) r.signalGroup('SIGTERM');
    const all = Promise.all(runs.map((r) => r.result));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), this.shutdownGraceMs);
    });
    if ((await Promise.race([all, grace])) === 'grace') {
      for (const r of runs) if (r.state !== 'done') r.signalGroup('SIGKILL');
      await all;
    }
    clearTimeout(timer);
  }
}
