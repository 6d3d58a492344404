import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { fileTestPath, formatScriptCommand, splitScriptCommand } from '../../../src/core/scripts/command.js';

function argv(text: string): string[] {
  const r = splitScriptCommand(text);
  assert.ok(r.ok, `expected '${text}' to split`);
  return r.argv;
}

test('quotes group blanks and are removed, mid-word too', () => {
  assert.deepEqual(argv(`/x.sh 'a b' c`), ['/x.sh', 'a b', 'c']);
  assert.deepEqual(argv(`/x.sh "it's" a"b c"d`), ['/x.sh', "it's", 'ab cd']);
  assert.deepEqual(argv(`  /x.sh\t\ta  `), ['/x.sh', 'a']);
  assert.deepEqual(argv(`/x.sh '' ""`), ['/x.sh', '', '']);
});

// The second-pass inputs below are what the first (line-level) pass leaves of
//   script "/tmp/kaq/args.sh 'a b' c\x41 d\\e \101\1014 \cA| tab\tx"
// and Debian's keepalived 2.2.7 ran that script with the argv
//   [a b][cA][de][AA4][^A|][tab][x]   (observed in a namespace, see the report)
test('escapes as keepalived applies them on the second pass', () => {
  assert.deepEqual(argv(`/s 'a b' cA d\\e AA4 \x01| tab\tx`), ['/s', 'a b', 'cA', 'de', 'AA4', '\x01|', 'tab', 'x']);
  assert.deepEqual(argv(`/s c\\x41 \\101\\1014 \\cA \\t \\n \\E \\\\ \\ x`), ['/s', 'cA', 'AA4', '\x01', '\t', '\n', '\x1b', '\\', ' x']);
  // escapes work inside single quotes too, unlike a shell
  assert.deepEqual(argv(`/s 'a\\'b' "q\\"r"`), ['/s', "a'b", 'q"r']);
});

test('\\x takes every following hex digit, modulo 256; octal at most three digits', () => {
  assert.deepEqual(argv('/s \\x414'), ['/s', '\x14']);
  assert.deepEqual(argv('/s \\777'), ['/s', Buffer.from([0xff]).toString('utf8')]);
  assert.deepEqual(argv('/s \\xc3\\xa9'), ['/s', 'é']);
  assert.deepEqual(argv('/s \\xg'), ['/s', 'xg']);
});

test('a NUL byte ends its word (strndup)', () => {
  assert.deepEqual(argv('/s ab\\0cd ef'), ['/s', 'ab', 'ef']);
});

test('bad input is an error value, not an exception', () => {
  assert.deepEqual(splitScriptCommand(`/s 'open`), { ok: false, error: `string '/s 'open': missing terminating '` });
  assert.equal(splitScriptCommand('/s trailing\\').ok, false);
  assert.equal(splitScriptCommand('   ').ok, false);
});

test('the </path open test', () => {
  assert.equal(fileTestPath('</etc/flag'), '/etc/flag');
  assert.equal(fileTestPath('< \t/etc/flag'), '/etc/flag');
  assert.equal(fileTestPath('<etc/flag'), undefined);
  assert.equal(fileTestPath('/bin/true'), undefined);
});

test('commands are printed as keepalived logs them', () => {
  assert.equal(formatScriptCommand(['/x.sh', 'a b', "it's"]), `'/x.sh' 'a b' 'it'\\''s'`);
  assert.equal(formatScriptCommand(['</etc/flag']), '</etc/flag');
});
