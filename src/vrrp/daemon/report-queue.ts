/**
 * The vrrp child's reports — log lines and notifies (scripts, FIFO lines, alerts) — in
 * event order, held back while a new MASTER's takeover is on its way to the wire.
 *
 * keepalived's new MASTER adds its addresses, sends its gratuitous ARPs / NAs and only then
 * runs its notify scripts (vrrp.c vrrp_state_become_master: vrrp_handle_ipaddress,
 * vrrp_send_link_update, then send_instance_notifies). Here the first burst goes out while
 * the actions layer handles the transition — when the kernel answers the address batch at
 * once — or later, when its answer comes; either way the transition's log line and notifies
 * must not run first (spawning a notify_master script alone costs this process 1–5 ms), nor
 * may the burst's own log line come before "Entering MASTER STATE". So the takeover `hold`s
 * the queue, from before its actions run until its first burst is out; every report made
 * meanwhile — the transition's own, those of any event after it, the actions layer's log
 * lines — waits, and they all run in the order they were made when the hold ends. Without a
 * hold, `run` runs at once: nothing changes for anything but a takeover.
 *
 * A hold ends when its promise settles, whichever way; the takeover's promise always does
 * (the netlink request engine times out, InstanceActions catches its errors).
 */
import type { LogPort } from '../../core/log-port.js';

export class ReportQueue {
  readonly #waiting: (() => void)[] = [];
  readonly #onError: (error: unknown) => void;
  #holds = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  /** `onError`: a held report threw (a report run at once throws to its caller instead). */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Runs `report` now, or once every hold taken before it has ended. */
  run(report: () => void): void {
    if (this.#holds === 0 && this.#waiting.length === 0) {
      report();
      return;
    }
    this.#waiting.push(report);
  }

  /** Holds the reports made from now until `until` settles. */
  hold(until: Promise<unknown>): void {
    this.#holds += 1;
    const end = (): void => {
      this.#holds -= 1;
      this.#drain();
    };
    until.then(end, end);
  }

  /** Reports are being held now. */
  get holding(): boolean {
    return this.#holds > 0;
  }

  /** Resolves once nothing is held or waiting (a stopping process waits for its last lines). */
  idle(): Promise<void> {
    if (this.#holds === 0 && this.#waiting.length === 0) return Promise.resolve();
    if (!this.#idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }

  /** A log whose lines go through this queue. */
  log(target: LogPort): LogPort {
    return {
      info: (message) => this.run(() => target.info(message)),
      warn: (message) => this.run(() => target.warn(message)),
      error: (message) => this.run(() => target.error(message)),
    };
  }

  #drain(): void {
    while (this.#holds === 0 && this.#waiting.length > 0) {
      const report = this.#waiting.shift() as () => void;
      try {
        report();
      } catch (error) {
        // One report that throws (a bug in a formatter) must not take the ones after it along.
        this.#onError(error);
      }
    }
    if (this.#holds === 0 && this.#waiting.length === 0 && this.#idle) {
      this.#idle.resolve();
      this.#idle = undefined;
    }
  }
}
