/**
 * Every configuration in examples/ (the seed documents' keepalived.conf
 * examples) compiles without errors and survives compile → print → compile.
 * Warnings are allowed: the examples name interfaces that do not exist here,
 * and use keywords other tables may not know yet.
 * They are read with the real lexer, as `keepalived -f FILE` would read them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { compileText } from '../../../src/config/index.js';
import { assertRoundTrip } from './check-helpers.js';

const DIR = 'examples';
const compileExample = (file: string, as: string) => compileText(readFileSync(join(DIR, file), 'utf8'), as, { configId: 'example' });

const files = readdirSync(DIR).filter((f) => f.endsWith('.conf'));

test('examples: the seed configurations are all there', () => {
  assert.deepEqual(files.sort(), [
    'redhat-lb1.conf',
    'redhat-lb2.conf',
    'userguide-healthcheck-ssl.conf',
    'userguide-healthcheck.conf',
    'userguide-mixed-director1.conf',
    'userguide-vrrp-director1.conf',
  ]);
});

/**
 * What keepalived 2.2.7 itself reports and corrects for a file (checked with `keepalived -t`
 * in a namespace with the interfaces the file names): warnings, so the daemon starts.
 */
const KEEPALIVED_CORRECTIONS: Record<string, string[]> = {
  'userguide-vrrp-director1.conf': [
    'userguide-vrrp-director1.conf:33:9: warning: auth_type: (VI_1) Initial state master is incompatible with AH authentication - clearing',
    'userguide-vrrp-director1.conf:48:9: warning: auth_type: (VI_2) Initial state master is incompatible with AH authentication - clearing',
  ],
};

for (const file of files) {
  test(`examples: ${file} compiles with no errors, and round-trips`, () => {
    const r = compileExample(file, file);
    const errors = r.diagnostics.items.filter((d) => d.severity === 'error' || d.severity === 'fatal').map(formatDiagnostic);
    assert.deepEqual(errors, []);
    const corrections = r.diagnostics.items.filter((d) => d.message.endsWith('- clearing')).map(formatDiagnostic);
    assert.deepEqual(corrections, KEEPALIVED_CORRECTIONS[file] ?? []);
    // The corrected model prints as what keepalived runs (state BACKUP), which compiles cleanly.
    assertRoundTrip(r.config);
  });
}

test('examples: userguide-vrrp-director1 runs its AH masters as BACKUP, as keepalived does', () => {
  const r = compileExample('userguide-vrrp-director1.conf', 'ug.conf');
  assert.deepEqual(
    r.config.vrrpInstances.map((v) => [v.name, v.state, v.priority, v.auth?.type]),
    [['VI_1', 'BACKUP', 150, 'AH'], ['VI_2', 'BACKUP', 150, 'AH'], ['VI_3', 'BACKUP', 100, 'AH'], ['VI_4', 'BACKUP', 100, 'AH']],
  );
});

test('examples: the user guide health-check case study, as keepalived reads it', () => {
  const r = compileExample('userguide-healthcheck.conf', 'ug.conf');
  const summary = r.config.virtualServers.map((v) => ({
    service: v.service.type === 'address' ? `${v.service.address}:${v.service.port}` : '',
    scheduler: v.scheduler,
    persistenceS: v.persistenceTimeoutMs / 1000,
    delayLoopS: v.delayLoopMs / 1000,
    servers: v.realServers.map((rs) => `${rs.address}:${rs.port} w${rs.effective.weight} ${rs.checkers.map((c) => c.type).join(',')}`),
  }));
  assert.deepEqual(summary, [
    { service: '192.168.200.15:80', scheduler: 'wrr', persistenceS: 50, delayLoopS: 30, servers: ['192.168.100.2:80 w2 HTTP_GET', '192.168.100.3:80 w1 HTTP_GET'] },
    { service: '192.168.200.15:443', scheduler: 'rr', persistenceS: 360, delayLoopS: 20, servers: ['192.168.100.2:443 w1 TCP_CHECK', '192.168.100.3:443 w1 TCP_CHECK'] },
    { service: '192.168.200.15:25', scheduler: 'wlc', persistenceS: 50, delayLoopS: 15, servers: ['192.168.100.4:25 w1 TCP_CHECK', '192.168.100.5:25 w2 TCP_CHECK'] },
  ]);
  // nb_get_retry 3 is the deprecated spelling of retry: the user guide's "down after 3 retries".
  const http = r.config.virtualServers[0]!.realServers[0]!.checkers[0]!;
  assert.ok(http.type === 'HTTP_GET');
  assert.deepEqual([http.effective.retry, http.effective.delayBeforeRetryMs, http.effective.connection.timeoutMs, http.urls.length], [3, 2000, 3000, 2]);
  assert.deepEqual(
    r.diagnostics.items.filter((d) => d.keyword === 'nb_get_retry' && d.severity === 'warning').map(formatDiagnostic),
    ["ug.conf:43:13: warning: nb_get_retry: nb_get_retry is deprecated - please use 'retry'", "ug.conf:55:13: warning: nb_get_retry: nb_get_retry is deprecated - please use 'retry'"],
  );
});
