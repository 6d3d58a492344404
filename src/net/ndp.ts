/**
 * IPv6 Neighbor Discovery (RFC 4861): neighbour advertisements, their options,
 * the IPv6 header around them, and the unsolicited NA keepalived sends when it
 * takes over a virtual IPv6 address.
 *
 * keepalived 2.2.7 (vrrp/vrrp_ndisc.c) writes the whole frame on an AF_PACKET
 * socket, checksum included:
 *   Ethernet  to 33:33:00:00:00:01 (RFC 2464 §7 mapping of ff02::1), from the interface MAC
 *   IPv6      version 6, traffic class 0, flow label 0, payload length 32,
 *             next header 58 (ICMPv6), hop limit 255 (RFC 4861 §7.1.2 requires it),
 *             source = the virtual address itself, destination ff02::1 (all nodes)
 *   ICMPv6    type 136, code 0, checksum over the RFC 8200 §8.1 pseudo-header;
 *             flags: Override always, Router when IPv6 forwarding is on for the
 *             interface, never Solicited (RFC 4861 §4.4, §7.2.6);
 *             target = the virtual address
 *   option    Target Link-Layer Address (type 2, length 1 = 8 bytes): the interface MAC
 * 86 bytes in all. Peers with an entry for the target replace its link-layer
 * address because of the Override flag (RFC 4861 §7.2.5).
 *
 * Pure codec. decodeNeighborAdvertisement checks the RFC 4861 §7.1.2 format rules
 * it can see (code 0, length, option lengths) and, given the addresses, the
 * checksum; hop limit and address checks belong to the receiver.
 */
import { ETH_HLEN, ETH_P_IPV6, IPPROTO_ICMPV6 } from './constants.js';
import { formatIPv6, parseIPv6 } from './inet.js';
import { ipv6PseudoHeaderChecksum } from './checksum.js';
import { decodeEthernetFrame, encodeEthernetHeader, ipv6MulticastMac, macBytes, type EthernetHeader } from './ethernet.js';

// RFC 4443 / RFC 4861 §4: ICMPv6 types of Neighbor Discovery
export const ICMPV6_ROUTER_SOLICITATION = 133;
export const ICMPV6_ROUTER_ADVERTISEMENT = 134;
export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
// RFC 4861 §4.6: option types
export const ND_OPT_SOURCE_LINK_ADDRESS = 1;
export const ND_OPT_TARGET_LINK_ADDRESS = 2;
// RFC 4861 §4.4: flag bits in the first byte after the checksum
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_SOLICITED = 0x40;
const NA_FLAG_OVERRIDE = 0x20;

export const IPV6_HEADER_LENGTH = 40;
/** Type, code, checksum, flags/reserved, target. */
export const NA_FIXED_LENGTH = 24;
/** RFC 4861 §7.1.2 / RFC 4291 §2.7.1: the link-local all-nodes group. */
export const ALL_NODES = 'ff02::1';
/** Hop limit of every ND message (RFC 4861 §7.1.2: receivers drop anything else). */
export const ND_HOP_LIMIT = 255;

export interface NdOption {
  type: number;
  /** The option body, without its type and length bytes (padding included). */
  data: Buffer;
}

export interface NeighborAdvertisement {
  router: boolean;
  solicited: boolean;
  override: boolean;
  target: string;
  options: NdOption[];
}

export interface Ipv6Header {
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  source: string;
  destination: string;
}

export function encodeIpv6Header(header: Ipv6Header): Buffer {
  const { trafficClass, flowLabel, payloadLength, nextHeader, hopLimit } = header;
  const inRange = (v: number, max: number) => Number.isInteger(v) && v >= 0 && v <= max;
  if (!inRange(trafficClass, 0xff) || !inRange(flowLabel, 0xfffff) || !inRange(payloadLength, 0xffff) ||
      !inRange(nextHeader, 0xff) || !inRange(hopLimit, 0xff)) {
    throw new RangeError('IPv6 header field out of range');
  }
  const buf = Buffer.alloc(IPV6_HEADER_LENGTH);
  buf.writeUInt32BE(((6 << 28) | (trafficClass << 20) | flowLabel) >>> 0, 0);
  buf.writeUInt16BE(payloadLength, 4);
  buf[6] = nextHeader;
  buf[7] = hopLimit;
  parseIPv6(header.source).copy(buf, 8);
  parseIPv6(header.destination).copy(buf, 24);
  return buf;
}

export function decodeIpv6Header(bytes: Uint8Array): Ipv6Header {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < IPV6_HEADER_LENGTH) throw new RangeError(`IPv6 header needs ${IPV6_HEADER_LENGTH} bytes, got ${buf.length}`);
  const word = buf.readUInt32BE(0);
  if (word >>> 28 !== 6) throw new RangeError(`IP version ${word >>> 28} is not 6`);
  return {
    trafficClass: (word >>> 20) & 0xff, flowLabel: word & 0xfffff, payloadLength: buf.readUInt16BE(4),
    nextHeader: buf[6]!, hopLimit: buf[7]!, source: formatIPv6(buf, 8), destination: formatIPv6(buf, 24),
  };
}

/** RFC 4861 §4.6: options are whole multiples of 8 bytes, length counted in those units. */
function encodeOptions(options: readonly NdOption[]): Buffer {
  return Buffer.concat(options.map((option) => {
    const total = 2 + option.data.length;
    if (total % 8 !== 0 || total > 255 * 8) throw new RangeError(`ND option type ${option.type}: ${total} bytes is not a multiple of 8 up to 2040`);
    return Buffer.concat([Buffer.from([option.type, total / 8]), option.data]);
  }));
}

function decodeOptions(buf: Buffer): NdOption[] {
  const options: NdOption[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < 2) throw new RangeError(`truncated ND option at byte ${offset}`);
    const length = buf[offset + 1]! * 8;
    // RFC 4861 §4.6: a zero length is invalid and the packet must be discarded.
    if (length === 0) throw new RangeError(`ND option type ${buf[offset]} has length 0`);
    if (offset + length > buf.length) throw new RangeError(`ND option type ${buf[offset]} runs past the end of the message`);
    options.push({ type: buf[offset]!, data: Buffer.from(buf.subarray(offset + 2, offset + length)) });
    offset += length;
  }
  return options;
}

/** A Source/Target Link-Layer Address option for an Ethernet MAC (8 bytes, no padding needed). */
export function linkAddressOption(type: number, mac: string | Uint8Array): NdOption {
  return { type, data: macBytes(mac) };
}

/** The ICMPv6 message, checksum filled in for the given source and destination. */
export function encodeNeighborAdvertisement(na: NeighborAdvertisement, source: string, destination: string): Buffer {
  const fixed = Buffer.alloc(NA_FIXED_LENGTH);
  fixed[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
  fixed[1] = 0;
  fixed[4] = (na.router ? NA_FLAG_ROUTER : 0) | (na.solicited ? NA_FLAG_SOLICITED : 0) | (na.override ? NA_FLAG_OVERRIDE : 0);
  parseIPv6(na.target).copy(fixed, 8);
  const message = Buffer.concat([fixed, encodeOptions(na.options)]);
  message.writeUInt16BE(ipv6PseudoHeaderChecksum(source, destination, IPPROTO_ICMPV6, message), 2);
  return message;
}

/**
 * Decodes an NA. With `addresses` (the IPv6 source and destination), the
 * checksum is verified too.
 */
export function decodeNeighborAdvertisement(bytes: Uint8Array, addresses?: { source: string; destination: string }): NeighborAdvertisement {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < NA_FIXED_LENGTH) throw new RangeError(`neighbour advertisement needs ${NA_FIXED_LENGTH} bytes, got ${buf.length}`);
  if (buf[0] !== ICMPV6_NEIGHBOR_ADVERTISEMENT) throw new RangeError(`ICMPv6 type ${buf[0]} is not a neighbour advertisement`);
  if (buf[1] !== 0) throw new RangeError(`neighbour advertisement with ICMPv6 code ${buf[1]} (must be 0)`);
  if (addresses && ipv6PseudoHeaderChecksum(addresses.source, addresses.destination, IPPROTO_ICMPV6, buf) !== 0) {
    throw new RangeError('ICMPv6 checksum mismatch');
  }
  return {
    router: (buf[4]! & NA_FLAG_ROUTER) !== 0,
    solicited: (buf[4]! & NA_FLAG_SOLICITED) !== 0,
    override: (buf[4]! & NA_FLAG_OVERRIDE) !== 0,
    target: formatIPv6(buf, 8),
    options: decodeOptions(buf.subarray(NA_FIXED_LENGTH)),
  };
}

/** The MAC in a Target Link-Layer Address option, if there is one. */
export function targetLinkAddress(na: NeighborAdvertisement): Buffer | undefined {
  return na.options.find((o) => o.type === ND_OPT_TARGET_LINK_ADDRESS)?.data;
}

/** The 86-byte frame keepalived sends for `address` from an interface with MAC `mac`. */
export function encodeUnsolicitedNaFrame(options: { mac: string | Uint8Array; address: string; router: boolean }): Buffer {
  const mac = macBytes(options.mac);
  const na = encodeNeighborAdvertisement({
    router: options.router, solicited: false, override: true, target: options.address,
    options: [linkAddressOption(ND_OPT_TARGET_LINK_ADDRESS, mac)],
  }, options.address, ALL_NODES);
  return Buffer.concat([
    encodeEthernetHeader({ destination: ipv6MulticastMac(ALL_NODES), source: mac, etherType: ETH_P_IPV6 }),
    encodeIpv6Header({
      trafficClass: 0, flowLabel: 0, payloadLength: na.length, nextHeader: IPPROTO_ICMPV6,
      hopLimit: ND_HOP_LIMIT, source: options.address, destination: ALL_NODES,
    }),
    na,
  ]);
}

/** Decodes an Ethernet frame carrying an NA, checking lengths and the ICMPv6 checksum. */
export function decodeNaFrame(frame: Uint8Array): { ethernet: EthernetHeader; ipv6: Ipv6Header; advertisement: NeighborAdvertisement } {
  const { header, payload } = decodeEthernetFrame(frame);
  if (header.etherType !== ETH_P_IPV6) throw new RangeError(`not an IPv6 frame: EtherType 0x${header.etherType.toString(16)}`);
  const ipv6 = decodeIpv6Header(payload);
  if (ipv6.nextHeader !== IPPROTO_ICMPV6) throw new RangeError(`IPv6 next header ${ipv6.nextHeader} is not ICMPv6 (extension headers are not followed)`);
  if (payload.length < IPV6_HEADER_LENGTH + ipv6.payloadLength) {
    throw new RangeError(`IPv6 payload length ${ipv6.payloadLength} runs past the ${frame.length - ETH_HLEN}-byte frame payload`);
  }
  const icmp = payload.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + ipv6.payloadLength);
  return { ethernet: header, ipv6, advertisement: decodeNeighborAdvertisement(icmp, ipv6) };
}
