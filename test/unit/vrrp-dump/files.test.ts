/**
 * Dump file names and the atomic writer. The names of the captured keepalived 2.2.7 run
 * (TMPDIR=/tmp/kadump.9SFL8J/tmp, `-s kadump2067`, `instance dumpinst`, data_use_instance)
 * are the reference for the default rules.
 */
import { strict as assert } from 'node:assert';
import { link, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DumpWriteError, dumpDirectory, dumpFilePath, writeDumpFile } from '../../../src/vrrp/dump/index.js';
import { RUN } from './captured-run.js';

const env = { TMPDIR: `${RUN.tmpDir}/tmp` };
const run = { env, dataUseInstance: true, netNamespace: RUN.netns, instanceName: RUN.instance };

test('the captured run\'s file names', () => {
  assert.equal(dumpFilePath('data', run), `${RUN.tmpDir}/tmp/keepalived.kadump2067_dumpinst.data`);
  assert.equal(dumpFilePath('parent-data', run), `${RUN.tmpDir}/tmp/keepalived_parent.kadump2067_dumpinst.data`);
  // data_use_instance does not rename the stats and JSON files.
  assert.equal(dumpFilePath('stats', run), `${RUN.tmpDir}/tmp/keepalived.stats`);
  assert.equal(dumpFilePath('json', run), `${RUN.tmpDir}/tmp/keepalived.json`);
});

test('TMPDIR is used only when absolute', () => {
  assert.equal(dumpDirectory({ TMPDIR: '/var/tmp' }), '/var/tmp');
  assert.equal(dumpDirectory({ TMPDIR: 'relative/dir' }), '/tmp');
  assert.equal(dumpDirectory({}), '/tmp');
  assert.equal(dumpFilePath('check-data', { env: {} }), '/tmp/keepalived_check.data');
  assert.equal(dumpFilePath('bfd-data', { env: { TMPDIR: 'x' } }), '/tmp/keepalived_bfd.data');
});

test('data_use_instance with only a namespace or only an instance name, or neither', () => {
  assert.equal(dumpFilePath('data', { env: {}, dataUseInstance: true, netNamespace: 'nsA' }), '/tmp/keepalived.nsA.data');
  assert.equal(dumpFilePath('parent-data', { env: {}, dataUseInstance: true, instanceName: 'web' }), '/tmp/keepalived_parent.web.data');
  assert.equal(dumpFilePath('data', { env: {}, dataUseInstance: true }), '/tmp/keepalived.data');
  assert.equal(dumpFilePath('data', { env: {}, netNamespace: 'nsA', instanceName: 'web' }), '/tmp/keepalived.data');
});

test('state_dump_file: a directory, a path, or a name in the temporary directory (keepalived 2.3+)', () => {
  const base = { env: { TMPDIR: '/run/t' } };
  assert.equal(dumpFilePath('data', { ...base, stateDumpFile: '/var/lib/ka/' }), '/var/lib/ka/keepalived.data');
  assert.equal(dumpFilePath('parent-data', { ...base, stateDumpFile: '/var/lib/ka/state.txt' }), '/var/lib/ka/state_parent.txt');
  assert.equal(dumpFilePath('check-data', { ...base, stateDumpFile: 'mydump' }), '/run/t/mydump_check');
  assert.equal(dumpFilePath('data', { ...base, stateDumpFile: 'sub/name.data' }), '/run/t/name.data');
  assert.equal(
    dumpFilePath('parent-data', { ...base, stateDumpFile: '/var/lib/ka/state.txt', dataUseInstance: true, netNamespace: 'ns', instanceName: 'i' }),
    '/var/lib/ka/state_parent.ns_i.txt',
  );
});

test('stats_dump_file and json_dump_file follow the same rules (our extension)', () => {
  assert.equal(dumpFilePath('stats', { env: {}, statsDumpFile: '/var/lib/ka/' }), '/var/lib/ka/keepalived.stats');
  assert.equal(dumpFilePath('json', { env: {}, jsonDumpFile: '/srv/status.json' }), '/srv/status.json');
  assert.equal(dumpFilePath('json', { env: {}, stateDumpFile: '/elsewhere/' }), '/tmp/keepalived.json');
});

test('writeDumpFile replaces the file atomically, with 0666 & ~umask, and leaves nothing behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ka-dump-'));
  try {
    const path = join(dir, 'keepalived.data');
    await writeDumpFile(path, 'first\n');
    assert.equal(await readFile(path, 'utf8'), 'first\n');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    // A second name for the old file keeps the old content: the new file is a new inode
    // renamed over the name, never the old one truncated and rewritten.
    await link(path, join(dir, 'old'));
    await writeDumpFile(path, 'second\n', { umask: 0o022 });
    assert.equal(await readFile(path, 'utf8'), 'second\n');
    assert.equal(await readFile(join(dir, 'old'), 'utf8'), 'first\n');
    assert.equal((await stat(path)).mode & 0o777, 0o644);
    assert.deepEqual((await readdir(dir)).sort(), ['keepalived.data', 'old']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeDumpFile reports a missing directory with a clear error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ka-dump-'));
  try {
    await writeFile(join(dir, 'afile'), '');
    await assert.rejects(writeDumpFile(join(dir, 'nope', 'keepalived.json'), '[]\n'), (e: unknown) => {
      assert.ok(e instanceof DumpWriteError);
      assert.equal(e.code, 'ENOENT');
      assert.match(e.message, /nope\/keepalived\.json/);
      return true;
    });
    assert.deepEqual(await readdir(dir), ['afile']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
