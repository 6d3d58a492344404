/**
 * Trackers and notify in the plan: vrrp_script resolved to something the runner can start
 * (keepalived's script user rules, the real checkScript on real files), only tracked objects
 * run, unusable scripts dropped with their references, resolveTracking's inputs with
 * weights, interface delays, and the notify specs and FIFOs (the global FIFO script left to
 * the checker when it runs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plan } from './helpers.js';

const TRUE = '/bin/true';
const USERS = [{ name: 'root', uid: 0, gid: 0 }, { name: 'nobody', uid: 65534, gid: 65534 }, { name: 'ops', uid: 1000, gid: 1000 }];

const vi = (name: string, vrid: number, iface: string, extra = '') =>
  `vrrp_instance ${name} {\n  interface ${iface}\n  virtual_router_id ${vrid}\n  virtual_ipaddress { 192.0.2.${vrid} }\n${extra}\n}\n`;

test('vrrp_script: only tracked ones run, with their user; unusable ones are dropped with the references to them', () => {
  const { plan: p, messages } = plan([
    `vrrp_script chk_ok {\n  script "${TRUE} --check"\n  interval 2\n  timeout 1\n  rise 3\n  fall 2\n  weight 10\n  init_fail\n}`,
    `vrrp_script chk_user {\n  script ${TRUE}\n  user nobody\n}`,
    `vrrp_script chk_unused {\n  script ${TRUE}\n}`,
    'vrrp_script chk_missing {\n  script /nonexistent/check.sh\n  weight -20\n}',
    `vrrp_script chk_nouser {\n  script ${TRUE}\n  user nosuchuser\n}`,
    vi('VI_1', 1, 'eth0', '  track_script {\n    chk_ok\n    chk_user weight 5 reverse\n    chk_missing\n    chk_nouser\n  }'),
  ].join('\n'), { users: USERS });
  assert.deepEqual(p.trackers.scripts, [
    { name: 'chk_ok', script: { name: 'chk_ok', argv: ['/usr/bin/true', '--check'], uid: 0, gid: 0 }, intervalMs: 2000, timeoutMs: 1000, rise: 3, fall: 2, initFail: true },
    { name: 'chk_user', script: { name: 'chk_user', argv: ['/usr/bin/true'], uid: 65534, gid: 65534 }, intervalMs: 1000, rise: 1, fall: 1, initFail: false },
  ]);
  assert.deepEqual(p.tracking.instances[0]!.trackers, [
    { kind: 'script', name: 'chk_ok', weight: 10, reverse: false },
    { kind: 'script', name: 'chk_user', weight: 5, reverse: true },
  ]);
  assert.ok(messages.includes('warning: vrrp_script chk_missing: disabled'), messages.join('\n'));
  assert.ok(messages.includes("warning: vrrp_script chk_nouser: invalid user/group for script: script user 'nosuchuser' does not exist - disabling"));
  assert.ok(messages.includes('notice: (VI_1) track_script chk_missing dropped: the script cannot be run'));
  assert.ok(messages.some((m) => m.startsWith('security: SECURITY VIOLATION - scripts are being executed but script_security not enabled.')), messages.join('\n'));
});

test('script users: script_user, then keepalived_script; with enable_script_security and neither, scripts cannot run', () => {
  const text = (global: string) => `global_defs {\n${global}\n}\nvrrp_script chk {\n  script ${TRUE}\n}\n${vi('VI_1', 1, 'eth0', '  track_script {\n    chk\n  }')}`;
  assert.deepEqual(plan(text('  script_user ops'), { users: USERS }).plan.trackers.scripts[0]!.script, { name: 'chk', argv: ['/usr/bin/true'], uid: 1000, gid: 1000 });
  const withKs = [...USERS, { name: 'keepalived_script', uid: 998, gid: 997 }];
  assert.deepEqual(plan(text(''), { users: withKs }).plan.trackers.scripts[0]!.script.uid, 998);
  const secure = plan(text('  enable_script_security'), { users: USERS });
  assert.deepEqual(secure.plan.trackers.scripts, []);
  assert.ok(secure.messages.some((m) => /vrrp_script chk: unable to set default user keepalived_script/.test(m)), secure.messages.join('\n'));
  assert.ok(!secure.messages.some((m) => m.startsWith('security:')));
});

test('track_file, vrrp_track_process, track_bfd, track_interface with delays; sync-group trackers; only tracked objects run', () => {
  const { plan: p } = plan([
    'track_file tf {\n  file /run/prio\n  weight 2\n  init_file 5 overwrite\n}',
    'track_file tf_unused {\n  file /run/other\n}',
    'vrrp_track_process haproxy {\n  process haproxy -f /etc/haproxy.cfg\n  quorum 2\n  quorum_max 4\n  delay 1.5\n  weight 30\n}',
    'bfd_instance peer1 {\n  neighbor_ip 192.0.2.9\n}',
    'interface_up_down_delays {\n  eth1 2 0.5\n}',
    'vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  track_interface {\n    eth2\n  }\n  track_file {\n    tf weight 0\n  }\n}',
    vi('VI_1', 1, 'eth0', '  track_process {\n    haproxy weight 0\n  }\n  track_bfd {\n    peer1\n  }'),
    vi('VI_2', 2, 'eth1', '  dont_track_primary\n  track_interface {\n    eth3\n  }'),
  ].join('\n'));
  assert.deepEqual(p.trackers.files, [{ name: 'tf', path: '/run/prio', initFile: { value: 5, overwrite: true } }]);
  assert.deepEqual(p.trackers.processes, [{
    name: 'haproxy', process: 'haproxy', params: ['-f', '/etc/haproxy.cfg'], paramMatch: 'exact', fullCommand: true,
    quorum: 2, quorumMax: 4, forkDelayMs: 1500, terminateDelayMs: 1500,
  }]);
  assert.deepEqual(p.trackers.bfds, ['peer1']);
  assert.deepEqual(p.trackers.interfaces, [{ name: 'eth0' }, { name: 'eth3' }, { name: 'eth2' }], 'eth1 is VI_2\'s own, not tracked (dont_track_primary)');
  assert.deepEqual(p.tracking.instances, [
    { name: 'VI_1', basePriority: 100, primaryInterfaces: ['eth0'], dontTrackPrimary: false, trackers: [
      { kind: 'process', name: 'haproxy', weight: 0, reverse: false },
      { kind: 'bfd', name: 'peer1', weight: 0, reverse: false },
    ] },
    { name: 'VI_2', basePriority: 100, primaryInterfaces: ['eth1'], dontTrackPrimary: true, trackers: [
      { kind: 'interface', name: 'eth3', weight: 0, reverse: false },
    ] },
  ]);
  assert.deepEqual(p.tracking.groups, [{ name: 'G', members: ['VI_1', 'VI_2'], trackingWeight: false, trackers: [
    { kind: 'interface', name: 'eth2', weight: 0, reverse: false },
    { kind: 'file', name: 'tf', weight: 0, reverse: false },
  ] }]);
  const { plan: delayed } = plan(['interface_up_down_delays {\n  eth1 2 0.5\n}', vi('VI_2', 2, 'eth1')].join('\n'));
  assert.deepEqual(delayed.trackers.interfaces, [{ name: 'eth1', upDelayMs: 500, downDelayMs: 2000 }]);
});

test('notify scripts of instances and groups, notify_deleted, smtp_alert and priority changes inherited', () => {
  const { plan: p } = plan([
    'global_defs {\n  smtp_alert_vrrp\n  vrrp_notify_priority_changes\n}',
    `vrrp_sync_group G {\n  group {\n    VI_1\n  }\n  notify_master "${TRUE} group-master"\n  notify ${TRUE}\n}`,
    vi('VI_1', 1, 'eth0', `  notify_master "${TRUE} master" nobody\n  notify_backup /nonexistent/x\n  notify ${TRUE}\n  notify_deleted\n  notify_master_rx_lower_pri ${TRUE}\n  smtp_alert off`),
  ].join('\n'));
  const [inst, group] = p.notify.specs;
  assert.deepEqual(inst, {
    type: 'INSTANCE', name: 'VI_1', notifyDeleted: true, notifyPriorityChanges: true, smtpAlert: false,
    scripts: {
      master: { name: `${TRUE} master`, argv: ['/usr/bin/true', 'master'], uid: 65534, gid: 65534 },
      generic: { name: TRUE, argv: ['/usr/bin/true'], uid: 0, gid: 0 },
      masterRxLowerPri: { name: TRUE, argv: ['/usr/bin/true'], uid: 0, gid: 0 },
    },
  });
  assert.deepEqual(group, {
    type: 'GROUP', name: 'G', notifyPriorityChanges: true, smtpAlert: true,
    scripts: {
      master: { name: `${TRUE} group-master`, argv: ['/usr/bin/true', 'group-master'], uid: 0, gid: 0 },
      generic: { name: TRUE, argv: ['/usr/bin/true'], uid: 0, gid: 0 },
    },
  });
});

test('notify FIFOs: owners, reading scripts, and the global script left to the checker when it runs', () => {
  const text = [
    'global_defs {',
    `  notify_fifo /run/ka.fifo nobody`,
    `  notify_fifo_script ${TRUE}`,
    `  vrrp_notify_fifo /run/vrrp.fifo`,
    `  vrrp_notify_fifo_script "${TRUE} vrrp" ops`,
    '  fifo_write_vrrp_states_on_reload',
    '}',
    vi('VI_1', 1, 'eth0'),
  ].join('\n');
  const alone = plan(text, { users: USERS }).plan.notify;
  assert.deepEqual(alone.fifos, [
    { keyword: 'notify_fifo', path: '/run/ka.fifo', uid: 65534, gid: 65534, script: { name: TRUE, argv: ['/usr/bin/true'], uid: 0, gid: 0 } },
    { keyword: 'vrrp_notify_fifo', path: '/run/vrrp.fifo', uid: 0, gid: 0, script: { name: `${TRUE} vrrp`, argv: ['/usr/bin/true', 'vrrp'], uid: 1000, gid: 1000 } },
  ]);
  assert.equal(alone.writeStatesOnReload, true);
  const withChecker = plan(text, { users: USERS, checkerRunning: true });
  assert.equal(withChecker.plan.notify.fifos[0]!.script, undefined, 'the checker starts notify_fifo_script');
  assert.deepEqual(withChecker.plan.notify.fifos[1]!.script?.argv, ['/usr/bin/true', 'vrrp']);
  assert.ok(withChecker.messages.includes('notice: notify_fifo_script is started by the checker process'));
  const badOwner = plan(text.replace('/run/ka.fifo nobody', '/run/ka.fifo nosuch'), { users: USERS });
  assert.deepEqual(badOwner.plan.notify.fifos.map((f) => f.keyword), ['vrrp_notify_fifo']);
  assert.ok(badOwner.messages.some((m) => m.startsWith('warning: Invalid user/group for notify_fifo /run/ka.fifo - ignoring')), badOwner.messages.join('\n'));
});
