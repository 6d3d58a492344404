/**
 * VrrpInstance.releaseMaster (keepalived set_vrrp_backup): a MASTER whose tracked VIP or
 * route was deleted from outside sends priority 0, goes BACKUP with a Skew_Time down timer,
 * and takes its sync group's MASTER members along. Stepped on the fake LAN.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { skewTimeUs } from '../../../src/vrrp/index.js';
import { FakeLan } from './harness.js';

const VIP = ['10.0.0.100'];

test('releaseMaster: priority 0, BACKUP at once, MASTER again after Skew_Time when nobody else takes over', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const a = A.add({ name: 'VI_1', vrid: 51, priority: 150, addresses: VIP });
  A.startAll();
  lan.clock.advance(5000);
  assert.equal(a.state, 'MASTER');
  const t0 = lan.clock.now;
  assert.equal(a.releaseMaster('VIP 10.0.0.100/32 dev eth0 was deleted'), true);
  assert.equal(a.state, 'BACKUP');
  assert.equal(a.wantState, 'BACKUP');
  const zero = lan.sent.filter((s) => s.router === 'A' && s.priority === 0);
  assert.deepEqual(zero.map((s) => s.atMs), [t0], 'exactly one priority-0 advert, sent at once');
  assert.equal(a.stats.pri_zero_sent, 1);
  assert.equal(a.stats.release_master, 1);
  const released = lan.events.find((e) => e.event.type === 'transition' && e.event.to === 'BACKUP' && e.atMs === t0);
  assert.ok(released?.event.type === 'transition');
  assert.equal(released.event.cause, 'released');
  assert.equal(released.event.detail, 'VIP 10.0.0.100/32 dev eth0 was deleted');
  // Skew_Time for VRRPv3, priority 150, 1 s: (256 - 150) × 100 × 625 / 16 µs = 414.062 ms.
  const skewMs = skewTimeUs(3, 150, 1_000_000) / 1000;
  assert.equal(skewMs, 414.062);
  assert.equal(a.status().nextTimerMs, t0 + skewMs);
  lan.clock.advance(1000);
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER', t0), t0 + skewMs);
});

test('releaseMaster: the peer that heard priority 0 takes over at its own Skew_Time', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  const a = A.add({ name: 'VI_1', vrid: 51, priority: 150, addresses: VIP });
  const b = B.add({ name: 'VI_1', vrid: 51, priority: 200, addresses: VIP, nopreempt: true });
  A.startAll();
  lan.clock.advance(5000);
  B.startAll();
  lan.clock.advance(5000);
  assert.deepEqual([a.state, b.state], ['MASTER', 'BACKUP'], 'B does not preempt');
  const t0 = lan.clock.now;
  a.releaseMaster('virtual route 192.0.2.0/24 dev eth0 was deleted');
  lan.clock.advance(2000);
  // B's skew (priority 200) is shorter than A's (150): B wins, A stays BACKUP.
  assert.equal(lan.transitionTime('B', 'VI_1', 'MASTER', t0), t0 + skewTimeUs(3, 200, 1_000_000) / 1000);
  assert.deepEqual([a.state, b.state], ['BACKUP', 'MASTER']);
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER', t0), undefined);
});

test('releaseMaster does nothing unless MASTER', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const a = A.add({ name: 'VI_1', vrid: 51, priority: 150, addresses: VIP });
  assert.equal(a.releaseMaster('before start'), false);
  A.startAll();
  assert.equal(a.state, 'BACKUP');
  const timer = a.status().nextTimerMs;
  assert.equal(a.releaseMaster('as BACKUP'), false);
  assert.equal(a.status().nextTimerMs, timer, 'the down timer is left alone');
  a.setFault('track_script chk', true);
  assert.equal(a.releaseMaster('as FAULT'), false);
  assert.equal(a.state, 'FAULT');
  assert.equal(lan.sent.filter((s) => s.priority === 0).length, 0);
});

test('releaseMaster pulls the sync group\'s MASTER members to BACKUP, each with priority 0 and Skew_Time', () => {
  const lan = new FakeLan();
  const r = lan.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const v1 = r.add({ name: 'VI_1', vrid: 1, priority: 100, addresses: ['10.1.0.100'] }, 'lan1');
  const v2 = r.add({ name: 'VI_2', vrid: 2, priority: 120, addresses: ['10.2.0.100'] }, 'lan2');
  const g = r.group('G', [v1, v2]);
  r.startAll();
  lan.clock.advance(10_000);
  assert.equal(g.state, 'MASTER');
  const t0 = lan.clock.now;
  v2.releaseMaster('VIP 10.2.0.100/32 dev lan2 was deleted');
  assert.deepEqual([v1.state, v2.state, g.state], ['BACKUP', 'BACKUP', 'BACKUP']);
  const order = lan.events.filter((e) => e.atMs === t0).map((e) => (e.event.type === 'transition' ? `${e.event.instance} ${e.event.to} (${e.event.cause})` : e.event.type === 'groupTransition' ? `GROUP ${e.event.to}` : e.event.type));
  assert.deepEqual(order, ['VI_2 BACKUP (released)', 'VI_1 BACKUP (sync-group)', 'GROUP BACKUP']);
  assert.deepEqual(lan.sent.filter((s) => s.priority === 0).map((s) => `${s.instance}@${s.atMs}`), [`VI_2@${t0}`, `VI_1@${t0}`]);
  assert.equal(v1.status().nextTimerMs, t0 + skewTimeUs(3, 100, 1_000_000) / 1000);
  assert.equal(v2.status().nextTimerMs, t0 + skewTimeUs(3, 120, 1_000_000) / 1000);
  // Nobody else serves these LANs: the group is back quickly, together.
  lan.clock.advance(1000);
  assert.deepEqual([v1.state, v2.state, g.state], ['MASTER', 'MASTER', 'MASTER']);
  assert.ok((lan.transitionTime('R', 'VI_1', 'MASTER', t0) ?? Infinity) <= t0 + 609.375);
});
