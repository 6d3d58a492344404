import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import {
  AdvertBuilder, AdvertTemplate, AhSequenceCounter, BuiltDatagram, ChecksumContext, VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6,
  computeAdvertChecksum, computeAhIcv, decodeAdvert, decodeAh, decodeIpv4Header, decodeIpv6Header, encodeAdvert,
  encodeAh, encodeIpv4Header, encodingLength, internetChecksum, locateVrrp, spiForSource,
} from '../../../src/vrrp/packet/index.js';
import { must } from './helpers.js';
import { AH2, AH2U, KEEPALIVED_SOURCE, KEEPALIVED_SOURCE6, PASS2, PEER, V3V4, V3V4U, V3V6, hex } from './vectors.js';

/** Splits a captured IPv4 datagram into its IP header view, VRRP offset and checksum context. */
function ipv4Parts(bytes: Buffer): { vrrp: Buffer; ctx: ChecksumContext; ttl: number; id: number } {
  const ip = must(decodeIpv4Header(bytes));
  const loc = locateVrrp(bytes, 'inet');
  assert.ok(loc.ok);
  return { vrrp: bytes.subarray(loc.vrrpOffset), ctx: { family: 'inet', source: ip.source, destination: ip.destination }, ttl: ip.ttl, id: ip.id };
}

function ipv6Parts(bytes: Buffer): { vrrp: Buffer; ctx: ChecksumContext; hopLimit: number } {
  const ip = must(decodeIpv6Header(bytes));
  return { vrrp: bytes.subarray(40), ctx: { family: 'inet6', source: ip.source, destination: ip.destination }, hopLimit: ip.hopLimit };
}

/** Builds the advert numbered `n` (IP ID n) of an instance. */
function buildNth(template: AdvertTemplate, n: number, priority: number, destination: string, ahSequence?: number): Buffer {
  const b = new AdvertBuilder(template);
  let out: Buffer | undefined;
  for (let i = 0; i < n; i++) {
    out = b.build({ priority, source: template.family === 'inet' ? KEEPALIVED_SOURCE : KEEPALIVED_SOURCE6, destinations: [destination], ...(ahSequence !== undefined ? { ahSequence } : {}) })[0]?.bytes;
  }
  assert.ok(out);
  return out;
}

test('keepalived VRRPv2 PASS advert decodes field by field', () => {
  const { vrrp, ctx, ttl } = ipv4Parts(PASS2.ipId1);
  assert.equal(ttl, 255);
  const d = must(decodeAdvert(vrrp, 'inet'));
  assert.equal(vrrp.length, 24); // 8 header + 2 addresses + 8 auth bytes
  const a = d;
  assert.equal(a.version, 2);
  if (a.version !== 2) return;
  assert.deepEqual(
    { vrid: a.vrid, priority: a.priority, addresses: a.addresses, authType: a.authType, interval: a.advertIntervalSeconds, auth: a.authData.toString('latin1') },
    { vrid: 11, priority: 150, addresses: ['10.77.0.11', '10.77.0.111'], authType: 1, interval: 1, auth: 'secret12' },
  );
  assert.equal(computeAdvertChecksum(vrrp, 2, ctx), a.checksum);
});

test('keepalived VRRPv3 IPv4 multicast and unicast adverts decode, checksums use the pseudo-header', () => {
  for (const [bytes, vrid, prio, cs, addrs] of [
    [V3V4.ipId1, 13, 160, 100, ['10.77.0.13']],
    [V3V4.stopIpId3, 13, 0, 100, ['10.77.0.13']],
    [V3V4U.ipId1, 16, 100, 50, ['10.77.0.16', '10.77.0.116']],
  ] as const) {
    const { vrrp, ctx } = ipv4Parts(bytes);
    const d = must(decodeAdvert(vrrp, 'inet'));
    assert.equal(d.version, 3);
    if (d.version !== 3) continue;
    assert.equal(d.vrid, vrid);
    assert.equal(d.priority, prio);
    assert.equal(d.advertIntervalCentiseconds, cs);
    assert.deepEqual(d.addresses, addrs);
    assert.equal(computeAdvertChecksum(vrrp, 3, ctx), d.checksum);
    // Without the pseudo-header (v3_checksum_as_v2) the sum differs.
    assert.notEqual(computeAdvertChecksum(vrrp, 3, { ...ctx, v3ChecksumAsV2: true }), d.checksum);
  }
});

test('keepalived VRRPv3 IPv6 advert decodes and its kernel checksum matches ours', () => {
  const { vrrp, ctx, hopLimit } = ipv6Parts(V3V6.advert);
  assert.equal(hopLimit, 255);
  assert.equal(ctx.source, KEEPALIVED_SOURCE6);
  assert.equal(ctx.destination, VRRP_MULTICAST_IPV6);
  const d = must(decodeAdvert(vrrp, 'inet6'));
  assert.deepEqual(d.addresses, ['fe80::14', 'fd77::14']);
  assert.equal(d.priority, 200);
  assert.equal(computeAdvertChecksum(vrrp, 3, ctx), d.checksum);
  const stop = ipv6Parts(V3V6.stop);
  const ds = must(decodeAdvert(stop.vrrp, 'inet6'));
  assert.equal(ds.priority, 0);
  assert.equal(computeAdvertChecksum(stop.vrrp, 3, stop.ctx), ds.checksum);
});

test('round trip: decode -> encode -> the same bytes, for every captured advert', () => {
  for (const bytes of [PASS2.ipId1, PASS2.stopIpId3, AH2.seq1, AH2U.seq2, V3V4.ipId1, V3V4U.ipId1, V3V4U.stopIpId8]) {
    const { vrrp, ctx } = ipv4Parts(bytes);
    const d = must(decodeAdvert(vrrp, 'inet'));
    const { checksum: _ignored, ...withoutChecksum } = d;
    assert.deepEqual(encodeAdvert(withoutChecksum, ctx), vrrp, `re-encoding ${bytes.toString('hex')}`);
    assert.equal(encodingLength(d, 'inet'), vrrp.length);
  }
  for (const bytes of [V3V6.advert, V3V6.stop]) {
    const { vrrp, ctx } = ipv6Parts(bytes);
    const d = must(decodeAdvert(vrrp, 'inet6'));
    const { checksum: _ignored, ...withoutChecksum } = d;
    assert.deepEqual(encodeAdvert(withoutChecksum, ctx), vrrp);
  }
});

test('the IPv4 header round-trips and its checksum matches the kernel\'s', () => {
  for (const bytes of [PASS2.ipId1, AH2U.seq1, V3V4U.ipId1]) {
    const ip = must(decodeIpv4Header(bytes));
    const h = ip;
    assert.equal(h.tos, 0xc0);
    assert.equal(h.totalLength, bytes.length);
    const { checksum: _c, headerLength: _l, ...init } = h;
    assert.deepEqual(encodeIpv4Header(init), bytes.subarray(0, 20));
  }
});

test('AdvertBuilder reproduces keepalived\'s adverts byte for byte (IP header, VRRP, checksums)', () => {
  const pass: AdvertTemplate = {
    version: 2, family: 'inet', vrid: 11, addresses: ['10.77.0.11', '10.77.0.111'], advertIntervalMs: 1000,
    auth: { type: 'pass', password: 'secret12345' }, ttl: 255, unicast: false,
  };
  assert.deepEqual(buildNth(pass, 1, 150, VRRP_MULTICAST_IPV4), PASS2.ipId1);
  assert.deepEqual(buildNth(pass, 3, 0, VRRP_MULTICAST_IPV4), PASS2.stopIpId3);

  const v3: AdvertTemplate = { version: 3, family: 'inet', vrid: 13, addresses: ['10.77.0.13'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false };
  assert.deepEqual(buildNth(v3, 1, 160, VRRP_MULTICAST_IPV4), V3V4.ipId1);
  assert.deepEqual(buildNth(v3, 3, 0, VRRP_MULTICAST_IPV4), V3V4.stopIpId3);

  const v3u: AdvertTemplate = { version: 3, family: 'inet', vrid: 16, addresses: ['10.77.0.16', '10.77.0.116'], advertIntervalMs: 500, auth: { type: 'none' }, ttl: 255, unicast: true };
  assert.deepEqual(buildNth(v3u, 1, 100, PEER), V3V4U.ipId1);
  assert.deepEqual(buildNth(v3u, 8, 0, PEER), V3V4U.stopIpId8);

  const v6: AdvertTemplate = { version: 3, family: 'inet6', vrid: 14, addresses: ['fe80::14', 'fd77::14'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false };
  assert.deepEqual(buildNth(v6, 1, 200, VRRP_MULTICAST_IPV6), V3V6.advert.subarray(40));
  assert.deepEqual(buildNth(v6, 1, 0, VRRP_MULTICAST_IPV6), V3V6.stop.subarray(40));
});

test('AdvertBuilder reproduces keepalived\'s AH adverts, ICV included (multicast and unicast)', () => {
  const ah: AdvertTemplate = { version: 2, family: 'inet', vrid: 12, addresses: ['10.77.0.12'], advertIntervalMs: 1000, auth: { type: 'ah', password: 'ahsecret' }, ttl: 255, unicast: false };
  assert.deepEqual(buildNth(ah, 1, 150, VRRP_MULTICAST_IPV4, 1), AH2.seq1);
  assert.deepEqual(buildNth(ah, 2, 150, VRRP_MULTICAST_IPV4, 2), AH2.seq2);
  assert.deepEqual(buildNth(ah, 3, 0, VRRP_MULTICAST_IPV4, 3), AH2.stopSeq3);
  const ahu: AdvertTemplate = { ...ah, vrid: 15, addresses: ['10.77.0.15'], auth: { type: 'ah', password: 'uniAH' }, unicast: true };
  assert.deepEqual(buildNth(ahu, 1, 150, PEER, 1), AH2U.seq1);
  assert.deepEqual(buildNth(ahu, 3, 0, PEER, 3), AH2U.stopSeq3);
});

test('AH ICV of captured keepalived adverts: ours matches, TTL zeroed only for unicast', () => {
  for (const [bytes, key, unicast] of [
    [AH2.seq1, 'ahsecret', false], [AH2.seq2, 'ahsecret', false], [AH2.stopSeq3, 'ahsecret', false],
    [AH2U.seq1, 'uniAH', true], [AH2U.seq2, 'uniAH', true], [AH2U.stopSeq3, 'uniAH', true],
  ] as const) {
    const ah = must(decodeAh(bytes, 20));
    assert.equal(ah.nextHeader, 112);
    assert.equal(ah.payloadLength, 4);
    assert.equal(ah.spi, spiForSource(KEEPALIVED_SOURCE));
    const keyBytes = Buffer.alloc(8);
    Buffer.from(key).copy(keyBytes);
    assert.deepEqual(computeAhIcv(bytes, keyBytes, unicast), ah.icv);
    if (unicast) assert.notDeepEqual(computeAhIcv(bytes, keyBytes, false), ah.icv);
  }
  // AH header round trip.
  const ah = must(decodeAh(AH2.seq2, 20));
  assert.deepEqual(encodeAh(ah), AH2.seq2.subarray(20, 44));
});

test('the AH sequence counter follows keepalived: +1 per send, top at 0xFFFFFFFE, anti-replay, resync', () => {
  const c = new AhSequenceCounter();
  assert.equal(c.nextForSend(), 1);
  assert.equal(c.nextForSend(), 2);
  assert.ok(!c.isFresh(2));
  assert.ok(c.isFresh(3));
  c.accept(10, true);
  assert.equal(c.nextForSend(), 11);
  c.syncAbove(40);
  assert.equal(c.nextForSend(), 42);
  c.sequence = 0xfffffffd;
  assert.equal(c.nextForSend(), 0xfffffffe);
  assert.equal(c.nextForSend(), 0xfffffffe);
  assert.ok(c.cycled);
  c.onBecomingMaster();
  assert.equal(c.sequence, 0);
  assert.equal(c.nextForSend(), 1);
});

test('decoders never throw on garbage and say why', () => {
  const samples = [Buffer.alloc(0), hex('31'), hex('ffffffffffffffff'), hex('210b9602'), hex('310dff05000000000a'), Buffer.alloc(7, 0x21)];
  for (const s of samples) {
    for (const family of ['inet', 'inet6'] as const) {
      const d = decodeAdvert(s, family);
      if (!d.ok) assert.match(d.error, /truncated|version/);
      const l = locateVrrp(s, family);
      if (!l.ok) assert.ok(l.error.length > 0);
    }
    const ip = decodeIpv4Header(s);
    assert.ok(!ip.ok);
    assert.ok(!decodeAh(s).ok);
  }
  // Random bytes: whatever they hold, no exception.
  let seed = 7;
  for (let n = 0; n < 2000; n++) {
    const len = n % 90;
    const buf = Buffer.alloc(len);
    for (let i = 0; i < len; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; buf[i] = seed & 0xff; }
    decodeAdvert(buf, 'inet');
    decodeAdvert(buf, 'inet6');
    decodeIpv4Header(buf);
    decodeIpv6Header(buf);
    decodeAh(buf);
    locateVrrp(buf, 'inet');
  }
});

test('encoders refuse what the wire cannot carry', () => {
  const ctx: ChecksumContext = { family: 'inet', source: '10.0.0.1', destination: VRRP_MULTICAST_IPV4 };
  const base = { version: 3 as const, vrid: 1, priority: 100, addresses: ['10.0.0.9'], advertIntervalCentiseconds: 100 };
  assert.throws(() => encodeAdvert({ ...base, vrid: 256 }, ctx), /vrid/);
  assert.throws(() => encodeAdvert({ ...base, advertIntervalCentiseconds: 4096 }, ctx), /interval/);
  assert.throws(() => encodeAdvert({ ...base, addresses: ['fe80::1'] }, ctx), /IPv4/);
  assert.throws(() => encodeAdvert(base, { family: 'inet' }), /source and destination/);
  assert.throws(() => encodeAdvert({ version: 2, vrid: 1, priority: 1, addresses: [], authType: 0, advertIntervalSeconds: 256 }, ctx), /interval/);
  assert.throws(() => new AdvertBuilder({ version: 3, family: 'inet', vrid: 1, addresses: [], advertIntervalMs: 1000, auth: { type: 'pass', password: 'x' }, ttl: 255, unicast: false }), /VRRPv2/);
  assert.throws(() => new AdvertBuilder({ version: 2, family: 'inet', vrid: 1, addresses: [], advertIntervalMs: 1500, auth: { type: 'none' }, ttl: 255, unicast: false }), /whole seconds/);
});

test('the IP ID skips 0 when it wraps, as keepalived does', () => {
  const b = new AdvertBuilder({ version: 3, family: 'inet', vrid: 1, addresses: ['10.0.0.9'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false });
  let last = 0;
  for (let i = 0; i < 65536; i++) {
    const out = b.build({ priority: 100, source: '10.0.0.1', destinations: [VRRP_MULTICAST_IPV4] })[0];
    assert.ok(out);
    last = out.bytes.readUInt16BE(4);
    assert.notEqual(last, 0);
  }
  assert.equal(last, 1);
  // One ID per advert, shared by every unicast peer.
  const two = b.build({ priority: 100, source: '10.0.0.1', destinations: ['10.0.0.2', '10.0.0.3'] });
  assert.equal(two.length, 2);
  assert.equal(two[0]?.bytes.readUInt16BE(4), two[1]?.bytes.readUInt16BE(4));
  assert.notDeepEqual(two[0]?.bytes.subarray(20), two[1]?.bytes.subarray(20)); // v3 checksum covers the destination
});

function only(datagrams: readonly BuiltDatagram[]): Buffer {
  assert.equal(datagrams.length, 1);
  return (datagrams[0] as BuiltDatagram).bytes;
}

test('an advert is built once and stamped per send: same VRRP bytes, next IP ID, valid header checksum', () => {
  const b = new AdvertBuilder({ version: 2, family: 'inet', vrid: 51, addresses: ['192.0.2.100'], advertIntervalMs: 1000, auth: { type: 'pass', password: 'secret' }, ttl: 255, unicast: false });
  const send = { priority: 100, source: '192.0.2.1', destinations: [VRRP_MULTICAST_IPV4] };
  b.prepare(send); // a BACKUP getting ready: nothing sent, no ID used
  const first = only(b.build(send));
  const second = only(b.build(send));
  assert.notEqual(first, second, 'each send gets its own bytes');
  assert.equal(first.readUInt16BE(4), 1);
  assert.equal(second.readUInt16BE(4), 2);
  for (const bytes of [first, second]) {
    assert.equal(internetChecksum(bytes, 0, 20), 0, 'header checksum verifies');
    assert.ok(decodeIpv4Header(bytes).ok);
  }
  assert.deepEqual(first.subarray(20), second.subarray(20));
  // What the encoders would have produced for the same ID.
  const fresh = new AdvertBuilder(b.template);
  fresh.build(send);
  assert.deepEqual(only(fresh.build(send)), second);
  // A new priority, source or checksum destination is encoded again.
  const lower = only(b.build({ ...send, priority: 80 }));
  assert.equal(must(decodeAdvert(lower.subarray(20), 'inet')).priority, 80);
  const moved = only(b.build({ ...send, source: '192.0.2.2' }));
  assert.equal(must(decodeIpv4Header(moved)).source, '192.0.2.2');
});

test('AH adverts are encoded whole each time (the ICV covers the ID and the sequence)', () => {
  const b = new AdvertBuilder({ version: 2, family: 'inet', vrid: 51, addresses: ['192.0.2.100'], advertIntervalMs: 1000, auth: { type: 'ah', password: 'secret' }, ttl: 255, unicast: false });
  const send = { priority: 100, source: '192.0.2.1', destinations: [VRRP_MULTICAST_IPV4] };
  b.prepare(send);
  const one = only(b.build({ ...send, ahSequence: 7 }));
  const two = only(b.build({ ...send, ahSequence: 8 }));
  assert.equal(one.readUInt16BE(4), 1);
  assert.equal(must(decodeAh(one.subarray(20))).sequence, 7);
  assert.equal(must(decodeAh(two.subarray(20))).sequence, 8);
  assert.notDeepEqual(one.subarray(32, 44), two.subarray(32, 44), 'a fresh ICV');
});

test('IPv6 adverts are reused whole (the kernel writes the IPv6 header)', () => {
  const b = new AdvertBuilder({ version: 3, family: 'inet6', vrid: 51, addresses: ['2001:db8::100'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false });
  const send = { priority: 100, source: 'fe80::1', destinations: [VRRP_MULTICAST_IPV6] };
  const one = only(b.build(send));
  const two = only(b.build(send));
  assert.notEqual(one, two);
  assert.deepEqual(one, two);
  assert.deepEqual(one, encodeAdvert(b.advert(100), { family: 'inet6', source: 'fe80::1', destination: VRRP_MULTICAST_IPV6 }));
});

test('buildForSend stamps the kept bytes in place: nothing copied, the kernel fills the header checksum', () => {
  const b = new AdvertBuilder({ version: 3, family: 'inet', vrid: 7, addresses: ['192.0.2.7'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false });
  const send = { priority: 100, source: '192.0.2.1', destinations: [VRRP_MULTICAST_IPV4] };
  const first = b.buildForSend(send);
  assert.equal(must(decodeIpv4Header((first[0] as BuiltDatagram).bytes)).id, 1);
  const second = b.buildForSend(send);
  assert.equal(second[0]?.bytes, first[0]?.bytes, 'the same buffer, valid until the next call');
  assert.equal(must(decodeIpv4Header((second[0] as BuiltDatagram).bytes)).id, 2);
  // Everything but the ID and the checksum is what build() makes.
  const built = only(b.build(send));
  assert.equal(built.readUInt16BE(4), 3, 'one ID counter for both');
  const shared = Buffer.from((second[0] as BuiltDatagram).bytes);
  for (const bytes of [built, shared]) {
    bytes.fill(0, 4, 6);
    bytes.fill(0, 10, 12);
  }
  assert.deepEqual(shared, built);
});
