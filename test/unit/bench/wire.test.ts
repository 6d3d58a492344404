/**
 * The benchmarks' own small pieces that decide their numbers: the frame
 * decoder and pcap follower (timestamps), the RFC timers the results are
 * compared with, and the nearest-rank summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, PcapFollower } from '../../../bench/lib/wire.js';
import { masterDownIntervalUs, skewTimeUs } from '../../../bench/lib/vrrp.js';
import { summarize } from '../../../bench/lib/stats.js';
import { parseMonitorLine } from '../../../bench/lib/address-monitor.js';

const SRC_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];

function ethernet(ethertype: number, payload: number[]): Buffer {
  return Buffer.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, ...SRC_MAC, ethertype >> 8, ethertype & 0xff, ...payload]);
}

/** IPv4 header (no options) + VRRPv2 advert for `vrid` at `priority` from 192.0.2.1. */
function vrrpV2(vrid: number, priority: number, protocol = 112, inner: number[] = []): Buffer {
  const vrrp = [0x21, vrid, priority, 1, 0, 1, 0, 0, 192, 0, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0];
  const ip = [0x45, 0, 0, 20 + inner.length + vrrp.length, 0, 0, 0, 0, 255, protocol, 0, 0, 192, 0, 2, 1, 224, 0, 0, 18];
  return ethernet(0x0800, [...ip, ...inner, ...vrrp]);
}

function arp(sender: number[], target: number[]): Buffer {
  return ethernet(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...SRC_MAC, ...sender, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...target]);
}

test('decodeFrame: a VRRPv2 advert gives source, VRID, priority and version', () => {
  const e = decodeFrame(vrrpV2(51, 150), 7n);
  assert.deepEqual(e, { kind: 'advert', t: 7n, src: '192.0.2.1', srcMac: '02:00:00:00:00:01', version: 2, vrid: 51, priority: 150 });
});

test('decodeFrame: VRRP inside AH is found behind the AH header', () => {
  // RFC 4302: next header 112, payload length 4 (=> (4 + 2) * 4 = 24 bytes), reserved, SPI, sequence, 12-byte ICV.
  const ah = [112, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, ...new Array(12).fill(0)];
  const e = decodeFrame(vrrpV2(7, 0, 51, ah), 1n);
  assert.equal(e?.kind, 'advert');
  assert.equal(e?.kind === 'advert' && e.vrid, 7);
  assert.equal(e?.kind === 'advert' && e.priority, 0);
});

test('decodeFrame: gratuitous ARP recognised, ordinary ARP request ignored', () => {
  assert.deepEqual(decodeFrame(arp([192, 0, 2, 100], [192, 0, 2, 100]), 3n), { kind: 'garp', t: 3n, ip: '192.0.2.100', senderMac: '02:00:00:00:00:01' });
  assert.equal(decodeFrame(arp([192, 0, 2, 1], [192, 0, 2, 2]), 3n), undefined);
});

test('decodeFrame: not VRRP, not an advert, or truncated gives undefined', () => {
  assert.equal(decodeFrame(vrrpV2(1, 100, 17), 0n), undefined);
  const notAdvert = vrrpV2(1, 100);
  notAdvert[14 + 20] = 0x22; // type 2 does not exist
  assert.equal(decodeFrame(notAdvert, 0n), undefined);
  assert.equal(decodeFrame(vrrpV2(1, 100).subarray(0, 30), 0n), undefined);
  assert.equal(decodeFrame(Buffer.alloc(5), 0n), undefined);
});

function pcapHeader(nanos: boolean): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

function record(seconds: number, fraction: number, frame: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(seconds, 0);
  h.writeUInt32LE(fraction, 4);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  return Buffer.concat([h, frame]);
}

test('PcapFollower: nanosecond timestamps, records read as they are completed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wire-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'x.pcap');
  writeFileSync(file, pcapHeader(true));
  const follower = new PcapFollower(file);
  assert.deepEqual(follower.poll(), []);
  const first = record(1_700_000_000, 123_456_789, vrrpV2(51, 150));
  appendFileSync(file, first.subarray(0, 20)); // half a record: not yet
  assert.deepEqual(follower.poll(), []);
  appendFileSync(file, Buffer.concat([first.subarray(20), record(1_700_000_001, 5, arp([10, 0, 0, 1], [10, 0, 0, 1]))]));
  const events = follower.poll();
  assert.equal(events.length, 2);
  assert.equal(events[0]!.t, 1_700_000_000_123_456_789n);
  assert.equal(events[1]!.t, 1_700_000_001_000_000_005n);
  assert.equal(follower.events.length, 2);
  follower.close();
});

test('PcapFollower: microsecond files are scaled to nanoseconds', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wire-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'x.pcap');
  writeFileSync(file, Buffer.concat([pcapHeader(false), record(10, 250_000, vrrpV2(1, 100))]));
  const follower = new PcapFollower(file);
  assert.equal(follower.poll()[0]!.t, 10_250_000_000n);
  follower.close();
});

test('RFC timers: VRRPv2 skew ignores the interval, VRRPv3 scales with it', () => {
  // RFC 3768 §6.1: (256 - 100) / 256 s = 0.609375 s.
  assert.equal(skewTimeUs(2, 1, 100), 609_375);
  assert.equal(skewTimeUs(2, 3, 100), 609_375);
  assert.equal(masterDownIntervalUs(2, 1, 100), 3_609_375);
  // RFC 5798 §6.1: ((256 - 100) * 100 cs) / 256 = 60.9375 cs.
  assert.equal(skewTimeUs(3, 1, 100), 609_375);
  assert.equal(skewTimeUs(3, 0.5, 100), 304_687);
  assert.equal(masterDownIntervalUs(3, 0.5, 254), 1_500_000 + 3_906);
});

test('summarize: nearest-rank percentiles, median of an even count is the mean of the middle two', () => {
  const s = summarize([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
  assert.equal(s.n, 10);
  assert.equal(s.median, 5.5);
  assert.equal(s.p90, 9);
  assert.equal(s.max, 10);
  assert.equal(s.min, 1);
  assert.ok(Number.isNaN(summarize([]).median));
});

test('parseMonitorLine: ip -tshort monitor address lines (UTC) to ns timestamps, additions and deletions', () => {
  assert.deepEqual(parseMonitorLine('[2026-11-22T03:40:17.575135] 3: eth0    inet 192.0.2.100/24 scope global eth0'),
    { t: BigInt(Date.UTC(2026, 10, 22, 3, 40, 17)) * 1_000_000n + 575_135_000n, address: '192.0.2.100', added: true });
  assert.equal(parseMonitorLine('[2026-11-22T03:40:17.000001] Deleted 3: eth0    inet 192.0.2.100/24 scope global eth0')?.added, false);
  assert.equal(parseMonitorLine('       valid_lft forever preferred_lft forever'), undefined);
});
