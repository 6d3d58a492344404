/** A TimerHost whose time only moves when a test says so. */
import type { TimerHandle, TimerHost } from '../../../src/vrrp/track/types.js';

export class FakeTimers implements TimerHost {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return { id };
  }

  clearTimeout(h: TimerHandle): void {
    this.pending.delete(h.id as number);
  }

  get armed(): number {
    return this.pending.size;
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}
