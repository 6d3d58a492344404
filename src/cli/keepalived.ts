/**
 * The `keepalived` command: parse the command line as keepalived does, then
 * either answer at once (-h, -v, --signum, -t, --diff) or run the daemon.
 * Thin on purpose: everything it calls lives in config/ and supervisor/.
 */
import { installEarlySignalGuards } from '../supervisor/signals.js';

// First statement: Node opens its inspector on SIGUSR1 unless someone listens,
// and a HUP/USR1 arriving during start-up must not kill or confuse us.
const guards = installEarlySignalGuards();

const { parseCommandLine } = await import('./options.js');
const { usage, versionText, VERSION } = await import('./usage.js');

async function main(argv: readonly string[]): Promise<number> {
  const cl = parseCommandLine(argv);
  for (const w of cl.warnings) process.stderr.write(`${w}\n`);
  const action = cl.action;
  if (action.kind === 'help') {
    process.stderr.write(usage('keepalived'));
    return 0;
  }
  if (action.kind === 'version') {
    process.stderr.write(versionText());
    return 0;
  }
  if (cl.errors.length > 0) {
    for (const e of cl.errors) process.stderr.write(`${e}\n`);
    return 1;
  }
  if (action.kind === 'signum') {
    const { signumAction } = await import('../supervisor/from-cli.js');
    const r = signumAction(action.name);
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    return r.exitCode;
  }
  if (action.kind === 'genhash') {
    process.stderr.write('genhash (-T) is not available in keepalived-ts yet: it arrives with the HTTP/SSL checkers\n');
    return 1;
  }
  const options = cl.options;
  if (options.configTest) {
    const { runConfigTest, configTestOutput } = await import('./config-test.js');
    const out = configTestOutput(options.configTest.logFile);
    try {
      return runConfigTest(options, out);
    } finally {
      out.close();
    }
  }
  const { keepalivedConfigAdapter } = await import('../supervisor/keepalived-config.js');
  const { defaultConfigId } = await import('../config/index.js');
  const adapter = keepalivedConfigAdapter({
    configId: options.configId ?? defaultConfigId(),
    allConfig: options.allConfig,
    dumpConf: options.dumpConf,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
  });
  if (options.diffFile !== undefined) {
    const { diffAction } = await import('../supervisor/from-cli.js');
    const r = await diffAction(adapter, options);
    for (const line of r.lines) process.stdout.write(`${line}\n`);
    return r.exitCode;
  }
  const { supervisorOptions } = await import('../supervisor/from-cli.js');
  const { processLogger, DEFAULT_LOG_SETTINGS } = await import('../supervisor/process-log.js');
  const { loadNativeHooks } = await import('../supervisor/native-hooks.js');
  const { runDaemon } = await import('../supervisor/daemon.js');
  const supervisor = supervisorOptions(options);
  const log = processLogger('parent', supervisor.log ?? DEFAULT_LOG_SETTINGS);
  const native = await loadNativeHooks();
  if (!native.ok) log.warn(`native addon not available (${native.error}): raw sockets, netlink and realtime signals are off`);
  guards.release();
  return runDaemon({
    options: supervisor,
    dontFork: options.dontFork,
    adapter,
    log,
    version: `Keepalived-ts v${VERSION}`,
    native: native.hooks,
  });
}

process.exitCode = await main(process.argv.slice(2));
