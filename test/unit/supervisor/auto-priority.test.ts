import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { RecordingLog } from '../../../src/core/log-port.js';
import { LatenessWatch, TIMER_GRANULARITY_US, type LatenessClock } from '../../../src/core/loop-lateness.js';
import { AutoPriority, secondsText, startAutoPriority, type AutoPriorityConfig, type PriorityStep } from '../../../src/supervisor/auto-priority.js';

/** A clock the test moves by hand; timers fire only when the test says so. */
class ManualClock implements LatenessClock {
  us = 5_000_000;
  pending: { fn: () => void; ms: number; id: number }[] = [];
  #next = 0;
  nowUs(): number {
    return this.us;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.pending.push({ fn, ms, id });
    return id;
  }
  cancelTimer(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }
  /** Lets `ms` pass, then runs the one pending timer (as a loop that woke after `ms`). */
  wake(ms: number): void {
    this.us += ms * 1000;
    const [t, ...rest] = this.pending;
    assert.ok(t, 'a timer is armed');
    this.pending = rest;
    t.fn();
  }
}

const config = (over: Partial<AutoPriorityConfig> = {}): AutoPriorityConfig => ({
  maxPriority: 10,
  minDelayUs: 1000,
  startPriority: 0,
  rlimitRttimeUs: 10_000,
  ...over,
});

test('the sentinel reports how late it fired past its period and the timer granularity', () => {
  const clock = new ManualClock();
  const samples: number[] = [];
  const watch = new LatenessWatch({ clock, periodMs: 100, onSample: (us) => samples.push(us) });
  watch.start();
  assert.equal(clock.pending[0]?.ms, 100);
  clock.wake(100); // on time
  clock.wake(100.5); // within the 1 ms libuv resolution
  clock.wake(400); // stopped for 300 ms past the deadline
  assert.deepEqual(samples, [-TIMER_GRANULARITY_US, -500, 300_000 - TIMER_GRANULARITY_US]);
  assert.equal(clock.pending.length, 1, 're-armed after each firing');
  watch.stop();
  assert.equal(clock.pending.length, 0);
  assert.equal(watch.running, false);
});

test('keepalived acts only on lateness strictly above min_auto_priority_delay', () => {
  const p = new AutoPriority(config({ minDelayUs: 1000 }));
  assert.deepEqual(p.observe(-200), { kind: 'on-time' });
  assert.deepEqual(p.observe(1000), { kind: 'on-time' });
  assert.deepEqual(p.observe(1001), { kind: 'late', message: 'A thread timer expired 0.001001 seconds ago', step: { priority: 1, rlimitRttimeUs: 10_000 } });
});

test('steps go 1, 2, ... up to max_auto_priority, one per late wake-up; the first sets RLIMIT_RTTIME', () => {
  const p = new AutoPriority(config({ maxPriority: 3, rlimitRttimeUs: 20_000 }));
  const steps: (PriorityStep | undefined)[] = [];
  for (let i = 0; i < 5; i++) {
    const d = p.observe(250_000);
    assert.equal(d.kind, 'late');
    if (d.kind !== 'late') return;
    steps.push(d.step);
    if (d.step) assert.equal(p.applied(d.step), `Set realtime priority ${d.step.priority}`);
  }
  assert.deepEqual(steps, [{ priority: 1, rlimitRttimeUs: 20_000 }, { priority: 2 }, { priority: 3 }, undefined, undefined]);
  assert.equal(p.currentPriority, 3);
});

test('a configured *_rt_priority is the starting point; at or above the maximum nothing moves', () => {
  const below = new AutoPriority(config({ maxPriority: 10, startPriority: 5 }));
  const d = below.observe(2_000_000);
  assert.deepEqual(d, { kind: 'late', message: 'A thread timer expired 2.000000 seconds ago', step: { priority: 6 } });
  const above = new AutoPriority(config({ maxPriority: 10, startPriority: 20 }));
  assert.deepEqual(above.observe(2_000_000), { kind: 'late', message: 'A thread timer expired 2.000000 seconds ago' });
});

test('without max_auto_priority the late wake-up is still logged, as keepalived does, but nothing is raised', () => {
  for (const maxPriority of [0, -1]) {
    const p = new AutoPriority(config({ maxPriority }));
    assert.deepEqual(p.observe(1_500_000), { kind: 'late', message: 'A thread timer expired 1.500000 seconds ago' });
    assert.equal(p.currentPriority, 0);
  }
});

test('lateness is printed as keepalived prints a timeval, in whole microseconds', () => {
  assert.equal(secondsText(300_123.9), '0.300123');
  assert.equal(secondsText(12_000_007), '12.000007');
  assert.throws(() => new AutoPriority(config({ minDelayUs: 0 })), /min_auto_priority_delay/);
});

test('a step the kernel refuses is not counted: the next late wake-up tries the same priority again', () => {
  const clock = new ManualClock();
  const log = new RecordingLog();
  const tried: PriorityStep[] = [];
  let refuse = true;
  const watch = startAutoPriority(config({ minDelayUs: 100_000 }), {
    log,
    clock,
    periodMs: 100,
    apply: (step) => {
      tried.push(step);
      return !refuse;
    },
  });
  clock.wake(100); // on time: nothing
  clock.wake(450); // 350 ms late
  refuse = false;
  clock.wake(450);
  clock.wake(450);
  watch.stop();
  assert.deepEqual(tried, [{ priority: 1, rlimitRttimeUs: 10_000 }, { priority: 1, rlimitRttimeUs: 10_000 }, { priority: 2 }]);
  assert.deepEqual(log.lines, [
    'A thread timer expired 0.349000 seconds ago',
    'A thread timer expired 0.349000 seconds ago',
    'Set realtime priority 1',
    'A thread timer expired 0.349000 seconds ago',
    'Set realtime priority 2',
  ]);
});
