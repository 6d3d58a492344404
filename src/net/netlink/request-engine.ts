/**
 * The request engine: sends netlink requests on one socket and matches the kernel's
 * answers to them.
 *
 * Every request goes out with NLM_F_REQUEST | NLM_F_ACK and its own sequence number.
 * The kernel answers each one, in order, with zero or more data messages and then
 * exactly one terminator: NLMSG_ERROR (error 0 is the ACK) for ordinary requests,
 * NLMSG_DONE for dumps (or NLMSG_ERROR if the dump could not start). The engine
 * collects the data messages per sequence number and settles the request's promise
 * on its terminator; an error becomes a NetlinkError whose `code` is the errno name.
 *
 * Batching. Requests made in the same tick are written in one sendmsg — the kernel
 * processes them one by one and keeps going after a failure, so 255 addresses cost
 * one syscall instead of 255. The catch (reference/node-sockets.md, "Netlink batch
 * limits"): every ACK is its own skb in our receive queue, about 830 bytes of
 * truesize, so a default 208 KiB queue holds only ~256 of them and a 1000-request
 * batch loses the rest to ENOBUFS. The engine therefore keeps at most `ackWindow`
 * requests outstanding — derived from the socket's receive buffer, leaving room for
 * dump replies — and sends the next chunk as answers come back. The socket transport
 * enlarges the buffer with SO_RCVBUFFORCE, so in practice a few hundred requests go
 * in one sendmsg; with a small buffer they go in several, never overflowing.
 *
 * Dumps. A netlink socket runs one dump at a time (a second one gets EBUSY), so dumps
 * are serialised. A dump whose data may be inconsistent (NLM_F_DUMP_INTR, or an
 * overrun while it ran) is repeated, up to `dumpRetries` times, so callers always get
 * a coherent snapshot or an error.
 *
 * Timeouts. A request unanswered after `timeoutMs` is rejected with ETIMEDOUT; a late
 * answer is then dropped as unmatched. Dropped and garbled messages are counted in
 * `stats`, never thrown: bytes from the kernel do not crash the daemon.
 */

import { NLMSG_HDRLEN, NlmF, NlmsgType } from './constants.js';
import { EBUSY, ECANCELED, EINTR, ETIMEDOUT, NetlinkError, errnoNumber, type RequestInfo } from './errors.js';
import { decodeDonePayload, decodeErrorPayload, decodeMessages, encodeMessage, type NetlinkMessage, type NetlinkRequest } from './message.js';
import { realTimers, type NetlinkTransport, type Timers } from './transport.js';

export interface RequestEngineOptions {
  /** Per-request answer deadline, milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  readonly timers?: Timers;
  /** Receive-queue bytes one outstanding ACK is assumed to take (skb truesize). Default 1024. */
  readonly ackTruesize?: number;
  /** Receive-queue bytes kept free for dump replies and error texts. Default 64 KiB. */
  readonly dumpReserveBytes?: number;
  /** Largest sendmsg, bytes (the kernel refuses more than the send buffer). Default 64 KiB. */
  readonly maxSendBytes?: number;
  /** How often an inconsistent or busy dump is retried. Default 5. */
  readonly dumpRetries?: number;
  /** First sequence number (tests pin it; default 1). */
  readonly firstSeq?: number;
}

export type BatchOutcome =
  | { readonly ok: true; readonly replies: NetlinkMessage[] }
  | { readonly ok: false; readonly error: NetlinkError };

export type DropReason = 'garbled' | 'unmatched' | 'unsolicited' | 'bad-terminator';

export interface RequestEngineStats {
  requests: number;
  sendCalls: number;
  acked: number;
  failed: number;
  timedOut: number;
  dumpRestarts: number;
  overruns: number;
  dropped: Record<DropReason, number>;
}

interface Pending {
  readonly req: NetlinkRequest;
  readonly resolve: (replies: NetlinkMessage[]) => void;
  readonly reject: (err: NetlinkError) => void;
  readonly timeoutMs: number;
  readonly onReply: ((msg: NetlinkMessage) => void) | undefined;
  seq: number;
  replies: NetlinkMessage[];
  timer: unknown;
  /** Dump data may be incomplete or inconsistent: run it again at NLMSG_DONE. */
  redo: boolean;
  retries: number;
  overrunWhileWaiting: boolean;
}

export class RequestEngine {
  readonly stats: RequestEngineStats = {
    requests: 0, sendCalls: 0, acked: 0, failed: 0, timedOut: 0, dumpRestarts: 0, overruns: 0,
    dropped: { garbled: 0, unmatched: 0, unsolicited: 0, 'bad-terminator': 0 },
  };
  /** Called for every dropped message, for rate-limited logging by the owner. */
  onDrop: ((reason: DropReason, detail: string) => void) | undefined;
  /**
   * Called with every message that is not an answer to our requests: multicast
   * notifications on a subscribed socket. Without it they are counted as dropped.
   */
  onNotification: ((msg: NetlinkMessage) => void) | undefined;

  readonly #transport: NetlinkTransport;
  readonly #timers: Timers;
  readonly #timeoutMs: number;
  readonly #maxSendBytes: number;
  readonly #dumpRetries: number;
  readonly #ackWindow: number;
  readonly #queue: Pending[] = [];
  readonly #inflight = new Map<number, Pending>();
  #dumpRunning = false;
  #nextSeq: number;
  #pumpScheduled = false;
  #closedError: NetlinkError | undefined;

  constructor(transport: NetlinkTransport, options: RequestEngineOptions = {}) {
    this.#transport = transport;
    this.#timers = options.timers ?? realTimers;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#maxSendBytes = options.maxSendBytes ?? 65536;
    this.#dumpRetries = options.dumpRetries ?? 5;
    this.#nextSeq = options.firstSeq ?? 1;
    const truesize = options.ackTruesize ?? 1024;
    const reserve = Math.min(options.dumpReserveBytes ?? 65536, transport.receiveBufferBytes / 2);
    this.#ackWindow = Math.max(1, Math.floor((transport.receiveBufferBytes - reserve) / truesize));
    transport.start({
      datagram: (data) => this.#onDatagram(data),
      overrun: () => this.#onOverrun(),
      failed: (err) => this.#shutDown(new NetlinkError(errnoOf(err), undefined, undefined, `netlink socket failed: ${err.message}`)),
    });
  }

  /** How many requests may await an answer at once (from the receive buffer size). */
  get ackWindow(): number {
    return this.#ackWindow;
  }

  /** Requests waiting to be sent plus requests awaiting an answer. */
  get pending(): number {
    return this.#queue.length + this.#inflight.size;
  }

  /**
   * Sends one request; resolves with the data messages that answered it. With
   * `onReply`, each data message is handed over as it arrives instead (in order with
   * notifications on the same socket) and the promise resolves with [].
   */
  request(req: NetlinkRequest, opts: { timeoutMs?: number; onReply?: (msg: NetlinkMessage) => void } = {}): Promise<NetlinkMessage[]> {
    return new Promise<NetlinkMessage[]>((resolve, reject) => this.#enqueue(req, resolve, reject, opts));
  }

  /**
   * Sends all requests, batched; one outcome per request, in order. Never rejects.
   * `onSettled` gets the same outcomes synchronously, the moment the last answer is read:
   * inside `flush()` when the kernel answered during the sendmsg, so a caller can act on it
   * before the rest of the current event's work (a new MASTER's first GARP, which waits for
   * its addresses). An exception it throws surfaces as an uncaught exception, never in the
   * engine.
   */
  batch(reqs: readonly NetlinkRequest[], opts: { timeoutMs?: number; onSettled?: (outcomes: BatchOutcome[]) => void } = {}): Promise<BatchOutcome[]> {
    return new Promise<BatchOutcome[]>((resolve) => {
      const outcomes: BatchOutcome[] = new Array<BatchOutcome>(reqs.length);
      let left = reqs.length;
      const done = (): void => {
        try {
          opts.onSettled?.(outcomes);
        } catch (error) {
          queueMicrotask(() => { throw error; });
        }
        resolve(outcomes);
      };
      if (left === 0) {
        done();
        return;
      }
      const settle = (i: number, outcome: BatchOutcome): void => {
        outcomes[i] = outcome;
        left -= 1;
        if (left === 0) done();
      };
      reqs.forEach((req, i) => this.#enqueue(
        req, (replies) => settle(i, { ok: true, replies }), (error) => settle(i, { ok: false, error }), opts,
      ));
    });
  }

  #enqueue(
    req: NetlinkRequest, resolve: (replies: NetlinkMessage[]) => void, reject: (err: NetlinkError) => void,
    opts: { timeoutMs?: number; onReply?: (msg: NetlinkMessage) => void },
  ): void {
    if (this.#closedError) {
      reject(this.#closedError);
      return;
    }
    this.stats.requests++;
    this.#queue.push({
      req, resolve, reject, timeoutMs: opts.timeoutMs ?? this.#timeoutMs, onReply: opts.onReply,
      seq: 0, replies: [], timer: undefined, redo: false, retries: 0, overrunWhileWaiting: false,
    });
    this.#schedulePump();
  }

  /**
   * Sends the queued requests now rather than at the end of the tick, then reads the answers
   * the kernel has already queued (rtnetlink answers inside sendmsg). For the one request
   * whose latency matters (a new MASTER's addresses, which its first GARP waits for): the
   * answer is settled before the rest of the current event's work, and it is not read behind
   * the notifications other sockets got for the same change. Later requests of the tick are
   * still batched by the scheduled pump.
   */
  flush(): void {
    if (this.#closedError || this.#queue.length === 0) return;
    this.#pump();
    this.#transport.receiveNow?.();
  }

  /** Rejects everything pending with ECANCELED and closes the socket. */
  close(): void {
    this.#shutDown(new NetlinkError(ECANCELED, undefined, undefined, 'netlink socket closed'));
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // A microtask lets every request made in the current tick join one sendmsg.
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closedError) {
      const batch: Pending[] = [];
      const buffers: Buffer[] = [];
      let bytes = 0;
      for (let i = 0; i < this.#queue.length;) {
        if (this.#inflight.size + batch.length >= this.#ackWindow) break;
        const p = this.#queue[i]!;
        if (p.req.dump && (this.#dumpRunning || batch.some((b) => b.req.dump))) { i++; continue; }
        const size = NLMSG_HDRLEN + p.req.payload.length;
        if (batch.length > 0 && bytes + size > this.#maxSendBytes) break;
        this.#queue.splice(i, 1);
        p.seq = this.#takeSeq();
        buffers.push(encodeMessage({
          type: p.req.type, flags: NlmF.REQUEST | NlmF.ACK | p.req.flags, seq: p.seq,
          pid: 0, payload: p.req.payload,
        }));
        bytes += size;
        batch.push(p);
      }
      if (batch.length === 0) return;
      for (const p of batch) {
        this.#inflight.set(p.seq, p);
        if (p.req.dump) this.#dumpRunning = true;
        p.timer = this.#timers.setTimeout(() => this.#onTimeout(p), p.timeoutMs);
      }
      try {
        this.stats.sendCalls++;
        this.#transport.send(buffers);
      } catch (err) {
        // A failed sendmsg reached the kernel with none of the batch: fail them all.
        for (const p of batch) this.#settle(p, new NetlinkError(errnoOf(err), infoOf(p), undefined, `sendmsg failed: ${(err as Error).message}`));
      }
    }
  }

  #takeSeq(): number {
    const seq = this.#nextSeq;
    // Sequence numbers are u32; 0 is what kernel notifications carry, so skip it.
    this.#nextSeq = seq >= 0xffffffff ? 1 : seq + 1;
    return seq;
  }

  #onDatagram(data: Buffer): void {
    let messages: NetlinkMessage[];
    try {
      messages = decodeMessages(data);
    } catch (err) {
      this.#drop('garbled', (err as Error).message);
      return;
    }
    for (const msg of messages) this.#onMessage(msg);
  }

  #onMessage(msg: NetlinkMessage): void {
    // Answers carry our port id; notifications carry the id (and seq!) of whoever made
    // the change, so a seq alone could match a stranger's request.
    const portId = this.#transport.portId;
    const ours = portId === 0 || msg.pid === portId;
    const p = ours ? this.#inflight.get(msg.seq) : undefined;
    const isControl = msg.type < NlmsgType.MIN_TYPE;
    // On a subscribed socket, a change we made ourselves is broadcast back with our
    // pid and seq; dump parts always carry NLM_F_MULTI, such a notification does not.
    const strayIntoDump = p?.req.dump === true && !isControl && (msg.flags & NlmF.MULTI) === 0;
    if (!p || strayIntoDump) {
      if (!isControl && (!ours || msg.seq === 0 || strayIntoDump) && this.onNotification) {
        this.onNotification(msg);
        return;
      }
      this.#drop(!ours || msg.seq === 0 ? 'unsolicited' : 'unmatched', `type ${msg.type} seq ${msg.seq} pid ${msg.pid}`);
      return;
    }
    if (msg.type === NlmsgType.ERROR) {
      let ack;
      try {
        ack = decodeErrorPayload(msg);
      } catch (err) {
        this.#drop('bad-terminator', (err as Error).message);
        return;
      }
      if (ack.errno === 0) { this.#settle(p, undefined); return; }
      // EBUSY: an earlier dump (one we gave up on) still runs on this socket; wait a little.
      if (p.req.dump && ack.errno === EBUSY && this.#retryDump(p, 20)) return;
      this.#settle(p, new NetlinkError(ack.errno, infoOf(p), ack.extack));
    } else if (msg.type === NlmsgType.DONE) {
      let done;
      try {
        done = decodeDonePayload(msg);
      } catch (err) {
        this.#drop('bad-terminator', (err as Error).message);
        return;
      }
      if (done.errno !== 0) { this.#settle(p, new NetlinkError(done.errno, infoOf(p), done.extack)); return; }
      if (p.redo) {
        if (this.#retryDump(p)) return;
        this.#settle(p, new NetlinkError(EINTR, infoOf(p), undefined, `dump stayed inconsistent after ${this.#dumpRetries} retries`));
        return;
      }
      this.#settle(p, undefined);
    } else if (msg.type === NlmsgType.NOOP || msg.type === NlmsgType.OVERRUN) {
      // Control messages with nothing to deliver.
    } else {
      if ((msg.flags & NlmF.DUMP_INTR) !== 0) p.redo = true;
      if (p.onReply) p.onReply(msg); else p.replies.push(msg);
    }
  }

  /** Puts a dump back at the head of the queue (after `delayMs`) under a new sequence number. */
  #retryDump(p: Pending, delayMs = 0): boolean {
    if (p.retries >= this.#dumpRetries) return false;
    this.#inflight.delete(p.seq);
    this.#timers.clearTimeout(p.timer);
    this.#dumpRunning = false;
    p.retries++;
    p.redo = false;
    p.replies = [];
    this.stats.dumpRestarts++;
    const requeue = (): void => {
      if (this.#closedError) { p.reject(this.#closedError); return; }
      this.#queue.unshift(p);
      this.#schedulePump();
    };
    if (delayMs > 0) p.timer = this.#timers.setTimeout(requeue, delayMs); else requeue();
    return true;
  }

  #onOverrun(): void {
    this.stats.overruns++;
    for (const p of this.#inflight.values()) {
      p.overrunWhileWaiting = true;
      // Parts of a running dump may be among the lost messages.
      if (p.req.dump) p.redo = true;
    }
  }

  #onTimeout(p: Pending): void {
    if (this.#inflight.get(p.seq) !== p) return;
    this.stats.timedOut++;
    const note = p.overrunWhileWaiting ? '; the receive queue overflowed meanwhile, so the kernel may have applied it' : '';
    this.#settle(p, new NetlinkError(ETIMEDOUT, infoOf(p), undefined, `no answer from the kernel within ${p.timeoutMs} ms${note}`));
  }

  #settle(p: Pending, error: NetlinkError | undefined): void {
    this.#inflight.delete(p.seq);
    this.#timers.clearTimeout(p.timer);
    if (p.req.dump) this.#dumpRunning = false;
    if (error) {
      this.stats.failed++;
      p.reject(error);
    } else {
      this.stats.acked++;
      p.resolve(p.replies);
    }
    if (this.#queue.length > 0) this.#schedulePump();
  }

  #drop(reason: DropReason, detail: string): void {
    this.stats.dropped[reason]++;
    this.onDrop?.(reason, detail);
  }

  #shutDown(error: NetlinkError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    const all = [...this.#inflight.values(), ...this.#queue.splice(0)];
    this.#inflight.clear();
    for (const p of all) {
      this.#timers.clearTimeout(p.timer);
      this.stats.failed++;
      p.reject(error);
    }
    this.#transport.close();
  }
}

function infoOf(p: Pending): RequestInfo {
  return { type: p.req.type, typeName: p.req.typeName, seq: p.seq, description: p.req.description };
}

/** The positive errno of an addon ErrnoError (or EIO when it carries none). */
function errnoOf(err: unknown): number {
  const e = err as { code?: unknown; errno?: unknown };
  if (typeof e?.code === 'string') {
    const n = errnoNumber(e.code);
    if (n !== undefined) return n;
  }
  if (typeof e?.errno === 'number' && e.errno !== 0) return Math.abs(e.errno);
  return 5; // EIO
}
