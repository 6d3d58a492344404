/**
 * The script runner against real processes: exit codes, signals, the
 * timeout sequence on whole process groups, grandchildren, credentials,
 * environment, parent death, and the no-overlap rule for tracking scripts.
 */
import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingLog } from '../../../src/core/log-port.js';
import { ScriptRunner, type ScriptToRun } from '../../../src/core/scripts/runner.js';
import { TrackedScript } from '../../../src/core/scripts/tracked.js';
import { isRunning } from '../../../src/lab/process.js';

const dir = mkdtempSync('/tmp/ka-run-');
chmodSync(dir, 0o755);
const started: number[] = [];
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function sh(body: string, uid = 0, gid = 0): ScriptToRun {
  const p = join(dir, `s${n++}.sh`);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return { name: p, argv: [p], uid, gid };
}
const alive = isRunning;
async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}
function pidsIn(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

const log = new RecordingLog();
const runner = new ScriptRunner({ log, termGraceMs: 300, killRetryMs: 500, shutdownGraceMs: 300 });

test('exit codes, signals and exec errors come back as values', async () => {
  assert.deepEqual(pick(await runner.run(sh('exit 3')).result), { kind: 'exit', code: 3 });
  assert.deepEqual(pick(await runner.run(sh('kill -USR1 $$')).result), { kind: 'signal', signal: 'SIGUSR1' });
  const missing = await runner.run({ name: 'missing', argv: [join(dir, 'nope')], uid: 0, gid: 0 }).result;
  // through setpriv a missing file is setpriv's exit 127; without it, a spawn error
  assert.ok(missing.kind === 'error' || (missing.kind === 'exit' && missing.code === 127), JSON.stringify(missing));
  assert.deepEqual(pick(await runner.run(sh('exit 0'), { extraArgs: ['a b'] }).result), { kind: 'exit', code: 0 });
});

function pick(r: { kind: string; code?: number; signal?: string }): object {
  return r.kind === 'exit' ? { kind: r.kind, code: r.code } : { kind: r.kind, signal: r.signal };
}

test('arguments are passed verbatim, with no shell in between', async () => {
  const out = join(dir, 'args.out');
  const s = sh(`for a in "$@"; do printf '[%s]' "$a"; done > ${out}`);
  await runner.run({ ...s, argv: [...s.argv, 'a b', '$HOME', '`id`', "'q'"] }, { extraArgs: ['INSTANCE', 'VI_1'] }).result;
  assert.equal(readFileSync(out, 'utf8'), "[a b][$HOME][`id`]['q'][INSTANCE][VI_1]");
});

test('each run is the leader of its own process group and session', async () => {
  const r = await runner.run(sh('[ "$(ps -o pgid= -p $$ | tr -d " ")" = "$$" ] && [ "$(ps -o sid= -p $$ | tr -d " ")" = "$$" ]')).result;
  assert.deepEqual(pick(r), { kind: 'exit', code: 0 });
});

test('a hanging script is killed with its whole process group at its timeout', async () => {
  const pids = join(dir, 'hang.pids');
  const s = sh(`sleep 60 & echo "$$ $!" > ${pids}; sleep 60`);
  const t0 = Date.now();
  const r = await runner.run(s, { timeoutMs: 400 }).result;
  assert.equal(r.kind, 'timeout');
  assert.ok(Date.now() - t0 >= 400);
  const [leader, grandchild] = pidsIn(pids);
  started.push(leader!, grandchild!);
  assert.ok(await waitFor(() => !alive(grandchild!) && !alive(leader!), 1000), 'grandchild survived the timeout');
});

test('a group that ignores SIGTERM gets SIGKILL after the grace period', async () => {
  const pids = join(dir, 'stubborn.pids');
  const s = sh(`trap '' TERM; sleep 60 & echo "$$ $!" > ${pids}; while :; do sleep 1; done`);
  const t0 = Date.now();
  const r = await runner.run(s, { timeoutMs: 200 }).result;
  assert.deepEqual({ kind: r.kind, signal: r.kind === 'timeout' ? r.signal : '' }, { kind: 'timeout', signal: 'SIGKILL' });
  assert.ok(Date.now() - t0 >= 200 + 300, 'SIGKILL came before the grace period');
  const [, grandchild] = pidsIn(pids);
  started.push(grandchild!);
  assert.ok(await waitFor(() => !alive(grandchild!), 1000));
});

test('a script that catches SIGTERM and exits is reported with its code, and its group is swept', async () => {
  const pids = join(dir, 'catch.pids');
  const s = sh(`trap 'exit 7' TERM; sleep 60 & echo "$$ $!" > ${pids}; while :; do sleep 0.05; done`);
  const r = await runner.run(s, { timeoutMs: 200 }).result;
  assert.equal(r.kind, 'exit');
  assert.equal(r.kind === 'exit' && r.code, 7);
  assert.equal(r.kind === 'exit' && r.afterTimeout, true);
  const [, grandchild] = pidsIn(pids);
  started.push(grandchild!);
  assert.ok(await waitFor(() => !alive(grandchild!), 1000));
});

test('the environment is sanitised', async () => {
  const out = join(dir, 'env.out');
  const r = new ScriptRunner({
    log,
    env: { PATH: '/usr/bin:/bin', IFS: 'x', LD_PRELOAD: '/evil.so', LD_LIBRARY_PATH: '/evil', NOTIFY_SOCKET: '/run/x', KEEPALIVED_TS_DAEMON_FD: '3', KEEP: 'me' },
  });
  await r.run(sh(`env > ${out}`)).result;
  const env = readFileSync(out, 'utf8');
  assert.match(env, /^KEEP=me$/m);
  assert.match(env, /^PATH=\/usr\/bin:\/bin$/m);
  for (const gone of ['IFS=x', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'NOTIFY_SOCKET', 'KEEPALIVED_TS_']) assert.ok(!env.includes(gone), gone);
});

test('scripts run as their user, with only that group', async () => {
  const check = sh('[ "$(id -u)" = 65534 ] && [ "$(id -g)" = 65534 ] && [ "$(id -G)" = 65534 ]', 65534, 65534);
  assert.deepEqual(pick(await runner.run(check).result), { kind: 'exit', code: 0 });
  const noSetpriv = new ScriptRunner({ log: new RecordingLog(), setpriv: null });
  assert.deepEqual(pick(await noSetpriv.run(sh('[ "$(id -u)" = 65534 ] && [ "$(id -g)" = 65534 ]', 65534, 65534)).result), { kind: 'exit', code: 0 });
});

test('the </path form opens the file, as the script user when it is another', async () => {
  assert.deepEqual(pick(await runner.run({ name: 'f', argv: ['</etc/hostname'], fileTestPath: '/etc/hostname', uid: 0, gid: 0 }).result), { kind: 'exit', code: 0 });
  assert.deepEqual(pick(await runner.run({ name: 'f', argv: ['</nope'], fileTestPath: join(dir, 'nope'), uid: 0, gid: 0 }).result), { kind: 'exit', code: 1 });
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'x');
  chmodSync(secret, 0o600);
  const asNobody = await runner.run({ name: 'f', argv: [`<${secret}`], fileTestPath: secret, uid: 65534, gid: 65534 }).result;
  assert.equal(asNobody.kind, 'exit');
  assert.notEqual(asNobody.kind === 'exit' && asNobody.code, 0);
});

test('a tracking script never runs twice at once: overlapping runs are skipped', async () => {
  const tlog = new RecordingLog();
  const tracked = new TrackedScript(runner, { ...sh("trap '' TERM; while :; do sleep 0.1; done"), name: 'chk_slow' }, { timeoutMs: 300 }, tlog);
  const first = tracked.run();
  assert.deepEqual(await tracked.run(), { kind: 'skipped', reason: 'already running' });
  await new Promise((r) => setTimeout(r, 350));
  assert.deepEqual(await tracked.run(), { kind: 'skipped', reason: 'being timed out' });
  assert.equal((await first).kind, 'timeout');
  assert.equal(tracked.state, 'idle');
  assert.deepEqual(tracked.counters, { runs: 1, skips: 2 });
  assert.deepEqual(tlog.lines, [
    'Track script chk_slow is already running, expect idle - skipping run',
    'Track script chk_slow is being timed out, expect idle - skipping run',
  ]);
  // once idle, the next request runs again
  const again = tracked.run();
  assert.equal(tracked.state, 'running');
  assert.equal((await again).kind, 'timeout');
});

test('terminateAll stops every running group', async () => {
  const pids = join(dir, 'all.pids');
  const a = runner.run(sh(`sleep 60 & echo "$$ $!" > ${pids}; wait`));
  const ready = join(dir, 'all.ready');
  const b = runner.run(sh(`trap '' TERM; touch ${ready}; while :; do sleep 1; done`));
  await waitFor(() => existsSync(ready) && existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), 2000);
  await runner.terminateAll();
  assert.equal((await a.result).kind, 'signal');
  assert.deepEqual(pick(await b.result), { kind: 'signal', signal: 'SIGKILL' });
  const [, grandchild] = pidsIn(pids);
  started.push(grandchild!);
  assert.ok(await waitFor(() => !alive(grandchild!), 1000));
  assert.equal(runner.active, 0);
});

test('a script gets SIGTERM when the process that ran it is killed', async () => {
  const pidFile = join(dir, 'orphan.pid');
  const script = sh(`echo $$ > ${pidFile}; exec sleep 60`);
  const runnerModule = fileURLToPath(new URL('../../../src/core/scripts/runner.js', import.meta.url));
  const host = spawn(process.execPath, ['--input-type=module', '-e', `
    const { ScriptRunner } = await import(${JSON.stringify(runnerModule)});
    const r = new ScriptRunner({ log: { info() {}, warn() {}, error() {} } });
    r.run({ name: 's', argv: [${JSON.stringify(script.argv[0])}], uid: 0, gid: 0 });
    setInterval(() => {}, 1000);
  `], { stdio: 'ignore' });
  started.push(host.pid!);
  assert.ok(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 3000));
  const scriptPid = Number(readFileSync(pidFile, 'utf8'));
  started.push(scriptPid);
  assert.ok(alive(scriptPid));
  host.kill('SIGKILL');
  assert.ok(await waitFor(() => !alive(scriptPid), 1000), 'script outlived its parent');
});
