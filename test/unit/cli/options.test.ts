import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine, parseFacility, parseUmask } from '../../../src/cli/options.js';

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean));

test('options: defaults match keepalived', () => {
  const r = parse('');
  assert.deepEqual(r.action, { kind: 'run' });
  assert.equal(r.options.configFile, '/etc/keepalived/keepalived.conf');
  assert.deepEqual(r.options.children, { vrrp: true, checker: true, bfd: true });
  assert.equal(r.options.logFacility, 3);
  assert.deepEqual(r.errors, []);
});

test('options: short clusters, attached and separate arguments, long forms and prefixes', () => {
  const r = parse('-lnD -fa.conf -p /run/x.pid --vrrp_pid=/run/v.pid --checkers_pid /run/c.pid --use b.conf -DR');
  assert.deepEqual(r.errors, []);
  const o = r.options;
  assert.equal(o.logConsole, true);
  assert.equal(o.dontFork, true);
  assert.equal(o.logDetail, 2, '-D twice is extra detail');
  assert.equal(o.configFile, 'b.conf', 'last -f wins; --use is a prefix of --use-file');
  assert.deepEqual(o.pidFiles, { parent: '/run/x.pid', vrrp: '/run/v.pid', checker: '/run/c.pid' });
  assert.equal(o.dontRespawn, true);
});

test('options: -P, -C and -B select children; --all forces every one', () => {
  assert.deepEqual(parse('-P').options.children, { vrrp: true, checker: false, bfd: true });
  assert.deepEqual(parse('-C -B').options.children, { vrrp: false, checker: true, bfd: false });
  const all = parse('--all').options;
  assert.equal(all.runAllChildren, true);
  assert.deepEqual(all.children, { vrrp: true, checker: true, bfd: true });
});

test('options: -t takes its log file only when attached, and implies -R -n -G', () => {
  const plain = parse('-t -f x.conf').options;
  assert.deepEqual(plain.configTest, {});
  assert.equal(plain.configFile, 'x.conf');
  assert.equal(plain.dontRespawn && plain.dontFork && plain.noSyslog, true);
  assert.deepEqual(parse('-t/tmp/log').options.configTest, { logFile: '/tmp/log' });
  assert.deepEqual(parse('--config-test=/tmp/log').options.configTest, { logFile: '/tmp/log' });
  assert.deepEqual(parse('--config-test /tmp/x').options.configTest, {}, 'a separate word is an operand, as in getopt');
  assert.deepEqual(parse('--config-test /tmp/x').warnings, ['Unexpected argument(s): /tmp/x']);
});

test('options: errors in keepalived words', () => {
  assert.deepEqual(parse('-Z').errors, ['Unknown option -Z']);
  assert.deepEqual(parse('--bogus').errors, ['Unknown option --bogus']);
  assert.deepEqual(parse('-f').errors, ['Missing parameter for option -f']);
  assert.deepEqual(parse('--use-file=').errors, ['Missing parameter for option --use-file']);
  assert.deepEqual(parse('--log').errors, ['Ambiguous option --log'], '--log-console, --log-detail, …');
  assert.deepEqual(parse('--dont-fork=1').errors, ["Option --dont-fork doesn't allow an argument"]);
});

test('options: actions', () => {
  assert.deepEqual(parse('--signum=JSON').action, { kind: 'signum', name: 'JSON' });
  assert.deepEqual(parse('-v').action, { kind: 'version' });
  assert.deepEqual(parse('--help').action, { kind: 'help' });
  assert.deepEqual(parse('-T -s 127.0.0.1 -p 80').action, { kind: 'genhash', argv: ['-s', '127.0.0.1', '-p', '80'] });
  assert.deepEqual(parse('--diff new.conf').options.diffFile, 'new.conf');
});

test('options: facility and umask parsing', () => {
  assert.equal(parseFacility('0'), 16);
  assert.equal(parseFacility('local7'), 23);
  assert.equal(parseFacility('user'), 1);
  assert.equal(parseFacility('daemon'), 3);
  assert.equal(parseFacility('8'), undefined);
  assert.equal(parseUmask('022'), 0o22);
  assert.equal(parseUmask('0x12'), 0o22);
  assert.equal(parseUmask('18'), 0o22);
  assert.equal(parseUmask('0999'), undefined);
  assert.equal(parseUmask('01000'), undefined);
  assert.deepEqual(parse('-S9').warnings, ["Invalid log facility '9'"]);
});
