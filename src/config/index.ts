/**
 * The keepalived.conf compiler's public surface: file → lexer → statement
 * tree → typed Config (streamed: see compile.ts), every problem collected as a diagnostic; the printer
 * for `-d`; and the environment checks for `-t` and start-up.
 */
import { hostname } from 'node:os';
import { compileStream, printConfig, type CompileOutput } from './compile.js';
import { Diagnostics } from './diagnostics.js';
import { LexStream } from './lexer/index.js';
import type { LexOptions } from './lexer/types.js';

export { printConfig } from './compile.js';
export type { Config } from './model.js';
export { Diagnostics, formatDiagnostic, configTestExitCode, type Diagnostic } from './diagnostics.js';

export interface CompileOptions {
  /** `-i`; defaults to the host name up to its first '.' (keepalived's default). */
  readonly configId?: string;
  readonly allConfig?: boolean;
  readonly env?: LexOptions['env'];
  readonly randomSeed?: number;
  readonly readFile?: LexOptions['readFile'];
}

export interface CompileResult extends CompileOutput {
  /** Every file read, the root first. */
  readonly files: readonly string[];
  /** An include check failed (keepalived exits 6, KEEPALIVED_EXIT_NO_CONFIG). */
  readonly fileError: boolean;
}

export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

export function compileFile(path: string, options: CompileOptions = {}): CompileResult {
  // The lexer reports into its own list, which compileStream puts first.
  const lexDiagnostics = new Diagnostics();
  const stream = new LexStream(
    path,
    {
      configId: options.configId ?? defaultConfigId(),
      ...(options.allConfig !== undefined ? { allConfig: options.allConfig } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}),
      ...(options.readFile !== undefined ? { readFile: options.readFile } : {}),
    },
    lexDiagnostics,
  );
  const out = compileStream(() => stream.next(), new Diagnostics(), lexDiagnostics);
  return { ...out, files: stream.files, fileError: stream.fileError };
}

/** Compiles `text` as if it were the file `fileName` (tests, `--diff` of a pasted config). */
export function compileText(text: string, fileName = 'keepalived.conf', options: CompileOptions = {}): CompileResult {
  const readFile = (p: string): string => {
    if (p === fileName) return text;
    if (options.readFile) return options.readFile(p);
    throw Object.assign(new Error(`ENOENT: no such file '${p}'`), { code: 'ENOENT' });
  };
  return compileFile(fileName, { ...options, readFile });
}

/** compile → print: the canonical text of a config file. */
export function canonicalText(result: CompileResult): string {
  return printConfig(result.config);
}
