/**
 * The vocabulary of the VRRP socket layer: what an instance needs besides its FSM parameters
 * to reach the wire (its interfaces, multicast group or unicast source, TTL, receive buffer),
 * the key that decides which pooled socket it shares, the interface directory it asks for
 * indexes and addresses, and the events the layer adds to the FSM's.
 *
 * Domain units only: times in ms, buffer sizes in bytes, addresses as text. The config
 * adapter (vrrp_instance -> InstanceSpec) is written elsewhere; this is the smallest input
 * the socket pool, dispatcher and runtime need, so tests can start a router from literals.
 */

import type { AddressFamily } from '../packet/index.js';
import type { InstanceEvent, InstanceParams, VrrpState } from '../fsm/types.js';
import type { SyncGroupEvent } from '../fsm/sync-group.js';
import type { DropReason } from '../stats.js';
import { FinalStretch, type StretchHandle } from './final-stretch.js';

/** One kernel interface, by name (for SO_BINDTODEVICE and logs) and index (for everything else). */
export interface LinkRef {
  readonly name: string;
  readonly index: number;
}

/**
 * Which interfaces an instance's adverts use. The VMAC code fills `vmac` once it has created
 * the macvlan (use_vmac) and the instance is re-bound; until then adverts use `configured`.
 * keepalived: `configured_ifp` is the `interface` keyword, `ifp` the VMAC when there is one,
 * and with vmac_xmit_base the sockets stay on the configured (base) interface.
 */
export interface InstanceLinks {
  /** The `interface` keyword's link; absent for a unicast instance without one. */
  readonly configured?: LinkRef;
  /** The VMAC (or ipvlan) made for this instance. */
  readonly vmac?: LinkRef;
  /** vmac_xmit_base: send and receive on `configured` even when a VMAC exists. */
  readonly xmitBase: boolean;
}

/** The interface the instance's sockets are bound to (keepalived's sock->ifp). */
export function advertLinkOf(links: InstanceLinks): LinkRef | undefined {
  if (links.vmac && !links.xmitBase) return links.vmac;
  return links.configured;
}

/** How an instance reaches the wire, beyond its FSM parameters. */
export interface TransportSpec {
  /** `interface`; required for multicast. */
  readonly interface?: string;
  /** The instance's VMAC, as the vmac code made it. */
  readonly vmac?: LinkRef;
  /** vmac_xmit_base. */
  readonly vmacXmitBase?: boolean;
  /**
   * Multicast destination and group to join: mcast_dst_ip, else vrrp_mcast_group4/6, else
   * 224.0.0.18 / ff02::12 (RFC 5798 §5.1.1.2, §5.1.2.2). Ignored for unicast.
   */
  readonly multicastGroup?: string;
  /**
   * mcast_src_ip / unicast_src_ip. Default: the configured interface's primary IPv4 address,
   * or the advert interface's IPv6 link-local address (keepalived's choices).
   */
  readonly sourceAddress?: string;
  /** unicast_ttl: TTL / hop limit of unicast adverts, 0..255 (IPv4 default 255, IPv6 the kernel's). */
  readonly unicastTtl?: number;
  /** unicast_fault_no_peer: an empty unicast_peer list puts the instance in FAULT. */
  readonly unicastFaultNoPeer?: boolean;
  /** kernel_rx_buf_size, bytes: added to the shared receive socket's SO_RCVBUF. */
  readonly kernelRxBufSize?: number;
  /**
   * The instance's share of its receive socket's SO_RCVBUF (kernel_rx_buf_size or
   * vrrp_rx_bufs_policy, adapter/socket-buffers.ts); overrides kernelRxBufSize when given.
   */
  readonly receiveBuffer?: ReceiveBufferShare;
}

/** Bytes, or a multiple of the MTU of the instance's interface (vrrp_rx_bufs_policy MTU). */
export type ReceiveBufferShare = { readonly bytes: number } | { readonly mtuMultiple: number };

/** Everything one instance is started from. `params.unicast` chooses unicast or multicast. */
export interface InstanceSpec {
  readonly params: InstanceParams;
  readonly transport: TransportSpec;
}

/** IP protocol of an instance's socket: VRRP, or IPsec-AH carrying VRRP (auth_type AH). */
export type AdvertProtocol = 112 | 51;

/**
 * What makes two instances share a socket (keepalived already_exist_sock): family, protocol,
 * interface, and either the multicast group or the unicast source address.
 */
export type SocketKey =
  | { readonly family: AddressFamily; readonly protocol: AdvertProtocol; readonly link: LinkRef; readonly mode: 'multicast'; readonly group: string }
  | { readonly family: AddressFamily; readonly protocol: AdvertProtocol; readonly link: LinkRef | undefined; readonly mode: 'unicast'; readonly source: string };

export function socketKeyId(key: SocketKey): string {
  const where = key.link ? `${key.link.name}#${key.link.index}` : '*';
  const what = key.mode === 'multicast' ? `group ${key.group}` : `unicast ${key.source}`;
  return `${key.family}/${key.protocol === 51 ? 'ah' : 'vrrp'}/${where}/${what}`;
}

/** Interface indexes and addresses, from the netlink interface table or the system. */
export interface InterfaceDirectory {
  indexOf(name: string): number | undefined;
  /** keepalived's source choice: the primary IPv4 address, or the IPv6 link-local address. */
  primaryAddress(index: number, family: AddressFamily): string | undefined;
  /** The link's MTU, bytes (for vrrp_rx_bufs_policy MTU); undefined when unknown. */
  mtuOf?(index: number): number | undefined;
}

/** Counters of one pooled socket, for datagrams that never reached an instance's guards. */
export interface SocketCounters {
  /** Datagrams read. */
  received: number;
  /** Unknown or unsupported VRID (RFC 2787 vrrpRouterVrIdErrors). */
  vrid_err: number;
  /** Too short to hold the headers the VRID is read from. */
  packet_len_err: number;
  /** Longer than the receive buffer (MSG_TRUNC). */
  truncated: number;
  /** IPv6: a multicast advert on a unicast instance or the reverse (keepalived drops them silently). */
  cast_mismatch: number;
  /** The instance was in INIT, FAULT or STOP (keepalived ignores adverts then). */
  not_running: number;
  /** Adverts that failed to go out (sendmsg errors). */
  send_err: number;
}

export function newSocketCounters(): SocketCounters {
  return { received: 0, vrid_err: 0, packet_len_err: 0, truncated: 0, cast_mismatch: 0, not_running: 0, send_err: 0 };
}

/** A datagram as the dispatcher sees it: the socket layer's message, addresses as text. */
export interface IncomingDatagram {
  /** IPv4: from the IP header on. IPv6: the VRRP message. */
  readonly data: Buffer;
  /** Sender (msg_name); undefined if the kernel gave none. */
  readonly source: string | undefined;
  /** IPv6: IPV6_PKTINFO destination. */
  readonly destination?: string;
  /** IPv6: IPV6_HOPLIMIT. */
  readonly hopLimit?: number;
  readonly truncated: boolean;
  /**
   * When the socket was seen readable, on performance.now()'s time line (systemClock's):
   * the datagram arrived no later. Absent from sources without a real socket.
   */
  readonly receivedAtMs?: number;
}

/** What the socket layer adds to the FSM's events. */
export type IoEvent =
  /** A pooled socket could not be opened (or reopened); its instances are in FAULT until it can. */
  | { readonly type: 'socketError'; readonly socket: string; readonly instances: readonly string[]; readonly detail: string }
  | { readonly type: 'socketOpened'; readonly socket: string; readonly instances: readonly string[] }
  /** A unicast instance with an empty peer list: it sends nothing (and with unicast_fault_no_peer is FAULT). */
  | { readonly type: 'noUnicastPeers'; readonly instance: string; readonly fault: boolean }
  | { readonly type: 'sendError'; readonly instance: string; readonly destination: string; readonly detail: string }
  /** A datagram dropped before any instance saw it. */
  | { readonly type: 'datagramDropped'; readonly socket: string; readonly source: string; readonly reason: keyof SocketCounters; readonly detail: string }
  | { readonly type: 'unknownVrid'; readonly socket: string; readonly source: string; readonly vrid: number }
  /** Split-brain hygiene: no valid advert from any configured unicast peer for Master_Down_Interval + one advert interval. */
  | { readonly type: 'unicastPeersSilent'; readonly instance: string; readonly peers: readonly string[]; readonly silentForMs: number; readonly state: VrrpState; readonly droppedFromPeers: number }
  | { readonly type: 'unicastPeerHeard'; readonly instance: string; readonly peer: string; readonly silentForMs: number };

export type RuntimeEvent = InstanceEvent | SyncGroupEvent | IoEvent;

/** A drop, from the dispatcher or an instance's guards, as the one drop log sees it. */
export interface DropRecord {
  /** The instance, or the socket when no instance was found. */
  readonly where: string;
  readonly source: string;
  readonly reason: DropReason | keyof SocketCounters;
  readonly detail: string;
}

/** Time and timers for the runtime; tests substitute a fake. */
export interface RuntimeClock {
  /** Monotonic ms, fractional. */
  now(): number;
  /**
   * Runs `run` after `delayMs`. `precise`: the caller cares about the last millisecond (a
   * BACKUP's Master_Down_Timer, whose expiry is the failover).
   */
  setTimeout(run: () => void, delayMs: number, precise?: boolean): unknown;
  clearTimeout(handle: unknown): void;
}

/** How early a precise timer wakes before its deadline to finish on the timerfd, ms. */
const PRECISE_LEAD_MS = 2;

interface PreciseTimer { timer: ReturnType<typeof setTimeout> | undefined; stretch: StretchHandle | undefined }

/** The last PRECISE_LEAD_MS of every precise timer of the process (final-stretch.ts). */
const finalStretch = new FinalStretch();

/**
 * Real time: performance.now() (monotonic, sub-ms) and Node's timers.
 *
 * Node's timers have a 1 ms resolution and run against libuv's cached loop time, so they can
 * fire a little early (the FSM absorbs that by re-arming) or a millisecond or more late; a
 * plain timer is rounded up to avoid the early re-arm. A precise timer wakes PRECISE_LEAD_MS
 * before its deadline and hands the rest to a timerfd armed for the exact deadline
 * (final-stretch.ts), so the loop sleeps until then and sockets are served meanwhile. Only
 * the BACKUP's Master_Down_Timer uses it: it is re-armed by every advert and expires only
 * when a master has died, while MASTER's advert timer, which expires every interval, stays a
 * plain timer.
 */
export const systemClock: RuntimeClock = {
  now: () => performance.now(),
  setTimeout(run, delayMs, precise = false) {
    if (!precise) return setTimeout(run, Math.max(0, Math.ceil(delayMs)));
    const deadline = performance.now() + delayMs;
    const handle: PreciseTimer = { timer: undefined, stretch: undefined };
    handle.timer = setTimeout(() => {
      handle.timer = undefined;
      handle.stretch = finalStretch.add(deadline, () => {
        handle.stretch = undefined;
        run();
      });
    }, Math.max(0, Math.floor(delayMs - PRECISE_LEAD_MS)));
    return handle;
  },
  clearTimeout(handle) {
    if (handle && typeof handle === 'object' && 'stretch' in handle) {
      const h = handle as PreciseTimer;
      if (h.timer !== undefined) clearTimeout(h.timer);
      if (h.stretch !== undefined) finalStretch.cancel(h.stretch);
      h.timer = undefined;
      h.stretch = undefined;
      return;
    }
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
