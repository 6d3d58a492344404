/**
 * What the lexer hands to the rest of the compiler: the config after every
 * text-level feature of keepalived's parser has been applied (includes,
 * `@id` conditionals, `$NAME` definitions, `~SEQ`/`~LST`, comments, quoting),
 * as a flat list of lines of words. Braces are words of their own, so the tree
 * builder never has to look inside a word.
 */
import type { SourceLocation } from '../diagnostics.js';

export interface Word {
  /**
   * The word without its quotes. Keyword words know only "…" and no escapes,
   * as in keepalived (alloc_strvec_r); shellWords() gives the script view.
   */
  readonly text: string;
  /** True when the word was quoted ("…"; for shell words, any part '…' or "…"): a quoted "{" is not a brace. */
  readonly quoted: boolean;
  /** Where the word starts (its opening quote, if quoted); see ./index.ts for substituted text. */
  readonly loc: SourceLocation;
}

export interface Line {
  readonly words: readonly Word[];
  /** Where the line came from (for macro/sequence output, the line that used it). */
  readonly loc: SourceLocation;
  /**
   * The line's text after every text-level step (keepalived's "raw line",
   * buf_extern): script keywords re-split it with shell quoting, see
   * shellWords() in ./index.js. Absent on lines built by hand.
   */
  readonly text?: string;
  /**
   * Source column of each stretch of `text`, as [offset, col, literal 1|0]
   * triples (used by shellWords()). Absent when `text` is a verbatim copy of
   * the source starting at `loc.col`.
   */
  readonly cols?: readonly number[];
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
  /**
   * Reads a file; injectable for tests. Defaults to fs.readFileSync(path, 'utf8').
   * A path it can read counts as a regular file even when absent from disk;
   * wildcard includes still list the real directories.
   */
  readonly readFile?: (path: string) => string;
}

export interface LexResult {
  readonly lines: Line[];
  /** Every file that was read, in order (the root first). */
  readonly files: string[];
  /**
   * An include check failed (a fatal diagnostic was reported for it): keepalived
   * refuses such a configuration outright and exits with status 6
   * (KEEPALIVED_EXIT_NO_CONFIG), even under -t, instead of 4.
   */
  readonly fileError?: boolean;
}
