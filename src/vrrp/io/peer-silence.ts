/**
 * Split-brain hygiene for unicast instances: notice, and say, when none of the configured
 * unicast peers has been heard for a while.
 *
 * Multicast VRRP fails safe-ish: a peer on the segment is heard or it is not. Unicast VRRP
 * fails quietly: a typo in unicast_peer, a firewall rule or a missing route leaves each router
 * hearing nothing, so each becomes MASTER, and keepalived says nothing about it. Users keep
 * asking for a hint. This detector gives one, without guessing what the silence means:
 *
 * - "Heard" means a *valid* advert from a configured peer (one that passed the guard ladder).
 *   Adverts from a peer that were dropped (wrong password, TTL out of range...) are tallied
 *   separately: they show the peer is reachable but not understood, which the drop log
 *   already explains line by line.
 * - Silence starts when no peer has been heard for one Master_Down_Interval (the time a
 *   BACKUP would wait before declaring the master dead) plus one advert interval, counted
 *   from start-up or from the last advert heard. The extra interval lets the FSM act first:
 *   a BACKUP that hears nothing becomes MASTER at Master_Down_Interval, so the report names
 *   the state the silence led to, not the one it interrupted. It is reported once (`unicastPeersSilent`, with the instance's state)
 *   and ends with the next valid advert (`unicastPeerHeard`), so the log gets two lines per
 *   episode, never one per interval.
 * - A healthy MASTER whose peers are all BACKUP also hears nothing: VRRP backups are silent.
 *   The report says so by carrying the state; the status shows, per peer, when it was last
 *   heard, so an operator comparing both routers' status can tell a quiet backup from a
 *   second master.
 *
 * One lazy timer: armed at (last heard + threshold), and on expiry re-armed from the latest
 * "heard" time instead of being reset on every advert.
 */

import { peerKey } from './socket-pool.js';
import type { RuntimeClock } from './types.js';

export interface PeerHearing {
  readonly address: string;
  /** Monotonic ms of the last valid advert from this peer. */
  readonly lastAdvertMs?: number;
  /** Adverts from this peer that the guards dropped. */
  readonly dropped: number;
  readonly lastDroppedMs?: number;
}

export interface PeerSilenceStatus {
  readonly silent: boolean;
  /** When the silence began (the last valid advert from any peer, or start-up). */
  readonly silentSinceMs?: number;
  readonly peers: readonly PeerHearing[];
}

export interface PeerSilenceReport {
  silent(silentForMs: number, droppedFromPeers: number): void;
  heard(peer: string, silentForMs: number): void;
}

interface PeerEntry { address: string; lastAdvertMs?: number; dropped: number; lastDroppedMs?: number }

export class PeerSilenceDetector {
  readonly #peers = new Map<string, PeerEntry>();
  #lastHeardMs = 0;
  /** Drops from peers since the last valid advert. */
  #droppedSinceHeard = 0;
  #silent = false;
  #timer: unknown;
  #running = false;

  /** `thresholdMs`: read at each check (it follows the instance's priority and learned interval). */
  constructor(
    peers: readonly string[],
    private readonly clock: RuntimeClock,
    private readonly thresholdMs: () => number,
    private readonly report: PeerSilenceReport,
  ) {
    for (const address of peers) this.#peers.set(peerKey(address), { address, dropped: 0 });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastHeardMs = this.clock.now();
    this.#droppedSinceHeard = 0;
    this.#silent = false;
    this.#arm(this.#lastHeardMs + this.thresholdMs());
  }

  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  /** A datagram from `source` reached the instance; `valid`: it passed the guards. */
  observe(source: string, valid: boolean): void {
    const entry = this.#peers.get(peerKey(source));
    if (!entry || !this.#running) return;
    const now = this.clock.now();
    if (!valid) {
      entry.dropped += 1;
      entry.lastDroppedMs = now;
      this.#droppedSinceHeard += 1;
      return;
    }
    entry.lastAdvertMs = now;
    const silentFor = now - this.#lastHeardMs;
    this.#lastHeardMs = now;
    this.#droppedSinceHeard = 0;
    if (this.#silent) {
      this.#silent = false;
      this.report.heard(entry.address, silentFor);
    }
    if (this.#timer === undefined) this.#arm(now + this.thresholdMs());
  }

  status(): PeerSilenceStatus {
    return {
      silent: this.#silent,
      ...(this.#silent ? { silentSinceMs: this.#lastHeardMs } : {}),
      peers: [...this.#peers.values()].map((p) => ({ ...p })),
    };
  }

  #check(): void {
    this.#timer = undefined;
    if (!this.#running || this.#silent) return;
    const now = this.clock.now();
    const due = this.#lastHeardMs + this.thresholdMs();
    if (now < due) {
      this.#arm(due);
      return;
    }
    this.#silent = true;
    this.report.silent(now - this.#lastHeardMs, this.#droppedSinceHeard);
  }

  #arm(atMs: number): void {
    this.#disarm();
    this.#timer = this.clock.setTimeout(() => this.#check(), atMs - this.clock.now());
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
