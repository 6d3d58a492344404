import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLines, printConfig } from '../../../src/config/compile.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { sameValue } from '../../../src/config/schema/engine.js';
import { simpleLines } from './simple-lines.js';

function compile(text: string) {
  const out = compileLines(simpleLines(text));
  const problems = out.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic);
  return { ...out, problems };
}

test('engine: a vrrp_script block compiles with defaults filled in', () => {
  const r = compile('vrrp_script chk {\n  script "/bin/check \'a b\' c"\n  interval 2\n  weight -10 reverse\n  fall 3\n}');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.vrrpScripts, [
    {
      name: 'chk',
      script: { argv: ['/bin/check', 'a b', 'c'] },
      intervalMs: 2000,
      timeoutMs: 0,
      weight: { weight: -10, reverse: true },
      rise: 1,
      fall: 3,
      initFail: false,
    },
  ]);
});

test('engine: every bad value is reported in one pass with file:line:col and keyword', () => {
  const r = compile(
    [
      'vrrp_script chk {', //          1
      '  script "/bin/true"', //        2
      '  interval 0', //                3
      '  weight 300', //                4
      '  rise two', //                  5
      '  fall 1 2', //                  6
      '  bogus 1', //                   7
      '  init_fail yes', //             8
      '}',
      'vrrp_script chk {', //           10
      '  script /bin/x', //             11
      '}',
      'vrrp_script empty {', //         13
      '}',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, [
    "t.conf:3:12: error: interval: number '0' outside range [1, 4294]",
    "t.conf:4:10: error: weight: number '300' outside range [-253, 253]",
    "t.conf:5:8: error: rise: invalid number 'two'",
    "t.conf:6:10: error: fall: unexpected extra parameter '2'",
    "t.conf:7:3: warning: Unknown keyword 'bogus'",
    "t.conf:8:13: error: init_fail: 'init_fail' takes no parameter",
    "t.conf:10:1: error: vrrp_script: duplicate vrrp_script 'chk'",
    't.conf:13:1: warning: vrrp_script: No script set for vrrp_script empty - removing',
  ]);
  // The bad statements were dropped, not replaced: the defaults stand.
  assert.equal(r.config.vrrpScripts[0]!.intervalMs, 1000);
  assert.equal(r.config.vrrpScripts[0]!.weight.weight, 0);
});

test('engine: an unquoted script with arguments warns that keepalived drops them', () => {
  const r = compile('vrrp_script chk {\n  script /usr/bin/killall -0 haproxy\n}');
  assert.deepEqual(r.config.vrrpScripts[0]!.script, { argv: ['/usr/bin/killall'] });
  assert.deepEqual(r.problems, [
    `t.conf:2:27: warning: script: only '/usr/bin/killall' is run: keepalived ignores '-0 haproxy' here; quote the whole command line to pass arguments ("/usr/bin/killall -0 haproxy")`,
  ]);
});

test('engine: keywords nobody acts on yet are listed as notices once, never silently ignored', () => {
  const r = compileLines(simpleLines('global_defs {\n  router_id a\n  smtp_connect_timeout 30\n  smtp_connect_timeout 40\n}'));
  const notices = r.diagnostics.items.filter((d) => d.severity === 'notice').map(formatDiagnostic);
  assert.deepEqual(notices, ['t.conf:3:3: notice: smtp_connect_timeout: recognised, not supported yet']);
});

test('engine: print → compile gives the same model', () => {
  const r = compile('vrrp_script chk {\n  script "/bin/check \'a b\' c"\n  interval 2\n  timeout 3\n  user nobody nogroup\n  init_fail\n  rise 2\n}\nvrrp_script two {\n  script /x\n}');
  assert.deepEqual(r.problems, []);
  const text = printConfig(r.config);
  const again = compile(text);
  assert.deepEqual(again.problems, [], text);
  assert.ok(sameValue(r.config, again.config), text);
  assert.equal(printConfig(again.config), text);
});

test('engine: the printer leaves out defaults', () => {
  const r = compile('vrrp_script chk {\n  script /bin/true\n  interval 1\n  rise 1\n}');
  assert.equal(printConfig(r.config), 'vrrp_script chk {\n  script /bin/true\n}\n');
});
