/**
 * AF_UNIX datagram sockets, which Node's dgram module does not offer.
 *
 * Two users in keepalived: syslog through /dev/log and the systemd notify
 * socket. Both are one-way, connectionless and local, which is what a unix
 * datagram gives: every send is one whole message or an error, never a partial
 * write. Paths starting with '@' are Linux abstract-namespace names (systemd
 * writes NOTIFY_SOCKET that way); see sockaddr.ts.
 *
 * Sends never block: a full receiver queue is an EAGAIN ErrnoError, which the
 * callers treat as "drop and count" (a logger must not stall the VRRP loop the
 * way glibc's blocking syslog() can).
 */
import { EventEmitter } from 'node:events';
import { AF_UNIX, SOCK_DGRAM } from './constants.js';
import { sockaddrUn } from './sockaddr.js';
import { RawSocket } from './socket.js';

export interface UnixDatagramEvents {
  /** A datagram and the sender's path ('' for an unbound sender, '@name' for abstract). */
  message: [Buffer, string];
  error: [Error];
}

export class UnixDatagramSocket extends EventEmitter<UnixDatagramEvents> {
  readonly #socket: RawSocket;

  private constructor(socket: RawSocket) {
    super();
    this.#socket = socket;
    socket.on('message', (m) => this.emit('message', m.data, m.source.family === 'unix' ? m.source.path : ''));
    socket.on('error', (error) => this.emit('error', error));
  }

  /** An unbound, unconnected socket. */
  static open(): UnixDatagramSocket {
    return new UnixDatagramSocket(RawSocket.open({ family: AF_UNIX, type: SOCK_DGRAM }));
  }

  /** Binds to a path (the file must not exist) or an '@abstract' name. */
  bind(path: string): this {
    this.#socket.bind(sockaddrUn(path));
    return this;
  }

  /** Sets the default destination; sends to anyone else are then refused. */
  connect(path: string): this {
    this.#socket.connect(sockaddrUn(path));
    return this;
  }

  /** Sends to the connected peer; returns the bytes sent, throws an ErrnoError. */
  send(data: string | Uint8Array): number {
    return this.#socket.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** Sends to `path`; returns the bytes sent, throws an ErrnoError. */
  sendTo(data: string | Uint8Array, path: string): number {
    return this.#socket.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, sockaddrUn(path));
  }

  /** Starts 'message' events (for a bound socket). */
  startReceiving(): this {
    this.#socket.startReceiving();
    return this;
  }

  /** The bound path ('' if unbound). */
  localPath(): string {
    const address = this.#socket.localAddress();
    return address.family === 'unix' ? address.path : '';
  }

  unref(): this {
    this.#socket.unref();
    return this;
  }

  close(): void {
    this.#socket.close();
  }
}
