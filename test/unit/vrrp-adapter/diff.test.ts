/**
 * diffVrrpPlans: matching old and new instances as keepalived's vrrp_exist does (not by
 * name), the VIP/route/rule differences of a kept instance, removed instances reported
 * DELETED or FAULT, new ones started; and the `--diff` summary.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffVrrpPlans, formatVrrpPlanDiff, type VrrpPlan } from '../../../src/vrrp/adapter/index.js';
import { plan } from './helpers.js';

const vi = (name: string, vrid: number, body: string, iface = 'eth0') =>
  `vrrp_instance ${name} {\n  interface ${iface}\n  virtual_router_id ${vrid}\n${body}\n}\n`;
const p = (text: string): VrrpPlan => plan(text).plan;

test('the same configuration: no changes', () => {
  const text = vi('VI_1', 1, '  priority 150\n  virtual_ipaddress { 192.0.2.10 }') + vi('VI_2', 2, '  virtual_ipaddress { 192.0.2.20 }', 'eth1');
  const d = diffVrrpPlans(p(text), p(text));
  assert.equal(d.unchanged, true);
  assert.deepEqual([d.kept.map((k) => k.name), d.removed, d.added], [['VI_1', 'VI_2'], [], []]);
  assert.equal(formatVrrpPlanDiff(d), 'VRRP: no changes\n');
});

test('added and removed instances; a removed one is reported DELETED only with notify_deleted', () => {
  const before = p(vi('VI_1', 1, '  virtual_ipaddress { 192.0.2.10 }') + vi('VI_2', 2, '  notify_deleted\n  virtual_ipaddress { 192.0.2.20 }') + vi('VI_3', 3, '  use_vmac\n  virtual_ipaddress { 192.0.2.30 }'));
  const after = p(vi('VI_1', 1, '  virtual_ipaddress { 192.0.2.10 }') + vi('VI_4', 4, '  virtual_ipaddress { 192.0.2.40 }'));
  const d = diffVrrpPlans(before, after);
  assert.equal(d.unchanged, false);
  assert.deepEqual(d.kept.map((k) => `${k.previous}->${k.name}`), ['VI_1->VI_1']);
  assert.deepEqual(d.removed, [
    { name: 'VI_2', reportAs: 'DELETED', reportWhenFault: true },
    { name: 'VI_3', reportAs: 'FAULT', reportWhenFault: false, vmac: 'vrrp.3' },
  ]);
  assert.deepEqual(d.added, ['VI_4']);
  assert.equal(formatVrrpPlanDiff(d), [
    'VRRP changes:',
    '  vrrp_instance VI_2: removed, reported as DELETED',
    '  vrrp_instance VI_3: removed, reported as FAULT (nothing if already FAULT)',
    '  vrrp_instance VI_4: added',
    '  tracked interface vrrp.3: removed',
    '',
  ].join('\n'));
});

test('a kept instance: only its VIP, eVIP, route and rule differences, and the settings that changed', () => {
  const before = p(vi('VI_1', 1, [
    '  priority 100',
    '  authentication {\n    auth_type PASS\n    auth_pass old\n  }',
    '  virtual_ipaddress {\n    192.0.2.10\n    192.0.2.11/24\n  }',
    '  virtual_routes {\n    10.1.0.0/16 via 192.0.2.254 dev eth0\n  }',
  ].join('\n')));
  const after = p(vi('VI_1', 1, [
    '  priority 150',
    '  authentication {\n    auth_type PASS\n    auth_pass new\n  }',
    '  virtual_ipaddress {\n    192.0.2.10\n    192.0.2.11/25\n    192.0.2.12 dev eth1\n  }',
    '  virtual_routes {\n    10.1.0.0/16 via 192.0.2.254 dev eth0\n  }',
    '  virtual_rules {\n    from 192.0.2.10 table 100 priority 10\n  }',
  ].join('\n')));
  const d = diffVrrpPlans(before, after);
  const k = d.kept[0]!;
  assert.deepEqual(k.vips, {
    added: [{ address: '192.0.2.11', prefixLength: 25, dev: 'eth0' }, { address: '192.0.2.12', prefixLength: 32, dev: 'eth1' }],
    removed: [{ address: '192.0.2.11', prefixLength: 24, dev: 'eth0' }],
  });
  assert.deepEqual([k.evips, k.routes], [{ added: [], removed: [] }, { added: [], removed: [] }]);
  assert.deepEqual(k.rules.added.map((r) => r.rule.priority), [10]);
  assert.deepEqual(k.changes, [
    { setting: 'priority', from: '100', to: '150' },
    { setting: 'auth_pass', from: '(hidden)', to: '(changed)' },
  ]);
  const text = formatVrrpPlanDiff(d);
  assert.equal(text, [
    'VRRP changes:',
    '  vrrp_instance VI_1: kept, state preserved',
    '    + virtual_ipaddress 192.0.2.11/25 dev eth0',
    '    + virtual_ipaddress 192.0.2.12/32 dev eth1',
    '    - virtual_ipaddress 192.0.2.11/24 dev eth0',
    '    + virtual_rules priority 10 from 192.0.2.10/32 lookup 100',
    '    ~ priority: 100 -> 150',
    '    ~ auth_pass: (hidden) -> (changed)',
    '',
  ].join('\n'));
  assert.ok(!text.includes('old') && !text.includes('new'), 'passwords never appear');
});

test('matching is keepalived\'s vrrp_exist: a renamed instance is kept; another interface, group or VMAC setting is not', () => {
  const before = p(vi('VI_1', 1, '  virtual_ipaddress { 192.0.2.10 }') + vi('VI_2', 2, '  virtual_ipaddress { 192.0.2.20 }') + vi('VI_3', 3, '  virtual_ipaddress { 192.0.2.30 }') + vi('VI_4', 4, '  virtual_ipaddress { 192.0.2.40 }'));
  const after = p(
    vi('RENAMED', 1, '  virtual_ipaddress { 192.0.2.10 }')
    + vi('VI_2', 2, '  virtual_ipaddress { 192.0.2.20 }', 'eth1')
    + vi('VI_3', 3, '  mcast_dst_ip 224.0.0.99\n  virtual_ipaddress { 192.0.2.30 }')
    + vi('VI_4', 4, '  use_vmac\n  virtual_ipaddress { 192.0.2.40 }'),
  );
  const d = diffVrrpPlans(before, after);
  assert.deepEqual(d.kept.map((k) => `${k.previous}->${k.name}`), ['VI_1->RENAMED']);
  assert.deepEqual(d.removed.map((r) => r.name), ['VI_2', 'VI_3', 'VI_4']);
  assert.deepEqual(d.added, ['VI_2', 'VI_3', 'VI_4']);
  assert.match(formatVrrpPlanDiff(d), /vrrp_instance VI_1 -> RENAMED: kept, state preserved/);
});

test('unicast instances match by source address; a kept unicast instance that drops its VMAC removes it', () => {
  const uni = (src: string, extra = '') => p(vi('U', 7, `  unicast_src_ip ${src}\n  unicast_peer {\n    192.0.2.99\n  }\n${extra}  virtual_ipaddress { 192.0.2.70 }`));
  const same = diffVrrpPlans(uni('192.0.2.1'), uni('192.0.2.1', '  unicast_peer {\n    192.0.2.98\n  }\n'));
  assert.deepEqual(same.kept.map((k) => k.name), ['U']);
  assert.deepEqual(same.kept[0]!.changes.map((c) => c.setting), ['unicastPeers']);
  const moved = diffVrrpPlans(uni('192.0.2.1'), uni('192.0.2.2'));
  assert.deepEqual([moved.kept.length, moved.removed.map((r) => r.name), moved.added], [0, ['U'], ['U']]);
  const vmac = diffVrrpPlans(uni('192.0.2.1', '  use_vmac\n  vmac_xmit_base\n'), uni('192.0.2.1'));
  assert.deepEqual(vmac.kept.map((k) => k.vmacRemoved), ['vrrp.7']);
});

test('sync groups, trackers and static items are compared by name and contents', () => {
  const before = p([
    'vrrp_script chk {\n  script /bin/true\n  interval 2\n}',
    'vrrp_script gone {\n  script /bin/true\n}',
    'vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n}',
    'static_routes {\n  10.9.0.0/16 via 192.0.2.254 dev eth0\n}',
    vi('VI_1', 1, '  virtual_ipaddress { 192.0.2.10 }\n  track_script {\n    chk\n    gone\n  }'),
    vi('VI_2', 2, '  virtual_ipaddress { 192.0.2.20 }', 'eth1'),
  ].join('\n'));
  const after = p([
    'vrrp_script chk {\n  script /bin/true\n  interval 5\n}',
    'vrrp_sync_group G {\n  group {\n    VI_1\n  }\n}',
    'static_ipaddress {\n  192.0.2.50/24 dev eth1\n}',
    vi('VI_1', 1, '  virtual_ipaddress { 192.0.2.10 }\n  track_script {\n    chk\n  }'),
    vi('VI_2', 2, '  virtual_ipaddress { 192.0.2.20 }', 'eth1'),
  ].join('\n'));
  const d = diffVrrpPlans(before, after);
  assert.deepEqual(d.syncGroups, { added: [], removed: [], changed: ['G'] });
  assert.deepEqual(d.trackers.scripts, { added: [], removed: ['gone'], changed: ['chk'] });
  assert.deepEqual(d.statics.addresses.added, [{ address: '192.0.2.50', prefixLength: 24, dev: 'eth1' }]);
  assert.deepEqual(d.statics.routes.removed.map((r) => r.route.dst), ['10.9.0.0/16']);
  assert.deepEqual(d.kept.map((k) => [k.name, k.changes.map((c) => `${c.setting}: ${c.from} -> ${c.to}`)]), [
    ['VI_1', []],
    ['VI_2', ['syncGroup: G -> (none)']],
  ]);
  assert.equal(formatVrrpPlanDiff(d), [
    'VRRP changes:',
    '  vrrp_instance VI_2: kept, state preserved',
    '    ~ syncGroup: G -> (none)',
    '  vrrp_sync_group G: changed',
    '  vrrp_script gone: removed',
    '  vrrp_script chk: changed',
    '  + static_ipaddress 192.0.2.50/24 dev eth1',
    '  - static_routes 10.9.0.0/16 via 192.0.2.254 table 254 dev eth0',
    '',
  ].join('\n'));
});

test('a removed instance\'s VMAC stays when a new instance uses the same name', () => {
  const before = p(vi('VI_3', 3, '  use_vmac\n  virtual_ipaddress { 192.0.2.30 }'));
  const after = p(vi('VI_3', 3, '  use_vmac\n  virtual_ipaddress { 192.0.2.30 }', 'eth1'));
  const d = diffVrrpPlans(before, after);
  assert.deepEqual([d.removed, d.added], [[{ name: 'VI_3', reportAs: 'FAULT', reportWhenFault: false }], ['VI_3']]);
});
