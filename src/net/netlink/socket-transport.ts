/**
 * The real transport: a NETLINK_ROUTE or NETLINK_GENERIC socket from the native
 * addon (RawSocket), set up the way the request engine and the monitor need it.
 *
 * - NETLINK_EXT_ACK: errors come with the kernel's explanation ("Nexthop has invalid
 *   gateway"), which ends up in NetlinkError.extack and in the log line.
 * - NETLINK_CAP_ACK: an error echoes only the failed request's header, not the whole
 *   request, which keeps error ACKs small in big batches.
 * - A large receive queue (SO_RCVBUFFORCE, falling back to SO_RCVBUF without
 *   CAP_NET_ADMIN): the request engine sizes its ACK window from what the kernel
 *   grants, and a monitor survives event storms longer before it has to resync.
 *   keepalived's *_netlink_*_rcv_bufs without `_force` ask for the plain SO_RCVBUF
 *   only (mode 'plain'), which net.core.rmem_max caps.
 * - Multicast groups by NETLINK_ADD_MEMBERSHIP, which, unlike the bind() bitmask,
 *   reaches groups above 32.
 *
 * Loss is reported, never hidden: an asynchronous socket error (ENOBUFS after the
 * queue overflowed — RawSocket clears it and re-arms the poller) and a datagram cut
 * short by the receive buffer both become `overrun`, so the owner resyncs.
 */

import { RawSocket } from '../socket.js';
import { sockaddrNl } from '../sockaddr.js';
import { AF_NETLINK, NetlinkSockOpt, SOCK_RAW, SOL_NETLINK, SOL_SOCKET, SO_RCVBUF, SO_RCVBUFFORCE } from './constants.js';
import type { NetlinkTransport, TransportHandlers } from './transport.js';

export interface NetlinkSocketOptions {
  /** NETLINK_ROUTE (0) or NETLINK_GENERIC (16). */
  readonly protocol: number;
  /** Multicast groups to join (RTNLGRP_* numbers, or genl group ids). */
  readonly groups?: readonly number[];
  /** Receive queue to ask for, bytes; the kernel reports (and grants) twice this. Default 1 MiB. */
  readonly receiveBufferBytes?: number;
  /**
   * 'force' (default): SO_RCVBUFFORCE, which may exceed net.core.rmem_max, falling back to
   * SO_RCVBUF without CAP_NET_ADMIN. 'plain': SO_RCVBUF only, capped by rmem_max.
   */
  readonly receiveBufferMode?: ReceiveBufferMode;
  /** Largest datagram read whole, bytes. Default 64 KiB (the kernel's dump skbs stay below 32 KiB). */
  readonly maxDatagramBytes?: number;
}

export type ReceiveBufferMode = 'force' | 'plain';

export interface NetlinkSocketStats {
  truncated: number;
  asyncErrors: number;
}

class SocketTransport implements NetlinkTransport {
  readonly stats: NetlinkSocketStats = { truncated: 0, asyncErrors: 0 };
  readonly #socket: RawSocket;
  readonly receiveBufferBytes: number;
  readonly portId: number;

  constructor(options: NetlinkSocketOptions) {
    this.#socket = RawSocket.open({
      family: AF_NETLINK, type: SOCK_RAW, protocol: options.protocol,
      maxMessageSize: options.maxDatagramBytes ?? 65536,
    });
    try {
      const socket = this.#socket;
      socket.setOption(SOL_NETLINK, NetlinkSockOpt.EXT_ACK, 1);
      socket.setOption(SOL_NETLINK, NetlinkSockOpt.CAP_ACK, 1);
      const wanted = options.receiveBufferBytes ?? 1 << 20;
      if (options.receiveBufferMode === 'plain') {
        socket.setOption(SOL_SOCKET, SO_RCVBUF, wanted);
      } else {
        try {
          socket.setOption(SOL_SOCKET, SO_RCVBUFFORCE, wanted);
        } catch {
          // Without CAP_NET_ADMIN: the plain option, capped by net.core.rmem_max.
          socket.setOption(SOL_SOCKET, SO_RCVBUF, wanted);
        }
      }
      socket.bind(sockaddrNl(0, 0));
      for (const group of options.groups ?? []) socket.setOption(SOL_NETLINK, NetlinkSockOpt.ADD_MEMBERSHIP, group);
      this.receiveBufferBytes = socket.getOptionInt(SOL_SOCKET, SO_RCVBUF);
      const local = socket.localAddress();
      this.portId = local.family === 'netlink' ? local.pid : 0;
    } catch (err) {
      this.#socket.close();
      throw err;
    }
  }

  send(messages: readonly Buffer[]): void {
    this.#socket.sendMessage(messages, { to: sockaddrNl(0, 0) });
  }

  start(handlers: TransportHandlers): void {
    this.#socket.on('message', (m) => {
      if (m.truncated) {
        // Part of the datagram is gone; the messages in it cannot be trusted.
        this.stats.truncated++;
        handlers.overrun();
        return;
      }
      handlers.datagram(m.data);
    });
    this.#socket.on('error-recovered', () => {
      this.stats.asyncErrors++;
      handlers.overrun();
    });
    this.#socket.on('error', (err) => handlers.failed(err));
    this.#socket.startReceiving();
  }

  receiveNow(): void {
    this.#socket.receivePending();
  }

  close(): void {
    this.#socket.close();
  }
}

/** Opens, configures and binds a netlink socket; throws the errno error if any step fails. */
export function openNetlinkSocket(options: NetlinkSocketOptions): NetlinkTransport & { readonly stats: NetlinkSocketStats } {
  return new SocketTransport(options);
}
