/**
 * global_defs holds ~140 keywords from every subsystem (census §3.2). Each area
 * (identity and mail, scripts, VRRP defaults, GARP, LVS, process tuning, …)
 * lives in its own file with its own slice of the GlobalDefs type, defaults and
 * keywords; index.ts assembles them into the one global_defs block.
 */
import type { CompileContext, Keyword } from '../schema/types.js';
import type { SourceLocation } from '../diagnostics.js';
import type { EnvironmentContext, ScriptUse } from '../fragment.js';

export interface GlobalArea<A> {
  readonly name: string;
  readonly keywords: readonly Keyword<A>[];
  create(): A;
  /** Checks across this area's fields once global_defs is read. Idempotent. */
  finish?(globals: A, ctx: CompileContext, loc: SourceLocation): void;
  /** The scripts this area configures (see Fragment.scripts). */
  scripts?(globals: A): ScriptUse[];
  /** Checks against the running system (see Fragment.checkEnvironment). */
  checkEnvironment?(globals: A, ctx: EnvironmentContext): void;
}

export function defineGlobalArea<A>(area: GlobalArea<A>): GlobalArea<A> {
  return area;
}
