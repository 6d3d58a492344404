/**
 * The printing primitives and the route/rule formatter. Routes and rules are checked against
 * keepalived 2.2.7's own dump of 15 routes and 12 rules (fixtures/routes.keepalived.data,
 * captured by `scripts/capture-vrrp-dumps.sh OUTDIR routes` from routes.keepalived.conf),
 * compiled here by our compiler.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compileText } from '../../../src/config/index.js';
import { cG, cmdStr, ctime, ctimeThenUs, ctimeUs, ctimeUsNoYear, timeval } from '../../../src/vrrp/dump/format.js';
import { formatRoute, formatRule } from '../../../src/vrrp/dump/index.js';
import { fixture } from './captured-run.js';

test('cG prints as C printf %g does', () => {
  const cases: [number, string][] = [
    [0, '0'], [1, '1'], [0.5, '0.5'], [2.5, '2.5'], [0.001, '0.001'], [0.0001, '0.0001'], [0.00001, '1e-05'],
    [100000, '100000'], [1000000, '1e+06'], [123456789, '1.23457e+08'], [1 / 3, '0.333333'], [-2, '-2'], [999999.5, '1e+06'],
  ];
  for (const [v, s] of cases) assert.equal(cG(v), s, `%g of ${v}`);
});

test('keepalived time stamps (TZ=UTC)', () => {
  const us = 1795314329759161;
  assert.equal(timeval(us), '1795314329.759161');
  assert.equal(ctimeUs(us), 'Sun Nov 22 02:25:29.759161 2026');
  assert.equal(ctimeUsNoYear(us), 'Sun Nov 22 02:25:29.759161');
  assert.equal(ctimeThenUs(us), 'Sun Nov 22 02:25:29 2026.759161');
  assert.equal(ctime(0), 'Thu Jan  1 00:00:00 1970');
  assert.equal(timeval(5), '0.000005');
});

test('cmdStr quotes every word except a leading redirection test', () => {
  assert.equal(cmdStr(['/usr/bin/echo', 'a b', 'c']), "'/usr/bin/echo' 'a b' 'c'");
  assert.equal(cmdStr(['</etc/passwd']), '</etc/passwd');
  assert.equal(cmdStr(['x', '<y']), "'x' '<y'");
});

/** The indented lines under every "Virtual Routes :" / "Virtual Rules :" header, in order. */
function dumpedLines(text: string, header: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (line === `   ${header} :`) inside = true;
    else if (inside && line.startsWith('     ')) out.push(line.slice(5));
    else inside = false;
  }
  return out;
}

test('routes and rules read exactly as keepalived 2.2.7 dumps them', () => {
  const result = compileText(fixture('routes.keepalived.conf'));
  assert.deepEqual(result.diagnostics.items.filter((d) => d.severity === 'error'), []);
  const instances = result.config.vrrpInstances;
  const dumped = fixture('routes.keepalived.data');
  const routes = dumpedLines(dumped, 'Virtual Routes');
  const rules = dumpedLines(dumped, 'Virtual Rules');
  assert.equal(routes.length, 15);
  assert.equal(rules.length, 12);
  assert.deepEqual(instances.flatMap((i) => i.vroutes.map(formatRoute)), routes);
  assert.deepEqual(instances.flatMap((i) => i.vrules.map(formatRule)), rules);
});

test('a typed route reads "add" whatever its mode (keepalived\'s IPROUTE_BIT_ADD == IPROUTE_BIT_TYPE)', () => {
  const result = compileText([
    'vrrp_instance V { interface eth0',
    ' virtual_router_id 1',
    ' virtual_routes {',
    '  blackhole 10.1.0.0/16 append',
    '  10.2.0.0/16 dev eth0 append',
    ' }',
    '}',
  ].join('\n'));
  assert.deepEqual(result.config.vrrpInstances[0]!.vroutes.map(formatRoute), [
    'add blackhole 10.1.0.0/16 proto 18 no_track',
    'append 10.2.0.0/16 dev eth0 proto 18',
  ]);
});
