import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import type { ProcEvent } from '../../../src/vrrp/track/proc-connector.js';
import type { ProcessInfo, TrackProcessSpec } from '../../../src/vrrp/track/process-match.js';
import { ProcessQuorum } from '../../../src/vrrp/track/process-quorum.js';
import type { ProcReader } from '../../../src/vrrp/track/process-scan.js';
import { ProcessMonitor, type ProcEventHandlers, type ProcEventSource } from '../../../src/vrrp/track/process.js';
import type { TrackerChange } from '../../../src/vrrp/track/types.js';
import { FakeTimers } from './fake-timers.js';

const spec = (over: Partial<TrackProcessSpec> = {}): TrackProcessSpec => ({
  name: 'web',
  process: 'nginx',
  params: [],
  paramMatch: 'none',
  fullCommand: false,
  quorum: 1,
  forkDelayMs: 0,
  terminateDelayMs: 0,
  ...over,
});

function quorum(over: Partial<TrackProcessSpec>) {
  const timers = new FakeTimers();
  const seen: string[] = [];
  const q = new ProcessQuorum(spec(over), timers, new RecordingLog(), (up, n) => seen.push(`${up ? 'up' : 'down'}@${n}`));
  return { q, timers, seen };
}

test('quorum and quorum_max bound the count', () => {
  const { q, seen } = quorum({ quorum: 2, quorumMax: 3 });
  assert.equal(q.init(0), false);
  q.added('exec');
  q.added('exec');
  q.added('exec');
  q.added('exec');
  q.removed('exit');
  q.removed('exit');
  q.removed('exit');
  assert.deepEqual(seen, ['up@2', 'down@4', 'up@3', 'down@1']);
});

test('terminate_delay hides a restart; fork_delay applies to forks only', () => {
  const t = quorum({ terminateDelayMs: 500, forkDelayMs: 300 });
  t.q.init(1);
  t.q.removed('exit');
  t.timers.advance(400);
  t.q.added('exec'); // back within the delay: nothing to report
  t.timers.advance(1000);
  assert.deepEqual(t.seen, []);
  t.q.removed('exit');
  t.timers.advance(499);
  assert.deepEqual(t.seen, []);
  t.timers.advance(1);
  assert.deepEqual(t.seen, ['down@0']);
  t.q.added('exec'); // an exec counts at once
  assert.deepEqual(t.seen, ['down@0', 'up@1']);
  t.q.removed('changed'); // renamed/exec'd away: at once
  assert.deepEqual(t.seen, ['down@0', 'up@1', 'down@0']);
  t.q.added('fork');
  t.timers.advance(299);
  assert.equal(t.seen.length, 3);
  t.timers.advance(1);
  assert.deepEqual(t.seen.slice(3), ['up@1']);
  // A fork whose process dies within fork_delay is never reported.
  t.q.removed('exit');
  t.timers.advance(500);
  t.q.added('fork');
  t.q.removed('exit');
  t.timers.advance(1000);
  assert.deepEqual(t.seen.slice(4), ['down@0']);
});

/** A fake /proc: processes can be added, renamed and removed. */
class FakeProc implements ProcReader {
  readonly procs = new Map<number, ProcessInfo>();
  private start = 100;
  spawn(pid: number, comm: string, ppid = 1): void {
    this.procs.set(pid, { pid, ppid, comm, state: 'S', startTime: this.start++ });
  }
  async scan(): Promise<Map<number, ProcessInfo>> {
    return new Map(this.procs);
  }
  async read(pid: number): Promise<ProcessInfo | undefined> {
    return this.procs.get(pid);
  }
}

class FakeEvents implements ProcEventSource {
  handlers: ProcEventHandlers | undefined;
  failWith: string | undefined;
  closed = false;
  open(h: ProcEventHandlers): void {
    if (this.failWith) throw new Error(this.failWith);
    this.handlers = h;
  }
  close(): void {
    this.closed = true;
  }
}

function collect(m: ProcessMonitor): string[] {
  const out: string[] = [];
  for (const t of m.trackers.values()) t.on('change', (c: TrackerChange) => out.push(`${c.name}:${c.status}:${c.value}`));
  return out;
}

test('rescan fallback: starts, stops, renames and reused pids, with one log line saying why', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const log = new RecordingLog();
  proc.spawn(10, 'nginx');
  const m = new ProcessMonitor([spec({ quorum: 2 })], log, { proc, timers, events: null, rescanIntervalMs: 1000, noEventsReason: 'test' });
  const seen = collect(m);
  await m.start();
  assert.equal(m.mode, 'rescan');
  assert.deepEqual(seen, ['web:down:1']);
  assert.ok(log.lines.includes('track_process: process events are not available (test); rescanning /proc every 1000 ms instead'));
  proc.spawn(11, 'nginx');
  timers.advance(0); // the immediate rescan after falling back
  await m.settled();
  assert.deepEqual(seen, ['web:down:1', 'web:up:2']);
  proc.procs.set(11, { ...proc.procs.get(11)!, comm: 'other' });
  timers.advance(1000);
  await m.settled();
  assert.deepEqual(seen.slice(2), ['web:down:1']);
  proc.spawn(11, 'nginx');
  timers.advance(1000);
  await m.settled();
  assert.deepEqual(seen.slice(3), ['web:up:2']);
  // pid 10 reused by a new nginx between two scans (another start time): an exit, then a start.
  proc.spawn(10, 'nginx');
  timers.advance(1000);
  await m.settled();
  assert.deepEqual(seen.slice(4), ['web:down:1', 'web:up:2']);
  proc.procs.delete(10);
  timers.advance(1000);
  await m.settled();
  assert.deepEqual(seen.slice(6), ['web:down:1']);
  m.stop();
  assert.equal(timers.armed, 0);
});

test('rescan fallback: a new child of a counted process is a fork (fork_delay applies)', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  proc.spawn(10, 'nginx');
  const m = new ProcessMonitor([spec({ quorum: 2, forkDelayMs: 500 })], new RecordingLog(), { proc, timers, events: null, rescanIntervalMs: 100 });
  const seen = collect(m);
  await m.start();
  timers.advance(0);
  await m.settled();
  proc.spawn(20, 'nginx', 10);
  timers.advance(100);
  await m.settled();
  assert.deepEqual(seen, ['web:down:1']);
  timers.advance(499); // the fork was seen at t=100: fork_delay runs to t=600
  await m.settled();
  assert.deepEqual(seen, ['web:down:1']);
  timers.advance(1);
  await m.settled();
  assert.deepEqual(seen, ['web:down:1', 'web:up:2']);
  m.stop();
});

test('events: fork, exec, comm and exit are applied in order; threads are ignored', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const events = new FakeEvents();
  proc.spawn(10, 'nginx');
  const m = new ProcessMonitor([spec({ quorum: 2, terminateDelayMs: 200 }), spec({ name: 'full', process: '/usr/sbin/nginx', fullCommand: true })], new RecordingLog(), {
    proc,
    timers,
    events,
  });
  const seen = collect(m);
  await m.start();
  assert.equal(m.mode, 'events');
  const send = (e: ProcEvent) => events.handlers!.event(e);
  send({ type: 'ack', error: 0 });
  timers.advance(1000); // acknowledged: no fallback
  assert.equal(m.mode, 'events');
  send({ type: 'fork', parentTgid: 10, childPid: 11, childTgid: 10 }); // a thread
  send({ type: 'fork', parentTgid: 10, childPid: 12, childTgid: 12 });
  await m.settled();
  assert.deepEqual(seen, ['web:down:1', 'full:down:0', 'web:up:2']);
  send({ type: 'comm', pid: 12, tgid: 12, comm: 'worker' });
  await m.settled();
  assert.deepEqual(seen.slice(3), ['web:down:1']);
  // An exec into the command line the second tracker wants.
  proc.procs.set(30, { pid: 30, ppid: 1, comm: 'nginx', state: 'S', startTime: 500, cmdline: Buffer.from('/usr/sbin/nginx\0-g\0') });
  send({ type: 'exec', pid: 30, tgid: 30 });
  await m.settled();
  assert.deepEqual(seen.slice(4), ['web:up:2', 'full:up:1']);
  send({ type: 'exit', pid: 30, tgid: 30, exitCode: 0, exitSignal: 17 });
  await m.settled();
  assert.deepEqual(seen.slice(6), ['full:down:0']);
  timers.advance(200); // terminate_delay of 'web'
  assert.deepEqual(seen.slice(7), ['web:down:1']);
  m.stop();
  assert.equal(events.closed, true);
});

test('events: no acknowledgement, or no source at all, means rescans', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const events = new FakeEvents();
  const log = new RecordingLog();
  const m = new ProcessMonitor([spec()], log, { proc, timers, events, ackTimeoutMs: 100 });
  await m.start();
  assert.equal(m.mode, 'events');
  timers.advance(100);
  assert.equal(m.mode, 'rescan');
  assert.equal(events.closed, true);
  assert.ok(log.lines.some((l) => l.includes('did not acknowledge')));
  m.stop();

  const failing = new FakeEvents();
  failing.failWith = 'socket(NETLINK_CONNECTOR): EPROTONOSUPPORT';
  const log2 = new RecordingLog();
  const m2 = new ProcessMonitor([spec()], log2, { proc, timers: new FakeTimers(), events: failing });
  await m2.start();
  assert.equal(m2.mode, 'rescan');
  assert.ok(log2.lines.some((l) => l.includes('(socket(NETLINK_CONNECTOR): EPROTONOSUPPORT)')));
  m2.stop();
});

test('events: lost events bring a rescan; a failed source turns into rescans', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const events = new FakeEvents();
  const log = new RecordingLog();
  proc.spawn(10, 'nginx');
  const m = new ProcessMonitor([spec()], log, { proc, timers, events, lostRescanDelayMs: 1000, rescanIntervalMs: 200 });
  const seen = collect(m);
  await m.start();
  events.handlers!.event({ type: 'ack', error: 0 });
  // The exit event was lost: only a rescan can see that the process has gone.
  proc.procs.delete(10);
  events.handlers!.lost('process events lost (ENOBUFS)');
  timers.advance(999);
  await m.settled();
  assert.deepEqual(seen, ['web:up:1']);
  timers.advance(1);
  await m.settled();
  assert.deepEqual(seen, ['web:up:1', 'web:down:0']);
  assert.equal(m.mode, 'events');
  events.handlers!.failed('process monitor socket failed: EBADF');
  assert.equal(m.mode, 'rescan');
  assert.equal(events.closed, true);
  proc.spawn(11, 'nginx');
  timers.advance(0);
  await m.settled();
  assert.deepEqual(seen, ['web:up:1', 'web:down:0', 'web:up:1']);
  assert.ok(log.lines.includes('track_process: process events lost (ENOBUFS) - rescanning processes'));
  m.stop();
});

test('events: subscribed before the scan; events during it are applied after, never counted twice', async () => {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const events = new FakeEvents();
  proc.spawn(10, 'nginx');
  proc.spawn(11, 'nginx');
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const scan = proc.scan.bind(proc);
  proc.scan = async () => {
    const snapshot = await scan(); // what /proc showed when the scan ran
    await gate;
    return snapshot;
  };
  const m = new ProcessMonitor([spec({ quorum: 2 })], new RecordingLog(), { proc, timers, events });
  const seen = collect(m);
  const started = m.start();
  await new Promise((r) => setImmediate(r));
  assert.ok(events.handlers, 'subscribed before the scan finished');
  // While the scan runs: 11 (already in the snapshot) is announced again by an exec, 10 exits.
  events.handlers!.event({ type: 'ack', error: 0 });
  events.handlers!.event({ type: 'exec', pid: 11, tgid: 11 });
  events.handlers!.event({ type: 'exit', pid: 10, tgid: 10, exitCode: 0, exitSignal: 0 });
  release();
  await started;
  await m.settled();
  assert.deepEqual(seen, ['web:up:2', 'web:down:1']);
  assert.deepEqual(m.counts(), new Map([['web', 1]]));
  m.stop();
});
