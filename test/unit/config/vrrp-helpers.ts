/**
 * Helpers for the VRRP keyword-table tests: compile a text, list its
 * problems as `-t` prints them, and check the -d round trip
 * (compile → print → compile gives the same model and the same text).
 */
import assert from 'node:assert/strict';
import { compileLines, printConfig } from '../../../src/config/compile.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import type { Config } from '../../../src/config/model.js';
import { sameValue } from '../../../src/config/schema/engine.js';
import { recompilePrinted } from './round-trip.js';
import { simpleLines } from './simple-lines.js';

export interface Compiled {
  readonly config: Config;
  /** Errors and warnings, formatted (notices left out). */
  readonly problems: string[];
  readonly notices: string[];
}

export function compile(text: string): Compiled {
  const out = compileLines(simpleLines(text));
  const items = out.diagnostics.items;
  return {
    config: out.config,
    problems: items.filter((d) => d.severity !== 'notice').map(formatDiagnostic),
    notices: items.filter((d) => d.severity === 'notice' && d.message !== 'recognised, not supported yet').map(formatDiagnostic),
  };
}

/** Compiles text that must be clean, checks the round trip, and returns the config. */
export function compileClean(text: string): Config {
  const r = compile(text);
  assert.deepEqual(r.problems, [], text);
  assertRoundTrip(r.config);
  return r.config;
}

export function assertRoundTrip(config: Config): void {
  const printed = printConfig(config);
  const again = recompilePrinted(printed);
  const errors = again.diagnostics.items.filter((d) => d.severity === 'error' || d.severity === 'fatal').map(formatDiagnostic);
  assert.deepEqual(errors, [], printed);
  assert.ok(sameValue(config, again.config), `round trip changed the model:\n${printed}\n${JSON.stringify(config)}\n${JSON.stringify(again.config)}`);
  assert.equal(printConfig(again.config), printed);
}

/** A minimal valid instance around `body` (VRID 1 on eth0 with one VIP unless body says otherwise). */
export function instance(body: string, name = 'VI_1'): string {
  return `vrrp_instance ${name} {\n${body}\n}`;
}

/** One list line inside a keyword block of an otherwise valid instance; the line is line 5. */
export function lineIn(keyword: string, line: string): string {
  return ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 1', `  ${keyword} {`, `    ${line}`, '  }', keyword === 'virtual_ipaddress' ? '' : '  virtual_ipaddress { 10.0.0.1 }', '}'].join('\n');
}
