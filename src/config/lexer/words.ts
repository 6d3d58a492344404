/**
 * The character-level steps of keepalived's line reader: comment stripping,
 * cutting a line at braces, and the two ways of splitting a line into words.
 *
 * Comments (lib/parser.c decomment): `#` or `!` outside "…" starts a comment;
 * `\#` and `\!` outside quotes stand for the character itself; leading and
 * trailing blanks go. A trailing backslash is kept and glued to the text before
 * it ("priority \" becomes "priority\"): only a `$NAME=` definition treats it
 * as a continuation; anywhere else it stays part of the last word, which is
 * why keepalived 2.2.7 reports "Unknown keyword 'priority\'". Only double
 * quotes protect: 'a#b' is the word 'a followed by a comment.
 *
 * Keyword words (alloc_strvec_r): words are separated by blanks; a word that
 * starts with `"` runs to the next `"` and loses its quotes; a `"` inside a
 * word ends it, so `a"b c"` is two words, `a` and `b c`. Single quotes and
 * backslashes are ordinary characters here.
 *
 * Script words (alloc_strvec_quoted_escaped): the commands of `script`,
 * `notify*`, `misc_path`… are re-split from the line's text with shell-like
 * rules — '…' and "…" group, `\a \b \E \f \n \r \t \v \nnn \xHH… \cC \C`
 * escapes work inside and outside quotes (2.2.7 takes every hex digit after
 * \x and keeps the low byte). keepalived then splits the command word a second
 * time with the same rules (lib/notify.c set_script_params_array), so escapes
 * are processed twice; shellSplit() is the one step, applied by the caller.
 *
 * Braces (read_line): the line is cut before the first `{` or `}` that is not
 * inside "…"; the brace and whatever follows become the next line, and a brace
 * at the start of a line stands alone. So every brace ends up as a line of its
 * own, and the text after it is read again as a new line (it may be an
 * `@id` line, a definition or an include).
 */
import { isBlank, isSpace, MappedText } from './mapped-text.js';

const HASH = 0x23;
const BANG = 0x21;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export interface Decommented {
  readonly text: MappedText;
  /** Offset (in the input) of a `"` left open, or -1. */
  readonly openQuoteAt: number;
}

/** Strips comments, `\#`/`\!` escapes and surrounding blanks (keepalived decomment()). */
export function decomment(input: MappedText): Decommented {
  const s = input.text;
  const n = s.length;
  let start = 0;
  while (start < n && isBlank(s.charCodeAt(start))) start++;

  let inQuote = false;
  let quoteAt = -1;
  let commentAt = -1;
  let continuationAt = -1;
  let escapes: number[] | undefined; // backslashes of \# and \! to delete
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      if (commentAt < 0) {
        inQuote = !inQuote;
        quoteAt = i;
      }
    } else if (c === BACKSLASH) {
      if (i + 1 >= n) {
        continuationAt = i;
        break;
      }
      const next = s.charCodeAt(i + 1);
      if (!inQuote && (next === HASH || next === BANG)) (escapes ??= []).push(i);
      i++;
    } else if ((c === HASH || c === BANG) && !inQuote && commentAt < 0) {
      // keepalived keeps scanning after the comment start: a backslash ending
      // the comment still marks a continuation.
      commentAt = i;
    }
  }

  const end = commentAt >= 0 ? commentAt : continuationAt >= 0 ? continuationAt : n;
  let out: MappedText;
  if (!escapes) {
    out = input.slice(start, end);
  } else {
    out = MappedText.empty;
    let from = start;
    for (const e of escapes) {
      if (e >= end) break;
      out = out.concat(input.slice(from, e));
      from = e + 1;
    }
    out = out.concat(input.slice(from, Math.max(from, end)));
  }
  out = out.trimEndBlanks();
  if (continuationAt >= 0) out = out.concat(input.slice(continuationAt, continuationAt + 1));
  return { text: out, openQuoteAt: inQuote ? quoteAt : -1 };
}

/**
 * Offset of the first brace outside "…", or -1. A brace at offset 0 is found
 * even when it follows nothing; a `"` without its partner hides every brace
 * after it (keepalived stops looking).
 */
export function findBrace(s: string): number {
  const first = s.charCodeAt(0);
  if (first === OPEN_BRACE || first === CLOSE_BRACE) return 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === OPEN_BRACE || c === CLOSE_BRACE) return i;
    if (c === DQUOTE) {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

export interface BraceCut {
  /** The part handed on as this line (trailing blanks removed). */
  readonly line: MappedText;
  /** What is read again as the next line, or undefined. */
  readonly residue?: MappedText;
}

/** Cuts a line at its first brace the way keepalived's read_line does. */
export function cutAtBrace(text: MappedText): BraceCut {
  const b = findBrace(text.text);
  if (b < 0) return { line: text.trimEndBlanks() };
  let restAt: number;
  let lineEnd: number;
  if (b === 0) {
    // A leading brace stands alone; blanks after it are dropped.
    lineEnd = 1;
    restAt = 1;
    while (restAt < text.length && isBlank(text.text.charCodeAt(restAt))) restAt++;
  } else {
    lineEnd = b;
    restAt = b;
  }
  const rest = text.slice(restAt).trimEndBlanks();
  const line = text.slice(0, lineEnd).trimEndBlanks();
  return rest.length ? { line, residue: rest } : { line };
}

export interface RawWord {
  readonly text: string;
  readonly quoted: boolean;
  /** Offset of the word's first character (the opening quote for a quoted word). */
  readonly offset: number;
}

/**
 * keepalived's keyword tokenizer (alloc_strvec_r): blanks separate, "…" groups.
 * Calls `onWord` for each word; returns the offset of a `"` without its partner
 * (splitting stopped there), or -1.
 */
export function splitWords(s: string, onWord: (text: string, quoted: boolean, offset: number) => void): number {
  const n = s.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n) return -1;
    if (s.charCodeAt(i) === DQUOTE) {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return i;
      onWord(s.slice(i + 1, close), true, i);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (isSpace(c) || c === DQUOTE) break;
        j++;
      }
      onWord(s.slice(i, j), false, i);
      i = j;
    }
  }
}

export type ShellSplit =
  | { readonly ok: true; readonly words: RawWord[] }
  | { readonly ok: false; readonly message: string; readonly offset: number };

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, E: 0x1b, f: 12, n: 10, r: 13, t: 9, v: 11 };

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Shell-like splitting as keepalived 2.2.7 does it for script command lines
 * (alloc_strvec_quoted_escaped). Escapes yield bytes, returned here as the
 * characters U+0000–U+00FF.
 */
export function shellSplit(s: string): ShellSplit {
  const words: RawWord[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let quote = 0;
    let quoteAt = -1;
    let quoted = false;
    let out = '';
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH) {
        i++;
        if (i >= n) return { ok: false, message: "a '\\' at the end escapes nothing", offset: i - 1 };
        const e = s.charCodeAt(i);
        if (e === 0x78 /* x */ && i + 1 < n && hexValue(s.charCodeAt(i + 1)) >= 0) {
          // 2.2.7 consumes every following hex digit and keeps the low byte.
          let v = 0;
          i++;
          while (i < n && hexValue(s.charCodeAt(i)) >= 0) v = ((v << 4) | hexValue(s.charCodeAt(i++))) & 0xff;
          out += String.fromCharCode(v);
        } else if (e === 0x63 /* c */ && i + 1 < n) {
          out += String.fromCharCode(s.charCodeAt(i + 1) & 0x1f);
          i += 2;
        } else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          i++;
          for (let k = 0; k < 2 && i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x37; k++) v = v * 8 + (s.charCodeAt(i++) - 0x30);
          out += String.fromCharCode(v & 0xff);
        } else {
          const simple = SIMPLE_ESCAPES[s[i]!];
          out += simple !== undefined ? String.fromCharCode(simple) : s[i]!;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === quote) quote = 0;
        else out += s[i]!;
        i++;
        continue;
      }
      if (c === DQUOTE || c === SQUOTE) {
        quote = c;
        quoteAt = i;
        quoted = true;
        i++;
        continue;
      }
      if (isSpace(c)) break;
      out += s[i]!;
      i++;
    }
    if (quote) return { ok: false, message: `missing closing ${String.fromCharCode(quote)}`, offset: quoteAt };
    words.push({ text: out, quoted, offset: start });
  }
  return { ok: true, words };
}
