/**
 * fsmRuntime: the FSM's status (monotonic ms) turned into the snapshot's wall-clock fields,
 * with a real election stepped in the fake LAN of the FSM tests, then rendered.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fsmRuntime, renderVrrpData, renderVrrpJson } from '../../../src/vrrp/dump/index.js';
import { FakeLan } from '../vrrp/harness.js';
import { capturedSnapshot } from './captured-run.js';

const WALL_AT_ZERO_US = 1_795_314_000_000_000; // the wall clock when the fake clock read 0

function election() {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  const a = A.add({ name: 'VI_1', vrid: 51, priority: 150, addresses: ['10.0.0.100'] });
  const b = B.add({ name: 'VI_1', vrid: 51, priority: 100, addresses: ['10.0.0.100'] });
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  const clock = { monotonicNowMs: lan.clock.now, wallNowUs: WALL_AT_ZERO_US + lan.clock.now * 1000 };
  return { lan, a, b, clock };
}

test('a MASTER: state, timers and counters, on the wall clock', () => {
  const { lan, a, clock } = election();
  const rt = fsmRuntime(a.status(), clock);
  assert.equal(rt.state, 'MASTER');
  assert.equal(rt.wantState, 'MASTER');
  assert.equal(rt.effectivePriority, 150);
  // Became MASTER at 3414.062 ms of fake time (as fsm.test.ts shows); the advert timer is due within 1 s.
  assert.equal(rt.lastTransitionUs, WALL_AT_ZERO_US + 3_414_062);
  assert.equal(rt.lastTransitionUs, WALL_AT_ZERO_US + Math.round(lan.transitionTime('A', 'VI_1', 'MASTER')! * 1000));
  assert.ok(rt.nextTimerUs! > clock.wallNowUs && rt.nextTimerUs! <= clock.wallNowUs + 1_000_000);
  assert.equal(rt.stats.become_master, 1);
  assert.ok(rt.stats.advert_sent >= 6);
});

test('a BACKUP knows its master, which the dump prints', () => {
  const { b, clock } = election();
  const rt = fsmRuntime(b.status(), clock);
  assert.equal(rt.state, 'BACKUP');
  assert.deepEqual(rt.master, { address: '10.0.0.1', priority: 150, advertIntervalMs: 1000 });
  // Master_Down_Interval at priority 100, VRRPv3, 1 s: 3 × 1 s + (256 − 100) / 256 s.
  assert.equal(rt.masterDownTimerUs, 3_609_375);

  const snap = capturedSnapshot('master');
  const vi1 = snap.instances[0]!;
  const text = renderVrrpData({ ...snap, instances: [{ ...vi1, runtime: { ...vi1.runtime, ...rt } }, snap.instances[1]!] });
  assert.match(text, /^ {3}State = BACKUP\n {3}Master router = 10\.0\.0\.1\n {3}Master priority = 150\n/m);
  const json = JSON.parse(renderVrrpJson({ ...snap, instances: [{ ...vi1, runtime: { ...vi1.runtime, ...rt } }] }, 1)!) as { data: Record<string, unknown> }[];
  assert.equal(json[0]!.data.master_priority, 150);
  assert.equal(json[0]!.data.state, 1);
});
