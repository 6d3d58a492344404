/**
 * Trackers against the real system, in a temporary directory: track_file
 * (writes in place, renames, deletion, init_file), vrrp_script rise/fall with
 * a script whose exit status a file controls, and vrrp_track_process with
 * processes this test starts and kills by pid.
 */
import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, writeSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingLog } from '../../../src/core/log-port.js';
import { ScriptRunner } from '../../../src/core/scripts/runner.js';
import { TrackFileTracker } from '../../../src/vrrp/track/file.js';
import { ProcessMonitor } from '../../../src/vrrp/track/process.js';
import type { TrackProcessSpec } from '../../../src/vrrp/track/process-match.js';
import { VrrpScriptTracker } from '../../../src/vrrp/track/script.js';
import { TrackerSetupError, type TrackerChange } from '../../../src/vrrp/track/types.js';

const dir = mkdtempSync('/tmp/ka-track-');
chmodSync(dir, 0o755);
const children = new Set<ChildProcess>();
/** Grandchildren (forked by our children): killed by pid at the end if still there. */
const strays = new Set<number>();
const stoppers: (() => void)[] = [];
after(() => {
  for (const s of stoppers) s();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(10);
  }
  return cond();
}

function record(t: { on(e: 'change', l: (c: TrackerChange) => void): unknown }): { changes: TrackerChange[]; at: number[] } {
  const r = { changes: [] as TrackerChange[], at: [] as number[] };
  t.on('change', (c) => {
    r.changes.push(c);
    r.at.push(Date.now());
  });
  return r;
}

test('track_file: one change per write, rename and deletion; init_file creates the file', async () => {
  const path = join(dir, 'weight');
  const log = new RecordingLog();
  const t = new TrackFileTracker({ name: 'tf', path, initFile: { value: 7, overwrite: false } }, log);
  stoppers.push(() => t.stop());
  const r = record(t);
  t.start();
  assert.equal(readFileSync(path, 'utf8'), '7\n');
  assert.deepEqual(r.changes, [{ kind: 'file', name: 'tf', status: 'down', value: 7 }]);

  // Rewritten in place, truncated first and written a few ms later, as a shell's `echo -20 > f`
  // may be: exactly one change, never the empty file's 0.
  await sleep(50);
  const fd = openSync(path, 'w');
  await sleep(5);
  writeSync(fd, '-20\n');
  closeSync(fd);
  assert.ok(await waitFor(() => r.changes.length === 2, 2000));
  await sleep(200);
  assert.deepEqual(r.changes.slice(1).map((c) => c.value), [-20]);

  // The same value again: no change.
  writeFileSync(path, '-20\n');
  await sleep(200);
  assert.equal(r.changes.length, 2);

  // Replaced by rename, as careful writers do.
  writeFileSync(join(dir, 'weight.tmp'), '0x10');
  renameSync(join(dir, 'weight.tmp'), path);
  assert.ok(await waitFor(() => r.changes.length === 3, 2000));
  assert.deepEqual(r.changes[2], { kind: 'file', name: 'tf', status: 'down', value: 16 });

  // Deleted: reads as 0.
  unlinkSync(path);
  assert.ok(await waitFor(() => r.changes.length === 4, 2000));
  assert.deepEqual(r.changes[3], { kind: 'file', name: 'tf', status: 'up', value: 0 });

  // Garbage beyond the int32 range is ignored, the value stays.
  writeFileSync(path, '99999999999');
  await sleep(200);
  assert.equal(r.changes.length, 4);
  assert.ok(log.lines.includes(`Invalid number 99999999999 read from ${path} - ignoring`));

  // Another file in the same directory is not ours.
  writeFileSync(join(dir, 'other'), '5');
  await sleep(200);
  assert.equal(r.changes.length, 4);
  t.stop();

  // init_file without overwrite keeps an existing file; with it, rewrites it.
  writeFileSync(path, '3\n');
  const keep = new TrackFileTracker({ name: 'k', path, initFile: { value: 9, overwrite: false } }, log);
  keep.start();
  keep.stop();
  assert.equal(readFileSync(path, 'utf8'), '3\n');
  const over = new TrackFileTracker({ name: 'o', path, initFile: { value: 9, overwrite: true } }, log);
  over.start();
  assert.equal(over.current?.value, 9);
  over.stop();
  assert.throws(
    () => new TrackFileTracker({ name: 'gone', path: join(dir, 'no-such-dir', 'f') }, log).start(),
    (e: unknown) => e instanceof TrackerSetupError && e.code === 'ETRACKFILEDIR' && e.message === 'Track file directory for gone does not exist - removing',
  );
});

test('vrrp_script: rise and fall counted on real runs, exit status from a file', async () => {
  const status = join(dir, 'status');
  writeFileSync(status, '0');
  const script = join(dir, 'check.sh');
  writeFileSync(script, `#!/bin/sh\nexit $(cat ${status})\n`);
  chmodSync(script, 0o755);
  const log = new RecordingLog();
  const runner = new ScriptRunner({ log });
  const t = new VrrpScriptTracker(
    { name: 'chk', script: { name: 'chk', argv: [script], uid: process.geteuid!(), gid: process.getegid!() }, intervalMs: 150, rise: 3, fall: 2, initFail: false },
    runner,
    log,
  );
  stoppers.push(() => t.stop());
  const r = record(t);
  t.start();
  // The first run decides.
  assert.ok(await waitFor(() => r.changes.length === 1, 2000));
  assert.equal(r.changes[0]!.status, 'up');
  const runsAtFailure = t.counters.runs;
  writeFileSync(status, '3');
  assert.ok(await waitFor(() => r.changes.length === 2, 3000));
  assert.equal(r.changes[1]!.status, 'down');
  // Two failing runs (fall 2); the run in flight when the file changed may have been a success.
  assert.ok(t.counters.runs - runsAtFailure >= 2 && t.counters.runs - runsAtFailure <= 3, `runs: ${t.counters.runs - runsAtFailure}`);
  const runsAtRecovery = t.counters.runs;
  writeFileSync(status, '0');
  assert.ok(await waitFor(() => r.changes.length === 3, 3000));
  assert.equal(r.changes[2]!.status, 'up');
  assert.ok(t.counters.runs - runsAtRecovery >= 3 && t.counters.runs - runsAtRecovery <= 4, `runs: ${t.counters.runs - runsAtRecovery}`);
  t.stop();
  await t.settled();
  assert.ok(log.lines.includes('Script `chk` now returning 3'));
  assert.ok(log.lines.includes('VRRP_Script(chk) failed (exited with status 3)'));
  assert.ok(log.lines.includes('VRRP_Script(chk) succeeded'));
});

test('vrrp_script: init_fail starts down; a run that outlives its timeout is a failure and runs never overlap', async () => {
  const script = join(dir, 'slow.sh');
  writeFileSync(script, '#!/bin/sh\nsleep 5\n');
  chmodSync(script, 0o755);
  const log = new RecordingLog();
  const runner = new ScriptRunner({ log, termGraceMs: 100 });
  const t = new VrrpScriptTracker(
    { name: 'slow', script: { name: 'slow', argv: [script], uid: process.geteuid!(), gid: process.getegid!() }, intervalMs: 100, timeoutMs: 250, rise: 1, fall: 1, initFail: true },
    runner,
    log,
  );
  stoppers.push(() => t.stop());
  const r = record(t);
  t.start();
  assert.deepEqual(r.changes.map((c) => c.status), ['down']);
  await sleep(600);
  t.stop();
  await t.settled();
  assert.ok(t.counters.skips >= 1, 'ticks during a run are skipped');
  assert.ok(log.lines.includes('Track script slow is already running, expect idle - skipping run'));
  assert.deepEqual(r.changes.map((c) => c.status), ['down'], 'timed-out runs keep it down');
});

// A copy of sleep(1) under a name of our own, so no other process on the machine matches.
const procName = `kts${process.pid % 100000}${Math.floor(Math.random() * 1000)}`.slice(0, 15);
const procPath = join(dir, procName);
copyFileSync('/bin/sleep', procPath);
chmodSync(procPath, 0o755);

function startProcess(): ChildProcess {
  const c = spawn(procPath, ['300'], { stdio: 'ignore' });
  children.add(c);
  return c;
}
function killProcess(c: ChildProcess): void {
  process.kill(c.pid!, 'SIGKILL');
}

const procSpec = (over: Partial<TrackProcessSpec>): TrackProcessSpec => ({
  name: 'p',
  process: procName,
  params: [],
  paramMatch: 'none',
  fullCommand: false,
  quorum: 1,
  forkDelayMs: 0,
  terminateDelayMs: 0,
  ...over,
});

/** A process that names itself NAME (prctl), forks, writes "forked" to a file and sleeps. */
function startForker(name: string, marker: string): ChildProcess {
  const code = [
    'import ctypes, os, time',
    `ctypes.CDLL(None).prctl(15, ${JSON.stringify(name)}.encode(), 0, 0, 0)`,
    'pid = os.fork()',
    `open(${JSON.stringify(marker)}, "w").write(str(pid)) if pid else None`,
    'time.sleep(300)',
  ].join('\n');
  const c = spawn('/usr/bin/python3', ['-c', code], { stdio: 'ignore' });
  children.add(c);
  return c;
}

for (const mode of ['events', 'rescan'] as const) {
  const options = mode === 'events' ? {} : { events: null, rescanIntervalMs: 100, noEventsReason: 'forced by the test' };

  test(`vrrp_track_process (${mode}): quorum 1 and 2 follow processes started and killed by pid`, async () => {
    const log = new RecordingLog();
    const m = new ProcessMonitor([procSpec({ name: 'one' }), procSpec({ name: 'two', quorum: 2 }), procSpec({ name: 'full', process: procPath, params: ['300'] })], log, options);
    stoppers.push(() => m.stop());
    const one = record(m.trackers.get('one')!);
    const two = record(m.trackers.get('two')!);
    const full = record(m.trackers.get('full')!);
    await m.start();
    assert.deepEqual([one, two, full].map((r) => r.changes.map((c) => `${c.status}${c.value}`)), [['down0'], ['down0'], ['down0']]);
    const a = startProcess();
    assert.ok(await waitFor(() => one.changes.length === 2, 3000), 'quorum 1 reached');
    assert.equal(one.changes[1]!.status, 'up');
    assert.ok(await waitFor(() => full.changes.length === 2, 3000), 'matched by its command line too');
    assert.equal(two.changes.length, 1);
    const b = startProcess();
    assert.ok(await waitFor(() => two.changes.length === 2, 3000), 'quorum 2 reached');
    assert.deepEqual(two.changes[1], { kind: 'process', name: 'two', status: 'up', value: 2 });
    killProcess(a);
    assert.ok(await waitFor(() => two.changes.length === 3, 3000), 'quorum 2 lost');
    assert.equal(two.changes[2]!.status, 'down');
    assert.equal(one.changes.length, 2, 'one process is still enough for quorum 1');
    killProcess(b);
    assert.ok(await waitFor(() => one.changes.length === 3, 3000), 'quorum 1 lost');
    assert.equal(one.changes[2]!.status, 'down');
    assert.ok(log.lines.includes('Quorum lost for tracked process one'));
    // Which way changes were followed, and that it said so.
    assert.equal(m.mode, mode);
    const fellBack = log.lines.some((l) => l.startsWith('track_process: process events are not available'));
    assert.equal(fellBack, mode === 'rescan', log.lines.join('\n'));
    m.stop();
  });

  test(`vrrp_track_process (${mode}): delay hides a quick restart and delays the loss`, async () => {
    const log = new RecordingLog();
    const m = new ProcessMonitor([procSpec({ name: 'd', terminateDelayMs: 800, forkDelayMs: 800 })], log, options);
    stoppers.push(() => m.stop());
    const a = startProcess();
    const r = record(m.trackers.get('d')!);
    await m.start();
    assert.deepEqual(r.changes.map((c) => c.status), ['up']);
    // Killed and replaced within the delay: never reported.
    killProcess(a);
    await sleep(300);
    const b = startProcess();
    await sleep(1000);
    assert.deepEqual(r.changes.map((c) => c.status), ['up']);
    const killedAt = Date.now();
    killProcess(b);
    assert.ok(await waitFor(() => r.changes.length === 2, 3000));
    assert.equal(r.changes[1]!.status, 'down');
    const waited = r.at[1]! - killedAt;
    assert.ok(waited >= 750 && waited < 1500, `down reported after ${waited} ms`);
    m.stop();
  });

  test(`vrrp_track_process (${mode}): a fork of a counted process waits fork_delay; a rename counts at once`, async () => {
    const name = `ktf${process.pid % 10000}${mode[0]}`;
    const marker = join(dir, `forked-${mode}`);
    const log = new RecordingLog();
    const m = new ProcessMonitor([procSpec({ name: 'f', process: name, quorum: 2, forkDelayMs: 600 }), procSpec({ name: 'f1', process: name })], log, options);
    stoppers.push(() => m.stop());
    const two = record(m.trackers.get('f')!);
    const one = record(m.trackers.get('f1')!);
    await m.start();
    const c = startForker(name, marker);
    assert.ok(await waitFor(() => one.changes.length === 2, 3000), 'the renamed process is counted');
    assert.ok(await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8') !== '', 3000));
    const forkedAt = Date.now();
    const child = Number(readFileSync(marker, 'utf8'));
    strays.add(child);
    assert.ok(await waitFor(() => two.changes.length === 2, 3000));
    const waited = two.at[1]! - forkedAt;
    assert.deepEqual(two.changes[1], { kind: 'process', name: 'f', status: 'up', value: 2 });
    assert.ok(waited >= 350, `quorum by fork reported after ${waited} ms (fork_delay 600)`);
    killProcess(c);
    assert.ok(await waitFor(() => two.changes.length === 3, 3000));
    assert.equal(two.changes[2]!.status, 'down');
    process.kill(child, 'SIGKILL');
    strays.delete(child);
    assert.ok(await waitFor(() => one.changes.length === 3, 3000));
    assert.deepEqual(one.changes[2], { kind: 'process', name: 'f1', status: 'down', value: 0 });
    m.stop();
  });
}
