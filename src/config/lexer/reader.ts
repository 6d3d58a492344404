/**
 * The line reader: keepalived's read_line() as a pull-based state machine.
 *
 * Each call to next() takes a piece of text from the first source that has
 * one, in keepalived's order of priority:
 *   1. the residue of the previous line after a brace,
 *   2. the innermost active ~SEQ/~LST, unless a multi-line definition being
 *      expanded started after it (such a sequence waits for the expansion),
 *   3. the next line of the multi-line definition being expanded,
 *   4. the next line of the innermost file (comments stripped, blank lines
 *      skipped; a truly empty line ends a multi-line definition).
 * While a multi-line definition is being collected, the text is appended to
 * it. Otherwise it goes through `@id` conditionals, `$NAME=` definitions,
 * ~SEQ/~LST, and substitution (after which comments are stripped again and
 * the checks repeat if an `@` or `$` appeared); an include line opens its
 * files; anything else is cut at its first brace and split into words.
 *
 * Because the sources are consulted in this order, constructs combine the way
 * they do in keepalived, including its surprises: `~SEQ(I,1,2) include
 * f${I}.conf` opens f2.conf before reading f1.conf, and the rest of a line
 * after `}` may itself be `@id …`, a definition or an include.
 *
 * Locations: text from a file keeps its columns through every rewrite
 * (MappedText); a line produced by ~SEQ/~LST is located on the ~SEQ line (its
 * words at their columns in that line); pasted definition values, and every
 * line of a multi-line definition, are located at the `$` of the reference
 * in the line that used them.
 */
import type { Diagnostics, Severity } from '../diagnostics.js';
import { evaluateConditional } from './conditionals.js';
import { type Definition, Definitions, parseDefinition, substitute, type SubstitutionContext } from './definitions.js';
import type { LexFs } from './files.js';
import { GlibcRandom } from './glibc-random.js';
import { IncludeStack, parseIncludeLine } from './includes.js';
import { isBlank, MappedText } from './mapped-text.js';
import { parseLst, parseSeq, type Sequence } from './sequences.js';
import { LexLine, LexWord, type Line, type LinePlace } from './types.js';
import { cutAtBrace, decomment, splitWords } from './words.js';

interface Text {
  /** Shared by every piece of the same source line (and every line a ~SEQ gives). */
  readonly place: LinePlace;
  readonly text: MappedText;
  /** An unterminated quote on this source line was already reported. */
  readonly quoteReported: boolean;
}

interface ActiveSequence {
  readonly sequence: Sequence;
  readonly place: LinePlace;
  readonly quoteReported: boolean;
}

interface Expansion {
  readonly lines: readonly string[];
  next: number;
  readonly place: LinePlace;
  readonly col: number;
  readonly depth: number;
  /** multilineSeqDepth to restore when this expansion becomes the innermost again. */
  savedSeqDepth: number;
}

export interface ReaderOptions {
  readonly configId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly randomSeed: number;
  readonly includeCheck: number;
}

const MISSING_QUOTE = 'missing closing \'"\'';

export class LineReader {
  readonly defs = new Definitions();
  readonly rng: GlibcRandom;
  readonly includes: IncludeStack;
  private residue: Text | undefined;
  private readonly sequences: ActiveSequence[] = [];
  private readonly expansions: Expansion[] = [];
  /** Sequences beyond this many wait until the current expansion ends (keepalived's multiline_seq_depth). */
  private multilineSeqDepth = 0;
  private collecting: Definition | undefined;
  /** The text being processed, for locating problems and expansions. */
  private at: LinePlace = { file: '', line: 0 };
  private readonly substitution: SubstitutionContext;
  /**
   * Words of the line being split (toLine), gathered here and copied out at
   * their exact number; the callback is made once, not once per line.
   */
  private readonly words: LexWord[] = [];
  private wordCount = 0;
  private firstOffset = 0;
  private wordText: MappedText = MappedText.empty;
  private wordPlace: LinePlace = this.at;
  private readonly sharedCols = new Map<number, readonly number[]>();
  private readonly onWord = (word: string, quoted: boolean, offset: number): void => {
    if (this.wordCount === 0) this.firstOffset = offset;
    this.words[this.wordCount++] = new LexWord(word, quoted, this.wordPlace, this.wordText.colAt(offset));
  };

  constructor(
    rootFile: string,
    fs: LexFs,
    private readonly diags: Diagnostics,
    private readonly options: ReaderOptions,
  ) {
    this.rng = new GlibcRandom(options.randomSeed);
    this.includes = new IncludeStack(fs, diags, options.includeCheck);
    this.substitution = {
      defs: this.defs,
      configId: options.configId,
      env: options.env,
      rng: this.rng,
      currentDir: () => this.includes.currentDir(),
      report: (severity, message, col) => this.report(severity, message, col),
      startExpansion: (lines, col, depth) => this.startExpansion(lines, col, depth),
    };
    this.includes.openRoot(rootFile);
  }

  /** The next line of words, or undefined at the end of the configuration. */
  next(): Line | undefined {
    for (;;) {
      const text = this.nextText();
      if (!text) {
        this.finishCollecting();
        return undefined;
      }
      if (this.collecting) {
        this.collect(text.text.text);
        continue;
      }
      if (text.text.length === 0) continue;
      const processed = this.process(text);
      if (!processed) continue;
      const include = parseIncludeLine(processed.text.text);
      if (include) {
        this.includes.include(include, { file: processed.place.file, line: processed.place.line, col: processed.text.colAt(0) });
        continue;
      }
      const line = this.toLine(processed);
      if (line) return line;
    }
  }

  private report(severity: Severity, message: string, col: number, keyword?: string): void {
    this.diags.add(severity, message, { file: this.at.file, line: this.at.line, col }, keyword);
  }

  private nextText(): Text | undefined {
    if (this.residue) {
      const r = this.residue;
      this.residue = undefined;
      return r;
    }
    if (this.sequences.length > this.multilineSeqDepth) {
      const active = this.sequences[this.sequences.length - 1]!;
      const assignments = active.sequence.next();
      if (active.sequence.done) this.sequences.pop();
      for (const [name, value] of assignments) this.defs.set(name, value);
      return { place: active.place, text: active.sequence.text, quoteReported: active.quoteReported };
    }
    const expansion = this.expansions[this.expansions.length - 1];
    if (expansion) {
      const line = expansion.lines[expansion.next++]!;
      if (expansion.next >= expansion.lines.length) {
        this.expansions.pop();
        this.multilineSeqDepth = this.expansions[this.expansions.length - 1]?.savedSeqDepth ?? 0;
      }
      const text = MappedText.synthetic(line, expansion.col, expansion.depth);
      return { place: expansion.place, text, quoteReported: false };
    }
    for (;;) {
      const raw = this.includes.nextLine();
      if (raw === undefined) return undefined;
      if (raw.length === 0) {
        this.finishCollecting();
        continue;
      }
      const d = decomment(MappedText.source(raw));
      const place = this.includes.place;
      this.at = place;
      if (d.openQuoteAt >= 0) this.report('error', MISSING_QUOTE, d.openQuoteAt + 1);
      if (d.text.length === 0) continue;
      return { place, text: d.text, quoteReported: d.openQuoteAt >= 0 };
    }
  }

  private startExpansion(lines: string[], col: number, depth: number): void {
    // A multi-line definition whose collection ended after its first line has
    // nothing more to read (2.2.7 reads past the end of its buffer here).
    if (lines.length === 0) return;
    const outer = this.expansions[this.expansions.length - 1];
    if (outer) outer.savedSeqDepth = this.multilineSeqDepth;
    this.expansions.push({ lines, next: 0, place: this.at, col, depth, savedSeqDepth: 0 });
    this.multilineSeqDepth = this.sequences.length;
  }

  /** Appends one line to the multi-line definition being collected. */
  private collect(s: string): void {
    const def = this.collecting!;
    let more = false;
    if (s.endsWith('\\')) {
      let len = s.length - 1;
      while (len > 0 && isBlank(s.charCodeAt(len - 1))) len--;
      s = s.slice(0, len) + '\n';
      more = true;
    }
    if (s.length >= 2 || (s.length > 0 && !more)) def.value += s;
    if (!more) this.finishCollecting();
  }

  private finishCollecting(): void {
    if (this.collecting && this.collecting.value === '') this.collecting.multiline = false;
    this.collecting = undefined;
  }

  /** Conditionals, definitions, sequences and substitution; undefined when nothing is left. */
  private process(input: Text): Text | undefined {
    this.at = input.place;
    let text = input.text;
    let quoteReported = input.quoteReported;
    for (;;) {
      const s = text.text;
      if (s[0] === '@') {
        const cond = evaluateConditional(s, this.options.configId);
        if (!cond.keep) return undefined;
        text = text.slice(cond.rest);
      }
      if (text.text[0] === '$') {
        const def = parseDefinition(text.text);
        if (def) {
          const d = this.defs.set(def.name, def.value, def.multiline);
          if (def.multiline) this.collecting = d;
          return undefined;
        }
      }
      if (text.text.startsWith('~SEQ') || text.text.startsWith('~LST')) {
        this.startSequence(text, quoteReported);
        return undefined;
      }
      if (text.text[0] === '~' || !text.text.includes('$')) break;
      const result = substitute(text, this.substitution);
      if (result.failed) return undefined;
      if (!result.changed) break;
      const d = decomment(result.text);
      if (d.openQuoteAt >= 0 && !quoteReported) {
        this.report('error', MISSING_QUOTE, result.text.colAt(d.openQuoteAt));
        quoteReported = true;
      }
      text = d.text;
      if (text.text[0] !== '@' && !text.text.includes('$')) break;
    }
    if (!text.length) return undefined;
    return text === input.text ? input : { place: input.place, text, quoteReported };
  }

  private startSequence(text: MappedText, quoteReported: boolean): void {
    const keyword = text.text.startsWith('~SEQx') ? '~SEQx' : text.text.slice(0, 4);
    const parsed =
      keyword === '~LST'
        ? parseLst(text)
        : parseSeq(text, (params) => {
            const r = substitute(params, { ...this.substitution, startExpansion: undefined });
            return r.failed ? undefined : r.text.text;
          });
    if (!parsed.ok) {
      if (parsed.message !== undefined) {
        this.report('error', parsed.message, text.colAt(Math.max(0, Math.min(parsed.offset, text.length - 1))), keyword);
      }
      return;
    }
    this.sequences.push({ sequence: parsed.sequence, place: this.at, quoteReported });
  }

  /** Cuts at the first brace (the rest is read next) and splits into words. */
  private toLine(input: Text): Line | undefined {
    const cut = cutAtBrace(input.text);
    if (cut.residue) this.residue = { place: input.place, text: cut.residue, quoteReported: input.quoteReported };
    const text = cut.line;
    this.wordText = text;
    this.wordPlace = input.place;
    this.wordCount = 0;
    const unmatched = splitWords(text.text, this.onWord);
    if (unmatched >= 0 && !input.quoteReported) {
      this.at = input.place;
      this.report('error', MISSING_QUOTE, text.colAt(unmatched));
    }
    if (this.wordCount === 0) return undefined;
    // slice() copies the words into an array of exactly their number.
    const words = this.words.slice(0, this.wordCount);
    // The line is located where its first word is (the text hardly ever starts with a blank).
    const cols = text.verbatim && text.colAt(0) === text.colAt(this.firstOffset) ? undefined : this.colsOf(text);
    return new LexLine(words, text.text, cols);
  }

  /** Line.cols for `text`; one shared array per column for single-stretch texts (see types.ts). */
  private colsOf(text: MappedText): readonly number[] {
    const key = text.flatColsKey;
    if (key < 0) return text.flatCols();
    let shared = this.sharedCols.get(key);
    if (!shared) this.sharedCols.set(key, (shared = Object.freeze(text.flatCols())));
    return shared;
  }
}
