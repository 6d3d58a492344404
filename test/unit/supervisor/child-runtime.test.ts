import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingLog } from '../../../src/core/log-port.js';
import type { LatenessClock } from '../../../src/core/loop-lateness.js';
import { ChildRuntime, type ChildNative, type ParentChannel } from '../../../src/supervisor/child.js';
import { ConfigHolder } from '../../../src/supervisor/config-holder.js';
import type { ChildToParent } from '../../../src/supervisor/ipc.js';
import { ChildStartError } from '../../../src/supervisor/subsystem.js';

const dir = mkdtempSync('/tmp/ka-child-');
after(() => rmSync(dir, { recursive: true, force: true }));

class FakeChannel implements ParentChannel {
  readonly sent: ChildToParent[] = [];
  connected = true;
  private handler: ((raw: unknown) => void) | undefined;
  private gone: (() => void) | undefined;
  send(msg: ChildToParent): void {
    this.sent.push(msg);
  }
  onMessage(h: (raw: unknown) => void): void {
    this.handler = h;
  }
  onDisconnect(h: () => void): void {
    this.gone = h;
  }
  deliver(raw: unknown): void {
    this.handler!(raw);
  }
  disconnect(): void {
    this.connected = false;
    this.gone!();
  }
}

function setup(subsystem = new ConfigHolder(), extra: { native?: ChildNative; latenessClock?: LatenessClock } = {}) {
  const channel = new FakeChannel();
  const exits: number[] = [];
  const log = new RecordingLog();
  const runtime = new ChildRuntime({
    role: 'vrrp',
    subsystem,
    channel,
    log,
    exit: ((code: number) => void exits.push(code)) as (code: number) => never,
    ...extra,
  });
  return { channel, exits, log, runtime };
}
const settings = (name: string) => ({
  role: 'vrrp',
  pidFile: join(dir, `${name}.pid`),
  releaseOnStop: true,
  releaseVipsOnSignal: false,
  noSwap: false,
  logDetail: false,
  umask: 0o177,
  dataFile: join(dir, `${name}.data`),
  statsFile: join(dir, `${name}.stats`),
  jsonFile: join(dir, `${name}.json`),
});
const tick = () => new Promise((r) => setTimeout(r, 30));

test('start writes the pid file and answers ready; reload answers with what was applied', async () => {
  const { channel, runtime } = setup();
  channel.deliver({ type: 'start', generation: 0, settings: settings('a'), part: { instances: [{ name: 'VI_1', priority: 100 }] } });
  await tick();
  assert.equal(readFileSync(join(dir, 'a.pid'), 'utf8'), `${process.pid}\n`);
  assert.deepEqual(channel.sent, [{ type: 'ready', generation: 0 }]);
  channel.deliver({
    type: 'reload',
    generation: 1,
    part: { instances: [{ name: 'VI_1', priority: 150 }] },
    diff: [{ path: ['instances', 'VI_1', 'priority'], kind: 'changed', before: 100, after: 150 }],
  });
  await tick();
  assert.deepEqual(channel.sent[1], {
    type: 'reloaded',
    generation: 1,
    report: { applied: ['~ instances VI_1 priority: 100 -> 150'], failed: [] },
  });
  assert.equal(runtime.currentGeneration, 1);
  channel.deliver({ type: 'query', id: 9, what: 'data' });
  await tick();
  assert.deepEqual(channel.sent[2], { type: 'answer', id: 9, ok: true, body: { instances: [{ name: 'VI_1', priority: 150 }] } });
  channel.deliver({ type: 'dump', what: 'data', path: join(dir, 'a.data') });
  await tick();
  assert.match(readFileSync(join(dir, 'a.data'), 'utf8'), /Reloads = 1\n.*1 change\(s\):\n {3}~ instances VI_1 priority: 100 -> 150/s);
});

test('a malformed message from the parent ends the child with PROGRAM_ERROR (70)', async () => {
  const { channel, exits, log } = setup();
  channel.deliver({ type: 'reboot' });
  await tick();
  assert.deepEqual(exits, [70]);
  assert.match(log.lines[0]!, /internal error: malformed message from the parent \(unknown message type: \{"type":"reboot"\}\) - exiting/);
});

test('a permanent start failure exits with its code', async () => {
  class Failing extends ConfigHolder {
    override async start(): Promise<void> {
      throw new ChildStartError('interface eth9 does not exist', 2);
    }
  }
  const { channel, exits } = setup(new Failing());
  channel.deliver({ type: 'start', generation: 0, settings: settings('b'), part: {} });
  await tick();
  assert.deepEqual(exits, [2]);
  assert.equal(channel.sent.length, 0);
  assert.equal(existsSync(join(dir, 'b.pid')), false);
});

test('the parent going away stops the child in order and removes its pid file', async () => {
  let released: boolean | undefined;
  class Tracking extends ConfigHolder {
    override async stop(release: boolean): Promise<void> {
      released = release;
    }
  }
  const { channel, exits, log } = setup(new Tracking());
  channel.deliver({ type: 'start', generation: 0, settings: settings('c'), part: {} });
  await tick();
  assert.equal(existsSync(join(dir, 'c.pid')), true);
  channel.disconnect();
  await tick();
  assert.equal(released, true);
  assert.deepEqual(exits, [0]);
  assert.equal(existsSync(join(dir, 'c.pid')), false);
  assert.ok(log.lines.includes('parent process gone - stopping'));
});

test('max_auto_priority: once started, a late wake-up of the loop raises SCHED_RR one step; stopping ends the watch', async () => {
  let nowUs = 0;
  const timers = new Map<number, () => void>();
  let nextId = 0;
  const clock: LatenessClock = {
    nowUs: () => nowUs,
    setTimer(fn) {
      timers.set(++nextId, fn);
      return nextId;
    },
    cancelTimer: (h) => void timers.delete(h as number),
  };
  const fire = (afterMs: number): void => {
    nowUs += afterMs * 1000;
    const [[id, fn]] = [...timers];
    timers.delete(id!);
    fn!();
  };
  const raised: number[] = [];
  const { channel, log } = setup(new ConfigHolder(), { native: { setRealtime: (p) => void raised.push(p) }, latenessClock: clock });
  // rlimitRttimeUs 0: no RLIMIT_RTTIME step, so the test process's own limits stay untouched
  const autoPriority = { maxPriority: 10, minDelayUs: 100_000, rlimitRttimeUs: 0 };
  channel.deliver({ type: 'start', generation: 0, settings: { ...settings('d'), autoPriority }, part: {} });
  await tick();
  assert.equal(timers.size, 1, 'the sentinel is armed once the child is ready');
  fire(100);
  assert.deepEqual(raised, []);
  fire(400);
  fire(400);
  assert.deepEqual(raised, [1, 2]);
  assert.ok(log.lines.includes('Set realtime priority 2'));
  assert.ok(log.lines.includes('A thread timer expired 0.299000 seconds ago'));
  channel.deliver({ type: 'stop' });
  await tick();
  assert.equal(timers.size, 0);
});
