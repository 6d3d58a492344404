import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, compileClean } from './vrrp-helpers.js';

const vipFlags = { home: false, dad: false, mngtmpaddr: false, noprefixroute: false, autojoin: false, noTrack: false, useVmac: false };

test('vrrp_instance: a typical instance compiles to the complete, resolved model', () => {
  const config = compileClean(`
vrrp_script chk_haproxy {
  script "/usr/bin/pgrep haproxy"
  weight 2
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    192.168.200.16/24 dev eth0 label eth0:1
    192.168.200.17
  }
  track_interface {
    eth1 weight -20
  }
  track_script {
    chk_haproxy
  }
  notify_master "/etc/keepalived/master.sh VI_1" root
  smtp_alert
}`);
  assert.deepEqual(config.vrrpInstances, [
    {
      name: 'VI_1',
      state: 'MASTER',
      priority: 150,
      virtualRouterId: 51,
      advertIntervalMs: 1000,
      version: 2,
      family: 4,
      nativeIpv6: false,
      nopreempt: false,
      preemptDelayMs: 0,
      strict: false,
      accept: true,
      skipCheckAdvAddr: false,
      ownerIgnoreAdverts: false,
      dontTrackPrimary: false,
      debug: 0,
      linkbeatUsePolling: false,
      smtpAlert: true,
      notifyPriorityChanges: false,
      notify: { master: { argv: ['/etc/keepalived/master.sh', 'VI_1'], user: 'root' } },
      notifyDeleted: false,
      interface: 'eth0',
      vmacAddr: false,
      vmacXmitBase: false,
      promoteSecondaries: false,
      vips: [
        { address: '192.168.200.16', family: 4, prefixLen: 24, dev: 'eth0', label: 'eth0:1', ...vipFlags },
        { address: '192.168.200.17', family: 4, prefixLen: 32, ...vipFlags },
      ],
      evips: [],
      vroutes: [],
      vrules: [],
      allowNoVips: false,
      trackSrcIp: false,
      mcastGroup: '224.0.0.18',
      unicastPeers: [],
      unicastFaultNoPeer: false,
      checkUnicastSrc: false,
      unicastChecksumCompat: 'auto',
      v3ChecksumAsV2: false,
      garpMasterDelayMs: 5000,
      garpMasterRepeat: 5,
      garpMasterRefreshMs: 0,
      garpMasterRefreshRepeat: 1,
      garpLowerPrioDelayMs: 5000,
      garpLowerPrioRepeat: 5,
      garpExtraIf: { intervalMs: 0, allInterfaces: false },
      downTimerAdverts: 3,
      lowerPrioNoAdvert: false,
      higherPrioSendAdvert: false,
      auth: { type: 'PASS', password: 's3cret' },
      trackInterfaces: [{ name: 'eth1', weight: -20, reverse: false }],
      // An unweighted track_script takes the script's weight.
      trackScripts: [{ name: 'chk_haproxy', weight: 2, reverse: false }],
      trackFiles: [],
      trackProcesses: [],
      trackBfds: [],
    },
  ]);
});

test('vrrp_instance: values come from global_defs wherever it is in the file', () => {
  const config = compileClean(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  advert_int 0.5
  garp_master_repeat 2
  virtual_ipaddress { 10.0.0.1 }
}
vrrp_instance VI_6 {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { fe80::1 }
}
global_defs {
  vrrp_version 3
  vrrp_garp_master_repeat 3
  vrrp_garp_master_delay 2
  vrrp_garp_lower_prio_repeat 1
  vrrp_mcast_group4 224.0.0.99
  vrrp_higher_prio_send_advert
  vrrp_garp_extra_if all 60
  vrrp_skip_check_adv_addr
  vrrp_down_timer_adverts 5
  smtp_alert
  smtp_alert_vrrp false
  vrrp_notify_priority_changes
}`);
  const [v4, v6] = config.vrrpInstances;
  assert.equal(v4!.version, 3);
  assert.equal(v4!.advertIntervalMs, 500);
  assert.equal(v4!.garpMasterRepeat, 2, 'the instance keeps its own value');
  assert.equal(v4!.garpMasterDelayMs, 2000);
  assert.equal(v4!.garpLowerPrioRepeat, 1);
  assert.equal(v4!.garpLowerPrioDelayMs, 2000, 'vrrp_garp_lower_prio_delay defaults to vrrp_garp_master_delay');
  assert.equal(v4!.mcastGroup, '224.0.0.99');
  assert.equal(v4!.higherPrioSendAdvert, true);
  assert.deepEqual(v4!.garpExtraIf, { intervalMs: 60000, allInterfaces: true });
  assert.equal(v4!.skipCheckAdvAddr, true);
  assert.equal(v4!.downTimerAdverts, 5);
  assert.equal(v4!.smtpAlert, false, 'smtp_alert_vrrp wins over smtp_alert');
  assert.equal(v4!.notifyPriorityChanges, true);
  assert.equal(v6!.family, 6);
  assert.equal(v6!.version, 3, 'IPv6 always uses VRRPv3');
  assert.equal(v6!.mcastGroup, 'ff02::12');
});

const derivations: { body: string; state: string; priority: number; accept: boolean }[] = [
  { body: '', state: 'BACKUP', priority: 100, accept: true },
  { body: 'state MASTER', state: 'MASTER', priority: 255, accept: true },
  { body: 'priority 255', state: 'MASTER', priority: 255, accept: true },
  { body: 'state MASTER\n  priority 100', state: 'MASTER', priority: 100, accept: true },
  { body: 'state BACKUP\n  priority 255', state: 'BACKUP', priority: 255, accept: true },
  { body: 'strict_mode\n  priority 200', state: 'BACKUP', priority: 200, accept: false },
  { body: 'strict_mode\n  state MASTER\n  priority 255', state: 'MASTER', priority: 255, accept: true },
  { body: 'no_accept', state: 'BACKUP', priority: 100, accept: false },
];

for (const d of derivations) {
  test(`vrrp_instance: state, priority and accept mode derive from each other (${d.body.replace(/\n\s*/g, '; ') || 'defaults'})`, () => {
    const r = compile(`vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress { 10.0.0.1 }\n  ${d.body}\n}`);
    assert.deepEqual(r.problems, []);
    const v = r.config.vrrpInstances[0]!;
    assert.deepEqual([v.state, v.priority, v.accept], [d.state, d.priority, d.accept]);
    assertRoundTrip(r.config);
  });
}

/** Instance bodies after `interface eth0` and `virtual_router_id 1` (line 3 onwards), each with its exact diagnostics. */
const bad: { name: string; body: string; problems: string[] }[] = [
  {
    name: 'missing virtual_router_id',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_ipaddress { 10.0.0.1 }\n}',
    problems: ['t.conf:1:1: error: virtual_router_id: (VI_1) the virtual router id must be set'],
  },
  {
    name: 'VRID and priority ranges',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 256\n  priority 0\n  virtual_ipaddress { 10.0.0.1 }\n}',
    problems: [
      "t.conf:3:21: error: virtual_router_id: number '256' outside range [1, 255]",
      "t.conf:4:12: error: priority: number '0' outside range [1, 255]",
      't.conf:1:1: error: virtual_router_id: (VI_1) the virtual router id must be set',
    ],
  },
  {
    name: 'no interface and no unicast',
    body: 'vrrp_instance VI_1 {\n  virtual_router_id 1\n  virtual_ipaddress { 10.0.0.1 dev eth0 }\n}',
    problems: ['t.conf:1:1: error: interface: (VI_1) Unknown interface! (interface is required unless unicast_peer is used)'],
  },
  {
    name: 'unicast without interface needs a source address, and VIPs need a dev',
    body: 'vrrp_instance VI_1 {\n  virtual_router_id 1\n  unicast_peer {\n    10.0.0.2\n  }\n  virtual_ipaddress { 10.0.0.1 }\n}',
    problems: [
      't.conf:1:1: error: unicast_src_ip: (VI_1) Unicast instances must have unicast_src_ip or interface',
      't.conf:6:23: warning: virtual_ipaddress: (VI_1) no interface for vip 10.0.0.1 - removing',
      't.conf:1:1: warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is sensible',
    ],
  },
  {
    name: 'advert_int per version',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  advert_int 1.5\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  version 3\n  advert_int 0.015\n  virtual_ipaddress { 10.0.0.2 }\n}\nvrrp_instance VI_3 {\n  interface eth0\n  virtual_router_id 3\n  version 3\n  advert_int 41\n  virtual_ipaddress { 10.0.0.3 }\n}',
    problems: [
      't.conf:4:3: warning: advert_int: (VI_1) VRRPv2 advertisement interval 1.500000s must be an integer. rounding',
      't.conf:11:3: warning: advert_int: (VI_2) VRRPv3 advertisement interval 0.015000s must be in units of 10ms - rounding',
      't.conf:18:3: warning: advert_int: (VI_3) VRRPv3 advertisement interval 41.00s is out of range. Must be less than 40.96s. Setting to 40.95s',
    ],
  },
  {
    name: 'mixed address families',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n    fe80::1\n  }\n  unicast_src_ip 2001:db8::1\n}',
    problems: [
      't.conf:6:5: warning: virtual_ipaddress: (VI_1) address family must match VRRP instance [fe80::1] - ignoring',
      't.conf:8:3: warning: unicast_src_ip: (VI_1) VRRP instance and src address [2001:db8::1] MUST be of the same family - skipping',
      't.conf:8:3: warning: unicast_peer: (VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.',
    ],
  },
  {
    name: 'IPv6 with version 2',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  version 2\n  virtual_ipaddress { fe80::1 }\n}',
    problems: ['t.conf:4:3: warning: version: (VI_1) cannot use IPv6 with VRRP version 2; setting version 3'],
  },
  {
    name: 'nopreempt and preempt_delay against state MASTER and priority 255',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  state MASTER\n  priority 200\n  nopreempt\n  preempt_delay 5\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  priority 255\n  nopreempt\n  virtual_ipaddress { 10.0.0.2 }\n}',
    problems: [
      't.conf:6:3: warning: nopreempt: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing',
      't.conf:7:3: warning: preempt_delay: (VI_1) Warning - preempt delay will not work with initial state MASTER - clearing',
      't.conf:14:3: warning: nopreempt: (VI_2) nopreempt is incompatible with priority 255. resetting nopreempt',
    ],
  },
  {
    name: 'authentication rules',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  version 3\n  authentication {\n    auth_type PASS\n    auth_pass abc\n  }\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  authentication {\n    auth_type AH\n  }\n  virtual_ipaddress { 10.0.0.2 }\n}\nvrrp_instance VI_3 {\n  interface eth0\n  virtual_router_id 3\n  authentication {\n    auth_type PASS\n    auth_pass 123456789\n  }\n  virtual_ipaddress { 10.0.0.3 }\n}',
    problems: [
      't.conf:24:15: warning: auth_pass: Truncating auth_pass to 8 characters',
      't.conf:5:3: warning: authentication: (VI_1) VRRP version 3 does not support authentication. Ignoring.',
      't.conf:14:3: warning: authentication: (VI_2) Authentication specified but no password given. Ignoring',
    ],
  },
  {
    name: 'unicast rules',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  unicast_ttl 5\n  mcast_dst_ip 224.0.0.99\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  mcast_dst_ip 224.0.0.99\n  use_vmac\n  unicast_peer {\n    10.0.0.9 min_ttl 9 max_ttl 5\n    10.0.0.8 min_ttl 2\n  }\n  virtual_ipaddress { 10.0.0.2 }\n}',
    problems: [
      't.conf:14:5: error: unicast_peer: min_ttl 9 > max_ttl 5 - all packets would be discarded',
      't.conf:4:3: warning: unicast_ttl: (VI_1) Cannot use unicast_ttl without unicast peers - resetting',
      't.conf:11:3: warning: mcast_dst_ip: (VI_2) multicast destination specified with unicast - ignoring',
      't.conf:12:3: warning: use_vmac: (VI_2) unicast with use_vmac requires vmac_xmit_base - setting',
    ],
  },
  {
    name: 'VMAC values and names',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  use_vmac vm1 01:00:00:00:00:01\n  use_vmac vm1\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  use_vmac vm1 00:00:5e:00:01:02\n  virtual_ipaddress { 10.0.0.2 }\n}\nvrrp_instance VI_3 {\n  interface eth0\n  virtual_router_id 3\n  use_vmac vm1\n  promote_secondaries\n  vmac_xmit_base\n  virtual_ipaddress { 10.0.0.3 }\n}',
    problems: [
      't.conf:4:16: error: use_vmac: VMAC MAC address is multicast 01:00:00:00:00:01',
      't.conf:11:16: error: use_vmac: VMAC MAC address not allowed to be RFC5798 address (00:00:5e:00:01:02)',
      't.conf:18:3: warning: promote_secondaries: (VI_3) promote_secondaries is automatically set for vmacs - ignoring',
      't.conf:17:3: warning: use_vmac: (VI_3) VRRP instance VI_1 is already using vm1 - ignoring name',
    ],
  },
  {
    name: 'duplicate VRID on one interface',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress { 10.0.0.2 }\n}\nvrrp_instance VI_3 {\n  interface eth1\n  virtual_router_id 7\n  virtual_ipaddress { 10.0.0.3 }\n}',
    problems: ['t.conf:6:1: error: virtual_router_id: VI_1 and VI_2 both use VRID 7 with IPv4 on interface eth0'],
  },
  {
    name: 'no VIPs',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n}\nvrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  version 3\n}\nvrrp_instance VI_3 {\n  interface eth0\n  virtual_router_id 3\n  version 3\n  no_virtual_ipaddress\n}',
    problems: [
      't.conf:1:1: warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is sensible',
      't.conf:5:1: error: virtual_ipaddress: (VI_2) No VIP specified; at least one is required',
    ],
  },
  {
    name: 'deprecated spellings warn',
    body: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  nopreempt\n  thread_timer_expired 200\n  vmac_garp_intvl 30\n  linkbeat_use_polling\n  virtual_ipaddress { 10.0.0.1 }\n}',
    problems: [
      "t.conf:5:3: warning: thread_timer_expired: (VI_1) thread_timer_expired - please replace with keyword 'timer_expired_backup'",
      't.conf:6:3: warning: vmac_garp_intvl: Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"',
      "t.conf:7:3: warning: linkbeat_use_polling: (VI_1) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block",
    ],
  },
];

for (const c of bad) {
  test(`vrrp_instance diagnostics: ${c.name}`, () => {
    assert.deepEqual(compile(c.body).problems, c.problems);
  });
}

test('vrrp_instance: strict mode (global vrrp_strict) corrects what the man page lists, as keepalived does', () => {
  const r = compile(`global_defs {
  vrrp_strict
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 100
  preempt_delay 3
  lower_prio_no_advert false
  higher_prio_send_advert
  garp_lower_prio_repeat 2
  down_timer_adverts 4
  accept
  authentication {
    auth_type PASS
    auth_pass secret
  }
  unicast_peer {
    10.1.0.2
  }
  use_vmac 02:11:22:33:44:55
  vmac_xmit_base
  virtual_ipaddress { 10.1.0.100/24 }
}
vrrp_instance VI_6 {
  interface eth0
  virtual_router_id 52
  virtual_ipaddress { 2001:db8::1 }
  owner_ignore_adverts false
  priority 255
}`);
  assert.deepEqual(r.problems, [
    't.conf:5:3: warning: state: (VI_1) State MASTER must match being address owner',
    't.conf:19:3: error: unicast_peer: (VI_1) Unicast peers are not supported in strict mode',
    't.conf:22:3: warning: use_vmac: (VI_1) cannot specify MAC address with strict mode - clearing',
    't.conf:23:3: warning: vmac_xmit_base: (VI_1) xmit_base is incompatible with strict mode - resetting',
    't.conf:15:3: warning: authentication: (VI_1) Strict mode does not support authentication. Ignoring.',
    // The state is BACKUP by now, so only the strict rule resets preempt_delay (keepalived's order).
    't.conf:9:3: warning: preempt_delay: (VI_1) preempt_delay is incompatible with strict mode - resetting',
    't.conf:14:3: warning: accept: (VI_1) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting',
    't.conf:13:3: warning: down_timer_adverts: (VI_1) down_timer_adverts is incompatible with strict mode - resetting',
    't.conf:12:3: warning: garp_lower_prio_repeat: (VI_1) Strict mode requires no repeat garps. resetting',
    't.conf:10:3: warning: lower_prio_no_advert: (VI_1) Strict mode requires no lower priority advert. resetting',
    't.conf:11:3: warning: higher_prio_send_advert: (VI_1) strict mode requires higher_prio_send_advert to be clear. resetting',
    't.conf:29:23: warning: virtual_ipaddress: (VI_6) the first IPv6 VIP address must be link local',
    't.conf:30:3: error: owner_ignore_adverts: (VI_6) strict_mode with priority 255 requires owner_ignore_adverts',
  ]);
});

test('vrrp_instance: a clean strict instance resolves strict defaults', () => {
  const config = compileClean('global_defs {\n  vrrp_strict\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress { 10.0.0.1 }\n}');
  const v = config.vrrpInstances[0]!;
  assert.deepEqual(
    { strict: v.strict, accept: v.accept, lowerPrioNoAdvert: v.lowerPrioNoAdvert, higherPrioSendAdvert: v.higherPrioSendAdvert, garpLowerPrioRepeat: v.garpLowerPrioRepeat, garpLowerPrioDelayMs: v.garpLowerPrioDelayMs },
    { strict: true, accept: false, lowerPrioNoAdvert: true, higherPrioSendAdvert: false, garpLowerPrioRepeat: 0, garpLowerPrioDelayMs: 0 },
  );
});

test('vrrp_instance: unicast, VMAC and auth_hmac models', () => {
  const config = compileClean(`vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 26
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2 max_ttl 64
    10.0.0.3
  }
  use_vmac vrrp26 02:00:00:00:00
  vmac_xmit_base
  auth_hmac {
    key 1 hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
    key 2 file:/etc/keepalived/k2
    active_key 1
    mode permissive
  }
  virtual_ipaddress { 10.0.0.9/24 }
}`);
  const v = config.vrrpInstances[0]!;
  assert.deepEqual(v.unicastPeers, [{ address: '10.0.0.2', minTtl: 0, maxTtl: 64 }, { address: '10.0.0.3', minTtl: 0, maxTtl: 255 }]);
  assert.equal(v.checkUnicastSrc, true, 'TTL limits turn on the source check');
  assert.equal(v.mcastGroup, undefined);
  assert.equal(v.sourceAddress, '10.0.0.1');
  assert.deepEqual(v.vmac, { ifname: 'vrrp26', mac: '02:00:00:00:00:1a' }, 'five octets are completed with the VRID');
  assert.deepEqual(v.authHmac, {
    keys: [{ id: 1, secret: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' }, { id: 2, file: '/etc/keepalived/k2' }],
    activeKey: 1,
    antiReplay: 'time',
    mode: 'permissive',
    timeWindowMs: 5000,
  });
});

test('vrrp_instance: auth_hmac problems', () => {
  const r = compile(`vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  auth_hmac {
    key 1 tooshort
    key 2 hex:zz
    key 300 hex:00
    time_window 301
  }
  virtual_ipaddress { 10.0.0.1 }
}`);
  assert.deepEqual(r.problems, [
    't.conf:5:11: error: key: auth_hmac key 1 length 8 not in range [32, 64]',
    "t.conf:6:11: error: key: invalid hex digit 'z' in auth_hmac key",
    "t.conf:7:9: error: key: number '300' outside range [1, 255]",
    "t.conf:8:17: error: time_window: number '301' outside range [1, 300]",
    't.conf:4:3: error: auth_hmac: (VI_1) auth_hmac active_key (not set) is not defined',
  ]);
});
