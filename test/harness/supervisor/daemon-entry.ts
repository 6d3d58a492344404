/**
 * A keepalived-ts daemon for the supervisor's integration tests, with the
 * JSON config adapter, or the keepalived.conf one with --keepalived-conf.
 * With the JSON adapter the children run holder-child.ts (every role a
 * ConfigHolder) unless --child-entry names another entry; with
 * --keepalived-conf they run the real child-main.ts (the VRRP stack).
 * Usage:
 *   node daemon-entry.js '<SupervisorOptions JSON>' [--dont-fork] [--child-entry PATH] [--keepalived-conf]
 * Log lines go to stderr as `Keepalived[PID]: message`.
 */
import { installEarlySignalGuards } from '../../../src/supervisor/signals.js';
import type { DaemonConfigAdapter } from '../../../src/supervisor/daemon-config.js';

const guards = installEarlySignalGuards();
const { stderrLog } = await import('../../../src/core/log-port.js');
const { runDaemon } = await import('../../../src/supervisor/daemon.js');
const { jsonConfigAdapter } = await import('./json-config.js');
const { keepalivedConfigAdapter } = await import('../../../src/supervisor/keepalived-config.js');
const { DEFAULT_MODE } = await import('../../../src/supervisor/roles.js');
const { loadNativeHooks } = await import('../../../src/supervisor/native-hooks.js');
const native = await loadNativeHooks();

const args = process.argv.slice(2);
const keepalivedConf = args.includes('--keepalived-conf');
const HOLDER_CHILD = new URL('./holder-child.js', import.meta.url).pathname;
const childEntry = args.includes('--child-entry') ? args[args.indexOf('--child-entry') + 1]! : keepalivedConf ? undefined : HOLDER_CHILD;
const options = {
  mode: DEFAULT_MODE,
  dontRespawn: false,
  releaseVips: false,
  dontReleaseVrrp: false,
  dontReleaseIpvs: false,
  logDetail: false,
  // children log to stderr (ctime-prefixed lines), never to the host's syslog
  log: { console: true, syslog: false, facility: 3, detail: 0 },
  ...JSON.parse(args[0] ?? '{}'),
};
guards.release();
const code = await runDaemon({
  options,
  dontFork: args.includes('--dont-fork'),
  adapter: (keepalivedConf ? keepalivedConfigAdapter({ configId: 'test', ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) }) : jsonConfigAdapter) as DaemonConfigAdapter<unknown>,
  log: stderrLog(`Keepalived[${process.pid}]: `),
  version: 'keepalived-ts test',
  native: native.hooks,
  ...(childEntry !== undefined ? { childEntry } : {}),
});
process.exit(code);
