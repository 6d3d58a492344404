import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, withChecker } from './check-helpers.js';

/** The instances lvs_sync_daemon may follow (after global_defs, so its line numbers stay put). */
const INSTANCES = ['VI_1', 'VI_2']
  .map((name, i) => `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${51 + i}\n  priority 100\n  virtual_ipaddress {\n    10.0.0.${100 + i}/24\n  }\n}`)
  .join('\n');

function globals(lines: string) {
  const r = compile(`global_defs {\n${lines}\n}\n${INSTANCES}`);
  const { lvsSyncDaemon, lvsTimeouts, lvsFlush, lvsFlushOnStop, checkerLogAllFailures, lvsNotifyFifo, lvsNotifyFifoScript, rsInitNotifies } = r.config.global;
  return { r, lvs: { lvsSyncDaemon, lvsTimeouts, lvsFlush, lvsFlushOnStop, checkerLogAllFailures, lvsNotifyFifo, lvsNotifyFifoScript, rsInitNotifies } };
}

test('global_defs LVS area: defaults', () => {
  const { r, lvs } = globals('');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(lvs, {
    lvsSyncDaemon: undefined,
    lvsTimeouts: {},
    lvsFlush: false,
    lvsFlushOnStop: 'off',
    checkerLogAllFailures: false,
    lvsNotifyFifo: undefined,
    lvsNotifyFifoScript: undefined,
    rsInitNotifies: false,
  });
});

test('global_defs LVS area: every keyword', () => {
  const { r, lvs } = globals(
    [
      '  lvs_sync_daemon eth1 inst VI_1 id 10 maxlen 1400 port 8849 ttl 2 group 224.0.0.82',
      '  lvs_timeouts tcp 900 udp 30',
      '  lvs_timeouts tcpfin 60',
      '  lvs_flush',
      '  lvs_flush_on_stop VS',
      '  checker_log_all_failures',
      '  lvs_notify_fifo /run/lvs.fifo nobody nogroup',
      '  lvs_notify_fifo_script "/usr/bin/fifo-reader -v" root',
      '  rs_init_notifies on',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(lvs, {
    lvsSyncDaemon: { interface: 'eth1', instance: 'VI_1', syncId: 10, maxLen: 1400, port: 8849, ttl: 2, group: '224.0.0.82' },
    lvsTimeouts: { tcpMs: 900_000, udpMs: 30_000, tcpFinMs: 60_000 },
    lvsFlush: true,
    lvsFlushOnStop: 'vs',
    checkerLogAllFailures: true,
    lvsNotifyFifo: { path: '/run/lvs.fifo', user: 'nobody', group: 'nogroup' },
    lvsNotifyFifoScript: { argv: ['/usr/bin/fifo-reader', '-v'], user: 'root' },
    rsInitNotifies: true,
  });
  assertRoundTrip(r.config);
});

test('global_defs LVS area: the old positional lvs_sync_daemon form and lvs_flush_onstop', () => {
  const { r, lvs } = globals('  lvs_sync_daemon eth0 VI_2 7\n  lvs_flush_onstop');
  // keepalived accepts lvs_flush_onstop silently: a notice, not a warning.
  assert.deepEqual(r.problems, ['t.conf:2:29: warning: lvs_sync_daemon: Please use keyword "id" before lvs_sync_daemon SYNCID']);
  assert.ok(r.diagnostics.items.some((d) => d.severity === 'notice' && d.keyword === 'lvs_flush_onstop' && /deprecated/.test(d.message)));
  assert.deepEqual([lvs.lvsSyncDaemon, lvs.lvsFlushOnStop], [{ interface: 'eth0', instance: 'VI_2', syncId: 7 }, 'all']);
  assert.match(assertRoundTrip(r.config), /^global_defs \{\n  lvs_sync_daemon eth0 inst VI_2 id 7\n  lvs_flush_on_stop\n\}\n/);
});

const bad: { line: string; problem: string }[] = [
  { line: 'lvs_sync_daemon', problem: '2:3: error: lvs_sync_daemon: lvs_sync_daemon requires interface' },
  { line: 'lvs_sync_daemon averyveryverylongname', problem: "2:19: error: lvs_sync_daemon: lvs_sync_daemon interface name 'averyveryverylongname' too long (at most 15 characters)" },
  { line: 'lvs_sync_daemon eth0 id 256', problem: '2:27: error: lvs_sync_daemon: Invalid lvs_sync_daemon id (256), expected 0..255' },
  { line: 'lvs_sync_daemon eth0 group 10.0.0.1', problem: '2:30: error: lvs_sync_daemon: lvs_sync_daemon group address 10.0.0.1 is not multicast' },
  { line: 'lvs_sync_daemon eth0 port', problem: '2:24: error: lvs_sync_daemon: No value specified for lvs_sync_daemon port' },
  { line: 'lvs_sync_daemon eth0 VI_1 id 5 extra', problem: '2:34: error: lvs_sync_daemon: Unknown option extra specified for lvs_sync_daemon' },
  { line: 'lvs_sync_daemon eth0\n  lvs_sync_daemon eth1', problem: '3:3: error: lvs_sync_daemon: lvs_sync_daemon has already been specified as eth0 - ignoring' },
  { line: 'lvs_timeouts tcp', problem: '2:3: error: lvs_timeouts: lvs_timeouts requires at least one option (tcp|tcpfin|udp SECONDS)' },
  { line: 'lvs_timeouts tcp 10 sctp 5', problem: '2:23: error: lvs_timeouts: Unknown option sctp specified for lvs_timeouts (expected tcp|tcpfin|udp)' },
  { line: 'lvs_timeouts udp 2678401', problem: '2:20: error: lvs_timeouts: Invalid lvs_timeout udp (2678401), expected 0..2678400' },
  { line: 'lvs_flush_on_stop ALL', problem: '2:21: error: lvs_flush_on_stop: Unknown lvs_flush_on_stop type ALL (expected VS)' },
  { line: 'lvs_flush now', problem: "2:13: error: lvs_flush: 'lvs_flush' takes no parameter" },
  { line: 'checker_log_all_failures 2', problem: "2:28: error: checker_log_all_failures: invalid boolean '2' (expected one of on|off|true|false|yes|no)" },
  { line: 'lvs_notify_fifo', problem: '2:3: error: lvs_notify_fifo: No lvs_notify_fifo name specified' },
  { line: 'lvs_notify_fifo /a\n  lvs_notify_fifo /b', problem: '3:3: error: lvs_notify_fifo: lvs_notify_fifo already specified - ignoring /b' },
  { line: 'lvs_notify_fifo_script /a\n  lvs_notify_fifo_script /b', problem: '3:3: error: lvs_notify_fifo_script: lvs_notify_fifo_script already specified - ignoring /b' },
];

for (const c of bad) {
  test(`global_defs LVS area: ${c.line.split('\n').pop()!.trim()}`, () => {
    assert.deepEqual(globals(`  ${c.line}`).r.problems, [`t.conf:${c.problem}`]);
  });
}

test('checker_log_all_failures turns on log_all_failures for every polled checker', () => {
  const r = compile(`global_defs {\n  checker_log_all_failures\n}\n${withChecker('    TCP_CHECK {\n    }\n    MISC_CHECK {\n      misc_path /bin/true\n      log_all_failures off\n    }')}`);
  assert.deepEqual(r.problems, []);
  const checkers = r.config.virtualServers[0]!.realServers[0]!.checkers;
  assert.deepEqual(checkers.map((c) => c.type !== 'FILE_CHECK' && c.type !== 'BFD_CHECK' && c.effective.logAllFailures), [true, true]);
  assertRoundTrip(r.config);
});
