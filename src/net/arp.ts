/**
 * ARP packets (RFC 826) for IPv4 over Ethernet, and the gratuitous ARP that
 * keepalived sends when it takes over a virtual address.
 *
 * keepalived 2.2.7 (vrrp/vrrp_arp.c) writes the whole frame itself on an
 * AF_PACKET socket: Ethernet to ff:ff:ff:ff:ff:ff from the interface MAC, an ARP
 * *request* (opcode 1) whose sender and target protocol addresses are both the
 * virtual address, sender hardware address the interface MAC and target
 * hardware address the broadcast address, 42 bytes with no padding. A request
 * rather than a reply is what RFC 5227 §3 calls an ARP Announcement (it there
 * zeroes the target hardware address; keepalived does not, and neither do we,
 * so peers see the same frames from either implementation). Receivers update an
 * existing cache entry for the address (RFC 826 "merge" step).
 *
 * Pure codec: encode/decode with every length checked; only the Ethernet/IPv4
 * combination (hardware length 6, protocol length 4) is supported.
 */
import { ARPHRD_ETHER, ARPOP_REPLY, ARPOP_REQUEST, ETH_ALEN, ETH_P_ARP, ETH_P_IP } from './constants.js';
import { formatIPv4, parseIPv4 } from './inet.js';
import { BROADCAST_MAC, decodeEthernetFrame, encodeEthernetHeader, macBytes, type EthernetHeader } from './ethernet.js';

/** Fixed part of an ARP packet: hrd, pro, hln, pln, op. */
export const ARP_FIXED_LENGTH = 8;
/** An Ethernet/IPv4 ARP packet: fixed part + 2 * (6 + 4). */
export const ARP_ETHER_IPV4_LENGTH = 28;

export interface ArpPacket {
  /** ar_hrd: ARPHRD_ETHER. */
  hardwareType: number;
  /** ar_pro: ETH_P_IP. */
  protocolType: number;
  /** ar_op: ARPOP_REQUEST or ARPOP_REPLY. */
  operation: number;
  senderHardwareAddress: Buffer;
  senderProtocolAddress: string;
  targetHardwareAddress: Buffer;
  targetProtocolAddress: string;
}

export function encodeArp(packet: ArpPacket): Buffer {
  const sha = macBytes(packet.senderHardwareAddress);
  const tha = macBytes(packet.targetHardwareAddress);
  if (packet.hardwareType !== ARPHRD_ETHER || packet.protocolType !== ETH_P_IP) {
    throw new RangeError('only Ethernet/IPv4 ARP packets are supported');
  }
  if (!Number.isInteger(packet.operation) || packet.operation < 0 || packet.operation > 0xffff) {
    throw new RangeError(`ARP operation ${packet.operation} is not a 16-bit value`);
  }
  const buf = Buffer.alloc(ARP_ETHER_IPV4_LENGTH);
  buf.writeUInt16BE(packet.hardwareType, 0);
  buf.writeUInt16BE(packet.protocolType, 2);
  buf[4] = ETH_ALEN;
  buf[5] = 4;
  buf.writeUInt16BE(packet.operation, 6);
  sha.copy(buf, 8);
  parseIPv4(packet.senderProtocolAddress).copy(buf, 14);
  tha.copy(buf, 18);
  parseIPv4(packet.targetProtocolAddress).copy(buf, 24);
  return buf;
}

/** Decodes an ARP packet; trailing bytes (Ethernet padding to 60 bytes) are ignored. */
export function decodeArp(bytes: Uint8Array): ArpPacket {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < ARP_FIXED_LENGTH) throw new RangeError(`ARP packet of ${buf.length} bytes is shorter than its fixed header`);
  const hardwareType = buf.readUInt16BE(0);
  const protocolType = buf.readUInt16BE(2);
  const hln = buf[4]!;
  const pln = buf[5]!;
  if (hardwareType !== ARPHRD_ETHER || protocolType !== ETH_P_IP || hln !== ETH_ALEN || pln !== 4) {
    throw new RangeError(`unsupported ARP packet: hardware ${hardwareType}/${hln} bytes, protocol 0x${protocolType.toString(16)}/${pln} bytes`);
  }
  if (buf.length < ARP_ETHER_IPV4_LENGTH) throw new RangeError(`Ethernet/IPv4 ARP packet needs ${ARP_ETHER_IPV4_LENGTH} bytes, got ${buf.length}`);
  return {
    hardwareType, protocolType, operation: buf.readUInt16BE(6),
    senderHardwareAddress: Buffer.from(buf.subarray(8, 14)),
    senderProtocolAddress: formatIPv4(buf, 14),
    targetHardwareAddress: Buffer.from(buf.subarray(18, 24)),
    targetProtocolAddress: formatIPv4(buf, 24),
  };
}

/** The gratuitous ARP keepalived sends for `address` from an interface with MAC `mac`. */
export function gratuitousArp(mac: string | Uint8Array, address: string): ArpPacket {
  return {
    hardwareType: ARPHRD_ETHER, protocolType: ETH_P_IP, operation: ARPOP_REQUEST,
    senderHardwareAddress: macBytes(mac), senderProtocolAddress: address,
    targetHardwareAddress: BROADCAST_MAC, targetProtocolAddress: address,
  };
}

/** The full 42-byte frame (Ethernet broadcast + gratuitous ARP), as keepalived writes it. */
export function encodeGratuitousArpFrame(mac: string | Uint8Array, address: string): Buffer {
  return Buffer.concat([
    encodeEthernetHeader({ destination: BROADCAST_MAC, source: mac, etherType: ETH_P_ARP }),
    encodeArp(gratuitousArp(mac, address)),
  ]);
}

export function decodeArpFrame(frame: Uint8Array): { ethernet: EthernetHeader; arp: ArpPacket } {
  const { header, payload } = decodeEthernetFrame(frame);
  if (header.etherType !== ETH_P_ARP) throw new RangeError(`not an ARP frame: EtherType 0x${header.etherType.toString(16)}`);
  return { ethernet: header, arp: decodeArp(payload) };
}

/** Gratuitous: sender and target protocol addresses are the same (request or reply). */
export function isGratuitousArp(packet: ArpPacket): boolean {
  return (packet.operation === ARPOP_REQUEST || packet.operation === ARPOP_REPLY) &&
    packet.senderProtocolAddress === packet.targetProtocolAddress;
}
