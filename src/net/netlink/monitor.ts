/**
 * Monitor sockets: netlink sockets subscribed to multicast groups, whose owners keep
 * a copy of some kernel state (links, addresses, routes) current.
 *
 * Keeping a copy current has one hard case: the kernel drops notifications when the
 * socket's receive queue is full (ENOBUFS; libuv reports it as POLLERR/UV_EBADF, the
 * native RawSocket turns that back into an 'error-recovered' ENOBUFS). After that the
 * copy may be wrong in ways no later event will fix, and the only cure is to read the
 * whole state again.
 *
 * The re-read happens on the monitor socket itself, not on a separate request socket.
 * The kernel queues dump replies and notifications on one socket in the order it
 * produces them, so a consumer that applies both in arrival order never goes back in
 * time: a notification that arrives before an object's dump entry is superseded by
 * it, one that arrives after is newer than it. With two sockets a stale dump entry
 * could overwrite a newer event and make a link bounce for no reason — and for VRRP a
 * phantom link-down is a phantom FAULT. Consumers apply dump entries as upserts and,
 * when a dump ends, remove what it did not mention (mark and sweep).
 *
 * NetlinkMonitor is the socket side (notifications out, streamed dumps in);
 * ResyncScheduler is the policy side: it runs a consumer's resync function, never two
 * at once, runs it again if another overrun hit meanwhile, and retries a failed one
 * with a growing delay.
 */

import { EventEmitter } from 'node:events';
import type { NetlinkMessage, NetlinkRequest } from './message.js';
import { RequestEngine, type RequestEngineOptions } from './request-engine.js';
import { realTimers, type NetlinkTransport, type Timers } from './transport.js';

export interface NetlinkMonitorEvents {
  /** A multicast notification (RTM_NEWLINK, RTM_DELADDR, ...), in kernel order. */
  notification: [NetlinkMessage];
  /** Notifications were lost (ENOBUFS): the owner must resync. */
  overrun: [];
}

export class NetlinkMonitor extends EventEmitter<NetlinkMonitorEvents> {
  readonly #engine: RequestEngine;
  #overruns = 0;

  /** `transport` must already be subscribed to the groups of interest. */
  constructor(transport: NetlinkTransport, options: RequestEngineOptions = {}) {
    super();
    // The engine owns the transport's handlers; wrap them to see overruns first.
    const watched: NetlinkTransport = {
      get receiveBufferBytes() { return transport.receiveBufferBytes; },
      get portId() { return transport.portId; },
      send: (messages) => transport.send(messages),
      close: () => transport.close(),
      start: (handlers) => transport.start({
        datagram: handlers.datagram,
        failed: handlers.failed,
        overrun: () => {
          handlers.overrun();
          this.#overruns++;
          this.emit('overrun');
        },
      }),
    };
    this.#engine = new RequestEngine(watched, options);
    this.#engine.onNotification = (msg) => this.emit('notification', msg);
  }

  /** Requests and drops on this socket (dumps only; notifications are not dropped). */
  get stats(): RequestEngine['stats'] & { readonly notificationOverruns: number } {
    return { ...this.#engine.stats, notificationOverruns: this.#overruns };
  }

  /**
   * Runs a dump on the monitor socket, handing each entry to `onEntry` in order with
   * the notifications around it. Resolves when the dump is complete.
   */
  async dump(req: NetlinkRequest, onEntry: (msg: NetlinkMessage) => void): Promise<void> {
    if (!req.dump) throw new TypeError(`${req.typeName} is not a dump; only dumps run on a monitor socket`);
    await this.#engine.request(req, { onReply: onEntry });
  }

  close(): void {
    this.#engine.close();
  }
}

export interface ResyncReport {
  /** Why this resync ran: 'start' for the first read, 'overrun' after lost events. */
  readonly reason: 'start' | 'overrun';
  /** Milliseconds the resync took. */
  readonly durationMs: number;
  /** Failed attempts before this one succeeded. */
  readonly failedAttempts: number;
}

export interface ResyncSchedulerOptions {
  readonly timers?: Timers;
  readonly now?: () => number;
  /** First retry delay after a failed resync, ms (doubles up to maxRetryDelayMs). Default 100. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /**
   * Attempts at the first read before giving up (the caller then learns that the
   * table cannot be built at all). Later resyncs retry for as long as it takes.
   */
  readonly maxStartAttempts?: number;
  readonly onDone?: (report: ResyncReport) => void;
  readonly onFailure?: (error: Error, attempt: number) => void;
}

/**
 * Runs `resync` one at a time. A request made while one runs is remembered and
 * served right after it (the running one may have missed the new losses).
 */
export class ResyncScheduler {
  readonly #resync: () => Promise<void>;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #options: ResyncSchedulerOptions;
  #running: Promise<void> | undefined;
  #again: 'start' | 'overrun' | undefined;
  #stopped = false;

  constructor(resync: () => Promise<void>, options: ResyncSchedulerOptions = {}) {
    this.#resync = resync;
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? (() => performance.now());
    this.#options = options;
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Asks for a resync; the promise settles when the state is in sync again. */
  request(reason: 'start' | 'overrun'): Promise<void> {
    if (this.#running) {
      this.#again ??= reason;
      return this.#running;
    }
    this.#running = this.#loop(reason).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #loop(first: 'start' | 'overrun'): Promise<void> {
    let reason: 'start' | 'overrun' | undefined = first;
    while (reason !== undefined && !this.#stopped) {
      const started = this.#now();
      let failed = 0;
      let delay = this.#options.retryDelayMs ?? 100;
      for (;;) {
        try {
          await this.#resync();
          break;
        } catch (err) {
          failed++;
          this.#options.onFailure?.(err as Error, failed);
          if (reason === 'start' && failed >= (this.#options.maxStartAttempts ?? 3)) throw err;
          if (this.#stopped) return;
          await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, delay));
          delay = Math.min(delay * 2, this.#options.maxRetryDelayMs ?? 5000);
          if (this.#stopped) return;
        }
      }
      this.#options.onDone?.({ reason, durationMs: this.#now() - started, failedAttempts: failed });
      reason = this.#again;
      this.#again = undefined;
    }
  }
}
