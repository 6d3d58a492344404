/**
 * The keyword-table language every block of keepalived.conf is described in.
 *
 * One table per block (global_defs, vrrp_instance, real_server, HTTP_GET, …)
 * lists its keywords. Each keyword knows how to apply a statement to the typed
 * model (`apply`) and how to print the model back as canonical statements
 * (`print`), so `-d` and the compile → print → compile round trip come from the
 * same place. The tables are also the single source of the README's
 * configuration reference and of `-t`'s "recognised, not supported yet" list:
 * `tag`, `support`, `syntax`, `doc` and `default` are there for that.
 */
import type { Diagnostics, SourceLocation } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { Stmt } from '../tree.js';

/**
 * A printed word: a plain string is quoted by the printer when needed; `raw`
 * is emitted as is (script lines, which keepalived re-splits with escapes).
 */
export type PrintWord = string | { readonly raw: string };

/** How common a keyword is in real configs (census §3). */
export type Tag = 'CORE' | 'COMMON' | 'RARE';

/**
 * `supported`: the daemon acts on it. `recognised`: parsed, range-checked and
 * kept in the model, but no subsystem acts on it yet; `-t` lists each use.
 */
export type Support = 'supported' | 'recognised';

/** A value parsed from the words after a keyword (or from a whole list line). */
export interface ValueType<V> {
  /** Human syntax for the reference docs: "1..255", "BOOL", "TIMER", "IP[/PREFIX]". */
  readonly syntax: string;
  /**
   * Parses `words`; `at` is the keyword word (for locations when words is empty);
   * `stmt` is the whole statement, for the few values that need the line's text.
   * Throws ConfigValueError (with the offending word's location) on bad input.
   */
  parse(words: readonly Word[], at: Word, stmt?: Stmt): V;
  /** Canonical words for `value`; parse(format(v)) must give back v. */
  format(value: V): PrintWord[];
}

export interface Alias {
  readonly name: string;
  /** Deprecated spellings warn like keepalived ("… is deprecated, use …"). */
  readonly deprecated: boolean;
}

/** What the reference docs need to know about a keyword. */
export interface KeywordInfo {
  readonly name: string;
  readonly aliases: readonly Alias[];
  readonly tag: Tag;
  readonly support: Support;
  readonly syntax: string;
  readonly doc: string;
  /** keepalived's default, as text for the docs ("1", "5 s", "none"). */
  readonly default?: string;
  /** keepalived version that added it when newer than 2.2.7 ("2.3", "2.4"). */
  readonly since?: string;
  /** The block this keyword opens, for nested reference docs. */
  readonly block?: BlockInfo;
  /** A keyword that may appear several times, each adding to a list. */
  readonly repeatable?: boolean;
}

export interface BlockInfo {
  readonly name: string;
  readonly doc: string;
  readonly keywords: readonly KeywordInfo[];
  /** For list blocks (virtual_ipaddress { … }): the syntax of one line. */
  readonly lineSyntax?: string;
}

/** A canonical statement produced by the printer. */
export interface PrintStmt {
  readonly words: readonly PrintWord[];
  readonly block?: readonly PrintStmt[];
}

export interface Keyword<M> extends KeywordInfo {
  apply(model: M, stmt: Stmt, ctx: CompileContext): void;
  /** Canonical statements for what `model` holds; nothing when it equals `defaults`. */
  print(model: M, defaults: M): PrintStmt[];
}

export interface BlockSpec<M> extends BlockInfo {
  readonly keywords: readonly Keyword<M>[];
  /** A fresh model with keepalived's defaults. */
  create(): M;
  /**
   * Called after the block's statements: cross-field validation and values
   * derived from other fields. Must be idempotent (the round trip relies on it).
   */
  finish?(model: M, ctx: CompileContext, loc: SourceLocation): void;
}

/**
 * Where each model object came from. Kept beside the model (not in it) so the
 * model stays plain JSON for the children and for round-trip comparison.
 */
export interface Locations {
  set(obj: object, loc: SourceLocation, field?: string): void;
  get(obj: object, field?: string): SourceLocation | undefined;
}

export interface CompileContext {
  readonly diags: Diagnostics;
  readonly locations: Locations;
}
