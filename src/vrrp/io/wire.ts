/**
 * Adverts between the pooled sockets and the instances, both ways.
 *
 * IN: the read dispatcher (keepalived vrrp_scheduler.c vrrp_dispatcher_read). One received
 * datagram -> the instance it belongs to -> that instance's guard ladder and FSM. The steps,
 * each ending in either the next step or one counted drop:
 *   1. truncated by the receive buffer (MSG_TRUNC)           -> counters.truncated
 *   2. no sender address, or too short to find the VRRP header
 *      (after the IPv4 header, and after the AH when protocol 51)  -> counters.packet_len_err
 *   3. the VRID is not attached to this socket               -> counters.vrid_err, and a log
 *      line only with log_unknown_vrids (RFC 2787's vrrpRouterVrIdErrors counts these)
 *   4. instances sharing the VRID on a unicast socket: the one whose unicast_peer list holds
 *      the sender; none                                     -> counters.vrid_err as in 3
 *   5. IPv6: multicast advert on a unicast instance or the reverse -> counters.cast_mismatch
 *      (keepalived discards these here, uncounted; IPv4 ones reach the ladder's cast guard,
 *      which counts addr_list_err as keepalived does)
 *   6. the instance is in INIT, FAULT or STOP                -> counters.not_running (silent)
 *   7. deliver: the instance runs checkReceivedAdvert with the TTL (IPv4 header) or hop limit
 *      (IPV6_HOPLIMIT), source (msg_name) and destination (IPv4 header / IPV6_PKTINFO), and
 *      either steps its FSM or counts the drop under keepalived's stats name.
 * Nothing here reads past a length it has checked, and the guard ladder never throws for any
 * bytes, so garbage from the network cannot throw into the event loop. keepalived also stops
 * draining a socket after a second advert for the same VRID in one wake-up; RawSocket's drain
 * limit (64 per wake-up) bounds the work the same way.
 *
 * OUT: one instance's transmit path (keepalived vrrp_send_adv / vrrp_send_pkt), AdvertSender:
 * - Multicast: one datagram to the group, MSG_DONTROUTE, TTL / hop limit 255 (RFC 5798
 *   §5.1.1.3, §5.1.2.3; the IPv6 socket carries IPV6_MULTICAST_HOPS 255).
 * - Unicast: one datagram per unicast_peer, routed normally. IPv4 carries unicast_ttl (default
 *   255) in the header it builds; IPv6 gets an IPV6_HOPLIMIT cmsg only when unicast_ttl is
 *   set, as keepalived (otherwise the kernel's default hop limit applies).
 * - An empty but configured peer list sends nothing at all: it never falls back to multicast
 *   (keepalived did until 2.2.4). Each advert that had nowhere to go is counted, and the
 *   runtime reports the condition once.
 * - IPv6 adverts name their source in IPV6_PKTINFO with the socket's interface, so a VMAC's
 *   link-local address or unicast_src_ip is used even when routing would pick another.
 * Send failures (ENETUNREACH on a downed link, ENOBUFS, an ICMP error the kernel queued on
 * the socket) are counted per instance and socket and reported as events; they never throw
 * into the FSM, which has already counted the advert as sent (keepalived increments
 * advert_sent whether or not sendmsg succeeded).
 */

import type { InstanceParams, OutgoingAdvert } from '../fsm/types.js';
import { AdvertBuilder, VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6, VRRP_TTL, isMulticast, locateVrrp } from '../packet/index.js';
import type { ReceivedPacket } from '../receive-checks.js';
import { peerKey, type PooledSocket, type VridEndpoint } from './socket-pool.js';
import type { SendOptions } from './kernel-sockets.js';
import type { DropRecord, IncomingDatagram, TransportSpec } from './types.js';

// --- in: the read dispatcher ---------------------------------------------------------------

export interface DispatchHooks {
  /** The one drop log (rate-limited). */
  readonly drop: (record: DropRecord) => void;
  /** An advert for a VRID nobody here has; logged only with log_unknown_vrids. */
  readonly unknownVrid: (socket: PooledSocket, vrid: number, source: string) => void;
}

function where(socket: PooledSocket): string {
  return socket.key.link?.name ?? socket.id;
}

/** Picks the instance for a VRID (keepalived: by unicast peer when the VRID is shared). */
function chooseEndpoint(candidates: readonly VridEndpoint[], source: string): VridEndpoint | undefined {
  if (candidates.length === 1) return candidates[0];
  const key = peerKey(source);
  return candidates.find((e) => e.peerKeys.has(key));
}

export function dispatchDatagram(socket: PooledSocket, datagram: IncomingDatagram, hooks: DispatchHooks): void {
  const counters = socket.counters;
  counters.received += 1;
  const family = socket.key.family;
  const source = datagram.source ?? '?';

  if (datagram.truncated) {
    counters.truncated += 1;
    hooks.drop({ where: where(socket), source, reason: 'truncated', detail: `datagram longer than the receive buffer (${datagram.data.length} bytes read)` });
    return;
  }
  if (datagram.source === undefined) {
    counters.packet_len_err += 1;
    hooks.drop({ where: where(socket), source, reason: 'packet_len_err', detail: 'no sender address' });
    return;
  }
  const located = locateVrrp(datagram.data, family);
  if (!located.ok) {
    counters.packet_len_err += 1;
    hooks.drop({ where: where(socket), source, reason: 'packet_len_err', detail: located.error });
    return;
  }
  const endpoint = chooseEndpoint(socket.endpointsFor(located.vrid), datagram.source);
  if (!endpoint) {
    counters.vrid_err += 1;
    hooks.unknownVrid(socket, located.vrid, datagram.source);
    return;
  }
  if (family === 'inet6' && datagram.destination !== undefined && isMulticast(datagram.destination) === endpoint.unicast) {
    counters.cast_mismatch += 1;
    hooks.drop({
      where: endpoint.name, source, reason: 'cast_mismatch',
      detail: `${endpoint.unicast ? 'multicast' : 'unicast'} advert to ${datagram.destination} on a ${endpoint.unicast ? 'unicast' : 'multicast'} instance`,
    });
    return;
  }
  if (!endpoint.running) {
    counters.not_running += 1;
    return;
  }
  const packet: ReceivedPacket = {
    bytes: datagram.data,
    source: datagram.source,
    ...(datagram.destination !== undefined ? { destination: datagram.destination } : {}),
    ...(datagram.hopLimit !== undefined ? { hopLimit: datagram.hopLimit } : {}),
    ...(datagram.receivedAtMs !== undefined ? { receivedAtMs: datagram.receivedAtMs } : {}),
  };
  endpoint.deliver(packet);
}

// --- out: the transmit path ----------------------------------------------------------------

export interface SenderCounters {
  /** Datagrams handed to the kernel. */
  datagrams: number;
  /** Datagrams the kernel refused. */
  failed: number;
  /** Adverts not sent because the unicast peer list is empty. */
  noPeers: number;
  /** Adverts not sent because the socket is not open (or no source address is known yet). */
  notConnected: number;
}

export interface SendFailure {
  readonly destination: string;
  readonly detail: string;
}

export function defaultMulticastGroup(family: 'inet' | 'inet6'): string {
  return family === 'inet' ? VRRP_MULTICAST_IPV4 : VRRP_MULTICAST_IPV6;
}

export class AdvertSender {
  readonly builder: AdvertBuilder;
  readonly counters: SenderCounters = { datagrams: 0, failed: 0, noPeers: 0, notConnected: 0 };
  /** The group, or every unicast peer (possibly none). */
  readonly destinations: readonly string[];
  /** Our source address; IPv4 cannot send without one. */
  source: string | undefined;
  socket: PooledSocket | undefined;
  readonly #unicast: boolean;
  readonly #hopLimit: number | undefined;
  #options: SendOptions | undefined;

  constructor(params: InstanceParams, transport: TransportSpec, private readonly onFailure: (failure: SendFailure) => void) {
    this.#unicast = params.unicast;
    const ttl = params.unicast ? (transport.unicastTtl ?? VRRP_TTL) : VRRP_TTL;
    this.#hopLimit = params.unicast && params.family === 'inet6' ? transport.unicastTtl : undefined;
    this.destinations = params.unicast
      ? params.unicastPeers.map((p) => p.address)
      : [transport.multicastGroup ?? defaultMulticastGroup(params.family)];
    this.builder = new AdvertBuilder({
      version: params.version, family: params.family, vrid: params.vrid, addresses: params.addresses,
      advertIntervalMs: params.advertIntervalMs, auth: params.auth, ttl, unicast: params.unicast,
      v3ChecksumAsV2: params.v3ChecksumAsV2,
      ...(params.family === 'inet' && params.oldUnicastChecksum === 'always' ? { checksumDestination: oldChecksumGroup(params) } : {}),
    });
  }

  /** An empty but configured unicast_peer list. */
  get hasNoPeers(): boolean {
    return this.#unicast && this.destinations.length === 0;
  }

  /**
   * Builds the advert this sender would send at `priority` now, without sending it: a BACKUP
   * calls this so that taking over sends prebuilt bytes (AdvertBuilder.prepare).
   */
  prepare(priority: number): void {
    if (this.hasNoPeers) return;
    this.builder.prepare({ priority, source: this.source, destinations: this.destinations });
  }

  /** Sends one advert to every destination; returns the datagrams that left. */
  send(advert: OutgoingAdvert): number {
    if (this.hasNoPeers) {
      this.counters.noPeers += 1;
      return 0;
    }
    const socket = this.socket;
    const v4 = this.builder.template.family === 'inet';
    if (!socket?.isOpen || (v4 && this.source === undefined)) {
      this.counters.notConnected += 1;
      return 0;
    }
    const datagrams = this.builder.buildForSend({
      priority: advert.priority,
      source: this.source,
      destinations: this.destinations,
      ...(advert.ahSequence !== undefined ? { ahSequence: advert.ahSequence } : {}),
    });
    const options = this.#sendOptions();
    let sent = 0;
    for (const d of datagrams) {
      try {
        socket.send(d.bytes, d.destination, options);
        sent += 1;
      } catch (error) {
        this.counters.failed += 1;
        socket.counters.send_err += 1;
        this.onFailure({ destination: d.destination, detail: error instanceof Error ? error.message : String(error) });
      }
    }
    this.counters.datagrams += sent;
    return sent;
  }

  /** The socket options for the current source; rebuilt only when the source changes. */
  #sendOptions(): SendOptions {
    if (this.#options !== undefined && this.#options.source === this.source) return this.#options;
    this.#options = {
      dontRoute: !this.#unicast,
      ...(this.source !== undefined ? { source: this.source } : {}),
      ...(this.#hopLimit !== undefined ? { hopLimit: this.#hopLimit } : {}),
    };
    return this.#options;
  }
}
/** The group keepalived ≤ 1.3.6 put in a unicast VRRPv3/IPv4 pseudo-header: vrrp_mcast_group4. */
export function oldChecksumGroup(params: Pick<InstanceParams, 'checksumGroup4'>): string {
  return params.checksumGroup4 ?? VRRP_MULTICAST_IPV4;
}
