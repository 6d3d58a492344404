/**
 * The watchdog: children killed with -9 come back with keepalived's back-off,
 * children die with their parent, -R and permanent exit codes end the daemon,
 * a child speaking outside the protocol is killed and restarted.
 * Delays are read from the supervisor's own log ("Restart of VRRP process
 * delayed N seconds"); timing is only checked as a lower bound.
 */
import { test, afterEach } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestDaemon, alive, waitFor, type LogLine } from '../../harness/supervisor/daemon-process.js';

const FIXTURE_CHILD = fileURLToPath(new URL('../../harness/supervisor/fixture-child.js', import.meta.url));
const ALL_PARTS = {
  global: { childWaitTimeMs: 2000 },
  vrrp: { instances: [{ name: 'VI_1', priority: 100 }] },
  checker: { virtualServers: [{ name: '10.0.0.1 80' }] },
  bfd: { instances: [{ name: 'bfd1', neighbor_ip: '10.0.0.2' }] },
};

let daemon: TestDaemon | undefined;
afterEach(() => {
  daemon?.cleanup();
  daemon = undefined;
});

const DISPLAYS = ['VRRP', 'Healthcheck', 'BFD'] as const;

test('kill -9 of each child, repeatedly: respawned after 0, 1, 2, 4 s', { timeout: 40_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig(ALL_PARTS);
  daemon.start();
  await daemon.waitForLine(/Startup complete/, 8000);

  for (let round = 0; round < 4; round++) {
    const victims = DISPLAYS.map((d) => ({ display: d, pid: daemon!.childPid(d)!, from: daemon!.lines.length }));
    for (const v of victims) process.kill(v.pid, 'SIGKILL');
    for (const v of victims) {
      const died: LogLine = await daemon.waitForLine(new RegExp(`${v.display} child process\\(${v.pid}\\) died: Respawning`), 5000, v.from);
      const delay: LogLine = await daemon.waitForLine(new RegExp(`Restart of ${v.display} process delayed (\\d+) seconds`), 5000, v.from);
      const restarted: LogLine = await daemon.waitForLine(new RegExp(`Starting ${v.display} child process, pid=(?!${v.pid}\\b)\\d+`), 10_000, v.from);
      const seconds: number = Number(/delayed (\d+) seconds/.exec(delay.text)![1]);
      assert.equal(seconds, [0, 1, 2, 4][round], `${v.display} round ${round}`);
      assert.ok(restarted.at - died.at >= seconds * 1000 - 50, `${v.display} restarted after ${restarted.at - died.at} ms, before its ${seconds} s delay`);
    }
    // the new children take their config before the next round
    for (const d of DISPLAYS) assert.ok(alive(daemon.childPid(d)!), `${d} child not running after round ${round}`);
  }
  assert.equal(daemon.matching(/Keepalived_vrrp exited due to signal SIGKILL/).length, 4);
});

test('kill -9 of the parent: every child is gone within a second', { timeout: 20_000 }, async (t) => {
  daemon = new TestDaemon();
  daemon.writeConfig(ALL_PARTS);
  daemon.start();
  await daemon.waitForLine(/Startup complete/, 8000);
  const children = DISPLAYS.map((d) => daemon!.childPid(d)!);
  assert.ok(children.every(alive));
  const t0 = Date.now();
  daemon.signal('SIGKILL');
  await waitFor(() => children.every((p) => !alive(p)), 1000, 'every child to exit after the parent died');
  const ms = Date.now() - t0;
  t.diagnostic(`all children gone ${ms} ms after the parent's SIGKILL`);
  assert.ok(ms <= 1000, `children took ${ms} ms`);
  // and they released what they own: their pid files are gone
  for (const f of ['vrrp.pid', 'checkers.pid', 'bfd.pid']) assert.equal(existsSync(daemon.path(f)), false, f);
});

test('-R: a dead child ends the daemon', { timeout: 20_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig(ALL_PARTS);
  daemon.start({ dontRespawn: true });
  await daemon.waitForLine(/Startup complete/, 8000);
  const checker = daemon.childPid('Healthcheck')!;
  const others = [daemon.childPid('VRRP')!, daemon.childPid('BFD')!];
  process.kill(checker, 'SIGKILL');
  await daemon.waitForLine(new RegExp(`Healthcheck child process\\(${checker}\\) died: Exiting`));
  assert.equal(await daemon.waitForExit(), 0);
  assert.ok(others.every((p) => !alive(p)));
  assert.equal(daemon.matching(/Respawning/).length, 0);
});

test('a permanent exit code (2, CONFIG) terminates the daemon with that code', { timeout: 20_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig({ vrrp: ALL_PARTS.vrrp });
  daemon.start({}, { args: ['--child-entry', FIXTURE_CHILD], env: { KA_FIXTURE_MODE: 'exit2' } });
  await daemon.waitForLine(/Keepalived_vrrp exited with permanent error CONFIG\. Terminating/, 8000);
  assert.equal(await daemon.waitForExit(), 2);
  assert.equal(daemon.matching(/Respawning/).length, 0);
});

test('a child sending a message outside the protocol is killed and respawned', { timeout: 20_000 }, async () => {
  daemon = new TestDaemon();
  daemon.writeConfig({ vrrp: ALL_PARTS.vrrp });
  daemon.start({}, { args: ['--child-entry', FIXTURE_CHILD], env: { KA_FIXTURE_MODE: 'bad-message' } });
  const line = await daemon.waitForLine(/internal error: malformed message from the VRRP child \(pid \d+\): unknown message type: \{"type":"bogus"/, 8000);
  assert.ok(line);
  await daemon.waitForLine(/VRRP child process\(\d+\) died: Respawning/);
  daemon.signal('SIGTERM');
  assert.equal(await daemon.waitForExit(), 0);
});
