/**
 * InstanceActions driven by the FSM's events, over a fake rtnetlink and a fake clock:
 * install-then-announce on MASTER, withdraw-then-remove on leaving, flaps, -V, lower
 * priority and split-brain bursts, and releaseMaster on deletions from outside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetlinkError, type Address, type BatchOutcome, type NetlinkRequest, type Route, type Rule } from '../../../src/net/netlink/index.js';
import type { InstanceEvent, TransitionCause, VrrpState } from '../../../src/vrrp/fsm/types.js';
import { InstanceAnnouncer } from '../../../src/vrrp/actions/announcer.js';
import { GarpPacer } from '../../../src/vrrp/actions/garp-pacer.js';
import { InstanceActions, type ReleaseMasterRequest } from '../../../src/vrrp/actions/instance-actions.js';
import { NetObjectSet, type RtnlPort } from '../../../src/vrrp/actions/net-actions.js';
import { KEEPALIVED_GARP_DEFAULTS } from '../../../src/vrrp/actions/types.js';
import { FakeClock } from './fake-clock.js';

class FakeRtnl implements RtnlPort {
  readonly batches: string[][] = [];
  pending: (() => void)[] = [];
  hold = false;
  readonly requests: (readonly NetlinkRequest[])[] = [];
  async batch(requests: readonly NetlinkRequest[]): Promise<BatchOutcome[]> {
    this.batches.push(requests.map((r) => r.typeName));
    this.requests.push(requests);
    if (this.hold) await new Promise<void>((r) => this.pending.push(r));
    return requests.map(() => ({ ok: true, replies: [] }));
  }
  async routes(): Promise<Route[]> { return []; }
  async rules(): Promise<Rule[]> { return []; }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(options: { dontRelease?: boolean; prepareAnnouncements?: () => void } = {}) {
  const clock = new FakeClock();
  const rtnl = new FakeRtnl();
  const sent: { at: number; address: string }[] = [];
  const pacer = new GarpPacer(clock, (t) => sent.push({ at: clock.now(), address: t.address }));
  const net = NetObjectSet.forInstance({
    name: 'VI_1', interface: 'eth0',
    vips: [{ address: '192.0.2.10', prefixLength: 24 }],
    evips: [{ address: '198.51.100.1', noTrack: true }],
    routes: [{ route: { dst: '203.0.113.0/24', gateway: '192.0.2.1' } }],
    rules: [],
  }, rtnl, { indexOf: (d) => (d === 'eth0' ? 2 : undefined) });
  const announcer = new InstanceAnnouncer(KEEPALIVED_GARP_DEFAULTS, pacer, clock, {
    name: 'VI_1',
    targets: () => net.installedAddresses().map((a) => ({ address: a.address, family: a.family, dev: a.dev })),
    extraTargets: () => [],
  });
  const actions = new InstanceActions('VI_1', net, announcer, options);
  let state: VrrpState = 'INIT';
  const go = (to: VrrpState, cause: TransitionCause = 'startup'): Promise<void> | undefined => {
    const event: InstanceEvent = { type: 'transition', instance: 'VI_1', from: state, to, cause, priority: 100, atMs: clock.now() };
    state = to;
    return actions.handle(event);
  };
  return { clock, rtnl, sent, net, actions, go };
}

const removed = (address: string): Address => ({
  family: 4, index: 2, address, prefixLength: 24, peer: undefined, broadcast: undefined, label: undefined, scope: 0, flags: 0,
  preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined,
});

test('becoming MASTER installs everything in one batch, then announces; leaving MASTER stops announcing and removes in one batch', async () => {
  const { clock, rtnl, sent, actions, go } = setup();
  go('BACKUP');
  assert.equal(rtnl.batches.length, 0);
  go('MASTER');
  assert.equal(sent.length, 0, 'no GARP before the addresses are in');
  await actions.settled();
  assert.deepEqual(rtnl.batches, [['RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWROUTE']]);
  assert.equal(sent.length, 10, '5 for the VIP, 5 for the eVIP');
  clock.advance(3000);
  go('BACKUP');
  await actions.settled();
  assert.deepEqual(rtnl.batches[1], ['RTM_DELROUTE', 'RTM_DELADDR', 'RTM_DELADDR']);
  clock.advance(10_000);
  assert.equal(sent.length, 10, 'the delayed burst was cancelled');
});

test('leaving MASTER before the install is answered: no announcement, and the removal follows the install', async () => {
  const { rtnl, sent, actions, go } = setup();
  rtnl.hold = true;
  go('BACKUP');
  go('MASTER');
  go('BACKUP');
  await flush();
  assert.equal(rtnl.batches.length, 1);
  rtnl.hold = false;
  for (const release of rtnl.pending.splice(0)) release();
  await actions.settled();
  assert.equal(sent.length, 0);
  assert.deepEqual(rtnl.batches.map((b) => b[0]), ['RTM_NEWADDR', 'RTM_DELROUTE']);
});

test('a tracked VIP deleted from outside while MASTER asks to release MASTER; a no_track eVIP is only reported', async () => {
  const { actions, net, go } = setup();
  const requests: ReleaseMasterRequest[] = [];
  const untracked: string[] = [];
  actions.on('releaseMaster', (r) => requests.push(r));
  actions.on('untrackedRemoval', (r) => untracked.push(r.item.category));
  go('BACKUP');
  go('MASTER');
  await actions.settled();
  net.addressRemoved(removed('198.51.100.1'));
  assert.deepEqual(untracked, ['address']);
  assert.equal(requests.length, 0);
  net.addressRemoved(removed('192.0.2.10'));
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.reason, 'VIP 192.0.2.10/24 dev eth0 was deleted');
});

test('-V (dont_release_vrrp): STOP keeps the VIPs; starting in BACKUP and leaving MASTER delete every item, installed or not', async () => {
  const kept = setup({ dontRelease: true });
  kept.go('BACKUP');
  await kept.actions.settled();
  // keepalived vrrp_init_state -> vrrp_restore_interface: with -V even unset addresses go.
  assert.deepEqual(kept.rtnl.batches, [['RTM_DELROUTE', 'RTM_DELADDR', 'RTM_DELADDR']], 'a forced delete on starting in BACKUP');
  kept.go('MASTER');
  await kept.actions.settled();
  kept.go('STOP');
  await kept.actions.settled();
  assert.equal(kept.rtnl.batches.length, 2, 'no delete batch on STOP');
  const forced = setup({ dontRelease: true });
  forced.go('BACKUP');
  forced.go('MASTER');
  await forced.actions.settled();
  forced.go('FAULT');
  await forced.actions.settled();
  assert.equal(forced.rtnl.batches[2]!.length, 3);
  // Without -V, starting in BACKUP touches nothing.
  const plain = setup();
  plain.go('BACKUP');
  plain.go('FAULT');
  await plain.actions.settled();
  assert.deepEqual(plain.rtnl.batches, []);
});

test('start-up clean-up: every configured address and rule is deleted, installed or not; routes stay', async () => {
  const { rtnl, actions } = setup();
  const report = await actions.clearLeftovers();
  assert.deepEqual(rtnl.batches, [['RTM_DELADDR', 'RTM_DELADDR']]);
  assert.equal(report.op, 'delete');
});

test('a reload kept a MASTER: resumed as MASTER it announces only if an address was added; resumed elsewhere it drops its addresses', async () => {
  // Nothing added (every add finds the address there: EEXIST): no GARP at all.
  const same = setup();
  same.rtnl.batch = async (requests) => {
    same.rtnl.batches.push(requests.map((r) => r.typeName));
    return requests.map((r): BatchOutcome => (r.typeName === 'RTM_NEWADDR' ? { ok: false, error: new NetlinkError(17, undefined) } : { ok: true, replies: [] }));
  };
  same.actions.resumeFrom('MASTER');
  same.go('MASTER', 'reload');
  await same.actions.settled();
  await flush();
  same.clock.advance(10_000);
  assert.equal(same.sent.length, 0, 'no GARP: the reload added no address');

  // An address added: one burst of garp_master_repeat per address, no delayed burst.
  const added = setup();
  added.actions.resumeFrom('MASTER');
  added.go('MASTER', 'reload');
  await added.actions.settled();
  await flush();
  assert.equal(added.sent.length, KEEPALIVED_GARP_DEFAULTS.masterRepeat * 2, 'one burst for every address');
  added.clock.advance(KEEPALIVED_GARP_DEFAULTS.masterDelayMs + 1000);
  assert.equal(added.sent.length, KEEPALIVED_GARP_DEFAULTS.masterRepeat * 2, 'no garp_master_delay burst after a reload');

  // The same transition without a resumed MASTER behind it is a new MASTER: both bursts.
  const fresh = setup();
  fresh.go('MASTER', 'reload');
  await fresh.actions.settled();
  await flush();
  fresh.clock.advance(KEEPALIVED_GARP_DEFAULTS.masterDelayMs + 1000);
  assert.equal(fresh.sent.length, KEEPALIVED_GARP_DEFAULTS.masterRepeat * 4);

  // A kept MASTER that resumes FAULT (say a new tracker fails): its addresses go, forced.
  const faulty = setup();
  faulty.actions.resumeFrom('MASTER');
  faulty.go('FAULT', 'reload');
  await faulty.actions.settled();
  assert.deepEqual(faulty.rtnl.batches, [['RTM_DELROUTE', 'RTM_DELADDR', 'RTM_DELADDR']]);
  // A kept BACKUP that resumes BACKUP touches nothing.
  const backup = setup();
  backup.actions.resumeFrom('BACKUP');
  backup.go('BACKUP', 'reload');
  await backup.actions.settled();
  assert.deepEqual(backup.rtnl.batches, []);
});

test('a lower-priority advert and a resolved split brain start their bursts only while MASTER', async () => {
  const { clock, sent, actions, go } = setup();
  const lower: InstanceEvent = { type: 'masterRxLowerPriority', instance: 'VI_1', source: '192.0.2.2', priority: 50, ourPriority: 100, answered: true };
  const split: InstanceEvent = { type: 'splitBrainResolved', instance: 'VI_1', peer: '192.0.2.2', peerPriority: 50, lastHeardMs: 0 };
  go('BACKUP');
  actions.handle(lower);
  actions.handle(split);
  assert.equal(sent.length, 0);
  go('MASTER');
  await actions.settled();
  clock.advance(20_000);
  const before = sent.length;
  actions.handle(lower);
  assert.equal(sent.length - before, 10);
  clock.advance(20_000);
  actions.handle(split);
  clock.advance(20_000);
  assert.equal(sent.length - before, 10 + 10 + 10 + 10, 'lower-priority burst + delayed, split-brain burst + delayed');
});

test('entering BACKUP prepares the takeover; becoming MASTER sends the prepared requests and settles after the first burst', async () => {
  let prepared = 0;
  const { rtnl, sent, actions, go } = setup({ prepareAnnouncements: () => { prepared += 1; } });
  go('BACKUP');
  assert.equal(prepared, 1, 'the GARP frames are built ahead');
  assert.equal(rtnl.batches.length, 0, 'nothing is sent ahead');
  const takeover = go('MASTER');
  assert.ok(takeover, 'a takeover says when it is announced');
  await takeover;
  assert.equal(sent.length, 10, 'settled after the first burst went out');
  await actions.settled();
  go('BACKUP');
  await actions.settled();
  assert.equal(prepared, 2);
  await go('MASTER');
  assert.equal(rtnl.requests[2]?.[0], rtnl.requests[0]?.[0], 'the same encoded request, planned while BACKUP');
  assert.equal(go('BACKUP'), undefined, 'only a takeover returns a promise');
});
