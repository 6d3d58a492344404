/**
 * track_interface: an interface's link state, from the daemon's interface
 * table.
 *
 * keepalived counts an interface as up when both IFF_UP and IFF_RUNNING are
 * set (vrrp_if.h FLAGS_UP) and learns changes from RTM_NEWLINK messages; the
 * table that follows them (src/net/netlink's interface table) is adapted to
 * the small LinkSource below: the state now, and an event per change. An
 * interface that does not exist (yet, or any more) is down.
 *
 * `interface_up_down_delays IF DOWN [UP]` debounces flapping links, as
 * keepalived's update_interface_flags does: once the interface has been seen
 * up, a change is applied only after its delay; a change back before the
 * delay expires cancels it ("Delay timer for eth0 cancelled") and nothing is
 * reported. Before the interface has ever been up, changes apply at once.
 */
import { EventEmitter } from 'node:events';
import type { LogPort } from '../../core/log-port.js';
import { realTimers, type TimerHandle, type TimerHost, type Tracker, type TrackerChange, type TrackerEvents } from './types.js';

export interface LinkEvent {
  readonly name: string;
  /** IFF_UP and IFF_RUNNING. */
  readonly up: boolean;
}

/** What the interface table must offer. */
export interface LinkSource {
  /** The link state now; undefined when there is no such interface. */
  linkUp(name: string): boolean | undefined;
  on(event: 'link', listener: (e: LinkEvent) => void): unknown;
  off(event: 'link', listener: (e: LinkEvent) => void): unknown;
}

export interface TrackInterfaceSpec {
  /** Interface name. */
  readonly name: string;
  /** interface_up_down_delays: ms before an up is believed. */
  readonly upDelayMs?: number;
  /** interface_up_down_delays: ms before a down is believed. */
  readonly downDelayMs?: number;
}

export class InterfaceTracker extends EventEmitter<TrackerEvents> implements Tracker {
  readonly kind = 'interface' as const;
  readonly name: string;
  private _current: TrackerChange | undefined;
  private seenUp = false;
  private pending: { up: boolean; handle: TimerHandle } | undefined;
  private readonly listener = (e: LinkEvent): void => {
    if (e.name === this.name) this.onLink(e.up);
  };
  private started = false;

  constructor(
    private readonly spec: TrackInterfaceSpec,
    private readonly source: LinkSource,
    private readonly log: LogPort,
    private readonly timers: TimerHost = realTimers,
  ) {
    super();
    this.name = spec.name;
  }

  get current(): TrackerChange | undefined {
    return this._current;
  }

  /** Reports the state now and follows changes. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.source.on('link', this.listener);
    const up = this.source.linkUp(this.name) === true;
    if (up) this.seenUp = true;
    this.report(up);
  }

  stop(): void {
    this.started = false;
    this.source.off('link', this.listener);
    this.cancelPending();
  }

  private onLink(up: boolean): void {
    if (this.pending) {
      if (this.pending.up === up) return;
      this.cancelPending();
      this.log.info(`Delay timer for ${this.name} cancelled`);
    }
    const reported = this._current?.status === 'up';
    if (up === reported) return;
    const delay = up ? this.spec.upDelayMs : this.spec.downDelayMs;
    if (this.seenUp && delay && delay > 0) {
      this.log.info(`${this.name}: delaying link ${up ? 'up' : 'down'} by ${delay} ms`);
      const handle = this.timers.setTimeout(() => {
        this.pending = undefined;
        this.apply(up);
      }, delay);
      this.pending = { up, handle };
      return;
    }
    this.apply(up);
  }

  private apply(up: boolean): void {
    if (up) this.seenUp = true;
    this.report(up);
  }

  private cancelPending(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.handle);
    this.pending = undefined;
  }

  private report(up: boolean): void {
    const status = up ? 'up' : 'down';
    if (this._current?.status === status) return;
    this._current = { kind: 'interface', name: this.name, status };
    this.emit('change', this._current);
  }
}
