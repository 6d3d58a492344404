/**
 * The daemon as the command line starts it: foreground (-n) or daemonised,
 * with systemd notification when NOTIFY_SOCKET is set.
 *
 * The keepalived entry point (src/cli/) parses argv, installs the early
 * signal guards (signals.ts) as its very first statement, builds
 * SupervisorOptions and the config adapter, then:
 *     process.exit(await runDaemon({ options, dontFork, adapter, log, version, native }));
 * In the launcher (no -n) runDaemon starts the real daemon and returns once
 * it is ready (daemonize.ts); in the daemon or with -n it runs the
 * Supervisor until it stops.
 */
import { resolve } from 'node:path';
import type { LogPort } from '../core/log-port.js';
import type { DaemonConfigAdapter, SupervisorOptions } from './daemon-config.js';
import { launchDaemon, takeReadinessReporter, READY_FD_ENV } from './daemonize.js';
import type { RealtimeSignals } from './signals.js';
import { Supervisor } from './supervisor.js';
import { SystemdNotifier, watchdogUsecFromEnv, type NotifyTransport } from './systemd.js';

/** What the native addon contributes, when it is built. */
export interface DaemonNative {
  readonly realtime?: RealtimeSignals;
  /** An AF_UNIX datagram sender connected to `path` (NOTIFY_SOCKET; a leading '@' is the abstract namespace). */
  notifyTransport?(path: string): NotifyTransport;
}

export interface DaemonParams<C> {
  readonly options: SupervisorOptions;
  /** -n */
  readonly dontFork: boolean;
  readonly adapter: DaemonConfigAdapter<C>;
  readonly log: LogPort;
  readonly version: string;
  readonly native?: DaemonNative;
  readonly env?: NodeJS.ProcessEnv;
  /** The child entry file; tests substitute misbehaving children. */
  readonly childEntry?: string;
}

export async function runDaemon<C>(p: DaemonParams<C>): Promise<number> {
  const env = p.env ?? process.env;
  if (!p.dontFork && env[READY_FD_ENV] === undefined) {
    const outcome = await launchDaemon({ args: [...process.execArgv, ...process.argv.slice(1)], env });
    for (const line of outcome.log) process.stderr.write(`${line}\n`);
    return outcome.exitCode;
  }

  const handshake = takeReadinessReporter(env);
  // Reloads re-read -f long after start-up: make it absolute now.
  const options = { ...p.options, configFile: resolve(p.options.configFile) };
  if (handshake) process.chdir('/');
  const log = handshake ? handshake.tee(p.log) : p.log;
  const notifier = makeNotifier(env, p.native, log);
  const supervisor = new Supervisor(options, {
    adapter: p.adapter,
    log,
    version: p.version,
    env,
    ...(notifier ? { notifier } : {}),
    ...(p.native?.realtime ? { realtime: p.native.realtime } : {}),
    ...(p.childEntry !== undefined ? { childEntry: p.childEntry } : {}),
    onStarted: () => handshake?.ready(),
  });
  return supervisor.run();
}

function makeNotifier(env: NodeJS.ProcessEnv, native: DaemonNative | undefined, log: LogPort): SystemdNotifier | undefined {
  const path = env.NOTIFY_SOCKET;
  if (path === undefined || path === '') return undefined;
  if (!native?.notifyTransport) {
    log.warn('NOTIFY_SOCKET is set but the native addon (AF_UNIX datagrams) is not available: systemd will not be notified');
    return undefined;
  }
  let transport: NotifyTransport;
  try {
    transport = native.notifyTransport(path);
  } catch (err) {
    log.warn(`cannot open NOTIFY_SOCKET ${path}: ${(err as Error).message}`);
    return undefined;
  }
  const watchdogUsec = watchdogUsecFromEnv(env);
  return new SystemdNotifier({
    transport,
    ...(watchdogUsec !== undefined ? { watchdogUsec } : {}),
    onError: (err) => log.info(`sd_notify failed: ${err.message}`),
  });
}
