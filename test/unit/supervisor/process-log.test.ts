import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identSuffix, parseLogSettings, processLogger } from '../../../src/supervisor/process-log.js';

test('the ident suffix is NETNS_INSTANCE, as make_syslog_ident builds it', () => {
  assert.equal(identSuffix('blue', 'A'), 'blue_A');
  assert.equal(identSuffix(undefined, 'A'), 'A');
  assert.equal(identSuffix('blue', undefined), 'blue');
  assert.equal(identSuffix(undefined, undefined), undefined);
});

test('settings from a command line are checked', () => {
  assert.deepEqual(parseLogSettings('{"console":true,"syslog":false,"facility":16,"detail":1,"identSuffix":"A"}'), {
    console: true, syslog: false, facility: 16, detail: 1, identSuffix: 'A',
  });
  assert.equal(parseLogSettings('{"console":true,"syslog":false,"facility":24,"detail":0}'), undefined);
  assert.equal(parseLogSettings('{"console":"yes"}'), undefined);
  assert.equal(parseLogSettings('not json'), undefined);
  assert.equal(parseLogSettings(undefined), undefined);
});

test('-g FILE gives each child its own file, -D its detail lines', () => {
  const dir = mkdtempSync('/tmp/ka-log-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const log = processLogger('vrrp', { console: false, syslog: false, facility: 3, detail: 1, file: join(dir, 'keepalived.log') });
  log.info('(VI_1) Entering MASTER STATE');
  log.detail('a detail line');
  log.close();
  const text = readFileSync(join(dir, 'keepalived_vrrp.log'), 'utf8');
  assert.match(text, /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: \(VI_1\) Entering MASTER STATE\n.*: a detail line\n$/);
});
