/**
 * Helpers for the keyword-table tests of global_defs, the top-level daemon
 * statements, the VRRP interface settings and bfd_instance: compile a text,
 * split the diagnostics into problems (what `-t` reports) and notices, and
 * check the `-d` round trip (compile → print → compile gives the same model,
 * and printing again gives the same text).
 */
import assert from 'node:assert/strict';
import { compileLines, printConfig } from '../../../src/config/compile.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import type { Config } from '../../../src/config/model.js';
import { sameValue } from '../../../src/config/schema/engine.js';
import { recompilePrinted } from './round-trip.js';
import { simpleLines } from './simple-lines.js';

export function compile(text: string) {
  const out = compileLines(simpleLines(text));
  const problems = out.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic);
  const notices = out.diagnostics.items
    .filter((d) => d.severity === 'notice' && d.message !== 'recognised, not supported yet')
    .map(formatDiagnostic);
  return { ...out, problems, notices };
}

/** Compiles `text`, expects no problems, checks the round trip and returns the config. */
export function compileClean(text: string): Config {
  const r = compile(text);
  assert.deepEqual(r.problems, [], text);
  assertRoundTrip(r.config);
  return r.config;
}

export function assertRoundTrip(config: Config): string {
  const printed = printConfig(config);
  const recompiled = recompilePrinted(printed);
  const again = { ...recompiled, problems: recompiled.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic) };
  assert.deepEqual(again.problems, [], printed);
  assert.ok(sameValue(config, again.config), `round trip changed the model:\n${printed}\n${JSON.stringify(config)}\n${JSON.stringify(again.config)}`);
  assert.equal(printConfig(again.config), printed);
  return printed;
}

/** `global_defs { LINES }` */
export function globals(...lines: string[]): string {
  return `global_defs {\n${lines.map((l) => `  ${l}`).join('\n')}\n}`;
}

/** Each case: a config and the exact problems `-t` would print. */
export interface BadCase {
  readonly text: string;
  readonly problems: readonly string[];
}

export function assertBadCases(cases: readonly BadCase[]): void {
  for (const c of cases) {
    assert.deepEqual(compile(c.text).problems, c.problems, c.text);
  }
}
