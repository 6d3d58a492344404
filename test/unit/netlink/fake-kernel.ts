/**
 * Test doubles for the netlink engine: a transport that records what is sent and
 * lets a test script the kernel's answers, and timers that only move when told.
 */

import type { NetlinkTransport, Timers, TransportHandlers } from '../../../src/net/netlink/transport.js';
import { decodeMessages, encodeErrorMessage, type NetlinkMessage } from '../../../src/net/netlink/message.js';

export class FakeKernel implements NetlinkTransport {
  readonly receiveBufferBytes: number;
  readonly portId: number;
  /** Each sendmsg, as the messages it carried. */
  readonly sendCalls: NetlinkMessage[][] = [];
  /** Answers queued by `respond`, delivered by `deliver()`. */
  readonly queued: Buffer[] = [];
  handlers: TransportHandlers | undefined;
  closed = false;
  /** Makes the next send throw this error. */
  failNextSend: Error | undefined;
  /** Called for every message sent; returns the datagrams the kernel would queue. */
  respond: (msg: NetlinkMessage) => Buffer[] = (msg) => [ack(msg, 0, this.portId)];

  constructor(options: { receiveBufferBytes?: number; portId?: number } = {}) {
    this.receiveBufferBytes = options.receiveBufferBytes ?? 212992;
    this.portId = options.portId ?? 4242;
  }

  send(messages: readonly Buffer[]): void {
    if (this.failNextSend) {
      const err = this.failNextSend;
      this.failNextSend = undefined;
      throw err;
    }
    const decoded = messages.flatMap((m) => decodeMessages(m));
    this.sendCalls.push(decoded);
    for (const msg of decoded) this.queued.push(...this.respond(msg));
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers every queued answer, one datagram each. */
  deliver(): void {
    for (const d of this.queued.splice(0)) this.handlers!.datagram(d);
  }

  get sentMessages(): NetlinkMessage[] {
    return this.sendCalls.flat();
  }
}

/** An ACK (errno 0) or error for `msg`, as the kernel builds it with NETLINK_CAP_ACK. */
export function ack(msg: NetlinkMessage, errno: number, pid: number, extackMessage?: string): Buffer {
  return encodeErrorMessage({
    errno, pid,
    request: { len: 16 + msg.payload.length, type: msg.type, flags: msg.flags, seq: msg.seq, pid: 0 },
    ...(extackMessage === undefined ? {} : { extackMessage }),
  });
}

export class FakeTimers implements Timers {
  now = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
  }
}

/** Lets queued microtasks (the engine's send pump) and promise callbacks run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
