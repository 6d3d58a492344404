import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBadCases, compile, compileClean } from './global-test-helpers.js';

test('linkbeat: polling everywhere or on listed interfaces with a preferred method', () => {
  const c = compileClean('linkbeat_use_polling\nlinkbeat_interfaces {\n  eth0\n  enp2s0 ETHTOOL\n}\nlinkbeat_interfaces {\n  bond0 IOCTL\n}');
  assert.equal(c.linkbeatUsePolling, true);
  assert.deepEqual(c.linkbeatInterfaces, [{ interface: 'eth0' }, { interface: 'enp2s0', method: 'ETHTOOL' }, { interface: 'bond0', method: 'IOCTL' }]);
  assert.equal(compileClean('').linkbeatUsePolling, false);
});

test('interface_up_down_delays: seconds with µs resolution; UP defaults to 0 as in keepalived’s code', () => {
  const c = compileClean('interface_up_down_delays {\n  eth0 1.5\n  eth1 2 0.000001\n  eth2 255 0\n}');
  assert.deepEqual(c.interfaceUpDownDelays, [
    { interface: 'eth0', downDelayMs: 1500, upDelayMs: 0 },
    { interface: 'eth1', downDelayMs: 2000, upDelayMs: 0.001 },
    { interface: 'eth2', downDelayMs: 255_000, upDelayMs: 0 },
  ]);
});

test('garp_group: single interface, repeated interface lines and an interfaces block', () => {
  const c = compileClean(
    [
      'garp_group {',
      '  garp_interval 0.001',
      '  interface eth0',
      '}',
      'garp_group {',
      '  gna_interval 0.5',
      '  interface eth1',
      '  interface eth2',
      '}',
      'garp_group {',
      '  garp_interval 0.01',
      '  gna_interval 0.02',
      '  interfaces {',
      '    eth3 eth4',
      '    eth5',
      '  }',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(c.garpGroups, [
    { garpIntervalMs: 1, interfaces: ['eth0'] },
    { gnaIntervalMs: 500, interfaces: ['eth1', 'eth2'] },
    { garpIntervalMs: 10, gnaIntervalMs: 20, interfaces: ['eth3', 'eth4', 'eth5'] },
  ]);
});

test('garp_group: an interval of a second or more is allowed but remarked on', () => {
  const r = compile('garp_group {\n  garp_interval 1.5\n  interface eth0\n}');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, ['t.conf:2:3: notice: garp_interval: The garp_interval is very large - 1.5 seconds']);
});

test('interface settings: bad values, repeats and empty groups', () => {
  assertBadCases([
    { text: 'linkbeat_use_polling yes', problems: ["t.conf:1:22: error: linkbeat_use_polling: 'linkbeat_use_polling' takes no parameter"] },
    {
      text: 'linkbeat_interfaces {\n  eth0 FOO\n}',
      problems: ["t.conf:2:8: error: linkbeat_interfaces: extra characters 'FOO' in linkbeat interface (expected MII, ETHTOOL or IOCTL)"],
    },
    { text: 'linkbeat_interfaces {\n  eth0 MII x\n}', problems: ["t.conf:2:12: error: linkbeat_interfaces: extra characters 'x' in linkbeat interface"] },
    {
      text: 'linkbeat_interfaces {\n  a_very_long_ifname0\n}',
      problems: ["t.conf:2:3: error: linkbeat_interfaces: interface name 'a_very_long_ifname0' is longer than 15 characters"],
    },
    {
      text: 'linkbeat_interfaces {\n  eth0\n}\nlinkbeat_interfaces {\n  eth0 MII\n}',
      problems: ['t.conf:5:3: error: linkbeat_interfaces: linkbeat_interfaces already specified for eth0'],
    },
    { text: 'interface_up_down_delays {\n  eth0\n}', problems: ['t.conf:2:3: error: interface_up_down_delays: No timeouts specified for eth0 up/down delays'] },
    {
      text: 'interface_up_down_delays {\n  eth0 1 2 3\n}',
      problems: ["t.conf:2:12: error: interface_up_down_delays: Too many parameters for eth0 up/down delays: '3'"],
    },
    {
      text: 'interface_up_down_delays {\n  eth0 300\n}',
      problems: ["t.conf:2:8: error: interface_up_down_delays: number '300' outside range [0, 255] seconds"],
    },
    {
      text: 'interface_up_down_delays {\n  eth0 1 -1\n}',
      problems: ["t.conf:2:10: error: interface_up_down_delays: negative number '-1'"],
    },
    {
      text: 'interface_up_down_delays {\n  eth0 1\n  eth0 2\n}',
      problems: ['t.conf:3:3: error: interface_up_down_delays: interface_up_down_delays already specified for eth0'],
    },
    { text: 'garp_group {\n  interface eth0\n}', problems: ['t.conf:1:1: error: garp_group: garp group does not have any delay set (give garp_interval and/or gna_interval)'] },
    {
      text: 'garp_group {\n  garp_interval 2147.483648\n  interface eth0\n}',
      problems: [
        "t.conf:2:17: error: garp_interval: number '2147.483648' outside range [0, 2147.483647] seconds",
        // As in keepalived: with its only interval rejected, the group has none.
        't.conf:1:1: error: garp_group: garp group does not have any delay set (give garp_interval and/or gna_interval)',
      ],
    },
    { text: 'garp_group {\n  garp_interval 1\n  interfaces {\n  }\n}', problems: ['t.conf:3:3: error: interfaces: empty garp_group interfaces block'] },
    { text: 'garp_group {\n  garp_interval 1\n  interface\n}', problems: ['t.conf:3:3: error: interface: missing interface name'] },
    { text: 'garp_group {\n  garp_interval 1\n  interface eth0 eth1\n}', problems: ["t.conf:3:18: error: interface: unexpected extra parameter 'eth1'"] },
    {
      text: 'garp_group {\n  garp_interval 0.1\n  interface eth0\n}\ngarp_group {\n  gna_interval 0.1\n  interfaces {\n    eth1 eth0\n  }\n}',
      problems: ['t.conf:8:10: error: garp_group: garp_group already specified for eth0'],
    },
    { text: 'garp_group x {\n  garp_interval 1\n}', problems: ["t.conf:1:12: error: garp_group: unexpected parameter 'x' before '{'"] },
  ]);
});
