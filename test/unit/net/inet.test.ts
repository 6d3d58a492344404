import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatIPv4, formatIPv6, formatIp, formatMac, parseIPv4, parseIPv6, parseIp, parseMac } from '../../../src/net/inet.js';

test('IPv4 text <-> bytes', () => {
  assert.deepEqual(parseIPv4('192.0.2.1'), Buffer.from([192, 0, 2, 1]));
  assert.equal(formatIPv4(Buffer.from([224, 0, 0, 18])), '224.0.0.18');
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d']) {
    assert.throws(() => parseIPv4(bad), { name: 'RangeError', message: `invalid IPv4 address '${bad}'` });
  }
});

test('IPv6 parsing: compression, embedded IPv4, case', () => {
  const cases: Array<[string, string]> = [
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['ff02::12', 'ff020000000000000000000000000012'],
    ['FE80::A', 'fe80000000000000000000000000000a'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ];
  for (const [text, hex] of cases) assert.equal(parseIPv6(text).toString('hex'), hex, text);
  for (const bad of ['', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', ':1::2', '1::2:', '::1.2.3', '1:2:3:4:5:6:7::8']) {
    assert.throws(() => parseIPv6(bad), /invalid IPv6 address/, bad);
  }
});

test('IPv6 formatting follows RFC 5952', () => {
  const cases: Array<[string, string]> = [
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'], // first of two equal runs
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['00000000000000000000000000000000', '::'],
    ['fe80000000000000000000000000000a', 'fe80::a'],
    ['00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
    ['20010db8000000000000000000000100', '2001:db8::100'],
  ];
  for (const [hex, text] of cases) assert.equal(formatIPv6(Buffer.from(hex, 'hex')), text);
  // Round trip through the parser.
  for (const [, text] of cases) assert.equal(formatIPv6(parseIPv6(text)), text);
  assert.throws(() => formatIPv6(Buffer.alloc(15)), RangeError);
});

test('parseIp/formatIp pick the family; MAC text', () => {
  assert.deepEqual(parseIp('192.0.2.1'), { family: 4, bytes: Buffer.from([192, 0, 2, 1]) });
  assert.equal(parseIp('::1').family, 6);
  assert.equal(formatIp(Buffer.from([10, 0, 0, 1])), '10.0.0.1');
  assert.throws(() => formatIp(Buffer.alloc(5)), /4 or 16 bytes/);
  assert.equal(formatMac(parseMac('02:00:00:00:0A:01')), '02:00:00:00:0a:01');
  for (const bad of ['02:00:00:00:0a', '02-00-00-00-0a-01', '02:00:00:00:0a:1', 'zz:00:00:00:0a:01']) {
    assert.throws(() => parseMac(bad), /invalid MAC address/);
  }
});
