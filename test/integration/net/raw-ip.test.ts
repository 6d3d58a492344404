// VRRP-shaped raw IP packets (protocol 112, TTL/hop limit 255) between
// namespaces: multicast to 224.0.0.18 and ff02::12, and unicast. The receiver
// must learn the right source, incoming interface and TTL/hop limit.
//
//   a (eth0) ---- (eth0) b (eth1) ---- (eth0) c
//
// b has two interfaces so the reported ifindex is tested, not just present.
// Sockets are opened inside each namespace with Namespace.enter() (setns).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Topology, waitUntil, type Namespace } from '../../harness/index.js';
import { RawSocket, type ReceivedMessage } from '../../../src/net/socket.js';
import {
  AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_VRRP, IP_ADD_MEMBERSHIP, IP_MULTICAST_IF,
  IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_PKTINFO, IP_RECVTTL, IP_TTL, IPV6_ADD_MEMBERSHIP, IPV6_CHECKSUM,
  IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO,
  IPV6_UNICAST_HOPS, SOCK_RAW,
} from '../../../src/net/constants.js';
import { sockaddrIn, sockaddrIn6 } from '../../../src/net/sockaddr.js';
import { ipMreqn, ipv6Mreq } from '../../../src/net/sockopt.js';
import { ipPktinfo, ipv6Pktinfo } from '../../../src/net/cmsg.js';
import { internetChecksum } from '../../../src/net/checksum.js';
import { parseIPv4, parseIPv6 } from '../../../src/net/inet.js';

/** A VRRPv2 advertisement (RFC 3768 §5.1): vrid, priority, one IPv4 address, checksum set. */
function vrrpV2Advert(vrid: number, priority: number, address: string): Buffer {
  const p = Buffer.alloc(20);
  p[0] = 0x21; // version 2, type 1 (advertisement)
  p[1] = vrid;
  p[2] = priority;
  p[3] = 1; // count of addresses
  p[4] = 0; // no authentication
  p[5] = 1; // advertisement interval, seconds
  parseIPv4(address).copy(p, 8);
  p.writeUInt16BE(internetChecksum(p), 6);
  return p;
}

/** A VRRPv3 advertisement (RFC 5798 §5.1) for IPv6; the kernel fills the checksum (IPV6_CHECKSUM). */
function vrrpV3Advert(vrid: number, priority: number, address: string): Buffer {
  const p = Buffer.alloc(24);
  p[0] = 0x31;
  p[1] = vrid;
  p[2] = priority;
  p[3] = 1;
  p.writeUInt16BE(100, 4); // max advertisement interval, centiseconds
  parseIPv6(address).copy(p, 8);
  return p;
}

interface Lab {
  a: Namespace;
  b: Namespace;
  c: Namespace;
  ifindex: { a: number; b0: number; b1: number; c: number };
}

async function buildLab(t: Parameters<typeof Topology.create>[0]): Promise<Lab> {
  const lab = await Topology.create(t);
  const [a, b, c] = [await lab.namespace('a'), await lab.namespace('b'), await lab.namespace('c')];
  await lab.veth(a, 'eth0', b, 'eth0');
  await lab.veth(c, 'eth0', b, 'eth1');
  await a.addAddress('eth0', '192.0.2.1/24');
  await b.addAddress('eth0', '192.0.2.2/24');
  await b.addAddress('eth1', '198.51.100.2/24');
  await c.addAddress('eth0', '198.51.100.3/24');
  await a.addAddress('eth0', 'fe80::a/64', { nodad: true });
  await c.addAddress('eth0', 'fe80::c/64', { nodad: true });
  await a.addAddress('eth0', '2001:db8:1::1/64', { nodad: true });
  await b.addAddress('eth0', '2001:db8:1::2/64', { nodad: true });
  return {
    a, b, c,
    ifindex: { a: await a.ifindex('eth0'), b0: await b.ifindex('eth0'), b1: await b.ifindex('eth1'), c: await c.ifindex('eth0') },
  };
}

function collect(socket: RawSocket): ReceivedMessage[] {
  const messages: ReceivedMessage[] = [];
  socket.on('message', (m) => messages.push(m));
  socket.startReceiving();
  return messages;
}

function ipv4Receiver(ns: Namespace, joinOn: number[]): RawSocket {
  const socket = ns.enter(() => RawSocket.open({ family: AF_INET, type: SOCK_RAW, protocol: IPPROTO_VRRP }));
  for (const ifindex of joinOn) socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn('224.0.0.18', ifindex));
  socket.setOption(IPPROTO_IP, IP_PKTINFO, 1);
  socket.setOption(IPPROTO_IP, IP_RECVTTL, 1);
  return socket;
}

function ipv4Sender(ns: Namespace, ifindex: number): RawSocket {
  const socket = ns.enter(() => RawSocket.open({ family: AF_INET, type: SOCK_RAW, protocol: IPPROTO_VRRP }));
  socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', ifindex));
  socket.setOption(IPPROTO_IP, IP_MULTICAST_TTL, 255);
  socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
  socket.setOption(IPPROTO_IP, IP_TTL, 255);
  return socket;
}

function ipv6Socket(ns: Namespace): RawSocket {
  const socket = ns.enter(() => RawSocket.open({ family: AF_INET6, type: SOCK_RAW, protocol: IPPROTO_VRRP }));
  // RFC 5798 §5.2.8: the checksum covers a pseudo-header; the kernel computes and verifies it.
  socket.setOption(IPPROTO_IPV6, IPV6_CHECKSUM, 6);
  return socket;
}

test('IPv4 VRRP multicast to 224.0.0.18: source, incoming ifindex and TTL 255', async (t) => {
  const { a, b, c, ifindex } = await buildLab(t);
  const rx = ipv4Receiver(b, [ifindex.b0, ifindex.b1]);
  t.after(() => rx.close());
  const received = collect(rx);
  const fromA = ipv4Sender(a, ifindex.a);
  const fromC = ipv4Sender(c, ifindex.c);
  t.after(() => { fromA.close(); fromC.close(); });

  const advertA = vrrpV2Advert(51, 100, '192.0.2.100');
  const advertC = vrrpV2Advert(52, 200, '198.51.100.100');
  assert.equal(fromA.send(advertA, sockaddrIn('224.0.0.18')), advertA.length);
  assert.equal(fromC.send(advertC, sockaddrIn('224.0.0.18')), advertC.length);
  await waitUntil('two adverts in b', () => received.length >= 2);

  const byVrid = new Map(received.map((m) => [m.data[20 + 1], m]));
  const checks: Array<[number, string, number, Buffer]> = [[51, '192.0.2.1', ifindex.b0, advertA], [52, '198.51.100.3', ifindex.b1, advertC]];
  for (const [vrid, source, inIfindex, advert] of checks) {
    const m = byVrid.get(vrid);
    assert.ok(m, `advert for vrid ${vrid}`);
    assert.deepEqual(m.source, { family: 'inet', address: source, port: 0 });
    assert.equal(m.ifindex, inIfindex);
    assert.equal(m.destination, '224.0.0.18');
    assert.equal(m.ttl, 255);
    // IPv4 raw sockets deliver the IP header: TTL at byte 8, protocol at byte 9.
    assert.equal(m.data[8], 255);
    assert.equal(m.data[9], IPPROTO_VRRP);
    assert.deepEqual(m.data.subarray(20), advert);
    assert.equal(internetChecksum(m.data.subarray(20)), 0);
  }
});

test('IPv4 VRRP unicast, and SO_BINDTODEVICE limits a socket to one interface', async (t) => {
  const { a, b, c, ifindex } = await buildLab(t);
  const rx = ipv4Receiver(b, []);
  const rxEth1 = ipv4Receiver(b, []).bindToDevice('eth1');
  t.after(() => { rx.close(); rxEth1.close(); });
  const received = collect(rx);
  const receivedEth1 = collect(rxEth1);
  const fromA = ipv4Sender(a, ifindex.a);
  const fromC = ipv4Sender(c, ifindex.c);
  t.after(() => { fromA.close(); fromC.close(); });

  fromA.send(vrrpV2Advert(7, 150, '192.0.2.100'), sockaddrIn('192.0.2.2'));
  // Unicast with the source chosen per packet (IP_PKTINFO), as keepalived's unicast_src_ip does.
  fromC.sendMessage([vrrpV2Advert(8, 150, '198.51.100.100')], {
    to: sockaddrIn('198.51.100.2'), control: [ipPktinfo({ source: '198.51.100.3' })],
  });
  await waitUntil('two unicast adverts', () => received.length >= 2 && receivedEth1.length >= 1);

  const fromAMsg = received.find((m) => m.data[21] === 7)!;
  assert.deepEqual([fromAMsg.source, fromAMsg.ifindex, fromAMsg.ttl, fromAMsg.destination],
    [{ family: 'inet', address: '192.0.2.1', port: 0 }, ifindex.b0, 255, '192.0.2.2']);
  const fromCMsg = received.find((m) => m.data[21] === 8)!;
  assert.deepEqual([fromCMsg.source, fromCMsg.ifindex, fromCMsg.ttl, fromCMsg.destination],
    [{ family: 'inet', address: '198.51.100.3', port: 0 }, ifindex.b1, 255, '198.51.100.2']);
  // The eth1-bound socket saw only c's packet.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(receivedEth1.map((m) => m.data[21]), [8]);
});

test('IPv6 VRRP multicast to ff02::12: link-local source, ifindex and hop limit 255', async (t) => {
  const { a, b, c, ifindex } = await buildLab(t);
  const rx = ipv6Socket(b);
  t.after(() => rx.close());
  rx.setOption(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ipv6Mreq('ff02::12', ifindex.b0));
  rx.setOption(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ipv6Mreq('ff02::12', ifindex.b1));
  rx.setOption(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
  rx.setOption(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
  const received = collect(rx);

  const senders: Array<[Namespace, number, string, number]> = [[a, ifindex.a, 'fe80::a', 61], [c, ifindex.c, 'fe80::c', 62]];
  for (const [ns, outIfindex, source, vrid] of senders) {
    const tx = ipv6Socket(ns);
    t.after(() => tx.close());
    tx.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, outIfindex);
    tx.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
    tx.setOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
    // The source link-local address and outgoing interface chosen per packet (IPV6_PKTINFO).
    tx.sendMessage([vrrpV3Advert(vrid, 100, '2001:db8::100')], {
      to: sockaddrIn6('ff02::12', 0, outIfindex), control: [ipv6Pktinfo({ source, ifindex: outIfindex })],
    });
  }
  await waitUntil('two IPv6 adverts', () => received.length >= 2);

  const expected: Array<[number, string, number]> = [[61, 'fe80::a', ifindex.b0], [62, 'fe80::c', ifindex.b1]];
  for (const [vrid, source, inIfindex] of expected) {
    const m = received.find((r) => r.data[1] === vrid);
    assert.ok(m, `advert for vrid ${vrid}`);
    // IPv6 raw sockets deliver no IP header: everything comes from the sockaddr and cmsgs.
    assert.deepEqual(m.source, { family: 'inet6', address: source, port: 0, flowInfo: 0, scopeId: inIfindex });
    assert.equal(m.ifindex, inIfindex);
    assert.equal(m.destination, 'ff02::12');
    assert.equal(m.hopLimit, 255);
    assert.equal(m.data[0], 0x31);
    assert.notEqual(m.data.readUInt16BE(6), 0, 'kernel filled in the VRRPv3 checksum');
  }
});

test('IPv6 VRRP unicast to a global address keeps hop limit 255', async (t) => {
  const { a, b, ifindex } = await buildLab(t);
  const rx = ipv6Socket(b);
  t.after(() => rx.close());
  rx.setOption(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
  rx.setOption(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
  const received = collect(rx);
  const tx = ipv6Socket(a);
  t.after(() => tx.close());
  tx.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
  tx.send(vrrpV3Advert(71, 100, '2001:db8::100'), sockaddrIn6('2001:db8:1::2'));
  await waitUntil('the unicast advert', () => received.length >= 1);
  const m = received[0]!;
  assert.equal(m.source.family === 'inet6' && m.source.address, '2001:db8:1::1');
  assert.equal(m.destination, '2001:db8:1::2');
  assert.equal(m.ifindex, ifindex.b0);
  assert.equal(m.hopLimit, 255);
  assert.equal(m.data[1], 71);
});
