/**
 * use_vmac in a real kernel: the macvlan (name, RFC 5798 MAC, private mode, up, no
 * EUI-64 address), keepalived's sysctls on the VMAC and its parent, VIPs on the VMAC
 * announced from the virtual MAC, an IPv6 VMAC with the parent's link-local address, and
 * everything restored and removed at shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Topology, type Namespace } from '../../harness/index.js';
import { KEEPALIVED_GARP_DEFAULTS, type InstanceDefinition } from '../../../src/vrrp/actions/index.js';
import { startAgent, stopAgent, transition } from './agent.js';

interface IpLink { ifname: string; address: string; operstate: string; link?: string; flags: string[]; linkinfo?: { info_kind: string; info_data?: { mode?: string } } }
interface IpAddr { ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }

const sysctl = async (ns: Namespace, path: string): Promise<string> => (await ns.exec(['cat', `/proc/sys/${path}`])).stdout.trim();

async function lab(t: { after(fn: () => unknown): void }) {
  const topo = await Topology.create(t);
  const r1 = await topo.namespace('r1');
  const peer = await topo.namespace('peer');
  await topo.veth(r1, 'eth0', peer, 'eth0');
  await r1.addAddress('eth0', '192.0.2.1/24');
  await peer.addAddress('eth0', '192.0.2.2/24');
  return { r1, peer };
}

const def = (over: Partial<InstanceDefinition>): InstanceDefinition => ({
  name: 'VI_1', vrid: 51, family: 4, interface: 'eth0', vips: [{ address: '192.0.2.10', prefixLength: 24 }], evips: [], routes: [], rules: [],
  garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 2, masterDelayMs: 0 }, accept: true, owner: false, vmac: {}, ...over,
});

test('an IPv4 VMAC: vrrp.51, 00:00:5e:00:01:33, private, up, keepalived\'s sysctls; VIPs on it, GARPs from the virtual MAC; gone at exit', async (t) => {
  const { r1, peer } = await lab(t);
  const table = `kt_${process.pid}`;
  const { proc, ready } = await startAgent(r1, { instances: [def({})], table });
  assert.deepEqual(ready.vmacs.map((v) => [v.name, v.mac]), [['vrrp.51', '00:00:5e:00:01:33']]);
  const [link] = await r1.ipJson<IpLink[]>('-d', 'link', 'show', 'vrrp.51');
  assert.equal(link?.address, '00:00:5e:00:01:33');
  assert.equal(link?.linkinfo?.info_kind, 'macvlan');
  assert.equal(link?.linkinfo?.info_data?.mode, 'private');
  assert.equal(link?.link, 'eth0');
  assert.ok(link?.flags.includes('UP'));
  const settings = {
    'net/ipv4/conf/vrrp.51/arp_ignore': '1', 'net/ipv4/conf/vrrp.51/accept_local': '1', 'net/ipv4/conf/vrrp.51/rp_filter': '0',
    'net/ipv4/conf/vrrp.51/promote_secondaries': '1', 'net/ipv4/conf/eth0/arp_ignore': '1', 'net/ipv4/conf/eth0/arp_filter': '1',
    'net/ipv6/conf/vrrp.51/disable_ipv6': '1',
  };
  for (const [path, value] of Object.entries(settings)) assert.equal(await sysctl(r1, path), value, path);
  const [vmacAddrs] = await r1.ipJson<IpAddr[]>('addr', 'show', 'dev', 'vrrp.51');
  assert.deepEqual(vmacAddrs?.addr_info ?? [], [], 'no automatic link-local address');
  assert.match((await r1.exec(['nft', 'list', 'table', 'inet', table])).stdout, /"vrrp\.51"/, 'the VMAC is in the firewall\'s vmacs set');

  const capture = await peer.capture('eth0', 'arp');
  await transition(proc, 'VI_1', 'MASTER');
  const [withVip] = await r1.ipJson<IpAddr[]>('addr', 'show', 'dev', 'vrrp.51');
  assert.deepEqual(withVip?.addr_info.map((a) => `${a.local}/${a.prefixlen}`), ['192.0.2.10/24'], 'the VIP lives on the VMAC');
  await capture.waitForPackets(2, 'arp', 5000);
  const rows = await capture.fields(['eth.src', 'arp.src.hw_mac', 'arp.src.proto_ipv4']);
  assert.deepEqual(rows, [['00:00:5e:00:01:33', '00:00:5e:00:01:33', '192.0.2.10'], ['00:00:5e:00:01:33', '00:00:5e:00:01:33', '192.0.2.10']]);

  await stopAgent(proc);
  assert.deepEqual(await r1.ipJson<IpLink[]>('link', 'show', 'type', 'macvlan'), [], 'the VMAC is gone');
  assert.equal(await sysctl(r1, 'net/ipv4/conf/eth0/arp_ignore'), '0', 'parent restored');
  assert.equal(await sysctl(r1, 'net/ipv4/conf/eth0/arp_filter'), '0');
  assert.equal((await r1.tryExec(['nft', 'list', 'table', 'inet', table])).code !== 0, true, 'the table is gone');
});

test('an existing matching VMAC is reused; an IPv6 VMAC (00:00:5e:00:02:VRID) carries the parent\'s link-local address', async (t) => {
  const { r1 } = await lab(t);
  await r1.ip('link', 'add', 'link', 'eth0', 'name', 'vrrp.51', 'address', '00:00:5e:00:01:33', 'type', 'macvlan', 'mode', 'private');
  const index = (await r1.ipJson<{ ifindex: number }[]>('link', 'show', 'vrrp.51'))[0]!.ifindex;
  const [parent] = await r1.ipJson<IpAddr[]>('addr', 'show', 'dev', 'eth0', 'scope', 'link');
  const parentLinkLocal = parent!.addr_info.find((a) => a.family === 'inet6')!.local;
  const { proc, ready } = await startAgent(r1, {
    instances: [def({}), def({ name: 'VI_6', vrid: 52, family: 6, vips: [{ address: '2001:db8::52' }] })],
    table: `kt_${process.pid}`,
  });
  assert.equal(ready.vmacs.find((v) => v.name === 'vrrp.51')?.index, index, 'reused, not recreated');
  const [v6] = await r1.ipJson<IpLink[]>('link', 'show', 'vrrp.52');
  assert.equal(v6?.address, '00:00:5e:00:02:34');
  const [addrs] = await r1.ipJson<IpAddr[]>('addr', 'show', 'dev', 'vrrp.52');
  assert.deepEqual(addrs?.addr_info.map((a) => `${a.local}/${a.prefixlen}`), [`${parentLinkLocal}/64`]);
  assert.equal(await sysctl(r1, 'net/ipv6/conf/vrrp.52/disable_ipv6'), '0');
  await stopAgent(proc);
  assert.deepEqual(await r1.ipJson<IpLink[]>('link', 'show', 'type', 'macvlan'), []);
});
