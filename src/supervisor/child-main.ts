/**
 * Entry file of every child process: `node child-main.js ROLE`, forked by the
 * parent with an IPC channel (see parent side in children.ts).
 *
 * It guards SIGUSR1 before anything else (Node would otherwise open its
 * inspector), checks it really has a parent channel, picks the subsystem for
 * its role and hands the process over to ChildRuntime.
 *
 * The registry below is where the real subsystems plug in: until VRRP,
 * checker and BFD exist, each role runs the ConfigHolder, which holds its
 * config part and answers with it.
 */
import { installEarlySignalGuards } from './signals.js';

const guards = installEarlySignalGuards();

const { parseLogSettings, processLogger } = await import('./process-log.js');
const { isChildRole } = await import('./roles.js');
const { ChildRuntime, processChannel } = await import('./child.js');
const { ConfigHolder } = await import('./config-holder.js');
const { ExitCode } = await import('./respawn.js');
const { loadNativeHooks } = await import('./native-hooks.js');
const { SIGNAL_FUNCTIONS } = await import('./signals.js');

const role = process.argv[2];
const logSettings = parseLogSettings(process.argv[3]);
if (!isChildRole(role) || !process.send || !logSettings) {
  process.stderr.write(`keepalived child: must be started by the keepalived parent with a role (vrrp, checker, bfd) and log settings; got ${process.argv.slice(2).join(' ')}\n`);
  process.exit(ExitCode.programError);
}

const subsystems = {
  vrrp: () => new ConfigHolder(),
  checker: () => new ConfigHolder(),
  bfd: () => new ConfigHolder(),
};

const log = processLogger(role, logSettings);
const native = await loadNativeHooks();
if (!native.ok) log.warn(`native addon unavailable (${native.error}): no mlockall, and realtime signals terminate this process`);
const runtime = new ChildRuntime({ role, subsystem: subsystems[role](), channel: processChannel(), log, native: native.hooks });
native.hooks.realtime?.watch(SIGNAL_FUNCTIONS.JSON, () => runtime.handleSignal('SIGRTMIN+2'));
native.hooks.realtime?.watch(SIGNAL_FUNCTIONS.STATS_CLEAR, () => runtime.handleSignal('SIGRTMAX-1'));

const handled: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGXCPU'];
for (const sig of handled) process.on(sig, () => runtime.handleSignal(sig));
for (const sig of guards.takeEarly()) runtime.handleSignal(sig);
guards.release();
