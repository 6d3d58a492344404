/**
 * Combinators that build keyword tables. A table for model type M starts with
 * `const k = keywordsFor<M>()`, then each keyword is one line:
 *
 *   k.scalar('priority', int(1, 255), 'priority', { tag: 'CORE', doc: '…', default: '100' })
 *   k.flag('nopreempt', 'nopreempt', { tag: 'COMMON', doc: '…', noArg: true })
 *   k.list('virtual_ipaddress', vipLine, 'vips', { tag: 'CORE', doc: '…' })
 *   k.child('authentication', authBlock, 'auth', { tag: 'CORE', doc: '…' })
 *   k.blocks('vrrp_instance', instanceBlock, 'vrrpInstances', { head: nameHead, … })
 *
 * Each combinator gives both directions (apply a statement, print the model), so
 * the printer and the round trip never drift from the parser.
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { Stmt } from '../tree.js';
import { applyBlock, guarded, printBlock, sameValue } from './engine.js';
import type { Alias, BlockSpec, CompileContext, Keyword, PrintStmt, Support, Tag, ValueType } from './types.js';
import { parseBoolWord } from './values.js';

export interface Info {
  readonly tag: Tag;
  readonly doc: string;
  /** Defaults to 'recognised' until the subsystem that acts on it exists. */
  readonly support?: Support;
  /** Plain strings are accepted synonyms; use `{ name, deprecated: true }` for warned ones. */
  readonly aliases?: readonly (string | Alias)[];
  readonly default?: string;
  readonly since?: string;
  /** Overrides the syntax derived from the value type. */
  readonly syntax?: string;
}

type Elem<T> = T extends readonly (infer E)[] ? E : never;
type ArrayKeys<M> = { [K in keyof M]-?: NonNullable<M[K]> extends readonly unknown[] ? K : never }[keyof M];
type BoolKeys<M> = { [K in keyof M]-?: NonNullable<M[K]> extends boolean ? K : never }[keyof M];

/** The name/address words of a repeatable block: `vrrp_instance VI_1 {`, `real_server IP PORT {`. */
export interface Head<M, H> {
  readonly type: ValueType<H>;
  get(model: M): H;
  set(model: M, head: H): void;
  /** Blocks with the same identity are duplicates (an error). */
  identity?(head: H): string;
}

function info(name: string, i: Info, syntax: string, extra: { block?: BlockSpec<unknown>; repeatable?: boolean } = {}) {
  return {
    name,
    aliases: (i.aliases ?? []).map((a) => (typeof a === 'string' ? { name: a, deprecated: false } : a)),
    tag: i.tag,
    support: i.support ?? 'recognised',
    syntax: i.syntax ?? syntax,
    doc: i.doc,
    ...(i.default !== undefined ? { default: i.default } : {}),
    ...(i.since !== undefined ? { since: i.since } : {}),
    ...(extra.block ? { block: extra.block } : {}),
    ...(extra.repeatable ? { repeatable: true } : {}),
  };
}

function noBlock(stmt: Stmt, name: string): void {
  if (stmt.block) throw new ConfigValueError(`'${name}' does not take a { } block`, stmt.loc);
}

function needBlock(stmt: Stmt, name: string): readonly Stmt[] {
  if (!stmt.block) throw new ConfigValueError(`'${name}' needs a { } block`, stmt.loc);
  return stmt.block;
}

/** A statement's words as one list, keyword first (the shape list-block lines have). */
export function lineWords(stmt: Stmt): Word[] {
  return [stmt.keyword, ...stmt.args];
}

/** Identities already used in a repeatable-block list (see `blocks`). */
const identitiesOf = new WeakMap<readonly unknown[], Set<string>>();

export function keywordsFor<M>() {
  const set = (m: M, key: keyof M, v: unknown) => {
    (m as Record<keyof M, unknown>)[key] = v;
  };
  const get = (m: M, key: keyof M): unknown => (m as Record<keyof M, unknown>)[key];

  return {
    /** `keyword VALUE…`: one value; a later occurrence replaces an earlier one. */
    scalar<K extends keyof M>(name: string, type: ValueType<NonNullable<M[K]>>, key: K, i: Info): Keyword<M> {
      return {
        ...info(name, i, type.syntax),
        apply(model, stmt, ctx) {
          noBlock(stmt, name);
          set(model, key, type.parse(stmt.args, stmt.keyword, stmt));
          ctx.locations.set(model as object, stmt.loc, String(key));
        },
        print(model, defaults) {
          const v = get(model, key);
          if (v === undefined || sameValue(v, get(defaults, key))) return [];
          return [{ words: [name, ...type.format(v as NonNullable<M[K]>)] }];
        },
      };
    },

    /** `keyword [BOOL]`: the keyword alone means true (keepalived's habit). */
    flag<K extends BoolKeys<M>>(name: string, key: K, i: Info & { noArg?: boolean }): Keyword<M> {
      return {
        ...info(name, i, i.noArg ? '' : '[BOOL]'),
        apply(model, stmt, ctx) {
          noBlock(stmt, name);
          if (stmt.args.length > 1) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[1]!.text}'`, stmt.args[1]!.loc);
          if (stmt.args.length === 1 && i.noArg) throw new ConfigValueError(`'${name}' takes no parameter`, stmt.args[0]!.loc);
          set(model, key, stmt.args.length === 0 ? true : parseBoolWord(stmt.args[0]!));
          ctx.locations.set(model as object, stmt.loc, String(key));
        },
        print(model, defaults) {
          const v = get(model, key);
          if (v === undefined || v === get(defaults, key)) return [];
          return [{ words: v ? [name] : [name, 'false'] }];
        },
      };
    },

    /** `keyword { LINE … }`: every line parsed by `item` and appended. */
    list<K extends ArrayKeys<M>>(name: string, item: ValueType<Elem<NonNullable<M[K]>>>, key: K, i: Info): Keyword<M> {
      return {
        ...info(name, i, `{ ${item.syntax} … }`, { repeatable: true }),
        apply(model, stmt, ctx) {
          if (stmt.args.length > 0) throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
          const lines = needBlock(stmt, name);
          let items = get(model, key) as unknown[] | undefined;
          if (!items) set(model, key, (items = []));
          for (const line of lines) {
            guarded(ctx, name, line.loc, () => {
              if (line.block) throw new ConfigValueError(`unexpected { } block inside '${name}'`, line.loc);
              const value = item.parse(lineWords(line), line.keyword);
              items!.push(value);
              ctx.locations.set(value as object, line.loc);
            });
          }
        },
        print(model, defaults) {
          const v = get(model, key) as unknown[] | undefined;
          if (!v || v.length === 0 || sameValue(v, get(defaults, key))) return [];
          return [{ words: [name], block: v.map((x) => ({ words: item.format(x as Elem<NonNullable<M[K]>>) })) }];
        },
      };
    },

    /** `keyword { … }` once per parent: a sub-block made on first use. */
    child<K extends keyof M>(name: string, spec: BlockSpec<NonNullable<M[K]>>, key: K, i: Info): Keyword<M> {
      return {
        ...info(name, i, '{ … }', { block: spec as BlockSpec<unknown> }),
        apply(model, stmt, ctx) {
          if (stmt.args.length > 0) throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
          const lines = needBlock(stmt, name);
          let sub = get(model, key) as NonNullable<M[K]> | undefined;
          if (sub === undefined) set(model, key, (sub = spec.create()));
          const loc = stmt.loc;
          ctx.locations.set(sub as object, loc);
          applyBlock(spec, sub, lines, ctx, loc);
        },
        print(model) {
          const sub = get(model, key) as NonNullable<M[K]> | undefined;
          if (sub === undefined) return [];
          const block = printBlock(spec, sub);
          return block.length === 0 && sameValue(sub, spec.create()) ? [] : [{ words: [name], block }];
        },
      };
    },

    /** `keyword HEAD { … }`, repeatable: each block becomes one array element. */
    blocks<K extends ArrayKeys<M>, H>(
      name: string,
      spec: BlockSpec<Elem<NonNullable<M[K]>>>,
      key: K,
      i: Info & { head?: Head<Elem<NonNullable<M[K]>>, H> },
    ): Keyword<M> {
      type S = Elem<NonNullable<M[K]>>;
      return {
        ...info(name, i, i.head ? `${i.head.type.syntax} { … }` : '{ … }', { block: spec as BlockSpec<unknown>, repeatable: true }),
        apply(model, stmt, ctx) {
          const lines = needBlock(stmt, name);
          const sub = spec.create();
          if (i.head) {
            i.head.set(sub, i.head.type.parse(stmt.args, stmt.keyword));
          } else if (stmt.args.length > 0) {
            throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
          }
          let items = get(model, key) as S[] | undefined;
          if (!items) set(model, key, (items = []));
          const id = i.head?.identity?.(i.head.get(sub));
          if (id !== undefined) {
            // One set of identities per list, so 40,000 real servers stay linear.
            let seen = identitiesOf.get(items);
            if (!seen) identitiesOf.set(items, (seen = new Set(items.map((other) => i.head!.identity!(i.head!.get(other))))));
            if (seen.has(id)) throw new ConfigValueError(`duplicate ${name} '${id}'`, stmt.loc);
            seen.add(id);
          }
          const loc = stmt.loc;
          ctx.locations.set(sub as object, loc);
          applyBlock(spec, sub, lines, ctx, loc);
          items.push(sub);
        },
        print(model) {
          const items = (get(model, key) as S[] | undefined) ?? [];
          return items.map((sub) => ({
            words: i.head ? [name, ...i.head.type.format(i.head.get(sub))] : [name],
            block: printBlock(spec, sub),
          }));
        },
      };
    },

    /** Anything the combinators above don't fit: give both directions by hand. */
    custom(
      name: string,
      i: Info & { syntax: string; block?: BlockSpec<unknown>; repeatable?: boolean },
      apply: (model: M, stmt: Stmt, ctx: CompileContext) => void,
      print: (model: M, defaults: M) => PrintStmt[],
    ): Keyword<M> {
      return { ...info(name, i, i.syntax, { block: i.block, repeatable: i.repeatable }), apply, print };
    },
  };
}

/** A head that is just the block's name: `vrrp_instance VI_1 {`. */
export function nameHead<M extends { name: string }>(syntax = 'NAME'): Head<M, string> {
  return {
    type: {
      syntax,
      parse(words, at) {
        if (words.length === 0) throw new ConfigValueError('missing name', at.loc);
        if (words.length > 1) throw new ConfigValueError(`unexpected extra parameter '${words[1]!.text}'`, words[1]!.loc);
        return words[0]!.text;
      },
      format: (v) => [v],
    },
    get: (m) => m.name,
    set: (m, h) => {
      m.name = h;
    },
    identity: (h) => h,
  };
}

/** Declares a block spec; `create` gives keepalived's defaults. */
export function defineBlock<M>(spec: BlockSpec<M>): BlockSpec<M> {
  return spec;
}
