// Control messages: golden bytes recvmsg returned on this machine, round trips,
// and malformed input.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  buildCmsgs, cmsgSpace, decodeIn6Pktinfo, decodeInPktinfo, ipPktinfo, ipTtl, ipv6HopLimit, ipv6Pktinfo, parseCmsgs,
  summarizeCmsgs,
} from '../../../src/net/cmsg.js';
import { IPPROTO_IP, IPPROTO_IPV6, IP_PKTINFO, IP_TTL, IPV6_HOPLIMIT, IPV6_PKTINFO } from '../../../src/net/constants.js';
import { native } from '../../../src/net/native.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// recvmsg on a UDP socket bound to 127.0.0.1 with IP_PKTINFO and IP_RECVTTL set.
const KERNEL_V4 = hex(`1c00000000000000 00000000 08000000 01000000 7f000001 7f000001 00000000
                       1400000000000000 00000000 02000000 40000000 00000000`);
// recvmsg on a UDP socket bound to ::1 with IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT set.
const KERNEL_V6 = hex(`2400000000000000 29000000 32000000 00000000000000000000000000000001 01000000 00000000
                       1400000000000000 29000000 34000000 40000000 00000000`);

test('the layout constants match the compiled addon', () => {
  assert.equal(native.layout.cmsgHeaderLength, 16);
  assert.equal(native.layout.cmsgAlign, 8);
  assert.equal(cmsgSpace(12), 32);
  assert.equal(cmsgSpace(4), 24);
});

test('IPv4 golden vector: pktinfo and TTL', () => {
  const cmsgs = parseCmsgs(KERNEL_V4);
  assert.deepEqual(cmsgs.map((c) => [c.level, c.type, c.data.length]), [[IPPROTO_IP, IP_PKTINFO, 12], [IPPROTO_IP, IP_TTL, 4]]);
  assert.deepEqual(decodeInPktinfo(cmsgs[0]!.data), { ifindex: 1, specDestination: '127.0.0.1', destination: '127.0.0.1' });
  assert.deepEqual(summarizeCmsgs(cmsgs), { ifindex: 1, destination: '127.0.0.1', ttl: 64 });
  assert.deepEqual(buildCmsgs(cmsgs), KERNEL_V4);
});

test('IPv6 golden vector: pktinfo and hop limit', () => {
  const cmsgs = parseCmsgs(KERNEL_V6);
  assert.deepEqual(cmsgs.map((c) => [c.level, c.type]), [[IPPROTO_IPV6, IPV6_PKTINFO], [IPPROTO_IPV6, IPV6_HOPLIMIT]]);
  assert.deepEqual(decodeIn6Pktinfo(cmsgs[0]!.data), { address: '::1', ifindex: 1 });
  assert.deepEqual(summarizeCmsgs(cmsgs), { ifindex: 1, destination: '::1', hopLimit: 64 });
  assert.deepEqual(buildCmsgs(cmsgs), KERNEL_V6);
});

test('send-side builders round trip', () => {
  const control = buildCmsgs([ipPktinfo({ ifindex: 3, source: '192.0.2.1' }), ipTtl(255)]);
  assert.equal(control.length, cmsgSpace(12) + cmsgSpace(4));
  const parsed = parseCmsgs(control);
  assert.deepEqual(decodeInPktinfo(parsed[0]!.data), { ifindex: 3, specDestination: '192.0.2.1', destination: '0.0.0.0' });
  assert.deepEqual(summarizeCmsgs(parsed).ttl, 255);
  const control6 = buildCmsgs([ipv6Pktinfo({ ifindex: 2, source: 'fe80::a' }), ipv6HopLimit(255)]);
  assert.deepEqual(summarizeCmsgs(parseCmsgs(control6)), { ifindex: 2, destination: 'fe80::a', hopLimit: 255 });
  assert.deepEqual(buildCmsgs(parseCmsgs(control6)), control6);
  assert.deepEqual(parseCmsgs(Buffer.alloc(0)), []);
});

test('malformed control data is rejected', () => {
  // cmsg_len smaller than the header
  assert.throws(() => parseCmsgs(hex('0800000000000000 00000000 08000000')), /malformed control message at byte 0/);
  // cmsg_len running past the buffer
  const overlong = Buffer.from(KERNEL_V4);
  overlong[32] = 0x30;
  assert.throws(() => parseCmsgs(overlong), /malformed control message at byte 32: cmsg_len 48 with 24 bytes left/);
  // a header cut short
  assert.throws(() => parseCmsgs(KERNEL_V4.subarray(0, 40)), /truncated control message header at byte 32/);
  assert.throws(() => decodeInPktinfo(Buffer.alloc(8)), /in_pktinfo needs 12 bytes/);
  assert.throws(() => decodeIn6Pktinfo(Buffer.alloc(16)), /in6_pktinfo needs 20 bytes/);
  assert.throws(() => ipTtl(0), /TTL 0/);
  assert.throws(() => ipv6HopLimit(256), /hop limit 256/);
  assert.throws(() => ipPktinfo({ source: 'fe80::1' }), /invalid IPv4/);
});
