/**
 * The body of every child process's entry file: checks that it really has a parent
 * channel, picks the subsystem for its role from the registry it is given and hands the
 * process over to ChildRuntime (signals, the realtime signal watchers, the log).
 *
 * An entry file (child-main.ts; the test harness's holder child) installs the early signal
 * guards first — before anything else is loaded, Node would open its inspector on SIGUSR1 —
 * and then calls runChildProcess with its registry. Factories are asynchronous so that a
 * role's code (the VRRP stack and its native sockets) is loaded only by the child that
 * runs it.
 */
import type { installEarlySignalGuards } from './signals.js';
import type { ChildRole } from './roles.js';
import type { Subsystem } from './subsystem.js';

export type SubsystemRegistry = Readonly<Record<ChildRole, () => Subsystem | Promise<Subsystem>>>;

export async function runChildProcess(registry: SubsystemRegistry, guards: ReturnType<typeof installEarlySignalGuards>): Promise<void> {
  const { parseLogSettings, processLogger } = await import('./process-log.js');
  const { isChildRole } = await import('./roles.js');
  const { ChildRuntime, processChannel } = await import('./child.js');
  const { ExitCode } = await import('./respawn.js');
  const { loadNativeHooks } = await import('./native-hooks.js');
  const { SIGNAL_FUNCTIONS } = await import('./signals.js');

  const role = process.argv[2];
  const logSettings = parseLogSettings(process.argv[3]);
  if (!isChildRole(role) || !process.send || !logSettings) {
    process.stderr.write(`keepalived child: must be started by the keepalived parent with a role (vrrp, checker, bfd) and log settings; got ${process.argv.slice(2).join(' ')}\n`);
    process.exit(ExitCode.programError);
  }

  const log = processLogger(role, logSettings);
  const native = await loadNativeHooks();
  if (!native.ok) log.warn(`native addon unavailable (${native.error}): no mlockall, and realtime signals terminate this process`);
  const subsystem = await registry[role]();
  const runtime = new ChildRuntime({ role, subsystem, channel: processChannel(), log, native: native.hooks });
  native.hooks.realtime?.watch(SIGNAL_FUNCTIONS.JSON, () => runtime.handleSignal('SIGRTMIN+2'));
  native.hooks.realtime?.watch(SIGNAL_FUNCTIONS.STATS_CLEAR, () => runtime.handleSignal('SIGRTMAX-1'));

  const handled: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGXCPU'];
  for (const sig of handled) process.on(sig, () => runtime.handleSignal(sig));
  for (const sig of guards.takeEarly()) runtime.handleSignal(sig);
  guards.release();
}
