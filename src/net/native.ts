/**
 * Typed entry point to the native addon (native/, built by `npm ci`).
 *
 * The addon is a thin syscall layer: sockets of any family with raw sockaddr,
 * option and cmsg bytes, a libuv Poller for readiness, a SignalWatcher for the
 * realtime signals Node cannot catch, and setns/mlockall/sched_setscheduler.
 * Everything protocol-shaped is TypeScript on top (sockaddr.ts, cmsg.ts,
 * socket.ts, ...). This module only loads the binary, gives it types, and
 * checks once that the C ABI matches the layouts the TypeScript side writes.
 *
 * Errors from syscalls are `ErrnoError`s: `code` is the errno name ('EAGAIN',
 * 'ENOBUFS'), `errno` the positive number, `syscall` the failing call.
 * Calls never block: sends throw EAGAIN, recvmsg returns null on an empty queue.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Fd = number;

/** An Error raised by a failing syscall. */
export interface ErrnoError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export function isErrnoError(value: unknown): value is ErrnoError {
  return value instanceof Error && typeof (value as ErrnoError).errno === 'number' &&
    typeof (value as ErrnoError).code === 'string' && typeof (value as ErrnoError).syscall === 'string';
}

/** One received datagram, as recvmsg(2) returned it. */
export interface RecvResult {
  /** The payload, cut to maxData bytes. */
  data: Buffer;
  /** The source sockaddr (msg_name), raw; parse with sockaddr.ts. */
  addr: Buffer;
  /** Ancillary data (msg_control), raw; parse with cmsg.ts. */
  control: Buffer;
  /** msg_flags: MSG_TRUNC, MSG_CTRUNC, ... */
  flags: number;
  /** recvmsg's return value: the full datagram length when MSG_TRUNC was requested. */
  length: number;
  /** SO_TIMESTAMPNS sockets: ns since the kernel received the datagram (CLOCK_REALTIME, so it can be off if that clock steps). */
  ageNs?: number;
}

export interface PollerInstance {
  readonly fd: Fd;
  /** True while armed (libuv stops an errored watcher by itself: then false). */
  readonly active: boolean;
  start(events?: number): this;
  stop(): this;
  /** Releases the libuv handle; the fd itself is closed separately. */
  close(): void;
  /** Keep (default) or stop keeping the event loop alive while armed. */
  ref(): this;
  unref(): this;
}

export interface SignalWatcherInstance {
  readonly signal: number;
  start(): this;
  stop(): this;
  close(): void;
  ref(): this;
  unref(): this;
}

export interface NativeAddon {
  socket(family: number, type: number, protocol?: number): Fd;
  close(fd: Fd): void;
  bind(fd: Fd, sockaddr: Uint8Array): void;
  connect(fd: Fd, sockaddr: Uint8Array): void;
  getsockname(fd: Fd): Buffer;
  /** A number or boolean is passed as a C int, bytes as the raw option struct. */
  setsockopt(fd: Fd, level: number, name: number, value: number | boolean | Uint8Array): void;
  getsockopt(fd: Fd, level: number, name: number, maxLength: number): Buffer;
  getsockoptInt(fd: Fd, level: number, name: number): number;
  /** Reads and clears SO_ERROR: 0, or the errno of an asynchronous error. */
  takeSocketError(fd: Fd): number;
  /** SO_ATTACH_FILTER with a classic BPF program (8 bytes per instruction). */
  attachFilter(fd: Fd, program: Uint8Array): void;
  sendto(fd: Fd, data: Uint8Array, sockaddr?: Uint8Array | null, flags?: number): number;
  sendmsg(fd: Fd, iov: readonly Uint8Array[], sockaddr?: Uint8Array | null, control?: Uint8Array | null,
          flags?: number): number;
  recvmsg(fd: Fd, maxData?: number, maxControl?: number, flags?: number): RecvResult | null;
  ifNameToIndex(name: string): number;
  ifIndexToName(index: number): string;

  Poller: new (fd: Fd, onEvent: (status: number, events: number) => void) => PollerInstance;
  UV_READABLE: number;
  UV_WRITABLE: number;
  UV_DISCONNECT: number;
  UV_PRIORITIZED: number;
  /** The status libuv reports when poll(2) said POLLERR. */
  UV_EBADF: number;

  SignalWatcher: new (signal: number, onSignal: (signal: number) => void) => SignalWatcherInstance;
  /** The C library's SIGRTMIN/SIGRTMAX (34 and 64 with glibc). */
  SIGRTMIN: number;
  SIGRTMAX: number;

  /** A CLOCK_MONOTONIC timerfd (non-blocking, close-on-exec); watch it with a Poller, close() it. */
  timerfdCreate(): Fd;
  /** Arms it to expire once, `delayNs` from now; 0 disarms. */
  timerfdSet(fd: Fd, delayNs: number): void;
  /** Expirations since the last read; 0 when none. */
  timerfdRead(fd: Fd): number;
  /** prctl(PR_SET_TIMERSLACK) for the calling thread, ns (≥ 1). */
  setTimerSlack(ns: number): void;

  setns(fd: Fd, nstype: number): void;
  mlockall(flags: number): void;
  munlockall(): void;
  schedSetScheduler(policy: number, priority: number): void;
  schedGetScheduler(): { policy: number; priority: number };

  layout: { cmsgHeaderLength: number; cmsgAlign: number; sockaddrStorage: number };
  /** The header values of the names in constants.ts (for a unit test). */
  headerConstants: Record<string, number>;
}

/** The sizes cmsg.ts and sockaddr.ts are written for (LP64 Linux). */
const EXPECTED_LAYOUT = { cmsgHeaderLength: 16, cmsgAlign: 8, sockaddrStorage: 128 } as const;

function findAddon(): string {
  // This file runs as dist/src/net/native.js (or src/net/native.ts under a TS loader);
  // the addon is native/build/Release/ at the project root, found by walking up.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'native', 'build', 'Release', 'keepalived_native.node');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('keepalived-ts native addon not found (native/build/Release/keepalived_native.node); ' +
    'build it with `npm run build:native` (npm ci does this on install)');
}

function load(): NativeAddon {
  const addon = createRequire(import.meta.url)(findAddon()) as NativeAddon;
  for (const [key, value] of Object.entries(EXPECTED_LAYOUT)) {
    const actual = addon.layout[key as keyof typeof EXPECTED_LAYOUT];
    if (actual !== value) {
      throw new Error(`keepalived-ts native addon: ${key} is ${actual}, but the TypeScript layouts assume ${value}`);
    }
  }
  return addon;
}

/** The addon, loaded once on first import. */
export const native: NativeAddon = load();
