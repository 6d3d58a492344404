/**
 * `$NAME=value` definitions and their substitution (lib/parser.c
 * check_definition, find_definition, replace_param, add_std_definition).
 *
 * A definition line starts with `$` (after leading blanks and any `@id `),
 * then a name of [A-Za-z_][A-Za-z0-9_]*, then `=` with no blank before it.
 * Blanks after `=` are skipped; the value may be empty. A value ending in `\`
 * starts a multi-line definition: the following lines, each ending in `\`
 * except the last, are appended (joined by newlines); an empty source line
 * also ends it. Values are stored raw and substituted when used (late binding).
 *
 * A reference is `${NAME}` anywhere, or `$NAME` followed by a blank, `,`, `)`
 * or the end of the line. Substitution pastes the value in place and scans on
 * from the start of the pasted text, so references inside values are replaced
 * too (recursively); an undefined name is left as it is. A multi-line value
 * can only be used at the very end of a line: its first line replaces the
 * reference, its other lines are read next as lines of their own. After a
 * value that starts with `~` (a `~SEQ` kept in a definition), the rest of the
 * line is left for the sequence to handle.
 *
 * Predefined: ${_PWD} (directory of the file being read), ${_INSTANCE} (the
 * config id), ${_RANDOM [MIN [MAX]]} (0..32767 by default, glibc's random()),
 * ${_HASH} and ${_BANG}. ${_ENV NAME} (an environment variable, empty when
 * unset) comes from keepalived after 2.2.7; 2.2.7 leaves it untouched.
 * Writing `$_PWD=x` replaces a predefined name with an ordinary definition.
 *
 * Departures from 2.2.7, each where 2.2.7 corrupts its buffer or never ends:
 * substitution stops with an error after 64 nested substitutions (2.2.7 loops
 * forever on `$A=${B}` + `$B=${A}`) or when a line outgrows 1 MiB (2.2.7
 * truncates at 1 KiB); `${_RANDOM 1 3}x` gives the number followed by `x`
 * (2.2.7 garbles text after a parameterised reference); MIN above MAX is an
 * error (2.2.7 prints a truncated huge number).
 */
import type { Severity } from '../diagnostics.js';
import type { GlibcRandom } from './glibc-random.js';
import { isBlank, MappedText } from './mapped-text.js';

type Builtin = 'pwd' | 'instance' | 'random' | 'env' | 'hash' | 'bang';

export interface Definition {
  readonly name: string;
  value: string;
  multiline: boolean;
  builtin?: Builtin;
}

export const MAX_SUBSTITUTION_DEPTH = 64;
export const MAX_LINE_LENGTH = 1 << 20;
const RANDOM_DEFAULT_MAX = 32767;

const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isNameStart = (c: number) => isAlpha(c) || c === 0x5f;
const isNameChar = (c: number) => isAlpha(c) || isDigit(c) || c === 0x5f;

export class Definitions {
  private readonly table = new Map<string, Definition>();

  constructor() {
    const builtins: [string, Builtin, string][] = [
      ['_PWD', 'pwd', ''],
      ['_INSTANCE', 'instance', ''],
      ['_RANDOM', 'random', ''],
      ['_ENV', 'env', ''],
      ['_HASH', 'hash', '#'],
      ['_BANG', 'bang', '!'],
    ];
    for (const [name, builtin, value] of builtins) this.table.set(name, { name, value, multiline: false, builtin });
  }

  get(name: string): Definition | undefined {
    return this.table.get(name);
  }

  /** Defines or redefines `name`; a predefined name becomes an ordinary definition. */
  set(name: string, value: string, multiline = false): Definition {
    const def: Definition = { name, value, multiline };
    this.table.set(name, def);
    return def;
  }
}

export interface DefinitionLine {
  readonly name: string;
  /** For a multi-line definition: its first line followed by "\n" (or "" when the line held only `\`). */
  readonly value: string;
  readonly multiline: boolean;
}

/** Recognises `$NAME=value` at the start of a line (check_definition). */
export function parseDefinition(s: string): DefinitionLine | undefined {
  if (s.charCodeAt(0) !== 0x24 || !isNameStart(s.charCodeAt(1))) return undefined;
  let k = 2;
  while (k < s.length && s.charCodeAt(k) !== 0x3d) {
    if (!isNameChar(s.charCodeAt(k))) return undefined;
    k++;
  }
  if (k >= s.length) return undefined;
  const name = s.slice(1, k);
  let v = k + 1;
  while (v < s.length && isBlank(s.charCodeAt(v))) v++;
  let value = s.slice(v);
  if (!value.endsWith('\\')) return { name, value, multiline: false };
  let len = value.length;
  while (len >= 2 && isBlank(value.charCodeAt(len - 2))) len--;
  value = len < 2 ? '' : value.slice(0, len - 1) + '\n';
  return { name, value, multiline: true };
}

interface Reference {
  readonly def: Definition;
  /** Offset just past the reference. */
  readonly end: number;
  /** The parameters of `${NAME params}`, trimmed, when present. */
  readonly params?: string;
}

/** The definition referenced by the `$` at offset `i`, if any (find_definition). */
export function matchReference(s: string, i: number, defs: Definitions): Reference | undefined {
  const n = s.length;
  let j = i + 1;
  const braces = s.charCodeAt(j) === 0x7b;
  if (braces) j++;
  if (j >= n || !isNameStart(s.charCodeAt(j))) return undefined;
  let k = j + 1;
  while (k < n && isNameChar(s.charCodeAt(k))) k++;
  const name = s.slice(j, k);
  let end: number;
  let params: string | undefined;
  let rawParams = '';
  if (braces) {
    const paramsFrom = k;
    let first = -1;
    let last = -1;
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (isBlank(c)) continue;
      if (!isNameChar(c)) break;
      if (first < 0) first = k;
      last = k;
    }
    if (first >= 0 && last + 1 !== k) return undefined; // blank before '}'
    if (s.charCodeAt(k) !== 0x7d) return undefined;
    if (first >= 0) {
      params = s.slice(first, last + 1);
      rawParams = s.slice(paramsFrom, k);
    }
    end = k + 1;
  } else {
    const c = s.charCodeAt(k);
    if (k < n && !isBlank(c) && c !== 0x2c && c !== 0x29) return undefined;
    end = k;
  }
  const def = defs.get(name);
  if (!def) return undefined;
  if (def.multiline && end !== n) return undefined;
  if (params !== undefined) {
    if (def.builtin === 'random') {
      // 2.2.7 accepts only spaces and digits here; anything else is not a reference.
      if (/[^ 0-9]/.test(rawParams)) return undefined;
    } else if (def.builtin !== 'env') {
      return undefined;
    }
  }
  return params === undefined ? { def, end } : { def, end, params };
}

export interface SubstitutionContext {
  readonly defs: Definitions;
  readonly configId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly rng: GlibcRandom;
  /** ${_PWD}: the directory of the file being read. */
  currentDir(): string;
  /** A problem at column `col` of the line being substituted. */
  report(severity: Severity, message: string, col: number): void;
  /**
   * A multi-line value was pasted: `lines` (its lines after the first) are to
   * be read next, located at `col`. Absent where multi-line values are not
   * allowed (~SEQ parameters).
   */
  startExpansion?(lines: string[], col: number, depth: number): void;
}

export interface Substituted {
  readonly text: MappedText;
  /** At least one reference was replaced. */
  readonly changed: boolean;
  /** Substitution was abandoned (recursion or size limit); the line should be dropped. */
  readonly failed: boolean;
}

/** Replaces every reference in `input` (replace_param). */
export function substitute(input: MappedText, ctx: SubstitutionContext): Substituted {
  let text = input;
  let changed = false;
  let pos = 0;
  for (;;) {
    const i = text.text.indexOf('$', pos);
    if (i < 0 || i + 1 >= text.length) break;
    const ref = matchReference(text.text, i, ctx.defs);
    if (!ref) {
      pos = i + 1;
      continue;
    }
    changed = true;
    const col = text.colAt(i);
    const depth = text.depthAt(i) + 1;
    const token = text.text.slice(i, ref.end);
    if (depth > MAX_SUBSTITUTION_DEPTH) {
      ctx.report('error', `definition recursion too deep: more than ${MAX_SUBSTITUTION_DEPTH} nested substitutions at '${token}'`, col);
      return { text, changed, failed: true };
    }
    let value: string;
    if (ref.def.multiline) {
      if (!ctx.startExpansion) {
        ctx.report('error', `multi-line definition '${token}' cannot be used here`, col);
        return { text, changed, failed: true };
      }
      const lines = ref.def.value.split('\n');
      value = lines[0]!;
      ctx.startExpansion(lines.slice(1), col, depth);
    } else {
      value = evaluate(ref, token, col, ctx);
    }
    text = text.replace(i, ref.end, MappedText.synthetic(value, col, depth));
    if (text.length > MAX_LINE_LENGTH) {
      ctx.report('error', `line longer than ${MAX_LINE_LENGTH} characters after substituting '${token}'`, col);
      return { text, changed, failed: true };
    }
    let v = 0;
    while (v < value.length && isBlank(value.charCodeAt(v))) v++;
    if (value.charCodeAt(v) === 0x7e /* ~ */) break;
    pos = i;
  }
  return { text, changed, failed: false };
}

function evaluate(ref: Reference, token: string, col: number, ctx: SubstitutionContext): string {
  switch (ref.def.builtin) {
    case undefined:
    case 'hash':
    case 'bang':
      return ref.def.value;
    case 'pwd':
      return ctx.currentDir();
    case 'instance':
      return ctx.configId;
    case 'env': {
      const names = ref.params?.split(/[ \t]+/) ?? [];
      if (names.length !== 1) {
        ctx.report('error', `'${token}' needs exactly one environment variable name`, col);
        return '';
      }
      return ctx.env[names[0]!] ?? '';
    }
    case 'random':
      return randomValue(ref.params, token, col, ctx);
  }
}

function randomValue(params: string | undefined, token: string, col: number, ctx: SubstitutionContext): string {
  const numbers = params === undefined ? [] : params.split(/ +/).map(Number);
  if (numbers.length > 2) ctx.report('notice', `'${token}': more than two parameters; the extra ones are ignored`, col);
  const min = numbers[0] ?? 0;
  const max = numbers[1] ?? RANDOM_DEFAULT_MAX;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
    ctx.report('error', `'${token}': MIN and MAX must be below 2^53`, col);
    return '';
  }
  if (min > max) {
    ctx.report('error', `'${token}': MIN (${min}) is greater than MAX (${max})`, col);
    return '';
  }
  return String((ctx.rng.next() % (max - min + 1)) + min);
}
