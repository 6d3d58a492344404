/**
 * Renders canonical statements as keepalived.conf text: two-space indentation,
 * one statement per line, words quoted only when the lexer would otherwise
 * read them differently. Compiling the output gives back the same model; that
 * is what `-d` prints and what the round-trip tests check.
 */
import type { PrintStmt } from './schema/types.js';

const NEEDS_QUOTES = /[\s"'\\#!{}]|^[@$~]|^$/;
const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x1b': '\\E' };

/** A word as the lexer will read it back: quoted and escaped when needed. */
export function quoteWord(word: string): string {
  if (!NEEDS_QUOTES.test(word)) return word;
  let out = '"';
  for (const c of word) {
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (CONTROL_ESCAPES[c] !== undefined) out += CONTROL_ESCAPES[c];
    else if (c.charCodeAt(0) < 0x20) out += '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
    else out += c;
  }
  return out + '"';
}

export function renderStatements(stmts: readonly PrintStmt[], indent = 0): string {
  let out = '';
  const pad = '  '.repeat(indent);
  for (const s of stmts) {
    const head = s.words.map(quoteWord).join(' ');
    if (s.block === undefined) {
      out += `${pad}${head}\n`;
    } else if (s.block.length === 0) {
      out += `${pad}${head} {\n${pad}}\n`;
    } else {
      out += `${pad}${head} {\n${renderStatements(s.block, indent + 1)}${pad}}\n`;
    }
  }
  return out;
}
