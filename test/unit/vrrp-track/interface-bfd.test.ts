import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import { BfdHook } from '../../../src/vrrp/track/bfd.js';
import { InterfaceTracker, type LinkEvent, type LinkSource } from '../../../src/vrrp/track/interface.js';
import type { TrackerChange } from '../../../src/vrrp/track/types.js';
import { FakeTimers } from './fake-timers.js';

class FakeLinks extends EventEmitter implements LinkSource {
  readonly state = new Map<string, boolean>();
  linkUp(name: string): boolean | undefined {
    return this.state.get(name);
  }
  set(name: string, up: boolean): void {
    this.state.set(name, up);
    this.emit('link', { name, up } satisfies LinkEvent);
  }
}

const statuses = (t: { on(e: 'change', l: (c: TrackerChange) => void): unknown }): string[] => {
  const out: string[] = [];
  t.on('change', (c) => out.push(c.status));
  return out;
};

test('track_interface: initial state, changes, a missing interface is down', () => {
  const links = new FakeLinks();
  links.state.set('eth1', true);
  const t = new InterfaceTracker({ name: 'eth1' }, links, new RecordingLog());
  const seen = statuses(t);
  t.start();
  links.set('eth2', false); // someone else's
  links.set('eth1', false);
  links.set('eth1', false);
  links.set('eth1', true);
  assert.deepEqual(seen, ['up', 'down', 'up']);
  t.stop();
  links.set('eth1', false);
  assert.deepEqual(seen, ['up', 'down', 'up']);

  const missing = new InterfaceTracker({ name: 'nope' }, links, new RecordingLog());
  const m = statuses(missing);
  missing.start();
  assert.deepEqual(m, ['down']);
});

test('interface_up_down_delays: a flap shorter than the delay is never reported', () => {
  const links = new FakeLinks();
  links.state.set('eth1', true);
  const timers = new FakeTimers();
  const log = new RecordingLog();
  const t = new InterfaceTracker({ name: 'eth1', downDelayMs: 2000, upDelayMs: 500 }, links, log, timers);
  const seen = statuses(t);
  t.start();
  links.set('eth1', false);
  timers.advance(1500);
  links.set('eth1', true);
  timers.advance(5000);
  assert.deepEqual(seen, ['up']);
  assert.ok(log.lines.includes('Delay timer for eth1 cancelled'));
  links.set('eth1', false);
  timers.advance(2000);
  assert.deepEqual(seen, ['up', 'down']);
  links.set('eth1', true);
  timers.advance(499);
  assert.deepEqual(seen, ['up', 'down']);
  timers.advance(1);
  assert.deepEqual(seen, ['up', 'down', 'up']);
});

test('interface_up_down_delays apply only once the link has been seen up', () => {
  const links = new FakeLinks();
  links.state.set('eth1', false);
  const timers = new FakeTimers();
  const t = new InterfaceTracker({ name: 'eth1', upDelayMs: 500 }, links, new RecordingLog(), timers);
  const seen = statuses(t);
  t.start();
  links.set('eth1', true);
  assert.deepEqual(seen, ['down', 'up']);
});

test('track_bfd: down until reported up; unknown sessions are logged', () => {
  const log = new RecordingLog();
  const hook = new BfdHook(['b1'], log);
  const t = hook.trackers.get('b1')!;
  const seen = statuses(t);
  assert.equal(hook.handle({ name: 'b1', up: true }), true); // before start: remembered, not emitted
  t.start();
  hook.handle({ name: 'b1', up: true });
  hook.handle({ name: 'b1', up: false });
  assert.deepEqual(seen, ['up', 'down']);
  assert.equal(hook.handle({ name: 'zz', up: true }), false);
  assert.ok(log.lines.includes('BFD event for unknown bfd_instance zz - ignoring'));
});
