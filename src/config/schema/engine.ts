/**
 * Applies a block's statements to its model through the block's keyword table,
 * and prints a model back through the same table.
 *
 * Every problem becomes a diagnostic and compilation goes on, so one run
 * reports everything: an unknown keyword is a warning and is skipped with its
 * block (as keepalived does), a bad value is an error naming file:line:col and
 * the keyword, and the statement is dropped (keepalived would often substitute a
 * default; we don't).
 */
import { ConfigValueError, type SourceLocation } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { Stmt } from '../tree.js';
import { isSupported } from '../support.js';
import type { Alias, BlockSpec, CompileContext, Keyword, PrintStmt } from './types.js';

interface Entry<M> {
  readonly kw: Keyword<M>;
  readonly alias?: Alias;
}

const indexCache = new WeakMap<object, Map<string, Entry<unknown>>>();

function keywordIndex<M>(spec: BlockSpec<M>): Map<string, Entry<M>> {
  let index = indexCache.get(spec) as Map<string, Entry<M>> | undefined;
  if (!index) {
    index = new Map();
    for (const kw of spec.keywords) {
      for (const name of [kw.name, ...kw.aliases.map((a) => a.name)]) {
        if (index.has(name)) throw new Error(`keyword table '${spec.name}' lists '${name}' twice`);
      }
      index.set(kw.name, { kw });
      for (const alias of kw.aliases) index.set(alias.name, { kw, alias });
    }
    indexCache.set(spec, index as Map<string, Entry<unknown>>);
  }
  return index;
}

export function findKeyword<M>(spec: BlockSpec<M>, name: string): Keyword<M> | undefined {
  return keywordIndex(spec).get(name)?.kw;
}

/** Runs `fn`, turning a ConfigValueError into an error diagnostic for `keyword`. */
export function guarded(ctx: CompileContext, keyword: string, fallback: SourceLocation, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ConfigValueError)) throw e;
    ctx.diags.error(e.message, e.loc ?? fallback, keyword);
  }
}

/** Keywords already reported as not supported, per compilation (its Diagnostics). */
const reportedUnsupported = new WeakMap<object, Set<object>>();
/** The last compilation's set: every statement asks, and it is nearly always the same one. */
let lastSeen: { diags: object; seen: Set<object> } | undefined;

/**
 * `-t` lists each keyword the daemon does not act on yet, once, at its first
 * use: 40,000 real servers must not produce 40,000 identical notices. The
 * keyword's location is built only for the notice.
 */
function noteUnsupported(ctx: CompileContext, kw: Keyword<unknown>, at: Word): void {
  if (lastSeen?.diags !== ctx.diags) {
    let seen = reportedUnsupported.get(ctx.diags);
    if (!seen) reportedUnsupported.set(ctx.diags, (seen = new Set()));
    lastSeen = { diags: ctx.diags, seen };
  }
  if (lastSeen.seen.has(kw)) return;
  lastSeen.seen.add(kw);
  ctx.diags.notice('recognised, not supported yet', at.loc, kw.name);
}

/** A block's statements, then its finish(): see applyStatements and finishBlock. */
export function applyBlock<M>(spec: BlockSpec<M>, model: M, stmts: readonly Stmt[], ctx: CompileContext, loc: SourceLocation): void {
  applyStatements(spec, model, stmts, ctx);
  finishBlock(spec, model, ctx, loc);
}

/**
 * Applies statements to a block's model through its keyword table. The top
 * level is applied a few statements at a time as the file is read (see
 * ../compile.ts), so this is separate from finishBlock.
 */
export function applyStatements<M>(spec: BlockSpec<M>, model: M, stmts: readonly Stmt[], ctx: CompileContext): void {
  const index = keywordIndex(spec);
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i]!;
    const keyword = stmt.keyword;
    const entry = index.get(keyword.text);
    if (!entry) {
      ctx.diags.warning(`Unknown keyword '${keyword.text}'`, keyword.loc);
      continue;
    }
    const { kw, alias } = entry;
    // A notice, not a warning: keepalived accepts these and its -t still exits 0.
    if (alias?.deprecated) ctx.diags.notice(`'${alias.name}' is deprecated, use '${kw.name}'`, keyword.loc, alias.name);
    if (!isSupported(spec.name, kw)) noteUnsupported(ctx, kw, keyword);
    // guarded(), inlined: a closure per statement is measurable at 200,000 statements.
    try {
      kw.apply(model, stmt, ctx);
    } catch (e) {
      if (!(e instanceof ConfigValueError)) throw e;
      ctx.diags.error(e.message, e.loc ?? keyword.loc, kw.name);
    }
  }
}

/** Runs the block's finish(), if any, reporting a ConfigValueError at `loc`. */
export function finishBlock<M>(spec: BlockSpec<M>, model: M, ctx: CompileContext, loc: SourceLocation): void {
  if (spec.finish) {
    const finish = spec.finish;
    guarded(ctx, spec.name, loc, () => finish(model, ctx, loc));
  }
}

export function printBlock<M>(spec: BlockSpec<M>, model: M): PrintStmt[] {
  const defaults = spec.create();
  return spec.keywords.flatMap((kw) => kw.print(model, defaults));
}

/** Structural equality for plain JSON-like model values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
