/**
 * The parent process: keepalived's core/main.c, as one object.
 *
 * run():
 *   load the config (failure: exit 6, NO_CONFIG) → work out pid files, refuse
 *   to start when a daemon already holds them → check the start/stop scripts
 *   → write the pid file → take signals → startup script → start the
 *   children this config needs (checker, vrrp, bfd) → when each has reported
 *   `ready`: "Startup complete", systemd READY=1 → … → stop → exit code.
 *
 * A dead child (supervisor is told by its exit) is, as report_child_status()
 * and *_respawn_thread() decide: the end of the daemon for a permanent exit
 * code (1, 2, 4), the end of the daemon with -R, or restarted after
 * calc_restart_delay()'s back-off (respawn.ts).
 *
 * Signals: TERM/INT stop; HUP reload (reload.ts for the pure part: a reload
 * that fails to compile or changes what needs a restart leaves everything
 * running on the old config; otherwise each child gets its new part and the
 * diff, and "Reload complete" + READY=1 follow its `reloaded`; a HUP during
 * a reload is queued, as keepalived does); USR1 data dumps (the parent's own
 * keepalived_parent.data, and each child's); USR2, STATS_CLEAR and JSON go
 * to the VRRP child only; TDUMP logs the parent's event-loop handles.
 *
 * Stop (sigend()): STOPPING=1, `stop` to every child, up to child_wait_time
 * for them to exit, SIGKILL for the rest ("failed to die - forcing
 * termination"), the shutdown script, pid files removed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LogPort } from '../core/log-port.js';
import { systemAccounts, type AccountLookup } from '../core/scripts/accounts.js';
import { ScriptRunner, type ScriptToRun } from '../core/scripts/runner.js';
import { childCommand, type LaunchTools } from './child-launch.js';
import { ChildHandle, childEnvironment, stopChildren } from './children.js';
import { DEFAULT_UMASK, loadSafely, type DaemonConfigAdapter, type DaemonGlobals, type SupervisorOptions } from './daemon-config.js';
import { dataFilePath, jsonFilePath, statsFilePath, tmpDirectory, writeFileSafely, type DumpNaming } from './dumpfiles.js';
import { unreachable, type ChildSettings, type ChildToParent, type DumpKind, type QueryKind } from './ipc.js';
import { checkStartStopScripts, runParentScript } from './parent-scripts.js';
import { childSettings, defaultLaunchTools, parentDataText, type ChildState } from './parent-views.js';
import { DEFAULT_LOG_SETTINGS, identSuffix, type LogSettings } from './process-log.js';
import { QueryBroker, type QueryAnswer } from './queries.js';
import { createPidDirectory, daemonAlreadyRunning, pidDirectory, pidFileNames, removePidDirectory, removePidFile, writePidFile, type PidFileNames } from './pidfile.js';
import { changeCount, diffConfigs, formatConfigDiff, restartOnlyChanges, sectionEntries, writeReloadCheckLog } from './reload.js';
import { ExitCode, RestartBackoff, classifyExit, describeExit } from './respawn.js';
import { CHILD_ROLES, ROLE_INFO, START_ORDER, STOP_ORDER, childrenToRun, shouldRun, type ChildRole } from './roles.js';
import { wireDaemonSignals, type DaemonSignal, type RealtimeSignals, type SignalWiring } from './signals.js';
import { ERRNO, type SystemdNotifier } from './systemd.js';

export interface SupervisorDeps<C> {
  readonly adapter: DaemonConfigAdapter<C>;
  readonly log: LogPort;
  /** "keepalived-ts 0.1.0", for Starting/Stopped lines. */
  readonly version: string;
  readonly notifier?: SystemdNotifier;
  readonly realtime?: RealtimeSignals;
  readonly accounts?: AccountLookup;
  /** Default process.env (TMPDIR; children inherit it minus systemd's variables). */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: child-main.js next to this file. */
  readonly childEntry?: string;
  readonly tools?: Partial<LaunchTools>;
  /**
   * With a namespace or instance name keepalived changes its syslog ident
   * ("Changing syslog ident to Keepalived_nodeA"); the caller that built the
   * parent's logger gets the suffix here.
   */
  readonly onIdentSuffix?: (suffix: string) => void;
  /** Called once the daemon takes signals and its pid file exists (the daemonising handshake). */
  readonly onStarted?: () => void;
}

interface Slot {
  handle?: ChildHandle;
  readonly backoff: RestartBackoff;
  respawnTimer?: NodeJS.Timeout;
  restarts: number;
}

type Phase = { readonly kind: 'startup' | 'reload'; readonly waiting: Set<ChildRole> };

export class Supervisor<C> {
  private config!: C;
  private globals!: DaemonGlobals;
  private generation = 0;
  private netns: string | undefined;
  private umask = DEFAULT_UMASK;
  private pidFiles!: PidFileNames;
  private pidDir: string | undefined;
  private state: 'init' | 'running' | 'stopping' | 'stopped' = 'init';
  private phase: Phase | undefined;
  private reloadQueued = false;
  private reloading = false;
  private shutdownScript: ScriptToRun | undefined;
  private signals: SignalWiring | undefined;
  /** Holds the event loop open while running: signal listeners do not, and with no child nothing else would. */
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly slots: Record<ChildRole, Slot>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly tools: LaunchTools;
  private readonly childEntry: string;
  private runner!: ScriptRunner;
  private readonly queries = new QueryBroker();
  private finish!: (code: number) => void;
  private readonly finished = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps<C>,
  ) {
    this.slots = Object.fromEntries(CHILD_ROLES.map((r) => [r, { backoff: new RestartBackoff(), restarts: 0 }])) as Record<ChildRole, Slot>;
    this.env = deps.env ?? process.env;
    this.tools = { ...defaultLaunchTools(), ...deps.tools };
    this.childEntry = deps.childEntry ?? fileURLToPath(new URL('./child-main.js', import.meta.url));
  }

  private get log(): LogPort {
    return this.deps.log;
  }

  private get accounts(): AccountLookup {
    return this.deps.accounts ?? systemAccounts;
  }

  /** Runs the daemon until it stops; resolves with the process exit code. */
  async run(): Promise<number> {
    this.log.info(`Starting ${this.deps.version}`);
    const loaded = await loadSafely(this.deps.adapter, this.options.configFile);
    if (!loaded.ok) {
      for (const e of loaded.errors) this.log.error(e);
      this.log.error(`Unable to load configuration file ${this.options.configFile}`);
      return ExitCode.noConfig;
    }
    for (const w of loaded.warnings) this.log.warn(w);
    for (const line of loaded.dump ?? []) this.log.info(line);
    this.config = loaded.config;
    this.globals = this.deps.adapter.globals(this.config);
    this.setProcessName(this.globals.processName);

    this.umask = this.options.umask ?? this.globals.umask ?? DEFAULT_UMASK;
    process.umask(this.umask);
    this.netns = this.options.namespace ?? this.globals.netns;
    if (this.options.namespace !== undefined && this.globals.netns !== undefined && this.globals.netns !== this.options.namespace) {
      this.log.info(`Overriding config net_namespace '${this.globals.netns}' with command line namespace '${this.options.namespace}'`);
    }
    const suffix = identSuffix(this.netns, this.globals.instance);
    if (suffix !== undefined) {
      this.log.info(`Changing syslog ident to Keepalived_${suffix}`);
      this.deps.onIdentSuffix?.(suffix);
    }
    if (this.netns !== undefined && !existsSync(`/run/netns/${this.netns}`)) {
      this.log.error(`Unable to set network namespace ${this.netns} - exiting (/run/netns/${this.netns} does not exist)`);
      return ExitCode.fatal;
    }

    const pidOpts = {
      overrides: this.options.pidFiles,
      instance: this.globals.instance,
      netns: this.netns,
      usePidDir: this.globals.usePidDir,
      runDir: this.options.runDir,
    };
    this.pidFiles = pidFileNames(pidOpts);
    this.pidDir = pidDirectory(pidOpts);
    if (this.pidDir !== undefined && !createPidDirectory(this.pidDir, this.log)) this.pidDir = undefined;
    if (daemonAlreadyRunning(this.pidFiles, this.options.mode, this.log)) {
      this.log.info('daemon is already running');
      return ExitCode.ok;
    }

    this.runner = new ScriptRunner({ log: this.log, ...(this.netns !== undefined ? { netns: this.netns } : {}), env: this.env });
    const scripts = checkStartStopScripts(this.globals, this.accounts, this.log, 'both');
    this.shutdownScript = scripts.shutdown;
    const startup = scripts.startup;

    if (!writePidFile(this.pidFiles.main, process.pid, this.log)) return ExitCode.fatal;
    // keepalived (core/main.c) says this right after writing its pid file; -1 silences it.
    if (this.globals.autoPriority?.notice) this.log.info('NOTICE: setting config option max_auto_priority should result in better keepalived performance');
    this.state = 'running';
    this.keepAlive = setInterval(() => undefined, 0x7fffffff);
    this.signals = wireDaemonSignals((sig, name) => this.onSignal(sig, name), this.deps.realtime, { ignoreSigint: this.options.ignoreSigint ?? false });
    if (this.signals.uncaught.length) {
      this.log.warn(`Cannot catch ${this.signals.uncaught.join(', ')} without the native addon: sending them terminates the daemon`);
    }
    this.deps.onStarted?.();

    if (startup) await runParentScript('startup', startup, this.globals.startupScriptTimeoutMs, this.runner, this.log, this.options.logDetail);
    if (this.state === 'running') this.startChildren();
    return this.finished;
  }

  /** process_name: libuv sets the command line and the main thread's comm. */
  private setProcessName(name: string | undefined): void {
    if (name !== undefined) process.title = name;
  }

  private startChildren(): void {
    const roles = childrenToRun(this.options.mode, this.deps.adapter.summary(this.config));
    if (roles.length === 0) {
      this.log.info('Warning - keepalived has no configuration to run');
      this.deps.notifier?.ready('Running with no children (empty configuration)');
      return;
    }
    this.phase = { kind: 'startup', waiting: new Set(roles) };
    for (const role of roles) this.startChild(role);
  }

  private dumpNaming(): DumpNaming {
    return {
      tmpDir: tmpDirectory(this.env),
      stateDumpFile: this.globals.stateDumpFile,
      dataUseInstance: this.globals.dataUseInstance,
      instance: this.globals.instance,
      netns: this.netns,
    };
  }

  private childLogSettings(): LogSettings {
    const suffix = identSuffix(this.netns, this.globals.instance);
    return { ...(this.options.log ?? DEFAULT_LOG_SETTINGS), ...(suffix !== undefined ? { identSuffix: suffix } : {}) };
  }

  private childSettings(role: ChildRole): ChildSettings {
    return childSettings({ role, options: this.options, globals: this.globals, pidFiles: this.pidFiles, umask: this.umask, naming: this.dumpNaming() });
  }

  private startChild(role: ChildRole): void {
    const slot = this.slots[role];
    slot.respawnTimer = undefined;
    const display = ROLE_INFO[role].display;
    const cmd = childCommand(role, this.globals.tuning[role], this.netns, this.tools, process.execArgv.filter((a) => !a.startsWith('--inspect')));
    if (!cmd.ok) {
      this.log.error(cmd.message);
      void this.stop(ExitCode.fatal);
      return;
    }
    const handle = new ChildHandle({
      role,
      entry: this.childEntry,
      command: cmd.command,
      env: childEnvironment(this.env),
      log: this.log,
      logSettings: this.childLogSettings(),
      onMessage: (msg) => this.onChildMessage(role, msg),
      onExit: (code, signal) => this.onChildExit(role, handle, code, signal),
    });
    slot.handle = handle;
    if (handle.pid === undefined) return; // fork failed; onExit reports it
    this.log.info(`Starting ${display} child process, pid=${handle.pid}`);
    handle.send({ type: 'start', generation: this.generation, settings: this.childSettings(role), part: this.deps.adapter.part(this.config, role) });
  }

  private onChildMessage(role: ChildRole, msg: ChildToParent): void {
    switch (msg.type) {
      case 'ready':
        // the first start, or a child a reload had to start
        if (this.phase?.waiting.has(role)) this.childDone(role);
        return;
      case 'reloaded':
        if (this.options.logDetail) for (const l of msg.report.applied) this.log.info(`(${ROLE_INFO[role].display}) reload: ${l}`);
        if (this.phase?.kind === 'reload' && msg.generation === this.generation) this.childDone(role);
        return;
      case 'dumped':
        if (msg.error !== undefined) this.log.info(`${ROLE_INFO[role].display} child could not write ${msg.path}: ${msg.error}`);
        return;
      case 'answer':
        this.queries.answer(msg);
        return;
      case 'relay':
        // BFD state changes feed VRRP's track_bfd and the checker's BFD_CHECK.
        if (role === 'bfd') for (const to of ['vrrp', 'checker'] as const) this.slots[to].handle?.send({ type: 'relay', event: msg.event });
        return;
      default:
        unreachable(msg, 'child message');
    }
  }

  private childDone(role: ChildRole): void {
    const phase = this.phase;
    if (!phase || !phase.waiting.delete(role) || phase.waiting.size > 0) return;
    this.phase = undefined;
    this.log.info(phase.kind === 'startup' ? 'Startup complete' : 'Reload complete');
    this.deps.notifier?.ready(this.statusLine());
    if (this.reloadQueued && this.state === 'running') {
      this.reloadQueued = false;
      void this.reload();
    }
  }

  private statusLine(): string {
    const running = START_ORDER.filter((r) => this.slots[r].handle?.alive).map((r) => `${r} (pid ${this.slots[r].handle!.pid})`);
    return running.length ? `Running: ${running.join(', ')}` : 'Running with no children';
  }

  private onChildExit(role: ChildRole, handle: ChildHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = this.slots[role];
    if (slot.handle === handle) slot.handle = undefined;
    this.queries.childGone(role);
    // A child that dies before it is ready stays awaited: the startup (or
    // reload) completes, and READY=1 goes out, when its replacement is ready.
    if (this.state !== 'running') return; // an orderly stop is collecting it

    const info = ROLE_INFO[role];
    const line = describeExit(info.progName, code, signal);
    if (line) this.log.info(line);
    const verdict = classifyExit(code);
    if (verdict.permanent) {
      this.deps.notifier?.errno(verdict.code === ExitCode.missingPermission ? ERRNO.EPERM : ERRNO.EINVAL);
      void this.stop(verdict.code);
      return;
    }
    if (this.options.dontRespawn) {
      this.log.info(`${info.display} child process(${handle.pid}) died: Exiting`);
      void this.stop(ExitCode.ok);
      return;
    }
    this.log.info(`${info.display} child process(${handle.pid}) died: Respawning`);
    const { delayS, young } = slot.backoff.next(handle.startedAt, Date.now());
    if (young) this.log.info(`Restart of ${info.display} process delayed ${delayS} seconds to limit respawn rate`);
    slot.restarts++;
    if (delayS === 0) this.startChild(role);
    else slot.respawnTimer = setTimeout(() => this.state === 'running' && this.startChild(role), delayS * 1000);
  }

  private onSignal(sig: DaemonSignal, name: string): void {
    if (this.state !== 'running') return;
    switch (sig) {
      case 'stop':
        void this.stop(ExitCode.ok);
        return;
      case 'reload':
        void this.reload();
        return;
      case 'data':
        void this.dumpData();
        return;
      case 'stats':
      case 'stats-clear':
      case 'json':
        this.dumpVrrp(sig === 'stats' ? 'stats' : sig === 'stats-clear' ? 'stats-clear' : 'json');
        return;
      case 'tdump':
        this.log.info(`Thread dump on ${name}: active handles ${JSON.stringify(process.getActiveResourcesInfo())}`);
        return;
      default:
        unreachable(sig, 'signal');
    }
  }

  /** HUP. Never throws and never stops the daemon: a bad config is logged and ignored. */
  async reload(): Promise<void> {
    if (this.state !== 'running') return;
    if (this.phase || this.reloading) {
      this.reloadQueued = true;
      if (this.options.logDetail) this.log.info('Reload already in progress, request queued');
      return;
    }
    this.reloading = true;
    try {
      await this.reloadNow();
    } catch (err) {
      this.log.error(`Reload failed: ${(err as Error).stack ?? String(err)} - keeping the running configuration`);
    } finally {
      this.reloading = false;
    }
    if (this.reloadQueued && !this.phase && this.state === 'running') {
      this.reloadQueued = false;
      void this.reload();
    }
  }

  private async reloadNow(): Promise<void> {
    this.log.info('Reloading ...');
    const loaded = await loadSafely(this.deps.adapter, this.options.configFile);
    if (this.state !== 'running') return;
    await writeReloadCheckLog(this.globals.reloadCheckLog, loaded.ok ? loaded.warnings : loaded.errors, this.umask, this.log);
    if (!loaded.ok) {
      if (this.globals.reloadCheckLog !== undefined) this.log.info(`New config failed validation, see ${this.globals.reloadCheckLog} for details`);
      for (const e of loaded.errors) this.log.error(e);
      this.log.error(`Reload failed: ${this.options.configFile} has errors - keeping the running configuration (generation ${this.generation})`);
      return;
    }
    for (const w of loaded.warnings) this.log.warn(w);
    for (const line of loaded.dump ?? []) this.log.info(line);
    const next = loaded.config;
    const nextGlobals = this.deps.adapter.globals(next);
    const blocked = restartOnlyChanges(
      this.deps.adapter,
      this.config,
      next,
      { netns: this.netns, instance: this.globals.instance },
      { netns: this.options.namespace ?? nextGlobals.netns, instance: nextGlobals.instance },
    );
    if (blocked.length) {
      for (const m of blocked) this.log.info(m);
      this.log.error(`Reload failed - keeping the running configuration (generation ${this.generation})`);
      return;
    }

    const report = diffConfigs(this.deps.adapter, this.config, next);
    this.deps.notifier?.reloading();
    this.config = next;
    if (nextGlobals.processName !== this.globals.processName) this.setProcessName(nextGlobals.processName);
    this.globals = nextGlobals;
    this.generation++;
    this.log.info(`Configuration generation ${this.generation}: ${changeCount(report)} change(s)`);
    if (this.options.logDetail) for (const l of formatConfigDiff(report)) this.log.info(l);
    if (this.options.umask === undefined) {
      this.umask = nextGlobals.umask ?? DEFAULT_UMASK;
      process.umask(this.umask);
    }
    this.shutdownScript = checkStartStopScripts(nextGlobals, this.accounts, this.log, 'shutdown').shutdown;

    const waiting = new Set<ChildRole>();
    this.phase = { kind: 'reload', waiting };
    const summary = this.deps.adapter.summary(next);
    for (const role of START_ORDER) {
      const slot = this.slots[role];
      if (slot.handle?.alive) {
        const sent = slot.handle.send({
          type: 'reload',
          generation: this.generation,
          part: this.deps.adapter.part(next, role),
          diff: sectionEntries(report, role),
        });
        if (sent) waiting.add(role);
      } else if (!slot.respawnTimer && shouldRun(role, this.options.mode, summary)) {
        // keepalived's propagate_signal(): a HUP starts a child the new config needs.
        waiting.add(role);
        this.startChild(role);
      }
    }
    if (waiting.size === 0) {
      this.phase = undefined;
      this.log.info('Reload complete');
      this.deps.notifier?.ready(this.statusLine());
    }
  }

  private async dumpData(): Promise<void> {
    this.log.info(`Printing parent data for process(${process.pid}) on signal`);
    const naming = this.dumpNaming();
    for (const role of CHILD_ROLES) {
      const h = this.slots[role].handle;
      if (h?.alive) h.send({ type: 'dump', what: 'data', path: dataFilePath(role, naming) });
    }
    const path = dataFilePath('parent', naming);
    try {
      await writeFileSafely(path, this.parentData(), this.umask);
    } catch (err) {
      this.log.info(`Can't open dump file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  private parentData(): string {
    const children = Object.fromEntries(
      CHILD_ROLES.map((r) => {
        const s = this.slots[r];
        const h = s.handle?.alive ? s.handle : undefined;
        return [r, { pid: h?.pid, startedAt: h?.startedAt, waitingToRestart: s.respawnTimer !== undefined, restarts: s.restarts }];
      }),
    ) as Record<ChildRole, ChildState>;
    return parentDataText({
      configFile: this.options.configFile,
      generation: this.generation,
      ...(this.netns !== undefined ? { netns: this.netns } : {}),
      children,
      globalsText: this.deps.adapter.dumpGlobals(this.config),
    });
  }

  private dumpVrrp(what: DumpKind): void {
    const tmp = tmpDirectory(this.env);
    const path = what === 'json' ? jsonFilePath(tmp) : statsFilePath(tmp);
    this.slots.vrrp.handle?.send({ type: 'dump', what, path });
  }

  /** Asks one child (control API). Resolves with an error answer if it is not running or does not answer in time. */
  query(role: ChildRole, what: QueryKind, timeoutMs = 2000): Promise<QueryAnswer> {
    return this.queries.ask(role, this.slots[role].handle, what, timeoutMs);
  }

  /** Orderly stop (TERM/INT, -R, permanent child error). Resolves run() with `exitCode`. */
  async stop(exitCode: number): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    this.log.info('Stopping');
    this.deps.notifier?.stopping();
    this.phase = undefined;
    for (const slot of Object.values(this.slots)) if (slot.respawnTimer) clearTimeout(slot.respawnTimer);

    const handles = STOP_ORDER.flatMap((r) => (this.slots[r].handle ? [[r, this.slots[r].handle!] as const] : []));
    await stopChildren(handles, this.globals.childWaitTimeMs, this.log);

    if (wasRunning && this.shutdownScript) {
      await runParentScript('shutdown', this.shutdownScript, this.globals.shutdownScriptTimeoutMs, this.runner, this.log, this.options.logDetail);
    }
    await this.runner?.terminateAll();
    for (const role of CHILD_ROLES) if (this.options.mode[role]) removePidFile(this.pidFiles[role]);
    removePidFile(this.pidFiles.main);
    if (this.pidDir !== undefined) removePidDirectory(this.pidDir, this.log);
    this.signals?.close();
    this.deps.notifier?.close();
    clearInterval(this.keepAlive);
    this.state = 'stopped';
    this.log.info(`Stopped ${this.deps.version}`);
    this.finish(exitCode);
  }
}
