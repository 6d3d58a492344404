import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { SyncGroup, formatStatsBlock, newVrrpStats } from '../../../src/vrrp/index.js';
import { FakeLan, Router } from './harness.js';

/**
 * The seed paper's topology: two LVS directors, each with one instance on the outside LAN
 * (VI_1, lan1) and one on the inside LAN (VI_2, lan2), synchronised in group G.
 */
function directors(prio1 = 150, prio2 = 100) {
  const lan = new FakeLan();
  const make = (name: string, n: number, prio: number): { r: Router; g: SyncGroup } => {
    const r = lan.router(name, { lan1: `10.1.0.${n}`, lan2: `10.2.0.${n}` });
    const v1 = r.add({ name: 'VI_1', vrid: 1, priority: prio, addresses: ['10.1.0.100'] }, 'lan1');
    const v2 = r.add({ name: 'VI_2', vrid: 2, priority: prio, addresses: ['10.2.0.100'] }, 'lan2');
    return { r, g: r.group('G', [v1, v2]) };
  };
  const d1 = make('LVS1', 1, prio1);
  const d2 = make('LVS2', 2, prio2);
  return { lan, d1, d2 };
}

const states = (r: Router): string => [...r.instances.values()].map((i) => `${i.name}=${i.state}`).join(' ');

test('sync group: members become MASTER together and stay put', () => {
  const { lan, d1, d2 } = directors();
  d1.r.startAll();
  d2.r.startAll();
  assert.equal(d1.g.state, 'BACKUP');
  lan.clock.advance(10_000);
  assert.equal(states(d1.r), 'VI_1=MASTER VI_2=MASTER');
  assert.equal(states(d2.r), 'VI_1=BACKUP VI_2=BACKUP');
  assert.equal(d1.g.state, 'MASTER');
  assert.equal(d2.g.state, 'BACKUP');
  const groupEvents = lan.eventsOf('groupTransition').map((e) => e.event.type === 'groupTransition' ? `${e.router} ${e.event.from}->${e.event.to}` : '');
  assert.deepEqual(groupEvents, ['LVS1 INIT->BACKUP', 'LVS2 INIT->BACKUP', 'LVS1 BACKUP->MASTER']);
});

test('sync group: the group goes MASTER only when every member wants MASTER', () => {
  const { lan, d2 } = directors();
  // A third router serves the outside LAN only: LVS2's VI_1 keeps hearing a master, its VI_2 does not.
  const x = lan.router('X', { lan1: '10.1.0.9' });
  x.add({ name: 'VI_1', vrid: 1, priority: 200, addresses: ['10.1.0.100'] }, 'lan1');
  x.startAll();
  d2.r.startAll();
  lan.clock.advance(30_000);
  const v2 = d2.r.get('VI_2');
  assert.equal(v2.state, 'BACKUP', 'VI_2 would time out alone, but VI_1 does not want MASTER');
  assert.equal(v2.wantState, 'MASTER');
  assert.equal(d2.r.get('VI_1').wantState, 'BACKUP');
  // When VI_1's master goes away, both go MASTER together, at VI_1's down timer.
  x.crash();
  const lastFromX = Math.max(...lan.sent.filter((s) => s.router === 'X').map((s) => s.atMs));
  lan.clock.advance(10_000);
  assert.equal(states(d2.r), 'VI_1=MASTER VI_2=MASTER');
  assert.equal(lan.transitionTime('LVS2', 'VI_1', 'MASTER'), lastFromX + 3609.375);
  assert.equal(lan.transitionTime('LVS2', 'VI_2', 'MASTER'), lastFromX + 3609.375);
});

test('sync group: one member losing MASTER pulls the others to BACKUP', () => {
  const { lan, d2 } = directors();
  d2.r.startAll();
  lan.clock.advance(10_000);
  assert.equal(d2.g.state, 'MASTER');
  // Another router comes up on the inside LAN only, with a higher priority: it preempts VI_2...
  const x = lan.router('X', { lan2: '10.2.0.9' });
  x.add({ name: 'VI_2', vrid: 2, priority: 200, addresses: ['10.2.0.100'] }, 'lan2');
  x.startAll();
  lan.clock.advance(10_000);
  // ...and LVS2's VI_1 follows VI_2 to BACKUP although nobody else serves the outside LAN
  // (keepalived prefers a consistent group to a half-available one).
  assert.equal(states(d2.r), 'VI_1=BACKUP VI_2=BACKUP');
  assert.equal(d2.g.state, 'BACKUP');
  const pulled = lan.events.find((e) => e.router === 'LVS2' && e.event.type === 'transition' && e.event.instance === 'VI_1' && e.event.to === 'BACKUP' && e.atMs > 10_000);
  assert.ok(pulled?.event.type === 'transition' && pulled.event.cause === 'sync-group');
});

test('sync group follows a member\'s fault, and no synchronization circuit forms (the paper\'s case)', () => {
  const { lan, d1, d2 } = directors();
  d1.r.startAll();
  d2.r.startAll();
  lan.clock.advance(10_000);
  assert.equal(states(d1.r), 'VI_1=MASTER VI_2=MASTER');

  // LVS1's outside NIC dies; track_interface reports it.
  const t0 = lan.clock.now;
  lan.setNic(d1.r, 'lan1', false);
  d1.r.get('VI_1').setFault('track_interface eth1', true);
  assert.equal(states(d1.r), 'VI_1=FAULT VI_2=FAULT');
  assert.equal(d1.g.state, 'FAULT');
  // VI_2 left MASTER with a priority-0 advert on the healthy LAN.
  assert.ok(lan.sent.some((s) => s.router === 'LVS1' && s.instance === 'VI_2' && s.priority === 0 && s.atMs === t0));
  lan.clock.advance(5000);
  assert.equal(states(d2.r), 'VI_1=MASTER VI_2=MASTER');
  assert.equal(d2.g.state, 'MASTER');

  // Two minutes later nothing has moved: no loop between the routers.
  const settled = lan.transitions().length;
  lan.clock.advance(120_000);
  assert.equal(lan.transitions().length, settled, lan.transitions().slice(settled).join(', '));

  // The NIC comes back: LVS1 returns to BACKUP as a group, then preempts as a group.
  lan.setNic(d1.r, 'lan1', true);
  d1.r.get('VI_1').setFault('track_interface eth1', false);
  assert.equal(states(d1.r), 'VI_1=BACKUP VI_2=BACKUP');
  lan.clock.advance(10_000);
  assert.equal(states(d1.r), 'VI_1=MASTER VI_2=MASTER');
  assert.equal(states(d2.r), 'VI_1=BACKUP VI_2=BACKUP');
  const again = lan.transitions().length;
  lan.clock.advance(120_000);
  assert.equal(lan.transitions().length, again);
});

test('a silently dead link (no fault reported) does not loop either: the group holds BACKUP', () => {
  const { lan, d1, d2 } = directors();
  d1.r.startAll();
  d2.r.startAll();
  lan.clock.advance(10_000);
  lan.setNic(d1.r, 'lan1', false); // LVS1 keeps "advertising" into a dead NIC
  lan.clock.advance(5000);
  const settled = lan.transitions().length;
  lan.clock.advance(120_000);
  assert.equal(lan.transitions().length, settled);
  assert.equal(d2.r.get('VI_1').wantState, 'MASTER');
  assert.equal(states(d2.r), 'VI_1=BACKUP VI_2=BACKUP');
});

test('the group stays FAULT until every faulty member has recovered', () => {
  const { lan, d1 } = directors();
  d1.r.startAll();
  lan.clock.advance(10_000);
  const [v1, v2] = [d1.r.get('VI_1'), d1.r.get('VI_2')];
  v1.setFault('a', true);
  v2.setFault('b', true);
  v1.setFault('a', false);
  assert.equal(states(d1.r), 'VI_1=FAULT VI_2=FAULT', 'VI_2 is still faulty');
  v2.setFault('b', false);
  assert.equal(states(d1.r), 'VI_1=BACKUP VI_2=BACKUP');
  lan.clock.advance(10_000);
  assert.equal(states(d1.r), 'VI_1=MASTER VI_2=MASTER');
});

test('a member faulty at startup starts the whole group in FAULT', () => {
  const { lan, d1 } = directors();
  d1.r.get('VI_2').setFault('track_script chk', true);
  d1.r.startAll();
  assert.equal(states(d1.r), 'VI_1=FAULT VI_2=FAULT');
  assert.equal(d1.g.state, 'FAULT');
  d1.r.get('VI_2').setFault('track_script chk', false);
  assert.equal(states(d1.r), 'VI_1=BACKUP VI_2=BACKUP');
  lan.clock.advance(5000);
  assert.equal(d1.g.state, 'MASTER');
});

test('a group of address owners starts MASTER; mixing owners and non-owners is refused', () => {
  const lan = new FakeLan();
  const r = lan.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const a = r.add({ name: 'A', vrid: 1, priority: 255, initialState: 'MASTER' }, 'lan1');
  const b = r.add({ name: 'B', vrid: 2, priority: 255, initialState: 'MASTER' }, 'lan2');
  const g = r.group('G', [a, b]);
  r.startAll();
  lan.clock.advance(1);
  assert.equal(g.state, 'MASTER');
  assert.equal(states(r), 'A=MASTER B=MASTER');
  assert.deepEqual(lan.eventsOf('groupTransition').map((e) => e.event.type === 'groupTransition' && `${e.event.from}->${e.event.to}`), ['INIT->MASTER']);
  const r2 = new FakeLan().router('R2', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const c = r2.add({ name: 'C', vrid: 1, priority: 255, initialState: 'MASTER' }, 'lan1');
  const d = r2.add({ name: 'D', vrid: 2, priority: 100 }, 'lan2');
  assert.throws(() => r2.group('G2', [c, d]), /some members as address owner/);
});

test('sync group members with state MASTER wait one interval plus a minimal skew, then go together', () => {
  const lan = new FakeLan();
  const r = lan.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const a = r.add({ name: 'A', vrid: 1, priority: 100, initialState: 'MASTER' }, 'lan1');
  const b = r.add({ name: 'B', vrid: 2, priority: 100, initialState: 'MASTER' }, 'lan2');
  r.group('G', [a, b]);
  r.startAll();
  lan.clock.advance(2000);
  assert.equal(lan.transitionTime('R', 'A', 'MASTER'), 1000 + 3.906);
  assert.equal(states(r), 'A=MASTER B=MASTER');
});

test('USR2 stats text is keepalived\'s, line for line', () => {
  const s = newVrrpStats();
  s.advert_rcvd = 12; s.advert_sent = 3; s.become_master = 1; s.packet_len_err = 2; s.auth_failure = 4; s.pri_zero_sent = 1;
  assert.equal(formatStatsBlock('VI_1', s), [
    'VRRP Instance: VI_1', '  Advertisements:', '    Received: 12', '    Sent: 3', '  Became master: 1', '  Released master: 0',
    '  Packet Errors:', '    Length: 2', '    TTL: 0', '    Invalid Type: 0', '    Advertisement Interval: 0', '    Address List: 0',
    '  Authentication Errors:', '    Invalid Type: 0', '    Type Mismatch: 0', '    Failure: 4',
    '  Priority Zero:', '    Received: 0', '    Sent: 1', '',
  ].join('\n'));
});

/** Transitions and group transitions of one router, in emission order, as FIFO-style words. */
function fifoOrder(lan: FakeLan, router: string, sinceMs = 0): string[] {
  return lan.events
    .filter((e) => e.router === router && e.atMs >= sinceMs)
    .flatMap((e) => {
      if (e.event.type === 'transition') return [`${e.event.instance} ${e.event.to}`];
      if (e.event.type === 'groupTransition') return [`GROUP ${e.event.group} ${e.event.to}`];
      return [];
    });
}

test('sync group events: the members first (the mover, then those it pulls), then the group', () => {
  // keepalived's FIFO for a group going MASTER: VI_2 MASTER, VI_1 MASTER, GROUP "G" MASTER 0.
  const lan = new FakeLan();
  const r = lan.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const v1 = r.add({ name: 'VI_1', vrid: 1, priority: 100, addresses: ['10.1.0.100'] }, 'lan1');
  const v2 = r.add({ name: 'VI_2', vrid: 2, priority: 100, addresses: ['10.2.0.100'] }, 'lan2');
  r.group('G', [v1, v2]);
  r.startAll();
  assert.deepEqual(fifoOrder(lan, 'R'), ['GROUP G BACKUP', 'VI_1 BACKUP', 'VI_2 BACKUP'], 'at start-up the group comes first, as keepalived');
  // VI_2's down timer must fire first: VI_1 hears a master for a while.
  const x = lan.router('X', { lan1: '10.1.0.9' });
  x.add({ name: 'VI_1', vrid: 1, priority: 200, addresses: ['10.1.0.100'] }, 'lan1');
  x.startAll();
  lan.clock.advance(5000);
  assert.equal(v2.wantState, 'MASTER', 'VI_2 timed out and waits for VI_1');
  x.crash();
  const t = lan.clock.now;
  lan.clock.advance(10_000);
  assert.deepEqual(fifoOrder(lan, 'R', t), ['VI_1 MASTER', 'VI_2 MASTER', 'GROUP G MASTER']);

  // One member losing to a higher priority: it, then the pulled member, then the group.
  const y = lan.router('Y', { lan2: '10.2.0.9' });
  y.add({ name: 'VI_2', vrid: 2, priority: 200, addresses: ['10.2.0.100'] }, 'lan2');
  const t2 = lan.clock.now;
  y.startAll();
  lan.clock.advance(10_000);
  assert.deepEqual(fifoOrder(lan, 'R', t2), ['VI_2 BACKUP', 'VI_1 BACKUP', 'GROUP G BACKUP']);

  // A member's fault: it, the others, then the group.
  const t3 = lan.clock.now;
  v1.setFault('track_interface eth1', true);
  assert.deepEqual(fifoOrder(lan, 'R', t3), ['VI_1 FAULT', 'VI_2 FAULT', 'GROUP G FAULT']);
});

test('sync group events at a shared time-out are keepalived\'s: VI_2 MASTER, VI_1 MASTER, then the group', () => {
  const { lan, d1 } = directors();
  d1.r.startAll();
  lan.clock.advance(10_000);
  // Both time out at the same instant. VI_1's timer runs first, but VI_2 does not want MASTER
  // yet, so VI_1 waits; VI_2's timer then finds everyone willing, goes, and pulls VI_1.
  assert.deepEqual(fifoOrder(lan, 'LVS1'), ['GROUP G BACKUP', 'VI_1 BACKUP', 'VI_2 BACKUP', 'VI_2 MASTER', 'VI_1 MASTER', 'GROUP G MASTER']);
});
