/**
 * Ethernet II headers (IEEE 802.3 / RFC 894) for the frames keepalived writes
 * itself on AF_PACKET sockets: gratuitous ARP and unsolicited neighbour
 * advertisements. Pure codec; VLAN tags are not interpreted (an 802.1Q frame
 * decodes with etherType 0x8100 and the tag left in the payload).
 */
import { ETH_ALEN, ETH_HLEN } from './constants.js';
import { parseIPv6, parseMac } from './inet.js';

export const BROADCAST_MAC: Buffer = Buffer.alloc(ETH_ALEN, 0xff);

export interface EthernetHeader {
  destination: Buffer;
  source: Buffer;
  /** EtherType, host order (ETH_P_ARP, ETH_P_IPV6, ...). */
  etherType: number;
}

/** A MAC given as text ("02:00:00:00:0a:01") or bytes, checked to be 6 bytes. */
export function macBytes(mac: string | Uint8Array): Buffer {
  if (typeof mac === 'string') return parseMac(mac);
  if (mac.length !== ETH_ALEN) throw new RangeError(`an Ethernet address is ${ETH_ALEN} bytes, got ${mac.length}`);
  return Buffer.from(mac);
}

export function encodeEthernetHeader(header: { destination: string | Uint8Array; source: string | Uint8Array; etherType: number }): Buffer {
  if (!Number.isInteger(header.etherType) || header.etherType < 0 || header.etherType > 0xffff) {
    throw new RangeError(`EtherType ${header.etherType} is not a 16-bit value`);
  }
  const buf = Buffer.alloc(ETH_HLEN);
  macBytes(header.destination).copy(buf, 0);
  macBytes(header.source).copy(buf, 6);
  buf.writeUInt16BE(header.etherType, 12);
  return buf;
}

export function decodeEthernetFrame(frame: Uint8Array): { header: EthernetHeader; payload: Buffer } {
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (buf.length < ETH_HLEN) throw new RangeError(`Ethernet frame of ${buf.length} bytes is shorter than its ${ETH_HLEN}-byte header`);
  return {
    header: { destination: Buffer.from(buf.subarray(0, 6)), source: Buffer.from(buf.subarray(6, 12)), etherType: buf.readUInt16BE(12) },
    payload: Buffer.from(buf.subarray(ETH_HLEN)),
  };
}

/** RFC 2464 §7: an IPv6 multicast address maps to 33:33 and its last four bytes. */
export function ipv6MulticastMac(group: string | Uint8Array): Buffer {
  const bytes = typeof group === 'string' ? parseIPv6(group) : group;
  if (bytes.length !== 16 || bytes[0] !== 0xff) throw new RangeError('not an IPv6 multicast address');
  return Buffer.from([0x33, 0x33, bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!]);
}
