/**
 * A fragment is one subsystem's share of keepalived.conf: the top-level
 * keywords it owns, its part of the model with keepalived's defaults, and the
 * checks that need the whole config (cross-references such as a track_script
 * naming a vrrp_script). The root table is the union of every fragment, so each
 * subsystem keeps its keywords and model in its own folder.
 */
import type { CompileContext, Keyword } from './schema/types.js';

export interface Fragment<F> {
  readonly name: string;
  readonly keywords: readonly Keyword<F>[];
  create(): F;
  /** Runs after the whole file is read, in fragment order. Must be idempotent. */
  finish?(config: F, ctx: CompileContext): void;
}

export function defineFragment<F>(fragment: Fragment<F>): Fragment<F> {
  return fragment;
}
