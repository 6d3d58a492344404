import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTracking, PriorityCalculator, trackerEffect } from '../../../src/vrrp/track/calculator.js';
import { resolveTracking, type ResolvedTracker } from '../../../src/vrrp/track/resolve.js';
import type { TrackerChange, TrackerKind, TrackerWeight } from '../../../src/vrrp/track/types.js';

const w = (kind: TrackerKind, name: string, weight: number, reverse = false): TrackerWeight => ({ kind, name, weight, reverse });
const r = (kind: TrackerKind, name: string, weight: number, reverse = false): ResolvedTracker => ({ ...w(kind, name, weight, reverse), origin: 'instance' });
const up = (kind: TrackerKind, name: string): TrackerChange => ({ kind, name, status: 'up' });
const down = (kind: TrackerKind, name: string): TrackerChange => ({ kind, name, status: 'down' });
const file = (name: string, value: number): TrackerChange => ({ kind: 'file', name, status: value === 0 ? 'up' : 'down', value });

test('up/down trackers: weight sign and reverse, as the man page describes', () => {
  const cases: [number, boolean, 'up' | 'down', number][] = [
    // weight, reverse, state, contribution
    [10, false, 'up', 10],
    [10, false, 'down', 0],
    [-10, false, 'up', 0],
    [-10, false, 'down', -10],
    // reverse: "the priority is decreased when up and increased when down"
    [10, true, 'up', -10],
    [10, true, 'down', 0],
    [-10, true, 'up', 0],
    [-10, true, 'down', 10],
  ];
  for (const kind of ['interface', 'script', 'process', 'bfd'] as const) {
    for (const [weight, reverse, status, delta] of cases) {
      assert.deepEqual(trackerEffect(w(kind, 'x', weight, reverse), { kind, name: 'x', status }), { type: 'weight', delta }, `${kind} ${weight} ${reverse} ${status}`);
    }
  }
});

test('unweighted trackers fault while down, or while up with reverse', () => {
  assert.deepEqual(trackerEffect(w('interface', 'eth1', 0), down('interface', 'eth1')), { type: 'fault', reason: 'interface eth1 down' });
  assert.deepEqual(trackerEffect(w('interface', 'eth1', 0), up('interface', 'eth1')), { type: 'weight', delta: 0 });
  assert.equal(trackerEffect(w('script', 's', 0, true), up('script', 's')).type, 'fault');
  assert.equal(trackerEffect(w('script', 's', 0, true), down('script', 's')).type, 'weight');
  assert.deepEqual(trackerEffect(w('process', 'p', 0), down('process', 'p')), { type: 'fault', reason: 'tracked process p quorum not achieved' });
  assert.deepEqual(trackerEffect(w('bfd', 'b', 0), down('bfd', 'b')), { type: 'fault', reason: 'bfd b down' });
});

test('a script that has not reported yet holds an unweighted user and adds nothing to a weighted one', () => {
  assert.deepEqual(trackerEffect(w('script', 's', 0), undefined), { type: 'pending' });
  assert.deepEqual(trackerEffect(w('script', 's', 20), undefined), { type: 'weight', delta: 0 });
  assert.deepEqual(trackerEffect(w('script', 's', -20), undefined), { type: 'weight', delta: 0 });
});

test('track_file: value × weight, clamped to -254..253, and -254 is FAULT', () => {
  const f = (weight: number, value: number, reverse = false) => trackerEffect(w('file', 'tf', weight, reverse), file('tf', value));
  assert.deepEqual(f(1, 0), { type: 'weight', delta: 0 });
  assert.deepEqual(f(1, 10), { type: 'weight', delta: 10 });
  assert.deepEqual(f(-2, 10), { type: 'weight', delta: -20 });
  assert.deepEqual(f(2, 10, true), { type: 'weight', delta: -20 });
  assert.deepEqual(f(1, 1000), { type: 'weight', delta: 253 });
  assert.deepEqual(f(1, -253), { type: 'weight', delta: -253 });
  assert.deepEqual(f(1, -254), { type: 'fault', reason: 'tracked file tf has status -254' });
  assert.deepEqual(f(10, -30), { type: 'fault', reason: 'tracked file tf has status -254' });
  assert.deepEqual(f(1, -2147483648), { type: 'fault', reason: 'tracked file tf has status -254' });
  // weight 0: a non-zero value is a failure; reverse: zero is.
  assert.equal(f(0, 0).type, 'weight');
  assert.equal(f(0, 5).type, 'fault');
  assert.equal(f(0, -5).type, 'fault');
  assert.equal(f(0, 0, true).type, 'fault');
  assert.equal(f(0, 3, true).type, 'weight');
});

test('effective priority: base + Σ, clamped to 1..254; an owner stays 255', () => {
  const trackers = [r('script', 'a', 30), r('script', 'b', -50), r('file', 'f', 1)];
  const states = new Map<string, TrackerChange>([
    ['script:a', up('script', 'a')],
    ['script:b', down('script', 'b')],
    ['file:f', file('f', 5)],
  ]);
  const look = (t: ResolvedTracker) => states.get(`${t.kind}:${t.name}`);
  assert.deepEqual(computeTracking(100, trackers, look), { priority: 85, adjustment: -15, faults: [], pending: [] });
  assert.equal(computeTracking(250, trackers.slice(0, 1), look).priority, 254);
  assert.equal(computeTracking(30, trackers.slice(1, 2), look).priority, 1);
  assert.equal(computeTracking(255, trackers, look).priority, 255);
  states.set('file:f', file('f', -300));
  const faulty = computeTracking(100, trackers, look);
  assert.deepEqual(faulty.faults, [{ source: 'file:f', reason: 'tracked file f has status -254' }]);
  // A faulty file adds nothing (keepalived subtracts its previous status on entering FAULT).
  assert.equal(faulty.adjustment, -20);
});

test('the calculator reports an instance only when its result changes', () => {
  const { instances } = resolveTracking([
    { name: 'VI_1', basePriority: 100, primaryInterfaces: ['eth0'], dontTrackPrimary: false, trackers: [w('script', 'chk', -20), w('interface', 'eth1', 10)] },
    { name: 'VI_2', basePriority: 90, primaryInterfaces: ['eth0'], dontTrackPrimary: true, trackers: [w('script', 'chk', 0)] },
  ]);
  const calc = new PriorityCalculator(instances);
  assert.deepEqual(calc.result('VI_1'), { priority: 100, adjustment: 0, faults: [], pending: ['interface:eth0'] });
  assert.deepEqual(calc.result('VI_2')!.pending, ['script:chk']);
  assert.deepEqual(new Set(calc.trackerKeys()), new Set(['script:chk', 'interface:eth1', 'interface:eth0']));

  let u = calc.update(up('interface', 'eth0'));
  assert.deepEqual(u.map((x) => [x.instance, x.current.pending]), [['VI_1', []]]);
  u = calc.update(up('interface', 'eth1'));
  assert.deepEqual(u.map((x) => [x.instance, x.current.priority]), [['VI_1', 110]]);
  // Same state again: nothing.
  assert.deepEqual(calc.update(up('interface', 'eth1')), []);
  u = calc.update(down('script', 'chk'));
  assert.deepEqual(
    u.map((x) => [x.instance, x.current.priority, x.current.faults.map((f) => f.source)]),
    [['VI_1', 90, []], ['VI_2', 90, ['script:chk']]],
  );
  u = calc.update(down('interface', 'eth0'));
  assert.deepEqual(u.map((x) => [x.instance, x.current.faults.map((f) => f.reason)]), [['VI_1', ['interface eth0 down']]]);
  // VI_2 has dont_track_primary: eth0 is not its business.
  assert.equal(calc.result('VI_2')!.faults.length, 1);
  u = calc.update(up('script', 'chk'));
  assert.deepEqual(u.map((x) => [x.instance, x.previous.priority, x.current.priority]), [['VI_1', 90, 110], ['VI_2', 90, 90]]);
  assert.deepEqual(calc.result('VI_2')!.faults, []);
});

test('resolution: sync group without tracking weight, address owner, own interface, group trackers', () => {
  const { instances, messages } = resolveTracking(
    [
      {
        name: 'VI_1',
        basePriority: 100,
        primaryInterfaces: ['eth0'],
        dontTrackPrimary: false,
        trackers: [
          w('interface', 'eth0', 5),
          w('interface', 'eth1', 10),
          w('script', 's1', 10),
          w('script', 's0', 0),
          w('file', 'f1', 1),
          w('file', 'f5', 5),
          w('process', 'p', 3),
          w('bfd', 'b', 0),
          w('script', 's0', 0),
        ],
      },
      { name: 'VI_2', basePriority: 100, primaryInterfaces: ['eth0'], dontTrackPrimary: false, trackers: [w('script', 'shared', 7)] },
      { name: 'OWN', basePriority: 255, primaryInterfaces: ['eth2'], dontTrackPrimary: true, trackers: [w('interface', 'eth3', 10), w('script', 's1', 5), w('file', 'f1', 1), w('interface', 'eth4', 0)] },
    ],
    [{ name: 'G', members: ['VI_1', 'VI_2'], trackingWeight: false, trackers: [w('script', 'gs', -30), w('script', 'shared', -40), w('script', 's0', 25)] }],
  );
  const list = (n: string) => instances.get(n)!.trackers.map((t) => `${t.kind}:${t.name}:${t.weight}${t.reverse ? 'r' : ''}:${t.origin}`);
  assert.deepEqual(list('VI_1'), [
    'interface:eth1:0:instance', // sync group: weight cleared
    'script:s0:0:instance', // unweighted stays unweighted even though the group weights it
    'file:f1:0:instance', // default weight 1 -> 0
    'bfd:b:0:instance',
    'interface:eth0:0:primary',
    'script:gs:-30:group',
    'script:shared:-40:group',
  ]);
  // Weighted on the instance, tracked by the group too: the group's weight wins (then the
  // member-weight rule had already dropped the instance's weighted line, so the group's is added).
  assert.deepEqual(list('VI_2'), ['interface:eth0:0:primary', 'script:gs:-30:group', 'script:shared:-40:group', 'script:s0:25:group']);
  assert.deepEqual(list('OWN'), ['file:f1:0:instance', 'interface:eth4:0:instance']);
  for (const expected of [
    '(VI_1) Ignoring track_interface eth0 since own interface',
    '(VI_1) ignoring eth1 tracked interface weight due to SYNC group',
    '(VI_1) ignoring tracked script s1 with weights due to SYNC group',
    '(VI_1) ignoring weight from tracked file f1 due to SYNC group. specify weight 0',
    '(VI_1) ignoring tracked file f5 with weight 5 due to SYNC group',
    '(VI_1) ignoring tracked process p with weight 3 due to SYNC group',
    '(VI_1) duplicate track_script s0 - ignoring',
    '(VI_1) track_script s0 is configured on VRRP instance and sync group. Remove vrrp instance config',
    '(OWN) ignoring eth3 tracked interface due to address owner',
  ]) {
    assert.ok(messages.includes(expected), `missing: ${expected}\n${messages.join('\n')}`);
  }
});

test('resolution: sync_group_tracking_weight keeps member weights; an owner in the group clears group weights', () => {
  const { instances } = resolveTracking(
    [{ name: 'A', basePriority: 100, primaryInterfaces: [], dontTrackPrimary: false, trackers: [w('script', 's', 10), w('file', 'f', 1)] }],
    [{ name: 'G', members: ['A'], trackingWeight: true, trackers: [w('script', 's', 20, true)] }],
  );
  assert.deepEqual(
    instances.get('A')!.trackers.map((t) => [t.name, t.weight, t.reverse]),
    [['s', 20, true], ['f', 1, false]],
  );
  const owned = resolveTracking(
    [
      { name: 'A', basePriority: 255, primaryInterfaces: [], dontTrackPrimary: false, trackers: [] },
      { name: 'B', basePriority: 100, primaryInterfaces: [], dontTrackPrimary: false, trackers: [] },
    ],
    [{ name: 'G', members: ['A', 'B'], trackingWeight: true, trackers: [w('script', 'gs', 15)] }],
  );
  assert.equal(owned.instances.get('B')!.trackers[0]!.weight, 0);
  assert.ok(owned.messages.includes("(G) Cannot have weighted track_script 'gs' with member having priority 255 - clearing weight"));
});

test('a sync group tracker applies to every member', () => {
  const { instances } = resolveTracking(
    [
      { name: 'A', basePriority: 100, primaryInterfaces: [], dontTrackPrimary: false, trackers: [] },
      { name: 'B', basePriority: 150, primaryInterfaces: [], dontTrackPrimary: false, trackers: [] },
    ],
    [{ name: 'G', members: ['A', 'B'], trackingWeight: false, trackers: [w('interface', 'eth9', 0), w('file', 'tf', -5)] }],
  );
  const calc = new PriorityCalculator(instances);
  calc.update(up('interface', 'eth9'));
  const u = calc.update(file('tf', 4));
  assert.deepEqual(u.map((x) => [x.instance, x.current.priority]), [['A', 80], ['B', 130]]);
  const f = calc.update(down('interface', 'eth9'));
  assert.deepEqual(f.map((x) => [x.instance, x.current.faults.length]), [['A', 1], ['B', 1]]);
});
