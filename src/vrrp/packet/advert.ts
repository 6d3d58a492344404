/**
 * VRRP advertisement codec: VRRPv2 (RFC 3768 §5) and VRRPv3 (RFC 5798 §5), IPv4 and IPv6.
 *
 *      0                   1                   2                   3
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |Version| Type  | Virtual Rtr ID|   Priority    | Count IPvX Addr|
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  v2 |   Auth Type   |   Adver Int   |          Checksum             |
 *  v3 |(rsvd) |     Max Adver Int     |          Checksum             |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |                  IPvX Address(es) (Count of them)             |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  v2 |             Authentication Data (8 bytes, IPv4 only)          |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The codec speaks wire units (v2 seconds, v3 centiseconds; see interval.ts for the
 * converters to milliseconds) and wire numbers (auth type 0/1/2), and stays pure: the caller
 * supplies the addresses the checksum's pseudo-header needs.
 *
 * Checksums, as keepalived computes them (vrrp.c vrrp_build_vrrp_v2/v3, vrrp_check_packet):
 * - VRRPv2 over IPv4: the Internet checksum of the VRRP message alone (RFC 3768 §5.3.8),
 *   authentication data included.
 * - VRRPv3 over IPv4: with the IPv4 pseudo-header (RFC 5798 §5.2.8), unless the
 *   `v3_checksum_as_v2` option asks for the message alone (what some Cisco/Juniper releases
 *   send; RFC 9568 §5.2.8 documents the quirk).
 * - Over IPv6 (always VRRPv3 in practice): with the IPv6 pseudo-header (RFC 8200 §8.1). The
 *   kernel computes and verifies it when the socket sets IPV6_CHECKSUM, as keepalived's does;
 *   the codec computes the same value so tests and forged packets can be checked.
 *
 * Decoding never throws: a buffer that is not an advertisement gives `{ ok: false, error }`.
 * Encoding throws PacketError for values the wire cannot carry.
 */

import {
  AddressFamily, DecodeResult, PacketError, addressLength, checksumAdd, checksumFinish, formatAddress,
  ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, addressBytes,
} from './inet.js';

export const IPPROTO_VRRP = 112;
export const VRRP_TYPE_ADVERTISEMENT = 1;
export const VRRP_HEADER_LENGTH = 8;
export const VRRP_AUTH_DATA_LENGTH = 8;
export const VRRP_MULTICAST_IPV4 = '224.0.0.18'; // RFC 5798 §5.1.1.2
export const VRRP_MULTICAST_IPV6 = 'ff02::12'; // RFC 5798 §5.1.2.2
export const VRRP_TTL = 255; // RFC 5798 §5.1.1.3, §5.1.2.3

/** RFC 3768 §5.3.6 authentication types (VRRPv2 only; RFC 2338 defined AH). */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
export type AuthTypeName = 'none' | 'pass' | 'ah';
export const AUTH_TYPE_NUMBERS: Readonly<Record<AuthTypeName, number>> = { none: AUTH_NONE, pass: AUTH_PASS, ah: AUTH_AH };

export type VrrpVersion = 2 | 3;

interface AdvertCommon {
  readonly vrid: number;
  readonly priority: number;
  /** Virtual addresses in advert order, as text. */
  readonly addresses: readonly string[];
  /** Packet type; 1 (ADVERTISEMENT) when omitted. Other values exist only in forged packets. */
  readonly type?: number;
  /** When set, encode writes this value instead of computing the checksum (forging bad packets). */
  readonly checksum?: number;
}

export interface VrrpV2Advert extends AdvertCommon {
  readonly version: 2;
  /** Wire auth type (0 none, 1 PASS, 2 AH). */
  readonly authType: number;
  /** Wire "Adver Int": whole seconds. */
  readonly advertIntervalSeconds: number;
  /** The 8 authentication bytes (IPv4 only): the PASS password or zeros. Zeros when omitted. */
  readonly authData?: Uint8Array;
}

export interface VrrpV3Advert extends AdvertCommon {
  readonly version: 3;
  /** Wire "Max Adver Int": centiseconds, 12 bits. */
  readonly advertIntervalCentiseconds: number;
  /** The 4 reserved bits ahead of the interval; 0 when omitted (RFC 5798 §5.2.6). */
  readonly reserved?: number;
}

export type VrrpAdvert = VrrpV2Advert | VrrpV3Advert;

/** A decoded advertisement: the advert plus the checksum that was on the wire. */
export type DecodedAdvert = (VrrpV2Advert & { readonly checksum: number; readonly authData: Buffer })
  | (VrrpV3Advert & { readonly checksum: number; readonly reserved: number });

/** What the checksum covers besides the message: family, pseudo-header addresses, quirks. */
export interface ChecksumContext {
  readonly family: AddressFamily;
  /** IP source address; needed for the pseudo-header (v3 IPv4, and IPv6). */
  readonly source?: string;
  /** IP destination address (multicast group or unicast peer); pseudo-header too. */
  readonly destination?: string;
  /** keepalived's `v3_checksum_as_v2`: VRRPv3 over IPv4 without the pseudo-header. */
  readonly v3ChecksumAsV2?: boolean;
}

/** The raw first 8 bytes, before anything is known to be valid (for the receive guards). */
export interface VrrpHeaderFields {
  readonly version: number;
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  readonly addressCount: number;
  /** v2: auth type. v3: reserved nibble and the high nibble of the interval. */
  readonly byte4: number;
  /** v2: advert interval in seconds. v3: the low byte of the interval. */
  readonly byte5: number;
  readonly checksum: number;
}

/** Reads the fixed header, or undefined when fewer than 8 bytes remain. */
export function readVrrpHeader(buf: Uint8Array, offset = 0, end = buf.length): VrrpHeaderFields | undefined {
  if (offset < 0 || end - offset < VRRP_HEADER_LENGTH) return undefined;
  const b = (i: number): number => buf[offset + i] as number;
  return {
    version: b(0) >> 4,
    type: b(0) & 0x0f,
    vrid: b(1),
    priority: b(2),
    addressCount: b(3),
    byte4: b(4),
    byte5: b(5),
    checksum: (b(6) << 8) | b(7),
  };
}

/** The v3 interval field (centiseconds) of a raw header. */
export function v3IntervalOf(h: VrrpHeaderFields): number {
  return ((h.byte4 & 0x0f) << 8) | h.byte5;
}

/** Bytes of a VRRP message with `addressCount` addresses (no IP or AH header). */
export function vrrpMessageLength(version: number, family: AddressFamily, addressCount: number): number {
  const auth = version === 2 && family === 'inet' ? VRRP_AUTH_DATA_LENGTH : 0;
  return VRRP_HEADER_LENGTH + addressCount * addressLength(family) + auth;
}

export function encodingLength(advert: VrrpAdvert, family: AddressFamily): number {
  return vrrpMessageLength(advert.version, family, advert.addresses.length);
}

/** The password's authentication data: its first 8 bytes, zero padded (RFC 3768 §5.3.10). */
export function passwordAuthData(password: string): Buffer {
  const out = Buffer.alloc(VRRP_AUTH_DATA_LENGTH);
  Buffer.from(password, 'utf8').copy(out, 0, 0, VRRP_AUTH_DATA_LENGTH);
  return out;
}

function usesPseudoHeader(version: number, ctx: ChecksumContext): boolean {
  if (ctx.family === 'inet6') return true;
  return version === 3 && !ctx.v3ChecksumAsV2;
}

/**
 * The checksum of a VRRP message as it should appear on the wire. The message's own
 * checksum field is treated as zero, so this works on received messages too.
 */
export function computeAdvertChecksum(message: Uint8Array, version: number, ctx: ChecksumContext): number {
  let sum = 0;
  if (usesPseudoHeader(version, ctx)) {
    if (ctx.source === undefined || ctx.destination === undefined) {
      throw new PacketError(`the VRRPv${version} ${ctx.family} checksum needs the source and destination addresses`);
    }
    sum = ctx.family === 'inet'
      ? ipv4PseudoHeaderSum(ctx.source, ctx.destination, IPPROTO_VRRP, message.length)
      : ipv6PseudoHeaderSum(ctx.source, ctx.destination, IPPROTO_VRRP, message.length);
  }
  sum = checksumAdd(sum, message, 0, 6);
  sum = checksumAdd(sum, message, 8, message.length);
  return checksumFinish(sum);
}

function checkRange(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new PacketError(`${name} must be an integer in 0..${max}, got ${value}`);
}

/** Encodes an advertisement; writes into `buf` at `offset` when given. */
export function encodeAdvert(advert: VrrpAdvert, ctx: ChecksumContext, buf?: Buffer, offset = 0): Buffer {
  const family = ctx.family;
  const length = encodingLength(advert, family);
  const out = buf ?? Buffer.alloc(length + offset);
  if (out.length - offset < length) throw new PacketError(`buffer too small for a ${length}-byte advertisement`);
  const msg = out.subarray(offset, offset + length);
  msg.fill(0);

  const type = advert.type ?? VRRP_TYPE_ADVERTISEMENT;
  checkRange('type', type, 15);
  checkRange('vrid', advert.vrid, 255);
  checkRange('priority', advert.priority, 255);
  if (advert.addresses.length > 255) throw new PacketError(`at most 255 addresses fit in an advertisement, got ${advert.addresses.length}`);

  msg[0] = (advert.version << 4) | type;
  msg[1] = advert.vrid;
  msg[2] = advert.priority;
  msg[3] = advert.addresses.length;
  if (advert.version === 2) {
    checkRange('auth type', advert.authType, 255);
    checkRange('VRRPv2 advertisement interval (s)', advert.advertIntervalSeconds, 255);
    msg[4] = advert.authType;
    msg[5] = advert.advertIntervalSeconds;
  } else if (advert.version === 3) {
    checkRange('VRRPv3 advertisement interval (cs)', advert.advertIntervalCentiseconds, 0x0fff);
    const reserved = advert.reserved ?? 0;
    checkRange('reserved bits', reserved, 15);
    msg.writeUInt16BE((reserved << 12) | advert.advertIntervalCentiseconds, 4);
  } else {
    throw new PacketError(`VRRP version must be 2 or 3, got ${(advert as { version: unknown }).version}`);
  }

  const alen = addressLength(family);
  advert.addresses.forEach((a, i) => addressBytes(a, family).copy(msg, VRRP_HEADER_LENGTH + i * alen));

  if (advert.version === 2 && family === 'inet' && advert.authData !== undefined) {
    if (advert.authData.length !== VRRP_AUTH_DATA_LENGTH) throw new PacketError(`authentication data must be 8 bytes, got ${advert.authData.length}`);
    msg.set(advert.authData, length - VRRP_AUTH_DATA_LENGTH);
  }

  if (advert.checksum !== undefined) checkRange('checksum', advert.checksum, 0xffff);
  msg.writeUInt16BE(advert.checksum ?? computeAdvertChecksum(msg, advert.version, ctx), 6);
  return out;
}

/**
 * Decodes the advertisement at `offset`. The message length is taken from the address
 * count; bytes after it are not consumed (the receive guards decide whether extra bytes are
 * an error). Never throws.
 */
export function decodeAdvert(buf: Uint8Array, family: AddressFamily, offset = 0, end = buf.length): DecodeResult<DecodedAdvert> {
  const h = readVrrpHeader(buf, offset, end);
  if (!h) return { ok: false, error: `truncated: ${Math.max(0, end - offset)} bytes, a VRRP header needs ${VRRP_HEADER_LENGTH}` };
  if (h.version !== 2 && h.version !== 3) return { ok: false, error: `unknown VRRP version ${h.version}` };
  const length = vrrpMessageLength(h.version, family, h.addressCount);
  if (end - offset < length) return { ok: false, error: `truncated: ${end - offset} bytes, ${h.addressCount} address(es) need ${length}` };

  const alen = addressLength(family);
  const addresses: string[] = [];
  for (let i = 0; i < h.addressCount; i++) addresses.push(formatAddress(buf, offset + VRRP_HEADER_LENGTH + i * alen, family));

  if (h.version === 2) {
    const authData = Buffer.alloc(family === 'inet' ? VRRP_AUTH_DATA_LENGTH : 0);
    if (family === 'inet') authData.set(buf.subarray(offset + length - VRRP_AUTH_DATA_LENGTH, offset + length));
    return {
      ok: true,
      bytes: length,
      value: {
        version: 2, type: h.type, vrid: h.vrid, priority: h.priority, addresses,
        authType: h.byte4, advertIntervalSeconds: h.byte5, authData, checksum: h.checksum,
      },
    };
  }
  return {
    ok: true,
    bytes: length,
    value: {
      version: 3, type: h.type, vrid: h.vrid, priority: h.priority, addresses,
      advertIntervalCentiseconds: v3IntervalOf(h), reserved: h.byte4 >> 4, checksum: h.checksum,
    },
  };
}
