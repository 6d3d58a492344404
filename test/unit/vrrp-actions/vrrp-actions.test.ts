/**
 * VrrpActions over fakes of every port: a VMAC instance's VIPs land on the VMAC and are
 * announced from it, paced by the parent's garp_group; sync-group partners join a
 * lower-priority burst; the firewall learns instances and VMACs before anything starts;
 * shutdown removes statics, VMACs and the table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Address, AddressSpec, BatchOutcome, Link, LinkRef, MacvlanSpec, NetlinkRequest, Route, Rule } from '../../../src/net/netlink/index.js';
import { NftRunner } from '../../../src/vrrp/firewall/nft-runner.js';
import { VrrpFirewall } from '../../../src/vrrp/firewall/vrrp-firewall.js';
import { VrrpActions, type InstanceDefinition } from '../../../src/vrrp/actions/vrrp-actions.js';
import type { InstanceEvent } from '../../../src/vrrp/fsm/types.js';
import { KEEPALIVED_GARP_DEFAULTS } from '../../../src/vrrp/actions/types.js';
import { FakeClock } from './fake-clock.js';

function link(index: number, name: string, over: Partial<Link> = {}): Link {
  return {
    index, name, hardwareType: 1, flags: 0x1043, adminUp: true, running: true, lowerUp: true, up: true, operState: 'up', mtu: 1500,
    mac: `52:54:00:00:00:${index.toString(16).padStart(2, '0')}`, broadcast: 'ff:ff:ff:ff:ff:ff', permanentMac: undefined, parentIndex: undefined,
    masterIndex: undefined, kind: undefined, macvlanMode: undefined, alias: undefined, group: 0, altNames: [], addrGenMode: undefined, ...over,
  };
}

class Kernel extends EventEmitter {
  readonly links = new Map<string, Link>([['eth0', link(2, 'eth0')], ['eth1', link(3, 'eth1')]]);
  readonly batches: string[][] = [];
  readonly proc = new Map<string, string>();
  readonly frames: { dev: string; mac: string; address: string; at: number }[] = [];
  constructor(readonly clock: FakeClock) { super(); }
  // RtnlPort
  async batch(requests: readonly NetlinkRequest[]): Promise<BatchOutcome[]> {
    this.batches.push(requests.map((r) => r.description));
    return requests.map(() => ({ ok: true, replies: [] }));
  }
  async routes(): Promise<Route[]> { return []; }
  async rules(): Promise<Rule[]> { return []; }
  // VmacRtnlPort
  async createMacvlan(spec: MacvlanSpec): Promise<Link> {
    const l = link(10 + this.links.size, spec.name, { kind: 'macvlan', parentIndex: spec.parentIndex, mac: spec.mac, macvlanMode: 'private' });
    this.links.set(spec.name, l);
    return l;
  }
  async deleteLink(ref: LinkRef): Promise<void> {
    for (const [name, l] of this.links) if ('index' in ref && l.index === ref.index) this.links.delete(name);
  }
  async setLinkUp(): Promise<void> {}
  async setAddrGenMode(): Promise<void> {}
  async addAddress(_spec: AddressSpec): Promise<void> {}
  // InterfacesPort
  indexOf(name: string): number | undefined { return this.links.get(name)?.index; }
  linkByName(name: string): Link | undefined { return this.links.get(name); }
  allLinks(): Link[] { return [...this.links.values()]; }
  addresses(): Address[] { return []; }
  // SysctlPort
  async read(path: string): Promise<string | undefined> { return this.proc.get(path) ?? '0'; }
  async write(path: string, value: string): Promise<void> { this.proc.set(path, value); }
}

function world() {
  const clock = new FakeClock();
  const k = new Kernel(clock);
  const nft: string[] = [];
  const firewall = new VrrpFirewall(new NftRunner(async (text) => { nft.push(text); }), { table: 'kt_unit' });
  const actions = new VrrpActions({
    rtnl: k,
    interfaces: { indexOf: (n) => k.indexOf(n), linkByName: (n) => k.linkByName(n), links: () => k.allLinks(), addresses: () => [], on: (e, l) => k.on(e, l) },
    announcer: {
      sendGratuitousArp: (l, address) => { k.frames.push({ dev: [...k.links.values()].find((x) => x.index === l.ifindex)!.name, mac: l.mac, address, at: clock.now() }); return 42; },
      sendUnsolicitedNa: (l, address) => { k.frames.push({ dev: String(l.ifindex), mac: l.mac, address, at: clock.now() }); return 86; },
    },
    sysctl: k, firewall, clock,
  }, { pacing: { garpGroups: [{ garpIntervalMs: 100, interfaces: ['eth0'] }] } });
  return { clock, k, nft, actions };
}

const def = (over: Partial<InstanceDefinition>): InstanceDefinition => ({
  name: 'VI_1', vrid: 51, family: 4, interface: 'eth0', vips: [{ address: '192.0.2.10' }], evips: [], routes: [], rules: [],
  garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 2, masterDelayMs: 0, lowerPrioRepeat: 1, lowerPrioDelayMs: 0 },
  accept: true, owner: false, ...over,
});

const to = (name: string, from: string, state: string): InstanceEvent =>
  ({ type: 'transition', instance: name, from, to: state, cause: 'startup', priority: 100, atMs: 0 }) as InstanceEvent;

test('a VMAC instance: VIPs on the VMAC, announced from the virtual MAC, paced by the parent\'s garp_group', async () => {
  const { clock, k, nft, actions } = world();
  const inst = await actions.addInstance(def({ vmac: {}, accept: false }));
  await actions.ready();
  assert.match(nft[0]!, /elements = \{ 192\.0\.2\.10 \}/);
  assert.match(nft[0]!, /elements = \{ "vrrp\.51" \}/);
  inst.handle(to('VI_1', 'INIT', 'BACKUP'));
  inst.handle(to('VI_1', 'BACKUP', 'MASTER'));
  await inst.settled();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(k.batches[0], ['192.0.2.10/32 ifindex 12']);
  clock.advance(1000);
  assert.deepEqual(k.frames.map((f) => `${f.at} ${f.dev} ${f.mac}`), ['0 vrrp.51 00:00:5e:00:01:33', '100 vrrp.51 00:00:5e:00:01:33']);
});

test('a lower-priority advert heard by one sync-group member makes the other MASTER members send their bursts too', async () => {
  const { k, actions } = world();
  const a = await actions.addInstance(def({ name: 'A', interface: 'eth1', syncGroup: 'G' }));
  const b = await actions.addInstance(def({ name: 'B', vrid: 52, interface: 'eth1', vips: [{ address: '198.51.100.1' }], syncGroup: 'G' }));
  const c = await actions.addInstance(def({ name: 'C', vrid: 53, interface: 'eth1', vips: [{ address: '203.0.113.1' }] }));
  for (const [name, inst] of [['A', a], ['B', b], ['C', c]] as const) {
    inst.handle(to(name, 'INIT', 'MASTER'));
    await inst.settled();
  }
  await new Promise((r) => setImmediate(r));
  k.frames.length = 0;
  a.handle({ type: 'masterRxLowerPriority', instance: 'A', source: '192.0.2.9', priority: 1, ourPriority: 100, answered: true });
  assert.deepEqual(k.frames.map((f) => f.address).sort(), ['192.0.2.10', '198.51.100.1']);
});

test('shutdown: statics removed, VMACs deleted, firewall table removed', async () => {
  const { k, nft, actions } = world();
  await actions.setStatics({ addresses: [{ address: '192.0.2.200', dev: 'eth0' }], routes: [], rules: [] });
  const inst = await actions.addInstance(def({ vmac: {}, accept: false }));
  await actions.ready();
  inst.handle(to('VI_1', 'INIT', 'MASTER'));
  await inst.settled();
  await actions.stop();
  assert.ok(!k.links.has('vrrp.51'));
  assert.deepEqual(k.batches.at(-1), ['192.0.2.200/32 ifindex 2'], 'the static address deleted last');
  assert.equal(k.batches.filter((b) => b[0] === '192.0.2.10/32 ifindex 12').length, 2, 'the VIP of the MASTER left behind is added, then removed');
  assert.equal(nft.at(-1), 'table inet kt_unit {}\ndelete table inet kt_unit\n');
});

test('promote_secondaries: set on the interface while registered, restored on removal and at shutdown; a VMAC instance leaves it', async () => {
  const { k, actions } = world();
  const path = (dev: string) => `net/ipv4/conf/${dev}/promote_secondaries`;
  await actions.addInstance(def({ name: 'A', promoteSecondaries: true }));
  await actions.addInstance(def({ name: 'B', vrid: 52, promoteSecondaries: true }));
  await actions.addInstance(def({ name: 'C', vrid: 53, interface: 'eth1', promoteSecondaries: true }));
  await actions.addInstance(def({ name: 'V', vrid: 54, interface: 'eth1', vmac: {} }));
  assert.equal(k.proc.get(path('eth0')), '1');
  assert.equal(k.proc.get(path('eth1')), '1');
  await actions.removeInstance('A');
  assert.equal(k.proc.get(path('eth0')), '1', 'B still runs on eth0');
  await actions.removeInstance('B');
  assert.equal(k.proc.get(path('eth0')), '0');
  // A reload that keeps the keyword does not switch it off and on again.
  const written: string[] = [];
  const write = k.write.bind(k);
  k.write = async (p: string, v: string) => { written.push(`${p}=${v}`); return write(p, v); };
  await actions.replaceInstance('C', def({ name: 'C', vrid: 53, interface: 'eth1', promoteSecondaries: true }));
  assert.deepEqual(written, []);
  assert.deepEqual([...actions.promote.held], [['eth1', 1]]);
  await actions.stop();
  assert.equal(k.proc.get(path('eth1')), '0');
});
