/**
 * Whole advert datagrams: what goes into a send socket and what comes out of a receive socket.
 *
 * Sending (keepalived vrrp_build_pkt / vrrp_update_pkt / vrrp_send_adv):
 * - IPv4: the send socket uses IP_HDRINCL, so the bytes handed to sendmsg() are
 *   IPv4 header [+ AH] + VRRP. keepalived keeps one IP ID counter per instance, bumped once
 *   per advert (0 is skipped, since the kernel would replace it) — the same ID goes to every
 *   unicast peer — and one AH sequence number per advert, likewise shared by all peers. The
 *   VRRPv3 checksum and the AH ICV depend on the destination, so each peer gets its own bytes.
 * - IPv6: the kernel builds the IPv6 header; the bytes are the VRRP message alone. The
 *   checksum is filled in here when the source address is known, though a socket with
 *   IPV6_CHECKSUM (offset 6) makes the kernel recompute it anyway.
 *
 * Built once, stamped per advert (keepalived vrrp_build_pkt once, vrrp_update_pkt per send):
 * without AH the bytes of an instance's advert change only with its priority, source,
 * destinations or checksum destination, so the last datagrams built are kept and reused;
 * IPv4 copies get the next IP ID and a fresh header checksum (`buildForSend` stamps the kept
 * bytes in place instead, for the socket's immediate copy). `prepare` builds them ahead —
 * a BACKUP does so for the advert it will send on taking over, which then costs a copy
 * rather than the encoders (RFC 5798 §6.4.2: the new MASTER's first advert goes at once).
 * AH adverts are built whole every time: the ICV covers the ID and the sequence number.
 *
 * Receiving: `locateVrrp` finds the VRRP message inside what a raw socket returned (after the
 * IPv4 header, and after the AH when the protocol is 51), so a dispatcher can demultiplex by
 * VRID before the instance's receive guards look at the rest. It never throws.
 */

import {
  AUTH_AH, AUTH_NONE, AUTH_PASS, IPPROTO_VRRP, VRRP_HEADER_LENGTH, VrrpAdvert, VrrpVersion,
  encodeAdvert, encodingLength, passwordAuthData,
} from './advert.js';
import { AddressFamily, PacketError, familyOf } from './inet.js';
import { IPV4_MIN_HEADER_LENGTH, TOS_NETWORK_CONTROL, decodeIpv4Header, encodeIpv4Header, stampIpv4Id } from './ip-header.js';
import { AH_HEADER_LENGTH, IPPROTO_AH, ahKey, computeAhIcv, encodeAh, spiForSource } from './ipsec-ah.js';
import { msToV2Seconds, msToV3Centiseconds } from './interval.js';

export type AdvertAuth =
  | { readonly type: 'none' }
  | { readonly type: 'pass'; readonly password: string }
  | { readonly type: 'ah'; readonly password: string };

/** What stays the same from one advert of an instance to the next. */
export interface AdvertTemplate {
  readonly version: VrrpVersion;
  readonly family: AddressFamily;
  readonly vrid: number;
  /** Virtual addresses carried in the advert (not virtual_ipaddress_excluded). */
  readonly addresses: readonly string[];
  /** The configured advert_int, in ms (a whole number of wire units). */
  readonly advertIntervalMs: number;
  /** Authentication (VRRPv2 over IPv4 only). */
  readonly auth: AdvertAuth;
  /** IPv4 TTL / IPv6 hop limit: 255, or unicast_ttl. */
  readonly ttl: number;
  /** Unicast instance: the AH ICV then covers a zero TTL. */
  readonly unicast: boolean;
  readonly v3ChecksumAsV2?: boolean;
  /**
   * IPv4 VRRPv3: the address the checksum's pseudo-header names instead of each destination —
   * the multicast group, as keepalived ≤ 1.3.6 did for unicast (old_unicast_checksum).
   */
  readonly checksumDestination?: string;
}

export interface AdvertToSend {
  readonly priority: number;
  /** Our source address (unicast_src_ip / mcast_src_ip / the interface's primary address). */
  readonly source: string | undefined;
  /** The multicast group, or each unicast peer. */
  readonly destinations: readonly string[];
  /** The AH sequence number for this advert (from the instance's AhSequenceCounter). */
  readonly ahSequence?: number;
}

export interface BuiltDatagram {
  readonly destination: string;
  /** IPv4: the whole datagram for an IP_HDRINCL socket. IPv6: the VRRP message. */
  readonly bytes: Buffer;
}

interface BuildKey {
  readonly priority: number;
  readonly source: string | undefined;
  readonly destinations: readonly string[];
  readonly checksumDestination: string | undefined;
}

/** Whether `kept` was built for `send` (compared field by field: this runs for every advert sent). */
function builtFor(kept: BuildKey, send: Omit<AdvertToSend, 'ahSequence'>, checksumDestination: string | undefined): boolean {
  return kept.priority === send.priority && kept.source === send.source && kept.checksumDestination === checksumDestination
    && kept.destinations.length === send.destinations.length && kept.destinations.every((d, i) => d === send.destinations[i]);
}

function authTypeNumber(auth: AdvertAuth): number {
  return auth.type === 'ah' ? AUTH_AH : auth.type === 'pass' ? AUTH_PASS : AUTH_NONE;
}

/**
 * Builds an instance's adverts. Holds the IP ID counter, the only state a sender needs
 * besides the AH sequence (which the FSM owns because receiving changes it too).
 */
export class AdvertBuilder {
  private ipId = 0;
  /** The last non-AH datagrams and what they were built for (see the module comment). */
  #built: { readonly key: BuildKey; readonly datagrams: readonly BuiltDatagram[] } | undefined;
  private readonly authData: Buffer | undefined;
  private readonly ahKeyBytes: Buffer | undefined;
  /** The template's checksumDestination; set later when the old checksum is detected on a peer. */
  checksumDestination: string | undefined;

  constructor(readonly template: AdvertTemplate) {
    const t = template;
    if (t.auth.type !== 'none' && (t.version !== 2 || t.family !== 'inet')) {
      throw new PacketError('authentication exists only for VRRPv2 over IPv4 (RFC 3768; removed in RFC 5798)');
    }
    if (t.version === 2) msToV2Seconds(t.advertIntervalMs);
    else msToV3Centiseconds(t.advertIntervalMs);
    for (const a of t.addresses) {
      if (familyOf(a) !== t.family) throw new PacketError(`address ${a} is not ${t.family}`);
    }
    this.authData = t.auth.type === 'pass' ? passwordAuthData(t.auth.password) : undefined;
    this.ahKeyBytes = t.auth.type === 'ah' ? ahKey(t.auth.password) : undefined;
    this.checksumDestination = t.checksumDestination;
  }

  /** The VRRP part of an advert at `priority`. */
  advert(priority: number): VrrpAdvert {
    const t = this.template;
    if (t.version === 2) {
      return {
        version: 2, vrid: t.vrid, priority, addresses: t.addresses,
        authType: authTypeNumber(t.auth), advertIntervalSeconds: msToV2Seconds(t.advertIntervalMs),
        ...(this.authData ? { authData: this.authData } : {}),
      };
    }
    return { version: 3, vrid: t.vrid, priority, addresses: t.addresses, advertIntervalCentiseconds: msToV3Centiseconds(t.advertIntervalMs) };
  }

  /** Length of one datagram as handed to the socket. */
  get datagramLength(): number {
    const t = this.template;
    const vrrp = encodingLength(this.advert(0), t.family);
    if (t.family === 'inet6') return vrrp;
    return IPV4_MIN_HEADER_LENGTH + (t.auth.type === 'ah' ? AH_HEADER_LENGTH : 0) + vrrp;
  }

  /**
   * Builds the advert `send` describes without sending or counting it, so the next `build`
   * of the same advert is a copy (see the module comment). Nothing to do with AH.
   */
  prepare(send: Omit<AdvertToSend, 'ahSequence'>): void {
    if (this.template.auth.type === 'ah' || (this.template.family === 'inet' && send.source === undefined)) return;
    this.#reusable(send);
  }

  /** One advert, as bytes for each destination. Bumps the IP ID once. */
  build(send: AdvertToSend): BuiltDatagram[] {
    if (this.template.auth.type === 'ah') return this.#encode(send, this.#nextIpId());
    const reusable = this.#reusable(send);
    if (this.template.family === 'inet6') return reusable.map((d) => ({ destination: d.destination, bytes: Buffer.from(d.bytes) }));
    const id = this.#nextIpId();
    return reusable.map((d) => ({ destination: d.destination, bytes: stampIpv4Id(Buffer.from(d.bytes), id) }));
  }

  /**
   * As `build`, for a caller that hands the bytes to the kernel at once (AdvertSender): the
   * kept datagrams themselves, stamped in place with the next IP ID, valid until the next
   * call. The IPv4 header checksum is left for the kernel, which always fills it in on an
   * IP_HDRINCL socket (raw(7)); nothing is allocated or copied.
   */
  buildForSend(send: AdvertToSend): readonly BuiltDatagram[] {
    if (this.template.auth.type === 'ah') return this.#encode(send, this.#nextIpId());
    const reusable = this.#reusable(send);
    if (this.template.family === 'inet') {
      const id = this.#nextIpId();
      for (const d of reusable) d.bytes.writeUInt16BE(id, 4);
    }
    return reusable;
  }

  /** The kept datagrams for `send`, encoded again if anything that shapes them changed. */
  #reusable(send: Omit<AdvertToSend, 'ahSequence'>): readonly BuiltDatagram[] {
    if (this.#built && builtFor(this.#built.key, send, this.checksumDestination)) return this.#built.datagrams;
    // The ID is stamped per copy; 1 is a placeholder the kernel would keep as it is.
    const datagrams = this.#encode(send, 1);
    const key: BuildKey = { priority: send.priority, source: send.source, destinations: [...send.destinations], checksumDestination: this.checksumDestination };
    this.#built = { key, datagrams };
    return datagrams;
  }

  /** keepalived never lets the ID be 0: with IP_HDRINCL the kernel would overwrite it. */
  #nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    if (this.ipId === 0) this.ipId = 1;
    return this.ipId;
  }

  #encode(send: AdvertToSend, id: number): BuiltDatagram[] {
    const t = this.template;
    const advert = this.advert(send.priority);
    if (t.family === 'inet6') {
      return send.destinations.map((destination) => ({
        destination,
        bytes: send.source === undefined
          ? encodeAdvert({ ...advert, checksum: 0 }, { family: 'inet6' })
          : encodeAdvert(advert, { family: 'inet6', source: send.source, destination }),
      }));
    }
    if (send.source === undefined) throw new PacketError('an IPv4 advert needs a source address (IP_HDRINCL)');
    const source = send.source;
    const ah = t.auth.type === 'ah';
    if (ah && send.ahSequence === undefined) throw new PacketError('an AH advert needs a sequence number');
    const vrrpLength = encodingLength(advert, 'inet');
    const vrrpOffset = IPV4_MIN_HEADER_LENGTH + (ah ? AH_HEADER_LENGTH : 0);
    return send.destinations.map((destination) => {
      const bytes = Buffer.alloc(vrrpOffset + vrrpLength);
      encodeIpv4Header({
        tos: TOS_NETWORK_CONTROL, totalLength: bytes.length, id, ttl: t.ttl,
        protocol: ah ? IPPROTO_AH : IPPROTO_VRRP, source, destination,
      }, bytes, 0);
      const pseudoDestination = this.checksumDestination ?? destination;
      encodeAdvert(advert, { family: 'inet', source, destination: pseudoDestination, v3ChecksumAsV2: t.v3ChecksumAsV2 }, bytes, vrrpOffset);
      if (ah) {
        encodeAh({ spi: spiForSource(source), sequence: send.ahSequence as number }, bytes, IPV4_MIN_HEADER_LENGTH);
        computeAhIcv(bytes, this.ahKeyBytes as Buffer, t.unicast).copy(bytes, IPV4_MIN_HEADER_LENGTH + 12);
      }
      return { destination, bytes };
    });
  }
}

/** Where the VRRP message sits in a received datagram. */
export type LocatedVrrp =
  | { readonly ok: true; readonly vrrpOffset: number; readonly vrid: number; readonly ipHeaderLength: number; readonly ah: boolean }
  | { readonly ok: false; readonly error: string };

/**
 * Finds the VRRP header in what a raw socket returned: for IPv4 after the IP header (and
 * the AH when the protocol is 51), for IPv6 at the start (keepalived vrrp_get_header).
 */
export function locateVrrp(bytes: Uint8Array, family: AddressFamily): LocatedVrrp {
  if (family === 'inet6') {
    if (bytes.length < VRRP_HEADER_LENGTH) return { ok: false, error: `IPv6 VRRP packet too short - ${bytes.length} bytes` };
    return { ok: true, vrrpOffset: 0, vrid: bytes[1] as number, ipHeaderLength: 0, ah: false };
  }
  const ip = decodeIpv4Header(bytes);
  if (!ip.ok) return { ok: false, error: ip.error };
  const ihl = ip.value.headerLength;
  const ah = ip.value.protocol === IPPROTO_AH;
  const vrrpOffset = ihl + (ah ? AH_HEADER_LENGTH : 0);
  if (bytes.length < vrrpOffset + VRRP_HEADER_LENGTH) {
    return { ok: false, error: `IPv4 VRRP packet${ah ? ' with AH' : ''} too short - ${bytes.length} bytes` };
  }
  return { ok: true, vrrpOffset, vrid: bytes[vrrpOffset + 1] as number, ipHeaderLength: ihl, ah };
}
