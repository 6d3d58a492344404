/**
 * One instance's transmit path: its AdvertBuilder, where its adverts go, and the pooled
 * socket they leave by (keepalived vrrp_send_adv / vrrp_send_pkt).
 *
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
 *
 * Send failures (ENETUNREACH on a downed link, ENOBUFS) are counted per instance and reported
 * as events; they never throw into the FSM, which has already counted the advert as sent
 * (keepalived increments advert_sent whether or not sendmsg succeeded).
 */

import { AdvertBuilder, VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6, VRRP_TTL } from '../packet/index.js';
import type { InstanceParams, OutgoingAdvert } from '../fsm/types.js';
import type { PooledSocket } from './socket-pool.js';
import type { TransportSpec } from './types.js';

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
    });
  }

  /** An empty but configured unicast_peer list. */
  get hasNoPeers(): boolean {
    return this.#unicast && this.destinations.length === 0;
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
    const datagrams = this.builder.build({
      priority: advert.priority,
      source: this.source,
      destinations: this.destinations,
      ...(advert.ahSequence !== undefined ? { ahSequence: advert.ahSequence } : {}),
    });
    let sent = 0;
    for (const d of datagrams) {
      try {
        socket.send(d.bytes, d.destination, {
          dontRoute: !this.#unicast,
          ...(this.source !== undefined ? { source: this.source } : {}),
          ...(this.#hopLimit !== undefined ? { hopLimit: this.#hopLimit } : {}),
        });
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
}
