/**
 * Accept_Mode (RFC 5798 §6.4.3) enforced with nftables, seen from a peer: pings to the
 * VIP of a `no_accept` MASTER get no answer (while ARP and ND still resolve the VIP to
 * the MASTER), those to an `accept` instance's VIP and to an address owner's do; as
 * BACKUP nothing answers; at exit the table is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Topology, type Namespace } from '../../harness/index.js';
import { KEEPALIVED_GARP_DEFAULTS, type InstanceDefinition } from '../../../src/vrrp/actions/index.js';
import { startAgent, stopAgent, transition } from './agent.js';

const answers = async (from: Namespace, address: string): Promise<boolean> =>
  (await from.tryExec(['ping', '-n', '-c', '1', '-W', '1', address])).code === 0;

const def = (name: string, vrid: number, vips: string[], accept: boolean, owner = false): InstanceDefinition => ({
  name, vrid, family: 4, interface: 'eth0',
  vips: vips.filter((a) => !a.includes(':')).map((address) => ({ address, prefixLength: 24 })),
  evips: vips.filter((a) => a.includes(':')).map((address) => ({ address, prefixLength: 64 })),
  routes: [], rules: [], garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 1, masterDelayMs: 0 }, accept, owner,
});

test('no_accept: a MASTER does not accept packets to its VIPs but still answers ARP/ND for them; accept and owners do', async (t) => {
  const topo = await Topology.create(t);
  const r1 = await topo.namespace('r1');
  const peer = await topo.namespace('peer');
  await topo.veth(r1, 'eth0', peer, 'eth0');
  await r1.addAddress('eth0', '192.0.2.1/24');
  await r1.addAddress('eth0', '2001:db8::1/64', { nodad: true });
  await peer.addAddress('eth0', '192.0.2.2/24');
  await peer.addAddress('eth0', '2001:db8::2/64', { nodad: true });
  const table = `kt_${process.pid}`;
  const { proc } = await startAgent(r1, {
    instances: [
      def('VI_NO', 51, ['192.0.2.10', '2001:db8::10'], false),
      def('VI_YES', 52, ['192.0.2.20'], true),
      def('VI_OWN', 53, ['192.0.2.30'], false, true),
    ],
    table,
  });
  const ruleset = (await r1.exec(['nft', 'list', 'table', 'inet', table])).stdout;
  assert.match(ruleset, /elements = \{ 192\.0\.2\.10 \}/, 'only the no_accept non-owner\'s IPv4 VIP is dropped');
  assert.match(ruleset, /elements = \{ 2001:db8::10 \}/);

  for (const name of ['VI_NO', 'VI_YES', 'VI_OWN']) await transition(proc, name, 'BACKUP');
  assert.equal(await answers(peer, '192.0.2.10'), false, 'BACKUP: the VIP is not here');
  assert.equal(await answers(peer, '192.0.2.20'), false);

  for (const name of ['VI_NO', 'VI_YES', 'VI_OWN']) await transition(proc, name, 'MASTER');
  assert.equal(await answers(peer, '192.0.2.20'), true, 'accept: answered');
  assert.equal(await answers(peer, '192.0.2.30'), true, 'address owner: answered');
  assert.equal(await answers(peer, '192.0.2.10'), false, 'no_accept MASTER: dropped');
  assert.equal(await answers(peer, '2001:db8::10'), false, 'no_accept MASTER: dropped (IPv6)');
  const mac = await r1.mac('eth0');
  const neighbours = await peer.neighbours('eth0');
  for (const vip of ['192.0.2.10', '2001:db8::10']) {
    const n = neighbours.find((x) => x.dst === vip);
    assert.equal(n?.lladdr, mac, `${vip} still resolves to the MASTER (ARP/ND are not filtered): ${JSON.stringify(neighbours)}`);
  }
  assert.equal(await answers(peer, '192.0.2.1'), true, 'the router\'s own address is untouched');

  await stopAgent(proc);
  assert.notEqual((await r1.tryExec(['nft', 'list', 'table', 'inet', table])).code, 0, 'the table is removed at exit');
});
