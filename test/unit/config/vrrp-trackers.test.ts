import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, compileClean } from './vrrp-helpers.js';

const vi = (name: string, vrid: number, extra = '') =>
  `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  virtual_ipaddress { 10.0.0.${vrid} }\n${extra}}\n`;

test('track_file: block model, deprecated vrrp_track_file spelling, defaults', () => {
  const r = compile('track_file tf1 {\n  file /run/tf1\n  weight -5 reverse\n  init_file 7 overwrite\n}\nvrrp_track_file tf2 {\n  file "/run/t f2"\n}\n' + vi('VI_1', 1, '  track_file {\n    tf1\n    tf2 weight 3 noreverse\n  }\n'));
  // keepalived only logs this one (its -t still passes): a notice.
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, ["t.conf:6:1: notice: vrrp_track_file: 'vrrp_track_file' is deprecated, use 'track_file'"]);
  assert.deepEqual(r.config.trackFiles, [
    { name: 'tf1', file: '/run/tf1', weight: { weight: -5, reverse: true }, initFile: { value: 7, overwrite: true } },
    { name: 'tf2', file: '/run/t f2', weight: { weight: 1, reverse: false } },
  ]);
  // An unweighted reference takes the track_file's weight and direction.
  assert.deepEqual(r.config.vrrpInstances[0]!.trackFiles, [
    { name: 'tf1', weight: -5, reverse: true },
    { name: 'tf2', weight: 3, reverse: false },
  ]);
});

test('track_file: problems', () => {
  const r = compile('track_file tf {\n  weight 255\n  init_file 300\n  init_file x\n}\ntrack_file tf2 {\n  file /a\n  file /b\n}');
  assert.deepEqual(r.problems, [
    "t.conf:2:10: error: weight: number '255' outside range [-254, 254]",
    "t.conf:3:13: error: init_file: number '300' outside range [-254, 254]",
    't.conf:4:13: error: init_file: Unknown track file init option x (expected VALUE and/or overwrite)',
    't.conf:1:1: warning: track_file: No file set for track_file tf - ignoring',
    't.conf:8:3: error: file: File already set for track file tf2',
  ]);
});

test('vrrp_track_process: block model and resolved matching', () => {
  const config = compileClean(
    'vrrp_track_process haproxy {\n  process haproxy\n  weight 10\n  quorum 2\n  quorum_max 4\n  delay 0.5\n  fork_delay 1.25\n}\n' +
      'vrrp_track_process sshd {\n  process /usr/sbin/sshd -D\n  param_match initial\n}\n' +
      'vrrp_track_process none {\n  process nginx\n  quorum_max 0\n}\n' +
      vi('VI_1', 1, '  track_process {\n    haproxy\n    sshd weight -3 reverse\n    none weight 0\n  }\n'),
  );
  assert.deepEqual(config.trackProcesses, [
    { name: 'haproxy', process: 'haproxy', params: [], paramMatch: 'none', fullCommand: false, weight: { weight: 10, reverse: false }, quorum: 2, quorumMax: 4, forkDelayMs: 1250, terminateDelayMs: 500 },
    { name: 'sshd', process: '/usr/sbin/sshd', params: ['-D'], paramMatch: 'initial', fullCommand: true, weight: { weight: 0, reverse: false }, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0 },
    { name: 'none', process: 'nginx', params: [], paramMatch: 'none', fullCommand: false, weight: { weight: 0, reverse: false }, quorum: 0, quorumMax: 0, forkDelayMs: 0, terminateDelayMs: 0 },
  ]);
  assert.deepEqual(config.vrrpInstances[0]!.trackProcesses, [
    { name: 'haproxy', weight: 10, reverse: false },
    { name: 'sshd', weight: -3, reverse: true },
    { name: 'none', weight: 0, reverse: false },
  ]);
});

test('vrrp_track_process: problems', () => {
  const r = compile('vrrp_track_process p {\n  quorum 5\n  quorum_max 3\n  param_match exact\n  delay 0\n}\nvrrp_track_process q {\n  process a\n  process b\n  quorum 2\n  quorum_max 0\n}');
  assert.deepEqual(r.problems, [
    't.conf:4:15: error: param_match: Invalid param_match type exact (expected initial|partial)',
    "t.conf:5:9: error: delay: number '0' outside range [0.000001, 3600] seconds",
    "t.conf:1:1: warning: vrrp_track_process: track process 'p' process name not specified - removing",
    't.conf:2:3: error: quorum: Quorum (5) is greater than quorum_max (3)',
    't.conf:9:3: error: process: Process already set for track process q',
    't.conf:11:3: error: quorum_max: quorum_max is less than quorum',
  ]);
});

test('tracker lists: weights, ranges, duplicates and references', () => {
  const r = compile(
    'vrrp_script chk {\n  script /bin/true\n}\n' +
      vi('VI_1', 1, '  track_interface {\n    eth1 weight 254\n    eth2 weight 5 noreverse\n    eth3 bogus\n    eth3\n    eth3\n  }\n  track_script {\n    chk weight -253 noreverse\n    missing\n  }\n  track_file {\n    nofile weight 254\n  }\n  track_process {\n    noproc\n  }\n  track_bfd {\n    bfd1 weight 10 sideways\n    bfd2\n    bfd3\n  }\n') +
      'bfd_instance bfd2 {\n  neighbor_ip 10.0.0.9\n  weight 7 reverse\n}\nbfd_instance bfd3 {\n  neighbor_ip 10.0.0.8\n  checker\n}\n',
  );
  assert.deepEqual(r.problems, [
    "t.conf:9:17: error: track_interface: number '254' outside range [-253, 253]",
    't.conf:10:19: error: track_interface: unknown track_interface eth2 weight option noreverse (expected reverse)',
    't.conf:11:10: error: track_interface: unknown track_interface eth3 option bogus (expected weight)',
    't.conf:13:5: error: track_interface: duplicate track_interface eth3',
    't.conf:26:20: error: track_bfd: unknown track_bfd bfd1 weight option sideways (expected reverse|noreverse)',
    't.conf:17:5: warning: track_script: (VI_1) track script missing not found, ignoring...',
    't.conf:20:5: warning: track_file: (VI_1) track file nofile not found, ignoring...',
    't.conf:23:5: warning: track_process: (VI_1) track process noproc not found, ignoring...',
    // bfd3 only sends its events to the checker process.
    't.conf:28:5: warning: track_bfd: (VI_1) track bfd bfd3 not found, ignoring...',
  ]);
  const v = r.config.vrrpInstances[0]!;
  assert.deepEqual(v.trackInterfaces, [{ name: 'eth3', weight: 0, reverse: false }]);
  assert.deepEqual(v.trackScripts[0], { name: 'chk', weight: -253, reverse: false });
  // An unweighted track_bfd takes the bfd_instance's weight and direction.
  assert.deepEqual(v.trackBfds, [{ name: 'bfd2', weight: 7, reverse: true }], 'bfd3 is dropped, as keepalived ignores it');
  assert.deepEqual([v.trackScripts.length, v.trackFiles.length, v.trackProcesses.length], [1, 0, 0], 'references not found are dropped');
});

test('vrrp_sync_group: model, tracker inheritance and notify_priority_changes to members', () => {
  const r = compile(
    'vrrp_script chk {\n  script /bin/true\n}\nvrrp_sync_group G {\n  group {\n    VI_1 VI_2\n  }\n  track_script {\n    chk\n  }\n  track_interface {\n    eth9 weight 5 reverse\n  }\n  notify_master /bin/master\n  notify "/bin/notify a" nobody nogroup\n  smtp_alert false\n  notify_priority_changes\n  global_tracking\n}\n' +
      vi('VI_1', 1) + vi('VI_2', 2, '  notify_priority_changes off\n'),
  );
  assert.deepEqual(r.problems, ['t.conf:18:3: warning: global_tracking: (G) global_tracking is deprecated. Use track_interface/script/file on the sync group']);
  assertRoundTrip(r.config);
  const config = r.config;
  assert.deepEqual(config.vrrpSyncGroups, [
    {
      name: 'G',
      members: ['VI_1', 'VI_2'],
      trackInterfaces: [{ name: 'eth9', weight: 5, reverse: true }],
      trackScripts: [{ name: 'chk', weight: 0, reverse: false }],
      trackFiles: [],
      trackProcesses: [],
      trackBfds: [],
      notify: { master: { argv: ['/bin/master'] }, any: { argv: ['/bin/notify', 'a'], user: 'nobody', group: 'nogroup' } },
      smtpAlert: false,
      notifyPriorityChanges: true,
      trackingWeight: true,
    },
  ]);
  assert.deepEqual(config.vrrpInstances.map((v) => v.notifyPriorityChanges), [true, false]);
});

test('vrrp_sync_group: membership and weight rules', () => {
  const r = compile(
    'vrrp_script chk {\n  script /bin/true\n  weight 10\n}\n' +
      'vrrp_sync_group G1 {\n  group { VI_1 VI_2 }\n  track_script { chk weight 4 }\n}\n' +
      'vrrp_sync_group G2 {\n  group { VI_2 VI_9 }\n}\n' +
      'vrrp_sync_group G3 {\n}\n' +
      'vrrp_sync_group G4 {\n  group { VI_3 }\n  group { VI_3 }\n  global_tracking\n}\n' +
      vi('VI_1', 1, '  state MASTER\n  priority 255\n  track_script { chk }\n') +
      vi('VI_2', 2) +
      vi('VI_3', 3, '  track_interface { eth4 weight 2 }\n'),
  );
  assert.deepEqual(r.problems, [
    't.conf:12:1: warning: vrrp_sync_group: Sync group G3 has no virtual router(s). removing',
    't.conf:16:3: error: group: Group list already specified for sync group G4',
    't.conf:17:3: warning: global_tracking: (G4) global_tracking is deprecated. Use track_interface/script/file on the sync group',
    't.conf:6:3: warning: vrrp_sync_group: Sync group G1 has some member(s) as address owner and some not as address owner. This won\'t work.',
    "t.conf:7:18: warning: track_script: (G1) Cannot have weighted track script 'chk' with member having priority 255 - clearing weight",
    't.conf:10:3: warning: vrrp_sync_group: Virtual router VI_2 cannot exist in more than one sync group; ignoring G2',
    "t.conf:10:3: warning: vrrp_sync_group: Virtual router VI_9 specified in sync group G2 doesn't exist - ignoring",
    "t.conf:15:3: warning: vrrp_sync_group: Sync group G4 has only 1 virtual router(s) - this probably isn't what you want",
    't.conf:25:18: warning: track_script: (VI_1) ignoring tracked script chk with weights due to SYNC group',
  ]);
});

test('track_group: static items follow it; unknown members are only noticed (keepalived logs them)', () => {
  const r = compile('track_group TG {\n  group {\n    VI_1\n    VI_X\n  }\n}\ntrack_group EMPTY {\n}\nstatic_ipaddress {\n  10.9.0.1/24 dev eth0 track_group TG\n}\n' + vi('VI_1', 1));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.trackGroups, [{ name: 'TG', members: ['VI_1', 'VI_X'] }, { name: 'EMPTY' }]);
  assert.deepEqual(r.notices, [
    "t.conf:2:3: notice: track_group: vrrp instance VI_X specified in track group TG doesn't exist - ignoring",
    't.conf:7:1: notice: track_group: Static track group EMPTY has no virtual router(s)',
  ]);
});

test('vrrp_script: an unused script is only a notice (keepalived reports it after -t has finished)', () => {
  const r = compile('vrrp_script unused {\n  script /bin/true\n}\n' + vi('VI_1', 1));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, ['t.conf:1:1: notice: vrrp_script: script unused is not used']);
});
