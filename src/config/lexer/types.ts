/**
 * What the lexer hands to the rest of the compiler: the config after every
 * text-level feature of keepalived's parser has been applied (includes,
 * `@id` conditionals, `$NAME` definitions, `~SEQ`/`~LST`, comments, quoting),
 * as a flat list of lines of words. Braces are words of their own, so the tree
 * builder never has to look inside a word.
 */
import type { SourceLocation } from '../diagnostics.js';

export interface Word {
  /** The word after quote removal and escape processing. */
  readonly text: string;
  /** True when any part of the word was quoted: a quoted "{" is not a brace. */
  readonly quoted: boolean;
  readonly loc: SourceLocation;
}

export interface Line {
  readonly words: readonly Word[];
  /** Where the line came from (for macro/sequence output, the line that used it). */
  readonly loc: SourceLocation;
}

export interface LexOptions {
  /** `-i/--config-id`; defaults to the short host name. */
  readonly configId: string;
  /** `-e/--all-config`: every include check is on. */
  readonly allConfig?: boolean;
  /** Environment for `${_ENV NAME}`; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Seed for `${_RANDOM}`; the `random_seed` global keyword sets it too. */
  readonly randomSeed?: number;
  /** Reads a file; injectable for tests. Defaults to fs.readFileSync(path, 'utf8'). */
  readonly readFile?: (path: string) => string;
}

export interface LexResult {
  readonly lines: Line[];
  /** Every file that was read, in order (the root first). */
  readonly files: string[];
}
