import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingLog } from '../../../src/core/log-port.js';
import { daemonAlreadyRunning, pidFileInUse, pidFileNames, writePidFile } from '../../../src/supervisor/pidfile.js';
import { DEFAULT_MODE } from '../../../src/supervisor/roles.js';

const dir = mkdtempSync('/tmp/ka-pid-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('default names follow the 2.2.7 code, not the man page', () => {
  assert.deepEqual(pidFileNames({}), { main: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checker: '/run/checkers.pid', bfd: '/run/bfd.pid' });
  assert.deepEqual(pidFileNames({ usePidDir: true }), {
    main: '/run/keepalived/keepalived.pid',
    vrrp: '/run/keepalived/vrrp.pid',
    checker: '/run/keepalived/checkers.pid',
    bfd: '/run/keepalived/bfd.pid',
  });
  assert.deepEqual(pidFileNames({ instance: 'nodeA' }), {
    main: '/run/keepalived/keepalived_nodeA.pid',
    vrrp: '/run/keepalived/vrrp_nodeA.pid',
    checker: '/run/keepalived/checkers_nodeA.pid',
    bfd: '/run/keepalived/bfd_nodeA.pid',
  });
  // a namespace's pid directory, as seen outside keepalived's mount namespace
  assert.equal(pidFileNames({ netns: 'blue' }).main, '/run/keepalived/blue/keepalived.pid');
  assert.equal(pidFileNames({ netns: 'blue', instance: 'A' }).vrrp, '/run/keepalived/blue/vrrp_A.pid');
  // -p/-r/-c/-b always win
  assert.deepEqual(pidFileNames({ instance: 'x', overrides: { main: '/p', checker: '/c' } }), {
    main: '/p',
    vrrp: '/run/keepalived/vrrp_x.pid',
    checker: '/c',
    bfd: '/run/keepalived/bfd_x.pid',
  });
});

test('pid files are written 0644 whatever the umask, and never through a symlink', () => {
  const log = new RecordingLog();
  const old = process.umask(0o177);
  try {
    const p = join(dir, 'a.pid');
    assert.equal(writePidFile(p, 1234, log), true);
    assert.equal(readFileSync(p, 'utf8'), '1234\n');
    assert.equal(statSync(p).mode & 0o777, 0o644);
    const target = join(dir, 'target');
    symlinkSync(target, join(dir, 'link.pid'));
    assert.equal(writePidFile(join(dir, 'link.pid'), 1, log), false);
    assert.equal(existsSync(target), false);
  } finally {
    process.umask(old);
  }
});

test('a live pid means running; a dead one is a stale file, removed; garbage is removed but counts once', () => {
  const log = new RecordingLog();
  const live = join(dir, 'live.pid');
  writeFileSync(live, `${process.pid}\n`);
  assert.equal(pidFileInUse(live, log), true);

  const dead = spawnSync('true').pid!;
  const stale = join(dir, 'stale.pid');
  writeFileSync(stale, `${dead}\n`);
  assert.equal(pidFileInUse(stale, log), false);
  assert.equal(existsSync(stale), false);
  assert.deepEqual(log.lines, [`Remove a zombie pid file ${stale}`]);

  const junk = join(dir, 'junk.pid');
  writeFileSync(junk, 'hello\n');
  assert.equal(pidFileInUse(junk, log), true);
  assert.equal(existsSync(junk), false);
  assert.equal(pidFileInUse(join(dir, 'missing.pid'), log), false);
});

test('a child pid file counts only for children this mode would run', () => {
  const log = new RecordingLog();
  const names = { main: join(dir, 'm.pid'), vrrp: join(dir, 'v.pid'), checker: join(dir, 'c.pid'), bfd: join(dir, 'b.pid') };
  writeFileSync(names.checker, `${process.pid}\n`);
  assert.equal(daemonAlreadyRunning(names, DEFAULT_MODE, log), true);
  assert.equal(daemonAlreadyRunning(names, { ...DEFAULT_MODE, checker: false }, log), false);
});
