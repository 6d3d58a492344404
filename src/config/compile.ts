/**
 * Lines → statement tree → typed Config, with every problem collected as a
 * diagnostic. Pure: no file system, no interfaces, no users; checks against the
 * running system (do interfaces exist, are scripts safe) come after, elsewhere.
 *
 * Streaming. The lines are pulled one at a time, and each top-level
 * statement (a whole virtual_server or vrrp_instance block) is applied as soon
 * as the tree builder knows it is complete, then dropped. So only one block's
 * lines, words and statements are alive at any time, instead of the whole
 * file's: for the 2,000 × 20 benchmark that is about 200 kB instead of 180 MB,
 * and those short-lived objects are nearly free for the garbage collector,
 * whereas everything that survives is copied twice and marked again (it was
 * over half of the time). The result is what compiling the whole tree at once
 * gives, diagnostics included: the lexer's come first, then the tree
 * builder's, then the keyword tables', each in the order they were found, as
 * when each stage ran over the whole file before the next.
 *
 * Locations. The table of where each model object and field came from (kept
 * beside the model, which stays plain JSON) is a single Map from object to a
 * short chain of entries, one per located field, each holding file, line and
 * column itself. The first version's Map per object plus a SourceLocation per
 * entry took 27.5 MB for the benchmark; this takes 17 MB.
 */
import { Diagnostics } from './diagnostics.js';
import type { SourceLocation } from './diagnostics.js';
import type { Line } from './lexer/types.js';
import type { Config } from './model.js';
import { renderStatements } from './printer.js';
import { rootBlock } from './root.js';
import { applyStatements, finishBlock, printBlock } from './schema/engine.js';
import type { CompileContext, Locations } from './schema/types.js';
import { TreeBuilder } from './tree.js';

export interface CompileOutput {
  readonly config: Config;
  readonly diagnostics: Diagnostics;
  readonly locations: Locations;
}

/**
 * One located field of an object; `next` is the object's next entry. The
 * location is held as its three parts, so an entry is one object, not two.
 */
interface LocationEntry {
  readonly field: string;
  file: string;
  line: number;
  col: number;
  next: LocationEntry | undefined;
}

export function createLocations(): Locations {
  // A Map, not a WeakMap: the table lives exactly as long as the model it
  // describes, and with ~100,000 objects an ephemeron table made the compile
  // measurably slower (about 5%: its insertions, and the collector's extra
  // pass over young keys).
  const first = new Map<object, LocationEntry>();
  // The object located last: a block's fields are located one after another
  // right after the block itself, so this saves most WeakMap lookups.
  let lastObj: object | undefined;
  let lastHead: LocationEntry | undefined;
  return {
    set(obj, loc, field = '') {
      const head = obj === lastObj ? lastHead : first.get(obj);
      if (!head) {
        const entry: LocationEntry = { field, file: loc.file, line: loc.line, col: loc.col, next: undefined };
        first.set(obj, entry);
        lastObj = obj;
        lastHead = entry;
        return;
      }
      lastObj = obj;
      lastHead = head;
      for (let e: LocationEntry | undefined = head; e; e = e.next) {
        if (e.field === field) {
          e.file = loc.file;
          e.line = loc.line;
          e.col = loc.col;
          return;
        }
      }
      // Linked in after the head, so the WeakMap is written once per object.
      head.next = { field, file: loc.file, line: loc.line, col: loc.col, next: head.next };
    },
    get(obj, field = '') {
      for (let e = obj === lastObj ? lastHead : first.get(obj); e; e = e.next) {
        if (e.field === field) return { file: e.file, line: e.line, col: e.col };
      }
      return undefined;
    },
  };
}

/** Compiles lines that were lexed already (or built by hand). */
export function compileLines(lines: readonly Line[], diagnostics = new Diagnostics()): CompileOutput {
  let i = 0;
  return compileStream(() => lines[i++], diagnostics);
}

/**
 * Compiles the lines `next` gives until it returns undefined. `producer`
 * holds the diagnostics of whatever makes the lines (the lexer), which are
 * reported before the compiler's; see the module comment.
 */
export function compileStream(next: () => Line | undefined, diagnostics = new Diagnostics(), producer?: Diagnostics): CompileOutput {
  const before = diagnostics.items.length;
  const treeDiags = new Diagnostics();
  const locations = createLocations();
  const ctx: CompileContext = { diags: diagnostics, locations };
  const tree = new TreeBuilder(treeDiags);
  const config = rootBlock.create();
  let start: SourceLocation | undefined;
  for (let line = next(); line; line = next()) {
    start ??= line.loc;
    tree.add(line);
    const finished = tree.takeFinished();
    if (finished) applyStatements(rootBlock, config, finished, ctx);
  }
  applyStatements(rootBlock, config, tree.end(), ctx);
  finishBlock(rootBlock, config, ctx, start ?? { file: '', line: 0, col: 0 });

  const items = diagnostics.items;
  const compiled = items.splice(before);
  for (const d of producer?.items ?? []) items.push(d);
  for (const d of treeDiags.items) items.push(d);
  for (const d of compiled) items.push(d);
  return { config, diagnostics, locations };
}

/** The model as canonical keepalived.conf text (`-d`). */
export function printConfig(config: Config): string {
  return renderStatements(printBlock(rootBlock, config));
}
