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
    const first = this.find(start);
    const kind = this.markKind(first);
    const col0 = kind & 1 ? this.markCol(first) + (start - this.markAt(first)) : this.markCol(first);
    let more: number[] | null = null;
    const src = this.more;
    if (src) {
      for (let i = first + 3; i < src.length && src[i]! < end; i += 3) (more ??= []).push(src[i]! - start, src[i + 1]!, src[i + 2]!);
    }
    return new MappedText(this.text.slice(start, end), col0, kind, more);
  }

  concat(other: MappedText): MappedText {
    if (other.text.length === 0) return this;
    if (this.text.length === 0) return other;
    const shift = this.text.length;
    const more: number[] = this.more ? this.more.slice() : [];
    let lastAt = this.markAt(more.length - 3);
    let lastCol = this.markCol(more.length - 3);
    let lastKind = this.markKind(more.length - 3);
    const add = (at: number, col: number, kind: number) => {
      // A stretch that simply continues the previous one is merged into it.
      const continues = kind === lastKind && (kind & 1 ? lastCol + (at - lastAt) === col : lastCol === col);
      if (continues) return;
      more.push(at, col, kind);
      lastAt = at;
      lastCol = col;
      lastKind = kind;
    };
    add(shift, other.col0, other.kind0);
    if (other.more) for (let i = 0; i < other.more.length; i += 3) add(other.more[i]! + shift, other.more[i + 1]!, other.more[i + 2]!);
    return new MappedText(this.text + other.text, this.col0, this.kind0, more.length ? more : null);
  }

  /** The text with [start, end) replaced by `insert`. */
  replace(start: number, end: number, insert: MappedText): MappedText {
    return this.slice(0, start).concat(insert).concat(this.slice(end));
  }

  /** Without trailing spaces and tabs (keepalived trims with isblank()). */
  trimEndBlanks(): MappedText {
    let end = this.text.length;
    while (end > 0 && isBlank(this.text.charCodeAt(end - 1))) end--;
    return this.slice(0, end);
  }

  /** The marks flattened to [offset, col, literal ? 1 : 0] triples (Line.cols). */
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
