/**
 * Entry file of every child process: `node child-main.js ROLE LOGSETTINGS`, forked by the
 * parent with an IPC channel (see the parent side in children.ts).
 *
 * It guards SIGUSR1 before anything else is loaded (Node would otherwise open its
 * inspector), then runs the subsystem of its role (child-entry.ts): the VRRP stack for
 * 'vrrp' (src/vrrp/daemon); until the checker and BFD exist, those roles run the
 * ConfigHolder, which holds its config part and answers with it.
 */
import { installEarlySignalGuards } from './signals.js';

const guards = installEarlySignalGuards();

const { runChildProcess } = await import('./child-entry.js');
const holder = async () => new (await import('./config-holder.js')).ConfigHolder();

await runChildProcess({
  vrrp: async () => new (await import('../vrrp/daemon/index.js')).VrrpSubsystem(),
  checker: holder,
  bfd: holder,
}, guards);
