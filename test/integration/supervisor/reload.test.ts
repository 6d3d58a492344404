/**
 * Reloads: a broken config never takes the daemon down, a good one reaches
 * every child as its new part plus the diff, a reload can start a child the
 * new config needs, and changes that need a restart are refused.
 * What each child holds is read back from its own USR1 dump.
 */
import { test, afterEach } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync, existsSync, unlinkSync } from 'node:fs';
import { TestDaemon, waitFor } from '../../harness/supervisor/daemon-process.js';

const V1 = {
  global: { childWaitTimeMs: 2000 },
  vrrp: { instances: [{ name: 'VI_1', priority: 100 }] },
  checker: { virtualServers: [{ name: '10.0.0.1 80', delay_loop: 6 }] },
};

let daemon: TestDaemon | undefined;
afterEach(() => {
  daemon?.cleanup();
  daemon = undefined;
});

/** USR1, then the dumps written by the parent and each running child. */
async function dumps(d: TestDaemon, files: string[]): Promise<Record<string, string>> {
  for (const f of files) if (existsSync(d.path(f))) unlinkSync(d.path(f));
  d.signal('SIGUSR1');
  await waitFor(() => files.every((f) => existsSync(d.path(f))), 3000, `dumps ${files.join(', ')}`);
  return Object.fromEntries(files.map((f) => [f, readFileSync(d.path(f), 'utf8')]));
}

test('a broken config leaves the daemon running on the old one; a good one reaches every child', { timeout: 30_000 }, async () => {
  daemon = new TestDaemon();
  const checkLog = daemon.path('reload-check.log');
  daemon.writeConfig({ ...V1, global: { ...V1.global, reloadCheckLog: checkLog } });
  daemon.start();
  await daemon.waitForLine(/Startup complete/, 8000);
  const pids = [daemon.childPid('VRRP'), daemon.childPid('Healthcheck')];

  // broken: a syntax error on line 3
  daemon.writeConfig('{\n "vrrp": {\n   "instances": [ oops ]\n }\n}\n');
  let from = daemon.lines.length;
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/config\.json:3:\d+: error: /, 5000, from);
  await daemon.waitForLine(/Reload failed: .*keeping the running configuration \(generation 0\)/, 5000, from);
  assert.ok(daemon.matching(new RegExp(`New config failed validation, see ${checkLog} for details`), from).length === 1);
  assert.match(readFileSync(checkLog, 'utf8'), /config\.json:3:\d+: error: /);
  let d = await dumps(daemon, ['keepalived_parent.data', 'keepalived.data', 'keepalived_check.data']);
  assert.match(d['keepalived_parent.data']!, /Configuration generation = 0/);
  assert.match(d['keepalived.data']!, /Reloads = 0[\s\S]*name = VI_1\n\s+priority = 100/);
  assert.deepEqual([daemon.childPid('VRRP'), daemon.childPid('Healthcheck')], pids, 'children were restarted');

  // good: VI_1 priority changes, VI_2 appears, the virtual server goes, BFD appears
  daemon.writeConfig({
    ...V1,
    global: { ...V1.global, reloadCheckLog: checkLog },
    vrrp: { instances: [{ name: 'VI_1', priority: 150 }, { name: 'VI_2', priority: 50 }] },
    checker: { virtualServers: [{ name: '10.0.0.9 443', delay_loop: 3 }] },
    bfd: { instances: [{ name: 'b1' }] },
  });
  from = daemon.lines.length;
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/Starting BFD child process, pid=\d+/, 5000, from);
  await daemon.waitForLine(/Reload complete/, 8000, from);
  assert.ok(daemon.matching(/Configuration generation 1: \d+ change\(s\)/, from).length === 1);
  d = await dumps(daemon, ['keepalived_parent.data', 'keepalived.data', 'keepalived_check.data', 'keepalived_bfd.data']);
  assert.match(d['keepalived_parent.data']!, /Configuration generation = 1/);
  assert.match(d['keepalived.data']!, /Reloads = 1\n.*2 change\(s\):\n {3}~ instances VI_1 priority: 100 -> 150\n {3}\+ instances VI_2\n/);
  assert.match(d['keepalived_check.data']!, /Reloads = 1\n.*2 change\(s\):\n {3}- virtualServers 10\.0\.0\.1 80\n {3}\+ virtualServers 10\.0\.0\.9 443\n/);
  assert.match(d['keepalived_bfd.data']!, /Reloads = 0[\s\S]*name = b1/);
  assert.deepEqual([daemon.childPid('VRRP'), daemon.childPid('Healthcheck')], pids, 'a reload must not restart children');
  assert.equal(readFileSync(checkLog, 'utf8'), '', 'a clean check leaves an empty log');

  daemon.signal('SIGTERM');
  assert.equal(await daemon.waitForExit(), 0);
});

test('a reload changing the instance name or namespace is refused', { timeout: 20_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig({ ...V1, global: { ...V1.global, instance: 'A' } });
  daemon.start();
  await daemon.waitForLine(/Startup complete/, 8000);
  daemon.writeConfig({ ...V1, global: { ...V1.global, instance: 'B' }, vrrp: { instances: [{ name: 'VI_1', priority: 1 }] } });
  const from = daemon.lines.length;
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/Cannot change instance name at a reload - please restart keepalived/, 5000, from);
  await daemon.waitForLine(/Reload failed - keeping the running configuration \(generation 0\)/, 5000, from);
  const d = await dumps(daemon, ['keepalived.data']);
  assert.match(d['keepalived.data']!, /priority = 100/);
});

test('HUPs during a reload are queued and the last config wins', { timeout: 20_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig(V1);
  daemon.start();
  await daemon.waitForLine(/Startup complete/, 8000);
  const from = daemon.lines.length;
  daemon.writeConfig({ ...V1, vrrp: { instances: [{ name: 'VI_1', priority: 102 }] } });
  // A burst: the second and third arrive while the first reload is in flight
  // (it reads the file and waits for every child), or are merged with it by
  // the kernel; either way they must not start reloads of their own.
  daemon.signal('SIGHUP');
  daemon.signal('SIGHUP');
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/Reload complete/, 8000, from);
  await waitFor(
    () => daemon!.matching(/Reloading \.\.\./, from).length === daemon!.matching(/Reload complete/, from).length,
    8000,
    'queued reloads to finish',
  );
  await new Promise((r) => setTimeout(r, 200));
  const reloads = daemon.matching(/Reloading \.\.\./, from).length;
  assert.ok(reloads >= 1 && reloads <= 2, `${reloads} reloads for three HUPs`);
  const d = await dumps(daemon, ['keepalived.data']);
  assert.match(d['keepalived.data']!, /priority = 102/);
});
