import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseChildMessage, parseParentMessage } from '../../../src/supervisor/ipc.js';

const settings = {
  role: 'vrrp',
  pidFile: '/run/vrrp.pid',
  releaseOnStop: true,
  releaseVipsOnSignal: false,
  noSwap: false,
  logDetail: false,
  umask: 0o177,
  dataFile: '/tmp/keepalived.data',
  statsFile: '/tmp/keepalived.stats',
  jsonFile: '/tmp/keepalived.json',
};

test('well-formed messages pass, in both directions', () => {
  for (const m of [
    { type: 'start', generation: 0, settings, part: new Map([['a', 1n]]) },
    { type: 'reload', generation: 1, part: {}, diff: [{ path: ['a'], kind: 'changed', before: 1, after: 2 }] },
    { type: 'dump', what: 'stats-clear', path: '/tmp/keepalived.stats' },
    { type: 'query', id: 3, what: 'status' },
    { type: 'relay', event: { kind: 'bfd-state', instance: 'b1', state: 'down', at: 1 } },
    { type: 'stop' },
  ]) assert.equal(parseParentMessage(m).ok, true, JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  for (const m of [
    { type: 'ready', generation: 0 },
    { type: 'reloaded', generation: 2, report: { applied: ['x'], failed: [] } },
    { type: 'dumped', what: 'data', path: '/tmp/x', error: 'EACCES' },
    { type: 'answer', id: 1, ok: true, body: undefined },
    { type: 'answer', id: 1, ok: false, error: 'no' },
    { type: 'relay', event: { kind: 'bfd-state', instance: 'b1', state: 'up', at: 2 } },
  ]) assert.equal(parseChildMessage(m).ok, true, JSON.stringify(m));
});

test('unknown or malformed messages are rejected with the message in the error', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /not a message/],
    [{ type: 'bogus' }, /unknown message type: \{"type":"bogus"\}/],
    [{ type: 'start', generation: -1, settings, part: {} }, /malformed start/],
    [{ type: 'start', generation: 0, settings: { ...settings, role: 'lvs' }, part: {} }, /malformed start/],
    [{ type: 'start', generation: 0, settings }, /malformed start/],
    [{ type: 'reload', generation: 1, part: {}, diff: [{ path: 'a', kind: 'changed' }] }, /malformed reload/],
    [{ type: 'dump', what: 'everything', path: '/x' }, /malformed dump/],
    [{ type: 'relay', event: { kind: 'bfd-state', instance: 'b', state: 'sideways', at: 1 } }, /malformed relay/],
  ];
  for (const [m, re] of cases) {
    const r = parseParentMessage(m);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, re);
  }
  assert.equal(parseChildMessage({ type: 'ready' }).ok, false);
  assert.equal(parseChildMessage({ type: 'stop' }).ok, false, 'a parent-only type from a child is unknown');
  assert.equal(parseChildMessage({ type: 'answer', id: 1, ok: false }).ok, false);
});
