/**
 * The GARP/NA schedule in virtual time against keepalived 2.2.7's timings: bursts on
 * becoming MASTER and after garp_master_delay (the lab saw "5 GARPs at :05 and 5 at :10"),
 * refreshes, lower-priority bursts, split-brain re-announcement, extra interfaces, and
 * rate limiting per interface / garp_group with every configured repeat kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GarpPacer, pacingPolicy, type AnnounceTarget } from '../../../src/vrrp/actions/garp-pacer.js';
import { extraInterfaceTargets, InstanceAnnouncer, type BurstReason } from '../../../src/vrrp/actions/announcer.js';
import { KEEPALIVED_GARP_DEFAULTS, type GarpTimings } from '../../../src/vrrp/actions/types.js';
import { FakeClock } from './fake-clock.js';

interface Sent { at: number; address: string; dev: string }

const v4 = (address: string, dev = 'eth0'): AnnounceTarget => ({ address, family: 4, dev });
const v6 = (address: string, dev = 'eth0'): AnnounceTarget => ({ address, family: 6, dev });
const defaults = (over: Partial<GarpTimings> = {}): GarpTimings => ({ ...KEEPALIVED_GARP_DEFAULTS, ...over });

function setup(timings: GarpTimings, targets: AnnounceTarget[], policy = pacingPolicy({})) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const bursts: { at: number; reason: BurstReason; repeat: number }[] = [];
  const pacer = new GarpPacer(clock, (t) => sent.push({ at: clock.now(), address: t.address, dev: t.dev }), policy);
  const announcer = new InstanceAnnouncer(timings, pacer, clock, {
    targets: () => targets,
    extraTargets: () => [],
    onBurst: (reason, _t, repeat) => bursts.push({ at: clock.now(), reason, repeat }),
  });
  return { clock, sent, bursts, pacer, announcer };
}

/** Counts messages per time, e.g. { 0: 5, 5000: 5 }. */
function histogram(sent: readonly Sent[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const s of sent) h[s.at] = (h[s.at] ?? 0) + 1;
  return h;
}

test('keepalived defaults: 5 GARPs on becoming MASTER and 5 more after garp_master_delay (5 s), then silence', () => {
  const { clock, sent, announcer } = setup(defaults(), [v4('10.0.0.100')]);
  clock.advanceTo(5000); // like the lab: MASTER at :05
  announcer.becameMaster();
  clock.advanceTo(5000 + 120_000);
  assert.deepEqual(histogram(sent), { 5000: 5, 10000: 5 });
  assert.equal(clock.pending, 0);
});

test('a burst goes "for each repeat, for each address", VIPs then eVIPs', () => {
  const { sent, announcer } = setup(defaults({ masterRepeat: 3, masterDelayMs: 0 }), [v4('10.0.0.1'), v4('10.0.0.2'), v6('2001:db8::9')]);
  announcer.becameMaster();
  assert.deepEqual(sent.map((s) => s.address), [
    '10.0.0.1', '10.0.0.2', '2001:db8::9', '10.0.0.1', '10.0.0.2', '2001:db8::9', '10.0.0.1', '10.0.0.2', '2001:db8::9',
  ]);
});

test('garp_master_refresh repeats garp_master_refresh_repeat messages every period while MASTER, counted from becoming MASTER', () => {
  const { clock, sent, announcer } = setup(defaults({ masterRefreshMs: 60_000, masterRefreshRepeat: 2 }), [v4('10.0.0.1')]);
  announcer.becameMaster();
  clock.advanceTo(180_000);
  assert.deepEqual(histogram(sent), { 0: 5, 5000: 5, 60000: 2, 120000: 2, 180000: 2 });
  announcer.leftMaster();
  clock.advanceTo(400_000);
  assert.equal(sent.length, 16);
});

test('leaving MASTER before garp_master_delay cancels the second burst', () => {
  const { clock, sent, announcer } = setup(defaults(), [v4('10.0.0.1')]);
  announcer.becameMaster();
  clock.advanceTo(3000);
  announcer.leftMaster();
  clock.advanceTo(20_000);
  assert.deepEqual(histogram(sent), { 0: 5 });
  assert.equal(clock.pending, 0);
  assert.deepEqual(announcer.pendingTimers(), []);
});

test('a lower-priority advert: garp_lower_prio_repeat now and again after garp_lower_prio_delay (defaults follow the master values)', () => {
  const { clock, sent, bursts, announcer } = setup(defaults({ masterDelayMs: 0 }), [v4('10.0.0.1')]);
  announcer.becameMaster();
  clock.advanceTo(30_000);
  announcer.lowerPriorityAdvert();
  clock.advanceTo(60_000);
  // keepalived's defaults: lower-priority repeat 5 and delay 5 s, like the master ones.
  assert.deepEqual(histogram(sent), { 0: 5, 30000: 5, 35000: 5 });
  assert.deepEqual(bursts.map((b) => b.reason), ['master', 'lower-priority', 'lower-priority-delayed']);
});

test('no lower-priority GARPs when garp_lower_prio_repeat is 0 (vrrp_strict), nor when not MASTER', () => {
  const strict = defaults({ lowerPrioRepeat: 0, lowerPrioDelayMs: 0 }); // vrrp_strict's resolution
  const { clock, sent, announcer } = setup(strict, [v4('10.0.0.1')]);
  announcer.lowerPriorityAdvert();
  assert.equal(sent.length, 0);
  announcer.becameMaster();
  clock.advanceTo(10_000);
  const before = sent.length;
  announcer.lowerPriorityAdvert();
  clock.advanceTo(30_000);
  assert.equal(sent.length, before);
});

test('split brain resolved: the winner announces again like a new MASTER (burst, then the delayed burst)', () => {
  const { clock, sent, bursts, announcer } = setup(defaults(), [v4('10.0.0.1')]);
  announcer.becameMaster();
  clock.advanceTo(40_000);
  announcer.splitBrainResolved();
  clock.advanceTo(60_000);
  assert.deepEqual(histogram(sent), { 0: 5, 5000: 5, 40000: 5, 45000: 5 });
  assert.deepEqual(bursts.map((b) => b.reason), ['master', 'master-delayed', 'split-brain', 'master-delayed']);
});

test('vrrp_garp_interval paces one interface and keeps every configured repeat, round-robin over the addresses', () => {
  const policy = pacingPolicy({ garpIntervalMs: 100 });
  const { clock, sent, announcer } = setup(defaults({ masterDelayMs: 0 }), [v4('10.0.0.1'), v4('10.0.0.2')], policy);
  announcer.becameMaster();
  clock.advanceTo(5000);
  assert.equal(sent.length, 10, 'garp_master_repeat 5 x 2 addresses');
  assert.deepEqual(sent.map((s) => s.at), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  assert.deepEqual(sent.map((s) => s.address.slice(-1)), ['1', '2', '1', '2', '1', '2', '1', '2', '1', '2']);
});

test('vrrp_gna_interval paces NAs separately from GARPs; an unpaced family goes at once', () => {
  const policy = pacingPolicy({ gnaIntervalMs: 50 });
  const { clock, sent, announcer } = setup(defaults({ masterDelayMs: 0, masterRepeat: 2 }), [v4('10.0.0.1'), v6('2001:db8::1')], policy);
  announcer.becameMaster();
  clock.advanceTo(1000);
  assert.deepEqual(sent.map((s) => `${s.at}:${s.address}`), ['0:10.0.0.1', '0:2001:db8::1', '0:10.0.0.1', '50:2001:db8::1']);
});

test('a garp_group shares one pace across its interfaces and between instances; leaving MASTER withdraws only that instance\'s queue', () => {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const policy = pacingPolicy({ garpGroups: [{ garpIntervalMs: 10, interfaces: ['eth0', 'eth1'] }] });
  const pacer = new GarpPacer(clock, (t) => sent.push({ at: clock.now(), address: t.address, dev: t.dev }), policy);
  const make = (t: AnnounceTarget) => new InstanceAnnouncer(defaults({ masterDelayMs: 0, masterRepeat: 3 }), pacer, clock, { targets: () => [t], extraTargets: () => [] });
  const a = make(v4('10.0.0.1', 'eth0'));
  const b = make(v4('10.1.0.1', 'eth1'));
  a.becameMaster();
  b.becameMaster();
  assert.equal(pacer.queued(), 5);
  // Queue after the bursts: eth0's address owes 2, eth1's 3; they alternate every 10 ms.
  clock.advanceTo(25);
  b.leftMaster();
  assert.equal(pacer.queued(b), 0);
  clock.advanceTo(1000);
  assert.deepEqual(sent.map((s) => `${s.at}:${s.dev}`), ['0:eth0', '10:eth0', '20:eth1', '30:eth0']);
});

test('pacing follows a VMAC to its base interface', () => {
  const policy = pacingPolicy({ garpGroups: [{ garpIntervalMs: 20, interfaces: ['eth0'] }] }, (dev) => (dev.startsWith('vrrp.') ? 'eth0' : dev));
  assert.equal(policy('vrrp.51')?.key, policy('eth0')?.key);
  assert.equal(policy('eth1'), undefined);
});

test('garp_extra_if sends one message per extra interface every interval while MASTER', () => {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const pacer = new GarpPacer(clock, (t) => sent.push({ at: clock.now(), address: t.address, dev: t.dev }));
  const extra = extraInterfaceTargets([
    { ...v4('10.0.0.1', 'vrrp.51'), onOurVmac: true },
    { ...v4('10.2.0.1', 'vrrp.52'), onOurVmac: true },
    { ...v4('10.2.0.2', 'vrrp.52'), onOurVmac: true },
    { ...v4('10.3.0.1', 'eth3'), onOurVmac: false },
  ], { instanceInterface: 'vrrp.51', xmitBase: false, all: false });
  assert.deepEqual(extra.map((t) => t.dev), ['vrrp.52']);
  const announcer = new InstanceAnnouncer(defaults({ masterRepeat: 1, masterDelayMs: 0, extraIfIntervalMs: 30_000 }), pacer, clock, {
    targets: () => [v4('10.0.0.1', 'vrrp.51')],
    extraTargets: () => extra,
  });
  announcer.becameMaster();
  clock.advanceTo(65_000);
  assert.deepEqual(sent.map((s) => `${s.at}:${s.dev}`), ['0:vrrp.51', '30000:vrrp.52', '60000:vrrp.52']);
  const all = extraInterfaceTargets([{ ...v4('10.3.0.1', 'eth3'), onOurVmac: false }], { instanceInterface: 'eth0', xmitBase: false, all: true });
  assert.deepEqual(all.map((t) => t.dev), ['eth3']);
});

test('nonsense timings are refused with a clear error', () => {
  const clock = new FakeClock();
  const pacer = new GarpPacer(clock, () => undefined);
  assert.throws(() => new InstanceAnnouncer(defaults({ masterRepeat: 1.5 }), pacer, clock, { targets: () => [], extraTargets: () => [] }), /masterRepeat/);
  assert.throws(() => new InstanceAnnouncer(defaults({ masterDelayMs: -1 }), pacer, clock, { targets: () => [], extraTargets: () => [] }), /masterDelayMs/);
});
