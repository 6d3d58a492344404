/**
 * The read dispatcher (keepalived vrrp_scheduler.c vrrp_dispatcher_read): one received
 * datagram -> the instance it belongs to -> that instance's guard ladder and FSM.
 *
 * The steps, each ending in either the next step or one counted drop:
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
 *
 * Nothing here reads past a length it has checked, and the guard ladder never throws for any
 * bytes, so garbage from the network cannot throw into the event loop.
 *
 * keepalived also stops draining a socket after a second advert for the same VRID in one
 * wake-up; RawSocket's drain limit (64 per wake-up) bounds the work the same way.
 */

import { isMulticast, locateVrrp } from '../packet/index.js';
import type { ReceivedPacket } from '../receive-checks.js';
import { peerKey, type PooledSocket, type VridEndpoint } from './socket-pool.js';
import type { DropRecord, IncomingDatagram } from './types.js';

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
  };
  endpoint.deliver(packet);
}
