import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBadCases, compileClean, globals } from './global-test-helpers.js';

test('global_defs netlink buffers: defaults leave keepalived’s own sizes', () => {
  const g = compileClean(globals()).global;
  assert.deepEqual(
    [g.vrrpNetlinkCmdRcvBufBytes, g.vrrpNetlinkMonitorRcvBufBytes, g.lvsNetlinkCmdRcvBufBytes, g.lvsNetlinkMonitorRcvBufBytes, g.processMonitorRcvBufBytes],
    [0, 0, 0, 0, 0],
  );
  assert.equal(g.vrrpRxBufsPolicy, undefined);
  assert.equal(g.vrrpRxBufsMultiplier, 3);
});

test('global_defs netlink buffers: all twelve keywords', () => {
  const g = compileClean(
    globals(
      'vrrp_netlink_cmd_rcv_bufs 1048576',
      'vrrp_netlink_cmd_rcv_bufs_force',
      'vrrp_netlink_monitor_rcv_bufs 2097152',
      'vrrp_netlink_monitor_rcv_bufs_force true',
      'lvs_netlink_cmd_rcv_bufs 65536',
      'lvs_netlink_cmd_rcv_bufs_force off',
      'lvs_netlink_monitor_rcv_bufs 131072',
      'lvs_netlink_monitor_rcv_bufs_force on',
      'process_monitor_rcv_bufs 500000',
      'process_monitor_rcv_bufs_force yes',
      'vrrp_rx_bufs_policy advert',
      'vrrp_rx_bufs_multiplier 5',
    ),
  ).global;
  assert.equal(g.vrrpNetlinkCmdRcvBufBytes, 1048576);
  assert.equal(g.vrrpNetlinkCmdRcvBufForce, true);
  assert.equal(g.vrrpNetlinkMonitorRcvBufBytes, 2097152);
  assert.equal(g.vrrpNetlinkMonitorRcvBufForce, true);
  assert.equal(g.lvsNetlinkCmdRcvBufBytes, 65536);
  assert.equal(g.lvsNetlinkCmdRcvBufForce, false);
  assert.equal(g.lvsNetlinkMonitorRcvBufBytes, 131072);
  assert.equal(g.lvsNetlinkMonitorRcvBufForce, true);
  assert.equal(g.processMonitorRcvBufBytes, 500000);
  assert.equal(g.processMonitorRcvBufForce, true);
  assert.deepEqual(g.vrrpRxBufsPolicy, { kind: 'advert' });
  assert.equal(g.vrrpRxBufsMultiplier, 5);
});

test('global_defs netlink buffers: vrrp_rx_bufs_policy MTU, ADVERT or a size', () => {
  assert.deepEqual(compileClean(globals('vrrp_rx_bufs_policy MTU')).global.vrrpRxBufsPolicy, { kind: 'mtu' });
  assert.deepEqual(compileClean(globals('vrrp_rx_bufs_policy 262144')).global.vrrpRxBufsPolicy, { kind: 'size', bytes: 262144 });
});

test('global_defs netlink buffers: bad values', () => {
  assertBadCases([
    { text: globals('vrrp_netlink_cmd_rcv_bufs -1'), problems: ["t.conf:2:29: error: vrrp_netlink_cmd_rcv_bufs: negative number '-1'"] },
    { text: globals('lvs_netlink_monitor_rcv_bufs 4294967296'), problems: ["t.conf:2:32: error: lvs_netlink_monitor_rcv_bufs: number '4294967296' outside range [0, 4294967295]"] },
    {
      text: globals('process_monitor_rcv_bufs_force maybe'),
      problems: ["t.conf:2:34: error: process_monitor_rcv_bufs_force: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)"],
    },
    {
      text: globals('vrrp_rx_bufs_policy MTU ADVERT'),
      problems: ["t.conf:2:27: error: vrrp_rx_bufs_policy: unexpected extra parameter 'ADVERT' (give one of MTU, ADVERT or a size in bytes)"],
    },
    {
      text: globals('vrrp_rx_bufs_policy big'),
      problems: ["t.conf:2:23: error: vrrp_rx_bufs_policy: Invalid vrrp_rx_bufs_policy 'big' (expected MTU, ADVERT or a size in bytes)"],
    },
    { text: globals('vrrp_rx_bufs_multiplier 0'), problems: ["t.conf:2:27: error: vrrp_rx_bufs_multiplier: number '0' outside range [1, 4294967295]"] },
  ]);
});
