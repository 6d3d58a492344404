/**
 * Lines of words → a tree of statements.
 *
 * keepalived re-reads whatever follows a brace as a new line ("line residue"
 * in lib/parser.c read_line), so braces may sit anywhere:
 *   virtual_ipaddress { 10.0.0.1/24 }     vrrp_instance VI_1
 *                                         {
 * A statement is the words of one line up to a brace. An opening brace that
 * starts the next line still belongs to the statement before it.
 * Only unquoted "{" and "}" words are braces.
 *
 * The builder takes one line at a time and hands out each top-level
 * statement as soon as nothing can change it any more, so the compiler can
 * apply it and let it go (../compile.ts): a statement with its block is final
 * at its closing brace; one without a block only when the next statement
 * starts, since a "{" on the next line may still open it.
 */
import type { Diagnostics, SourceLocation } from './diagnostics.js';
import type { Line, Word } from './lexer/types.js';

export interface Stmt {
  /** The first word: the keyword (or, inside list blocks, the first item). */
  readonly keyword: Word;
  /** The words after the keyword. */
  readonly args: readonly Word[];
  /** Present when a `{ ... }` block follows the statement. */
  readonly block?: readonly Stmt[];
  readonly loc: SourceLocation;
  /** The line the statement was read from (script keywords re-split its text). */
  readonly line?: Line;
}

/**
 * The statements the builder makes. Its location is its keyword's, built on
 * demand: most statements are applied without ever being located, and a
 * SourceLocation per statement was 48 bytes times 200,000 in the benchmark.
 */
class TreeStmt implements Stmt {
  constructor(
    readonly keyword: Word,
    readonly args: readonly Word[],
    readonly block: readonly Stmt[] | undefined,
    readonly line: Line | undefined,
  ) {}

  get loc(): SourceLocation {
    return this.keyword.loc;
  }
}

const isOpen = (w: Word) => !w.quoted && w.text === '{';
const isClose = (w: Word) => !w.quoted && w.text === '}';

/** An open block: its statements so far, and the statement that opened it. */
interface Frame {
  readonly stmts: Stmt[];
  /** The opening statement's keyword; undefined for the root and for a stray "{". */
  readonly keyword: Word | undefined;
  readonly args: readonly Word[];
  /** Where the finished statement goes. */
  readonly parent: Stmt[];
  readonly line: Line | undefined;
}

const NO_WORDS: readonly Word[] = [];
const openFrame = (keyword: Word | undefined, args: readonly Word[], parent: Stmt[], line: Line | undefined): Frame => ({ stmts: [], keyword, args, parent, line });

export class TreeBuilder {
  private readonly root: Frame = openFrame(undefined, NO_WORDS, [], undefined);
  private readonly stack: Frame[] = [this.root];
  /**
   * The statement most recently completed on a line of its own, which a "{"
   * at the start of the next line may still open.
   */
  private pendingStmt: Stmt | undefined;
  /** The frame pendingStmt is in. */
  private pendingFrame: Frame | undefined;

  constructor(private readonly diags: Diagnostics) {}

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  add(line: Line): void {
    const words = line.words;
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      if (isOpen(w)) {
        const owner = this.pendingStmt;
        const top = this.top();
        if (owner && this.pendingFrame === top && owner.block === undefined) {
          // "{" on the line after its statement: reopen that statement.
          if (owner === top.stmts[top.stmts.length - 1]) top.stmts.pop();
          this.stack.push(openFrame(owner.keyword, [...owner.args], top.stmts, owner.line));
        } else {
          this.diags.error("unexpected '{'", w.loc);
          this.stack.push(openFrame(undefined, NO_WORDS, top.stmts, undefined)); // keeps the braces balanced; its contents are dropped
        }
        this.pendingStmt = this.pendingFrame = undefined;
        i++;
        continue;
      }
      if (isClose(w)) {
        this.pendingStmt = this.pendingFrame = undefined;
        if (this.stack.length === 1) this.diags.error("unexpected '}'", w.loc);
        else closeFrame(this.stack.pop()!);
        i++;
        continue;
      }
      // A statement: words up to the next brace on this line.
      let j = i + 1;
      while (j < words.length && !isOpen(words[j]!) && !isClose(words[j]!)) j++;
      const args = words.slice(i + 1, j);
      // The lexer cuts lines at braces, so a statement starting a line is that whole line.
      const source = i === 0 ? line : undefined;
      if (j < words.length && isOpen(words[j]!)) {
        this.stack.push(openFrame(w, args, this.top().stmts, source));
        this.pendingStmt = this.pendingFrame = undefined;
        i = j + 1;
      } else {
        const stmt = new TreeStmt(w, args, undefined, source);
        const top = this.top();
        top.stmts.push(stmt);
        this.pendingStmt = stmt;
        this.pendingFrame = top;
        i = j;
      }
    }
  }

  /**
   * Takes the top-level statements that are final (see the module comment),
   * in order; the caller owns them from then on.
   */
  takeFinished(): Stmt[] | undefined {
    const stmts = this.root.stmts;
    let n = stmts.length;
    if (n > 0 && this.stack.length === 1 && stmts[n - 1]!.block === undefined) n--;
    return n === 0 ? undefined : stmts.splice(0, n);
  }

  /** Closes what is still open (each is an error) and returns the remaining top-level statements. */
  end(): Stmt[] {
    while (this.stack.length > 1) {
      const frame = this.stack.pop()!;
      this.diags.error("missing '}' at end of configuration", frame.keyword?.loc);
      closeFrame(frame);
    }
    this.pendingStmt = this.pendingFrame = undefined;
    return this.root.stmts.splice(0);
  }
}

function closeFrame(frame: Frame): void {
  if (!frame.keyword) return; // a stray "{" block: already reported
  frame.parent.push(new TreeStmt(frame.keyword, frame.args, frame.stmts, frame.line));
}

/** The whole tree of `lines` at once. */
export function buildTree(lines: readonly Line[], diags: Diagnostics): Stmt[] {
  const builder = new TreeBuilder(diags);
  for (const line of lines) builder.add(line);
  return builder.end();
}
