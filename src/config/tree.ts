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

const isOpen = (w: Word) => !w.quoted && w.text === '{';
const isClose = (w: Word) => !w.quoted && w.text === '}';

interface Frame {
  readonly stmts: Stmt[];
  /** The statement that opened this frame; undefined for the root. */
  readonly owner?: { keyword: Word; args: Word[]; loc: SourceLocation; parent: Stmt[]; line?: Line };
}

export function buildTree(lines: readonly Line[], diags: Diagnostics): Stmt[] {
  const root: Frame = { stmts: [] };
  const stack: Frame[] = [root];
  // The statement most recently completed on a line of its own, which a "{"
  // at the start of the next line may still open.
  let pending: { stmt: Stmt; frame: Frame } | undefined;

  const top = () => stack[stack.length - 1]!;

  for (const line of lines) {
    let i = 0;
    const words = line.words;
    while (i < words.length) {
      const w = words[i]!;
      if (isOpen(w)) {
        if (pending && pending.frame === top() && pending.stmt.block === undefined) {
          // "{" on the line after its statement: reopen that statement.
          const owner = pending.stmt;
          const idx = owner === top().stmts[top().stmts.length - 1] ? top().stmts.length - 1 : -1;
          if (idx >= 0) top().stmts.pop();
          stack.push({ stmts: [], owner: { keyword: owner.keyword, args: [...owner.args], loc: owner.loc, parent: top().stmts, line: owner.line } });
        } else {
          diags.error("unexpected '{'", w.loc);
          stack.push({ stmts: [] }); // keep the braces balanced; its contents are dropped
        }
        pending = undefined;
        i++;
        continue;
      }
      if (isClose(w)) {
        pending = undefined;
        if (stack.length === 1) {
          diags.error("unexpected '}'", w.loc);
        } else {
          closeFrame(stack.pop()!);
        }
        i++;
        continue;
      }
      // A statement: words up to the next brace on this line.
      let j = i + 1;
      while (j < words.length && !isOpen(words[j]!) && !isClose(words[j]!)) j++;
      const keyword = w;
      const args = words.slice(i + 1, j);
      // The lexer cuts lines at braces, so a statement starting a line is that whole line.
      const source = i === 0 ? line : undefined;
      if (j < words.length && isOpen(words[j]!)) {
        stack.push({ stmts: [], owner: { keyword, args, loc: keyword.loc, parent: top().stmts, line: source } });
        pending = undefined;
        i = j + 1;
      } else {
        const stmt: Stmt = source ? { keyword, args, loc: keyword.loc, line: source } : { keyword, args, loc: keyword.loc };
        top().stmts.push(stmt);
        pending = { stmt, frame: top() };
        i = j;
      }
    }
  }
  while (stack.length > 1) {
    const frame = stack.pop()!;
    diags.error("missing '}' at end of configuration", frame.owner?.loc);
    closeFrame(frame);
  }
  return root.stmts;

  function closeFrame(frame: Frame): void {
    if (!frame.owner) return; // a stray "{" block: already reported
    const { keyword, args, loc, parent, line } = frame.owner;
    parent.push(line ? { keyword, args, block: frame.stmts, loc, line } : { keyword, args, block: frame.stmts, loc });
  }
}
