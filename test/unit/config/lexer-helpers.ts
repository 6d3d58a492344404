/**
 * Helpers for the lexer tests: lex a string (through LexOptions.readFile) or
 * a real file tree, and render the result compactly so tables can state the
 * exact words, quotes and locations.
 *
 * A line renders as its words joined by one space; a word as `text@L:C`, a
 * quoted word as `"text"@L:C`. With `withFile`, words are `text@FILE:L:C`.
 * Diagnostics render as `FILE:L:C: severity: [keyword: ]message`, with FILE
 * (and paths in the message) relative to the test's directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { lex } from '../../../src/config/lexer/index.js';
import type { LexOptions, LexResult, Line, Word } from '../../../src/config/lexer/types.js';

export const ROOT_DIR = '/virtual';
export const ROOT = `${ROOT_DIR}/keepalived.conf`;

export interface Rendered {
  readonly lines: string[];
  readonly diags: string[];
  readonly result: LexResult;
}

export function renderWord(w: Word, base?: string): string {
  const text = w.quoted ? `"${w.text}"` : w.text;
  const file = base === undefined ? '' : `${relative(w.loc.file, base)}:`;
  return `${text}@${file}${w.loc.line}:${w.loc.col}`;
}

export function renderLine(l: Line, base?: string): string {
  return l.words.map((w) => renderWord(w, base)).join(' ');
}

function relative(file: string, base: string): string {
  return file.startsWith(base + '/') ? file.slice(base.length + 1) : file;
}

function renderDiags(diags: Diagnostics, base: string): string[] {
  return diags.items.map((d) => {
    const message = d.message.split(`${base}/`).join('');
    const shown = d.loc ? { ...d, message, loc: { ...d.loc, file: relative(d.loc.file, base) } } : { ...d, message };
    return formatDiagnostic(shown);
  });
}

/** Lexes `text` as the file /virtual/keepalived.conf (no disk access for it). */
export function lexString(text: string, options: Partial<LexOptions> = {}): Rendered {
  const diags = new Diagnostics();
  const result = lex(
    ROOT,
    {
      configId: 'main',
      randomSeed: 5,
      env: {},
      readFile: (p) => {
        if (p === ROOT) return text;
        throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      },
      ...options,
    },
    diags,
  );
  for (const l of result.lines) {
    for (const w of l.words) if (w.loc.file !== ROOT) throw new Error(`word ${w.text} located in ${w.loc.file}`);
  }
  return { lines: result.lines.map((l) => renderLine(l)), diags: renderDiags(diags, ROOT_DIR), result };
}

/** A temporary directory tree for include tests; removed by cleanup(). */
export class TempTree {
  readonly dir = mkdtempSync(join(tmpdir(), 'kts-lexer-'));

  /** Writes files (path relative to the tree → content); a trailing '/' makes a directory. */
  write(files: Record<string, string>): this {
    for (const [rel, content] of Object.entries(files)) {
      const p = join(this.dir, rel);
      if (rel.endsWith('/')) {
        mkdirSync(p, { recursive: true });
        continue;
      }
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    return this;
  }

  chmod(rel: string, mode: number): this {
    chmodSync(join(this.dir, rel), mode);
    return this;
  }

  /** Lexes `root` (relative to the tree, or absolute). Words render with their file. */
  lex(root: string, options: Partial<LexOptions> = {}): Rendered {
    const diags = new Diagnostics();
    const file = root.startsWith('/') ? root : join(this.dir, root);
    const result = lex(file, { configId: 'main', randomSeed: 5, env: {}, ...options }, diags);
    return {
      lines: result.lines.map((l) => renderLine(l, this.dir)),
      diags: renderDiags(diags, this.dir),
      result,
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
