/**
 * global_defs socket buffer keywords → what the vrrp child asks the kernel for: the netlink
 * request/monitor/proc-connector queues (vrrp_netlink_*_rcv_bufs[_force],
 * process_monitor_rcv_bufs[_force]) and each instance's share of its VRRP receive socket
 * (kernel_rx_buf_size, vrrp_rx_bufs_policy, vrrp_rx_bufs_multiplier), as keepalived 2.2.7
 * computes them (vrrp_scheduler.c vrrp_create_sockpool, vrrp.c vrrp_adv_len).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advertLength, netlinkOpenOptions } from '../../../src/vrrp/adapter/socket-buffers.js';
import { processMonitorOptions } from '../../../src/vrrp/daemon/tracking.js';
import { instance, plan } from './helpers.js';

const vi = (extra: string, name = 'VI_1', vrid = 51) =>
  instance(name, `  interface eth0\n  virtual_router_id ${vrid}\n  priority 100\n${extra}`);

test('netlink queues: sizes with SO_RCVBUF, or SO_RCVBUFFORCE with _force; unset keeps the defaults', () => {
  const { plan: p } = plan(`global_defs {
  vrrp_netlink_cmd_rcv_bufs 300000
  vrrp_netlink_monitor_rcv_bufs 600000
  vrrp_netlink_monitor_rcv_bufs_force
  process_monitor_rcv_bufs 70000
  process_monitor_rcv_bufs_force true
}
${vi('  virtual_ipaddress { 192.0.2.10 }')}`);
  assert.deepEqual(p.netlink, {
    command: { bytes: 300000, force: false },
    monitor: { bytes: 600000, force: true },
    processMonitor: { bytes: 70000, force: true },
  });
  assert.deepEqual(netlinkOpenOptions(p.netlink.command), { receiveBufferBytes: 300000, receiveBufferMode: 'plain' });
  assert.deepEqual(netlinkOpenOptions(p.netlink.monitor), { receiveBufferBytes: 600000, receiveBufferMode: 'force' });
  assert.deepEqual(processMonitorOptions(p), { connector: { receiveBufferBytes: 70000, forceReceiveBuffer: true } });

  const { plan: none } = plan(vi('  virtual_ipaddress { 192.0.2.10 }'));
  assert.deepEqual(none.netlink, {});
  assert.deepEqual(netlinkOpenOptions(none.netlink.command), {});
  assert.deepEqual(processMonitorOptions(none), {});
});

test('advert length: VRRP header, addresses, v2 auth data, the IPv4 header and AH (vrrp_adv_len)', () => {
  assert.equal(advertLength({ family: 4, version: 3, addressCount: 1, ah: false }), 8 + 4 + 20);
  assert.equal(advertLength({ family: 4, version: 2, addressCount: 2, ah: false }), 8 + 8 + 8 + 20);
  assert.equal(advertLength({ family: 4, version: 2, addressCount: 1, ah: true }), 8 + 4 + 8 + 20 + 24);
  assert.equal(advertLength({ family: 6, version: 3, addressCount: 2, ah: false }), 8 + 32);
});

test('vrrp_rx_bufs_policy: no policy and no kernel_rx_buf_size = no share (the kernel default)', () => {
  const { plan: p } = plan(vi('  virtual_ipaddress { 192.0.2.10 }'));
  assert.equal(p.instances[0]!.transport.receiveBuffer, undefined);
});

test('vrrp_rx_bufs_policy ADVERT: multiplier × advert length; kernel_rx_buf_size wins over the policy', () => {
  const { plan: p } = plan(`global_defs {
  vrrp_rx_bufs_policy ADVERT
  vrrp_rx_bufs_multiplier 5
}
${vi('  virtual_ipaddress { 192.0.2.10\n 192.0.2.11 }')}
${vi('  version 3\n  virtual_ipaddress { 192.0.2.12 }', 'VI_2', 52)}
${vi('  kernel_rx_buf_size 9000\n  virtual_ipaddress { 192.0.2.13 }', 'VI_3', 53)}
${vi('  virtual_ipaddress { 2001:db8::1 }', 'VI_6', 54)}`);
  const share = (name: string) => p.instances.find((i) => i.name === name)!.transport.receiveBuffer;
  assert.deepEqual(share('VI_1'), { bytes: 5 * (8 + 8 + 2 * 4 + 20) }, 'VRRPv2 (the default): with the 8 bytes of auth data');
  assert.deepEqual(share('VI_2'), { bytes: 5 * (8 + 4 + 20) });
  assert.deepEqual(share('VI_3'), { bytes: 9000 });
  assert.deepEqual(share('VI_6'), { bytes: 5 * (8 + 16) }, 'IPv6: no IP header on the raw socket');
});

test('vrrp_rx_bufs_policy MTU: a multiple of the interface MTU, known at run time; the default multiplier is 3', () => {
  const { plan: p } = plan(`global_defs {\n  vrrp_rx_bufs_policy mtu\n}\n${vi('  virtual_ipaddress { 192.0.2.10 }')}`);
  assert.deepEqual(p.instances[0]!.transport.receiveBuffer, { mtuMultiple: 3 });
});

test('vrrp_rx_bufs_policy with a size: that many bytes per instance', () => {
  const { plan: p } = plan(`global_defs {\n  vrrp_rx_bufs_policy 40000\n}\n${vi('  virtual_ipaddress { 192.0.2.10 }')}`);
  assert.deepEqual(p.instances[0]!.transport.receiveBuffer, { bytes: 40000 });
});
