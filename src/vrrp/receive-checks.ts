/**
 * The receive guard ladder: every check a received advert must pass before it reaches an
 * instance's state machine, in one ordered table.
 *
 * The order is keepalived's vrrp_check_packet (vrrp.c, 2.2.7), which follows RFC 3768 §7.1 /
 * RFC 5798 §7.1 with keepalived's additions (AH presence first, IP total length, the
 * unicast/multicast match, check_unicast_src), so that every advert is dropped for the same
 * reason and counted under the same counter as keepalived would. Each guard returns nothing
 * (pass) or a drop `{ reason, detail }`; `reason` is the name of the keepalived counter the
 * drop increments (stats.ts). Bytes from the network never throw: every read is preceded by a
 * length check.
 *
 * Two behaviours are deliberate choices between keepalived versions:
 * - Address list: keepalived 2.2.7 drops an advert whose VIP list differs from ours; later
 *   keepalived (and this code, by default) logs and counts it (`addr_list_err`) but still
 *   processes it, so two routers with a VIP typo still elect one master instead of two.
 *   `addressListMismatch: 'drop'` restores 2.2.7. The count check runs on every advert; the
 *   per-address comparison is skipped for a repeat advert from the same master when the
 *   instance says so (`skip_check_adv_addr`).
 * - VRID: keepalived demultiplexes by VRID before checking, so a foreign VRID never reaches
 *   an instance; this ladder still checks it (counted as `vrid_err`, the SNMP counter) for
 *   callers that hand it a packet directly.
 *
 * The IPsec-AH sequence number is the one piece of instance state the guards read (anti-
 * replay). A verdict carries `ahSequence` whenever the AH passed its checks — even if a later
 * guard dropped the advert, as keepalived raises its counter at that point too — and the
 * instance applies it to its AhSequenceCounter.
 */

import { timingSafeEqual } from 'node:crypto';
import {
  AUTH_AH, AUTH_NONE, AUTH_PASS, AdvertAuth, AddressFamily, AH_HEADER_LENGTH, IPPROTO_AH, IPPROTO_VRRP,
  Ipv4Header, VRRP_AUTH_DATA_LENGTH, VRRP_HEADER_LENGTH, VRRP_MULTICAST_IPV4, VRRP_TTL, VrrpHeaderFields, VrrpVersion,
  addressBytes, addressLength, ahKey, computeAdvertChecksum, computeAhIcv, decodeAh, decodeIpv4Header, formatAddress,
  isMulticast, parseAddress, passwordAuthData, readVrrpHeader, spiForSource, v3IntervalOf, vrrpMessageLength,
  wireIntervalToMs,
} from './packet/index.js';
import { DropReason } from './stats.js';

export interface UnicastPeer {
  readonly address: string;
  /** Accepted TTL / hop limit range for adverts from this peer (unicast_peer min_ttl/max_ttl). */
  readonly minTtl?: number;
  readonly maxTtl?: number;
}

/** The parts of an instance's configuration the guards need. */
export interface ReceiveGuardConfig {
  readonly family: AddressFamily;
  readonly version: VrrpVersion;
  readonly vrid: number;
  readonly auth: AdvertAuth;
  readonly advertIntervalMs: number;
  /** Our virtual addresses, as carried in adverts. */
  readonly addresses: readonly string[];
  readonly unicast: boolean;
  readonly unicastPeers: readonly UnicastPeer[];
  /** check_unicast_src (per instance or global vrrp_check_unicast_src). */
  readonly checkUnicastSource: boolean;
  readonly v3ChecksumAsV2?: boolean;
  /**
   * old_unicast_checksum (keepalived ≤ 1.3.6 put the multicast group, not the unicast peer,
   * in the VRRPv3/IPv4 pseudo-header): 'detect' (default: a unicast instance whose advert
   * fails the RFC checksum but passes the old one switches to the old form), 'never' (no
   * detection), 'always' (the old form from the start).
   */
  readonly oldUnicastChecksum?: OldUnicastChecksum;
  /** The group the old form uses: global vrrp_mcast_group4 (default 224.0.0.18). */
  readonly checksumGroup4?: string;
  /** 'process' (default, later keepalived) or 'drop' (keepalived 2.2.7). */
  readonly addressListMismatch?: 'process' | 'drop';
}

/** One datagram as a raw socket returned it, with its ancillary data. */
export interface ReceivedPacket {
  /** IPv4: from the IP header on. IPv6: the VRRP message. */
  readonly bytes: Uint8Array;
  /** Sender address (recvmsg msg_name). */
  readonly source: string;
  /** IPv6: destination from IPV6_PKTINFO (IPv4 reads it from the header). */
  readonly destination?: string;
  /** IPv6: hop limit from IPV6_HOPLIMIT (IPv4 reads the TTL from the header). */
  readonly hopLimit?: number;
  /**
   * When the datagram reached this process, on the FSM host's clock (ms): timers that run
   * from an advert's arrival start here rather than when the advert is processed.
   */
  readonly receivedAtMs?: number;
}

export type OldUnicastChecksum = 'detect' | 'never' | 'always';

/** Instance state the guards read. */
export interface ReceiveGuardState {
  /** The instance's AH counter: the highest sequence number sent or accepted. */
  readonly ahLastSequence: number;
  /** The old (pre-1.3.6) VRRPv3 checksum is in use: configured, or detected earlier. */
  readonly oldChecksum?: boolean;
  /** false for a repeat advert from the same master under skip_check_adv_addr. */
  readonly checkAddresses: boolean;
}

/** An advert that passed the guards, in domain units. */
export interface ValidAdvert {
  readonly version: VrrpVersion;
  readonly vrid: number;
  readonly priority: number;
  readonly addresses: readonly string[];
  /** The sender's advertisement interval, ms. */
  readonly advertIntervalMs: number;
  readonly source: string;
  readonly ttl?: number;
  readonly ahSequence?: number;
}

export interface GuardWarning {
  readonly reason: DropReason;
  readonly detail: string;
}

export type GuardVerdict =
  | {
    readonly ok: true; readonly advert: ValidAdvert; readonly warnings: readonly GuardWarning[]; readonly ahSequence?: number;
    /** This advert carried the old unicast checksum: the instance switches to it (keepalived logs it once). */
    readonly oldChecksumDetected?: boolean;
  }
  | {
    readonly ok: false;
    readonly reason: DropReason;
    readonly detail: string;
    /** Name of the guard that dropped it. */
    readonly guard: string;
    /** keepalived counts the advert as received (advert_rcvd) before the last guards. */
    readonly countedAsReceived: boolean;
    readonly ahSequence?: number;
  };

interface Drop { readonly reason: DropReason; readonly detail: string }

/** The packet after framing: where each layer starts, plus what the guards learn. */
interface Ctx {
  readonly cfg: PreparedGuardConfig;
  readonly pkt: ReceivedPacket;
  readonly state: ReceiveGuardState;
  readonly bytes: Uint8Array;
  readonly ip: Ipv4Header | undefined;
  readonly vrrpOffset: number;
  readonly h: VrrpHeaderFields;
  readonly ttl: number | undefined;
  readonly destination: string | undefined;
  ahSequence?: number;
  oldChecksumDetected?: boolean;
  readonly warnings: GuardWarning[];
}

interface Guard {
  readonly name: string;
  /** The rule it enforces. */
  readonly rule: string;
  /** Whether keepalived has counted the advert as received when this guard runs. */
  readonly afterReceiveCount?: boolean;
  readonly run: (c: Ctx) => Drop | undefined;
}

/** Config with its byte forms precomputed once per instance. */
export interface PreparedGuardConfig extends ReceiveGuardConfig {
  readonly authTypeNumber: number;
  readonly passwordBytes?: Buffer;
  readonly ahKeyBytes?: Buffer;
  readonly addressBytes: readonly Buffer[];
  readonly peerBytes: readonly { readonly bytes: Buffer; readonly minTtl: number; readonly maxTtl: number }[];
}

export function prepareGuardConfig(cfg: ReceiveGuardConfig): PreparedGuardConfig {
  return {
    ...cfg,
    authTypeNumber: cfg.auth.type === 'ah' ? AUTH_AH : cfg.auth.type === 'pass' ? AUTH_PASS : AUTH_NONE,
    ...(cfg.auth.type === 'pass' ? { passwordBytes: passwordAuthData(cfg.auth.password) } : {}),
    ...(cfg.auth.type === 'ah' ? { ahKeyBytes: ahKey(cfg.auth.password) } : {}),
    addressBytes: cfg.addresses.map((a) => parseAddress(a, cfg.family)),
    peerBytes: cfg.unicastPeers.map((p) => ({ bytes: parseAddress(p.address, cfg.family), minTtl: p.minTtl ?? 0, maxTtl: p.maxTtl ?? 255 })),
  };
}

const drop = (reason: DropReason, detail: string): Drop => ({ reason, detail });
const authName = (n: number): string => (n === AUTH_NONE ? 'none' : n === AUTH_PASS ? 'PASS' : n === AUTH_AH ? 'AH' : String(n));

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where the VRRP message ends according to its header: the datagram's expected length. */
function vrrpEnd(c: Ctx): number {
  return c.vrrpOffset + vrrpMessageLength(c.h.version, c.cfg.family, c.h.addressCount);
}

/** The ladder, in order. */
const GUARDS: readonly Guard[] = [
  {
    name: 'ah-presence',
    rule: 'keepalived: an AH header (IP protocol 51) is expected exactly when auth_type is AH',
    run: (c) => {
      if (!c.ip) return undefined;
      const gotAh = c.ip.protocol === IPPROTO_AH;
      const wantAh = c.cfg.auth.type === 'ah';
      if (gotAh === wantAh) return undefined;
      return drop('authtype_mismatch', gotAh ? 'received AH header but auth type not AH' : 'no AH header but auth type is AH');
    },
  },
  {
    name: 'length',
    rule: 'RFC 5798 §7.1: MUST verify that the received packet contains the complete VRRP packet (including fixed fields, and IPvX address(es))',
    run: (c) => {
      const expected = vrrpEnd(c);
      if (c.bytes.length === expected) return undefined;
      return drop('packet_len_err', `packet too ${c.bytes.length > expected ? 'long' : 'short'}, length ${c.bytes.length} and expect ${expected}`);
    },
  },
  {
    name: 'ttl',
    rule: 'RFC 5798 §7.1: MUST verify that the IPv4 TTL/IPv6 Hop Limit is 255 (multicast only; unicast uses the peer\'s min_ttl/max_ttl)',
    run: (c) => {
      if (c.cfg.unicast || c.ttl === undefined || c.ttl === VRRP_TTL) return undefined;
      return drop('ip_ttl_err', `invalid TTL/HL. Received ${c.ttl} and expect ${VRRP_TTL}`);
    },
  },
  {
    name: 'version',
    rule: 'RFC 5798 §7.1: MUST verify the VRRP version field',
    run: (c) => (c.h.version === c.cfg.version ? undefined : drop('vers_err', `wrong version. Received ${c.h.version} and expect ${c.cfg.version}`)),
  },
  {
    name: 'auth-type-valid',
    rule: 'RFC 3768 §5.3.6 (+RFC 2338 AH): VRRPv2 auth type must be 0 (none), 1 (PASS) or 2 (AH)',
    run: (c) => {
      if (c.h.version !== 2 || c.h.byte4 <= AUTH_AH) return undefined;
      return drop('invalid_authtype', `invalid auth type: ${c.h.byte4}`);
    },
  },
  {
    name: 'auth-type-match',
    rule: 'RFC 3768 §7.1: MUST perform authentication specified by Auth Type; the type must match ours',
    run: (c) => {
      if (c.h.version !== 2 || c.h.byte4 === c.cfg.authTypeNumber) return undefined;
      return drop('authtype_mismatch', `received a ${authName(c.h.byte4)} auth, expecting ${authName(c.cfg.authTypeNumber)}`);
    },
  },
  {
    name: 'password',
    rule: 'RFC 3768 §5.3.10 (simple text password): the 8 authentication bytes must equal auth_pass',
    run: (c) => {
      if (c.h.version !== 2 || !c.cfg.passwordBytes || c.cfg.family !== 'inet') return undefined;
      const end = vrrpEnd(c);
      const got = c.bytes.subarray(end - VRRP_AUTH_DATA_LENGTH, end);
      return equalBytes(got, c.cfg.passwordBytes) ? undefined : drop('auth_failure', 'received an invalid passwd');
    },
  },
  {
    name: 'ah',
    rule: 'RFC 2402 §3.4 as keepalived: AH carries VRRP, the HMAC-MD5-96 ICV verifies, SPI = IP source, sequence number not replayed',
    run: (c) => {
      if (c.h.version !== 2 || !c.cfg.ahKeyBytes || !c.ip) return undefined;
      const ihl = c.ip.headerLength;
      const ah = decodeAh(c.bytes, ihl);
      if (!ah.ok) return drop('packet_len_err', ah.error);
      if (ah.value.nextHeader !== IPPROTO_VRRP) return drop('ah_not_vrrp', `AH next header ${ah.value.nextHeader}, not VRRP`);
      const icv = computeAhIcv(c.bytes, c.cfg.ahKeyBytes, c.cfg.unicast);
      if (!equalBytes(icv, ah.value.icv)) return drop('auth_failure', 'IPSEC-AH: invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password');
      if (ah.value.spi !== spiForSource(c.ip.source)) {
        return drop('auth_failure', `IPSEC-AH: invalid SPI ${ah.value.spi}, expected the source address ${c.ip.source}`);
      }
      if (ah.value.sequence <= c.state.ahLastSequence) {
        return drop('auth_failure', `IPSEC-AH: sequence number ${ah.value.sequence} already processed (local ${c.state.ahLastSequence})`);
      }
      c.ahSequence = ah.value.sequence;
      return undefined;
    },
  },
  {
    name: 'advert-interval',
    rule: 'RFC 3768 §7.1: MUST verify that the Adver Interval in the packet is the same as the locally configured one (VRRPv2)',
    run: (c) => {
      if (c.h.version !== 2 || c.h.byte5 * 1000 === c.cfg.advertIntervalMs) return undefined;
      return drop('advert_interval_err', `advertisement interval mismatch mine=${c.cfg.advertIntervalMs / 1000} sec rcv'd=${c.h.byte5} sec`);
    },
  },
  {
    name: 'type',
    rule: 'RFC 5798 §5.2.2: the only packet type is ADVERTISEMENT (1); others MUST be discarded',
    run: (c) => (c.h.type === 1 ? undefined : drop('invalid_type_rcvd', `invalid packet type. ${c.h.type} and expect 1`)),
  },
  {
    name: 'ip-total-length',
    rule: 'keepalived: the IPv4 total length must equal the received length',
    run: (c) => {
      if (!c.ip || c.ip.totalLength === c.bytes.length) return undefined;
      return drop('packet_len_err', `ip_tot_len mismatch against received length. ${c.ip.totalLength} and received ${c.bytes.length}`);
    },
  },
  {
    name: 'checksum',
    rule: 'RFC 5798 §7.1: MUST verify the VRRP checksum (v3 with the pseudo-header; IPv6 only when the destination is known, the kernel checks it otherwise)',
    run: (c) => {
      const family = c.cfg.family;
      if (family === 'inet6' && c.destination === undefined) return undefined;
      const msg = c.bytes.subarray(c.vrrpOffset, vrrpEnd(c));
      // keepalived ≤ 1.3.6 (vrrp.c, OLD_CHKSUM_COMPAT): the pseudo-header names the IPv4
      // multicast group even for unicast adverts. Only the IPv4 VRRPv3 checksum has one.
      const group = c.cfg.checksumGroup4 ?? VRRP_MULTICAST_IPV4;
      const old = family === 'inet' && c.state.oldChecksum === true;
      const ctx = { family, source: c.ip?.source ?? c.pkt.source, destination: old ? group : c.destination };
      const want = computeAdvertChecksum(msg, c.h.version, { ...ctx, v3ChecksumAsV2: c.cfg.v3ChecksumAsV2 });
      if (want === c.h.checksum) return undefined;
      if (family === 'inet' && c.h.version === 3 && c.cfg.unicast && !old && (c.cfg.oldUnicastChecksum ?? 'detect') === 'detect' &&
          c.destination !== group && computeAdvertChecksum(msg, 3, { ...ctx, destination: group }) === c.h.checksum) {
        c.oldChecksumDetected = true;
        return undefined;
      }
      // With v3_checksum_as_v2 we also accept the standard form, so a peer that follows the
      // RFC still interoperates (keepalived itself then accepts any checksum).
      if (c.cfg.v3ChecksumAsV2 && computeAdvertChecksum(msg, c.h.version, ctx) === c.h.checksum) return undefined;
      return drop('chk_err', `invalid VRRPv${c.h.version} checksum 0x${c.h.checksum.toString(16).padStart(4, '0')}, expected 0x${want.toString(16).padStart(4, '0')}`);
    },
  },
  {
    name: 'vrid',
    rule: 'RFC 5798 §7.1: MUST verify that the VRID is configured on the receiving interface',
    run: (c) => (c.h.vrid === c.cfg.vrid ? undefined : drop('vrid_err', `VRID ${c.h.vrid} is not ours (${c.cfg.vrid})`)),
  },
  {
    name: 'cast',
    rule: 'keepalived: a unicast instance takes only unicast adverts and a multicast instance only multicast ones',
    run: (c) => {
      if (c.destination === undefined) return undefined;
      const multicast = isMulticast(c.destination);
      if (multicast !== c.cfg.unicast) return undefined;
      return drop('addr_list_err', `expected ${c.cfg.unicast ? 'unicast' : 'multicast'} packet but received ${multicast ? 'multicast' : 'unicast'} packet`);
    },
  },
  {
    name: 'address-list',
    rule: 'RFC 5798 §7.1: MAY verify that the IP address(es) associated with the VRID are valid; SHOULD log a mismatch',
    afterReceiveCount: true,
    run: (c) => {
      const cfg = c.cfg;
      let problem: string | undefined;
      if (c.h.addressCount !== cfg.addressBytes.length) {
        problem = `expected ${cfg.addressBytes.length} VIPs but received ${c.h.addressCount}`;
      } else if (c.state.checkAddresses) {
        const alen = addressLength(cfg.family);
        const start = c.vrrpOffset + VRRP_HEADER_LENGTH;
        const received = Array.from({ length: c.h.addressCount }, (_, i) => c.bytes.subarray(start + i * alen, start + (i + 1) * alen));
        const missing = cfg.addressBytes.find((mine) => !received.some((r) => Buffer.compare(r, mine) === 0));
        if (missing) problem = `ip address associated with VRID ${cfg.vrid} not present in advert: ${formatAddress(missing, 0, cfg.family)}`;
      }
      if (problem === undefined) return undefined;
      if (cfg.addressListMismatch === 'drop') return drop('addr_list_err', problem);
      c.warnings.push({ reason: 'addr_list_err', detail: problem });
      return undefined;
    },
  },
  {
    name: 'unicast-source',
    rule: 'keepalived check_unicast_src: a unicast advert must come from a unicast_peer, with a TTL/HL within its min_ttl..max_ttl',
    afterReceiveCount: true,
    run: (c) => {
      if (!c.cfg.unicast || !c.cfg.checkUnicastSource) return undefined;
      let src: Buffer;
      try {
        src = addressBytes(c.ip?.source ?? c.pkt.source, c.cfg.family);
      } catch {
        return drop('unknown_unicast_src', `unicast source address ${c.pkt.source} not a unicast peer`);
      }
      const peer = c.cfg.peerBytes.find((p) => Buffer.compare(p.bytes, src) === 0);
      if (!peer) return drop('unknown_unicast_src', `unicast source address ${formatAddress(src, 0, c.cfg.family)} not a unicast peer`);
      if (c.ttl !== undefined && (c.ttl < peer.minTtl || c.ttl > peer.maxTtl)) {
        return drop('ip_ttl_err', `TTL/HL ${c.ttl} not in range ${peer.minTtl} - ${peer.maxTtl}`);
      }
      return undefined;
    },
  },
];

/** The ladder's guard names and rules, in order (for documentation and tests). */
export const RECEIVE_GUARDS: readonly { readonly name: string; readonly rule: string }[] = [
  { name: 'frame', rule: 'the datagram holds an IPv4 header (IPv4), the AH header when protocol is 51, and the 8-byte VRRP header' },
  ...GUARDS.map(({ name, rule }) => ({ name, rule })),
];

type Framed = { ok: true; ctx: Ctx } | { ok: false; detail: string };

function frame(cfg: PreparedGuardConfig, pkt: ReceivedPacket, state: ReceiveGuardState): Framed {
  const bytes = pkt.bytes;
  let ip: Ipv4Header | undefined;
  let vrrpOffset = 0;
  let ttl = pkt.hopLimit;
  let destination = pkt.destination;
  if (cfg.family === 'inet') {
    const decoded = decodeIpv4Header(bytes);
    if (!decoded.ok) return { ok: false, detail: decoded.error };
    ip = decoded.value;
    ttl = ip.ttl;
    destination = ip.destination;
    vrrpOffset = ip.headerLength + (ip.protocol === IPPROTO_AH ? AH_HEADER_LENGTH : 0);
  }
  const h = readVrrpHeader(bytes, vrrpOffset);
  if (!h) return { ok: false, detail: `${cfg.family === 'inet' ? 'IPv4' : 'IPv6'} VRRP packet${vrrpOffset > (ip?.headerLength ?? 0) ? ' with AH' : ''} too short - ${bytes.length} bytes` };
  return { ok: true, ctx: { cfg, pkt, state, bytes, ip, vrrpOffset, h, ttl, destination, warnings: [] } };
}

/**
 * Runs the ladder over one received datagram. Never throws for any `pkt.bytes`; the address
 * texts (`source`, `destination`) come from the socket layer and must be well formed.
 */
export function checkReceivedAdvert(cfg: PreparedGuardConfig, pkt: ReceivedPacket, state: ReceiveGuardState): GuardVerdict {
  const framed = frame(cfg, pkt, state);
  if (!framed.ok) return { ok: false, reason: 'packet_len_err', detail: framed.detail, guard: 'frame', countedAsReceived: false };
  const c = framed.ctx;
  for (const guard of GUARDS) {
    const d = guard.run(c);
    if (d) {
      return {
        ok: false, reason: d.reason, detail: d.detail, guard: guard.name,
        countedAsReceived: guard.afterReceiveCount === true,
        ...(c.ahSequence !== undefined ? { ahSequence: c.ahSequence } : {}),
      };
    }
  }
  const h = c.h;
  const alen = addressLength(cfg.family);
  const start = c.vrrpOffset + VRRP_HEADER_LENGTH;
  const addresses = Array.from({ length: h.addressCount }, (_, i) => formatAddress(c.bytes, start + i * alen, cfg.family));
  const version = h.version as VrrpVersion;
  const advert: ValidAdvert = {
    version,
    vrid: h.vrid,
    priority: h.priority,
    addresses,
    advertIntervalMs: wireIntervalToMs(version, version === 2 ? h.byte5 : v3IntervalOf(h)),
    source: c.ip?.source ?? pkt.source,
    ...(c.ttl !== undefined ? { ttl: c.ttl } : {}),
    ...(c.ahSequence !== undefined ? { ahSequence: c.ahSequence } : {}),
  };
  return {
    ok: true, advert, warnings: c.warnings,
    ...(c.ahSequence !== undefined ? { ahSequence: c.ahSequence } : {}),
    ...(c.oldChecksumDetected ? { oldChecksumDetected: true } : {}),
  };
}
