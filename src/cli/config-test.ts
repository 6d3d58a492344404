/**
 * `keepalived -t [-d] [-f FILE]`: compile, check against the running system,
 * report every problem with file:line:col, list what is recognised but not
 * acted on yet, optionally print the canonical config (-d) on stdout, and exit
 * with keepalived's -t code (see ConfigTestExit in config/diagnostics.ts).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { checkEnvironment } from '../config/environment.js';
import { systemHost } from '../config/host.js';
import { compileFile, configTestExitCode, formatDiagnostic, printConfig } from '../config/index.js';
import type { Options } from './options.js';

/** keepalived's KEEPALIVED_EXIT_NO_CONFIG: an include check failed or there is no config. */
export const EXIT_NO_CONFIG = 6;

export interface ConfigTestOutput {
  /** Diagnostics, one per line (stderr, or the -t=FILE log). */
  report(line: string): void;
  /** The -d dump (stdout). */
  dump(text: string): void;
}

export function runConfigTest(options: Options, out: ConfigTestOutput): number {
  const result = compileFile(options.configFile, {
    ...(options.configId !== undefined ? { configId: options.configId } : {}),
    allConfig: options.allConfig,
  });
  const fatalBeforeEnvironment = result.diagnostics.count('fatal') > 0 || result.fileError;
  if (!fatalBeforeEnvironment) checkEnvironment(result, systemHost());

  const items = result.diagnostics.items;
  for (const d of items) if (d.severity !== 'notice') out.report(formatDiagnostic(d));
  const notices = items.filter((d) => d.severity === 'notice');
  if (notices.length > 0) {
    out.report(`${notices.length} note(s):`);
    for (const d of notices) out.report(formatDiagnostic(d));
  }
  if (options.dumpConf && !result.fileError) out.dump(printConfig(result.config));
  return result.fileError ? EXIT_NO_CONFIG : configTestExitCode(result.diagnostics);
}

/** Where -t reports: stderr, or appended to the -t=FILE log as keepalived does. */
export function configTestOutput(logFile?: string): ConfigTestOutput & { close(): void } {
  const fd = logFile ? openSync(logFile, 'a', 0o644) : 2;
  return {
    report: (line) => void writeSync(fd, line + '\n'),
    dump: (text) => void writeSync(1, text),
    close: () => {
      if (fd !== 2) closeSync(fd);
    },
  };
}
