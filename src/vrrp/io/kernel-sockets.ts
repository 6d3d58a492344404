/**
 * The kernel side of the socket pool: which options a VRRP receive or send socket gets, and
 * the raw sockets that carry them.
 *
 * The options are keepalived 2.2.7's (vrrp.c open_vrrp_read_socket / open_vrrp_send_socket,
 * vrrp_if.c if_setsockopt_*), written down as *plans*: ordered lists of steps that say what is
 * set, why, and whether a failure is fatal. A plan is pure data, so unit tests check every
 * family/mode combination without root; `applyPlan` runs one against a RawSocket.
 *
 * Receive socket (one per SocketKey, shared by every instance on it):
 *   SO_RCVBUF            the sum of the instances' kernel_rx_buf_size, when any is set
 *   IP(V6)_MULTICAST_ALL 0: only the groups this socket joined, not every group the host joined
 *   multicast: IP(V6)_ADD_MEMBERSHIP of the group on the interface, then bind() to the group
 *              so unicast VRRP to this host is not read here (failure is only logged, as in
 *              keepalived: the dispatcher also drops IPv6 cast mismatches)
 *   unicast:   bind() to unicast_src_ip; failure is fatal ("src address not configured")
 *   IPv6: IPV6_RECVHOPLIMIT and IPV6_RECVPKTINFO, the hop limit and destination cmsgs
 *         (IPv4 raw sockets deliver the IP header, which carries both)
 *   SO_BINDTODEVICE      only this interface's packets
 *   IPv6: IPV6_CHECKSUM 6, so the kernel verifies the VRRP checksum with the pseudo-header
 *   SO_TIMESTAMPNS       ours: the kernel's receive time on each advert, so a backup's
 *                        Master_Down_Timer runs from the advert's arrival, not from when
 *                        the event loop got to it (best effort: without it, the poll time)
 *
 * Send socket:
 *   SO_RCVBUF 0 and a BPF filter that accepts nothing: it never receives
 *   IP(V6)_MULTICAST_ALL 0
 *   IPv4: IP_HDRINCL, since AdvertBuilder writes the whole datagram (the AH ICV covers the
 *         IP header, and keepalived numbers its IP IDs itself)
 *   IPv6: IPV6_CHECKSUM 6, the kernel fills the checksum; multicast: IPV6_MULTICAST_HOPS 255
 *   SO_BINDTODEVICE; multicast: IP(V6)_MULTICAST_IF the interface, IP(V6)_MULTICAST_LOOP 0
 *   IP_TOS / IPV6_TCLASS 0xc0 (network control, DSCP CS6)
 */

import {
  IPPROTO_IP, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, IPV6_CHECKSUM, IPV6_MULTICAST_ALL, IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO, IPV6_TCLASS, IP_ADD_MEMBERSHIP,
  IP_HDRINCL, IP_MULTICAST_ALL, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_TOS, MSG_DONTROUTE, SOCK_RAW,
  SOL_SOCKET, SO_BINDTODEVICE, SO_RCVBUF, SO_TIMESTAMPNS, AF_INET, AF_INET6,
} from '../../net/constants.js';
import { ipv6HopLimit, ipv6Pktinfo, type Cmsg } from '../../net/cmsg.js';
import { sockaddrIn, sockaddrIn6 } from '../../net/sockaddr.js';
import { bpfRejectAll, interfaceNameOption, ipMreqn, ipv6Mreq } from '../../net/sockopt.js';
import { RawSocket, type ReceivedMessage } from '../../net/socket.js';
import { TOS_NETWORK_CONTROL, isIpv6LinkLocal, isMulticast } from '../packet/index.js';
import type { IncomingDatagram, SocketKey } from './types.js';

/** One step of a socket's set-up. `fatal`: a failure closes the socket and fails the open. */
export type SocketStep =
  | { readonly kind: 'option'; readonly label: string; readonly level: number; readonly name: number; readonly value: number | Buffer; readonly fatal: boolean }
  | { readonly kind: 'bind'; readonly label: string; readonly address: Buffer; readonly fatal: boolean }
  | { readonly kind: 'filter'; readonly label: string; readonly program: Buffer; readonly fatal: boolean };

const option = (label: string, level: number, name: number, value: number | Buffer, fatal = true): SocketStep =>
  ({ kind: 'option', label, level, name, value, fatal });

/** Link-scoped IPv6 addresses (fe80::/10, ff02::/16) need the interface as scope id. */
function sockaddrFor(address: string, family: 'inet' | 'inet6', ifindex: number | undefined): Buffer {
  if (family === 'inet') return sockaddrIn(address);
  const linkScoped = isIpv6LinkLocal(address) || (isMulticast(address) && /^ff[0-9a-f]2:/i.test(address));
  return sockaddrIn6(address, 0, linkScoped ? (ifindex ?? 0) : 0);
}

function multicastAllOff(family: 'inet' | 'inet6'): SocketStep {
  return family === 'inet'
    ? option('IP_MULTICAST_ALL 0', IPPROTO_IP, IP_MULTICAST_ALL, 0)
    : option('IPV6_MULTICAST_ALL 0', IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
}

/** The receive socket's set-up, in keepalived's order. */
export function receiveSocketPlan(key: SocketKey, receiveBufferBytes: number): SocketStep[] {
  const steps: SocketStep[] = [];
  const v4 = key.family === 'inet';
  if (receiveBufferBytes > 0) steps.push(option(`SO_RCVBUF ${receiveBufferBytes}`, SOL_SOCKET, SO_RCVBUF, receiveBufferBytes, false));
  steps.push(multicastAllOff(key.family));
  if (key.mode === 'multicast') {
    steps.push(v4
      ? option(`IP_ADD_MEMBERSHIP ${key.group} on ${key.link.name}`, IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(key.group, key.link.index))
      : option(`IPV6_ADD_MEMBERSHIP ${key.group} on ${key.link.name}`, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ipv6Mreq(key.group, key.link.index)));
    steps.push({ kind: 'bind', label: `bind ${key.group}`, address: sockaddrFor(key.group, key.family, key.link.index), fatal: false });
  } else {
    steps.push({ kind: 'bind', label: `bind unicast_src_ip ${key.source}`, address: sockaddrFor(key.source, key.family, key.link?.index), fatal: true });
  }
  if (!v4) {
    steps.push(option('IPV6_RECVHOPLIMIT 1', IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, false));
    steps.push(option('IPV6_RECVPKTINFO 1', IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, false));
  }
  if (key.link) steps.push(option(`SO_BINDTODEVICE ${key.link.name}`, SOL_SOCKET, SO_BINDTODEVICE, interfaceNameOption(key.link.name)));
  if (!v4) steps.push(option('IPV6_CHECKSUM 6', IPPROTO_IPV6, IPV6_CHECKSUM, 6));
  steps.push(option('SO_TIMESTAMPNS 1', SOL_SOCKET, SO_TIMESTAMPNS, 1, false));
  return steps;
}

/** The send socket's set-up, in keepalived's order. */
export function sendSocketPlan(key: SocketKey): SocketStep[] {
  const steps: SocketStep[] = [option('SO_RCVBUF 0', SOL_SOCKET, SO_RCVBUF, 0, false), multicastAllOff(key.family)];
  const v4 = key.family === 'inet';
  const multicast = key.mode === 'multicast';
  if (v4) {
    steps.push(option('IP_HDRINCL 1', IPPROTO_IP, IP_HDRINCL, 1));
  } else {
    steps.push(option('IPV6_CHECKSUM 6', IPPROTO_IPV6, IPV6_CHECKSUM, 6));
    // RFC 5798 §5.1.2.3: the hop limit MUST be 255.
    if (multicast) steps.push(option('IPV6_MULTICAST_HOPS 255', IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255));
  }
  if (key.link) {
    steps.push(option(`SO_BINDTODEVICE ${key.link.name}`, SOL_SOCKET, SO_BINDTODEVICE, interfaceNameOption(key.link.name)));
    if (multicast) {
      steps.push(v4
        ? option(`IP_MULTICAST_IF ${key.link.name}`, IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', key.link.index))
        : option(`IPV6_MULTICAST_IF ${key.link.name}`, IPPROTO_IPV6, IPV6_MULTICAST_IF, key.link.index));
      steps.push(v4
        ? option('IP_MULTICAST_LOOP 0', IPPROTO_IP, IP_MULTICAST_LOOP, 0)
        : option('IPV6_MULTICAST_LOOP 0', IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0));
    }
  }
  steps.push(v4
    ? option('IP_TOS 0xc0', IPPROTO_IP, IP_TOS, TOS_NETWORK_CONTROL)
    : option('IPV6_TCLASS 0xc0', IPPROTO_IPV6, IPV6_TCLASS, TOS_NETWORK_CONTROL));
  steps.push({ kind: 'filter', label: 'SO_ATTACH_FILTER reject all', program: bpfRejectAll(), fatal: true });
  return steps;
}

/** A step that could not be applied. */
export class SocketSetupError extends Error {
  readonly code = 'EVRRPSOCKET';
  constructor(readonly socket: string, readonly step: string, cause: unknown) {
    super(`${socket}: ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SocketSetupError';
  }
}

/**
 * Runs a plan. Returns the messages of non-fatal failures (for the log); throws a
 * SocketSetupError on a fatal one (the caller closes the socket).
 */
export function applyPlan(socket: RawSocket, plan: readonly SocketStep[], name: string): string[] {
  const warnings: string[] = [];
  for (const step of plan) {
    try {
      if (step.kind === 'option') socket.setOption(step.level, step.name, step.value);
      else if (step.kind === 'bind') socket.bind(step.address);
      else socket.attachFilter(step.program);
    } catch (error) {
      if (step.fatal) throw new SocketSetupError(name, step.label, error);
      warnings.push(`${name}: ${step.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return warnings;
}

// --- channels: what the pool holds ---------------------------------------------------------

export interface ReceiveChannel {
  /** The kernel descriptor, for dumps (keepalived's fd_in); undefined when not known or closed. */
  readonly fd?: number | undefined;
  /** Starts delivering datagrams; `onError(error, fatal)`: fatal means the socket is gone. */
  start(onDatagram: (datagram: IncomingDatagram) => void, onError: (error: Error, fatal: boolean) => void): void;
  setReceiveBuffer(bytes: number): void;
  close(): void;
}

export interface SendOptions {
  /** Multicast adverts go out with MSG_DONTROUTE (keepalived). */
  readonly dontRoute: boolean;
  /** IPv6: source address for IPV6_PKTINFO (IPv4 carries it in the header). */
  readonly source?: string;
  /** IPv6 unicast_ttl: the hop limit cmsg. */
  readonly hopLimit?: number;
}

export interface SendChannel {
  /** The kernel descriptor, for dumps (keepalived's fd_out); undefined when not known or closed. */
  readonly fd?: number | undefined;
  /** Throws the ErrnoError of a failed sendmsg. */
  send(bytes: Buffer, destination: string, options: SendOptions): void;
  close(): void;
}

export interface OpenedChannel<T> {
  readonly channel: T;
  readonly warnings: readonly string[];
}

/** Opens the kernel sockets of a pool entry; tests substitute an in-memory one. */
export interface SocketFactory {
  openReceive(key: SocketKey, name: string, receiveBufferBytes: number): OpenedChannel<ReceiveChannel>;
  openSend(key: SocketKey, name: string): OpenedChannel<SendChannel>;
}

/** Bound on a send socket's sockaddr cache (unicast peers of every instance sharing it). */
const MAX_CACHED_SOCKADDRS = 1024;

/** Largest datagram read whole: 255 IPv6 addresses make 4,088 bytes of VRRP. */
const MAX_DATAGRAM = 8192;

function toDatagram(m: ReceivedMessage): IncomingDatagram {
  const source = m.source.family === 'inet' || m.source.family === 'inet6' ? m.source.address : undefined;
  return {
    data: m.data, source, truncated: m.truncated, receivedAtMs: m.receivedAtMs,
    ...(m.destination !== undefined ? { destination: m.destination } : {}),
    ...(m.hopLimit !== undefined ? { hopLimit: m.hopLimit } : {}),
  };
}

function openRaw(key: SocketKey): RawSocket {
  return RawSocket.open({ family: key.family === 'inet' ? AF_INET : AF_INET6, type: SOCK_RAW, protocol: key.protocol, maxMessageSize: MAX_DATAGRAM });
}

function setUp<T>(socket: RawSocket, plan: readonly SocketStep[], name: string, make: () => T): OpenedChannel<T> {
  try {
    return { warnings: applyPlan(socket, plan, name), channel: make() };
  } catch (error) {
    socket.close();
    throw error;
  }
}

/** Raw IPv4/IPv6 sockets through the native addon (needs CAP_NET_RAW). */
export const kernelSocketFactory: SocketFactory = {
  openReceive(key, name, receiveBufferBytes) {
    const socket = openRaw(key);
    return setUp(socket, receiveSocketPlan(key, receiveBufferBytes), name, () => ({
      get fd() {
        return socket.closed ? undefined : socket.fd;
      },
      start(onDatagram, onError) {
        socket.on('message', (m) => onDatagram(toDatagram(m)));
        socket.on('error-recovered', (e) => onError(e, false));
        socket.on('error', (e) => onError(e, true));
        socket.startReceiving();
      },
      setReceiveBuffer(bytes) {
        socket.setOption(SOL_SOCKET, SO_RCVBUF, bytes);
      },
      close() {
        socket.close();
      },
    }));
  },
  openSend(key, name) {
    const socket = openRaw(key);
    const ifindex = key.link?.index;
    // The destinations of a send socket are its instances' group or peers: a handful of
    // addresses, encoded once instead of on every advert.
    const sockaddrs = new Map<string, Buffer>();
    const sockaddrOf = (destination: string): Buffer => {
      let to = sockaddrs.get(destination);
      if (to === undefined) {
        to = sockaddrIn(destination);
        if (sockaddrs.size >= MAX_CACHED_SOCKADDRS) sockaddrs.clear();
        sockaddrs.set(destination, to);
      }
      return to;
    };
    return setUp(socket, sendSocketPlan(key), name, () => ({
      get fd() {
        return socket.closed ? undefined : socket.fd;
      },
      send(bytes, destination, options) {
        const flags = options.dontRoute ? MSG_DONTROUTE : 0;
        if (key.family === 'inet') {
          socket.send(bytes, sockaddrOf(destination), flags);
          return;
        }
        const control: Cmsg[] = [ipv6Pktinfo({ ...(options.source ? { source: options.source } : {}), ifindex: ifindex ?? 0 })];
        if (options.hopLimit !== undefined) control.push(ipv6HopLimit(options.hopLimit));
        socket.sendMessage([bytes], { to: sockaddrFor(destination, 'inet6', ifindex), control, flags });
      },
      close() {
        socket.close();
      },
    }));
  },
};
