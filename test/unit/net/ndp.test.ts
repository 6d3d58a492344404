// Neighbour advertisement codec and ICMPv6 checksums against frames captured
// on this machine: keepalived 2.2.7's unsolicited NA, and the kernel's own
// solicited NA, neighbour solicitation and router solicitation.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  decodeIpv6Header, decodeNaFrame, decodeNeighborAdvertisement, encodeIpv6Header, encodeNeighborAdvertisement,
  encodeUnsolicitedNaFrame, linkAddressOption, ND_OPT_SOURCE_LINK_ADDRESS, ND_OPT_TARGET_LINK_ADDRESS, targetLinkAddress,
} from '../../../src/net/ndp.js';
import { internetChecksum, ipv6PseudoHeaderChecksum } from '../../../src/net/checksum.js';
import { encodeEthernetHeader } from '../../../src/net/ethernet.js';
import { formatMac } from '../../../src/net/inet.js';
import { IPPROTO_ICMPV6 } from '../../../src/net/constants.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// keepalived 2.2.7 taking over 2001:db8::100 on MAC 02:00:00:00:0a:01, forwarding off.
const KEEPALIVED_NA = hex(`3333 0000 0001 0200 0000 0a01 86dd 6000
                           0000 0020 3aff 2001 0db8 0000 0000 0000
                           0000 0000 0100 ff02 0000 0000 0000 0000
                           0000 0000 0001 8800 ed2c 2000 0000 2001
                           0db8 0000 0000 0000 0000 0000 0100 0201
                           0200 0000 0a01`);
// Linux answering a neighbour solicitation for 2001:db8::2 (flags S and O).
const KERNEL_NA = hex(`0200 0000 0a01 0200 0000 0b01 86dd 6000
                       0000 0020 3aff 2001 0db8 0000 0000 0000
                       0000 0000 0002 2001 0db8 0000 0000 0000
                       0000 0000 0001 8800 7f72 6000 0000 2001
                       0db8 0000 0000 0000 0000 0000 0002 0201
                       0200 0000 0b01`);
// Linux's neighbour solicitation 2001:db8::1 -> ff02::1:ff00:2 (ICMPv6 part only).
const KERNEL_NS_ICMP = hex('8700 1227 0000 0000 2001 0db8 0000 0000 0000 0000 0000 0002 0101 0200 0000 0a01');
// Linux's router solicitation fe80::ff:fe00:b01 -> ff02::2 (ICMPv6 part only).
const KERNEL_RS_ICMP = hex('8500 652c 0000 0000 0101 0200 0000 0b01');

test('our unsolicited NA frame is byte-identical to keepalived 2.2.7', () => {
  assert.deepEqual(encodeUnsolicitedNaFrame({ mac: '02:00:00:00:0a:01', address: '2001:db8::100', router: false }), KEEPALIVED_NA);
  const { ethernet, ipv6, advertisement } = decodeNaFrame(KEEPALIVED_NA);
  assert.equal(formatMac(ethernet.destination), '33:33:00:00:00:01');
  assert.deepEqual(ipv6, {
    trafficClass: 0, flowLabel: 0, payloadLength: 32, nextHeader: IPPROTO_ICMPV6, hopLimit: 255,
    source: '2001:db8::100', destination: 'ff02::1',
  });
  assert.deepEqual([advertisement.router, advertisement.solicited, advertisement.override], [false, false, true]);
  assert.equal(advertisement.target, '2001:db8::100');
  assert.equal(formatMac(targetLinkAddress(advertisement)!), '02:00:00:00:0a:01');
});

test('the Router flag changes the flags byte and the checksum', () => {
  const frame = encodeUnsolicitedNaFrame({ mac: '02:00:00:00:0a:01', address: '2001:db8::100', router: true });
  assert.equal(frame[14 + 40 + 4], 0xa0);
  assert.equal(decodeNaFrame(frame).advertisement.router, true);
  // One's complement arithmetic: setting 0x8000 in one word lowers the checksum by 0x8000.
  assert.equal(frame.readUInt16BE(14 + 40 + 2), (0xed2c - 0x8000) & 0xffff);
});

test('the kernel NA decodes, verifies and re-encodes byte for byte', () => {
  const { ethernet, ipv6, advertisement } = decodeNaFrame(KERNEL_NA);
  assert.deepEqual([advertisement.router, advertisement.solicited, advertisement.override], [false, true, true]);
  assert.equal(advertisement.target, '2001:db8::2');
  assert.equal(formatMac(targetLinkAddress(advertisement)!), '02:00:00:00:0b:01');
  const rebuilt = Buffer.concat([
    encodeEthernetHeader(ethernet), encodeIpv6Header(ipv6),
    encodeNeighborAdvertisement(advertisement, ipv6.source, ipv6.destination),
  ]);
  assert.deepEqual(rebuilt, KERNEL_NA);
});

test('ICMPv6 checksums of kernel NS and RS verify to zero', () => {
  assert.equal(ipv6PseudoHeaderChecksum('2001:db8::1', 'ff02::1:ff00:2', IPPROTO_ICMPV6, KERNEL_NS_ICMP), 0);
  assert.equal(ipv6PseudoHeaderChecksum('fe80::ff:fe00:b01', 'ff02::2', IPPROTO_ICMPV6, KERNEL_RS_ICMP), 0);
  const zeroed = Buffer.from(KERNEL_RS_ICMP);
  zeroed.writeUInt16BE(0, 2);
  assert.equal(ipv6PseudoHeaderChecksum('fe80::ff:fe00:b01', 'ff02::2', IPPROTO_ICMPV6, zeroed), 0x652c);
});

test('RFC 1071 checksum: odd lengths, split buffers, the RFC example', () => {
  // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2, checksum 0x220d.
  const example = hex('0001 f203 f4f5 f6f7');
  assert.equal(internetChecksum(example), 0x220d);
  assert.equal(internetChecksum(example.subarray(0, 3), example.subarray(3)), 0x220d);
  assert.equal(internetChecksum(hex('01')), ~0x0100 & 0xffff);
  assert.equal(internetChecksum(), 0xffff);
});

test('options round trip; bad NA input is rejected with clear errors', () => {
  const na = {
    router: false, solicited: false, override: true, target: 'fe80::1',
    options: [linkAddressOption(ND_OPT_TARGET_LINK_ADDRESS, '02:00:00:00:00:01'), { type: 14, data: Buffer.alloc(14) }],
  };
  const bytes = encodeNeighborAdvertisement(na, 'fe80::1', 'ff02::1');
  assert.deepEqual(decodeNeighborAdvertisement(bytes, { source: 'fe80::1', destination: 'ff02::1' }), na);

  assert.throws(() => decodeNeighborAdvertisement(bytes, { source: 'fe80::2', destination: 'ff02::1' }), /checksum mismatch/);
  assert.throws(() => decodeNeighborAdvertisement(bytes.subarray(0, 20)), /needs 24 bytes, got 20/);
  assert.throws(() => decodeNeighborAdvertisement(KERNEL_NS_ICMP), /type 135 is not a neighbour advertisement/);
  const badCode = Buffer.from(bytes);
  badCode[1] = 1;
  assert.throws(() => decodeNeighborAdvertisement(badCode), /code 1/);
  const zeroLength = Buffer.from(bytes);
  zeroLength[25] = 0;
  assert.throws(() => decodeNeighborAdvertisement(zeroLength), /has length 0/);
  const overlong = Buffer.from(bytes);
  overlong[25] = 9;
  assert.throws(() => decodeNeighborAdvertisement(overlong), /runs past the end/);
  assert.throws(() => decodeNeighborAdvertisement(bytes.subarray(0, 25)), /truncated ND option/);
  assert.throws(() => encodeNeighborAdvertisement({ ...na, options: [{ type: ND_OPT_SOURCE_LINK_ADDRESS, data: Buffer.alloc(5) }] }, '::1', '::1'),
    /not a multiple of 8/);

  assert.throws(() => decodeNaFrame(KERNEL_NA.subarray(0, 70)), /runs past the 56-byte frame payload/);
  const v4 = Buffer.from(KERNEL_NA);
  v4[14] = 0x40;
  assert.throws(() => decodeNaFrame(v4), /IP version 4 is not 6/);
  const udp = Buffer.from(KERNEL_NA);
  udp[20] = 17;
  assert.throws(() => decodeNaFrame(udp), /next header 17 is not ICMPv6/);
  const corrupted = Buffer.from(KERNEL_NA);
  corrupted[85] ^= 1;
  assert.throws(() => decodeNaFrame(corrupted), /checksum mismatch/);
  assert.throws(() => decodeIpv6Header(Buffer.alloc(39)), /needs 40 bytes/);
  assert.throws(() => encodeIpv6Header({ ...decodeIpv6Header(KERNEL_NA.subarray(14)), hopLimit: 256 }), /out of range/);
});
