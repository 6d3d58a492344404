/**
 * Start and stop: pid files and the refusal of a second daemon, orderly stop
 * within child_wait_time, startup and shutdown scripts, dump file names,
 * daemonising, network namespaces and per-child scheduling.
 */
import { test, afterEach } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestDaemon, alive, isOurs, waitFor } from '../../harness/supervisor/daemon-process.js';

const FIXTURE_CHILD = fileURLToPath(new URL('../../harness/supervisor/fixture-child.js', import.meta.url));
const VRRP_ONLY = { global: { childWaitTimeMs: 1000 }, vrrp: { instances: [{ name: 'VI_1' }] } };

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
function track(d: TestDaemon): TestDaemon {
  cleanups.push(() => d.cleanup());
  return d;
}

function procStat(pid: number, path = `/proc/${pid}/stat`): string[] {
  const s = readFileSync(path, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

test('TERM: every child stops in order, pid files go, exit 0', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig({ ...VRRP_ONLY, checker: { virtualServers: [{ name: 'vs' }] } });
  d.start();
  await d.waitForLine(/Startup complete/, 8000);
  assert.equal(readFileSync(d.path('keepalived.pid'), 'utf8'), `${d.pid}\n`);
  assert.equal(readFileSync(d.path('vrrp.pid'), 'utf8'), `${d.childPid('VRRP')}\n`);
  assert.equal(readFileSync(d.path('checkers.pid'), 'utf8'), `${d.childPid('Healthcheck')}\n`);
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
  for (const f of ['keepalived.pid', 'vrrp.pid', 'checkers.pid']) assert.equal(existsSync(d.path(f)), false, f);
  const order = d.lines.map((l) => l.text).filter((t) => /Stopping$|: stopped$|Stopped keepalived-ts/.test(t));
  assert.match(order[0]!, /Stopping$/);
  assert.match(order.at(-1)!, /Stopped keepalived-ts/);
  assert.equal(order.filter((t) => t.endsWith(': stopped')).length, 2);
});

test('with an empty config the parent runs alone until stopped', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig({});
  d.start();
  await d.waitForLine(/Warning - keepalived has no configuration to run/, 5000);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(alive(d.pid), 'the parent exited on its own');
  d.signal('SIGUSR1');
  await waitFor(() => existsSync(d.path('keepalived_parent.data')), 3000, 'the parent dump');
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
  assert.equal(existsSync(d.path('keepalived.pid')), false);
});

test('INT stops like TERM, unless --ignore-sigint', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig(VRRP_ONLY);
  d.start({ ignoreSigint: true });
  await d.waitForLine(/Startup complete/, 8000);
  d.signal('SIGINT');
  process.kill(d.childPid('VRRP')!, 'SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(alive(d.pid) && alive(d.childPid('VRRP')!));
  assert.equal(d.matching(/Stopping|stopping/).length, 0);
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);

  const e = track(new TestDaemon());
  e.writeConfig(VRRP_ONLY);
  e.start();
  await e.waitForLine(/Startup complete/, 8000);
  e.signal('SIGINT');
  assert.equal(await e.waitForExit(), 0);
});

test('a child that ignores the stop request is killed after child_wait_time', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig(VRRP_ONLY);
  d.start({}, { args: ['--child-entry', FIXTURE_CHILD], env: { KA_FIXTURE_MODE: 'ignore-stop' } });
  await d.waitForLine(/Startup complete/, 8000);
  const child = d.childPid('VRRP')!;
  const t0 = Date.now();
  d.signal('SIGTERM');
  await d.waitForLine(/vrrp process failed to die - forcing termination/, 5000);
  assert.equal(await d.waitForExit(), 0);
  assert.ok(Date.now() - t0 >= 1000, 'killed before child_wait_time');
  assert.equal(alive(child), false);
});

test('a second daemon on the same pid files is refused; a stale pid file is not in the way', { timeout: 20_000 }, async () => {
  const first = track(new TestDaemon());
  first.writeConfig(VRRP_ONLY);
  first.start();
  await first.waitForLine(/Startup complete/, 8000);

  const second = track(new TestDaemon());
  second.writeConfig(VRRP_ONLY);
  second.start({ runDir: first.dir });
  await second.waitForLine(/daemon is already running/, 5000);
  assert.equal(await second.waitForExit(), 0);
  assert.ok(alive(first.pid));
  assert.equal(readFileSync(first.path('keepalived.pid'), 'utf8'), `${first.pid}\n`);

  first.signal('SIGTERM');
  await first.waitForExit();
  const dead = spawnSync('true').pid!;
  writeFileSync(first.path('keepalived.pid'), `${dead}\n`);
  const third = track(new TestDaemon());
  third.writeConfig(VRRP_ONLY);
  third.start({ runDir: first.dir });
  await third.waitForLine(new RegExp(`Remove a zombie pid file ${first.path('keepalived.pid')}`), 5000);
  await third.waitForLine(/Startup complete/, 8000);
  assert.equal(readFileSync(first.path('keepalived.pid'), 'utf8'), `${third.pid}\n`);
});

test('startup script before the children, shutdown script after them; a hanging startup script times out', { timeout: 30_000 }, async () => {
  const d = track(new TestDaemon());
  const marks = d.path('marks');
  const script = (name: string, body: string): string => {
    const p = d.path(name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  const up = script('up.sh', `echo "up $(cat ${d.dir}/vrrp.pid 2>/dev/null || echo none)" >> ${marks}`);
  const down = script('down.sh', `echo "down $(cat ${d.dir}/vrrp.pid 2>/dev/null || echo none)" >> ${marks}`);
  d.writeConfig({
    ...VRRP_ONLY,
    global: { ...VRRP_ONLY.global, startupScript: { argv: [up, 'arg'] }, shutdownScript: { argv: [down] }, scriptSecurity: true, scriptUser: { user: 'root' } },
  });
  d.start();
  await d.waitForLine(/Startup complete/, 8000);
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
  assert.deepEqual(readFileSync(marks, 'utf8').trim().split('\n'), ['up none', 'down none']);
  assert.equal(d.matching(/SECURITY VIOLATION/).length, 0);

  const slow = track(new TestDaemon());
  const hang = script('hang.sh', 'sleep 60');
  slow.writeConfig({ ...VRRP_ONLY, global: { ...VRRP_ONLY.global, startupScript: { argv: [hang] }, startupScriptTimeoutMs: 1000 } });
  const t0 = Date.now();
  slow.start();
  await slow.waitForLine(/startup script timed out/, 5000);
  await slow.waitForLine(/Startup complete/, 8000);
  assert.ok(Date.now() - t0 >= 1000);
  assert.equal(slow.matching(/SECURITY VIOLATION - start\/shutdown scripts are being executed but script_security not enabled\./).length, 1);
});

test('an insecure startup script is refused under script security, with the reason', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  const p = d.path('ww.sh');
  writeFileSync(p, '#!/bin/sh\ntouch /tmp/should-not-exist\n');
  chmodSync(p, 0o777);
  d.writeConfig({ ...VRRP_ONLY, global: { ...VRRP_ONLY.global, startupScript: { argv: [p] }, scriptSecurity: true, scriptUser: { user: 'root' } } });
  d.start();
  await d.waitForLine(new RegExp(`Unsafe permissions found for script '${p}' - disabling: ${p} is writable by every user \\(mode 0777\\)`), 5000);
  await d.waitForLine(/Not running startup script/, 5000);
  await d.waitForLine(/Startup complete/, 8000);
});

test('dump files follow instance and data_use_instance', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig({ ...VRRP_ONLY, global: { ...VRRP_ONLY.global, instance: 'nodeA', dataUseInstance: true } });
  d.start();
  await d.waitForLine(/Startup complete/, 8000);
  // with `instance` the pid files move into RUNDIR/keepalived/ with the instance in their names
  assert.equal(readFileSync(d.path('keepalived/keepalived_nodeA.pid'), 'utf8'), `${d.pid}\n`);
  assert.ok(existsSync(d.path('keepalived/vrrp_nodeA.pid')));
  d.signal('SIGUSR1');
  await waitFor(() => existsSync(d.path('keepalived_parent.nodeA.data')) && existsSync(d.path('keepalived.nodeA.data')), 3000, 'dumps');
  assert.equal(statSync(d.path('keepalived.nodeA.data')).mode & 0o777, 0o600, "keepalived's default umask 0177");
  d.signal('SIGUSR2');
  await waitFor(() => existsSync(d.path('keepalived.stats')), 3000, 'stats');
  d.signal('SIGTERM');
  await d.waitForExit();
  assert.equal(existsSync(d.path('keepalived')), false, 'the pid directory is removed when empty');
});

test('realtime signals: JSON and STATS_CLEAR reach the VRRP child, TDUMP is logged', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig(VRRP_ONLY);
  d.start();
  await d.waitForLine(/Startup complete/, 8000);
  assert.equal(d.matching(/Cannot catch/).length, 0, 'the native addon should catch realtime signals');
  d.signal(36 as unknown as NodeJS.Signals); // keepalived --signum=JSON
  await waitFor(() => existsSync(d.path('keepalived.json')), 3000, 'keepalived.json');
  const json = readFileSync(d.path('keepalived.json'), 'utf8');
  assert.equal(JSON.parse(json).process, 'Keepalived_vrrp', json);
  d.signal(63 as unknown as NodeJS.Signals); // STATS_CLEAR
  await waitFor(() => existsSync(d.path('keepalived.stats')), 3000, 'keepalived.stats');
  d.signal(64 as unknown as NodeJS.Signals); // TDUMP
  await d.waitForLine(/Thread dump on SIGRTMAX: active handles/, 3000);
  // sent straight to the child, as keepalived's children also accept
  const child = d.childPid('VRRP')!;
  rmSync(d.path('keepalived.json'));
  process.kill(child, 36);
  await waitFor(() => existsSync(d.path('keepalived.json')), 3000, 'keepalived.json from the child itself');
  assert.ok(alive(d.pid) && alive(child));
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
});

test('without -n the daemon detaches: the launcher exits once the daemon is ready', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig(VRRP_ONLY);
  // a relative -f, as an operator types it: resolved in the launcher's directory
  const launcher = d.start({ configFile: 'config.json' }, { fork: true, cwd: d.dir });
  assert.equal(await d.waitForExit(8000), 0);
  const daemonPid = Number(readFileSync(d.path('keepalived.pid'), 'utf8'));
  d.knownPids.add(daemonPid);
  assert.notEqual(daemonPid, launcher.pid);
  assert.ok(alive(daemonPid) && isOurs(daemonPid));
  const [, ppid, , sid] = procStat(daemonPid);
  assert.equal(Number(sid), daemonPid, 'the daemon is a session leader');
  assert.notEqual(Number(ppid), launcher.pid);
  assert.equal(readlinkSync(`/proc/${daemonPid}/cwd`), '/');
  assert.equal(readlinkSync(`/proc/${daemonPid}/fd/0`), '/dev/null');
  await waitFor(() => existsSync(d.path('vrrp.pid')), 5000, 'the VRRP child');
  const child = Number(readFileSync(d.path('vrrp.pid'), 'utf8'));
  d.knownPids.add(child);
  process.kill(daemonPid, 'SIGUSR1');
  await waitFor(() => existsSync(d.path('keepalived_parent.data')), 3000, 'the parent dump');
  assert.match(readFileSync(d.path('keepalived_parent.data'), 'utf8'), new RegExp(`Config file = ${d.configFile}\n`));
  process.kill(daemonPid, 'SIGTERM');
  await waitFor(() => !alive(daemonPid) && !alive(child), 5000, 'the daemon to stop');

  // a failed start is reported by the launcher with the daemon's exit code and reason
  const bad = track(new TestDaemon());
  bad.writeConfig('{ not json');
  bad.start({}, { fork: true });
  assert.equal(await bad.waitForExit(8000), 6);
  assert.ok(bad.matching(/config\.json:1:\d+: error:/).length === 1);
});

test('-s NAME: children run inside the network namespace', { timeout: 20_000 }, async () => {
  const ns = `kats${process.pid}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0);
  cleanups.push(() => void spawnSync('ip', ['netns', 'del', ns]));
  const d = track(new TestDaemon());
  d.writeConfig(VRRP_ONLY);
  d.start({ namespace: ns });
  await d.waitForLine(/Startup complete/, 8000);
  const nsInode = statSync(`/run/netns/${ns}`).ino;
  const childNs = readlinkSync(`/proc/${d.childPid('VRRP')}/ns/net`);
  assert.equal(childNs, `net:[${nsInode}]`);
  assert.notEqual(readlinkSync(`/proc/${d.pid}/ns/net`), childNs, 'the parent stays outside');
  // keepalived's pid directory for a namespace, as seen from outside
  assert.ok(existsSync(d.path(`keepalived/${ns}/vrrp.pid`)));
  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
});

test('per-child nice, realtime priority, memory locking, CPU affinity and process name', { timeout: 20_000 }, async () => {
  const d = track(new TestDaemon());
  d.writeConfig({
    ...VRRP_ONLY,
    checker: { virtualServers: [{ name: 'vs' }] },
    bfd: { instances: [{ name: 'b1' }] },
    global: {
      ...VRRP_ONLY.global,
      tuning: { vrrp: { rtPriority: 10, noSwap: true }, checker: { nice: 5, cpuAffinity: [0] }, bfd: { processName: 'ka-test-bfd' } },
    },
  });
  d.start();
  await d.waitForLine(/Startup complete/, 8000);
  const vrrp = d.childPid('VRRP')!;
  const checker = d.childPid('Healthcheck')!;
  // /proc/PID/stat: field 19 nice, 41 policy (SCHED_RR = 2, with RESET_ON_FORK not shown), 40 rt_priority
  assert.equal(Number(procStat(checker)[16]), 5);
  assert.equal(Number(procStat(vrrp)[37]), 10);
  assert.equal(Number(procStat(vrrp)[38]), 2);
  const threads = readdirSync(`/proc/${vrrp}/task`).map(Number);
  assert.ok(threads.length > 1);
  const rr = threads.filter((t) => {
    try {
      return Number(procStat(t, `/proc/${vrrp}/task/${t}/stat`)[38]) === 2;
    } catch {
      return false; // a thread that just ended
    }
  });
  assert.deepEqual(rr, [vrrp], 'only the event-loop thread is realtime');
  // every thread of the checker is confined to CPU 0
  for (const t of readdirSync(`/proc/${checker}/task`)) {
    assert.match(readFileSync(`/proc/${checker}/task/${t}/status`, 'utf8'), /Cpus_allowed_list:\s+0\n/);
  }
  assert.equal(readFileSync(`/proc/${d.childPid('BFD')}/comm`, 'utf8'), 'ka-test-bfd\n');
  // vrrp_no_swap: mlockall() locked the VRRP child's memory, and only its
  const locked = (pid: number) => Number(/^VmLck:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  assert.ok(locked(vrrp) > 1024, `VmLck ${locked(vrrp)} kB`);
  assert.equal(locked(checker), 0);
  // keepalived's default vrrp_rlimit_rttime: hard 10000 µs, soft half of it
  assert.match(readFileSync(`/proc/${vrrp}/limits`, 'utf8'), /Max realtime timeout\s+5000\s+10000\s+us/);
});
