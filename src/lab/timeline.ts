/**
 * The lab's timeline: every fact the lab observes, stamped with the monotonic
 * time it was observed, and the failover measurement read from it.
 *
 * Sources, each pushed the moment its line arrives (process.ts stamps lines):
 *   state, priority   the router's notify FIFO (`INSTANCE "VI_LAB" MASTER 150`,
 *                     `... BACKUP_PRIORITY 50`);
 *   vip-added/removed `ip monitor address` in the router's namespace, i.e.
 *                     the kernel's own notification of the VIP coming or going;
 *   arp               `ip monitor neigh` in the client: its entry for the VIP
 *                     now points at another MAC (a gratuitous ARP moved it);
 *   ping-gap          the client's ping got a reply again after missing some;
 *   action, daemon    what the user or the story did, and daemon starts/exits.
 * Times are performance.now() milliseconds. The stamps are the lab's receive
 * times, a few milliseconds after the kernel event at most (one pipe hop).
 *
 * A failover is read, never inferred from the lab's own actions: from the
 * action's time t0, which router was MASTER before (`from`), which one enters
 * MASTER first after t0 (`to`), when `to`'s kernel got the VIP, when `from`'s
 * lost it (never, after a crash: a killed daemon removes nothing), when the
 * client's ARP entry moved to `to`'s MAC, and the longest ping outage that
 * overlapped. summarizeFailover() is pure, so it is tested on made-up events.
 */
import type { RouterName } from './topology.js';

export type EventKind = 'action' | 'daemon' | 'state' | 'priority' | 'vip-added' | 'vip-removed' | 'arp' | 'ping-gap' | 'note';

export interface LabEvent {
  /** performance.now(), ms. */
  readonly at: number;
  readonly kind: EventKind;
  /** The router it happened on; for 'arp', the router the client's entry now points to (if any). */
  readonly router?: RouterName;
  /** VRRP state (state), or the new NUD state (arp). */
  readonly state?: string;
  readonly priority?: number;
  readonly family?: 4 | 6;
  readonly mac?: string;
  /** ping-gap: the outage (ms, from the last reply before to the first after) and the replies missed. */
  readonly gapMs?: number;
  readonly lost?: number;
  /** One readable line for the event list. */
  readonly text: string;
}

export class Timeline {
  readonly events: LabEvent[] = [];
  /** Kept this many events; older ones are dropped (a long interactive session). */
  readonly #limit: number;

  constructor(limit = 5000) {
    this.#limit = limit;
  }

  push(event: LabEvent): void {
    this.events.push(event);
    if (this.events.length > this.#limit) this.events.splice(0, this.events.length - this.#limit);
  }

  since(t0: number): LabEvent[] {
    return this.events.filter((e) => e.at >= t0);
  }
}

export interface FailoverSummary {
  readonly t0: number;
  /** What triggered it, for display ("crash r1"). */
  readonly cause: string;
  readonly from?: RouterName;
  /** The first router to enter MASTER after t0; undefined while nobody has. */
  readonly to?: RouterName;
  /** Milliseconds after t0 (undefined: not seen). */
  readonly masterAfterMs?: number;
  readonly vipOnToAfterMs?: number;
  readonly vipOffFromAfterMs?: number;
  readonly arpToAfterMs?: number;
  /** The longest ping outage that ended after t0 (ms, and replies lost). */
  readonly pingGapMs: number;
  readonly pingLost: number;
  /** The new MASTER is in place and the client follows it. */
  readonly complete: boolean;
}

/** Reads a failover out of the events after t0. `from` is the MASTER at t0. */
export function summarizeFailover(events: readonly LabEvent[], t0: number, cause: string, from?: RouterName): FailoverSummary {
  const after = events.filter((e) => e.at >= t0);
  const masterEvent = after.find((e) => e.kind === 'state' && e.state === 'MASTER' && e.router !== from);
  const to = masterEvent?.router;
  const ms = (e: LabEvent | undefined) => (e ? e.at - t0 : undefined);
  const vipOn = to ? after.find((e) => e.kind === 'vip-added' && e.family === 4 && e.router === to) : undefined;
  const vipOff = from ? after.find((e) => e.kind === 'vip-removed' && e.family === 4 && e.router === from) : undefined;
  const arp = to ? after.find((e) => e.kind === 'arp' && e.router === to) : undefined;
  let pingGapMs = 0;
  let pingLost = 0;
  for (const e of after) {
    if (e.kind === 'ping-gap' && (e.gapMs ?? 0) > pingGapMs) {
      pingGapMs = e.gapMs ?? 0;
      pingLost = e.lost ?? 0;
    }
  }
  return {
    t0, cause, from, to,
    masterAfterMs: ms(masterEvent),
    vipOnToAfterMs: ms(vipOn),
    vipOffFromAfterMs: ms(vipOff),
    arpToAfterMs: ms(arp),
    pingGapMs, pingLost,
    complete: masterEvent !== undefined && arp !== undefined,
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(3)} s`);

/** One line: "crash r1: r2 MASTER after 3.612 s, VIP on r2 3.613 s, ...". */
export function formatFailover(s: FailoverSummary): string {
  if (!s.to) return `${s.cause}: no new MASTER so far`;
  const parts = [`${s.to} MASTER after ${seconds(s.masterAfterMs)}`];
  parts.push(s.vipOnToAfterMs === undefined ? `VIP was already on ${s.to}` : `VIP added on ${s.to} at ${seconds(s.vipOnToAfterMs)}`);
  if (s.from) {
    parts.push(s.vipOffFromAfterMs === undefined ? `VIP still on ${s.from}` : `VIP removed from ${s.from} at ${seconds(s.vipOffFromAfterMs)}`);
  }
  parts.push(`client ARP → ${s.to} at ${seconds(s.arpToAfterMs)}`);
  parts.push(s.pingGapMs > 0 ? `ping gap ${seconds(s.pingGapMs)} (${s.pingLost} lost)` : 'no ping lost');
  return `${s.cause}: ${parts.join(', ')}`;
}
