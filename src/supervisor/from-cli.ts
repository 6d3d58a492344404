/**
 * The parsed command line (cli/options.ts) → what the supervisor takes, and
 * the two command-line actions that belong to it: `--signum=NAME` and our
 * `--diff=FILE`. Pure mappings, so the entry point stays a few lines:
 *
 *   const guards = installEarlySignalGuards();          // first statement
 *   const cl = parseCommandLine(process.argv.slice(2));
 *   ... help, version, errors, -t ...
 *   if (cl.action.kind === 'signum') { const r = signumAction(cl.action.name); ... }
 *   if (cl.options.diffFile) { ... await diffAction(adapter, cl.options) ... }
 *   const native = await loadNativeHooks();
 *   guards.release();
 *   process.exit(await runDaemon({ options: supervisorOptions(cl.options), dontFork: cl.options.dontFork,
 *     adapter: keepalivedConfigAdapter({ configId, allConfig }), log, version, native: native.hooks }));
 */
import type { Options } from '../cli/options.js';
import type { DaemonConfigAdapter, SupervisorOptions } from './daemon-config.js';
import { diffConfigFiles } from './reload.js';
import { signumFor } from './signals.js';

export function supervisorOptions(o: Options): SupervisorOptions {
  const pidFiles = {
    ...(o.pidFiles.parent !== undefined ? { main: o.pidFiles.parent } : {}),
    ...(o.pidFiles.vrrp !== undefined ? { vrrp: o.pidFiles.vrrp } : {}),
    ...(o.pidFiles.checker !== undefined ? { checker: o.pidFiles.checker } : {}),
    ...(o.pidFiles.bfd !== undefined ? { bfd: o.pidFiles.bfd } : {}),
  };
  return {
    configFile: o.configFile,
    mode: { ...o.children, runAll: o.runAllChildren },
    dontRespawn: o.dontRespawn,
    pidFiles,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.umask !== undefined ? { umask: o.umask } : {}),
    releaseVips: o.releaseVips,
    dontReleaseVrrp: o.dontReleaseVrrp,
    dontReleaseIpvs: o.dontReleaseIpvs,
    logDetail: o.logDetail > 0,
    ignoreSigint: o.ignoreSigint,
    log: {
      console: o.logConsole,
      syslog: !o.noSyslog,
      facility: o.logFacility,
      detail: o.logDetail,
      ...(o.logFile !== undefined ? { file: o.logFile } : {}),
    },
  };
}

/** `--signum=NAME`: what to print and the exit code, as keepalived does. */
export function signumAction(name: string): { readonly stdout?: string; readonly stderr?: string; readonly exitCode: number } {
  const n = signumFor(name);
  return n === undefined ? { stderr: `Unknown sigfunc ${name}\n`, exitCode: 1 } : { stdout: `${n}\n`, exitCode: 0 };
}

/**
 * `--diff=FILE`: what a reload from the -f file to FILE would change. Exit 0
 * when the reload would be accepted (with or without changes), 1 when it
 * would be refused (errors in a file, or a change that needs a restart).
 */
export async function diffAction<C>(adapter: DaemonConfigAdapter<C>, o: Pick<Options, 'configFile' | 'diffFile'>): Promise<{ readonly lines: readonly string[]; readonly exitCode: number }> {
  if (o.diffFile === undefined) return { lines: ['--diff needs a file'], exitCode: 1 };
  const r = await diffConfigFiles(adapter, o.configFile, o.diffFile);
  if (!r.ok) return { lines: r.errors, exitCode: 1 };
  return { lines: r.lines, exitCode: r.lines.some((l) => l.startsWith('! ')) ? 1 : 0 };
}
