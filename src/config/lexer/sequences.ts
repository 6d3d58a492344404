/**
 * `~SEQ(VAR, START, STEP, END) rest…` and `~LST(VAR, v1, v2…) rest…` lines
 * (lib/parser.c add_seq, add_lst, and the generator at the top of read_line).
 *
 * Such a line defines no text itself: the rest of the line is read again once
 * per value, with $VAR (an ordinary definition, still set afterwards) holding
 * the value. The rest may hold another ~SEQ/~LST, which then runs completely
 * for each value of the outer one, so several on one line nest left to right.
 *
 * ~SEQ takes 1 to 3 numbers after the name, in C strtol() form (decimal,
 * 0x hex, leading-0 octal, an empty number is 0), and ${NAME} references in
 * them are substituted first:
 *   (VAR, END)              START is 1 (or -1 when END < 0), STEP ±1 towards END
 *   (VAR, START, END)       STEP is 1 or -1
 *   (VAR, START, STEP, END) STEP must move from START towards END
 * The first value is always produced; the sequence stops once the next value
 * would pass END. ~SEQx prints the values in lower-case hex and needs
 * non-negative START and END.
 *
 * ~LST takes one name and single values, or {NAME1, NAME2…} and {v1, v2…}
 * tuples; a tuple may have fewer values than names (the rest are empty), not
 * more. Values are taken verbatim up to a blank, `,`, `}` or `)`.
 *
 * Departures from 2.2.7, for inputs it silently misreads: the character after
 * the variable name must be `,` (2.2.7 skips whatever is there, so
 * `~SEQ(A 1, 3)` ran from 0); an empty ~LST variable name is an error; a
 * single ~SEQ may not produce more than a million values.
 */
import { isBlank, isSpace, type MappedText } from './mapped-text.js';

export const MAX_SEQUENCE_VALUES = 1_000_000;

/** An active ~SEQ or ~LST: produces the assignments for each repetition of `text`. */
export interface Sequence {
  /** The rest of the line, read once per value. */
  readonly text: MappedText;
  /** The assignments for the next repetition. */
  next(): Array<readonly [name: string, value: string]>;
  /** True once next() has returned the last repetition. */
  readonly done: boolean;
}

export type SequenceParse =
  | { readonly ok: true; readonly sequence: Sequence }
  /** `message` is absent when the problem was already reported (while substituting). */
  | { readonly ok: false; readonly message?: string; readonly offset: number };

/** Substitutes definitions in the ~SEQ parameters; undefined when that failed (already reported). */
export type ParamSubstituter = (params: MappedText) => string | undefined;

const fail = (message: string, offset: number): SequenceParse => ({ ok: false, message, offset });

function skipBlanks(s: string, p: number): number {
  while (p < s.length && isBlank(s.charCodeAt(p))) p++;
  return p;
}

function digitValue(c: number, base: number): number {
  let d = -1;
  if (c >= 0x30 && c <= 0x39) d = c - 0x30;
  else if (c >= 0x61 && c <= 0x7a) d = c - 0x61 + 10;
  else if (c >= 0x41 && c <= 0x5a) d = c - 0x41 + 10;
  return d >= 0 && d < base ? d : -1;
}

/** C strtol(s + i, &end, 0): no digits means 0 with `end` left at `i`. */
export function strtol(s: string, i: number): { value: number; end: number } {
  let j = i;
  while (j < s.length && isSpace(s.charCodeAt(j))) j++;
  let negative = false;
  if (s[j] === '+' || s[j] === '-') {
    negative = s[j] === '-';
    j++;
  }
  let base = 10;
  if (s[j] === '0') {
    if ((s[j + 1] === 'x' || s[j + 1] === 'X') && digitValue(s.charCodeAt(j + 2), 16) >= 0) {
      base = 16;
      j += 2;
    } else {
      base = 8;
    }
  }
  let k = j;
  let value = 0;
  for (let d; k < s.length && (d = digitValue(s.charCodeAt(k), base)) >= 0; k++) value = value * base + d;
  if (k === j) return { value: 0, end: i };
  return { value: negative ? -value : value, end: k };
}

class Counter implements Sequence {
  private value: number;
  done = false;
  constructor(
    readonly text: MappedText,
    private readonly name: string,
    start: number,
    private readonly step: number,
    private readonly last: number,
    private readonly hex: boolean,
  ) {
    this.value = start;
  }
  next(): Array<readonly [string, string]> {
    const v = this.value;
    this.value += this.step;
    this.done = this.step > 0 ? this.value > this.last : this.value < this.last;
    return [[this.name, this.hex ? v.toString(16) : String(v)]];
  }
}

class ValueList implements Sequence {
  private index = 0;
  done = false;
  constructor(
    readonly text: MappedText,
    private readonly names: readonly string[],
    private readonly sets: readonly (readonly string[])[],
  ) {}
  next(): Array<readonly [string, string]> {
    const set = this.sets[this.index++]!;
    this.done = this.index >= this.sets.length;
    return this.names.map((name, k) => [name, set[k] ?? ''] as const);
  }
}

const SEQ_FORMS = 'use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)';

/** Parses a line starting with `~SEQ`. */
export function parseSeq(line: MappedText, substituteParams: ParamSubstituter): SequenceParse {
  const s = line.text;
  let p = 4;
  const hex = s[p] === 'x';
  const kind = hex ? '~SEQx' : '~SEQ';
  if (hex) p++;
  p = skipBlanks(s, p);
  if (s[p] !== '(') return fail(`invalid ${kind}: expected '(' after ${kind}`, p);
  p = skipBlanks(s, p + 1);
  const nameAt = p;
  while (p < s.length && !' \t,)'.includes(s[p]!)) p++;
  const name = s.slice(nameAt, p);
  p = skipBlanks(s, p);
  if (!name) return fail(`invalid ${kind}: missing the variable name`, nameAt);
  if (p >= s.length || s[p] === ')') return fail(`invalid ${kind}: no END value; ${SEQ_FORMS}`, p);
  if (s[p] !== ',') return fail(`invalid ${kind}: expected ',' after the variable name '${name}'`, p);
  p = skipBlanks(s, p + 1);
  const close = s.indexOf(')', p);
  if (close < 0) return fail(`invalid ${kind}: missing ')'`, s.length);
  const params = substituteParams(line.slice(p, close + 1));
  if (params === undefined) return { ok: false, offset: p };
  const bad = () => fail(`invalid ${kind} parameters '${params}': ${SEQ_FORMS}`, p);

  const numbers: number[] = [];
  let q = 0;
  for (;;) {
    const n = strtol(params, q);
    numbers.push(n.value);
    q = skipBlanks(params, n.end);
    if (params[q] === ')') break;
    if (params[q] !== ',' || numbers.length === 3) return bad();
    q++;
  }
  if (!numbers.every(Number.isSafeInteger)) return fail(`invalid ${kind} parameters '${params}': numbers must be below 2^53`, p);
  let start: number;
  let step: number;
  let end: number;
  if (numbers.length === 1) {
    end = numbers[0]!;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (numbers.length === 2) {
    [start, end] = numbers as [number, number];
    step = start <= end ? 1 : -1;
  } else {
    [start, step, end] = numbers as [number, number, number];
    if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
      return fail(`invalid ${kind} values: step ${step} does not lead from ${start} to ${end}`, p);
    }
  }
  if (hex && (start < 0 || end < 0)) return fail(`${kind} needs values that are not negative (start ${start}, end ${end})`, p);
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_SEQUENCE_VALUES) {
    return fail(`${kind} would produce ${count} values; at most ${MAX_SEQUENCE_VALUES} are allowed`, p);
  }
  const textAt = skipBlanks(s, close + 1);
  return { ok: true, sequence: new Counter(line.slice(textAt), name, start, step, end, hex) };
}

/** Parses a line starting with `~LST`. */
export function parseLst(line: MappedText): SequenceParse {
  const s = line.text;
  let p = skipBlanks(s, 4);
  if (s[p] !== '(') return fail("invalid ~LST: expected '(' after ~LST", p);
  p = skipBlanks(s, p + 1);

  const names: string[] = [];
  let endChar = ',';
  if (s[p] === '{') {
    endChar = '}';
    p = skipBlanks(s, p + 1);
  }
  for (;;) {
    const at = p;
    while (p < s.length && !' \t,}'.includes(s[p]!)) p++;
    if (p === at) return fail('invalid ~LST: empty variable name', at);
    names.push(s.slice(at, p));
    p = skipBlanks(s, p);
    if (s[p] === endChar) break;
    if (s[p] !== ',') return fail(`invalid ~LST: expected ',' after the variable name '${names[names.length - 1]}'`, p);
    p = skipBlanks(s, p + 1);
  }
  if (s[p] === '}') p = skipBlanks(s, p + 1);
  if (s[p] !== ',') return fail('invalid ~LST: expected \',\' and values after the variable names', p);
  p = skipBlanks(s, p + 1);

  const sets: string[][] = [];
  for (;;) {
    endChar = ',';
    if (s[p] === '{') {
      endChar = '}';
      p = skipBlanks(s, p + 1);
    }
    const values: string[] = [];
    for (;;) {
      const at = p;
      while (p < s.length && !' \t,})'.includes(s[p]!)) p++;
      values.push(s.slice(at, p));
      p = skipBlanks(s, p);
      if (s[p] === endChar || (s[p] === ')' && endChar === ',')) break;
      if (s[p] !== ',') return fail(`invalid ~LST: expected ',' or '${endChar === '}' ? '}' : ')'}' after '${values[values.length - 1]}'`, p);
      p = skipBlanks(s, p + 1);
      if (values.length >= names.length) {
        return fail(`invalid ~LST: a value set has more values than the ${names.length} variable(s)`, p);
      }
    }
    sets.push(values);
    if (s[p] === '}' && endChar === '}') p = skipBlanks(s, p + 1);
    if (s[p] === ')') break;
    if (s[p] !== ',') return fail("invalid ~LST: expected ',' or ')' after a value set", p);
    p = skipBlanks(s, p + 1);
  }
  const textAt = skipBlanks(s, p + 1);
  return { ok: true, sequence: new ValueList(line.slice(textAt), names, sets) };
}
