/**
 * A fragment is one subsystem's share of keepalived.conf: the top-level
 * keywords it owns, its part of the model with keepalived's defaults, and the
 * checks that need the whole config (cross-references such as a track_script
 * naming a vrrp_script). The root table is the union of every fragment, so each
 * subsystem keeps its keywords and model in its own folder.
 *
 * Two further hooks serve `-t` and start-up, outside the pure compiler:
 * `scripts` lists every script the fragment configures (script security), and
 * `checkEnvironment` checks the model against the running system (interfaces,
 * users, files), warning the way keepalived does.
 */
import type { Diagnostics } from './diagnostics.js';
import type { ScriptCommand } from './schema/script-values.js';
import type { CompileContext, Keyword, Locations } from './schema/types.js';

/** A configured script and where it came from. */
export interface ScriptUse {
  readonly script: ScriptCommand;
  /** The object holding it, for its location (locations.get(owner, field)). */
  readonly owner: object;
  readonly field: string;
  /** For messages: "vrrp_script chk_haproxy", "notify_master of VI_1". */
  readonly what: string;
}

/** What the running system looks like, injectable for tests. */
export interface HostEnvironment {
  interfaceExists(name: string): boolean;
  userExists(name: string): boolean;
  groupExists(name: string): boolean;
}

export interface EnvironmentContext {
  readonly host: HostEnvironment;
  readonly diags: Diagnostics;
  readonly locations: Locations;
}

export interface Fragment<F> {
  readonly name: string;
  readonly keywords: readonly Keyword<F>[];
  create(): F;
  /** Runs after the whole file is read, in fragment order. Must be idempotent. */
  finish?(config: F, ctx: CompileContext): void;
  scripts?(config: F): ScriptUse[];
  checkEnvironment?(config: F, ctx: EnvironmentContext): void;
}

export function defineFragment<F>(fragment: Fragment<F>): Fragment<F> {
  return fragment;
}
