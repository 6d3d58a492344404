import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { decodeAttrs, defineSchema, encodeAttrs, encodeTlv, splitAttrs } from '../../../src/net/netlink/attributes.js';
import { NetlinkDecodeError, NetlinkEncodeError, errnoMessage, errnoName } from '../../../src/net/netlink/errors.js';
import {
  decodeDonePayload, decodeErrorPayload, decodeMessages, encodeDoneMessage, encodeErrorMessage, encodeMessage,
} from '../../../src/net/netlink/message.js';
import { defineStruct } from '../../../src/net/netlink/struct.js';
import { kernelVectors } from './vectors/kernel-vectors.js';
import { hex } from './fake-kernel.js';

const inner = defineSchema('inner', {
  name: { type: 1, kind: 'string', maxLength: 15 },
  mtu: { type: 2, kind: 'u32' },
});

const sample = defineSchema('sample', {
  byte: { type: 1, kind: 'u8' },
  half: { type: 2, kind: 'u16' },
  word: { type: 3, kind: 'u32' },
  signed: { type: 4, kind: 's32' },
  big: { type: 5, kind: 'u64' },
  port: { type: 6, kind: 'be16' },
  flag: { type: 7, kind: 'flag' },
  text: { type: 8, kind: 'string' },
  blob: { type: 9, kind: 'binary' },
  addr: { type: 10, kind: 'ipaddr' },
  mac: { type: 11, kind: 'lladdr' },
  nest: { type: 12, kind: 'nested', schema: inner },
  list: { type: 13, kind: 'list', element: { kind: 'u32' } },
  tunnel: { type: 14, kind: 'be64' },
});

describe('attributes: schema codec', () => {
  it('round-trips every kind, byte for byte', () => {
    const values = {
      byte: 7, half: 0xbeef, word: 0xdeadbeef, signed: -2, big: 0x0102030405060708n, port: 80, flag: true as const,
      text: 'eth0:vip', blob: Buffer.from([1, 2, 3]), addr: '2001:db8::1', mac: '00:00:5e:00:01:33',
      nest: { name: 'vrrp.51', mtu: 1500 }, list: [10, 20, 30], tunnel: 0x1122334455667788n,
    };
    const bytes = encodeAttrs(sample, values);
    const decoded = decodeAttrs(sample, bytes);
    assert.deepEqual(decoded.values, values);
    assert.deepEqual(decoded.extra, []);
    assert.deepEqual(encodeAttrs(sample, decoded.values), bytes);
  });

  it('lays attributes out as the kernel does: length, type, payload, 4-byte padding', () => {
    assert.deepEqual(encodeAttrs(sample, { byte: 1 }), hex('05000100 01000000'));
    assert.deepEqual(encodeAttrs(sample, { text: 'lo' }), hex('07000800 6c6f0000'));
    assert.deepEqual(encodeAttrs(sample, { port: 0x1234 }), hex('06000600 12340000'));
    assert.deepEqual(encodeAttrs(sample, { flag: true }), hex('04000700'));
    // A nest carries NLA_F_NESTED (0x8000) in its type.
    assert.deepEqual(encodeAttrs(sample, { nest: { mtu: 9000 } }), hex('0c000c80 08000200 28230000'));
  });

  it('keeps unknown and repeated attributes raw, with where they were found', () => {
    const bytes = Buffer.concat([
      encodeTlv(3, hex('01000000')),
      encodeTlv(99, hex('cafe')),
      encodeTlv(3, hex('02000000')),
      encodeTlv(12, Buffer.concat([encodeTlv(1, Buffer.from('x\0')), encodeTlv(77, hex('ff'))]), 0x8000),
    ]);
    const { values, extra } = decodeAttrs(sample, bytes);
    assert.equal(values.word, 1);
    assert.deepEqual(values.nest, { name: 'x' });
    assert.deepEqual(extra.map((e) => [e.path, e.type, e.reason, e.data.toString('hex')]), [
      ['sample', 99, 'unknown', 'cafe'],
      ['sample', 3, 'repeated', '02000000'],
      ['sample.nest', 77, 'unknown', 'ff'],
    ]);
    // Written back, nothing is lost: the raw attributes return to their nests.
    const again = decodeAttrs(sample, encodeAttrs(sample, values, 'sample', extra));
    assert.deepEqual(again.values, values);
    const key = (e: { path: string; type: number }): string => `${e.path}#${e.type}`;
    assert.deepEqual(again.extra.map(key).sort(), extra.map(key).sort());
  });

  it('rejects truncation, bad lengths, wrong sizes and stray bytes with the path and offset', () => {
    const cases: [Buffer, RegExp][] = [
      [hex('08000300 0100'), /attribute type 3 claims 8 bytes, only 6 left \(truncated\)/],
      [hex('02000300'), /attribute type 3 has length 2 \(< 4\)/],
      [hex('06000300 01000000'), /sample\.word: expected 4 byte\(s\), got 2/],
      [hex('05000a00 01000000'), /sample\.addr: an IP address is 4 or 16 bytes, got 1/],
      [hex('05000100 01000000 0100'), /2 stray byte\(s\) after the last attribute \(at byte 8\)/],
      [hex('0a000c80 08000200 0100'), /sample\.nest: attribute type 2 claims 8 bytes, only 6 left/],
      [hex('05000700 00000000'), /sample\.flag: expected 0 byte\(s\), got 1/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => decodeAttrs(sample, bytes), (err: unknown) => err instanceof NetlinkDecodeError && message.test(err.message), message.source);
    }
  });

  it('offsets in errors count from the start of the message', () => {
    const err = (() => { try { decodeAttrs(sample, hex('02000300'), 'sample', 24); } catch (e) { return e as NetlinkDecodeError; } return undefined; })();
    assert.equal(err?.offset, 24);
  });

  it('refuses values that do not fit before writing anything', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ byte: 256 }, /sample\.byte: 256 is not a u8/],
      [{ word: -1 }, /sample\.word: -1 is not a u32/],
      [{ word: 1.5 }, /not a u32/],
      [{ big: 5 }, /not a u64 \(a bigint/],
      [{ nest: { name: 'a-very-long-interface-name' } }, /sample\.nest\.name: .* the limit is 15/],
      [{ text: 'a\0b' }, /cannot contain NUL/],
      [{ addr: '300.1.1.1' }, /sample\.addr: '300\.1\.1\.1' is not a valid/],
      [{ mac: '00:11' + ':zz' }, /not a link-layer address/],
      [{ nosuch: 1 }, /schema sample has no attribute 'nosuch'/],
    ];
    for (const [values, message] of cases) {
      assert.throws(() => encodeAttrs(sample, values as never), (err: unknown) => err instanceof NetlinkEncodeError && message.test(err.message), message.source);
    }
  });

  it('splits a real nest the kernel sent (ifinfomsg attributes of loopback)', () => {
    const lo = hex(kernelVectors.linkDump[0]);
    const tlvs = splitAttrs(lo.subarray(32), 'link', 32);
    assert.ok(tlvs.length > 20);
    assert.equal(tlvs[0]!.type, 3); // IFLA_IFNAME first
    assert.equal(tlvs[0]!.data.toString(), 'lo\0');
    assert.equal(tlvs[0]!.offset, 32);
  });
});

describe('structs', () => {
  const s = defineStruct('demo', [['a', 'u8'], ['gap', 'pad1'], ['b', 'u16'], ['c', 's32'], ['d', 'be32']]);
  it('has the C size and zero-fills missing fields', () => {
    assert.equal(s.size, 12);
    assert.deepEqual(s.encode({ a: 1, c: -1 }), hex('01000000 ffffffff 00000000'));
    assert.deepEqual(s.decode(hex('01000200 ffffffff 00000010')), { a: 1, b: 2, c: -1, d: 16 });
  });
  it('rejects a short buffer and an out-of-range field', () => {
    assert.throws(() => s.decode(hex('0100')), /demo needs 12 bytes, only 2 left/);
    assert.throws(() => s.encode({ b: 70000 }), /demo\.b: 70000 is not a u16/);
  });
});

describe('messages', () => {
  it('splits a datagram holding several messages, honouring padding', () => {
    const a = encodeMessage({ type: 20, flags: 0, seq: 1, pid: 9, payload: hex('0102030405') });
    const b = encodeMessage({ type: 3, flags: 2, seq: 1, pid: 9, payload: hex('00000000') });
    assert.equal(a.length, 24); // 16 + 5, padded to 24; nlmsg_len says 21
    assert.equal(a.readUInt32LE(0), 21);
    const msgs = decodeMessages(Buffer.concat([a, b]));
    assert.deepEqual(msgs.map((m) => [m.type, m.flags, m.seq, m.pid, m.payload.toString('hex')]), [
      [20, 0, 1, 9, '0102030405'], [3, 2, 1, 9, '00000000'],
    ]);
  });

  it('rejects short headers, overlong lengths and stray bytes', () => {
    assert.throws(() => decodeMessages(hex('08000000 14000000 00000000 00000000')), /nlmsg_len 8 is shorter than the 16-byte header/);
    assert.throws(() => decodeMessages(hex('40000000 1400 0000 01000000 00000000')), /nlmsg_len 64 but only 16 bytes left \(truncated\)/);
    assert.throws(() => decodeMessages(Buffer.concat([encodeMessage({ type: 3, flags: 0, seq: 0, payload: Buffer.alloc(4) }), hex('0000')])), /2 stray byte/);
  });

  it('decodes a real ACK, and real errors with their extended-ACK text', () => {
    const [ackMsg] = decodeMessages(hex(kernelVectors.addAck[0]));
    const ackPayload = decodeErrorPayload(ackMsg!);
    assert.equal(ackPayload.errno, 0);
    assert.equal(ackPayload.request.seq, 5);
    assert.equal(ackPayload.request.type, 20);

    const exists = decodeErrorPayload(decodeMessages(hex(kernelVectors.addExists[0]))[0]!);
    assert.equal(errnoName(exists.errno), 'EEXIST');
    assert.equal(exists.extack?.message, 'ipv4: Address already assigned');

    const missing = decodeErrorPayload(decodeMessages(hex(kernelVectors.delMissing[0]))[0]!);
    assert.equal(errnoName(missing.errno), 'EADDRNOTAVAIL');
    assert.equal(errnoMessage(missing.errno), 'Cannot assign requested address');
    assert.equal(missing.extack?.message, 'ipv4: Address not found');

    const route = decodeErrorPayload(decodeMessages(hex(kernelVectors.routeExtack[0]))[0]!);
    assert.equal(errnoName(route.errno), 'ENETUNREACH');
    assert.equal(route.extack?.message, 'Nexthop has invalid gateway');

    const genl = decodeErrorPayload(decodeMessages(hex(kernelVectors.genlMissing[0]))[0]!);
    assert.equal(errnoName(genl.errno), 'ENOENT');
  });

  it('reads an uncapped error that echoes the whole request before its TLVs', () => {
    const request = { len: 24, type: 20, flags: 5, seq: 77 };
    const capped = decodeMessages(encodeErrorMessage({ errno: 17, request, extackMessage: 'x' }))[0]!;
    // Rebuild it uncapped: error, the 24-byte request, then the TLVs.
    const payload = Buffer.concat([capped.payload.subarray(0, 20), hex('0102030405060708'), capped.payload.subarray(20)]);
    const msg = decodeMessages(encodeMessage({ type: 2, flags: 0x200, seq: 77, payload }))[0]!;
    const e = decodeErrorPayload(msg);
    assert.equal(e.errno, 17);
    assert.equal(e.extack?.message, 'x');
  });

  it('rejects an error message that is cut short or has a positive error', () => {
    assert.throws(() => decodeErrorPayload({ type: 2, flags: 0, seq: 1, pid: 0, payload: hex('efffffff0000') }), /needs 20 bytes/);
    const positive = Buffer.alloc(20);
    positive.writeInt32LE(5, 0);
    assert.throws(() => decodeErrorPayload({ type: 2, flags: 0x100, seq: 1, pid: 0, payload: positive }), /0 or a negative errno/);
  });

  it('decodes NLMSG_DONE, including the empty form of very old kernels', () => {
    const [done] = decodeMessages(hex(kernelVectors.linkDump.at(-1)!));
    assert.equal(done!.type, 3);
    assert.deepEqual(decodeDonePayload(done!), { errno: 0, extack: undefined });
    assert.equal(decodeDonePayload(decodeMessages(encodeDoneMessage(9, 16))[0]!).errno, 16);
    assert.equal(decodeDonePayload({ type: 3, flags: 2, seq: 1, pid: 0, payload: Buffer.alloc(0) }).errno, 0);
    assert.throws(() => decodeDonePayload({ type: 3, flags: 2, seq: 1, pid: 0, payload: hex('00') }), /needs 4 bytes/);
  });

  it('names errno values like the kernel headers do', () => {
    assert.equal(errnoName(17), 'EEXIST');
    assert.equal(errnoName(19), 'ENODEV');
    assert.equal(errnoName(95), 'EOPNOTSUPP');
    assert.equal(errnoName(524), 'ENOTSUPP');
    assert.equal(errnoName(9999), 'ERRNO_9999');
  });
});

describe('address text', async () => {
  const { parsePrefix, parseLinkAddress, formatLinkAddress, parseIpOfFamily, AddressSyntaxError } = await import('../../../src/net/netlink/inet.js');
  it('parses prefixes into canonical text', () => {
    assert.deepEqual(parsePrefix('2001:DB8:0:0::1/64'), { family: 6, address: '2001:db8::1', prefixLength: 64 });
    assert.deepEqual(parsePrefix('192.0.2.7'), { family: 4, address: '192.0.2.7', prefixLength: 32 });
    for (const bad of ['192.0.2.7/33', '192.0.2.7/', '192.0.2.7/024', '::1/129', '01.2.3.4/8', '1::2::3/64', 'x/8']) {
      assert.throws(() => parsePrefix(bad), AddressSyntaxError, bad);
    }
  });
  it('reads link-layer addresses of any length', () => {
    assert.equal(formatLinkAddress(parseLinkAddress('00-00-5E-00-01-33')), '00:00:5e:00:01:33');
    assert.equal(parseLinkAddress('00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff').length, 16);
    assert.throws(() => parseLinkAddress('0:1:2:3:4:5'), AddressSyntaxError);
    assert.throws(() => parseIpOfFamily('::1', 4), /IPv6 address where IPv4 is required/);
  });
});
