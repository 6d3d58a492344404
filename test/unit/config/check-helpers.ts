/**
 * Shared helpers for the LVS table tests: compile text with the test line
 * splitter, list the problems as `-t` prints them (notices left out), and
 * check the compile → print → compile round trip.
 */
import assert from 'node:assert/strict';
import { compileLines, printConfig } from '../../../src/config/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../../src/config/diagnostics.js';
import type { Config } from '../../../src/config/model.js';
import { sameValue } from '../../../src/config/schema/engine.js';
import { recompilePrinted } from './round-trip.js';
import { simpleLines } from './simple-lines.js';

function problemsOf<T extends { diagnostics: { items: readonly Diagnostic[] } }>(out: T) {
  return { ...out, problems: out.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic) };
}

export function compile(text: string) {
  return problemsOf(compileLines(simpleLines(text)));
}

const withoutLocation = (p: string) => p.replace(/^[^:]*:\d+(:\d+)?: /, '');

/**
 * Compiles, prints, compiles the print: no problems the second time (or, for a
 * config keepalived itself faults, the same `problems` again), the same model,
 * the same text.
 */
export function assertRoundTrip(config: Config, problems: readonly string[] = []): string {
  const text = printConfig(config);
  const again = problemsOf(recompilePrinted(text));
  assert.deepEqual(again.problems.map(withoutLocation), problems.map(withoutLocation), `printed text has problems:\n${text}`);
  assert.ok(sameValue(config, again.config), `model changed through the printer:\n${text}`);
  assert.equal(printConfig(again.config), text);
  return text;
}

/** A minimal valid virtual server around `body` lines (1-based line 1 is the header). */
export function vs(body: string, head = '10.0.0.1 80'): string {
  return `virtual_server ${head} {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n${body}\n}`;
}

/** A virtual server with one real server holding `checker` (line 6 opens the checker block). */
export function withChecker(checker: string, rs = '10.0.1.1 80'): string {
  return vs(`  real_server ${rs} {\n${checker}\n  }`);
}
