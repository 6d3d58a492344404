/**
 * The child side of the process model: one runtime per child process that
 * owns everything except the protocol work (see subsystem.ts).
 *
 * Lifecycle:
 *   fork → `start` (config part + settings) → pid file written, subsystem
 *   started → `ready` → `reload`/`dump`/`query`/`relay` … → stop → exit 0.
 *
 * A child stops in order (subsystem.stop, then every running script's
 * process group, then its pid file) when:
 *   - the parent sends `stop` (the parent's TERM/INT handling);
 *   - it receives SIGTERM or SIGINT itself (an operator, or Ctrl-C on a
 *     foreground daemon: the whole process group gets it);
 *   - the IPC channel closes: the parent is gone, even by kill -9. keepalived
 *     uses PR_SET_PDEATHSIG for this; the channel is our equivalent and fires
 *     as soon as the kernel closes the parent's socket. This stop is bounded
 *     by PARENT_GONE_DEADLINE_MS so the child is gone within a second.
 * Signals sent straight to a child work as in keepalived: USR1 writes its
 * .data file, USR2 its stats; HUP is logged and ignored (reloads go through
 * the parent, which compiles the config; children never read the file).
 *
 * Exit codes: 0 after an orderly stop; a ChildStartError's code (1, 2, 4 are
 * permanent: the parent stops the daemon); 70 (PROGRAM_ERROR, respawned) for
 * a malformed message or an unexpected exception.
 */
import { spawnSync } from 'node:child_process';
import type { LogPort } from '../core/log-port.js';
import { ScriptRunner } from '../core/scripts/runner.js';
import type { LatenessClock, LatenessWatch } from '../core/loop-lateness.js';
import { startAutoPriority, type PriorityStep } from './auto-priority.js';
import { writeFileSafely } from './dumpfiles.js';
import { parseParentMessage, unreachable, type ChildSettings, type ChildToParent, type DumpKind, type ParentToChild } from './ipc.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { ExitCode } from './respawn.js';
import { ROLE_INFO, type ChildRole } from './roles.js';
import { ChildStartError, type Subsystem, type SubsystemContext } from './subsystem.js';

/** A child must be gone within a second of its parent's death. */
export const PARENT_GONE_DEADLINE_MS = 800;

/** The IPC channel as the child sees it (process.send and friends). */
export interface ParentChannel {
  send(msg: ChildToParent): void;
  onMessage(handler: (raw: unknown) => void): void;
  onDisconnect(handler: () => void): void;
  readonly connected: boolean;
}

export function processChannel(): ParentChannel {
  return {
    send(msg) {
      if (process.connected && process.send) process.send(msg);
    },
    onMessage(handler) {
      process.on('message', handler);
    },
    onDisconnect(handler) {
      process.on('disconnect', handler);
    },
    get connected() {
      return process.connected;
    },
  };
}

/** Optional native calls; absent until the addon is built. */
export interface ChildNative {
  mlockall?(): void;
  /** sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, priority) on the calling (main) thread. */
  setRealtime?(priority: number): void;
}

export interface ChildRuntimeDeps {
  readonly role: ChildRole;
  readonly subsystem: Subsystem;
  readonly channel: ParentChannel;
  readonly log: LogPort;
  readonly native?: ChildNative;
  /** process.exit, injectable for tests. */
  readonly exit?: (code: number) => never;
  /** The clock of the max_auto_priority lateness watch, injectable for tests. */
  readonly latenessClock?: LatenessClock;
}

export class ChildRuntime {
  private settings: ChildSettings | undefined;
  private generation = -1;
  private stopping: Promise<void> | undefined;
  private latenessWatch: LatenessWatch | undefined;
  /** The SCHED_RR priority this process runs at, 0 = SCHED_OTHER (set by applyRealtime). */
  private realtimePriority = 0;
  private readonly scripts: ScriptRunner;
  private readonly exit: (code: number) => never;
  /** Messages are handled one at a time, in order (a reload must not overtake a start). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ChildRuntimeDeps) {
    this.exit = deps.exit ?? ((code: number) => process.exit(code));
    this.scripts = new ScriptRunner({ log: deps.log });
    deps.channel.onMessage((raw) => {
      this.queue = this.queue.then(() => this.receive(raw));
    });
    deps.channel.onDisconnect(() => this.parentGone());
  }

  /** Routes the process's own signals (see the module comment); realtime ones come from the native watcher. */
  handleSignal(signal: NodeJS.Signals | 'SIGRTMIN+2' | 'SIGRTMAX-1'): void {
    switch (signal) {
      case 'SIGRTMIN+2':
        if (this.settings) void this.writeDump('json', this.settings.jsonFile);
        return;
      case 'SIGRTMAX-1':
        if (this.settings) void this.writeDump('stats-clear', this.settings.statsFile);
        return;
      case 'SIGINT':
        if (this.settings?.ignoreSigint) return;
        void this.stop(`received ${signal}`);
        return;
      case 'SIGTERM':
        void this.stop(`received ${signal}`);
        return;
      case 'SIGUSR1':
        if (this.settings) void this.writeDump('data', this.settings.dataFile);
        return;
      case 'SIGUSR2':
        if (this.settings) void this.writeDump('stats', this.settings.statsFile);
        return;
      case 'SIGXCPU':
        this.deps.log.info(`${ROLE_INFO[this.deps.role].display} process has used too much CPU time, ${this.deps.role}_rlimit_rttime may need to be increased`);
        return;
      case 'SIGHUP':
        this.deps.log.info(`reloads are done by the parent process (pid ${process.ppid}); send SIGHUP to it`);
        return;
      default:
        this.deps.log.info(`ignoring ${signal}`);
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseParentMessage(raw);
    if (!parsed.ok) {
      this.deps.log.error(`internal error: malformed message from the parent (${parsed.error}) - exiting`);
      return this.exit(ExitCode.programError);
    }
    try {
      await this.handle(parsed.message);
    } catch (err) {
      this.deps.log.error(`internal error handling '${parsed.message.type}': ${(err as Error).stack ?? String(err)} - exiting`);
      return this.exit(ExitCode.programError);
    }
  }

  private async handle(msg: ParentToChild): Promise<void> {
    if (this.stopping) return;
    switch (msg.type) {
      case 'start':
        return this.start(msg.generation, msg.settings, msg.part);
      case 'reload': {
        const report = await this.deps.subsystem.reload(msg.part, msg.diff);
        this.generation = msg.generation;
        for (const line of report.failed) this.deps.log.info(`reload: could not apply: ${line}`);
        this.deps.channel.send({ type: 'reloaded', generation: msg.generation, report });
        return;
      }
      case 'dump':
        return this.writeDump(msg.what, msg.path);
      case 'query': {
        try {
          this.deps.channel.send({ type: 'answer', id: msg.id, ok: true, body: this.deps.subsystem.query(msg.what) });
        } catch (err) {
          this.deps.channel.send({ type: 'answer', id: msg.id, ok: false, error: (err as Error).message });
        }
        return;
      }
      case 'relay':
        this.deps.subsystem.onRelay(msg.event);
        return;
      case 'stop':
        return this.stop('asked by the parent');
      default:
        return unreachable(msg, 'parent message');
    }
  }

  private async start(generation: number, settings: ChildSettings, part: unknown): Promise<void> {
    if (this.settings) throw new Error('second start message');
    this.settings = settings;
    process.umask(settings.umask);
    // libuv sets both the command line and the main thread's comm (prctl PR_SET_NAME)
    if (settings.processName !== undefined) process.title = settings.processName;
    if (!writePidFile(settings.pidFile, process.pid, this.deps.log)) {
      // keepalived: "cannot write pidfile" is fatal for the child, but exits 0 (respawned).
      this.deps.log.info(`${ROLE_INFO[this.deps.role].display} child process: cannot write pidfile`);
      return this.exit(ExitCode.ok);
    }
    if (settings.noSwap) this.lockMemory();
    if (settings.realtime) this.applyRealtime(settings.realtime.priority, settings.realtime.rlimitRttimeUs);
    const ctx: SubsystemContext = {
      role: this.deps.role,
      settings,
      log: this.deps.log,
      scripts: this.scripts,
      relay: (event) => this.deps.channel.send({ type: 'relay', event }),
    };
    try {
      await this.deps.subsystem.start(part, ctx);
    } catch (err) {
      if (err instanceof ChildStartError) {
        this.deps.log.error(`${err.message}`);
        removePidFile(settings.pidFile);
        return this.exit(err.exitCode);
      }
      throw err;
    }
    this.generation = generation;
    this.deps.channel.send({ type: 'ready', generation });
    // As keepalived, which checks lateness in its event loop once the child has
    // loaded its config: the loop only runs its timers from here on.
    if (settings.autoPriority && !this.stopping) {
      this.latenessWatch = startAutoPriority(
        { ...settings.autoPriority, startPriority: this.realtimePriority },
        {
          log: this.deps.log,
          apply: (step) => this.applyPriorityStep(step),
          ...(this.deps.latenessClock ? { clock: this.deps.latenessClock } : {}),
        },
      );
    }
  }

  /** One max_auto_priority step: SCHED_RR at a higher priority, RLIMIT_RTTIME on leaving SCHED_OTHER. */
  private applyPriorityStep(step: PriorityStep): boolean {
    return this.applyRealtime(step.priority, step.rlimitRttimeUs ?? 0);
  }

  /**
   * keepalived's set_process_priorities() for a realtime priority, applied
   * once loaded (see child-launch.ts for why not at exec): SCHED_RR with
   * SCHED_RESET_ON_FORK on the event-loop thread, then RLIMIT_RTTIME with
   * the soft limit at half the hard one so SIGXCPU warns first. Uses the
   * native addon when present, else chrt(1)/prlimit(1) on our own pid
   * (which is the main thread's id).
   */
  private applyRealtime(priority: number, rlimitRttimeUs: number): boolean {
    const pid = String(process.pid);
    try {
      if (this.deps.native?.setRealtime) this.deps.native.setRealtime(priority);
      else runTool('chrt', ['-r', '-R', '-p', String(priority), pid]);
    } catch (err) {
      this.deps.log.warn(`child process: cannot raise priority (${(err as Error).message})`);
      return false;
    }
    this.realtimePriority = priority;
    if (rlimitRttimeUs <= 0) return true;
    try {
      runTool('prlimit', ['--pid', pid, `--rttime=${Math.floor(rlimitRttimeUs / 2)}:${rlimitRttimeUs}`]);
    } catch (err) {
      this.deps.log.warn(`child process cannot set realtime rlimit (${(err as Error).message})`);
    }
    return true;
  }

  private lockMemory(): void {
    const native = this.deps.native;
    if (!native?.mlockall) {
      this.deps.log.info(`Unable to lock process in memory - the native addon is not available`);
      return;
    }
    try {
      native.mlockall();
    } catch (err) {
      this.deps.log.info(`Unable to lock process in memory - ${(err as Error).message}`);
    }
  }

  private async writeDump(what: DumpKind, path: string): Promise<void> {
    const s = this.deps.subsystem;
    let error: string | undefined;
    try {
      const content = what === 'data' ? s.dumpData() : what === 'json' ? jsonText(s.dumpJson()) : s.dumpStats(what === 'stats-clear');
      await writeFileSafely(path, content, this.settings?.umask ?? 0o022);
    } catch (err) {
      error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.deps.log.info(`Can't open dump file ${path} (${error})`);
    }
    this.deps.channel.send(error === undefined ? { type: 'dumped', what, path } : { type: 'dumped', what, path, error });
  }

  private parentGone(): void {
    if (this.stopping) return;
    this.deps.log.info(`parent process gone - stopping`);
    const timer = setTimeout(() => {
      this.deps.log.info(`stop did not finish within ${PARENT_GONE_DEADLINE_MS} ms - exiting`);
      this.exit(ExitCode.ok);
    }, PARENT_GONE_DEADLINE_MS);
    timer.unref();
    void this.stop('parent gone');
  }

  /** Orderly stop; idempotent. Exits the process when done. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.latenessWatch?.stop();
      this.deps.log.info(`stopping (${reason})`);
      const release = this.settings?.releaseOnStop ?? true;
      try {
        await this.deps.subsystem.stop(release);
      } catch (err) {
        this.deps.log.error(`error while stopping: ${(err as Error).message}`);
      }
      await this.scripts.terminateAll();
      if (this.settings) removePidFile(this.settings.pidFile);
      this.deps.log.info(`stopped`);
      this.exit(ExitCode.ok);
    })();
    return this.stopping;
  }

  get currentGeneration(): number {
    return this.generation;
  }
}

/** Runs a util-linux tool synchronously; throws with its stderr on failure. */
function runTool(name: string, args: string[]): void {
  const r = spawnSync(name, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')}: ${(r.stderr || `exit ${r.status}`).trim()}`);
}

/** A subsystem's JSON dump: text it rendered itself is written as it is, anything else serialised. */
function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : `${JSON.stringify(value, bigintSafe, 1)}\n`;
}

function bigintSafe(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  return v;
}
