// Gratuitous ARP and unsolicited NA sent from one namespace: tshark in the peer
// decodes them cleanly with the fields keepalived would put there, the bytes
// are the ones the codecs build, and the peer's neighbour table follows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Topology, waitUntil } from '../../harness/index.js';
import { NeighbourAnnouncer, hardwareAddress, ipv6ForwardingEnabled } from '../../../src/net/announce.js';
import { encodeGratuitousArpFrame } from '../../../src/net/arp.js';
import { encodeUnsolicitedNaFrame } from '../../../src/net/ndp.js';
import { formatMac } from '../../../src/net/inet.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:01';
const OLD_MAC = '02:00:00:00:00:99';

type Layers = Record<string, Record<string, string>>;

test('gratuitous ARP and unsolicited NA: decoded by tshark, accepted by the peer', async (t) => {
  const lab = await Topology.create(t);
  const a = await lab.namespace('a');
  const b = await lab.namespace('b');
  await lab.veth(a, 'eth0', b, 'eth0', { aMac: MAC_A, bMac: MAC_B });
  await a.addAddress('eth0', '192.0.2.1/24');
  await b.addAddress('eth0', '192.0.2.2/24');
  await a.addAddress('eth0', '2001:db8::1/64', { nodad: true });
  await b.addAddress('eth0', '2001:db8::2/64', { nodad: true });
  // The peer believes the virtual addresses are at another MAC (a previous master).
  await b.ip('neigh', 'replace', '192.0.2.100', 'lladdr', OLD_MAC, 'dev', 'eth0', 'nud', 'stale');
  await b.ip('-6', 'neigh', 'replace', '2001:db8::100', 'lladdr', OLD_MAC, 'dev', 'eth0', 'nud', 'stale');

  const ifindex = await a.ifindex('eth0');
  const announcer = a.enter(() => new NeighbourAnnouncer());
  t.after(() => announcer.close());
  const mac = a.enter(() => hardwareAddress(ifindex));
  assert.equal(formatMac(mac), MAC_A);
  assert.equal(a.enter(() => ipv6ForwardingEnabled('eth0')), false);

  const capture = await b.capture('eth0', 'arp or (icmp6 and ip6[40] == 136)');
  // Opening the packet sockets inside the namespace: the first send creates them.
  assert.equal(a.enter(() => announcer.sendGratuitousArp({ ifindex, mac }, '192.0.2.100')), 42);
  assert.equal(a.enter(() => announcer.sendUnsolicitedNa({ ifindex, mac }, '2001:db8::100', { router: false })), 86);
  await capture.waitForPackets(2);

  const frames = await capture.frames();
  assert.deepEqual(frames, [encodeGratuitousArpFrame(MAC_A, '192.0.2.100'),
    encodeUnsolicitedNaFrame({ mac: MAC_A, address: '2001:db8::100', router: false })]);

  const [arpPacket, naPacket] = await capture.decode();
  const arpLayers = arpPacket!.layers as Layers;
  assert.equal(arpLayers.eth!['eth.dst'], 'ff:ff:ff:ff:ff:ff');
  assert.equal(arpLayers.eth!['eth.src'], MAC_A);
  assert.deepEqual({
    opcode: arpLayers.arp!['arp.opcode'], gratuitous: arpLayers.arp!['arp.isgratuitous'],
    senderMac: arpLayers.arp!['arp.src.hw_mac'], senderIp: arpLayers.arp!['arp.src.proto_ipv4'],
    targetMac: arpLayers.arp!['arp.dst.hw_mac'], targetIp: arpLayers.arp!['arp.dst.proto_ipv4'],
  }, {
    opcode: '1', gratuitous: '1', senderMac: MAC_A, senderIp: '192.0.2.100',
    targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: '192.0.2.100',
  });
  assert.equal(arpLayers._ws, undefined, 'tshark found nothing malformed');

  const naLayers = naPacket!.layers as Record<string, Record<string, unknown>>;
  assert.equal(naLayers.eth!['eth.dst'], '33:33:00:00:00:01');
  assert.deepEqual({
    src: naLayers.ipv6!['ipv6.src'], dst: naLayers.ipv6!['ipv6.dst'], hlim: naLayers.ipv6!['ipv6.hlim'], plen: naLayers.ipv6!['ipv6.plen'],
  }, { src: '2001:db8::100', dst: 'ff02::1', hlim: '255', plen: '32' });
  const icmp = naLayers.icmpv6 as Record<string, unknown>;
  assert.equal(icmp['icmpv6.type'], '136');
  assert.equal(icmp['icmpv6.code'], '0');
  assert.equal(icmp['icmpv6.checksum.status'], '1', 'tshark verified the ICMPv6 checksum');
  assert.equal(icmp['icmpv6.nd.na.target_address'], '2001:db8::100');
  const flags = icmp['icmpv6.nd.na.flag_tree'] as Record<string, string>;
  assert.deepEqual([flags['icmpv6.nd.na.flag.r'], flags['icmpv6.nd.na.flag.s'], flags['icmpv6.nd.na.flag.o']], ['0', '0', '1']);
  const option = icmp['icmpv6.opt'] as Record<string, string> | undefined;
  assert.ok(option, 'target link-layer option present');
  assert.equal(option['icmpv6.opt.type'], '2');
  assert.equal(option['icmpv6.opt.linkaddr'], MAC_A);
  assert.equal(naLayers._ws, undefined, 'tshark found nothing malformed');

  // RFC 826 merge / RFC 4861 §7.2.5 override: the peer now points both addresses at a.
  for (const address of ['192.0.2.100', '2001:db8::100']) {
    await waitUntil(`b's neighbour entry for ${address} to move to ${MAC_A}`, async () => {
      const entries = await b.neighbours('eth0');
      return entries.find((n) => n.dst === address)?.lladdr === MAC_A;
    }, { timeoutMs: 3000 });
  }
});

test('the Router flag follows IPv6 forwarding on the interface', async (t) => {
  const lab = await Topology.create(t);
  const a = await lab.namespace('a');
  const b = await lab.namespace('b');
  await lab.veth(a, 'eth0', b, 'eth0', { aMac: MAC_A });
  await a.sysctl('net.ipv6.conf.eth0.forwarding', 1);
  const ifindex = await a.ifindex('eth0');
  const announcer = a.enter(() => new NeighbourAnnouncer());
  t.after(() => announcer.close());
  const router = a.enter(() => ipv6ForwardingEnabled('eth0'));
  assert.equal(router, true);
  const capture = await b.capture('eth0', 'icmp6 and ip6[40] == 136');
  a.enter(() => announcer.sendUnsolicitedNa({ ifindex, mac: MAC_A }, '2001:db8::200', { router }));
  await capture.waitForPackets(1);
  const rows = await capture.fields(['icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.o', 'icmpv6.checksum.status']);
  assert.deepEqual(rows, [['1', '1', '1']]);
});
