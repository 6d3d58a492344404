/**
 * `include` lines and the stack of files being read (lib/parser.c is_include,
 * check_include, open_glob_file, open_conf_file, end_file, include_check_set).
 *
 * An include line is `include PATTERN` or `includeX PATTERN` (X one of r m w
 * b a), recognised after conditionals and substitution; the pattern is the
 * whole rest of the line (blanks and quotes included) and is globbed relative
 * to the directory of the file being read. Matches are read in glob order,
 * each to its end, before the line after the include.
 *
 * What goes wrong is an error only when the matching check is on, either for
 * the whole configuration (global `include_check`, or `-e`) or for this line
 * (the variant); otherwise keepalived just logs it, which is a notice here:
 *   readable (R) a match is a directory, not a regular non-executable file, or unreadable
 *   match    (M) a literal name, or a directory in the pattern, does not exist
 *   wildcard (W) a wildcard pattern matched nothing
 *   brace    (B) a brace alternative matched nothing (then nothing is read)
 * includer = R, includem = R+M, includew = R+M+W, includeb = R+B, includea =
 * all; the configuration file named on the command line is read as R+M+W.
 * A failed check is fatal: keepalived refuses to start (and `-t` exits 6).
 * The include_check value in force when a file is opened is restored when
 * that file ends, so an included file cannot change it for its includer.
 *
 * keepalived has no cycle check (a file including itself is read ~1000 times,
 * until open() fails with EMFILE); here a file that is already being read is
 * not opened again, reported as fatal under R and as an error otherwise.
 */
import * as path from 'node:path';
import type { Diagnostics, SourceLocation } from '../diagnostics.js';
import { describeError, type LexFs } from './files.js';
import { glob, hasBrace, joinPath } from './glob.js';
import { isSpace } from './mapped-text.js';
import type { LinePlace } from './types.js';

export const INCLUDE_READABLE = 1;
export const INCLUDE_MATCH = 2;
export const INCLUDE_WILDCARD = 4;
export const INCLUDE_BRACE = 8;
export const INCLUDE_ALL = 15;

const VARIANTS: Readonly<Record<string, number>> = {
  r: INCLUDE_READABLE,
  m: INCLUDE_READABLE | INCLUDE_MATCH,
  w: INCLUDE_READABLE | INCLUDE_MATCH | INCLUDE_WILDCARD,
  b: INCLUDE_READABLE | INCLUDE_BRACE,
  a: INCLUDE_ALL,
};

export interface IncludeLine {
  readonly keyword: string;
  readonly checks: number;
  readonly pattern: string;
}


/** Recognises an include line (is_include/check_include). */
export function parseIncludeLine(s: string): IncludeLine | undefined {
  if (!s.startsWith('include') || s.length < 8) return undefined;
  let at: number;
  let checks: number;
  if (isSpace(s.charCodeAt(7))) {
    at = 8;
    checks = 0;
  } else if (VARIANTS[s[7]!] !== undefined && isSpace(s.charCodeAt(8))) {
    at = 9;
    checks = VARIANTS[s[7]!]!;
  } else {
    return undefined;
  }
  while (s[at] === ' ' || s[at] === '\t') at++;
  return { keyword: s.slice(0, at === 8 ? 7 : 8), checks, pattern: s.slice(at) };
}

const CHECK_NAMES: Readonly<Record<string, number>> = {
  read: INCLUDE_READABLE,
  readable: INCLUDE_READABLE,
  match: INCLUDE_MATCH,
  wildcard_match: INCLUDE_WILDCARD,
  brace_match: INCLUDE_BRACE,
};

export interface CheckProblem {
  readonly severity: 'error' | 'notice';
  readonly message: string;
  /** Index of the word concerned. */
  readonly word: number;
}

/**
 * The new include_check value for `include_check ARGS…` (args exclude the
 * keyword). No argument: every check. A bare name replaces the set (only as
 * the first argument), `+name` adds, `-name` removes; every check implies R.
 */
export function applyIncludeCheck(args: readonly string[], current: number, problems: CheckProblem[]): number {
  if (args.length === 0) return INCLUDE_ALL;
  let value = current;
  args.forEach((arg, i) => {
    const sign = arg[0] === '+' || arg[0] === '-' ? arg[0] : '';
    const name = sign ? arg.slice(1) : arg;
    if (!sign) {
      if (i > 0) {
        problems.push({ severity: 'error', message: `duplicate '${arg}' (only the first value may be given without + or -) - ignoring`, word: i + 1 });
        return;
      }
      value = 0;
    }
    const flag = CHECK_NAMES[name];
    if (flag === undefined) {
      problems.push({ severity: 'error', message: `unknown type '${name}' - ignoring`, word: i + 1 });
      return;
    }
    if (name === 'readable') {
      problems.push({
        severity: 'notice',
        message: "'readable' is taken as documented; keepalived 2.2.7 only knows 'read' and ignores 'readable'",
        word: i + 1,
      });
    }
    if (sign === '+') value |= flag;
    else if (sign === '-') value &= ~flag;
    else value = INCLUDE_READABLE | flag;
  });
  return value;
}

interface OpenFile {
  readonly path: string;
  readonly real: string;
  readonly lines: string[];
  next: number;
  pwd?: string;
}

interface Frame {
  readonly pattern: string;
  readonly checks: number;
  /** include_check when the glob was opened; restored as each of its files ends. */
  readonly savedCheck: number;
  readonly baseDir: string;
  readonly loc: SourceLocation | undefined;
  /** The include keyword, for diagnostics; undefined for the command-line file. */
  readonly keyword: string | undefined;
  matches: string[];
  nextMatch: number;
  file?: OpenFile;
}


/** Splits file text into lines, dropping line ends (\n, and \r before it) and anything after a NUL. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    const nul = l.indexOf('\0');
    if (nul >= 0) l = l.slice(0, nul);
    let end = l.length;
    while (end > 0 && l.charCodeAt(end - 1) === 13) end--;
    lines[i] = end === l.length ? l : l.slice(0, end);
  }
  return lines;
}

export class IncludeStack {
  /** The global include_check flags (INCLUDE_*). */
  includeCheck: number;
  /** An include check failed: keepalived would not run this configuration. */
  fileError = false;
  readonly files: string[] = [];
  private readonly frames: Frame[] = [];

  constructor(
    private readonly fs: LexFs,
    private readonly diags: Diagnostics,
    initialCheck: number,
  ) {
    this.includeCheck = initialCheck;
  }

  /** Opens the configuration file named on the command line (a glob too). */
  openRoot(pattern: string): boolean {
    return this.open(pattern, INCLUDE_READABLE | INCLUDE_MATCH | INCLUDE_WILDCARD, '.', undefined, undefined);
  }

  /** Handles an include line read from the current file. */
  include(line: IncludeLine, loc: SourceLocation): void {
    const current = this.frames[this.frames.length - 1]?.file?.path ?? '.';
    this.open(line.pattern, line.checks, path.dirname(current), loc, line.keyword);
  }

  /**
   * Where the line nextLine() returned last comes from. A fresh object per
   * line, since the words of that line keep it (see types.ts).
   */
  place: LinePlace = { file: '', line: 0 };

  /** The next line of the innermost file (see `place`), or undefined when every file has ended. */
  nextLine(): string | undefined {
    while (this.frames.length) {
      const frame = this.frames[this.frames.length - 1]!;
      const file = frame.file!;
      if (file.next < file.lines.length) {
        const n = file.next++;
        this.place = { file: file.path, line: n + 1 };
        return file.lines[n]!;
      }
      this.includeCheck = frame.savedCheck;
      if (!this.openNextMatch(frame)) this.frames.pop();
    }
    return undefined;
  }

  /** ${_PWD}: the directory of the file being read, symbolic links resolved like getcwd(). */
  currentDir(): string {
    const file = this.frames[this.frames.length - 1]?.file;
    if (!file) return this.fs.realpath('.');
    return (file.pwd ??= this.fs.realpath(path.dirname(file.path)));
  }

  private problem(frame: Frame, check: number, message: string): void {
    if ((this.includeCheck | frame.checks) & check) {
      this.fileError = true;
      this.diags.fatal(message, frame.loc, frame.keyword);
    } else {
      this.diags.notice(message, frame.loc, frame.keyword);
    }
  }

  private open(pattern: string, checks: number, baseDir: string, loc: SourceLocation | undefined, keyword: string | undefined): boolean {
    const frame: Frame = { pattern, checks, savedCheck: this.includeCheck, baseDir, loc, keyword, matches: [], nextMatch: 0 };
    const found = glob(pattern, baseDir, this.fs);
    if (found.paths.length === 0) {
      if (found.missingFiles || found.missingDirs) {
        this.problem(frame, hasBrace(pattern) ? INCLUDE_BRACE : INCLUDE_MATCH, `Config files missing '${pattern}'`);
      } else if (found.wildcards && (this.includeCheck | checks) & INCLUDE_WILDCARD) {
        this.problem(frame, INCLUDE_WILDCARD, `No config files matched '${pattern}'`);
      }
      return false;
    }
    if (found.missingFiles || found.missingDirs) {
      this.problem(frame, INCLUDE_BRACE, `Some config files missing: '${pattern}'`);
      if ((this.includeCheck | checks) & INCLUDE_BRACE) return false;
    }
    frame.matches = found.paths;
    if (!this.openNextMatch(frame)) return false;
    this.frames.push(frame);
    return true;
  }

  private openNextMatch(frame: Frame): boolean {
    while (frame.nextMatch < frame.matches.length) {
      const match = frame.matches[frame.nextMatch++]!;
      const file = joinPath(frame.baseDir, match);
      if (file.endsWith('/')) {
        this.problem(frame, INCLUDE_READABLE, `Configuration file '${file}' is a directory - skipping`);
        continue;
      }
      const st = this.fs.stat(file);
      if (!st || st.kind !== 'file' || st.executable) {
        this.problem(frame, INCLUDE_READABLE, `Configuration file '${file}' is not a regular non-executable file - skipping`);
        continue;
      }
      const real = this.fs.realpath(file);
      const ancestors = this.frames.filter((f) => f !== frame);
      if (ancestors.some((f) => f.file?.real === real)) {
        const chain = [...ancestors.map((f) => f.file!.path), file].join(' -> ');
        const message = `include cycle: '${file}' is already being read (${chain}) - skipping`;
        if ((this.includeCheck | frame.checks) & INCLUDE_READABLE) this.problem(frame, INCLUDE_READABLE, message);
        else this.diags.error(message, frame.loc, frame.keyword);
        continue;
      }
      let text: string;
      try {
        text = this.fs.readFile(file);
      } catch (e) {
        this.problem(frame, INCLUDE_READABLE, `Configuration file '${file}' open problem (${describeError(e)}) - skipping`);
        continue;
      }
      frame.file = { path: file, real, lines: splitLines(text), next: 0 };
      this.files.push(file);
      return true;
    }
    return false;
  }
}
