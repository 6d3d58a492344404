/**
 * RawSocket: one kernel socket of any family, with receives delivered as events.
 *
 * It owns an fd from the addon and a libuv Poller on it. When the fd becomes
 * readable, up to `drainLimit` datagrams are read with recvmsg and each is
 * emitted as a 'message' carrying the payload, the parsed source sockaddr and
 * what the IP cmsgs said (incoming ifindex, destination, TTL / hop limit).
 * Leaving the rest for the next loop turn keeps one busy socket from starving
 * timers; libuv polls level-triggered, so nothing is lost. Each message carries
 * `receivedAtMs` on performance.now()'s time line, for protocols whose timers run
 * from a packet's arrival (a VRRP backup's Master_Down_Timer): with
 * SO_TIMESTAMPNS set, the kernel's receive time (the addon returns its age,
 * which is subtracted from now); otherwise when the socket was seen readable,
 * taken before any recvmsg or parsing.
 *
 * Asynchronous socket errors are the subtle part (node-sockets.md, pitfall 5).
 * When the kernel flags an error on a socket (for instance ENOBUFS after a
 * netlink monitor's receive queue overflowed), poll(2) reports POLLERR, and
 * libuv turns that into status UV_EBADF and stops the watcher. RawSocket then
 * reads and clears SO_ERROR, re-arms the watcher, and emits 'error-recovered'
 * with an ErrnoError naming the real cause. The socket keeps working; a netlink
 * monitor uses the event to re-dump its state. recvmsg can report the same
 * pending error instead of poll, which takes the same path. Only errors that
 * mean the descriptor itself is unusable (EBADF, ENOTSOCK, EINVAL, EFAULT) are
 * emitted as 'error' and close the socket.
 *
 * Sends are synchronous and non-blocking: they return the byte count or throw
 * an ErrnoError (EAGAIN included) for the caller to count or retry.
 */
import { EventEmitter } from 'node:events';
import { getSystemErrorName } from 'node:util';
import { native, isErrnoError, type ErrnoError, type Fd, type PollerInstance } from './native.js';
import { MSG_CTRUNC, MSG_TRUNC, SO_BINDTODEVICE, SOL_SOCKET } from './constants.js';
import { parseSockaddr, type Sockaddr } from './sockaddr.js';
import { buildCmsgs, parseCmsgs, summarizeCmsgs, type Cmsg, type PacketInfo } from './cmsg.js';
import { interfaceNameOption } from './sockopt.js';

export interface RawSocketOptions {
  family: number;
  type: number;
  protocol?: number;
  /** Largest datagram read whole, bytes (longer ones arrive with truncated = true). Default 65536. */
  maxMessageSize?: number;
  /** Control buffer per message, bytes. Default 512. */
  maxControlSize?: number;
  /** Datagrams read per readiness callback before yielding to the loop. Default 64. */
  drainLimit?: number;
  /** Extra recvmsg flags, e.g. MSG_TRUNC to learn the real length of long datagrams. */
  receiveFlags?: number;
}

export interface ReceivedMessage extends PacketInfo {
  data: Buffer;
  /** The sender (msg_name), parsed. */
  source: Sockaddr;
  /** The sender's raw sockaddr bytes. */
  sourceBytes: Buffer;
  cmsgs: Cmsg[];
  /** The datagram was longer than maxMessageSize (MSG_TRUNC). */
  truncated: boolean;
  /** Some control data did not fit in maxControlSize (MSG_CTRUNC). */
  controlTruncated: boolean;
  /** recvmsg's return value (the full length if receiveFlags had MSG_TRUNC). */
  length: number;
  /**
   * performance.now(), ms: when the kernel received the datagram (SO_TIMESTAMPNS), else when
   * the socket was seen readable (drained messages) or receive() was called.
   */
  receivedAtMs: number;
}

export interface SendOptions {
  /** Destination sockaddr bytes (sockaddr.ts); omitted on connected sockets. */
  to?: Uint8Array | null;
  /** Ancillary data: cmsgs (cmsg.ts builders) or prebuilt control bytes. */
  control?: readonly Cmsg[] | Uint8Array | null;
  flags?: number;
}

export interface RawSocketEvents {
  message: [ReceivedMessage];
  /** An asynchronous socket error was cleared and receiving continues (e.g. ENOBUFS). */
  'error-recovered': [ErrnoError];
  error: [Error];
  close: [];
}

/** A kernel receive stamp older than this (ns) is taken for a CLOCK_REALTIME step and ignored. */
const MAX_STAMP_AGE_NS = 10e9;

/** Errors after which the descriptor cannot be used any more. */
const FATAL_ERRNO_NAMES = new Set(['EBADF', 'ENOTSOCK', 'EINVAL', 'EFAULT']);

function errnoError(errno: number, syscall: string): ErrnoError {
  let code: string;
  try {
    code = getSystemErrorName(-errno);
  } catch {
    code = 'EUNKNOWN';
  }
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno, syscall });
}

export class SocketClosedError extends Error {
  readonly code = 'ERR_SOCKET_CLOSED';
  constructor() {
    super('socket is closed');
  }
}

export class RawSocket extends EventEmitter<RawSocketEvents> {
  #fd: Fd;
  #poller: PollerInstance | null;
  #receiving = false;
  #closed = false;
  readonly #maxData: number;
  readonly #maxControl: number;
  readonly #drainLimit: number;
  readonly #receiveFlags: number;

  /** Opens a socket (always non-blocking and close-on-exec). */
  static open(options: RawSocketOptions): RawSocket {
    return new RawSocket(options, native.socket(options.family, options.type, options.protocol ?? 0));
  }

  private constructor(options: RawSocketOptions, fd: Fd) {
    super();
    this.#fd = fd;
    this.#maxData = options.maxMessageSize ?? 65536;
    this.#maxControl = options.maxControlSize ?? 512;
    this.#drainLimit = options.drainLimit ?? 64;
    this.#receiveFlags = options.receiveFlags ?? 0;
    if (!Number.isInteger(this.#drainLimit) || this.#drainLimit < 1) {
      native.close(fd);
      throw new RangeError(`drainLimit must be a positive integer, got ${options.drainLimit}`);
    }
    try {
      this.#poller = new native.Poller(fd, (status, events) => this.#onPoll(status, events));
    } catch (error) {
      native.close(fd);
      throw error;
    }
  }

  get fd(): Fd {
    this.#checkOpen();
    return this.#fd;
  }

  get closed(): boolean {
    return this.#closed;
  }

  bind(sockaddr: Uint8Array): this {
    native.bind(this.fd, sockaddr);
    return this;
  }

  connect(sockaddr: Uint8Array): this {
    native.connect(this.fd, sockaddr);
    return this;
  }

  /** The bound address (getsockname), e.g. the netlink port id the kernel chose. */
  localAddress(): Sockaddr {
    return parseSockaddr(native.getsockname(this.fd));
  }

  setOption(level: number, name: number, value: number | boolean | Uint8Array): this {
    native.setsockopt(this.fd, level, name, value);
    return this;
  }

  getOptionInt(level: number, name: number): number {
    return native.getsockoptInt(this.fd, level, name);
  }

  getOption(level: number, name: number, maxLength: number): Buffer {
    return native.getsockopt(this.fd, level, name, maxLength);
  }

  /** SO_BINDTODEVICE: only this interface's traffic; '' removes the binding. */
  bindToDevice(ifname: string): this {
    return this.setOption(SOL_SOCKET, SO_BINDTODEVICE, interfaceNameOption(ifname));
  }

  /** SO_ATTACH_FILTER with a classic BPF program (sockopt.ts builds them). */
  attachFilter(program: Uint8Array): this {
    native.attachFilter(this.fd, program);
    return this;
  }

  /** sendto(2): returns the bytes sent; throws an ErrnoError (EAGAIN too). */
  send(data: Uint8Array, to?: Uint8Array | null, flags = 0): number {
    return native.sendto(this.fd, data, to ?? null, flags);
  }

  /** sendmsg(2) with a gather list (a netlink batch, header + payload) and cmsgs. */
  sendMessage(iov: readonly Uint8Array[], options: SendOptions = {}): number {
    const control = options.control == null ? null
      : options.control instanceof Uint8Array ? options.control : buildCmsgs(options.control);
    return native.sendmsg(this.fd, iov, options.to ?? null, control, options.flags ?? 0);
  }

  /**
   * Reads one datagram now, without waiting: null when the queue is empty.
   * Throws the ErrnoError recvmsg reported (a pending ENOBUFS included).
   */
  receive(receivedAtMs = performance.now()): ReceivedMessage | null {
    const r = native.recvmsg(this.fd, this.#maxData, this.#maxControl, this.#receiveFlags);
    if (r === null) return null;
    const controlTruncated = (r.flags & MSG_CTRUNC) !== 0;
    let cmsgs: Cmsg[] = [];
    let info: PacketInfo = {};
    try {
      cmsgs = parseCmsgs(r.control);
      info = summarizeCmsgs(cmsgs);
    } catch (error) {
      // A cmsg cut short by MSG_CTRUNC cannot be decoded; anything else is a real bug.
      if (!controlTruncated) throw error;
    }
    // A kernel stamp older than now but not absurdly (a stepped CLOCK_REALTIME) wins.
    const age = r.ageNs;
    if (age !== undefined && age >= 0 && age < MAX_STAMP_AGE_NS) receivedAtMs = Math.min(receivedAtMs, performance.now() - age / 1e6);
    return {
      ...info, data: r.data, source: parseSockaddr(r.addr), sourceBytes: r.addr, cmsgs,
      truncated: (r.flags & MSG_TRUNC) !== 0, controlTruncated, length: r.length, receivedAtMs,
    };
  }

  /** Starts delivering 'message' events. */
  startReceiving(): this {
    this.#checkOpen();
    this.#receiving = true;
    this.#poller!.start(native.UV_READABLE);
    return this;
  }

  stopReceiving(): this {
    this.#receiving = false;
    this.#poller?.stop();
    return this;
  }

  /** Whether an armed socket keeps the event loop alive (it does by default). */
  ref(): this {
    this.#poller?.ref();
    return this;
  }

  unref(): this {
    this.#poller?.unref();
    return this;
  }

  /** Stops receiving and closes the fd; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiving = false;
    // The poll handle must let go of the fd before the fd is closed (libuv's rule).
    this.#poller?.close();
    this.#poller = null;
    native.close(this.#fd);
    this.#fd = -1;
    this.emit('close');
  }

  #checkOpen(): void {
    if (this.#closed) throw new SocketClosedError();
  }

  #onPoll(status: number, _events: number): void {
    // Before anything else: the closest this process gets to the datagrams' arrival.
    const readableAtMs = performance.now();
    if (this.#closed) return;
    if (status < 0) {
      // libuv saw POLLERR and stopped the watcher: find out why, clear it, re-arm.
      let errno: number;
      try {
        errno = native.takeSocketError(this.#fd);
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (errno === 0) {
        this.#fail(errnoError(-status, 'poll'));
        return;
      }
      if (this.#receiving) this.#poller!.start(native.UV_READABLE);
      this.emit('error-recovered', errnoError(errno, 'poll'));
    }
    this.#drain(readableAtMs);
  }

  /**
   * Emits the datagrams already queued now, as a readable poll would (up to `drainLimit`),
   * for a caller that knows an answer is waiting and must not wait a loop turn for it.
   */
  receivePending(): void {
    if (!this.#receiving || this.#closed) return;
    this.#drain(performance.now());
  }

  #drain(readableAtMs: number): void {
    for (let i = 0; i < this.#drainLimit && this.#receiving && !this.#closed; i++) {
      let message: ReceivedMessage | null;
      try {
        message = this.receive(readableAtMs);
      } catch (error) {
        if (isErrnoError(error) && !FATAL_ERRNO_NAMES.has(error.code)) {
          this.emit('error-recovered', error);
          continue;
        }
        this.#fail(error);
        return;
      }
      if (message === null) return;
      this.emit('message', message);
    }
  }

  #fail(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.stopReceiving();
    try {
      this.emit('error', err);
    } finally {
      this.close();
    }
  }
}
