/**
 * IPsec Authentication Header for VRRPv2 `auth_type AH`, as keepalived implements it
 * (vrrp.c vrrp_build_ipsecah, vrrp_update_pkt, vrrp_in_chk_ipsecah; vrrp_ipsecah.c), so
 * that keepalived accepts our adverts and we accept its adverts.
 *
 * RFC 2338 §5.3.6.3 let VRRPv2 use AH (RFC 2402) with HMAC-MD5-96 (RFC 2403); RFC 3768
 * removed it, but keepalived still speaks it. The datagram is
 *
 *     IPv4 header (protocol 51) | AH (24 bytes) | VRRPv2 message (auth type 2, zero auth data)
 *
 *      0                   1                   2                   3
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     | Next Header=112| Payload Len=4 |          RESERVED             |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |       Security Parameters Index = the sender's IPv4 address   |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |                    Sequence Number                            |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |      ICV: HMAC-MD5 truncated to 96 bits (12 bytes)            |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * keepalived's particulars, all reproduced here:
 * - Payload Len is 4 (RFC 2402 §2.2: 32-bit words minus 2 for a 96-bit ICV).
 * - The SPI is the sender's IPv4 source address (no SA negotiation in multicast), and the
 *   receiver rejects an AH whose SPI differs from the IP source.
 * - The HMAC key is the 8-byte auth_pass field (the password's first 8 bytes, zero padded).
 * - The ICV covers the IP header with TOS, flags+fragment offset and header checksum zeroed —
 *   and the TTL zeroed only for unicast instances (a multicast TTL is 255 by rule); options
 *   are covered unchanged — then the AH with the ICV zeroed, then the VRRP message.
 * - Sequence numbers: one counter per instance serves both directions. Sending increments it
 *   first (so the first advert carries 1) and stops at 0xFFFFFFFE, marking the counter
 *   "cycled"; receiving accepts only a number above the counter and raises the counter to it
 *   (anti-replay). A MASTER that hears a lower-priority advert jumps to that advert's number
 *   + 1, and becoming MASTER with a cycled counter restarts it from 0. (These FSM-side rules
 *   live in AhSequenceCounter below; the instance calls them.)
 */

import { createHmac } from 'node:crypto';
import { DecodeResult, PacketError, addressBytes } from './inet.js';
import { IPPROTO_VRRP, passwordAuthData } from './advert.js';

export const IPPROTO_AH = 51;
export const AH_ICV_LENGTH = 12; // HMAC-MD5-96 (RFC 2403 §2)
export const AH_HEADER_LENGTH = 12 + AH_ICV_LENGTH;
export const AH_PAYLOAD_LENGTH = 4; // (24 bytes / 4) - 2, RFC 2402 §2.2
export const AH_MAX_SEQUENCE = 0xfffffffe;

export interface AhHeader {
  readonly nextHeader: number;
  readonly payloadLength: number;
  readonly reserved: number;
  readonly spi: number;
  readonly sequence: number;
  readonly icv: Buffer;
}

export function decodeAh(buf: Uint8Array, offset = 0, end = buf.length): DecodeResult<AhHeader> {
  if (end - offset < AH_HEADER_LENGTH) return { ok: false, error: `truncated: ${Math.max(0, end - offset)} bytes, the AH header needs ${AH_HEADER_LENGTH}` };
  const view = Buffer.from(buf.buffer, buf.byteOffset + offset, AH_HEADER_LENGTH);
  return {
    ok: true,
    bytes: AH_HEADER_LENGTH,
    value: {
      nextHeader: view[0] as number,
      payloadLength: view[1] as number,
      reserved: view.readUInt16BE(2),
      spi: view.readUInt32BE(4),
      sequence: view.readUInt32BE(8),
      icv: Buffer.from(view.subarray(12, AH_HEADER_LENGTH)),
    },
  };
}

export interface AhHeaderInit {
  readonly spi: number;
  readonly sequence: number;
  /** Zeros when omitted (the state the ICV is computed over). */
  readonly icv?: Uint8Array;
  readonly nextHeader?: number;
}

export function encodeAh(h: AhHeaderInit, buf?: Buffer, offset = 0): Buffer {
  const out = buf ?? Buffer.alloc(offset + AH_HEADER_LENGTH);
  if (out.length - offset < AH_HEADER_LENGTH) throw new PacketError('buffer too small for the AH header');
  for (const [name, v] of [['spi', h.spi], ['sequence', h.sequence]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new PacketError(`AH ${name} must be a 32-bit unsigned integer, got ${v}`);
  }
  out[offset] = h.nextHeader ?? IPPROTO_VRRP;
  out[offset + 1] = AH_PAYLOAD_LENGTH;
  out.writeUInt16BE(0, offset + 2);
  out.writeUInt32BE(h.spi, offset + 4);
  out.writeUInt32BE(h.sequence, offset + 8);
  const icv = h.icv ?? new Uint8Array(AH_ICV_LENGTH);
  if (icv.length !== AH_ICV_LENGTH) throw new PacketError(`AH ICV must be ${AH_ICV_LENGTH} bytes, got ${icv.length}`);
  out.set(icv, offset + 12);
  return out;
}

/** The SPI keepalived uses: the sender's IPv4 address read as a big-endian number. */
export function spiForSource(source: string): number {
  return addressBytes(source, 'inet').readUInt32BE(0);
}

/** The HMAC key: the auth_pass field, 8 bytes (first 8 bytes of the password, zero padded). */
export function ahKey(password: string): Buffer {
  return passwordAuthData(password);
}

/**
 * HMAC-MD5-96 over an AH-protected IPv4 datagram (IP header at `packet[0]`, AH right after
 * it, then the VRRP message to the end of `packet`). The ICV field and the mutable IP fields
 * are treated as zero, so this works for building and for checking.
 */
export function computeAhIcv(packet: Uint8Array, key: Uint8Array, zeroTtl: boolean): Buffer {
  const ihl = ((packet[0] as number) & 0x0f) * 4;
  if (packet.length < ihl + AH_HEADER_LENGTH) throw new PacketError('datagram too short for an AH-protected advert');
  const head = Buffer.from(packet.subarray(0, ihl + AH_HEADER_LENGTH));
  head[1] = 0; // TOS
  head[6] = 0; // flags + fragment offset
  head[7] = 0;
  head[10] = 0; // header checksum
  head[11] = 0;
  if (zeroTtl) head[8] = 0;
  head.fill(0, ihl + 12, ihl + AH_HEADER_LENGTH); // the ICV itself
  const hmac = createHmac('md5', key);
  hmac.update(head);
  hmac.update(packet.subarray(ihl + AH_HEADER_LENGTH));
  return hmac.digest().subarray(0, AH_ICV_LENGTH);
}

/**
 * The per-instance AH sequence counter, shared by sending and receiving as in keepalived
 * (vrrp_t.ipsecah_counter). Pure state; the instance FSM drives it.
 */
export class AhSequenceCounter {
  /** Last number sent or accepted. */
  sequence = 0;
  /** Set when sending reached the top of the number space. */
  cycled = false;

  /** The number for the next advert we send (keepalived: increment, stop below 2^32-1). */
  nextForSend(): number {
    if (this.sequence >= AH_MAX_SEQUENCE) this.cycled = true;
    else this.sequence += 1;
    return this.sequence;
  }

  /** Anti-replay (RFC 2402 §3.4.3 in keepalived's simplified form): newer than anything seen. */
  isFresh(received: number): boolean {
    return received > this.sequence;
  }

  /** A received advert passed every AH check: remember its number. */
  accept(received: number, asBackup: boolean): void {
    if (received > this.sequence) this.sequence = received;
    // keepalived clears "cycled" when a BACKUP hears a MASTER at or past our number.
    if (asBackup && received >= this.sequence) this.cycled = false;
  }

  /** A MASTER heard a lower-priority advert: continue above the other sender's numbers. */
  syncAbove(received: number): void {
    this.sequence = received >= 0xffffffff ? 0xffffffff : received + 1;
    this.cycled = false;
  }

  /** Becoming MASTER: a cycled counter starts again from 0. */
  onBecomingMaster(): void {
    if (this.cycled) {
      this.cycled = false;
      this.sequence = 0;
    }
  }

  /** A higher-priority MASTER took over from us. */
  onLosingToHigherPriority(): void {
    this.cycled = false;
  }
}
