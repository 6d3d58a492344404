// sockaddr layouts, checked against bytes the kernel itself produced
// (getsockname/recvmsg on this machine, x86-64) and against live sockets.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { native } from '../../../src/net/native.js';
import { AF_INET, AF_INET6, ARPHRD_LOOPBACK, ETH_P_ALL, SOCK_DGRAM } from '../../../src/net/constants.js';
import { parseSockaddr, sockaddrIn, sockaddrIn6, sockaddrLl, sockaddrNl, sockaddrUn } from '../../../src/net/sockaddr.js';
import { htons } from '../../../src/net/byte-order.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('golden vectors from the kernel parse and rebuild byte for byte', () => {
  // getsockname of a UDP socket bound to 127.0.0.1:42398
  const in4 = hex('0200 a59e 7f000001 0000000000000000');
  assert.deepEqual(parseSockaddr(in4), { family: 'inet', address: '127.0.0.1', port: 42398 });
  assert.deepEqual(sockaddrIn('127.0.0.1', 42398), in4);
  // getsockname of a UDP socket bound to [::1]:49802
  const in6 = hex('0a00 c28a 00000000 00000000000000000000000000000001 00000000');
  assert.deepEqual(parseSockaddr(in6), { family: 'inet6', address: '::1', port: 49802, flowInfo: 0, scopeId: 0 });
  assert.deepEqual(sockaddrIn6('::1', 49802), in6);
  // getsockname of an AF_PACKET socket bound to lo (ifindex 1), ETH_P_ALL: 18 bytes (halen 6)
  const ll = hex('1100 0003 01000000 0403 00 06 000000000000');
  assert.deepEqual(parseSockaddr(ll), {
    family: 'packet', protocol: ETH_P_ALL, ifindex: 1, hatype: ARPHRD_LOOPBACK, pkttype: 0, address: Buffer.alloc(6),
  });
  assert.deepEqual(sockaddrLl({ protocol: ETH_P_ALL, ifindex: 1, hatype: ARPHRD_LOOPBACK, address: Buffer.alloc(6) }),
    Buffer.concat([ll, Buffer.alloc(2)]));
  // getsockname of a NETLINK_ROUTE socket bound with groups 0x10 (port id 18440)
  const nl = hex('1000 0000 08480000 10000000');
  assert.deepEqual(parseSockaddr(nl), { family: 'netlink', pid: 18440, groups: 0x10 });
  assert.deepEqual(sockaddrNl(18440, 0x10), nl);
});

test('unix addresses: paths, the abstract namespace, unnamed', () => {
  assert.deepEqual(sockaddrUn('/dev/log'), Buffer.concat([hex('0100'), Buffer.from('/dev/log\0')]));
  assert.deepEqual(sockaddrUn('@notify'), Buffer.concat([hex('0100 00'), Buffer.from('notify')]));
  assert.deepEqual(parseSockaddr(sockaddrUn('/run/x.sock')), { family: 'unix', path: '/run/x.sock' });
  assert.deepEqual(parseSockaddr(sockaddrUn('@abstract name')), { family: 'unix', path: '@abstract name' });
  assert.deepEqual(parseSockaddr(hex('0100')), { family: 'unix', path: '' });
  assert.deepEqual(parseSockaddr(Buffer.alloc(0)), { family: 'none' });
  assert.throws(() => sockaddrUn(''), /empty/);
  assert.throws(() => sockaddrUn('/' + 'x'.repeat(107)), /longer than 107 bytes/);
  assert.doesNotThrow(() => sockaddrUn('/' + 'x'.repeat(106)));
  assert.throws(() => sockaddrUn('/a\0b'), /NUL/);
});

test('builders match what the kernel reports for a live socket', () => {
  const fd = native.socket(AF_INET, SOCK_DGRAM, 0);
  const fd6 = native.socket(AF_INET6, SOCK_DGRAM, 0);
  try {
    native.bind(fd, sockaddrIn('127.0.0.1', 0));
    const name = native.getsockname(fd);
    const parsed = parseSockaddr(name);
    assert.equal(parsed.family, 'inet');
    assert.deepEqual(sockaddrIn('127.0.0.1', parsed.family === 'inet' ? parsed.port : -1), name);
    native.bind(fd6, sockaddrIn6('::1', 0));
    const name6 = native.getsockname(fd6);
    const parsed6 = parseSockaddr(name6);
    assert.deepEqual(sockaddrIn6('::1', parsed6.family === 'inet6' ? parsed6.port : -1), name6);
  } finally {
    native.close(fd);
    native.close(fd6);
  }
});

test('sockaddr_in6 carries flow info big-endian and the scope id in host order', () => {
  const buf = sockaddrIn6('fe80::1', 0, 7, 0x12345);
  assert.equal(buf.readUInt32BE(4), 0x12345);
  assert.equal(buf.readUInt32LE(24), 7);
  assert.deepEqual(parseSockaddr(buf), { family: 'inet6', address: 'fe80::1', port: 0, flowInfo: 0x12345, scopeId: 7 });
});

test('bad input is rejected with clear errors', () => {
  assert.throws(() => sockaddrIn('300.1.1.1'), /invalid IPv4 address '300.1.1.1'/);
  assert.throws(() => sockaddrIn('1.2.3.4', 70000), /port 70000/);
  assert.throws(() => sockaddrIn(Buffer.alloc(3)), /4 bytes/);
  assert.throws(() => sockaddrIn6('::1', 0, -1), /scope id/);
  assert.throws(() => sockaddrLl({ protocol: 0x10000, ifindex: 1 }), /EtherType/);
  assert.throws(() => sockaddrLl({ protocol: 1, ifindex: 1, address: Buffer.alloc(9) }), /at most 8/);
  assert.throws(() => sockaddrNl(-1), /netlink pid/);
  assert.throws(() => parseSockaddr(Buffer.from([2])), /no family/);
  assert.throws(() => parseSockaddr(hex('0200 0000')), /sockaddr_in needs 8 bytes/);
  assert.throws(() => parseSockaddr(hex('1000 0000 0000')), /sockaddr_nl needs 12 bytes/);
  assert.deepEqual(parseSockaddr(hex('2a00 0102')), { family: 'other', af: 42, bytes: hex('2a00 0102') });
});

test('htons swaps on little-endian hosts and checks its range', () => {
  assert.equal(htons(0x0806), 0x0608);
  assert.equal(htons(0x86dd), 0xdd86);
  assert.throws(() => htons(0x10000), RangeError);
});
