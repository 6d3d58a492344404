import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { RestartBackoff, classifyExit, describeExit } from '../../../src/supervisor/respawn.js';

test('calc_restart_delay: 0, 1, 2, 4 … 32, 60, 60 for a child that keeps dying young', () => {
  const b = new RestartBackoff();
  let now = 1_000_000;
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = now;
    now += 500; // dies half a second after each start
    const { delayS, young } = b.next(started, now);
    assert.equal(young, true);
    delays.push(delayS);
    now += delayS * 1000;
  }
  assert.deepEqual(delays, [0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
});

test('a run of 60 s or more resets the series', () => {
  const b = new RestartBackoff();
  assert.equal(b.next(0, 1000).delayS, 0);
  assert.equal(b.next(0, 1000).delayS, 1);
  assert.equal(b.next(0, 1000).delayS, 2);
  assert.deepEqual(b.next(0, 60_000), { delayS: 0, young: false });
  assert.deepEqual(b.next(0, 59_999), { delayS: 0, young: true });
  assert.equal(b.next(0, 1000).delayS, 1);
});

test('exit codes 1, 2 and 4 are permanent (report_child_status)', () => {
  assert.deepEqual(classifyExit(1), { permanent: true, code: 1, label: 'FATAL' });
  assert.deepEqual(classifyExit(2), { permanent: true, code: 2, label: 'CONFIG' });
  assert.deepEqual(classifyExit(4), { permanent: true, code: 4, label: 'missing permission' });
  for (const c of [0, 3, 6, 70, 204, null]) assert.equal(classifyExit(c).permanent, false);
  assert.equal(describeExit('Keepalived_vrrp', 2, null), 'Keepalived_vrrp exited with permanent error CONFIG. Terminating');
  assert.equal(describeExit('Keepalived_vrrp', 70, null), 'Keepalived_vrrp exited with status 70');
  assert.equal(describeExit('Keepalived_bfd', null, 'SIGKILL'), 'Keepalived_bfd exited due to signal SIGKILL - has rlimit_rttime been exceeded?');
  assert.equal(describeExit('Keepalived_bfd', 0, null), undefined);
});
