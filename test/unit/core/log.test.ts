import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ctime, FileSink, Logger, logFileNameFor, syslogIdent, type LogLevel } from '../../../src/core/log.js';

test('log: ctime matches the C library layout', () => {
  assert.equal(ctime(new Date(2026, 10, 2, 1, 5, 9)), 'Mon Nov  2 01:05:09 2026');
  assert.equal(ctime(new Date(2026, 10, 22, 13, 15, 43)), 'Sun Nov 22 13:15:43 2026');
});

test('log: per-process log file names as keepalived builds them', () => {
  assert.equal(logFileNameFor('/var/log/keepalived.log', 'parent'), '/var/log/keepalived.log');
  assert.equal(logFileNameFor('/var/log/keepalived.log', 'vrrp'), '/var/log/keepalived_vrrp.log');
  assert.equal(logFileNameFor('/var/log/keepalived.log', 'checker'), '/var/log/keepalived_healthcheckers.log');
  assert.equal(logFileNameFor('/var/log.d/keepalived', 'bfd'), '/var/log.d/keepalived_bfd');
});

test('log: syslog idents', () => {
  assert.equal(syslogIdent('parent'), 'Keepalived');
  assert.equal(syslogIdent('checker'), 'Keepalived_healthcheckers');
  assert.equal(syslogIdent('vrrp', 'nodeA'), 'Keepalived_vrrp_nodeA');
});

test('log: detail lines only with -D, and a file sink writes console-format lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-log-'));
  try {
    const seen: [LogLevel, string][] = [];
    const fixed = new Date(2026, 10, 22, 1, 15, 43);
    const quiet = new Logger(0, () => fixed).addSink({ write: (l, m) => seen.push([l, m]) });
    quiet.detail('hidden');
    quiet.info('(VI_1) Entering MASTER STATE');
    assert.deepEqual(seen, [['info', '(VI_1) Entering MASTER STATE']]);

    const file = join(dir, 'k.log');
    const log = new Logger(1, () => fixed).addSink(new FileSink(file));
    log.detail('shown');
    log.close();
    assert.equal(readFileSync(file, 'utf8'), 'Sun Nov 22 01:15:43 2026: shown\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
