/**
 * Lines → statement tree → typed Config, with every problem collected as a
 * diagnostic. Pure: no file system, no interfaces, no users; checks against the
 * running system (do interfaces exist, are scripts safe) come after, elsewhere.
 */
import { Diagnostics } from './diagnostics.js';
import type { SourceLocation } from './diagnostics.js';
import type { Line } from './lexer/types.js';
import type { Config } from './model.js';
import { renderStatements } from './printer.js';
import { rootBlock } from './root.js';
import { applyBlock, printBlock } from './schema/engine.js';
import type { CompileContext, Locations } from './schema/types.js';
import { buildTree } from './tree.js';

export interface CompileOutput {
  readonly config: Config;
  readonly diagnostics: Diagnostics;
  readonly locations: Locations;
}

export function createLocations(): Locations {
  const map = new WeakMap<object, Map<string, SourceLocation>>();
  return {
    set(obj, loc, field = '') {
      let m = map.get(obj);
      if (!m) map.set(obj, (m = new Map()));
      m.set(field, loc);
    },
    get(obj, field = '') {
      return map.get(obj)?.get(field);
    },
  };
}

export function compileLines(lines: readonly Line[], diagnostics = new Diagnostics()): CompileOutput {
  const locations = createLocations();
  const ctx: CompileContext = { diags: diagnostics, locations, path: [] };
  const stmts = buildTree(lines, diagnostics);
  const config = rootBlock.create();
  const start: SourceLocation = lines[0]?.loc ?? { file: '', line: 0, col: 0 };
  applyBlock(rootBlock, config, stmts, ctx, start);
  return { config, diagnostics, locations };
}

/** The model as canonical keepalived.conf text (`-d`). */
export function printConfig(config: Config): string {
  return renderStatements(printBlock(rootBlock, config));
}
