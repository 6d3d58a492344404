/**
 * IPv4 and IPv6 header views for VRRP.
 *
 * Receiving: a raw IPv4 socket (AF_INET, SOCK_RAW, IPPROTO_VRRP or IPPROTO_AH) delivers the
 * whole datagram from the IP header on, so the TTL, protocol, addresses, total length and
 * any options come from here (keepalived reads them the same way in vrrp_dispatcher_read and
 * vrrp_check_packet). A raw IPv6 socket delivers only the payload: the hop limit and
 * destination come from ancillary data (IPV6_HOPLIMIT, IPV6_PKTINFO), so the IPv6 view below
 * is only for captures and AF_PACKET users.
 *
 * Sending: keepalived sets IP_HDRINCL on its IPv4 send socket (vrrp_if.c) and builds the
 * header itself — TOS 0xc0 (network control), its own incrementing IP ID, TTL 255 (or
 * unicast_ttl) — because the IPsec-AH ICV covers the header and must be computed over the
 * exact ID and length the peer will see. We do the same; with IP_HDRINCL the kernel still
 * fills in the header checksum (and the ID when it is 0), which is why keepalived never
 * lets the ID be 0.
 */

import { DecodeResult, PacketError, addressBytes, formatAddress, internetChecksum } from './inet.js';

export const IPV4_MIN_HEADER_LENGTH = 20;
export const IPV6_HEADER_LENGTH = 40;
/** DSCP CS6 "network control", the TOS keepalived puts on every advert. */
export const TOS_NETWORK_CONTROL = 0xc0;

export interface Ipv4Header {
  /** Header length in bytes (IHL × 4), options included. */
  readonly headerLength: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly id: number;
  /** The 3 flag bits (bit 1 = DF, bit 0 = MF). */
  readonly flags: number;
  /** In 8-byte units, as on the wire. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly source: string;
  readonly destination: string;
  readonly options: Buffer;
}

/** Decodes the IPv4 header at `offset`; never throws. */
export function decodeIpv4Header(buf: Uint8Array, offset = 0, end = buf.length): DecodeResult<Ipv4Header> {
  const available = end - offset;
  if (available < IPV4_MIN_HEADER_LENGTH) return { ok: false, error: `truncated: ${Math.max(0, available)} bytes, an IPv4 header needs 20` };
  const b0 = buf[offset] as number;
  if (b0 >> 4 !== 4) return { ok: false, error: `IP version ${b0 >> 4}, expected 4` };
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) return { ok: false, error: `IPv4 header length ${headerLength} < 20` };
  if (available < headerLength) return { ok: false, error: `truncated: ${available} bytes, the IPv4 header says ${headerLength}` };
  const u16 = (i: number): number => ((buf[offset + i] as number) << 8) | (buf[offset + i + 1] as number);
  const flagsFrag = u16(6);
  return {
    ok: true,
    bytes: headerLength,
    value: {
      headerLength,
      tos: buf[offset + 1] as number,
      totalLength: u16(2),
      id: u16(4),
      flags: flagsFrag >> 13,
      fragmentOffset: flagsFrag & 0x1fff,
      ttl: buf[offset + 8] as number,
      protocol: buf[offset + 9] as number,
      checksum: u16(10),
      source: formatAddress(buf, offset + 12, 'inet'),
      destination: formatAddress(buf, offset + 16, 'inet'),
      options: Buffer.from(buf.subarray(offset + IPV4_MIN_HEADER_LENGTH, offset + headerLength)),
    },
  };
}

export interface Ipv4HeaderInit {
  readonly tos?: number;
  /** Bytes of header + payload. */
  readonly totalLength: number;
  readonly id: number;
  readonly flags?: number;
  readonly fragmentOffset?: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly source: string;
  readonly destination: string;
  /** Options, a multiple of 4 bytes, at most 40. */
  readonly options?: Uint8Array;
  /** Written as-is when given (forging); otherwise computed. */
  readonly checksum?: number;
}

export function ipv4HeaderLength(h: Pick<Ipv4HeaderInit, 'options'>): number {
  return IPV4_MIN_HEADER_LENGTH + (h.options?.length ?? 0);
}

/** Encodes an IPv4 header (with its checksum) into `buf` at `offset`, or a new buffer. */
export function encodeIpv4Header(h: Ipv4HeaderInit, buf?: Buffer, offset = 0): Buffer {
  const options = h.options ?? new Uint8Array(0);
  if (options.length % 4 !== 0 || options.length > 40) throw new PacketError(`IPv4 options must be a multiple of 4 bytes up to 40, got ${options.length}`);
  const len = IPV4_MIN_HEADER_LENGTH + options.length;
  const out = buf ?? Buffer.alloc(offset + len);
  if (out.length - offset < len) throw new PacketError('buffer too small for the IPv4 header');
  const check = (name: string, v: number, max: number): number => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new PacketError(`IPv4 ${name} must be an integer in 0..${max}, got ${v}`);
    return v;
  };
  out[offset] = 0x40 | (len / 4);
  out[offset + 1] = check('tos', h.tos ?? 0, 255);
  out.writeUInt16BE(check('total length', h.totalLength, 0xffff), offset + 2);
  out.writeUInt16BE(check('id', h.id, 0xffff), offset + 4);
  out.writeUInt16BE((check('flags', h.flags ?? 0, 7) << 13) | check('fragment offset', h.fragmentOffset ?? 0, 0x1fff), offset + 6);
  out[offset + 8] = check('ttl', h.ttl, 255);
  out[offset + 9] = check('protocol', h.protocol, 255);
  out.writeUInt16BE(0, offset + 10);
  addressBytes(h.source, 'inet').copy(out, offset + 12);
  addressBytes(h.destination, 'inet').copy(out, offset + 16);
  out.set(options, offset + IPV4_MIN_HEADER_LENGTH);
  const sum = h.checksum ?? internetChecksum(out, offset, offset + len);
  out.writeUInt16BE(check('checksum', sum, 0xffff), offset + 10);
  return out;
}

export interface Ipv6Header {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: string;
  readonly destination: string;
}

/** Decodes a fixed IPv6 header (extension headers are not walked); never throws. */
export function decodeIpv6Header(buf: Uint8Array, offset = 0, end = buf.length): DecodeResult<Ipv6Header> {
  if (end - offset < IPV6_HEADER_LENGTH) return { ok: false, error: `truncated: ${Math.max(0, end - offset)} bytes, an IPv6 header needs 40` };
  const b = (i: number): number => buf[offset + i] as number;
  if (b(0) >> 4 !== 6) return { ok: false, error: `IP version ${b(0) >> 4}, expected 6` };
  return {
    ok: true,
    bytes: IPV6_HEADER_LENGTH,
    value: {
      trafficClass: ((b(0) & 0x0f) << 4) | (b(1) >> 4),
      flowLabel: ((b(1) & 0x0f) << 16) | (b(2) << 8) | b(3),
      payloadLength: (b(4) << 8) | b(5),
      nextHeader: b(6),
      hopLimit: b(7),
      source: formatAddress(buf, offset + 8, 'inet6'),
      destination: formatAddress(buf, offset + 24, 'inet6'),
    },
  };
}

/**
 * Writes `id` into the IPv4 header at the start of `bytes` and recomputes its checksum
 * (keepalived vrrp_update_pkt does the same to its prebuilt packet); returns `bytes`.
 */
export function stampIpv4Id(bytes: Buffer, id: number): Buffer {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new PacketError(`IPv4 id must be an integer in 0..65535, got ${id}`);
  const headerLength = ((bytes[0] as number) & 0x0f) * 4;
  if (bytes.length < headerLength || headerLength < IPV4_MIN_HEADER_LENGTH) throw new PacketError('not an IPv4 header');
  bytes.writeUInt16BE(id, 4);
  bytes.writeUInt16BE(0, 10);
  bytes.writeUInt16BE(internetChecksum(bytes, 0, headerLength), 10);
  return bytes;
}
