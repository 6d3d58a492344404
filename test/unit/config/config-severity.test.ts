/**
 * keepalived 2.2.7 logs some conflicts between settings and then corrects them
 * deterministically ("- clearing", "Ignoring", "resetting", "setting", "- removing")
 * and keeps running. The compiler does the same: one warning with keepalived's words
 * at the keyword's place, and the corrected value in the compiled model — so the
 * config is not refused, `-t` exits 5 as keepalived's does, and the VRRP plan sees
 * what keepalived would run. Each row: the config, the one diagnostic, and the
 * corrected value read back from the model. The round trip (-d) of the corrected
 * model must compile with no error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../../src/config/model.js';
import { configTestExitCode, Diagnostics } from '../../../src/config/diagnostics.js';
import { compileLines } from '../../../src/config/compile.js';
import { assertRoundTrip } from './vrrp-helpers.js';
import { simpleLines } from './simple-lines.js';

/** An instance on eth0 with VRID 1; `body` lines start at line 4. */
const vi = (body: string, head = '  interface eth0\n  virtual_router_id 1') => `vrrp_instance VI_1 {\n${head}\n${body}\n}`;
const v1 = (c: Config) => c.vrrpInstances[0]!;

interface Row {
  readonly name: string;
  readonly text: string;
  /** The single warning: `line:col: keyword: message`. */
  readonly warning: string;
  /** The corrected value, read from the compiled model. */
  readonly value: (c: Config) => unknown;
  readonly expected: unknown;
}

const rows: Row[] = [
  {
    name: 'AH with state MASTER below priority 255 starts BACKUP',
    text: vi('  state MASTER\n  priority 150\n  authentication {\n    auth_type AH\n    auth_pass k@l\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '7:5: auth_type: (VI_1) Initial state master is incompatible with AH authentication - clearing',
    value: (c) => [v1(c).state, v1(c).auth?.type],
    expected: ['BACKUP', 'AH'],
  },
  {
    name: 'VRRPv3 authentication is ignored',
    text: vi('  version 3\n  authentication {\n    auth_type PASS\n    auth_pass abc\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: authentication: (VI_1) VRRP version 3 does not support authentication. Ignoring.',
    value: (c) => v1(c).auth,
    expected: undefined,
  },
  {
    // IPv6 means VRRPv3, whose rule comes first in keepalived's order.
    name: 'AH over IPv6 is ignored',
    text: vi('  authentication {\n    auth_type AH\n    auth_pass abc\n  }\n  virtual_ipaddress { fe80::1 }'),
    warning: '4:3: authentication: (VI_1) VRRP version 3 does not support authentication. Ignoring.',
    value: (c) => v1(c).auth,
    expected: undefined,
  },
  {
    name: 'authentication without a password is ignored',
    text: vi('  authentication {\n    auth_type PASS\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: authentication: (VI_1) Authentication specified but no password given. Ignoring',
    value: (c) => v1(c).auth,
    expected: undefined,
  },
  {
    name: 'nopreempt with state MASTER is cleared',
    text: vi('  state MASTER\n  priority 200\n  nopreempt\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '6:3: nopreempt: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing',
    value: (c) => v1(c).nopreempt,
    expected: false,
  },
  {
    name: 'preempt_delay with state MASTER is cleared',
    text: vi('  state MASTER\n  priority 200\n  preempt_delay 5\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '6:3: preempt_delay: (VI_1) Warning - preempt delay will not work with initial state MASTER - clearing',
    value: (c) => v1(c).preemptDelayMs,
    expected: 0,
  },
  {
    name: 'nopreempt with priority 255 is reset',
    text: vi('  priority 255\n  nopreempt\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: nopreempt: (VI_1) nopreempt is incompatible with priority 255. resetting nopreempt',
    value: (c) => [v1(c).nopreempt, v1(c).state],
    expected: [false, 'MASTER'],
  },
  {
    name: 'preempt_delay with nopreempt is reset',
    text: vi('  nopreempt\n  preempt_delay 5\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: preempt_delay: (VI_1) preempt_delay is incompatible with nopreempt mode - resetting',
    value: (c) => [v1(c).nopreempt, v1(c).preemptDelayMs],
    expected: [true, 0],
  },
  {
    name: 'strict mode: state follows address ownership',
    text: vi('  strict_mode\n  state MASTER\n  priority 100\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: state: (VI_1) State MASTER must match being address owner',
    value: (c) => v1(c).state,
    expected: 'BACKUP',
  },
  {
    name: 'strict mode: down_timer_adverts back to 3',
    text: vi('  strict_mode\n  down_timer_adverts 5\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: down_timer_adverts: (VI_1) down_timer_adverts is incompatible with strict mode - resetting',
    value: (c) => v1(c).downTimerAdverts,
    expected: 3,
  },
  {
    name: 'strict VRRPv2: accept mode is reset',
    text: vi('  strict_mode\n  accept\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: accept: (VI_1) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting',
    value: (c) => v1(c).accept,
    expected: false,
  },
  {
    name: 'VRRPv2 advert_int is rounded to whole seconds',
    text: vi('  advert_int 1.5\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: advert_int: (VI_1) VRRPv2 advertisement interval 1.500000s must be an integer. rounding',
    value: (c) => v1(c).advertIntervalMs,
    expected: 2000,
  },
  {
    name: 'VRRPv3 advert_int above 40.95 s is clamped',
    text: vi('  version 3\n  advert_int 41\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: advert_int: (VI_1) VRRPv3 advertisement interval 41.00s is out of range. Must be less than 40.96s. Setting to 40.95s',
    value: (c) => v1(c).advertIntervalMs,
    expected: 40950,
  },
  {
    name: 'IPv6 with version 2 becomes version 3',
    text: vi('  version 2\n  virtual_ipaddress { fe80::1 }'),
    warning: '4:3: version: (VI_1) cannot use IPv6 with VRRP version 2; setting version 3',
    value: (c) => v1(c).version,
    expected: 3,
  },
  {
    name: 'a VIP of the other family is ignored',
    text: vi('  virtual_ipaddress {\n    10.0.0.1\n    fe80::1\n  }'),
    warning: '6:5: virtual_ipaddress: (VI_1) address family must match VRRP instance [fe80::1] - ignoring',
    value: (c) => v1(c).vips.map((a) => a.address),
    expected: ['10.0.0.1'],
  },
  {
    name: 'unicast_ttl without peers is reset',
    text: vi('  unicast_ttl 5\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: unicast_ttl: (VI_1) Cannot use unicast_ttl without unicast peers - resetting',
    value: (c) => v1(c).unicastTtl,
    expected: undefined,
  },
  {
    name: 'mcast_dst_ip with unicast peers is ignored',
    text: vi('  mcast_dst_ip 224.0.0.99\n  unicast_peer {\n    10.0.0.9\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: mcast_dst_ip: (VI_1) multicast destination specified with unicast - ignoring',
    value: (c) => v1(c).mcastGroup,
    expected: undefined,
  },
  {
    name: 'unicast with use_vmac sets vmac_xmit_base',
    text: vi('  use_vmac\n  unicast_peer {\n    10.0.0.9\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: use_vmac: (VI_1) unicast with use_vmac requires vmac_xmit_base - setting',
    value: (c) => v1(c).vmacXmitBase,
    expected: true,
  },
  {
    name: 'vmac_xmit_base without a VMAC is cleared',
    text: vi('  vmac_xmit_base\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: vmac_xmit_base: (VI_1) vmac_xmit_base is only valid with a vmac',
    value: (c) => v1(c).vmacXmitBase,
    expected: false,
  },
  {
    name: 'promote_secondaries with a VMAC is ignored',
    text: vi('  use_vmac\n  promote_secondaries\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:3: promote_secondaries: (VI_1) promote_secondaries is automatically set for vmacs - ignoring',
    value: (c) => v1(c).promoteSecondaries,
    expected: false,
  },
  {
    name: 'vrf with an interface is cleared',
    text: vi('  vrf red\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '4:3: vrf: (VI_1) vrf can only be specified without interface - clearing',
    value: (c) => v1(c).vrf,
    expected: undefined,
  },
  {
    name: 'the own interface in track_interface is dropped',
    text: vi('  track_interface {\n    eth0\n    eth1\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:5: track_interface: (VI_1) Ignoring track_interface eth0 since own interface',
    value: (c) => v1(c).trackInterfaces.map((t) => t.name),
    expected: ['eth1'],
  },
  {
    name: 'a VIP without any interface is removed',
    text: vi('  unicast_src_ip 10.0.0.5\n  unicast_peer {\n    10.0.0.9\n  }\n  virtual_ipaddress {\n    10.0.0.1 dev eth0\n    10.0.0.2\n  }', '  virtual_router_id 1'),
    warning: '9:5: virtual_ipaddress: (VI_1) no interface for vip 10.0.0.2 - removing',
    value: (c) => v1(c).vips.map((a) => a.address),
    expected: ['10.0.0.1'],
  },
  {
    name: 'a track_script that does not exist is dropped',
    text: vi('  track_script {\n    nope\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '5:5: track_script: (VI_1) track script nope not found, ignoring...',
    value: (c) => v1(c).trackScripts,
    expected: [],
  },
  {
    name: 'an address owner drops its weighted track_script',
    text: 'vrrp_script chk {\n  script /bin/true\n  weight 10\n}\n' + vi('  priority 255\n  track_script {\n    chk\n  }\n  virtual_ipaddress { 10.0.0.1 }'),
    warning: '10:5: track_script: (VI_1) ignoring tracked script chk with weights due to address_owner',
    value: (c) => v1(c).trackScripts,
    expected: [],
  },
  {
    name: 'a vrrp_script without a script is removed',
    text: 'vrrp_script empty {\n  interval 2\n}\n' + vi('  virtual_ipaddress { 10.0.0.1 }'),
    warning: '1:1: vrrp_script: No script set for vrrp_script empty - removing',
    value: (c) => c.vrrpScripts,
    expected: [],
  },
  {
    name: 'a sync-group member that does not exist is ignored',
    text: 'vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n    VI_9\n  }\n}\n' + vi('  virtual_ipaddress { 10.0.0.1 }') + '\n' + vi('  virtual_ipaddress { 10.0.0.2 }', '  interface eth0\n  virtual_router_id 2').replace('VI_1', 'VI_2'),
    warning: "2:3: vrrp_sync_group: Virtual router VI_9 specified in sync group G doesn't exist - ignoring",
    value: (c) => c.vrrpSyncGroups.map((g) => [g.name, g.members]),
    expected: [['G', ['VI_1', 'VI_2']]],
  },
  {
    name: 'a static address with an unknown track_group follows none',
    text: 'static_ipaddress {\n  10.0.0.1/24 dev eth0 track_group NOPE\n}',
    warning: '2:3: static_ipaddress: track_group NOPE not found',
    value: (c) => c.staticAddresses[0]!.trackGroup,
    expected: undefined,
  },
  {
    name: 'BFD max_hops above the TTL is set to the TTL',
    text: 'bfd_instance b {\n  neighbor_ip 10.0.0.2\n  ttl 10\n  max_hops 20\n}',
    warning: '4:3: max_hops: BFD instance b: max_hops 20 exceeds ttl/hoplimit 10 - setting to ttl/hoplimit',
    value: (c) => c.bfdInstances[0]!.maxHops,
    expected: 10,
  },
  {
    name: 'one-packet scheduling without UDP is reset',
    text: 'virtual_server 10.0.0.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n  ops\n  real_server 10.0.1.1 80 {\n  }\n}',
    warning: '5:3: virtual_server: Virtual server [10.0.0.1]:tcp:80: one packet scheduling requires UDP - resetting',
    value: (c) => c.virtualServers[0]!.ops,
    expected: false,
  },
];

for (const row of rows) {
  test(`keepalived's correction is a warning: ${row.name}`, () => {
    const out = compileLines(simpleLines(row.text));
    const shown = out.diagnostics.items
      .filter((d) => d.severity !== 'notice')
      .map((d) => `${d.severity} ${d.loc?.line}:${d.loc?.col}: ${d.keyword}: ${d.message}`);
    assert.deepEqual(shown, [`warning ${row.warning}`]);
    assert.deepEqual(row.value(out.config), row.expected);
    // A warning changes -t's exit code as keepalived's report_config_error does, but not whether the daemon starts.
    assert.equal(out.diagnostics.hasErrors, false);
    assert.equal(configTestExitCode(out.diagnostics), 5);
    assertRoundTrip(out.config);
  });
}

test('-t exit code: keepalived keeps the highest-numbered class (lib/parser.c vreport_config_error)', () => {
  const withAll = (...severities: ('fatal' | 'error' | 'warning' | 'security')[]) => {
    const d = new Diagnostics();
    for (const s of severities) d.add(s, s);
    return configTestExitCode(d);
  };
  assert.equal(withAll(), 0);
  assert.equal(withAll('fatal'), 4);
  assert.equal(withAll('fatal', 'warning'), 5, 'a missing interface comes with a warning: keepalived exits 5');
  assert.equal(withAll('error', 'fatal'), 5);
  assert.equal(withAll('fatal', 'security'), 6);
  assert.equal(withAll('warning', 'security'), 6);
});

/** What stays an error: keepalived's VRRP process cannot run it (vrrp_complete_init returns false). */
const refused: { name: string; text: string; error: string }[] = [
  { name: 'no virtual_router_id', text: vi('  virtual_ipaddress { 10.0.0.1 }', '  interface eth0'), error: '1:1: virtual_router_id: (VI_1) the virtual router id must be set' },
  { name: 'VRRPv3 without VIPs', text: vi('  version 3'), error: '1:1: virtual_ipaddress: (VI_1) No VIP specified; at least one is required' },
  { name: 'no interface and no unicast', text: vi('  virtual_ipaddress { 10.0.0.1 dev eth0 }', '  virtual_router_id 1'), error: '1:1: interface: (VI_1) Unknown interface! (interface is required unless unicast_peer is used)' },
];

for (const row of refused) {
  test(`stays an error: ${row.name}`, () => {
    const out = compileLines(simpleLines(row.text));
    const errors = out.diagnostics.items.filter((d) => d.severity === 'error').map((d) => `${d.loc?.line}:${d.loc?.col}: ${d.keyword}: ${d.message}`);
    assert.deepEqual(errors, [row.error]);
  });
}
