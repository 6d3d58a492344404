/**
 * VIPs, eVIPs, virtual routes and rules in a real kernel (a lab namespace): installed in
 * one netlink batch when the instance becomes MASTER, with keepalived's details (IPv6
 * nodad and deprecated /128, labels, broadcast), removed when it leaves MASTER; a VIP
 * deleted from outside asks the instance to release MASTER; a deleted static address
 * comes back. Everything is checked with `ip -j`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Topology, waitUntil, type Namespace } from '../../harness/index.js';
import { KEEPALIVED_GARP_DEFAULTS, type InstanceDefinition } from '../../../src/vrrp/actions/index.js';
import { nextOfType, startAgent, stopAgent, transition } from './agent.js';

interface IpAddr { ifname: string; addr_info: { family: string; local: string; prefixlen: number; label?: string; broadcast?: string; preferred_life_time?: number; nodad?: boolean; deprecated?: boolean }[] }
interface IpRoute { dst: string; gateway?: string; dev?: string; protocol?: string; table?: string }
interface IpRule { priority: number; src?: string; srclen?: number; table?: string }

async function addresses(ns: Namespace): Promise<Map<string, IpAddr['addr_info'][number] & { ifname: string }>> {
  const out = new Map<string, IpAddr['addr_info'][number] & { ifname: string }>();
  for (const link of await ns.ipJson<IpAddr[]>('addr', 'show')) {
    for (const a of link.addr_info) out.set(a.local, { ...a, ifname: link.ifname });
  }
  return out;
}

async function lab(t: { after(fn: () => unknown): void }) {
  const topo = await Topology.create(t);
  const r1 = await topo.namespace('r1');
  const peer = await topo.namespace('peer');
  await topo.veth(r1, 'eth0', peer, 'eth0');
  // This kernel has no dummy driver: a second cable stands in for another interface.
  await topo.veth(r1, 'eth1', peer, 'eth1');
  await r1.addAddress('eth0', '192.0.2.1/24');
  await r1.addAddress('eth0', '2001:db8::1/64', { nodad: true });
  await peer.addAddress('eth0', '192.0.2.2/24');
  return { topo, r1, peer };
}

const instance: InstanceDefinition = {
  name: 'VI_1', vrid: 51, family: 4, interface: 'eth0',
  vips: [
    { address: '192.0.2.10', prefixLength: 24, broadcast: '+', label: 'eth0:vip' },
    { address: '192.0.2.11' },
    { address: '198.51.100.10', prefixLength: 24, dev: 'eth1' },
  ],
  evips: [
    { address: '2001:db8::10' },
    { address: '2001:db8:1::10', prefixLength: 64, dev: 'eth1' },
    // (Infinity does not survive the JSON trip to the agent; a number does.)
    { address: '2001:db8::11', nodad: false, preferredLifetime: 3600, noTrack: true },
  ],
  routes: [
    { route: { dst: '203.0.113.0/24', gateway: '192.0.2.2' }, dev: 'eth0' },
    { route: { dst: '0.0.0.0/0', table: 100, gateway: '192.0.2.2' }, dev: 'eth0' },
  ],
  rules: [{ rule: { family: 4, priority: 1000, src: '192.0.2.10', table: 100 } }],
  garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 1, masterDelayMs: 0 },
  accept: true, owner: false,
};

test('becoming MASTER installs every VIP, eVIP, route and rule in one batch; leaving MASTER removes them all', async (t) => {
  const { r1 } = await lab(t);
  const { proc } = await startAgent(r1, { instances: [instance], table: `kt_${process.pid}` });
  const before = (await addresses(r1)).size;
  const backup = await transition(proc, 'VI_1', 'BACKUP');
  const master = await transition(proc, 'VI_1', 'MASTER');
  assert.equal(master.sendCalls - backup.sendCalls, 1, 'one sendmsg for 6 addresses, 2 routes and a rule');
  const applied = await nextOfType(proc, 'applied');
  assert.deepEqual([applied.op, applied.sent, applied.failed], ['add', 9, []]);

  const addrs = await addresses(r1);
  const vip = addrs.get('192.0.2.10');
  assert.deepEqual([vip?.ifname, vip?.prefixlen, vip?.label, vip?.broadcast], ['eth0', 24, 'eth0:vip', '192.0.2.255']);
  assert.equal(addrs.get('192.0.2.11')?.prefixlen, 32);
  assert.equal(addrs.get('198.51.100.10')?.ifname, 'eth1', 'dev given');
  const v6 = addrs.get('2001:db8::10');
  assert.equal(v6?.nodad, true, 'IPv6 VIPs skip DAD');
  assert.equal(v6?.preferred_life_time, 0, 'a /128 is deprecated (preferred_lft 0)');
  assert.equal(addrs.get('2001:db8:1::10')?.preferred_life_time, 4294967295, 'a /64 stays preferred');
  assert.equal(addrs.get('2001:db8::11')?.nodad, undefined, '-nodad: DAD runs');
  const given = addrs.get('2001:db8::11')?.preferred_life_time ?? 0;
  assert.ok(given > 3500 && given <= 3600, `preferred_lft 3600, got ${given}`);

  const routes = await r1.ipJson<IpRoute[]>('route', 'show', 'table', 'all');
  const ours = routes.filter((r) => r.protocol === 'keepalived');
  assert.deepEqual(ours.map((r) => `${r.dst} ${r.table ?? 'main'}`).sort(), ['203.0.113.0/24 main', 'default 100'].sort());
  const rules = await r1.ipJson<IpRule[]>('rule', 'show');
  assert.ok(rules.some((r) => r.priority === 1000 && r.src === '192.0.2.10' && r.table === '100'), JSON.stringify(rules));

  const again = await transition(proc, 'VI_1', 'BACKUP');
  assert.equal(again.sendCalls - master.sendCalls, 1, 'one sendmsg to remove everything');
  const after = await addresses(r1);
  assert.equal(after.size, before, 'only the lab\'s own addresses are left');
  assert.equal((await r1.ipJson<IpRoute[]>('route', 'show', 'table', 'all')).filter((r) => r.protocol === 'keepalived').length, 0);
  assert.ok(!(await r1.ipJson<IpRule[]>('rule', 'show')).some((r) => r.priority === 1000));
  await stopAgent(proc);
});

test('becoming MASTER when the VIPs are already there is fine (EEXIST), and they still go away on leaving MASTER', async (t) => {
  const { r1 } = await lab(t);
  await r1.addAddress('eth0', '192.0.2.11/32');
  const { proc } = await startAgent(r1, { instances: [instance], table: `kt_${process.pid}` });
  await transition(proc, 'VI_1', 'MASTER');
  const applied = await nextOfType(proc, 'applied');
  assert.deepEqual(applied.failed, []);
  await transition(proc, 'VI_1', 'BACKUP');
  assert.equal((await addresses(r1)).has('192.0.2.11'), false);
  await stopAgent(proc);
});

test('a VIP deleted from outside while MASTER asks the instance to release MASTER; a no_track one does not', async (t) => {
  const { r1 } = await lab(t);
  const { proc } = await startAgent(r1, { instances: [instance], table: `kt_${process.pid}` });
  await transition(proc, 'VI_1', 'MASTER');
  await r1.ip('addr', 'del', '2001:db8::11/128', 'dev', 'eth0');
  await r1.ip('addr', 'del', '192.0.2.11/32', 'dev', 'eth0');
  const release = await nextOfType(proc, 'releaseMaster', 5000);
  assert.equal(release.instance, 'VI_1');
  assert.equal(release.reason, 'VIP 192.0.2.11/32 dev eth0 was deleted');
  // A virtual route deleted from outside does the same.
  await r1.ip('route', 'del', '203.0.113.0/24', 'dev', 'eth0');
  const routeRelease = await nextOfType(proc, 'releaseMaster', 5000);
  assert.match(routeRelease.reason, /^virtual route 203\.0\.113\.0\/24 via 192\.0\.2\.2 dev eth0 was deleted$/);
  await stopAgent(proc);
});

test('static addresses are installed at start, put back when deleted from outside, and removed at exit', async (t) => {
  const { r1 } = await lab(t);
  const { proc } = await startAgent(r1, {
    instances: [],
    statics: { addresses: [{ address: '192.0.2.200', prefixLength: 24, dev: 'eth0' }], routes: [{ route: { dst: '198.18.0.0/15', gateway: '192.0.2.2' }, dev: 'eth0' }], rules: [] },
    table: `kt_${process.pid}`,
  });
  assert.ok((await addresses(r1)).has('192.0.2.200'));
  await r1.ip('addr', 'del', '192.0.2.200/24', 'dev', 'eth0');
  await nextOfType(proc, 'reinstated', 5000);
  await waitUntil('the static address back', async () => (await addresses(r1)).has('192.0.2.200'));
  await r1.ip('route', 'del', '198.18.0.0/15');
  await nextOfType(proc, 'reinstated', 5000);
  assert.ok((await r1.ipJson<IpRoute[]>('route', 'show')).some((r) => r.dst === '198.18.0.0/15'));
  await stopAgent(proc);
  assert.equal((await addresses(r1)).has('192.0.2.200'), false);
});
