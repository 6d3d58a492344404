/**
 * Control messages (ancillary data) for sendmsg/recvmsg, as bytes.
 *
 * Layout (LP64 Linux, <bits/socket.h>): each cmsg is a 16-byte header
 * { size_t cmsg_len; int cmsg_level; int cmsg_type } followed by its data;
 * cmsg_len counts header + data, and the next header starts at the next 8-byte
 * boundary (CMSG_ALIGN). native.ts checks at load time that the compiled addon
 * agrees with these sizes.
 *
 * The ones a VRRP/NDP daemon needs have typed builders and decoders:
 *   IP_PKTINFO      struct in_pktinfo  { int ifindex; in_addr spec_dst; in_addr addr }  12 bytes
 *   IPV6_PKTINFO    struct in6_pktinfo { in6_addr addr; int ifindex }                     20 bytes
 *   IP_TTL          int (received with IP_RECVTTL set)
 *   IPV6_HOPLIMIT   int (received with IPV6_RECVHOPLIMIT set)
 * Anything else is kept as { level, type, data }. Malformed input (a length that
 * runs past the buffer or under the header) is a RangeError.
 */
import { IPPROTO_IP, IPPROTO_IPV6, IP_PKTINFO, IP_TTL, IPV6_HOPLIMIT, IPV6_PKTINFO } from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './inet.js';
import { readHostI32, readHostU32, readHostU64, writeHostI32, writeHostU64 } from './byte-order.js';

export const CMSG_HEADER_LENGTH = 16;
export const CMSG_ALIGNMENT = 8;

export interface Cmsg {
  level: number;
  type: number;
  data: Buffer;
}

const align = (n: number) => (n + CMSG_ALIGNMENT - 1) & ~(CMSG_ALIGNMENT - 1);

/** CMSG_SPACE(dataLength): the bytes one cmsg occupies in a control buffer. */
export function cmsgSpace(dataLength: number): number {
  return CMSG_HEADER_LENGTH + align(dataLength);
}

export function parseCmsgs(control: Uint8Array): Cmsg[] {
  const buf = Buffer.from(control.buffer, control.byteOffset, control.byteLength);
  const out: Cmsg[] = [];
  let offset = 0;
  while (offset + CMSG_HEADER_LENGTH <= buf.length) {
    const length = readHostU64(buf, offset);
    if (length < CMSG_HEADER_LENGTH || offset + length > buf.length) {
      throw new RangeError(`malformed control message at byte ${offset}: cmsg_len ${length} with ${buf.length - offset} bytes left`);
    }
    out.push({
      level: readHostI32(buf, offset + 8),
      type: readHostI32(buf, offset + 12),
      data: Buffer.from(buf.subarray(offset + CMSG_HEADER_LENGTH, offset + length)),
    });
    offset += align(length);
  }
  return out;
}

export function buildCmsgs(cmsgs: readonly Cmsg[]): Buffer {
  const buf = Buffer.alloc(cmsgs.reduce((n, c) => n + cmsgSpace(c.data.length), 0));
  let offset = 0;
  for (const c of cmsgs) {
    writeHostU64(buf, CMSG_HEADER_LENGTH + c.data.length, offset);
    writeHostI32(buf, c.level, offset + 8);
    writeHostI32(buf, c.type, offset + 12);
    c.data.copy(buf, offset + CMSG_HEADER_LENGTH);
    offset += cmsgSpace(c.data.length);
  }
  return buf;
}

export interface InPktinfo {
  ifindex: number;
  /** ipi_spec_dst: on receive the local address the route chose; on send the source. */
  specDestination: string;
  /** ipi_addr: on receive the header's destination address (224.0.0.18 for VRRP). */
  destination: string;
}

export interface In6Pktinfo {
  /** On receive the destination address; on send the source to use. */
  address: string;
  ifindex: number;
}

/**
 * IP_PKTINFO for sendmsg: send out of ifindex (0: let routing choose) with the
 * given source address (omitted: the kernel picks one).
 */
export function ipPktinfo(options: { ifindex?: number; source?: string }): Cmsg {
  const data = Buffer.alloc(12);
  writeHostI32(data, options.ifindex ?? 0, 0);
  if (options.source) parseIPv4(options.source).copy(data, 4);
  return { level: IPPROTO_IP, type: IP_PKTINFO, data };
}

/** IPV6_PKTINFO for sendmsg: source address (omitted: the kernel picks) and outgoing ifindex. */
export function ipv6Pktinfo(options: { ifindex?: number; source?: string }): Cmsg {
  const data = Buffer.alloc(20);
  if (options.source) parseIPv6(options.source).copy(data, 0);
  writeHostI32(data, options.ifindex ?? 0, 16);
  return { level: IPPROTO_IPV6, type: IPV6_PKTINFO, data };
}

/** IP_TTL for sendmsg: the TTL of this one packet. */
export function ipTtl(ttl: number): Cmsg {
  return { level: IPPROTO_IP, type: IP_TTL, data: intData(ttl, 1, 255, 'TTL') };
}

/** IPV6_HOPLIMIT for sendmsg: the hop limit of this one packet. */
export function ipv6HopLimit(hopLimit: number): Cmsg {
  return { level: IPPROTO_IPV6, type: IPV6_HOPLIMIT, data: intData(hopLimit, 0, 255, 'hop limit') };
}

function intData(value: number, min: number, max: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} ${value} is not in ${min}..${max}`);
  const data = Buffer.alloc(4);
  writeHostI32(data, value, 0);
  return data;
}

export function decodeInPktinfo(data: Buffer): InPktinfo {
  if (data.length < 12) throw new RangeError(`in_pktinfo needs 12 bytes, got ${data.length}`);
  return { ifindex: readHostI32(data, 0), specDestination: formatIPv4(data, 4), destination: formatIPv4(data, 8) };
}

export function decodeIn6Pktinfo(data: Buffer): In6Pktinfo {
  if (data.length < 20) throw new RangeError(`in6_pktinfo needs 20 bytes, got ${data.length}`);
  return { address: formatIPv6(data, 0), ifindex: readHostU32(data, 16) };
}

export function decodeInt(data: Buffer): number {
  if (data.length < 4) throw new RangeError(`an int cmsg needs 4 bytes, got ${data.length}`);
  return readHostI32(data, 0);
}

/** What the IP-level cmsgs say about one received packet; absent fields were not reported. */
export interface PacketInfo {
  /** Incoming interface (IP_PKTINFO / IPV6_PKTINFO). */
  ifindex?: number;
  /** Destination address of the packet (IP_PKTINFO ipi_addr / IPV6_PKTINFO). */
  destination?: string;
  /** IPv4 TTL (IP_TTL). */
  ttl?: number;
  /** IPv6 hop limit (IPV6_HOPLIMIT). */
  hopLimit?: number;
}

export function summarizeCmsgs(cmsgs: readonly Cmsg[]): PacketInfo {
  const info: PacketInfo = {};
  for (const c of cmsgs) {
    if (c.level === IPPROTO_IP && c.type === IP_PKTINFO) {
      const p = decodeInPktinfo(c.data);
      info.ifindex = p.ifindex;
      info.destination = p.destination;
    } else if (c.level === IPPROTO_IP && c.type === IP_TTL) {
      info.ttl = decodeInt(c.data);
    } else if (c.level === IPPROTO_IPV6 && c.type === IPV6_PKTINFO) {
      const p = decodeIn6Pktinfo(c.data);
      info.ifindex = p.ifindex;
      info.destination = p.address;
    } else if (c.level === IPPROTO_IPV6 && c.type === IPV6_HOPLIMIT) {
      info.hopLimit = decodeInt(c.data);
    }
  }
  return info;
}

