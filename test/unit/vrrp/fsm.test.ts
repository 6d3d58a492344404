import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import {
  AdvertBuilder, InstanceConfigError, VRRP_MULTICAST_IPV4, VrrpInstance, masterDownIntervalMs, masterDownIntervalUs, skewTimeUs, withDefaults,
} from '../../../src/vrrp/index.js';
import { FakeLan } from './harness.js';

const VIP = ['10.0.0.100'];

/** Two routers on one LAN, one VRRPv3 instance each (priorities given). */
function pair(prioA: number, prioB: number, extra: { a?: object; b?: object } = {}) {
  const lan = new FakeLan();
  const A = lan.router('A', '10.0.0.1');
  const B = lan.router('B', '10.0.0.2');
  const a = A.add({ name: 'VI_1', vrid: 51, priority: prioA, addresses: VIP, ...extra.a });
  const b = B.add({ name: 'VI_1', vrid: 51, priority: prioB, addresses: VIP, ...extra.b });
  return { lan, A, B, a, b };
}

test('timer arithmetic matches keepalived: 3375000 us at priority 160, VRRPv3, 1 s', () => {
  assert.equal(masterDownIntervalUs(3, 160, 1_000_000, 3), 3_375_000);
  assert.equal(skewTimeUs(3, 160, 1_000_000), 375_000);
  assert.equal(skewTimeUs(2, 100, 1_000_000), 609_375); // (256-100)/256 s
  assert.equal(skewTimeUs(2, 100, 5_000_000), 609_375, 'v2 skew ignores the interval');
  assert.equal(skewTimeUs(3, 100, 500_000), 304_687); // floor(156 × 50 × 625 / 16)
  assert.equal(skewTimeUs(3, 255, 1_000_000), 3_906); // keepalived's minimal skew
  assert.equal(masterDownIntervalMs(2, 100, 1000), 3609.375);
  assert.equal(masterDownIntervalMs(3, 160, 1000, 1), 1375);
  assert.equal(masterDownIntervalMs(3, 200, 40_950), 3 * 40_950 + 8957.812);
  const inst = new VrrpInstance(withDefaults({ name: 'X', vrid: 1, version: 3, family: 'inet', priority: 160 }), {
    now: () => 0, setTimer: () => {}, clearTimer: () => {}, sendAdvert: () => {}, emit: () => {},
  });
  assert.equal(inst.masterDownIntervalMs, 3375);
  assert.equal(inst.skewTimeMs, 375);
});

test('bad parameters are refused with the instance name and the reason', () => {
  const host = { now: () => 0, setTimer: () => {}, clearTimer: () => {}, sendAdvert: () => {}, emit: () => {} };
  const make = (p: object) => new VrrpInstance(withDefaults({ name: 'BAD', vrid: 1, version: 3, family: 'inet', ...p }), host);
  assert.throws(() => make({ vrid: 0 }), InstanceConfigError);
  assert.throws(() => make({ priority: 256 }), /\(BAD\) priority must be an integer in 1\.\.255/);
  assert.throws(() => make({ version: 2, advertIntervalMs: 1500 }), /whole seconds/);
  assert.throws(() => make({ family: 'inet6', version: 2 }), /VRRPv3/);
  assert.throws(() => make({ auth: { type: 'pass', password: 'x' } }), /VRRPv2 over IPv4/);
  assert.throws(() => make({ addresses: ['fe80::1'] }), /not inet/);
  assert.throws(() => make({ downTimerAdverts: 0 }), /down_timer_adverts/);
});

test('election: the higher priority becomes MASTER after its own Master_Down_Interval, the other stays BACKUP', () => {
  const { lan, A, B, a, b } = pair(150, 100);
  A.startAll();
  B.startAll();
  assert.equal(a.state, 'BACKUP');
  assert.equal(b.state, 'BACKUP');
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  // 3 × 1000 + (256-150) × 100 × 625 / 16 µs = 3414.062 ms
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER'), 3414.062);
  assert.deepEqual(lan.transitions(), ['A/VI_1 INIT->BACKUP', 'B/VI_1 INIT->BACKUP', 'A/VI_1 BACKUP->MASTER']);
  assert.equal(b.status().masterAddress, '10.0.0.1');
  assert.equal(b.status().masterPriority, 150);
  // A MASTER advertises every second.
  const fromA = lan.sent.filter((s) => s.router === 'A').map((s) => s.atMs);
  assert.deepEqual(fromA.slice(0, 4), [3414.062, 4414.062, 5414.062, 6414.062]);
  assert.equal(a.stats.become_master, 1);
  assert.ok(b.stats.advert_rcvd >= 6);
});

test('failover: after the MASTER dies silently, the BACKUP takes over at exactly Master_Down_Interval', () => {
  const { lan, A, B, b } = pair(150, 100);
  A.startAll();
  B.startAll();
  lan.clock.advance(6000);
  A.crash();
  const lastFromA = Math.max(...lan.sent.filter((s) => s.router === 'A').map((s) => s.atMs));
  lan.clock.advance(10_000);
  assert.equal(b.state, 'MASTER');
  // (256-100)/256 of an interval of skew on top of 3 intervals: 3609.375 ms.
  assert.equal(lan.transitionTime('B', 'VI_1', 'MASTER'), lastFromA + 3609.375);
  // Not a microsecond early: just before, B was still BACKUP.
  const lan2 = pair(150, 100);
  lan2.A.startAll(); lan2.B.startAll();
  lan2.lan.clock.advance(6000);
  lan2.A.crash();
  const last2 = Math.max(...lan2.lan.sent.filter((s) => s.router === 'A').map((s) => s.atMs));
  lan2.lan.clock.advanceTo(last2 + 3609.374);
  assert.equal(lan2.b.state, 'BACKUP');
  lan2.lan.clock.advanceTo(last2 + 3609.375);
  assert.equal(lan2.b.state, 'MASTER');
});

test('preemption: a higher priority joining later takes over after its down interval', () => {
  const { lan, A, B, a, b } = pair(150, 100);
  B.startAll();
  lan.clock.advance(5000);
  assert.equal(b.state, 'MASTER');
  A.startAll(); // at t = 5000
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  // A ignored B's lower-priority adverts, so its first down timer ran out: 5000 + 3414.062.
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER'), 5000 + 3414.062);
  assert.ok(lan.eventsOf('lowerPriorityIgnored').length >= 3);
  // B stepped down the moment it heard A.
  assert.equal(lan.transitionTime('B', 'VI_1', 'BACKUP', 5000), 5000 + 3414.062);
  assert.equal(b.stats.release_master, 1);
});

test('nopreempt: a higher priority BACKUP leaves a lower-priority MASTER alone', () => {
  const { lan, A, B, a, b } = pair(150, 100, { a: { nopreempt: true } });
  B.startAll();
  lan.clock.advance(5000);
  A.startAll();
  lan.clock.advance(60_000);
  assert.equal(a.state, 'BACKUP');
  assert.equal(b.state, 'MASTER');
  // ...until that MASTER goes away.
  B.crash();
  lan.clock.advance(5000);
  assert.equal(a.state, 'MASTER');
});

test('preempt_delay: the lower-priority MASTER is tolerated for the delay, then preempted', () => {
  const { lan, A, B, a } = pair(150, 100, { a: { preemptDelayMs: 10_000 } });
  B.startAll();
  lan.clock.advance(5000);
  A.startAll();
  lan.clock.advance(1000);
  const firstHeard = (lan.sent.find((s) => s.router === 'B' && s.atMs >= 5000) as { atMs: number }).atMs;
  lan.clock.advanceTo(firstHeard + 10_000);
  assert.equal(a.state, 'BACKUP', 'still waiting out the delay');
  assert.equal(a.status().preemptAtMs, firstHeard + 10_000);
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER');
  const took = lan.transitionTime('A', 'VI_1', 'MASTER') as number;
  // The last advert accepted came at most one interval before the delay ended; then the down timer ran out.
  assert.ok(took > firstHeard + 10_000 && took <= firstHeard + 10_000 + 3414.062, `took over at ${took}`);
});

test('priority 0 on shutdown: the BACKUP takes over after Skew_Time only', () => {
  const { lan, A, B, a, b } = pair(150, 100);
  A.startAll();
  B.startAll();
  lan.clock.advance(5000);
  a.stop();
  assert.equal(a.state, 'STOP');
  const zero = lan.sent.find((s) => s.router === 'A' && s.priority === 0);
  assert.ok(zero, 'A sent priority 0');
  assert.equal(a.stats.pri_zero_sent, 1);
  lan.clock.advance(5000);
  assert.equal(b.state, 'MASTER');
  // Skew_Time for priority 100, VRRPv3, 1 s: 609.375 ms.
  assert.equal(lan.transitionTime('B', 'VI_1', 'MASTER'), zero.atMs + 609.375);
  assert.equal(b.stats.pri_zero_rcvd, 1);
  assert.deepEqual(lan.transitions((e) => e.router === 'A'), ['A/VI_1 INIT->BACKUP', 'A/VI_1 BACKUP->MASTER', 'A/VI_1 MASTER->STOP']);
});

test('equal priorities: the higher primary address wins, the split brain resolves and is reported', () => {
  const { lan, A, B, a, b } = pair(100, 100);
  A.startAll();
  B.startAll();
  lan.clock.advance(3609.375);
  // Both timers ran out at the same instant: both MASTER for a moment.
  assert.equal(lan.transitions().filter((t) => t.endsWith('BACKUP->MASTER')).length, 2);
  lan.clock.advance(10);
  assert.equal(b.state, 'MASTER', '10.0.0.2 > 10.0.0.1');
  assert.equal(a.state, 'BACKUP');
  const rx = lan.eventsOf('masterRxLowerPriority');
  assert.equal(rx.length, 1);
  assert.equal(rx[0]?.router, 'B');
  lan.clock.advance(3000);
  const resolved = lan.eventsOf('splitBrainResolved');
  assert.equal(resolved.length, 1);
  assert.equal(resolved[0]?.router, 'B');
  assert.equal(resolved[0]?.event.type === 'splitBrainResolved' && resolved[0].event.peer, '10.0.0.1');
  // The resolution comes one advert interval after the loser's last advert.
  assert.equal(resolved[0]?.atMs, 3609.375 + 1000);
});

test('a MASTER hearing a lower priority answers at once, unless lower_prio_no_advert', () => {
  for (const quiet of [false, true]) {
    const { lan, A, a } = pair(150, 100, { a: { lowerPrioNoAdvert: quiet } });
    A.startAll();
    lan.clock.advance(5000);
    assert.equal(a.state, 'MASTER');
    const nextTick = a.status().nextTimerMs;
    // Another router that believes it is MASTER at priority 100 (say, after a partition).
    const rogue = new AdvertBuilder({ version: 3, family: 'inet', vrid: 51, addresses: VIP, advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false });
    const [dgram] = rogue.build({ priority: 100, source: '10.0.0.2', destinations: [VRRP_MULTICAST_IPV4] });
    assert.ok(dgram);
    const sentBefore = lan.sent.length;
    assert.ok(a.receive({ bytes: dgram.bytes, source: '10.0.0.2' }));
    const ev = lan.eventsOf('masterRxLowerPriority')[0]?.event;
    assert.ok(ev?.type === 'masterRxLowerPriority' && ev.answered === !quiet && ev.priority === 100 && ev.ourPriority === 150 && ev.source === '10.0.0.2');
    // The answer goes out at once and restarts the advert timer; a quiet master keeps its schedule.
    assert.equal(lan.sent.length - sentBefore, quiet ? 0 : 1);
    assert.equal(a.status().nextTimerMs, quiet ? nextTick : 5000 + 1000);
    assert.equal(a.state, 'MASTER');
    // The other side stays quiet: one interval later the conflict counts as resolved.
    lan.clock.advance(2000);
    assert.equal(lan.eventsOf('splitBrainResolved').length, 1);
  }
});

test('higher_prio_send_advert: a MASTER advertises once before yielding to a higher priority', () => {
  const { lan, A, B, a, b } = pair(150, 100, { b: { higherPrioSendAdvert: true } });
  B.startAll();
  lan.clock.advance(5000);
  A.startAll();
  lan.clock.advance(5000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  const yielded = lan.transitionTime('B', 'VI_1', 'BACKUP', 5000) as number;
  assert.ok(lan.sent.some((s) => s.router === 'B' && s.atMs === yielded && s.priority === 100));
});

test('VRRPv3 BACKUP learns the MASTER\'s advert interval and times out on it', () => {
  const { lan, A, B, b } = pair(150, 100, { a: { advertIntervalMs: 500 }, b: { advertIntervalMs: 2000 } });
  A.startAll();
  B.startAll();
  lan.clock.advance(8000);
  assert.equal(b.status().masterAdvertIntervalMs, 500);
  const learned = lan.eventsOf('advertIntervalLearned');
  assert.ok(learned[0]?.event.type === 'advertIntervalLearned' && learned[0].event.fromMs === 2000 && learned[0].event.toMs === 500);
  // Master_Down_Interval on the learned 500 ms: 3 × 500 ms + floor(156 × 50 × 625 / 16) µs = 1804.687 ms.
  assert.equal(b.masterDownIntervalMs, 1804.687);
  A.crash();
  const lastFromA = Math.max(...lan.sent.filter((s) => s.router === 'A').map((s) => s.atMs));
  lan.clock.advance(10_000);
  assert.equal(lan.transitionTime('B', 'VI_1', 'MASTER'), lastFromA + 1804.687);
  // As MASTER it advertises its own configured interval again.
  const bSends = lan.sent.filter((s) => s.router === 'B').map((s) => s.atMs);
  assert.equal((bSends[1] as number) - (bSends[0] as number), 2000);
});

test('a tracker weight change flips the winner, and back', () => {
  const { lan, A, B, a, b } = pair(150, 100);
  A.startAll();
  B.startAll();
  lan.clock.advance(5000);
  assert.equal(a.state, 'MASTER');
  a.setPriorityAdjustment(-60); // 150 - 60 = 90 < 100
  assert.equal(a.effectivePriority, 90);
  const changed = lan.eventsOf('priorityChanged')[0]?.event;
  assert.ok(changed?.type === 'priorityChanged' && changed.from === 150 && changed.to === 90);
  lan.clock.advance(6000);
  assert.equal(b.state, 'MASTER');
  assert.equal(a.state, 'BACKUP');
  a.setPriorityAdjustment(0);
  lan.clock.advance(6000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.state, 'BACKUP');
  // Clamping: never below 1 nor above 254; an owner stays 255.
  a.setPriorityAdjustment(-1000);
  assert.equal(a.effectivePriority, 1);
  a.setPriorityAdjustment(+1000);
  assert.equal(a.effectivePriority, 254);
});

test('a BACKUP\'s priority change moves its running down timer by the skew difference', () => {
  const { lan, B, b } = pair(150, 100);
  B.startAll();
  const before = b.status().nextTimerMs as number;
  assert.equal(before, 3609.375);
  b.setPriorityAdjustment(+100); // 200: skew 218.75 ms
  assert.equal(b.status().nextTimerMs, 3000 + 218.75);
  lan.clock.advance(3218.75);
  assert.equal(b.state, 'MASTER');
});

test('address owner (priority 255) starts as MASTER at once; two owners: the lower address steps down to 254', () => {
  const { lan, A, B, a, b } = pair(255, 255, { a: { initialState: 'MASTER' }, b: { initialState: 'MASTER' } });
  A.startAll();
  lan.clock.advance(0.001);
  assert.equal(a.state, 'MASTER');
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER'), 0.001);
  B.startAll();
  lan.clock.advance(0.001);
  assert.equal(b.state, 'MASTER');
  lan.clock.advance(10);
  // A heard an owner advert from B (higher address) and B one from A: A drops to 254 and yields.
  assert.equal(a.effectivePriority, 254);
  assert.equal(a.state, 'BACKUP');
  assert.equal(b.state, 'MASTER');
  assert.ok(lan.eventsOf('configurationConflict').some((e) => e.router === 'A'));
});

test('state MASTER without owning the addresses is an ordinary BACKUP at startup (keepalived)', () => {
  const { lan, A, a } = pair(100, 100, { a: { initialState: 'MASTER' } });
  A.startAll();
  assert.equal(a.state, 'BACKUP');
  lan.clock.advance(5000);
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER'), 3609.375);
  assert.equal(a.state, 'MASTER');
});

test('vrrp_startup_delay: nobody becomes MASTER before the delay plus the down interval', () => {
  const { lan, A, a } = pair(150, 100);
  A.startAll({ startupDelayMs: 5000 });
  lan.clock.advance(8000);
  assert.equal(a.state, 'BACKUP');
  lan.clock.advance(1000);
  assert.equal(lan.transitionTime('A', 'VI_1', 'MASTER'), 5000 + 3414.062);
});

test('FAULT: a tracker failure takes a MASTER down with priority 0; recovery returns to BACKUP then MASTER', () => {
  const { lan, A, B, a, b } = pair(150, 100);
  A.startAll();
  B.startAll();
  lan.clock.advance(5000);
  a.setFault('track_interface eth0', true);
  assert.equal(a.state, 'FAULT');
  assert.deepEqual(a.status().faults, ['track_interface eth0']);
  assert.equal(a.status().nextTimerMs, undefined, 'no timer in FAULT');
  assert.ok(lan.sent.some((s) => s.router === 'A' && s.priority === 0 && s.atMs === 5000));
  lan.clock.advance(1000);
  assert.equal(b.state, 'MASTER');
  // A second fault source and a partial recovery keep it in FAULT.
  a.setFault('vrrp_script chk', true);
  a.setFault('track_interface eth0', false);
  assert.equal(a.state, 'FAULT');
  lan.clock.advance(10_000);
  assert.equal(a.state, 'FAULT', 'adverts are ignored in FAULT');
  a.setFault('vrrp_script chk', false);
  assert.equal(a.state, 'BACKUP');
  lan.clock.advance(10_000);
  assert.equal(a.state, 'MASTER', 'and preempts again');
  const t = lan.events.filter((e) => e.router === 'A' && e.event.type === 'transition').map((e) => e.event.type === 'transition' ? `${e.event.to}:${e.event.cause}` : '');
  assert.deepEqual(t, ['BACKUP:startup', 'MASTER:master-down', 'FAULT:fault', 'BACKUP:fault-cleared', 'MASTER:master-down']);
});

test('a fault present at startup starts in FAULT; packets are ignored while FAULT', () => {
  const { lan, A, B, a } = pair(150, 100);
  a.setFault('track_file f', true);
  A.startAll();
  B.startAll();
  assert.equal(a.state, 'FAULT');
  lan.clock.advance(10_000);
  assert.equal(a.stats.advert_rcvd, 0);
  a.setFault('track_file f', false);
  assert.equal(a.state, 'BACKUP');
});

test('IPsec-AH end to end: sequence numbers carry across a failover and back', () => {
  const auth = { type: 'ah' as const, password: 'ahsecret' };
  const { lan, A, B, a, b } = pair(150, 100, { a: { version: 2, auth }, b: { version: 2, auth } });
  A.startAll();
  B.startAll();
  lan.clock.advance(6000);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.stats.auth_failure, 0);
  a.stop();
  lan.clock.advance(3000);
  assert.equal(b.state, 'MASTER');
  // B continues above the numbers it accepted from A, so a restarted A (fresh counter) would be rejected
  // until it hears B; here we only check B's numbers rise past A's.
  const aSeqs = lan.sent.filter((s) => s.router === 'A').map((s) => s.ahSequence as number);
  const bSeqs = lan.sent.filter((s) => s.router === 'B').map((s) => s.ahSequence as number);
  assert.ok(bSeqs.length > 0 && (bSeqs[0] as number) > Math.max(...aSeqs));
  assert.equal(b.stats.auth_failure, 0);
  assert.equal(lan.eventsOf('advertDropped').length, 0);
});

test('invalid packets are counted and dropped without touching the state or the timer', () => {
  const { lan, B, b } = pair(150, 100);
  B.startAll();
  lan.clock.advance(1000);
  const deadline = b.status().nextTimerMs;
  assert.equal(b.receive({ bytes: Buffer.from('45c0001c0000000001700000', 'hex'), source: '10.0.0.9' }), false);
  assert.equal(b.receive({ bytes: Buffer.alloc(0), source: '10.0.0.9' }), false);
  assert.equal(b.status().nextTimerMs, deadline);
  assert.equal(b.state, 'BACKUP');
  assert.equal(b.stats.packet_len_err, 2);
  const drops = lan.eventsOf('advertDropped');
  assert.equal(drops.length, 2);
  assert.ok(drops[0]?.event.type === 'advertDropped' && drops[0].event.guard === 'frame');
});

test('a BACKUP runs its Master_Down_Timer from the advert\'s arrival time when the socket layer stamps one', () => {
  const lan = new FakeLan();
  const B = lan.router('B', '10.0.0.2');
  const b = B.add({ name: 'VI_1', vrid: 51, priority: 100, addresses: VIP, version: 2 });
  B.startAll();
  const builder = new AdvertBuilder({ version: 2, family: 'inet', vrid: 51, addresses: VIP, advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false, v3ChecksumAsV2: false });
  const advert = (receivedAtMs?: number) => {
    const [d] = builder.build({ priority: 150, source: '10.0.0.1', destinations: [VRRP_MULTICAST_IPV4] });
    return { bytes: d!.bytes, source: '10.0.0.1', ...(receivedAtMs !== undefined ? { receivedAtMs } : {}) };
  };
  const downMs = masterDownIntervalMs(2, 100, 1000);
  lan.clock.advance(1000);
  // Read 0.75 ms after it arrived: the timer counts from the arrival (RFC 5798 §6.4.2).
  assert.equal(b.receive(advert(999.25)), true);
  assert.equal(b.status().nextTimerMs, 999.25 + downMs);
  assert.equal(b.status().lastHeard['10.0.0.1'], 999.25);
  // No stamp, a stamp in the future, or one older than an advert interval (another clock, a
  // stalled queue): the timer counts from now.
  lan.clock.advance(1000);
  assert.equal(b.receive(advert()), true);
  assert.equal(b.status().nextTimerMs, 2000 + downMs);
  assert.equal(b.receive(advert(2000.5)), true);
  assert.equal(b.status().nextTimerMs, 2000 + downMs);
  assert.equal(b.receive(advert(900)), true);
  assert.equal(b.status().nextTimerMs, 2000 + downMs);
  // It takes over Master_Down_Interval after the last stamped arrival.
  assert.equal(b.receive(advert(1999.5)), true);
  lan.clock.advance(10_000);
  assert.equal(lan.transitionTime('B', 'VI_1', 'MASTER'), 1999.5 + downMs);
});
