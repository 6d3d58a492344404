/**
 * The final stretch of precise timers: one timerfd for every deadline waiting, then loop
 * turns; never early, cancellable, and a throwing callback does not stop the others due
 * with it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FinalStretch } from '../../../src/vrrp/io/final-stretch.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('deadlines run in time order, never early; a passed deadline runs at once', async () => {
  const stretch = new FinalStretch();
  const start = performance.now();
  const ran: { name: string; late: number }[] = [];
  const at = (name: string, offset: number) => {
    const deadline = start + offset;
    stretch.add(deadline, () => ran.push({ name, late: performance.now() - deadline }));
  };
  // Far enough ahead that none is due while they are added (the first add makes the timerfd).
  at('c', 15.5);
  at('a', 5.7);
  at('b', 9.9);
  assert.equal(stretch.size, 3);
  stretch.add(start - 1, () => ran.push({ name: 'past', late: 0 }));
  assert.deepEqual(ran.map((r) => r.name), ['past']);
  await sleep(40);
  assert.deepEqual(ran.map((r) => r.name), ['past', 'a', 'b', 'c']);
  for (const r of ran) assert.ok(r.late >= 0, `${r.name} ran ${-r.late} ms early`);
  assert.equal(stretch.size, 0);
});

test('a cancelled deadline never runs; the others still do', async () => {
  const stretch = new FinalStretch();
  const ran: string[] = [];
  const now = performance.now();
  const first = stretch.add(now + 1, () => ran.push('first'));
  stretch.add(now + 2, () => ran.push('second'));
  stretch.cancel(first);
  stretch.cancel(first);
  await sleep(15);
  assert.deepEqual(ran, ['second']);
});

test('a callback that throws: the others due run, then the error surfaces as an uncaught exception', async () => {
  const stretch = new FinalStretch();
  const ran: string[] = [];
  const caught: unknown[] = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (e) => caught.push(e));
  try {
    const deadline = performance.now() + 1;
    stretch.add(deadline, () => { throw new Error('boom'); });
    stretch.add(deadline, () => ran.push('after'));
    await sleep(15);
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const l of listeners) process.on('uncaughtException', l);
  }
  assert.deepEqual(ran, ['after']);
  assert.equal((caught[0] as Error | undefined)?.message, 'boom');
});
