import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileText, formatDiagnostic, printConfig } from '../../../src/config/index.js';
import { sameValue } from '../../../src/config/schema/engine.js';

function compile(text: string) {
  const r = compileText(text, '/etc/keepalived/keepalived.conf', { configId: 'lb1' });
  return { ...r, problems: r.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic) };
}

function roundTrip(text: string) {
  const first = compile(text);
  assert.deepEqual(first.problems, []);
  const printed = printConfig(first.config);
  const again = compile(printed);
  assert.deepEqual(again.problems, [], printed);
  assert.ok(sameValue(first.config, again.config), printed);
  assert.equal(printConfig(again.config), printed);
  return { config: first.config, printed };
}

test('compile: script lines are split as keepalived splits them (line, then command)', () => {
  const r = compile(
    [
      'vrrp_script a {',
      `  script "/bin/check 'a b' c\\\\td"`, // escapes are applied twice: \\t → \t → tab
      '}',
      'vrrp_script b {',
      "  script '/usr/bin/test -f /etc/x'", // single quotes group at the line level too
      '}',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.vrrpScripts[0]!.script, { argv: ['/bin/check', 'a b', 'c\td'] });
  assert.deepEqual(r.config.vrrpScripts[1]!.script, { argv: ['/usr/bin/test', '-f', '/etc/x'] });
});

test('compile: tricky script arguments survive compile → print → compile', () => {
  const { config, printed } = roundTrip(
    ['vrrp_script a {', `  script "/bin/x 'it\\\\'s' \\"q\\" 'a  b' #h !b"`, '}'].join('\n'),
  );
  // \"q\" loses its escapes at the line level and its quotes at the command level, as in keepalived.
  assert.deepEqual(config.vrrpScripts[0]!.script, { argv: ['/bin/x', "it's", 'q', 'a  b', '#h', '!b'] });
  assert.match(printed, /script "/);
});

test('compile: an unterminated quote in a script line is an error at the keyword', () => {
  const r = compile('vrrp_script a {\n  script "/bin/x \'a"\n}');
  assert.deepEqual(r.problems, [
    "/etc/keepalived/keepalived.conf:2:10: error: script: string '/bin/x 'a': missing terminating '",
    '/etc/keepalived/keepalived.conf:1:1: warning: vrrp_script: No script set for vrrp_script a - removing',
  ]);
});

test('compile: conditionals, definitions and sequences reach the model', () => {
  const r = compile(
    [
      '$INT=3',
      '@lb1 vrrp_script mine {',
      '@^lb1 vrrp_script other {',
      '  script /bin/true',
      '  interval $INT',
      '}',
      '~SEQ(N, 1, 2) vrrp_script s${N} { script /bin/true }',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.config.vrrpScripts.map((s) => [s.name, s.intervalMs]),
    [
      ['mine', 3000],
      ['s1', 1000],
      ['s2', 1000],
    ],
  );
});
