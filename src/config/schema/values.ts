/**
 * Value types for keyword arguments: numbers, timers, booleans, words and
 * enumerations, with keepalived's syntax and, where an operator may grep for
 * them, keepalived's wording ("invalid number '100x'", "number '300' outside
 * range [1, 255]"). Unlike keepalived, a bad value is always an error: it is
 * never replaced by a default.
 *
 * Units: timers are parsed from decimal seconds with microsecond resolution
 * (keepalived's TIMER) and held in the model as milliseconds (fractional when
 * the config asks for sub-millisecond precision).
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { ValueType } from './types.js';

/** Exactly one word; a missing one is reported at the keyword. */
export function oneWord(words: readonly Word[], at: Word): Word {
  if (words.length === 0) throw new ConfigValueError(`missing parameter`, at.loc);
  if (words.length > 1) throw new ConfigValueError(`unexpected extra parameter '${words[1]!.text}'`, words[1]!.loc);
  return words[0]!;
}

const DECIMAL_INT = /^[+-]?\d+$/;
const HEX_INT = /^0[xX][0-9a-fA-F]+$/;

/** Parses an integer word the way strtol(…, 10) accepts it, or with `hex`, 0x… too. */
function readInteger(w: Word, opts: { hex?: boolean; unsigned?: boolean }): number {
  const text = w.text.trim();
  if (opts.unsigned && text.startsWith('-')) throw new ConfigValueError(`negative number '${w.text}'`, w.loc);
  let value: number;
  if (DECIMAL_INT.test(text)) value = Number(text);
  else if (opts.hex && HEX_INT.test(text)) value = Number.parseInt(text, 16);
  else throw new ConfigValueError(`invalid number '${w.text}'`, w.loc);
  if (!Number.isSafeInteger(value)) throw new ConfigValueError(`number '${w.text}' outside integer range`, w.loc);
  return value;
}

/** An integer in [min, max]. */
export function int(min: number, max: number, opts: { hex?: boolean } = {}): ValueType<number> {
  return {
    syntax: `${min}..${max}`,
    parse(words, at) {
      const w = oneWord(words, at);
      const v = readInteger(w, { hex: opts.hex, unsigned: min >= 0 });
      if (v < min || v > max) throw new ConfigValueError(`number '${w.text}' outside range [${min}, ${max}]`, w.loc);
      return v;
    },
    format: (v) => [String(v)],
  };
}

/** Parses decimal seconds into integer microseconds without floating-point error. */
export function parseSecondsToMicros(w: Word): number {
  const text = w.text;
  if (text.startsWith('-')) throw new ConfigValueError(`negative number '${text}'`, w.loc);
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new ConfigValueError(`invalid number '${text}'`, w.loc);
  const frac = m[2] ?? '';
  if (frac.length > 6) throw new ConfigValueError(`number '${text}' has too many decimal places (the resolution is 1 microsecond)`, w.loc);
  const micros = Number(m[1] || '0') * 1_000_000 + Number((frac + '000000').slice(0, 6));
  if (!Number.isSafeInteger(micros)) throw new ConfigValueError(`number '${text}' outside unsigned decimal range`, w.loc);
  return micros;
}

/** Formats milliseconds as keepalived decimal seconds ("1", "0.5", "0.000001"). */
export function formatMillisAsSeconds(ms: number): string {
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1_000_000);
  const frac = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

function secondsText(ms: number): string {
  return formatMillisAsSeconds(ms);
}

/** keepalived's TIMER: decimal seconds, µs resolution; the model holds milliseconds. */
export function timer(minMs = 0, maxMs = Number.MAX_SAFE_INTEGER / 1000): ValueType<number> {
  return {
    syntax: 'SECONDS',
    parse(words, at) {
      const w = oneWord(words, at);
      const ms = parseSecondsToMicros(w) / 1000;
      if (ms < minMs || ms > maxMs) {
        throw new ConfigValueError(`number '${w.text}' outside range [${secondsText(minMs)}, ${secondsText(maxMs)}] seconds`, w.loc);
      }
      return ms;
    },
    format: (ms) => [formatMillisAsSeconds(ms)],
  };
}

/** Whole seconds held as milliseconds (keywords keepalived reads as integers). */
export function wholeSeconds(minS: number, maxS: number): ValueType<number> {
  const inner = int(minS, maxS);
  return {
    syntax: `${minS}..${maxS} (seconds)`,
    parse: (words, at) => inner.parse(words, at) * 1000,
    format: (ms) => [String(Math.round(ms / 1000))],
  };
}

const TRUE_WORDS = ['true', 'on', 'yes'];
const FALSE_WORDS = ['false', 'off', 'no'];

/** keepalived's check_true_false(): exact, lower-case words. */
export function parseBoolWord(w: Word): boolean {
  if (TRUE_WORDS.includes(w.text)) return true;
  if (FALSE_WORDS.includes(w.text)) return false;
  throw new ConfigValueError(`invalid boolean '${w.text}' (expected one of on|off|true|false|yes|no)`, w.loc);
}

export const bool: ValueType<boolean> = {
  syntax: 'BOOL',
  parse: (words, at) => parseBoolWord(oneWord(words, at)),
  format: (v) => [v ? 'true' : 'false'],
};

/** Any single word (names, paths, interface names). */
export function word(syntax = 'STRING', check?: (w: Word) => void): ValueType<string> {
  return {
    syntax,
    parse(words, at) {
      const w = oneWord(words, at);
      check?.(w);
      return w.text;
    },
    format: (v) => [v],
  };
}

/** One of a fixed set of words; `caseInsensitive` returns the canonical spelling. */
export function oneOf<const T extends string>(choices: readonly T[], opts: { caseInsensitive?: boolean } = {}): ValueType<T> {
  return {
    syntax: choices.join('|'),
    parse(words, at) {
      const w = oneWord(words, at);
      const hit = choices.find((c) => (opts.caseInsensitive ? c.toLowerCase() === w.text.toLowerCase() : c === w.text));
      if (hit === undefined) throw new ConfigValueError(`invalid value '${w.text}' (expected one of ${choices.join('|')})`, w.loc);
      return hit;
    },
    format: (v) => [v],
  };
}

/** The rest of the line joined by single spaces (e.g. notification_email_from "x y"). */
export const restOfLine: ValueType<string> = {
  syntax: 'TEXT',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('missing parameter', at.loc);
    return words.map((w) => w.text).join(' ');
  },
  format: (v) => [v],
};

/** The raw words, kept as given (for keywords whose arguments are a free list). */
export const wordList: ValueType<string[]> = {
  syntax: 'WORD...',
  parse: (words) => words.map((w) => w.text),
  format: (v) => v,
};

/** A value type made of another with an extra check. */
export function refine<V>(base: ValueType<V>, check: (v: V, words: readonly Word[], at: Word) => void, syntax = base.syntax): ValueType<V> {
  return {
    syntax,
    parse(words, at) {
      const v = base.parse(words, at);
      check(v, words, at);
      return v;
    },
    format: (v) => base.format(v),
  };
}
