import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import {
  canonicalAddress, compareAddresses, familyOf, formatAddress, internetChecksum, isIpv6LinkLocal, isMulticast,
  msToV2Seconds, msToV3Centiseconds, msToWireInterval, parseAddress, roundAdvertInterval, v2SecondsToMs,
  v3CentisecondsToMs, wireIntervalToMs,
} from '../../../src/vrrp/packet/index.js';

test('IPv4 and IPv6 addresses parse to network-order bytes and print canonically', () => {
  assert.deepEqual([...parseAddress('10.77.0.1')], [10, 77, 0, 1]);
  assert.equal(formatAddress(parseAddress('192.168.200.255')), '192.168.200.255');
  for (const [text, canon] of [
    ['fe80::1', 'fe80::1'],
    ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952 §4.2.3: first of equal runs
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::FFFF:a01:203', '::ffff:10.1.2.3'],
    ['ff02::12', 'ff02::12'],
  ]) {
    assert.equal(canonicalAddress(text as string), canon, text);
  }
  for (const bad of ['10.0.0', '10.0.0.256', '10.0.0.01', 'fe80::1::2', 'fe80::g', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'host', '']) {
    assert.throws(() => parseAddress(bad), /not an|expected|zone/, bad);
  }
  assert.throws(() => parseAddress('10.0.0.1', 'inet6'), /IPv4 address where IPv6/);
  assert.equal(familyOf('::1'), 'inet6');
  assert.equal(familyOf('1.2.3.4'), 'inet');
});

test('address order is unsigned big-endian, as keepalived breaks priority ties', () => {
  assert.ok(compareAddresses('10.0.0.2', '10.0.0.1') > 0);
  assert.ok(compareAddresses('10.0.0.1', '9.255.255.255') > 0);
  assert.ok(compareAddresses('200.0.0.1', '100.0.0.1') > 0); // no signed-int surprise above 127.x
  assert.equal(compareAddresses('fe80::1', 'FE80:0::1'), 0);
  assert.ok(compareAddresses('fe80::1:0', 'fe80::ffff') > 0);
  assert.throws(() => compareAddresses('10.0.0.1', '::1'), /different address families/);
  assert.ok(isMulticast('224.0.0.18') && isMulticast('239.1.1.1') && !isMulticast('223.255.255.255'));
  assert.ok(isMulticast('ff02::12') && !isMulticast('fe80::12'));
  assert.ok(isIpv6LinkLocal('fe80::ff:fe00:a') && isIpv6LinkLocal('febf::1') && !isIpv6LinkLocal('fec0::1'));
});

test('Internet checksum: RFC 1071 §3 example, odd length, and a valid packet sums to zero', () => {
  // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 -> sum 0xddf2, checksum ~0xddf2.
  assert.equal(internetChecksum(Buffer.from('0001f203f4f5f6f7', 'hex')), ~0xddf2 & 0xffff);
  assert.equal(internetChecksum(Buffer.from('01', 'hex')), ~0x0100 & 0xffff);
  const ip = Buffer.from('45c0002c00010000ff70d0400a4d0001e0000012', 'hex'); // keepalived's header, kernel checksum
  assert.equal(internetChecksum(ip), 0);
});

test('advert interval converters: milliseconds <-> wire units, both ways, exact', () => {
  assert.equal(msToV2Seconds(1000), 1);
  assert.equal(msToV2Seconds(255_000), 255);
  assert.equal(v2SecondsToMs(3), 3000);
  assert.equal(msToV3Centiseconds(10), 1);
  assert.equal(msToV3Centiseconds(1000), 100);
  assert.equal(msToV3Centiseconds(40_950), 4095);
  assert.equal(v3CentisecondsToMs(4095), 40_950);
  assert.equal(v3CentisecondsToMs(50), 500);
  for (const ms of [1000, 2000, 60_000]) assert.equal(wireIntervalToMs(2, msToWireInterval(2, ms)), ms);
  for (const ms of [10, 500, 1230, 40_950]) assert.equal(wireIntervalToMs(3, msToWireInterval(3, ms)), ms);
  for (const s of [1, 7, 255]) assert.equal(msToV2Seconds(v2SecondsToMs(s)), s);
  for (const cs of [1, 99, 4095]) assert.equal(msToV3Centiseconds(v3CentisecondsToMs(cs)), cs);
  assert.throws(() => msToV2Seconds(1500), /whole seconds/);
  assert.throws(() => msToV2Seconds(0), /1\.\.255/);
  assert.throws(() => msToV2Seconds(256_000), /1\.\.255/);
  assert.throws(() => msToV3Centiseconds(15), /multiple of 10/);
  assert.throws(() => msToV3Centiseconds(40_960), /10\.\.40950/);
  assert.throws(() => msToV3Centiseconds(0), /10\.\.40950/);
});

test('config-time rounding follows keepalived: half up, clamp to the field, never zero', () => {
  assert.deepEqual(roundAdvertInterval(2, 1000), { ms: 1000 });
  assert.equal(roundAdvertInterval(2, 1500).ms, 2000);
  assert.equal(roundAdvertInterval(2, 1499).ms, 1000);
  assert.equal(roundAdvertInterval(2, 300).ms, 1000);
  assert.equal(roundAdvertInterval(2, 300_000).ms, 255_000);
  assert.match(roundAdvertInterval(2, 300_000).adjustment ?? '', /out of range/);
  assert.equal(roundAdvertInterval(3, 15).ms, 20);
  assert.equal(roundAdvertInterval(3, 4).ms, 10);
  assert.equal(roundAdvertInterval(3, 41_000).ms, 40_950);
  assert.match(roundAdvertInterval(3, 15).adjustment ?? '', /rounded/);
});
