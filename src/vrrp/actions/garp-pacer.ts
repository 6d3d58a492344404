/**
 * The GARP / unsolicited-NA pacer: one per vrrp process, shared by every instance, which
 * enforces vrrp_garp_interval / vrrp_gna_interval and garp_group limits ("no more than one
 * GARP every N ms on this interface, or on this set of interfaces behind one switch").
 *
 * Model (keepalived vrrp_arp.c / vrrp_ndisc.c send_gratuitous_arp, queue_garp and
 * vrrp_scheduler.c vrrp_arp_thread): each pacing domain (a garp_group, or an interface
 * with the global intervals) has, per address family, the earliest time the next message
 * may leave and a FIFO of addresses waiting with a count of messages still owed. A request
 * goes out at once when the domain is free, otherwise joins the FIFO; an address already
 * waiting just has its count raised (capped at the burst size asked for). When the domain
 * frees up, the head of the FIFO is sent, and re-queued at the tail if it owes more, so
 * the addresses of a burst interleave round-robin exactly as keepalived's do.
 *
 * keepalived 2.2.7 keeps only a boolean "pending" per address, so once pacing delays an
 * address, the rest of its repeats are lost (garp_master_repeat 5 becomes 2). Upstream
 * fixed that in 2024 (commit b1d9e375, "will always send the configured number of repeat
 * messages"); we follow the fix, because the configured count is what operators ask for.
 *
 * Without a limit for the domain and family, requests are sent synchronously, which keeps
 * the common case (no garp_group, no interval) identical to keepalived: all of a burst
 * leaves in the same tick, in "for each repeat, for each address" order.
 *
 * The pacer is pure: time comes from an injected Clock, messages leave through an
 * injected sink, and it never logs. Each request carries an owner token (the instance),
 * so an instance leaving MASTER can withdraw what it still had queued.
 */

import type { Clock, IpFamily, PacingDomain, TimerHandle } from './types.js';

/** One address to announce and the interface to announce it on. */
export interface AnnounceTarget {
  readonly address: string;
  readonly family: IpFamily;
  /** The interface the address lives on (a VMAC, or a plain interface). */
  readonly dev: string;
}

/** Sends one GARP (IPv4) or unsolicited NA (IPv6) now; failures are the sink's to count. */
export type AnnounceSink = (target: AnnounceTarget, owner: object) => void;

/** Maps an interface to its pacing domain; undefined = not rate limited. */
export type PacingPolicy = (dev: string) => PacingDomain | undefined;

interface Waiting {
  readonly owner: object;
  readonly target: AnnounceTarget;
  /** Messages still owed, including the one the queue position stands for. */
  owed: number;
}

interface Lane {
  readonly intervalMs: number;
  /** Earliest time the next message may leave; undefined until the first one does. */
  nextAllowedAt: number | undefined;
  readonly queue: Waiting[];
  timer: TimerHandle | undefined;
}

export class GarpPacer {
  readonly #clock: Clock;
  readonly #sink: AnnounceSink;
  readonly #policy: PacingPolicy;
  /** Keyed by `${domain.key}|${family}`. */
  readonly #lanes = new Map<string, Lane>();

  constructor(clock: Clock, sink: AnnounceSink, policy: PacingPolicy = () => undefined) {
    this.#clock = clock;
    this.#sink = sink;
    this.#policy = policy;
  }

  /**
   * Asks for one message for `target` on behalf of `owner` (keepalived
   * send_gratuitous_arp(ip, rep)); `burst` is the size of the burst this request belongs
   * to and caps how many messages may be owed for the address at once.
   */
  request(owner: object, target: AnnounceTarget, burst: number): void {
    const domain = this.#policy(target.dev);
    const intervalMs = domain ? (target.family === 4 ? domain.garpIntervalMs : domain.gnaIntervalMs) : 0;
    if (!domain || intervalMs <= 0) {
      this.#sink(target, owner);
      return;
    }
    const lane = this.#lane(`${domain.key}|${target.family}`, intervalMs);
    const waiting = lane.queue.find((w) => w.owner === owner && sameTarget(w.target, target));
    if (waiting) {
      if (waiting.owed < burst) waiting.owed += 1;
      return;
    }
    const now = this.#clock.now();
    if (lane.nextAllowedAt !== undefined && now < lane.nextAllowedAt) {
      lane.queue.push({ owner, target, owed: 1 });
      this.#arm(lane);
      return;
    }
    this.#send(lane, target, owner, now);
  }

  /** Drops everything `owner` still had queued (keepalived vrrp_remove_delayed_arp). */
  withdraw(owner: object): void {
    for (const lane of this.#lanes.values()) {
      const kept = lane.queue.filter((w) => w.owner !== owner);
      if (kept.length === lane.queue.length) continue;
      lane.queue.splice(0, lane.queue.length, ...kept);
      if (lane.queue.length === 0) this.#disarm(lane);
    }
  }

  /** Messages waiting, per owner or in total; for status output and tests. */
  queued(owner?: object): number {
    let n = 0;
    for (const lane of this.#lanes.values()) {
      for (const w of lane.queue) if (owner === undefined || w.owner === owner) n += w.owed;
    }
    return n;
  }

  /** Stops every timer and forgets every queue (process shutdown). */
  close(): void {
    for (const lane of this.#lanes.values()) {
      this.#disarm(lane);
      lane.queue.length = 0;
    }
    this.#lanes.clear();
  }

  #lane(key: string, intervalMs: number): Lane {
    let lane = this.#lanes.get(key);
    if (!lane || lane.intervalMs !== intervalMs) {
      // A reload may change a group's interval; the old lane's queue moves along.
      const queue = lane?.queue ?? [];
      if (lane) this.#disarm(lane);
      lane = { intervalMs, nextAllowedAt: lane?.nextAllowedAt, queue, timer: undefined };
      this.#lanes.set(key, lane);
      if (queue.length) this.#arm(lane);
    }
    return lane;
  }

  #send(lane: Lane, target: AnnounceTarget, owner: object, now: number): void {
    lane.nextAllowedAt = now + lane.intervalMs;
    this.#sink(target, owner);
  }

  #arm(lane: Lane): void {
    if (lane.timer !== undefined || lane.queue.length === 0) return;
    const wait = Math.max(0, (lane.nextAllowedAt ?? 0) - this.#clock.now());
    lane.timer = this.#clock.setTimeout(() => {
      lane.timer = undefined;
      this.#drain(lane);
    }, wait);
  }

  #disarm(lane: Lane): void {
    if (lane.timer === undefined) return;
    this.#clock.clearTimeout(lane.timer);
    lane.timer = undefined;
  }

  /** keepalived vrrp_arp_thread: send from the head while the domain is free. */
  #drain(lane: Lane): void {
    for (;;) {
      const head = lane.queue[0];
      if (!head) return;
      const now = this.#clock.now();
      if (lane.nextAllowedAt !== undefined && now < lane.nextAllowedAt) break;
      lane.queue.shift();
      head.owed -= 1;
      if (head.owed > 0) lane.queue.push(head);
      this.#send(lane, head.target, head.owner, now);
    }
    this.#arm(lane);
  }
}

function sameTarget(a: AnnounceTarget, b: AnnounceTarget): boolean {
  return a.address === b.address && a.dev === b.dev && a.family === b.family;
}

/**
 * How vrrp_garp_interval / vrrp_gna_interval and garp_group blocks become pacing domains
 * (keepalived vrrp_if.c set_default_garp_delay): an interface in a garp_group uses the
 * group's intervals, shared by the whole group; any other interface uses the global
 * intervals on its own, when either is set. Times in ms.
 */
export interface PacingSettings {
  /** vrrp_garp_interval, ms (0 or undefined = none). */
  readonly garpIntervalMs?: number;
  /** vrrp_gna_interval, ms. */
  readonly gnaIntervalMs?: number;
  readonly garpGroups?: readonly { readonly garpIntervalMs?: number; readonly gnaIntervalMs?: number; readonly interfaces: readonly string[] }[];
}

/**
 * The pacing policy for the GarpPacer. `baseOf` maps an interface to the one its frames
 * really leave by (a VMAC's parent): keepalived paces by IF_BASE_IFP.
 */
export function pacingPolicy(settings: PacingSettings, baseOf: (dev: string) => string = (dev) => dev): PacingPolicy {
  const byInterface = new Map<string, PacingDomain>();
  (settings.garpGroups ?? []).forEach((g, i) => {
    const domain: PacingDomain = { key: `garp_group#${i + 1}`, garpIntervalMs: g.garpIntervalMs ?? 0, gnaIntervalMs: g.gnaIntervalMs ?? 0 };
    for (const name of g.interfaces) byInterface.set(name, domain);
  });
  const garp = settings.garpIntervalMs ?? 0;
  const gna = settings.gnaIntervalMs ?? 0;
  return (dev) => {
    const base = baseOf(dev);
    const group = byInterface.get(base);
    if (group) return group;
    if (garp <= 0 && gna <= 0) return undefined;
    return { key: `if:${base}`, garpIntervalMs: garp, gnaIntervalMs: gna };
  };
}
