/**
 * `-t` exit codes: keepalived keeps the class of the latest report that comes further down
 * its list (lib/parser.c), so script security outranks errors and warnings, which outrank
 * "cannot run".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigTestExit, Diagnostics, configTestExitCode } from '../../../src/config/diagnostics.js';

function exitFor(severities: Array<'fatal' | 'error' | 'warning' | 'security' | 'notice'>): number {
  const d = new Diagnostics();
  for (const s of severities) d.add(s, s);
  return configTestExitCode(d);
}

test('-t exit codes follow keepalived 2.2.7 status precedence', () => {
  assert.equal(exitFor([]), ConfigTestExit.ok);
  assert.equal(exitFor(['notice']), ConfigTestExit.ok);
  assert.equal(exitFor(['fatal']), ConfigTestExit.cannotRun);
  assert.equal(exitFor(['warning', 'fatal']), ConfigTestExit.errors, 'a missing interface: warned, then fatal');
  assert.equal(exitFor(['fatal', 'error']), ConfigTestExit.errors);
  assert.equal(exitFor(['error', 'security']), ConfigTestExit.scriptSecurity);
  assert.equal(exitFor(['security', 'fatal']), ConfigTestExit.scriptSecurity);
});
