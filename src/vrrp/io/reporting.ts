/**
 * What the VRRP runtime writes to the log: dropped adverts, through the one rate-limited
 * drop log, and one line per runtime event, worded as keepalived words it where it has a line
 * (so operators' grep habits keep working: "(VI_1) Entering MASTER STATE").
 *
 * Counting happens where the drop is decided (the instance's guard ladder counts under
 * keepalived's stats names, the dispatcher under its socket counters); the log line happens
 * here, for both, so every drop reads the same way:
 *
 *   (VI_1) dropped advert from 192.0.2.2: invalid TTL/HL. Received 64 and expect 255 [ip_ttl_err]
 *
 * keepalived logs every bad packet, which lets one misconfigured or hostile sender fill the
 * log at line rate. Here each (where, reason, sender) gets one line per window: the first drop
 * is logged at once, the following ones in the same window are only tallied, and the next
 * line after the window says how many were held back. The table of keys is bounded (senders
 * can be forged), evicting the oldest key when full; an evicted key's tally is lost, never
 * its counters, which live elsewhere. Noisy event lines (send errors, lower-priority adverts,
 * unknown VRIDs) share the same limiter under keys of their own.
 */

import type { LogPort } from '../../core/log-port.js';
import type { DropRecord, RuntimeEvent } from './types.js';

export interface DropLogOptions {
  /** One line per key per window, ms. Default 10,000. */
  readonly windowMs?: number;
  /** Most keys remembered. Default 512. */
  readonly maxKeys?: number;
  /** Monotonic ms. */
  readonly now: () => number;
}

interface Tally { windowStart: number; suppressed: number }

export class DropLog {
  readonly #log: LogPort;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Insertion order is age order: a key is re-inserted when its window restarts. */
  readonly #tallies = new Map<string, Tally>();
  /** Lines written and drops held back, for tests and status. */
  readonly totals = { logged: 0, suppressed: 0 };

  constructor(log: LogPort, options: DropLogOptions) {
    this.#log = log;
    this.#windowMs = options.windowMs ?? 10_000;
    this.#maxKeys = options.maxKeys ?? 512;
    this.#now = options.now;
  }

  record(drop: DropRecord): void {
    this.#emit(`${drop.where}|${drop.reason}|${drop.source}`,
      `(${drop.where}) dropped advert from ${drop.source}: ${drop.detail} [${drop.reason}]`, 'info');
  }

  /** A free-form line under the same rate limit (unknown VRIDs, send errors). */
  note(key: string, line: string, level: 'info' | 'warn' = 'info'): void {
    this.#emit(key, line, level);
  }

  #emit(key: string, line: string, level: 'info' | 'warn'): void {
    const now = this.#now();
    const tally = this.#tallies.get(key);
    if (tally && now - tally.windowStart < this.#windowMs) {
      tally.suppressed += 1;
      this.totals.suppressed += 1;
      return;
    }
    let text = line;
    if (tally && tally.suppressed > 0) {
      const seconds = Math.round((now - tally.windowStart) / 100) / 10;
      text += ` (${tally.suppressed} more like it in the previous ${seconds} s)`;
    }
    this.#tallies.delete(key);
    if (this.#tallies.size >= this.#maxKeys) {
      const oldest = this.#tallies.keys().next();
      if (!oldest.done) this.#tallies.delete(oldest.value);
    }
    this.#tallies.set(key, { windowStart: now, suppressed: 0 });
    this.totals.logged += 1;
    if (level === 'warn') this.#log.warn(text);
    else this.#log.info(text);
  }
}

const seconds = (ms: number): string => `${Math.round(ms) / 1000} s`;

/** A log line for an event, with its level and, for noisy kinds, a rate-limit key. */
export interface EventLine {
  readonly level: 'info' | 'warn';
  readonly text: string;
  readonly rateLimitKey?: string;
}

/**
 * The line an event is logged as, or undefined for events that are logged elsewhere
 * (advertDropped and datagramDropped go through DropLog.record) or not at all
 * (unknownVrid unless log_unknown_vrids).
 */
export function describeEvent(event: RuntimeEvent, options: { logUnknownVrids: boolean }): EventLine | undefined {
  switch (event.type) {
    case 'transition': {
      const why = event.detail ? ` (${event.detail})` : event.cause === 'startup' ? ' (init)' : '';
      return { level: event.to === 'FAULT' ? 'warn' : 'info', text: `(${event.instance}) Entering ${event.to} STATE${why}` };
    }
    case 'advertDropped':
    case 'datagramDropped':
      return undefined;
    case 'advertWarning':
      return { level: 'info', text: `(${event.instance}) advert from ${event.source}: ${event.detail} [${event.reason}]`, rateLimitKey: `${event.instance}|warn|${event.source}` };
    case 'masterRxLowerPriority':
      return {
        level: 'info', rateLimitKey: `${event.instance}|lower|${event.source}`,
        text: `(${event.instance}) Received advert from ${event.source} with lower priority ${event.priority}, ours ${event.ourPriority}${event.answered ? ', forcing new election' : ''}`,
      };
    case 'splitBrainResolved':
      return { level: 'info', text: `(${event.instance}) other MASTER ${event.peer} (priority ${event.peerPriority}) has gone quiet: re-announcing` };
    case 'lowerPriorityIgnored':
      return { level: 'info', text: `(${event.instance}) received lower priority (${event.priority}) advert from ${event.source} - discarding`, rateLimitKey: `${event.instance}|ignored|${event.source}` };
    case 'priorityChanged':
      return { level: 'info', text: `(${event.instance}) Changing effective priority from ${event.from} to ${event.to}` };
    case 'advertIntervalLearned':
      return { level: 'info', text: `(${event.instance}) advertisement interval changed: mine=${event.fromMs} milli-sec, rcved=${event.toMs} milli-sec` };
    case 'configurationConflict':
      return { level: 'warn', text: `(${event.instance}) ${event.detail} (from ${event.source})`, rateLimitKey: `${event.instance}|conflict|${event.source}` };
    case 'oldChecksumDetected':
      return { level: 'info', text: `(${event.instance}) Setting unicast VRRPv3 checksum to old version` };
    case 'groupTransition':
      return { level: 'info', text: `VRRP_Group(${event.group}) Syncing instances to ${event.to} state (${event.member})` };
    case 'socketError':
      return { level: 'warn', text: `${event.socket}: ${event.detail}; instances ${event.instances.join(', ')} are in FAULT until it opens` };
    case 'socketOpened':
      return { level: 'info', text: `${event.socket}: open for ${event.instances.join(', ')}` };
    case 'noUnicastPeers':
      return {
        level: 'warn',
        text: event.fault
          ? `(${event.instance}) Cannot use unicast without any peers - going to fault state`
          : `(${event.instance}) unicast without any peers: no adverts will be sent (unicast never falls back to multicast)`,
      };
    case 'sendError':
      return { level: 'warn', text: `(${event.instance}) Cant send advert to ${event.destination} (${event.detail})`, rateLimitKey: `${event.instance}|send|${event.destination}` };
    case 'unknownVrid':
      return options.logUnknownVrids
        ? { level: 'info', text: `Unknown VRID(${event.vrid}) received on ${event.socket} from ${event.source}. ignoring...`, rateLimitKey: `vrid|${event.socket}|${event.vrid}|${event.source}` }
        : undefined;
    case 'unicastPeersSilent': {
      const dropped = event.droppedFromPeers > 0 ? `; ${event.droppedFromPeers} adverts from them were dropped (see above)` : '';
      return {
        level: 'warn',
        text: `(${event.instance}) no valid advert from any unicast peer (${event.peers.join(', ')}) for ${seconds(event.silentForMs)} while ${event.state}${dropped}` +
          (event.state === 'MASTER' ? ' - expected only if every peer is BACKUP' : ''),
      };
    }
    case 'unicastPeerHeard':
      return { level: 'info', text: `(${event.instance}) heard unicast peer ${event.peer} again after ${seconds(event.silentForMs)}` };
  }
}

/** Writes an event's line, rate-limiting the noisy kinds through the drop log. */
export function logEvent(log: LogPort, drops: DropLog, event: RuntimeEvent, options: { logUnknownVrids: boolean }): void {
  const line = describeEvent(event, options);
  if (!line) return;
  if (line.rateLimitKey !== undefined) drops.note(line.rateLimitKey, line.text, line.level);
  else if (line.level === 'warn') log.warn(line.text);
  else log.info(line.text);
}
