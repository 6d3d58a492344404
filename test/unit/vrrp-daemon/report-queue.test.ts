/**
 * The vrrp child's report queue: log lines and notifies run at once unless a takeover holds
 * them, and then all run in the order they were made once every hold has ended.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import { ReportQueue } from '../../../src/vrrp/daemon/report-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('without a hold, reports run at once', () => {
  const queue = new ReportQueue(() => assert.fail('no error expected'));
  const seen: string[] = [];
  queue.run(() => seen.push('a'));
  queue.log({ info: (m) => seen.push(`info ${m}`), warn: (m) => seen.push(`warn ${m}`), error: (m) => seen.push(`error ${m}`) }).warn('w');
  assert.deepEqual(seen, ['a', 'warn w']);
  assert.equal(queue.holding, false);
});

test('a hold keeps every report until it settles, then they run in the order they were made', async () => {
  const queue = new ReportQueue(() => assert.fail('no error expected'));
  const log = new RecordingLog();
  const wrapped = queue.log(log);
  const seen: string[] = [];
  const takeover = deferred();
  queue.hold(takeover.promise);
  wrapped.info('(VI_1) Entering MASTER STATE');
  queue.run(() => seen.push(`notify after ${log.lines.length} lines`));
  wrapped.info('(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100');
  await tick();
  assert.deepEqual(log.lines, []);
  assert.deepEqual(seen, []);
  assert.equal(queue.holding, true);
  takeover.resolve();
  await queue.idle();
  assert.deepEqual(log.lines, ['(VI_1) Entering MASTER STATE', '(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100']);
  assert.deepEqual(seen, ['notify after 1 lines']);
  // Back to running at once.
  wrapped.info('later');
  assert.equal(log.lines.at(-1), 'later');
});

test('two holds: nothing runs until both have ended; a rejected hold ends too', async () => {
  const queue = new ReportQueue(() => assert.fail('no error expected'));
  const seen: string[] = [];
  const first = deferred();
  const second = deferred();
  queue.hold(first.promise);
  queue.run(() => seen.push('one'));
  queue.hold(second.promise);
  queue.run(() => seen.push('two'));
  second.reject(new Error('netlink failed'));
  await tick();
  assert.deepEqual(seen, []);
  first.resolve();
  await queue.idle();
  assert.deepEqual(seen, ['one', 'two']);
});

test('a held report that throws is reported and does not stop the ones after it', async () => {
  const errors: unknown[] = [];
  const queue = new ReportQueue((e) => errors.push(e));
  const seen: string[] = [];
  const takeover = deferred();
  queue.hold(takeover.promise);
  queue.run(() => { throw new Error('formatter bug'); });
  queue.run(() => seen.push('next'));
  takeover.resolve();
  await queue.idle();
  assert.deepEqual(seen, ['next']);
  assert.equal((errors[0] as Error).message, 'formatter bug');
});

test('idle() resolves at once when nothing is held', async () => {
  const queue = new ReportQueue(() => undefined);
  await queue.idle();
});
