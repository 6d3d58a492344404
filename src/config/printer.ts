/**
 * Renders canonical statements as keepalived.conf text: two-space indentation,
 * one statement per line, words quoted only when the lexer would otherwise
 * read them differently. Compiling the output gives back the same model; that
 * is what `-d` prints and what the round-trip tests check.
 */
import type { PrintStmt, PrintWord } from './schema/types.js';

const NEEDS_QUOTES = /[\s'#!{}]|^[@$~]|^$/;

/**
 * A word as the lexer will read it back. Keyword words know only "…" and no
 * escapes (keepalived's alloc_strvec_r), so quoting is all there is; script
 * lines, which keepalived re-splits with escapes, come pre-quoted as `raw`.
 */
export function quoteWord(word: PrintWord): string {
  if (typeof word !== 'string') return word.raw;
  return NEEDS_QUOTES.test(word) ? `"${word}"` : word;
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
