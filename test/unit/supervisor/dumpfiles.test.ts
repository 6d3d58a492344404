import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dataFilePath, tmpDirectory, writeFileSafely } from '../../../src/supervisor/dumpfiles.js';

test('TMPDIR is used only when absolute', () => {
  assert.equal(tmpDirectory({ TMPDIR: '/var/tmp' }), '/var/tmp');
  assert.equal(tmpDirectory({ TMPDIR: '/var/tmp/' }), '/var/tmp');
  assert.equal(tmpDirectory({ TMPDIR: 'relative' }), '/tmp');
  assert.equal(tmpDirectory({}), '/tmp');
});

test('.data names: suffix per process, data_use_instance, state_dump_file', () => {
  const base = { tmpDir: '/tmp' };
  assert.equal(dataFilePath('vrrp', base), '/tmp/keepalived.data');
  assert.equal(dataFilePath('checker', base), '/tmp/keepalived_check.data');
  assert.equal(dataFilePath('bfd', base), '/tmp/keepalived_bfd.data');
  assert.equal(dataFilePath('parent', base), '/tmp/keepalived_parent.data');
  // what the lab saw from Debian's 2.2.7 with `instance nodeA` and data_use_instance
  assert.equal(dataFilePath('parent', { ...base, dataUseInstance: true, instance: 'nodeA' }), '/tmp/keepalived_parent.nodeA.data');
  assert.equal(dataFilePath('vrrp', { ...base, dataUseInstance: true, instance: 'nodeA' }), '/tmp/keepalived.nodeA.data');
  assert.equal(dataFilePath('vrrp', { ...base, dataUseInstance: true, netns: 'blue', instance: 'A' }), '/tmp/keepalived.blue_A.data');
  assert.equal(dataFilePath('vrrp', { ...base, dataUseInstance: true, netns: 'blue' }), '/tmp/keepalived.blue.data');
  assert.equal(dataFilePath('vrrp', { ...base, instance: 'A' }), '/tmp/keepalived.data');
  assert.equal(dataFilePath('checker', { ...base, stateDumpFile: '/var/lib/ka/state.txt' }), '/var/lib/ka/state_check.txt');
  assert.equal(dataFilePath('checker', { ...base, stateDumpFile: '/var/lib/ka/' }), '/var/lib/ka/keepalived_check.data');
  assert.equal(dataFilePath('bfd', { ...base, stateDumpFile: 'dump' }), '/tmp/dump_bfd');
});

test('dumps replace the file atomically, never write through a planted symlink, and honour the umask', async () => {
  const dir = mkdtempSync('/tmp/ka-dump-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious');
  const target = join(dir, 'keepalived.data');
  symlinkSync(victim, target);
  await writeFileSafely(target, 'dump\n', 0o177);
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.equal(readFileSync(target, 'utf8'), 'dump\n');
  assert.throws(() => readlinkSync(target));
  assert.equal(statSync(target).mode & 0o777, 0o600);
  await writeFileSafely(target, 'again\n', 0o022);
  assert.equal(statSync(target).mode & 0o777, 0o644);
});
