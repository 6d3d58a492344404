/**
 * Text that remembers which source column each character came from.
 *
 * keepalived's parser rewrites a line many times before it splits it into
 * words: it strips leading blanks and comments, removes the backslash of `\#`,
 * drops an `@id ` prefix, pastes definition values over `$NAME`, and cuts the
 * line at braces. A word's column must still point at the source, so every
 * rewrite here works on a MappedText: a string plus a short list of marks.
 *
 * A mark says "from offset `at` on, characters come from column `col`".
 * A literal mark advances one column per character (text copied from the
 * source line); a synthetic mark pins every character to one column (a pasted
 * definition value is located at the `$` of the reference that produced it).
 * `depth` counts how many substitutions produced the text, so recursive
 * definitions can be stopped.
 *
 * Nearly every line has a single mark, so the first mark lives in the object
 * itself and only further marks take an array (flat [at, col, kind] triples,
 * kind = depth * 2 + literal): the lexer makes a few of these per line of a
 * configuration that may have hundreds of thousands of lines.
 */

export interface Mark {
  /** Offset in the text where this stretch starts. */
  readonly at: number;
  /** Source column (1-based) of the character at `at`. */
  readonly col: number;
  /** True: the column advances with the offset. False: every character is at `col`. */
  readonly literal: boolean;
  /** Number of definition substitutions that produced this stretch. */
  readonly depth: number;
}

const kindOf = (literal: boolean, depth: number) => depth * 2 + (literal ? 1 : 0);

export class MappedText {
  private constructor(
    readonly text: string,
    /** Column and kind of the first mark (at offset 0); ignored for an empty text. */
    private readonly col0: number,
    private readonly kind0: number,
    /** Further marks as [at, col, kind] triples, or null. */
    private readonly more: readonly number[] | null,
  ) {}

  /** Text copied verbatim from a source line, its first character at `col`. */
  static source(text: string, col = 1): MappedText {
    return new MappedText(text, col, 1, null);
  }

  /** Text that did not come from the source verbatim: every character is at `col`. */
  static synthetic(text: string, col: number, depth: number): MappedText {
    return new MappedText(text, col, kindOf(false, depth), null);
  }

  static readonly empty = new MappedText('', 0, 1, null);

  /** For MarkWriter. */
  static fromMarks(text: string, col0: number, kind0: number, more: readonly number[] | null): MappedText {
    return new MappedText(text, col0, kind0, more);
  }

  get length(): number {
    return this.text.length;
  }

  /** The marks, first to last. */
  get marks(): Mark[] {
    if (this.text.length === 0) return [];
    const out: Mark[] = [{ at: 0, col: this.col0, literal: (this.kind0 & 1) === 1, depth: this.kind0 >> 1 }];
    const more = this.more;
    if (more) for (let i = 0; i < more.length; i += 3) out.push({ at: more[i]!, col: more[i + 1]!, literal: (more[i + 2]! & 1) === 1, depth: more[i + 2]! >> 1 });
    return out;
  }

  /** Index into `more` of the mark covering `offset`, or -3 for the first mark. */
  private find(offset: number): number {
    const more = this.more;
    if (!more) return -3;
    let found = -3;
    for (let i = 0; i < more.length && more[i]! <= offset; i += 3) found = i;
    return found;
  }

  private markAt(i: number): number {
    return i < 0 ? 0 : this.more![i]!;
  }
  private markCol(i: number): number {
    return i < 0 ? this.col0 : this.more![i + 1]!;
  }
  private markKind(i: number): number {
    return i < 0 ? this.kind0 : this.more![i + 2]!;
  }

  /** Source column of the character at `offset` (0 for an empty text). */
  colAt(offset: number): number {
    if (this.text.length === 0) return 0;
    const i = this.find(offset);
    const col = this.markCol(i);
    return this.markKind(i) & 1 ? col + (offset - this.markAt(i)) : col;
  }

  depthAt(offset: number): number {
    return this.text.length === 0 ? 0 : this.markKind(this.find(offset)) >> 1;
  }

  /** True when the text is one verbatim stretch of source starting at `colAt(0)`. */
  get verbatim(): boolean {
    return this.more === null && this.kind0 === 1;
  }

  slice(start: number, end = this.text.length): MappedText {
    if (start <= 0 && end >= this.text.length) return this;
    if (end <= start) return MappedText.empty;
    if (this.more) {
      const w = writer.start();
      this.writeTo(w, start, end);
      return w.finish(this.text.slice(start, end));
    }
    const col0 = this.kind0 & 1 ? this.col0 + start : this.col0;
    return new MappedText(this.text.slice(start, end), col0, this.kind0, null);
  }

  concat(other: MappedText): MappedText {
    if (other.text.length === 0) return this;
    if (this.text.length === 0) return other;
    const w = writer.start();
    this.writeTo(w, 0, this.text.length);
    other.writeTo(w, 0, other.text.length);
    return w.finish(this.text + other.text);
  }

  /**
   * The text with [start, end) replaced by `insert`: what
   * `slice(0, start).concat(insert).concat(slice(end))` gives, built in one
   * pass. It runs for every definition reference (80,000 times in the
   * benchmark), and the two slices and two concatenations made ten objects.
   */
  replace(start: number, end: number, insert: MappedText): MappedText {
    if (this.text.length === 0 && insert.text.length === 0) return this; // as the slices and concatenations give
    const w = writer.start();
    this.writeTo(w, 0, start);
    insert.writeTo(w, 0, insert.text.length);
    this.writeTo(w, end, this.text.length);
    return w.finish(this.text.slice(0, start) + insert.text + this.text.slice(end));
  }

  /** Appends the marks of `slice(start, end)` to `w`. */
  private writeTo(w: MarkWriter, start: number, end: number): void {
    if (start < 0) start = 0;
    if (end > this.text.length) end = this.text.length;
    if (end <= start) return;
    const first = this.find(start);
    const kind = this.markKind(first);
    w.add(kind & 1 ? this.markCol(first) + (start - this.markAt(first)) : this.markCol(first), kind);
    const more = this.more;
    if (more) for (let i = first + 3; i < more.length && more[i]! < end; i += 3) w.add(more[i + 1]!, more[i + 2]!, more[i]! - start);
    w.length += end - start;
  }

  /** Without trailing spaces and tabs (keepalived trims with isblank()). */
  trimEndBlanks(): MappedText {
    let end = this.text.length;
    while (end > 0 && isBlank(this.text.charCodeAt(end - 1))) end--;
    return this.slice(0, end);
  }

  /** The marks flattened to [offset, col, literal ? 1 : 0] triples (Line.cols). */
  /**
   * For a non-empty text that is one stretch, a number that identifies its
   * flatCols() (column × 2 + literal), so callers can share one array per
   * value; -1 for other texts.
   */
  get flatColsKey(): number {
    return this.more === null && this.text.length > 0 ? this.col0 * 2 + (this.kind0 & 1) : -1;
  }

  flatCols(): number[] {
    // Built at its exact length: every lexed line that is not a verbatim copy
    // of its source keeps this array (half the lines of the benchmark).
    if (this.text.length === 0) return [];
    const more = this.more;
    const out = new Array<number>(3 + (more ? more.length : 0));
    out[0] = 0;
    out[1] = this.col0;
    out[2] = this.kind0 & 1;
    if (more) for (let i = 0; i < more.length; i += 3) (out[i + 3] = more[i]!), (out[i + 4] = more[i + 1]!), (out[i + 5] = more[i + 2]! & 1);
    return out;
  }
}

/** Column of `offset` in a text described by flattened triples (see MappedText.flatCols). */
export function colFromFlat(cols: readonly number[], offset: number): number {
  let col = 0;
  for (let i = 0; i + 2 < cols.length && cols[i]! <= offset; i += 3) {
    col = cols[i + 2] ? cols[i + 1]! + (offset - cols[i]!) : cols[i + 1]!;
  }
  return col;
}

/** C isblank(): space or tab. */
export function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** C isspace() in the C locale, which keepalived's WHITE_SPACE_STR also lists. */
export function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Collects the marks of a text assembled from pieces (concat, replace). A
 * stretch that simply continues the previous one is merged into it. One
 * writer is reused: the lexer is synchronous and never nests these calls.
 */
class MarkWriter {
  /** Length of the text written so far. */
  length = 0;
  private col0 = 0;
  private kind0 = 1;
  private readonly more: number[] = [];
  private count = 0;
  private lastAt = 0;
  private lastCol = 0;
  private lastKind = 0;

  start(): this {
    this.length = 0;
    this.count = 0;
    return this;
  }

  /** A mark at `offset` past the start of the piece being written. */
  add(col: number, kind: number, offset = 0): void {
    const at = this.length + offset;
    if (at === 0) {
      this.col0 = col;
      this.kind0 = kind;
    } else {
      const continues = kind === this.lastKind && (kind & 1 ? this.lastCol + (at - this.lastAt) === col : this.lastCol === col);
      if (continues) return;
      this.more[this.count++] = at;
      this.more[this.count++] = col;
      this.more[this.count++] = kind;
    }
    this.lastAt = at;
    this.lastCol = col;
    this.lastKind = kind;
  }

  finish(text: string): MappedText {
    if (text.length === 0) return MappedText.empty;
    return MappedText.fromMarks(text, this.col0, this.kind0, this.count ? this.more.slice(0, this.count) : null);
  }
}

const writer = new MarkWriter();
