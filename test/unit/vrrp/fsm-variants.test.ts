import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { AdvertBuilder, SyncGroup, VRRP_MULTICAST_IPV4 } from '../../../src/vrrp/index.js';
import { FakeLan } from './harness.js';

test('IPv6 (VRRPv3): election, equal-priority tie broken by the higher link-local address', () => {
  const lan = new FakeLan();
  const A = lan.router('A', 'fe80::1:1');
  const B = lan.router('B', 'fe80::2');
  const a = A.add({ name: 'V6', vrid: 7, priority: 100, addresses: ['fe80::100', '2001:db8::100'] });
  const b = B.add({ name: 'V6', vrid: 7, priority: 100, addresses: ['fe80::100', '2001:db8::100'] });
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  // fe80::1:1 > fe80::2 as 128-bit numbers, although "2" > "1" as text.
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  assert.equal(lan.eventsOf('advertDropped').length, 0, 'IPv6 checksums verified with the pseudo-header');
  assert.ok(b.stats.advert_rcvd > 3);
});

test('unicast peers with check_unicast_src: election works, a stranger is dropped and counted', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  const common = { vrid: 9, addresses: ['10.0.0.100'], unicast: true, checkUnicastSource: true };
  const a = A.add({ name: 'U', priority: 150, unicastPeers: [{ address: '10.0.0.2' }], ...common });
  const b = B.add({ name: 'U', priority: 100, unicastPeers: [{ address: '10.0.0.1', minTtl: 255, maxTtl: 255 }], ...common });
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  assert.equal(b.status().lastHeard['10.0.0.1'], lan.sent.filter((s) => s.router === 'A').at(-1)?.atMs);
  // A third box unicasting to B with a valid advert but not a configured peer.
  const stranger = new AdvertBuilder({ version: 3, family: 'inet', vrid: 9, addresses: ['10.0.0.100'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: true });
  const [d] = stranger.build({ priority: 254, source: '10.0.0.66', destinations: ['10.0.0.2'] });
  assert.ok(d);
  assert.equal(b.receive({ bytes: d.bytes, source: '10.0.0.66' }), false);
  assert.equal(b.stats.unknown_unicast_src, 1);
  assert.equal(b.state, 'BACKUP');
  // A multicast advert reaching a unicast instance is an address-list error.
  const mcast = new AdvertBuilder({ version: 3, family: 'inet', vrid: 9, addresses: ['10.0.0.100'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false });
  const [m] = mcast.build({ priority: 200, source: '10.0.0.1', destinations: [VRRP_MULTICAST_IPV4] });
  assert.ok(m);
  assert.equal(b.receive({ bytes: m.bytes, source: '10.0.0.1' }), false);
  assert.equal(b.stats.addr_list_err, 1);
});

test('VRRPv2 with PASS authentication elects; a wrong password is refused and the backup takes over', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  const a = A.add({ name: 'P', vrid: 3, version: 2, priority: 150, addresses: ['10.0.0.100'], auth: { type: 'pass', password: 'right' } });
  const b = B.add({ name: 'P', vrid: 3, version: 2, priority: 100, addresses: ['10.0.0.100'], auth: { type: 'pass', password: 'wrong' } });
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'MASTER', 'B cannot authenticate A, so it hears nobody');
  assert.ok(b.stats.auth_failure > 0 && a.stats.auth_failure > 0);
  // VRRPv2 timing: Skew_Time (256-100)/256 s regardless of the interval.
  assert.equal(lan.transitionTime('B', 'P', 'MASTER'), 3609.375);
});

test('VRRPv2 drops an advert interval mismatch (advert_interval_err) instead of learning it', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  A.add({ name: 'I', vrid: 4, version: 2, priority: 150, advertIntervalMs: 1000 });
  const b = B.add({ name: 'I', vrid: 4, version: 2, priority: 100, advertIntervalMs: 2000 });
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  assert.equal(b.state, 'MASTER');
  assert.ok(b.stats.advert_interval_err > 0);
});

test('skip_check_adv_addr: the VIP list is compared on the first advert of a master only', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  A.add({ name: 'S', vrid: 5, priority: 150, addresses: ['10.0.0.100'] });
  const b = B.add({ name: 'S', vrid: 5, priority: 100, addresses: ['10.0.0.101'], skipCheckAdvAddr: true });
  const c = B.add({ name: 'T', vrid: 5, priority: 100, addresses: ['10.0.0.101'] }, 'lan');
  void c;
  A.startAll();
  B.startAll();
  lan.clock.advance(10_000);
  // Both still follow A (a mismatch is counted, not fatal)...
  assert.equal(b.state, 'BACKUP');
  // ...but only the first advert from A was compared under skip_check_adv_addr.
  assert.equal(b.stats.addr_list_err, 1);
  assert.ok(B.get('T').stats.addr_list_err > 3);
  assert.equal(lan.eventsOf('advertWarning').filter((e) => e.event.type === 'advertWarning' && e.event.instance === 'S').length, 1);
});

test('reload: a MASTER resumes as MASTER at once, keeps its counters, and advertises immediately', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const a = A.add({ name: 'R', vrid: 6, priority: 150 });
  a.start({ resume: { state: 'MASTER', stats: { ...a.stats, become_master: 4 }, ahSequence: 0 } });
  assert.equal(a.state, 'MASTER');
  assert.equal(a.stats.become_master, 4, 'staying MASTER across a reload is not becoming MASTER');
  assert.equal(lan.sent.length, 1);
  const t = lan.events.find((e) => e.event.type === 'transition');
  assert.ok(t?.event.type === 'transition' && t.event.cause === 'reload');
  // An instance removed by the reload: priority 0 if it was MASTER, then DELETED.
  a.markDeleted();
  assert.equal(a.state, 'DELETED');
  assert.equal(lan.sent.at(-1)?.priority, 0);
  lan.clock.advance(5000);
  assert.equal(lan.sent.length, 2, 'no timer after DELETED');
});

test('stop() from BACKUP sends nothing; with sendPriorityZero false a MASTER leaves silently (-V)', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const a = A.add({ name: 'X', vrid: 8, priority: 150 });
  const b = A.add({ name: 'Y', vrid: 9, priority: 150 });
  A.startAll();
  a.stop();
  assert.equal(a.state, 'STOP');
  assert.equal(lan.sent.length, 0);
  lan.clock.advance(5000);
  assert.equal(b.state, 'MASTER');
  const n = lan.sent.length;
  b.stop({ sendPriorityZero: false });
  assert.equal(lan.sent.length, n);
  assert.equal(b.stats.pri_zero_sent, 0);
});

test('a fault arriving during an address owner\'s 1 µs startup wins: FAULT, not MASTER', () => {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const a = A.add({ name: 'O', vrid: 10, priority: 255, initialState: 'MASTER' });
  a.start();
  assert.equal(a.state, 'INIT');
  a.setFault('track_interface eth0', true);
  lan.clock.advance(1000);
  assert.equal(a.state, 'FAULT');
  assert.equal(lan.sent.length, 0);
});

test('reload of a sync group that was MASTER: its members resume MASTER together', () => {
  const lan = new FakeLan();
  const r = lan.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const a = r.add({ name: 'A', vrid: 1, priority: 100 }, 'lan1');
  const b = r.add({ name: 'B', vrid: 2, priority: 100 }, 'lan2');
  const g = new SyncGroup('G', [a, b], { emit: () => {} }, { resumeState: 'MASTER' });
  a.start({ resume: { state: 'MASTER' } });
  b.start({ resume: { state: 'MASTER' } });
  assert.equal(g.state, 'MASTER');
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'MASTER');
  // Without the previous group state, a resumed member is only a BACKUP.
  const lan2 = new FakeLan();
  const r2 = lan2.router('R', { lan1: '10.1.0.1', lan2: '10.2.0.1' });
  const c = r2.add({ name: 'C', vrid: 1, priority: 100 }, 'lan1');
  const d = r2.add({ name: 'D', vrid: 2, priority: 100 }, 'lan2');
  r2.group('G', [c, d]);
  c.start({ resume: { state: 'MASTER' } });
  assert.equal(c.state, 'BACKUP');
});
