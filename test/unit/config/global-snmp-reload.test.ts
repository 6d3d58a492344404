import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyIncludeCheck } from '../../../src/config/global/reload.js';
import { simpleLines } from './simple-lines.js';
import { assertBadCases, compile, compileClean, globals } from './global-test-helpers.js';

test('global_defs SNMP/DBus: defaults are off', () => {
  const g = compileClean(globals()).global;
  assert.equal(g.snmpSocket, undefined);
  assert.deepEqual([g.enableTraps, g.enableSnmpVrrp, g.enableSnmpChecker, g.enableSnmpRfcv2, g.enableSnmpRfcv3, g.enableDbus], [false, false, false, false, false, false]);
  assert.equal(g.snmpVsStatsUpdateIntervalMs, 5000);
  assert.equal(g.snmpRsStatsUpdateIntervalMs, undefined, 'follows the virtual server interval');
});

test('global_defs SNMP/DBus: every keyword', () => {
  const g = compileClean(
    globals(
      'snmp_socket udp:192.0.2.9:705',
      'enable_traps',
      'enable_snmp_vrrp',
      'enable_snmp_checker',
      'enable_snmp_rfcv3',
      'snmp_vs_stats_update_interval 0.5',
      'snmp_rs_stats_update_interval 30',
      'enable_dbus',
      'dbus_service_name org.keepalived.Vrrp2',
      'dbus_no_interface_name no_if',
    ),
  ).global;
  assert.equal(g.snmpSocket, 'udp:192.0.2.9:705');
  assert.deepEqual([g.enableTraps, g.enableSnmpVrrp, g.enableSnmpChecker, g.enableSnmpRfcv2, g.enableSnmpRfcv3, g.enableDbus], [true, true, true, false, true, true]);
  assert.equal(g.snmpVsStatsUpdateIntervalMs, 500);
  assert.equal(g.snmpRsStatsUpdateIntervalMs, 30_000);
  assert.equal(g.dbusServiceName, 'org.keepalived.Vrrp2');
  assert.equal(g.dbusNoInterfaceName, 'no_if');
});

test('global_defs SNMP: enable_snmp_rfc switches on both RFC MIBs; enable_snmp_keepalived is enable_snmp_vrrp', () => {
  const r = compile(globals('enable_snmp_rfc', 'enable_snmp_keepalived'));
  assert.deepEqual(r.problems, [], 'keepalived does not warn about the old name');
  assert.deepEqual([r.config.global.enableSnmpRfcv2, r.config.global.enableSnmpRfcv3, r.config.global.enableSnmpVrrp], [true, true, true]);
  compileClean(globals('enable_snmp_rfc', 'enable_snmp_keepalived'));
});

test('global_defs reload and dumps: defaults', () => {
  const g = compileClean(globals()).global;
  assert.equal(g.reloadCheckConfig, undefined);
  assert.equal(g.reloadFile, undefined);
  assert.equal(g.reloadRepeat, false);
  assert.deepEqual(g.includeCheck, []);
  assert.equal(g.umask, 0o177);
  assert.equal(g.randomSeed, undefined);
  assert.equal(g.dataUseInstance, false);
  assert.equal(g.jsonVersion, 1);
});

test('global_defs reload and dumps: every keyword', () => {
  const g = compileClean(
    globals(
      'reload_check_config /var/log/keepalived-check.log',
      'reload_time_file /run/keepalived/reload-at',
      'reload_repeat',
      'reload_file /run/keepalived/reloading',
      'include_check match',
      'config_save_dir /var/lib/keepalived/saved/',
      'tmp_config_directory /var/tmp',
      'random_seed 4294967295',
      'umask 0x12',
      'data_use_instance off',
      'json_version 2',
      'state_dump_file /tmp/dumps/',
      'stats_dump_file /tmp/stats',
      'json_dump_file /tmp/k.json',
      'iproute_usr_dir /usr/lib/iproute2',
      'iproute_etc_dir /etc/iproute2',
    ),
  ).global;
  assert.equal(g.reloadCheckConfig, '/var/log/keepalived-check.log');
  assert.equal(g.reloadTimeFile, '/run/keepalived/reload-at');
  assert.equal(g.reloadRepeat, true);
  assert.equal(g.reloadFile, '/run/keepalived/reloading');
  assert.deepEqual(g.includeCheck, ['read', 'match']);
  assert.equal(g.configSaveDir, '/var/lib/keepalived/saved');
  assert.equal(g.tmpConfigDirectory, '/var/tmp');
  assert.equal(g.randomSeed, 4294967295);
  assert.equal(g.umask, 0o22);
  assert.equal(g.dataUseInstance, false);
  assert.equal(g.jsonVersion, 2);
  assert.equal(g.stateDumpFile, '/tmp/dumps/');
  assert.equal(g.statsDumpFile, '/tmp/stats');
  assert.equal(g.jsonDumpFile, '/tmp/k.json');
  assert.equal(g.iprouteUsrDir, '/usr/lib/iproute2');
  assert.equal(g.iprouteEtcDir, '/etc/iproute2');
});

test('global_defs reload: keywords whose argument is optional', () => {
  const g = compileClean(globals('reload_check_config', 'reload_file')).global;
  assert.equal(g.reloadCheckConfig, '/dev/null');
  assert.equal(g.reloadFile, '', 'the default file in the PID directory');
});

test('global_defs umask: numbers in strtol’s bases and bit names joined by |', () => {
  const umask = (v: string) => compileClean(globals(`umask ${v}`)).global.umask;
  assert.equal(umask('022'), 0o22);
  assert.equal(umask('18'), 0o22);
  assert.equal(umask('0'), 0);
  assert.equal(umask('0777'), 0o777);
  assert.equal(umask('IWGRP|IWOTH'), 0o22);
  assert.equal(umask('IRUSR|IWUSR|IXUSR'), 0o700);
  assert.equal(umask('IWGRP | IWOTH'), 0o22);
});

test('global_defs include_check: set, add and remove like keepalived’s include_check_set', () => {
  const words = (text: string) => simpleLines(`x ${text}`)[0]!.words.slice(1);
  assert.deepEqual(applyIncludeCheck([], []), ['read', 'match', 'wildcard_match', 'brace_match']);
  assert.deepEqual(applyIncludeCheck([], words('wildcard_match')), ['read', 'wildcard_match']);
  assert.deepEqual(applyIncludeCheck(['read', 'brace_match'], words('+match -wildcard_match')), ['read', 'match', 'brace_match']);
  assert.deepEqual(applyIncludeCheck(['read', 'match'], words('-read')), ['match']);
  assert.deepEqual(applyIncludeCheck(['read', 'match'], words('brace_match +wildcard_match')), ['read', 'wildcard_match', 'brace_match']);
  // Statements accumulate in order; the model holds the result.
  assert.deepEqual(compileClean(globals('include_check', 'include_check -brace_match')).global.includeCheck, ['read', 'match', 'wildcard_match']);
  assert.deepEqual(compileClean(globals('include_check +match')).global.includeCheck, ['match']);
  assert.deepEqual(compileClean(globals('include_check', 'include_check -read -match -wildcard_match -brace_match')).global.includeCheck, []);
});

test('global_defs SNMP, reload and dumps: bad values', () => {
  assertBadCases([
    { text: globals('snmp_socket'), problems: ['t.conf:2:3: error: snmp_socket: missing parameter'] },
    { text: globals('snmp_socket a b'), problems: ["t.conf:2:17: error: snmp_socket: Too many parameters specified for snmp_socket: 'b'"] },
    { text: globals('snmp_socket a', 'snmp_socket b'), problems: ['t.conf:3:3: error: snmp_socket: SNMP socket already set'] },
    { text: globals('enable_traps no'), problems: ["t.conf:2:16: error: enable_traps: 'enable_traps' takes no parameter"] },
    { text: globals('enable_snmp_rfc x'), problems: ["t.conf:2:19: error: enable_snmp_rfc: unexpected parameter 'x' (this keyword takes none)"] },
    {
      text: globals('snmp_vs_stats_update_interval 0'),
      problems: ["t.conf:2:33: error: snmp_vs_stats_update_interval: number '0' outside range [0.001, 30] seconds"],
    },
    { text: globals('dbus_service_name'), problems: ['t.conf:2:3: error: dbus_service_name: missing parameter'] },
    { text: globals('reload_time_file'), problems: ['t.conf:2:3: error: reload_time_file: missing parameter'] },
    { text: globals('reload_check_config a b'), problems: ["t.conf:2:25: error: reload_check_config: unexpected extra parameter 'b'"] },
    { text: globals('reload_repeat 1'), problems: ["t.conf:2:17: error: reload_repeat: 'reload_repeat' takes no parameter"] },
    {
      text: globals('include_check bogus'),
      problems: ["t.conf:2:17: error: include_check: Unknown include_check type 'bogus' (expected read|match|wildcard_match|brace_match)"],
    },
    {
      text: globals('include_check readable'),
      problems: ["t.conf:2:17: error: include_check: Unknown include_check type 'readable' (expected read|match|wildcard_match|brace_match)"],
    },
    {
      text: globals('include_check read match'),
      problems: ["t.conf:2:22: error: include_check: Duplicate include_check 'match' specified (use +match to add it)"],
    },
    {
      text: globals('tmp_config_directory /a', 'tmp_config_directory /b'),
      problems: ['t.conf:3:3: error: tmp_config_directory: tmp_config_directory already specified'],
    },
    { text: globals('random_seed -1'), problems: ["t.conf:2:15: error: random_seed: negative number '-1'"] },
    { text: globals('umask'), problems: ['t.conf:2:3: error: umask: missing umask value'] },
    { text: globals('umask 01000'), problems: ['t.conf:2:9: error: umask: invalid umask value 01000 (only permission bits, at most 0777)'] },
    { text: globals('umask 09'), problems: ['t.conf:2:9: error: umask: invalid umask value 09'] },
    { text: globals('umask 022 x'), problems: ["t.conf:2:13: error: umask: Extra parameter(s) to umask option: 'x'"] },
    { text: globals('umask IWGRP|'), problems: ['t.conf:2:9: error: umask: umask missing bit value'] },
    { text: globals('umask IWGRP||IWOTH'), problems: ["t.conf:2:9: error: umask: Invalid umask syntax 'IWGRP||IWOTH'"] },
    { text: globals('umask IWGRP|IWEVERYONE'), problems: ['t.conf:2:9: error: umask: Unknown umask bit IWEVERYONE (expected I{R|W|X}{USR|GRP|OTH})'] },
    { text: globals('json_version 3'), problems: ["t.conf:2:16: error: json_version: number '3' outside range [1, 2]"] },
    { text: globals('data_use_instance maybe'), problems: ["t.conf:2:21: error: data_use_instance: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)"] },
    { text: globals('state_dump_file ""'), problems: ['t.conf:2:19: error: state_dump_file: empty path'] },
  ]);
});
