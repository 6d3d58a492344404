/**
 * A Clock for the actions layer's tests: timers run in time order (ties in the order they
 * were set) when the test advances virtual time; nothing ever sleeps.
 */
import type { Clock, TimerHandle } from '../../../src/vrrp/actions/types.js';

interface Entry { at: number; seq: number; run: () => void; handle: object }

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private entries: Entry[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = {};
    this.entries.push({ at: this.t + Math.max(0, delayMs), seq: this.seq++, run: callback, handle });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.entries = this.entries.filter((e) => e.handle !== handle);
  }

  /** Timers currently armed. */
  get pending(): number {
    return this.entries.length;
  }

  advanceTo(target: number): void {
    for (;;) {
      let next: Entry | undefined;
      for (const e of this.entries) {
        if (e.at <= target && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      }
      if (!next) break;
      this.entries = this.entries.filter((e) => e !== next);
      this.t = next.at;
      next.run();
    }
    this.t = target;
  }

  advance(ms: number): void {
    this.advanceTo(this.t + ms);
  }
}
