/**
 * A minimal line splitter for engine tests that must not depend on the real
 * lexer: whitespace-separated words, "{" and "}" split off, "quoted words"
 * (no escapes), '#' comments. Columns are 1-based like the lexer's.
 */
import type { Line, Word } from '../../../src/config/lexer/types.js';

export function simpleLines(text: string, file = 't.conf'): Line[] {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, idx) => {
    const words: Word[] = [];
    const re = /"([^"]*)"|([{}])|([^\s{}"#]+)|(#.*)/g;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      if (m[4] !== undefined) break;
      const loc = { file, line: idx + 1, col: m.index + 1 };
      if (m[1] !== undefined) words.push({ text: m[1], quoted: true, loc });
      else words.push({ text: (m[2] ?? m[3])!, quoted: false, loc });
    }
    if (words.length) lines.push({ words, loc: { file, line: idx + 1, col: 1 } });
  });
  return lines;
}
