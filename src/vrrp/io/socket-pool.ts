/**
 * The socket pool (the VRRPv2 paper's "socket pool", keepalived vrrp_scheduler.c
 * vrrp_create_sockpool / open_sockpool_socket).
 *
 * Every instance on an interface does not get its own socket: instances that agree on family,
 * IP protocol (112, or 51 for IPsec-AH), interface, and multicast group or unicast source
 * share one receive socket and one send socket, and received adverts are demultiplexed by
 * VRID. A thousand instances on four interfaces thus cost eight descriptors, and each
 * datagram is read once, not once per instance.
 *
 * A PooledSocket is created when the first instance attaches and closed when the last one
 * detaches. Its VRID table allows one instance per VRID, except on a unicast socket, where
 * instances may share a VRID if their peer lists are disjoint (keepalived's
 * UNICAST_DUPLICATE_VRID: the dispatcher then picks by the sender's address).
 *
 * Failure is a state, not an exception: when the kernel refuses a socket (the interface is
 * gone, unicast_src_ip is not configured yet), the entry stays in the pool with its error,
 * its instances are told (they go to FAULT), and the pool retries it every `retryMs` until
 * it opens, then tells them again. The same happens when an open socket fails for good.
 * The pool knows nothing of VRRP packets: datagrams go to `onDatagram` (the dispatcher).
 */

import { canonicalAddress } from '../packet/index.js';
import type { ReceiveChannel, SendChannel, SendOptions, SocketFactory } from './kernel-sockets.js';
import { ReceivedPacket } from '../receive-checks.js';
import { IncomingDatagram, RuntimeClock, SocketCounters, SocketKey, newSocketCounters, socketKeyId, systemClock } from './types.js';

const NOT_OPENED = 'not opened yet';

/** What the pool and the dispatcher know of an instance. */
export interface VridEndpoint {
  readonly name: string;
  readonly vrid: number;
  readonly unicast: boolean;
  /** Canonical texts of its unicast peers (to pick among instances sharing a VRID). */
  readonly peerKeys: ReadonlySet<string>;
  /** BACKUP or MASTER: adverts are processed only then (keepalived ignores them in INIT/FAULT). */
  readonly running: boolean;
  deliver(packet: ReceivedPacket): void;
  /** The shared socket opened (`error` undefined) or failed. */
  socketStateChanged(socket: PooledSocket, error: string | undefined): void;
}

/** Two instances that cannot share a socket's VRID. A configuration error. */
export class VridConflictError extends Error {
  readonly code = 'EVRRPVRID';
  constructor(socket: string, vrid: number, a: string, b: string) {
    super(`(${b}) VRID ${vrid} is already used by (${a}) on ${socket}; give one of them another virtual_router_id` +
      ' (unicast instances may share a VRID only with disjoint unicast_peer lists)');
    this.name = 'VridConflictError';
  }
}

export class PooledSocket {
  readonly id: string;
  readonly counters: SocketCounters = newSocketCounters();
  /** Why the socket is not open (undefined while open). */
  error: string | undefined = NOT_OPENED;
  receiver: ReceiveChannel | undefined;
  sender: SendChannel | undefined;
  readonly #byVrid = new Map<number, VridEndpoint[]>();
  readonly #receiveBuffers = new Map<VridEndpoint, number>();
  retryTimer: unknown;

  constructor(readonly key: SocketKey) {
    this.id = socketKeyId(key);
  }

  get isOpen(): boolean {
    return this.error === undefined;
  }

  get endpoints(): VridEndpoint[] {
    return [...this.#byVrid.values()].flat();
  }

  get vrids(): number[] {
    return [...this.#byVrid.keys()].sort((a, b) => a - b);
  }

  endpointsFor(vrid: number): readonly VridEndpoint[] {
    return this.#byVrid.get(vrid) ?? [];
  }

  /** The SO_RCVBUF the socket wants: the sum of its instances' kernel_rx_buf_size. */
  get receiveBufferBytes(): number {
    let sum = 0;
    for (const bytes of this.#receiveBuffers.values()) sum += bytes;
    return sum;
  }

  /** Sends one datagram; throws when the socket is not open or the kernel refuses. */
  send(bytes: Buffer, destination: string, options: SendOptions): void {
    if (!this.sender) throw new Error(`${this.id} is not open (${this.error ?? 'closed'})`);
    this.sender.send(bytes, destination, options);
  }

  add(endpoint: VridEndpoint, receiveBufferBytes: number): void {
    const same = this.#byVrid.get(endpoint.vrid) ?? [];
    for (const other of same) {
      const disjoint = endpoint.unicast && other.unicast && endpoint.peerKeys.size > 0 && other.peerKeys.size > 0 &&
        [...endpoint.peerKeys].every((p) => !other.peerKeys.has(p));
      if (!disjoint) throw new VridConflictError(this.id, endpoint.vrid, other.name, endpoint.name);
    }
    this.#byVrid.set(endpoint.vrid, [...same, endpoint]);
    this.#receiveBuffers.set(endpoint, receiveBufferBytes);
  }

  remove(endpoint: VridEndpoint): void {
    const rest = (this.#byVrid.get(endpoint.vrid) ?? []).filter((e) => e !== endpoint);
    if (rest.length > 0) this.#byVrid.set(endpoint.vrid, rest);
    else this.#byVrid.delete(endpoint.vrid);
    this.#receiveBuffers.delete(endpoint);
  }
}

export interface SocketPoolOptions {
  readonly factory: SocketFactory;
  /** Every datagram read from any pooled socket. */
  readonly onDatagram: (socket: PooledSocket, datagram: IncomingDatagram) => void;
  /** Non-fatal set-up failures and recovered socket errors, for the log. */
  readonly onWarning: (message: string) => void;
  /** A socket failed to open or failed for good. */
  readonly onSocketError?: (socket: PooledSocket, detail: string) => void;
  /** A socket that had failed is open again. */
  readonly onSocketOpened?: (socket: PooledSocket) => void;
  /** Retry period for failed sockets, ms. Default 2000. */
  readonly retryMs?: number;
  readonly clock?: RuntimeClock;
}

export class SocketPool {
  readonly #sockets = new Map<string, PooledSocket>();
  readonly #retryMs: number;
  readonly #clock: RuntimeClock;
  #closed = false;

  constructor(private readonly options: SocketPoolOptions) {
    this.#retryMs = options.retryMs ?? 2000;
    this.#clock = options.clock ?? systemClock;
  }

  get sockets(): PooledSocket[] {
    return [...this.#sockets.values()];
  }

  /**
   * Attaches an instance, opening the socket if it is the first. Throws VridConflictError;
   * a socket that cannot open is reported through `endpoint.socketStateChanged`.
   */
  attach(key: SocketKey, endpoint: VridEndpoint, receiveBufferBytes = 0): PooledSocket {
    if (this.#closed) throw new Error('the socket pool is closed');
    const id = socketKeyId(key);
    let socket = this.#sockets.get(id);
    const fresh = socket === undefined;
    socket ??= new PooledSocket(key);
    socket.add(endpoint, receiveBufferBytes);
    if (fresh) {
      this.#sockets.set(id, socket);
      this.#open(socket);
    } else if (socket.isOpen && receiveBufferBytes > 0) {
      this.#resizeReceiveBuffer(socket);
    }
    endpoint.socketStateChanged(socket, socket.error);
    return socket;
  }

  /** Detaches an instance; the last one out closes the socket. */
  detach(socket: PooledSocket, endpoint: VridEndpoint): void {
    socket.remove(endpoint);
    if (socket.endpoints.length > 0) return;
    this.#shut(socket);
    this.#sockets.delete(socket.id);
  }

  /** Closes every socket (instances should have been stopped first). */
  close(): void {
    this.#closed = true;
    for (const socket of this.#sockets.values()) this.#shut(socket);
    this.#sockets.clear();
  }

  #open(socket: PooledSocket): void {
    const { factory } = this.options;
    try {
      const rx = factory.openReceive(socket.key, socket.id, socket.receiveBufferBytes);
      let tx;
      try {
        tx = factory.openSend(socket.key, socket.id);
      } catch (error) {
        rx.channel.close();
        throw error;
      }
      socket.receiver = rx.channel;
      socket.sender = tx.channel;
      const recovered = socket.error !== NOT_OPENED;
      socket.error = undefined;
      for (const w of [...rx.warnings, ...tx.warnings]) this.options.onWarning(w);
      rx.channel.start((d) => this.options.onDatagram(socket, d), (error, fatal) => this.#onSocketFailure(socket, error, fatal));
      if (recovered) this.options.onSocketOpened?.(socket);
    } catch (error) {
      this.#fail(socket, error instanceof Error ? error.message : String(error));
    }
  }

  #onSocketFailure(socket: PooledSocket, error: Error, fatal: boolean): void {
    if (!fatal) {
      this.options.onWarning(`${socket.id}: ${error.message} (recovered)`);
      return;
    }
    this.#fail(socket, error.message);
    for (const e of socket.endpoints) e.socketStateChanged(socket, socket.error);
  }

  #fail(socket: PooledSocket, detail: string): void {
    const previous = socket.error;
    this.#closeChannels(socket);
    socket.error = detail;
    // Report each new reason once, not every retry.
    if (previous !== detail) this.options.onSocketError?.(socket, detail);
    this.#scheduleRetry(socket);
  }

  #scheduleRetry(socket: PooledSocket): void {
    if (this.#closed || socket.retryTimer !== undefined) return;
    socket.retryTimer = this.#clock.setTimeout(() => {
      socket.retryTimer = undefined;
      if (this.#closed || this.#sockets.get(socket.id) !== socket) return;
      this.#open(socket);
      if (socket.isOpen) for (const e of socket.endpoints) e.socketStateChanged(socket, undefined);
    }, this.#retryMs);
  }

  #resizeReceiveBuffer(socket: PooledSocket): void {
    try {
      socket.receiver?.setReceiveBuffer(socket.receiveBufferBytes);
    } catch (error) {
      this.options.onWarning(`${socket.id}: SO_RCVBUF ${socket.receiveBufferBytes} failed: ${(error as Error).message}`);
    }
  }

  #shut(socket: PooledSocket): void {
    if (socket.retryTimer !== undefined) this.#clock.clearTimeout(socket.retryTimer);
    socket.retryTimer = undefined;
    this.#closeChannels(socket);
    socket.error = 'closed';
  }

  #closeChannels(socket: PooledSocket): void {
    socket.receiver?.close();
    socket.sender?.close();
    socket.receiver = undefined;
    socket.sender = undefined;
  }
}

/** Canonical text of a peer address, or the text itself if it does not parse. */
export function peerKey(address: string): string {
  try {
    return canonicalAddress(address);
  } catch {
    return address;
  }
}
