/**
 * The interactive view's two pure halves: keys → actions, snapshot → lines.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouterView, Snapshot } from '../../../src/lab/lab.js';
import { interpretKey, render, wrap, type Prefix } from '../../../src/lab/view.js';

/** Feeds keys one by one, collecting the actions and the last message. */
function type(keys: string[]): { actions: string[]; quit: boolean; message?: string; pending: Prefix | null } {
  let pending: Prefix | null = null;
  const actions: string[] = [];
  let message: string | undefined;
  let quit = false;
  for (const key of keys) {
    const r = interpretKey(pending, key);
    pending = r.pending;
    if (r.action) actions.push(`${r.action.kind} ${r.action.router}`);
    if (r.message !== undefined) message = r.message;
    quit ||= r.quit === true;
  }
  return { actions, quit, message, pending };
}

test('1 and 2 crash at once; s, r, p, c take a router number', () => {
  assert.deepEqual(type(['1', '2']).actions, ['crash r1', 'crash r2']);
  assert.deepEqual(type(['s', '1', 'r', '2', 'p', '1', 'c', '2']).actions, ['stop r1', 'restart r2', 'priority r1', 'cable r2']);
  const waiting = type(['s']);
  assert.equal(waiting.pending, 's');
  assert.match(waiting.message ?? '', /stop: which router/);
});

test('a wrong key after a prefix cancels it; Escape cancels; unknown keys are named', () => {
  const wrong = type(['s', 'x', '1']);
  assert.deepEqual(wrong.actions, ['crash r1'], 'the prefix is gone, so 1 is a crash');
  assert.equal(type(['s', 'x']).message, "stop: expected 1 or 2 (router number), got 'x'");
  assert.deepEqual(type(['r', '\x1b', '2']).actions, ['crash r2']);
  assert.equal(type(['r', '\x1b']).message, 'cancelled');
  assert.equal(type(['z']).message, "unknown key 'z'");
  assert.equal(type(['\x07']).message, "unknown key '^G'");
});

test('q, Q, Ctrl-C and Ctrl-D quit, even after a prefix', () => {
  for (const key of ['q', 'Q', '\x03', '\x04']) assert.equal(type(['p', key]).quit, true, JSON.stringify(key));
  assert.deepEqual(type(['p', 'q']).actions, []);
});

const router = (name: 'r1' | 'r2', over: Partial<RouterView>): RouterView => ({
  name, implementation: 'keepalived-ts', status: 'running', basePriority: name === 'r1' ? 150 : 100, trackValue: 0,
  holdsVip4: false, holdsVip6: false, cablePlugged: true, logTail: [], ...over,
});

function snapshot(routers: RouterView[], over: Partial<Snapshot> = {}): Snapshot {
  return {
    now: 12_000, startedAt: 0, routers,
    client: { arpMac: '02:4b:41:00:00:02', arpRouter: 'r2', arpState: 'REACHABLE', received: 500, lost: 3, outageMs: 0 },
    failover: null, events: [], ...over,
  };
}

const options = { width: 100, color: false, advertInt: 1, vrrpVersion: 3 };

test('render: each router\'s daemon, state, priority, VIP and cable; the client\'s ARP entry and ping', () => {
  const lines = render(snapshot([
    router('r1', { status: 'crashed', holdsVip4: true, holdsVip6: true }),
    router('r2', { pid: 4321, vrrpState: 'MASTER', reportedPriority: 100, holdsVip4: true, holdsVip6: true }),
  ]), options);
  const text = lines.join('\n');
  const r1 = lines.find((l) => l.startsWith('r1 '))!;
  const r2 = lines.find((l) => l.startsWith('r2 '))!;
  assert.match(r1, /crashed/);
  assert.match(r1, /● v4\+v6 \(stale\)/, 'a crashed router still holding the VIP is marked stale');
  assert.match(r2, /4321\s+MASTER\s+100 \(100\)\s+● v4\+v6\s+plugged/);
  assert.match(text, /ARP entry 02:4b:41:00:00:02 = r2 \(REACHABLE\)/);
  assert.match(text, /ping: 500 answered, 3 lost, answering/);
  assert.match(text, /up 12 s/);
  assert.match(text, /kill -9 of the parent/);
  assert.doesNotMatch(text, /\x1b\[/, 'no escape codes without colour');
});

test('render: a lowered priority, an unplugged cable, an outage, a daemon that ended, the busy note', () => {
  const lines = render(snapshot([
    router('r1', { status: 'exited', exitText: 'exit status 1', logTail: ['Sun Nov 22: bad config'] }),
    router('r2', { vrrpState: 'BACKUP', reportedPriority: 1, trackValue: -100, cablePlugged: false }),
  ], { client: { received: 10, lost: 0, outageMs: 1234 } }), { ...options, busy: 'stop r2', message: 'ignored while busy' });
  const text = lines.join('\n');
  assert.match(text, /r2 .*BACKUP\s+1 \(100 - 100\)/);
  assert.match(text, /UNPLUGGED/);
  assert.match(text, /no answer for 1\.23 s/);
  assert.match(text, /ARP entry none yet/);
  assert.match(text, /r1: the daemon ended on its own \(exit status 1\)/);
  assert.match(text, /bad config/);
  assert.match(text, /… stop r2$/);
  assert.doesNotMatch(text, /ignored while busy/);
  const calm = render(snapshot([router('r1', {}), router('r2', {})]), { ...options, color: true }).join('\n');
  assert.match(calm, /\x1b\[32manswering\x1b\[0m/, 'colour when asked');
  assert.doesNotMatch(calm, /\x1b\[1;31m/, 'nothing in red while all is well');
});

test('wrap keeps lines within the width and indents continuations', () => {
  const lines = wrap('one two three four five six', 10, 2);
  assert.deepEqual(lines, ['one two', '  three', '  four', '  five six']);
  for (const line of lines) assert.ok(line.length <= 10);
});
