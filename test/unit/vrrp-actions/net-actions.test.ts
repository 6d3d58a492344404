/**
 * NetObjectSet over a fake rtnetlink: one batch per install/remove, "installed" tracking,
 * forced removal, serialised flaps, deletions from outside (reported for instances,
 * reinstated for statics, ignored for our own deletions), and the route/rule watch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { NetlinkError, errnoNumber, type Address, type BatchOutcome, type NetlinkMessage, type NetlinkRequest, type Route, type Rule } from '../../../src/net/netlink/index.js';
import { decodeAddress } from '../../../src/net/netlink/rtnl/address.js';
import { RTM } from '../../../src/net/netlink/rtnl/constants.js';
import { NetObjectSet, NetWatch, type ExternalRemoval, type RtnlPort } from '../../../src/vrrp/actions/net-actions.js';

/** Remembers every batch; answers each request with `answer` (default: ACK). */
class FakeRtnl implements RtnlPort {
  readonly batches: NetlinkRequest[][] = [];
  answer: (req: NetlinkRequest) => BatchOutcome = () => ({ ok: true, replies: [] });
  routeTable: Route[] = [];
  ruleTable: Rule[] = [];
  /** When set, batches wait for release(). */
  gate: Promise<void> | undefined;

  async batch(requests: readonly NetlinkRequest[]): Promise<BatchOutcome[]> {
    this.batches.push([...requests]);
    if (this.gate) await this.gate;
    return requests.map((r) => this.answer(r));
  }
  async routes(): Promise<Route[]> { return this.routeTable; }
  async rules(): Promise<Rule[]> { return this.ruleTable; }
}

const interfaces = { indexOf: (dev: string) => ({ eth0: 2, eth1: 3 } as Record<string, number>)[dev] };
const fail = (code: string): BatchOutcome => ({ ok: false, error: new NetlinkError(errnoNumber(code)!, undefined) });

function instanceSet(rtnl: FakeRtnl) {
  return NetObjectSet.forInstance({
    name: 'VI_1',
    interface: 'eth0',
    vips: [{ address: '192.0.2.10', prefixLength: 24 }, { address: '2001:db8::10' }],
    evips: [{ address: '198.51.100.1', dev: 'eth1' }, { address: '198.51.100.2', dev: 'eth1', noTrack: true }],
    routes: [{ route: { dst: '203.0.113.0/24', gateway: '192.0.2.1' }, dev: 'eth0' }],
    rules: [{ rule: { family: 4, priority: 100, src: '192.0.2.10', table: 100 } }],
  }, rtnl, interfaces);
}

const removedAddress = (address: string, index: number, family: 4 | 6 = 4): Address => ({
  family, index, address, prefixLength: 32, peer: undefined, broadcast: undefined, label: undefined, scope: 0, flags: 0,
  preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined,
});

test('install sends every VIP, eVIP, route and rule in ONE batch; remove deletes them in one batch, in reverse order', async () => {
  const rtnl = new FakeRtnl();
  const set = instanceSet(rtnl);
  const added = await set.install();
  assert.equal(rtnl.batches.length, 1);
  assert.equal(added.sent, 6);
  assert.deepEqual(rtnl.batches[0]!.map((r) => r.typeName), ['RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWROUTE', 'RTM_NEWRULE']);
  assert.deepEqual(set.installedAddresses().map((a) => a.address), ['192.0.2.10', '2001:db8::10', '198.51.100.1', '198.51.100.2']);
  await set.remove();
  assert.equal(rtnl.batches.length, 2);
  assert.deepEqual(rtnl.batches[1]!.map((r) => r.typeName), ['RTM_DELRULE', 'RTM_DELROUTE', 'RTM_DELADDR', 'RTM_DELADDR', 'RTM_DELADDR', 'RTM_DELADDR']);
  assert.deepEqual(set.installedAddresses(), []);
});

test('an address that exists already counts as installed; one that failed is neither installed nor deleted later', async () => {
  const rtnl = new FakeRtnl();
  rtnl.answer = (r) => {
    const a = r.type === RTM.NEWADDR ? decodeAddress({ type: RTM.NEWADDR, flags: 0, seq: 0, pid: 0, payload: r.payload }) : null;
    if (a?.address === '192.0.2.10') return fail('EEXIST');
    if (a?.address === '2001:db8::10') return fail('EACCES');
    return { ok: true, replies: [] };
  };
  const set = instanceSet(rtnl);
  const report = await set.install();
  assert.deepEqual(report.results.map((r) => r.outcome.result), ['already', 'failed', 'done', 'done', 'done', 'done']);
  assert.deepEqual(set.installedAddresses().map((a) => a.address), ['192.0.2.10', '198.51.100.1', '198.51.100.2']);
  rtnl.answer = () => ({ ok: true, replies: [] });
  const removed = await set.remove();
  assert.equal(removed.sent, 5, 'the failed IPv6 VIP is not deleted');
});

test('forced removal (-V, leftovers) deletes everything and takes "already gone" for success', async () => {
  const rtnl = new FakeRtnl();
  rtnl.answer = (r) => (r.type === RTM.DELADDR ? fail('EADDRNOTAVAIL') : r.type === RTM.DELROUTE ? fail('ESRCH') : { ok: true, replies: [] });
  const set = instanceSet(rtnl);
  const report = await set.remove({ force: true });
  assert.equal(report.sent, 6);
  assert.ok(report.results.every((r) => r.outcome.result !== 'failed'));
});

test('a flap (install, remove, install) runs in order, and the removal deletes what the first install added', async () => {
  const rtnl = new FakeRtnl();
  let release!: () => void;
  rtnl.gate = new Promise<void>((resolve) => { release = resolve; });
  const set = instanceSet(rtnl);
  const first = set.install();
  const second = set.remove();
  const third = set.install();
  await Promise.resolve();
  assert.equal(rtnl.batches.length, 1, 'the removal waits for the install');
  release();
  rtnl.gate = undefined;
  await Promise.all([first, second, third]);
  assert.deepEqual(rtnl.batches.map((b) => b.length), [6, 6, 6]);
  assert.deepEqual(rtnl.batches.map((b) => b[0]!.typeName), ['RTM_NEWADDR', 'RTM_DELRULE', 'RTM_NEWADDR']);
  assert.equal(set.installedAddresses().length, 4);
});

test('an install with nothing outstanding leaves at once (flushed in the caller\'s tick); one behind another waits its turn', async () => {
  const rtnl = new FakeRtnl();
  let flushes = 0;
  const port: RtnlPort = { batch: (r) => rtnl.batch(r), flush: () => { flushes += 1; }, routes: () => rtnl.routes(), rules: () => rtnl.rules() };
  const set = NetObjectSet.forInstance({
    name: 'VI_1', interface: 'eth0', vips: [{ address: '192.0.2.10', prefixLength: 24 }], evips: [], routes: [], rules: [],
  }, port, interfaces);
  const first = set.install();
  assert.equal(rtnl.batches.length, 1, 'the batch was asked for synchronously');
  assert.equal(flushes, 1, 'and flushed: a new MASTER\'s addresses do not wait for the end of the tick');
  const removal = set.remove();
  assert.equal(rtnl.batches.length, 1, 'a removal queued behind it waits');
  await Promise.all([first, removal]);
  assert.equal(rtnl.batches.length, 2);
  assert.equal(flushes, 1, 'removals are not flushed');
  await set.install();
  assert.equal(flushes, 2);
});

test('a tracked VIP deleted from outside while installed is reported once; no_track ones and our own deletions are not', async () => {
  const rtnl = new FakeRtnl();
  const set = instanceSet(rtnl);
  const seen: ExternalRemoval[] = [];
  set.on('externalRemoval', (e) => seen.push(e));
  set.addressRemoved(removedAddress('192.0.2.10', 2));
  assert.equal(seen.length, 0, 'not installed: not ours to worry about');
  await set.install();
  set.addressRemoved(removedAddress('192.0.2.10', 3));
  assert.equal(seen.length, 0, 'same address on another interface');
  set.addressRemoved(removedAddress('192.0.2.10', 2));
  set.addressRemoved(removedAddress('192.0.2.10', 2));
  set.addressRemoved(removedAddress('198.51.100.2', 3));
  assert.deepEqual(seen.map((e) => [e.item.category === 'address' && e.item.address, e.tracked]), [['192.0.2.10', true], ['198.51.100.2', false]]);
  const removal = set.remove();
  set.addressRemoved(removedAddress('198.51.100.1', 3)); // our own delete's notification
  await removal;
  assert.equal(seen.length, 2);
  assert.equal(rtnl.batches[1]!.length, 4, 'the VIP deleted from outside is not deleted again');
});

test('static addresses deleted from outside are put back; no_track ones are not', async () => {
  const rtnl = new FakeRtnl();
  const statics = NetObjectSet.forStatics({
    addresses: [{ address: '192.0.2.200', dev: 'eth0' }, { address: '192.0.2.201', dev: 'eth0', noTrack: true }],
    routes: [],
    rules: [],
  }, rtnl, interfaces);
  const reinstated = new Promise<unknown>((resolve) => statics.once('reinstated', resolve));
  await statics.install();
  statics.addressRemoved(removedAddress('192.0.2.201', 2));
  statics.addressRemoved(removedAddress('192.0.2.200', 2));
  await reinstated;
  assert.equal(rtnl.batches.length, 2);
  assert.equal(rtnl.batches[1]!.length, 1);
  assert.deepEqual(statics.installedAddresses().map((a) => a.address), ['192.0.2.200']);
});

test('NetWatch hands route and rule deletions to the sets; after an overrun it verifies against a dump', async () => {
  const rtnl = new FakeRtnl();
  const set = instanceSet(rtnl);
  await set.install();
  const table = new EventEmitter();
  const monitor = new EventEmitter();
  const watch = new NetWatch(table as never, monitor as never);
  watch.add(set);
  const seen: string[] = [];
  set.on('externalRemoval', (e) => seen.push(e.item.category));
  table.emit('addressRemoved', removedAddress('2001:db8::10', 2, 6));
  // Garbage on the monitor is counted, never thrown.
  monitor.emit('notification', { type: RTM.DELROUTE, flags: 0, seq: 0, pid: 0, payload: Buffer.from([1, 2]) } satisfies NetlinkMessage);
  assert.equal(watch.dropped, 1);
  // The dump after an overrun has neither our route nor our rule.
  monitor.emit('overrun');
  await new Promise((r) => setImmediate(r));
  await set.settled();
  assert.deepEqual(seen.sort(), ['address', 'route', 'rule']);
});
