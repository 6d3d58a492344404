/**
 * The seam between netlink logic and the socket it runs on.
 *
 * The request engine and the monitor need only four things from a socket: send a
 * batch of messages in one sendmsg, hear about each received datagram, hear that the
 * kernel dropped messages (ENOBUFS), and hear that the socket died. Keeping that in
 * a small interface lets the unit tests drive the engine with a fake kernel (no
 * sockets, no timers of their own) and lets the real socket (socket-transport.ts)
 * stay a thin adapter over the native RawSocket.
 */

export interface TransportHandlers {
  /** One datagram as read by recvmsg: one or more netlink messages. */
  datagram(data: Buffer): void;
  /**
   * The kernel dropped messages for this socket because its receive queue was full
   * (ENOBUFS). Replies or events were lost; which ones is unknowable.
   */
  overrun(): void;
  /** The socket failed for good; nothing more will arrive. */
  failed(err: Error): void;
}

export interface NetlinkTransport {
  /**
   * Bytes of receive queue (SO_RCVBUF as the kernel reports it, i.e. doubled). The
   * request engine sizes how many ACK-bearing requests may be outstanding from it.
   */
  readonly receiveBufferBytes: number;
  /** The port id (nl_pid) the kernel assigned to this socket; 0 if not known. */
  readonly portId: number;
  /** Sends the messages in one sendmsg (one skb for the kernel). Throws an errno error. */
  send(messages: readonly Buffer[]): void;
  /** Starts delivering to `handlers`. Called once. */
  start(handlers: TransportHandlers): void;
  /**
   * Delivers what is already in the receive queue now, instead of at the event loop's next
   * poll (the kernel answers most rtnetlink requests inside the sendmsg that carried them).
   */
  receiveNow?(): void;
  /** Stops delivering and releases the socket. Safe to call twice. */
  close(): void;
}

/** The two timer functions the engine uses, injectable so tests control time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // Pending netlink requests must not keep a daemon that is shutting down alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
