import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCommandLine } from '../../../src/cli/options.js';
import { signumAction, supervisorOptions } from '../../../src/supervisor/from-cli.js';

test('keepalived flags reach the supervisor', () => {
  const cl = parseCommandLine(['-f', '/etc/ka.conf', '-P', '-R', '-l', '-G', '-D', '-S', '7', '-p', '/run/a.pid', '-r', '/run/b.pid', '-s', 'blue', '-u', '022', '-V', '-X', '--ignore-sigint']);
  assert.deepEqual(cl.errors, []);
  const o = supervisorOptions(cl.options);
  assert.equal(o.configFile, '/etc/ka.conf');
  assert.deepEqual(o.mode, { vrrp: true, checker: false, bfd: true, runAll: false });
  assert.equal(o.dontRespawn, true);
  assert.deepEqual(o.pidFiles, { main: '/run/a.pid', vrrp: '/run/b.pid' });
  assert.equal(o.namespace, 'blue');
  assert.equal(o.umask, 0o22);
  assert.equal(o.dontReleaseVrrp, true);
  assert.equal(o.releaseVips, true);
  assert.equal(o.ignoreSigint, true);
  assert.equal(o.logDetail, true);
  assert.deepEqual(o.log, { console: true, syslog: false, facility: 23, detail: 1 });
  assert.deepEqual(supervisorOptions(parseCommandLine(['--all', '-C']).options).mode, { vrrp: false, checker: true, bfd: true, runAll: true });
});

test('--signum answers as keepalived does', () => {
  assert.deepEqual(signumAction('JSON'), { stdout: '36\n', exitCode: 0 });
  assert.deepEqual(signumAction('TDATA'), { stderr: 'Unknown sigfunc TDATA\n', exitCode: 1 });
});
