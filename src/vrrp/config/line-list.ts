/**
 * List blocks whose lines are small command languages (virtual_ipaddress,
 * virtual_routes, track_script, unicast_peer, …).
 *
 * The schema's `list` combinator parses each line with a pure ValueType. The
 * VRRP lines sometimes need more: keepalived warns about deprecated words
 * (`gw`, `or`), and a rule without a preference is given one from a counter
 * that runs across the whole configuration. A LineType therefore gets a small
 * context for warnings and compile-wide state; everything else is the same as
 * `list`: one diagnostic per bad line, the good lines kept in order, and the
 * printer writes the block back one canonical line per item.
 */
import { ConfigValueError, type Diagnostics, type SourceLocation } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { lineWords, type Info, keywordsFor } from '../../config/schema/define.js';
import { guarded, sameValue } from '../../config/schema/engine.js';
import type { CompileContext, Keyword } from '../../config/schema/types.js';
import type { Stmt } from '../../config/tree.js';

export interface LineContext {
  readonly compile: CompileContext;
  /** The list keyword the line belongs to (for diagnostics). */
  readonly keyword: string;
  warn(message: string, loc: SourceLocation): void;
}

export interface LineType<T> {
  /** One line's syntax, for the reference docs. */
  readonly syntax: string;
  /** Parses one line (all its words); throws ConfigValueError on bad input. */
  parse(words: readonly Word[], lc: LineContext): T;
  /** Canonical words for one item; parse(format(v)) gives back v. */
  format(value: T): string[];
}

export function lineContext(ctx: CompileContext, keyword: string): LineContext {
  return {
    compile: ctx,
    keyword,
    warn: (message, loc) => ctx.diags.warning(message, loc, keyword),
  };
}

/**
 * State that lives for one compilation (one Diagnostics object), such as
 * keepalived's running counter of automatic rule preferences.
 */
export function perCompile<S>(make: () => S): (ctx: CompileContext) => S {
  const states = new WeakMap<Diagnostics, S>();
  return (ctx) => {
    let s = states.get(ctx.diags);
    if (!s) states.set(ctx.diags, (s = make()));
    return s;
  };
}

function blockOf(stmt: Stmt, name: string): readonly Stmt[] {
  if (stmt.args.length > 0) throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
  if (!stmt.block) throw new ConfigValueError(`'${name}' needs a { } block`, stmt.loc);
  return stmt.block;
}

/**
 * `name { LINE … }` appending to the array `get(model)` returns; repeated
 * blocks add to the same list, as in keepalived.
 */
export function lineList<M, T>(
  name: string,
  type: LineType<T>,
  access: { get(model: M): T[]; set(model: M, items: T[]): void },
  info: Info & {
    /** Items with the same key are duplicates: the later one is an error. */
    unique?: { key(item: T): string; message(item: T): string };
  },
): Keyword<M> {
  const k = keywordsFor<M>();
  return k.custom(
    name,
    { ...info, syntax: info.syntax ?? `{ ${type.syntax} … }`, repeatable: true },
    (model, stmt, ctx) => {
      const lines = blockOf(stmt, name);
      const items = access.get(model);
      const lc = lineContext(ctx, name);
      for (const line of lines) {
        guarded(ctx, name, line.loc, () => {
          if (line.block) throw new ConfigValueError(`unexpected { } block inside '${name}'`, line.loc);
          const item = type.parse(lineWords(line), lc);
          if (info.unique) {
            const key = info.unique.key(item);
            if (items.some((other) => info.unique!.key(other) === key)) throw new ConfigValueError(info.unique.message(item), line.loc);
          }
          items.push(item);
          if (typeof item === 'object' && item !== null) ctx.locations.set(item as object, line.loc);
        });
      }
      access.set(model, items);
    },
    (model, defaults) => {
      const items = access.get(model);
      if (items.length === 0 || sameValue(items, access.get(defaults))) return [];
      return [{ words: [name], block: items.map((v) => ({ words: type.format(v) })) }];
    },
  );
}

/**
 * `name { WORD WORD … }`: every word of every line (keepalived read_value_block),
 * e.g. a sync group's `group { VI_1 VI_2 }`. A second block for the same list
 * is an error, as in keepalived.
 */
export function wordBlock<M>(
  name: string,
  access: { get(model: M): string[] | undefined; set(model: M, words: string[]): void },
  info: Info & { duplicateMessage: (model: M) => string },
): Keyword<M> {
  const k = keywordsFor<M>();
  return k.custom(
    name,
    { ...info, syntax: info.syntax ?? '{ NAME … }' },
    (model, stmt, ctx) => {
      const lines = blockOf(stmt, name);
      if (access.get(model) !== undefined) throw new ConfigValueError(info.duplicateMessage(model), stmt.loc);
      const words: string[] = [];
      for (const line of lines) {
        if (line.block) {
          ctx.diags.error(`unexpected { } block inside '${name}'`, line.loc, name);
          continue;
        }
        for (const w of lineWords(line)) words.push(w.text);
      }
      access.set(model, words);
      ctx.locations.set(model as object, stmt.loc, name);
    },
    (model) => {
      const words = access.get(model);
      return words === undefined ? [] : [{ words: [name], block: words.map((w) => ({ words: [w] })) }];
    },
  );
}

/**
 * A keyword that `-d` always writes, even at keepalived's built-in default:
 * for values resolved from global_defs, where leaving one out would make the
 * printed text inherit whatever global_defs says instead.
 */
export function alwaysPrinted<M>(kw: Keyword<M>): Keyword<M> {
  return { ...kw, print: (model) => kw.print(model, {} as M) };
}

/** Whether a keyword set `field` of `obj` in this compilation (the tables record a location for each). */
export function isSet(ctx: CompileContext, obj: object, field: string): boolean {
  return ctx.locations.get(obj, field) !== undefined;
}

/** A keyword `-d` writes exactly when `when(model)` says so (for values derived from each other). */
export function printedWhen<M>(kw: Keyword<M>, when: (model: M) => boolean): Keyword<M> {
  return { ...kw, print: (model) => (when(model) ? kw.print(model, {} as M) : []) };
}

/**
 * keepalived reports some deprecated spellings as configuration errors (so
 * `-t` fails), not just as log lines; the engine only notes deprecated
 * aliases, so those keywords add keepalived's warning themselves.
 */
export function warnWhenSpelled<M extends { name?: string }>(kw: Keyword<M>, alias: string, message: (model: M) => string): Keyword<M> {
  return {
    ...kw,
    apply(model, stmt, ctx) {
      if (stmt.keyword.text === alias) ctx.diags.warning(message(model), stmt.keyword.loc, alias);
      kw.apply(model, stmt, ctx);
    },
  };
}
