/**
 * What the lexer hands to the rest of the compiler: the config after every
 * text-level feature of keepalived's parser has been applied (includes,
 * `@id` conditionals, `$NAME` definitions, `~SEQ`/`~LST`, comments, quoting),
 * as a flat list of lines of words. Braces are words of their own, so the tree
 * builder never has to look inside a word.
 */
import type { SourceLocation } from '../diagnostics.js';

/*
 * Memory layout. A big configuration gives hundreds of thousands of words
 * (the 2,000 × 20 benchmark: 374,000 lines, 586,000 words), and all of them
 * stay alive until the model is built, so their size is what the garbage
 * collector pays for: every surviving object is copied out of the young
 * generation and marked again later. Words and lines from the lexer are
 * therefore the classes below rather than object literals:
 *  - no location object per word: a word keeps its column and a reference to
 *    its line's LinePlace (one per source line, shared by every word on it and
 *    by every line a ~SEQ produces), and `loc` builds the SourceLocation when
 *    someone asks — which is when a diagnostic or the Locations table needs
 *    one, a small fraction of the words;
 *  - arrays of exactly the right length (a `[]` grown by push() reserves 17
 *    slots, 136 bytes, for the typical one or two words).
 *  - the `cols` of lines that are not verbatim copies of their source are
 *    shared when they are a single stretch (every line of a multi-line
 *    definition pasted by a ~SEQ has the same ones).
 * Hand-built lines and words (tests, shellWords) are plain objects with the
 * same interfaces.
 */

/** The file and line a run of text came from, shared by everything located on it. */
export interface LinePlace {
  readonly file: string;
  readonly line: number;
}

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

/** A word as the lexer makes it: see "Memory layout" above. */
export class LexWord implements Word {
  /** The column times two, plus one when quoted: one field instead of two (8 bytes a word). */
  private readonly colQuoted: number;

  constructor(
    readonly text: string,
    quoted: boolean,
    private readonly place: LinePlace,
    col: number,
  ) {
    this.colQuoted = col * 2 + (quoted ? 1 : 0);
  }

  get quoted(): boolean {
    return (this.colQuoted & 1) === 1;
  }

  /** A fresh SourceLocation on each call (callers may keep it). */
  get loc(): SourceLocation {
    return { file: this.place.file, line: this.place.line, col: this.colQuoted >> 1 };
  }
}

/** A line as the lexer makes it: located where its first word is. */
export class LexLine implements Line {
  constructor(
    readonly words: readonly LexWord[],
    readonly text: string,
    readonly cols: readonly number[] | undefined,
  ) {}

  get loc(): SourceLocation {
    return this.words[0]!.loc;
  }
}
