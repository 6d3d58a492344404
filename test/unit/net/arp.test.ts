// ARP codec against frames captured on this machine: keepalived 2.2.7's
// gratuitous ARP, and the kernel's own request and reply.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeArp, decodeArpFrame, encodeArp, encodeGratuitousArpFrame, gratuitousArp, isGratuitousArp } from '../../../src/net/arp.js';
import { decodeEthernetFrame, encodeEthernetHeader, ipv6MulticastMac } from '../../../src/net/ethernet.js';
import { ARPOP_REPLY, ARPOP_REQUEST, ETH_P_ARP } from '../../../src/net/constants.js';
import { formatMac } from '../../../src/net/inet.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// keepalived 2.2.7 taking over 192.0.2.100 on an interface with MAC 02:00:00:00:0a:01 (tcpdump -xx).
const KEEPALIVED_GARP = hex(`ffff ffff ffff 0200 0000 0a01 0806 0001
                             0800 0604 0001 0200 0000 0a01 c000 0264
                             ffff ffff ffff c000 0264`);
// Linux resolving 192.0.2.2 from 192.0.2.1, and the answer.
const KERNEL_REQUEST = hex(`ffff ffff ffff 0200 0000 0a01 0806 0001
                            0800 0604 0001 0200 0000 0a01 c000 0201
                            0000 0000 0000 c000 0202`);
const KERNEL_REPLY = hex(`0200 0000 0a01 0200 0000 0b01 0806 0001
                          0800 0604 0002 0200 0000 0b01 c000 0202
                          0200 0000 0a01 c000 0201`);

test('our gratuitous ARP frame is byte-identical to keepalived 2.2.7', () => {
  assert.deepEqual(encodeGratuitousArpFrame('02:00:00:00:0a:01', '192.0.2.100'), KEEPALIVED_GARP);
  const { ethernet, arp } = decodeArpFrame(KEEPALIVED_GARP);
  assert.equal(formatMac(ethernet.destination), 'ff:ff:ff:ff:ff:ff');
  assert.equal(formatMac(ethernet.source), '02:00:00:00:0a:01');
  assert.deepEqual(arp, gratuitousArp('02:00:00:00:0a:01', '192.0.2.100'));
  assert.equal(isGratuitousArp(arp), true);
});

test('kernel request and reply decode and re-encode byte for byte', () => {
  for (const [frame, operation, sender, target] of [
    [KERNEL_REQUEST, ARPOP_REQUEST, '192.0.2.1', '192.0.2.2'],
    [KERNEL_REPLY, ARPOP_REPLY, '192.0.2.2', '192.0.2.1'],
  ] as const) {
    const { ethernet, arp } = decodeArpFrame(frame);
    assert.equal(arp.operation, operation);
    assert.equal(arp.senderProtocolAddress, sender);
    assert.equal(arp.targetProtocolAddress, target);
    assert.equal(isGratuitousArp(arp), false);
    assert.deepEqual(Buffer.concat([encodeEthernetHeader(ethernet), encodeArp(arp)]), frame);
  }
  assert.equal(formatMac(decodeArpFrame(KERNEL_REPLY).arp.senderHardwareAddress), '02:00:00:00:0b:01');
});

test('Ethernet padding after the ARP packet is ignored', () => {
  const padded = Buffer.concat([KEEPALIVED_GARP, Buffer.alloc(18)]);
  assert.deepEqual(decodeArpFrame(padded).arp, decodeArpFrame(KEEPALIVED_GARP).arp);
});

test('bad ARP input is rejected with clear errors', () => {
  assert.throws(() => decodeArpFrame(KEEPALIVED_GARP.subarray(0, 10)), /shorter than its 14-byte header/);
  assert.throws(() => decodeArpFrame(KEEPALIVED_GARP.subarray(0, 41)), /needs 28 bytes, got 27/);
  assert.throws(() => decodeArp(Buffer.alloc(4)), /shorter than its fixed header/);
  const ipv6Frame = Buffer.from(KEEPALIVED_GARP);
  ipv6Frame.writeUInt16BE(0x86dd, 12);
  assert.throws(() => decodeArpFrame(ipv6Frame), /not an ARP frame: EtherType 0x86dd/);
  const infiniband = Buffer.from(KEEPALIVED_GARP.subarray(14));
  infiniband.writeUInt16BE(32, 0);
  assert.throws(() => decodeArp(infiniband), /unsupported ARP packet: hardware 32\/6 bytes/);
  assert.throws(() => encodeGratuitousArpFrame('02:00:00:00:0a', '192.0.2.1'), /invalid MAC/);
  assert.throws(() => encodeGratuitousArpFrame(Buffer.alloc(8), '192.0.2.1'), /6 bytes, got 8/);
  assert.throws(() => encodeGratuitousArpFrame('02:00:00:00:0a:01', '2001:db8::1'), /invalid IPv4/);
  assert.throws(() => encodeEthernetHeader({ destination: 'ff:ff:ff:ff:ff:ff', source: 'ff:ff:ff:ff:ff:ff', etherType: 0x10000 }), /EtherType/);
});

test('Ethernet helpers', () => {
  assert.equal(decodeEthernetFrame(KEEPALIVED_GARP).header.etherType, ETH_P_ARP);
  assert.equal(formatMac(ipv6MulticastMac('ff02::1')), '33:33:00:00:00:01');
  assert.equal(formatMac(ipv6MulticastMac('ff02::1:ff00:2')), '33:33:ff:00:00:02');
  assert.throws(() => ipv6MulticastMac('2001:db8::1'), /not an IPv6 multicast/);
});
