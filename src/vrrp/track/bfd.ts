/**
 * track_bfd: the state of a BFD session, as the BFD process reports it.
 *
 * In keepalived the bfd child writes each session change down a pipe to the
 * vrrp child (vrrp_scheduler.c vrrp_bfd_thread), which updates every
 * instance tracking that `bfd_instance`. Here the same event, `{ name, up }`,
 * is handed to BfdHook.handle(); the BFD subsystem will call it (through the
 * parent) when it exists. A session counts as down until it is first
 * reported up, as keepalived's bfd_up starts false.
 */
import { EventEmitter } from 'node:events';
import type { LogPort } from '../../core/log-port.js';
import type { Tracker, TrackerChange, TrackerEvents } from './types.js';

export interface BfdSessionEvent {
  /** bfd_instance NAME. */
  readonly name: string;
  readonly up: boolean;
}

export class BfdTracker extends EventEmitter<TrackerEvents> implements Tracker {
  readonly kind = 'bfd' as const;
  private _current: TrackerChange;
  private started = false;

  constructor(readonly name: string) {
    super();
    this._current = { kind: 'bfd', name, status: 'down' };
  }

  get current(): TrackerChange {
    return this._current;
  }

  /** Reports the initial state (down, or what was set before start). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.emit('change', this._current);
  }

  stop(): void {
    this.started = false;
  }

  update(up: boolean): void {
    const status = up ? 'up' : 'down';
    if (this._current.status === status) return;
    this._current = { kind: 'bfd', name: this.name, status };
    if (this.started) this.emit('change', this._current);
  }
}

/** Routes BFD session events to the trackers of the sessions the VRRP configuration uses. */
export class BfdHook {
  private readonly byName = new Map<string, BfdTracker>();

  constructor(
    names: readonly string[],
    private readonly log: LogPort,
  ) {
    for (const n of names) this.byName.set(n, new BfdTracker(n));
  }

  get trackers(): ReadonlyMap<string, BfdTracker> {
    return this.byName;
  }

  /** Returns false (and logs) for a session no tracker uses. */
  handle(e: BfdSessionEvent): boolean {
    const t = this.byName.get(e.name);
    if (!t) {
      this.log.info(`BFD event for unknown bfd_instance ${e.name} - ignoring`);
      return false;
    }
    t.update(e.up);
    return true;
  }
}
