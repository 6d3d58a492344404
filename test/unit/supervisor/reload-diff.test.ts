import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffConfigFiles } from '../../../src/supervisor/reload.js';
import { jsonConfigAdapter } from '../../harness/supervisor/json-config.js';

const dir = mkdtempSync('/tmp/ka-diff-');
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const current = file('current.json', {
  global: { childWaitTimeMs: 5000 },
  vrrp: { instances: [{ name: 'VI_1', priority: 100 }, { name: 'VI_2', priority: 90 }] },
  checker: { virtualServers: [{ name: '10.0.0.1 80', realServers: [{ name: '192.168.0.1 80', weight: 1 }] }] },
});

test('--diff: additions, removals and changes, grouped by process and named block', async () => {
  const next = file('next.json', {
    global: { childWaitTimeMs: 10000 },
    vrrp: { instances: [{ name: 'VI_1', priority: 150 }, { name: 'VI_3', priority: 10 }] },
    checker: { virtualServers: [{ name: '10.0.0.1 80', realServers: [{ name: '192.168.0.1 80', weight: 1 }, { name: '192.168.0.2 80', weight: 2 }] }] },
  });
  const r = await diffConfigFiles(jsonConfigAdapter, current, next);
  assert.ok(r.ok);
  assert.deepEqual(r.lines, [
    'global:',
    '  ~ childWaitTimeMs: 5000 -> 10000',
    'vrrp:',
    '  ~ instances VI_1 priority: 100 -> 150',
    '  - instances VI_2',
    '  + instances VI_3',
    'checker:',
    '  + virtualServers 10.0.0.1 80 realServers 192.168.0.2 80',
  ]);
});

test('--diff: no changes, a change that needs a restart, and a broken file', async () => {
  const same = await diffConfigFiles(jsonConfigAdapter, current, current);
  assert.deepEqual(same.ok && same.lines, ['no changes']);

  const renamed = file('renamed.json', { global: { instance: 'B' } });
  const r = await diffConfigFiles(jsonConfigAdapter, current, renamed);
  assert.ok(r.ok);
  assert.ok(r.lines.includes('! Cannot change instance name at a reload - please restart keepalived'));

  const broken = file('broken.json', '{\n  "vrrp": [\n');
  const b = await diffConfigFiles(jsonConfigAdapter, current, broken);
  assert.equal(b.ok, false);
  assert.match(b.ok ? '' : b.errors[0]!, /broken\.json:\d+:\d+: error: /);
});
