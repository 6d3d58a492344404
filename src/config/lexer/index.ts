/**
 * The keepalived.conf lexer: files in, lines of words out, with every
 * text-level feature of keepalived 2.2.7's parser (lib/parser.c) applied —
 * includes, `@id` conditionals, `$NAME` definitions, `~SEQ`/`~LST`,
 * comments, quoting, braces — and every problem collected in Diagnostics
 * (nothing is thrown; whatever could be read is returned).
 *
 *   includes.ts     include stack, include checks, include_check values
 *   glob.ts         brace expansion and glob matching (Node 20 has no fs.glob)
 *   words.ts        comments, brace cuts, keyword words, shell words
 *   conditionals.ts @id / @^id
 *   definitions.ts  $NAME=…, references, predefined names
 *   sequences.ts    ~SEQ, ~SEQx, ~LST
 *   reader.ts       keepalived's read_line() order tying them together
 *
 * Output shape: one Line per line keepalived's read_line() returns. Since
 * keepalived cuts a line before every brace, a `{` or `}` is always a line of
 * its own ("a { b }" gives the lines `a`, `{`, `b`, `}`), which the tree
 * builder handles like braces among words.
 *
 * Locations (file:line:col, col 1-based): a word's column is where its first
 * character (its opening quote, if quoted) is in the source line. Text pasted
 * in by a definition is located at the `$` of the reference in the source
 * line; every line of a multi-line definition is located there too. Lines
 * produced by ~SEQ/~LST are located on the ~SEQ line, their words at their
 * columns in it.
 *
 * Two global_defs keywords act on the lexer itself as soon as they are read,
 * as in keepalived: `include_check` (for the includes that follow) and
 * `random_seed` (reseeds ${_RANDOM} from there on; keepalived 2.2.7 parses it
 * but reseeds before reading, so there it never takes effect). Their values
 * are validated here; the compiler should accept both keywords without
 * reporting again.
 */
import type { Diagnostics } from '../diagnostics.js';
import { nodeLexFs } from './files.js';
import { applyIncludeCheck, type CheckProblem, INCLUDE_ALL } from './includes.js';
import { colFromFlat } from './mapped-text.js';
import { LineReader } from './reader.js';
import type { LexOptions, LexResult, Line, Word } from './types.js';
import { shellSplit } from './words.js';

export type { LexOptions, LexResult, Line, Word } from './types.js';
export { shellSplit } from './words.js';

/**
 * The lexer as a stream: next() gives one line at a time, so the compiler can
 * build and apply each top-level block while the rest of the file is still
 * unread, and no more than one block's lines and words are alive at once
 * (see ../compile.ts). lex() below collects the whole stream.
 */
export class LexStream {
  private readonly reader: LineReader;
  /** Keywords of the open blocks, to spot the lexer's own global_defs keywords. */
  private readonly blocks: string[] = [];
  private previous: string | undefined;

  constructor(
    rootFile: string,
    options: LexOptions,
    private readonly diags: Diagnostics,
  ) {
    this.reader = new LineReader(rootFile, nodeLexFs(options.readFile), diags, {
      configId: options.configId,
      env: options.env ?? process.env,
      // keepalived seeds with time(NULL) unless random_seed is given.
      randomSeed: options.randomSeed ?? Math.floor(Date.now() / 1000) >>> 0,
      includeCheck: options.allConfig ? INCLUDE_ALL : 0,
    });
  }

  /** The next line, or undefined at the end of the configuration. */
  next(): Line | undefined {
    const line = this.reader.next();
    if (!line) return undefined;
    const first = line.words[0]!;
    if (!first.quoted && first.text === '{') {
      this.blocks.push(this.previous ?? '');
      this.previous = undefined;
    } else if (!first.quoted && first.text === '}') {
      this.blocks.pop();
      this.previous = undefined;
    } else {
      this.previous = first.text;
      if (this.blocks.length === 1 && this.blocks[0] === 'global_defs') applyLexerKeyword(line, this.reader, this.diags);
    }
    return line;
  }

  /** Every file that was read so far, the root first. */
  get files(): string[] {
    return this.reader.includes.files;
  }

  get fileError(): boolean {
    return this.reader.includes.fileError;
  }
}

/** Reads `rootFile` (a glob, like keepalived's -f) and everything it includes. */
export function lex(rootFile: string, options: LexOptions, diags: Diagnostics): LexResult {
  const stream = new LexStream(rootFile, options, diags);
  const lines: Line[] = [];
  for (let line = stream.next(); line; line = stream.next()) lines.push(line);
  return { lines, files: stream.files, fileError: stream.fileError };
}

function applyLexerKeyword(line: Line, reader: LineReader, diags: Diagnostics): void {
  const [keyword, ...args] = line.words;
  if (keyword!.text === 'include_check') {
    const problems: CheckProblem[] = [];
    reader.includes.includeCheck = applyIncludeCheck(
      args.map((w) => w.text),
      reader.includes.includeCheck,
      problems,
    );
    for (const p of problems) diags.add(p.severity, p.message, line.words[p.word]!.loc, 'include_check');
  } else if (keyword!.text === 'random_seed') {
    const value = args[0];
    if (!value) {
      diags.error('missing value (an unsigned 32-bit number)', keyword!.loc, 'random_seed');
    } else if (!/^\d+$/.test(value.text) || Number(value.text) > 0xffffffff) {
      diags.error(`'${value.text}' is not an unsigned 32-bit number`, value.loc, 'random_seed');
    } else {
      reader.rng.seed(Number(value.text));
    }
  }
}

/**
 * The line's words as keepalived's script keywords see them: the whole line
 * re-split with shell quoting and escapes (alloc_strvec_quoted_escaped). For
 * `notify_master "/x.sh 'a b'" user` that is notify_master, `/x.sh 'a b'`,
 * user; keepalived then splits word 1 once more (shellSplit) for the argv.
 * Returns undefined, with an error reported, when a quote is left open or the
 * line ends in a lone backslash. A hand-built Line without `text` gives its
 * words unchanged.
 */
export function shellWords(line: Line, diags: Diagnostics): Word[] | undefined {
  if (line.text === undefined) return [...line.words];
  const cols = line.cols ?? [0, line.loc.col, 1];
  const at = (offset: number) => ({ file: line.loc.file, line: line.loc.line, col: colFromFlat(cols, offset) });
  const split = shellSplit(line.text);
  if (!split.ok) {
    diags.error(`${split.message} in '${line.text}'`, at(split.offset), line.words[0]?.text);
    return undefined;
  }
  return split.words.map((w) => ({ text: w.text, quoted: w.quoted, loc: at(w.offset) }));
}
