/**
 * planVrrp for one instance at a time: the FSM parameters and transport view in the cases
 * where keepalived derives or fixes something (IPv6, owners, AH, nopreempt, strict mode,
 * unicast, VMAC, interval rounding, too many VIPs), and the features keepalived-ts refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compiledAnyway, instance, plan, planErrors } from './helpers.js';

const base = (extra: string, name = 'VI_1') => instance(name, `  interface eth0\n  virtual_router_id 51\n  priority 100\n${extra}`);

test('IPv6: VRRPv3, the link-local primary address, ff02::12, VIPs without DAD and /128 deprecated', () => {
  const { plan: p } = plan(base('  virtual_ipaddress {\n    2001:db8::10/64\n    2001:db8::11\n    2001:db8::12 -nodad\n  }'));
  const i = p.instances[0]!;
  assert.equal(i.params.version, 3);
  assert.equal(i.params.family, 'inet6');
  assert.equal(i.params.primaryAddress, 'fe80::1');
  assert.deepEqual(i.params.addresses, ['2001:db8::10', '2001:db8::11', '2001:db8::12']);
  assert.equal(i.transport.multicastGroup, 'ff02::12');
  assert.deepEqual(i.definition.vips, [
    { address: '2001:db8::10', prefixLength: 64, nodad: true, preferredLifetime: Infinity },
    { address: '2001:db8::11', prefixLength: 128, nodad: true, preferredLifetime: 0 },
    { address: '2001:db8::12', prefixLength: 128, nodad: false, preferredLifetime: 0 },
  ]);
  assert.equal(p.sockets[0]!.id, '6/vrrp/eth0/group ff02::12');
});

test('an address owner starts MASTER with accept mode; a mcast_src_ip is the primary address', () => {
  const { plan: p } = plan(instance('VI_1', '  interface eth0\n  virtual_router_id 9\n  priority 255\n  mcast_src_ip 192.0.2.77\n  virtual_ipaddress { 192.0.2.100 }'));
  const i = p.instances[0]!;
  assert.deepEqual([i.params.initialState, i.params.priority, i.definition.owner, i.definition.accept], ['MASTER', 255, true, true]);
  assert.equal(i.params.primaryAddress, '192.0.2.77');
  assert.equal(i.transport.sourceAddress, '192.0.2.77');
  assert.equal(i.transport.mode, 'multicast');
});

test('keepalived\'s fixes: nopreempt and preempt_delay with state MASTER are cleared, strict state follows ownership', () => {
  const c = compiledAnyway([
    base('  state MASTER\n  nopreempt\n  virtual_ipaddress { 192.0.2.100 }', 'A'),
    instance('B', '  interface eth1\n  virtual_router_id 52\n  priority 100\n  state MASTER\n  preempt_delay 10\n  virtual_ipaddress { 192.0.2.101 }'),
    instance('C', '  interface eth1\n  virtual_router_id 53\n  priority 100\n  state MASTER\n  strict_mode on\n  virtual_ipaddress { 192.0.2.102 }'),
    instance('D', '  interface eth1\n  virtual_router_id 54\n  priority 255\n  nopreempt\n  virtual_ipaddress { 192.0.2.103 }'),
  ].join(''));
  const { plan: p, messages } = plan(c);
  assert.deepEqual(p.instances.map((i) => [i.name, i.params.initialState, i.params.nopreempt, i.params.preemptDelayMs]), [
    ['A', 'MASTER', false, 0], ['B', 'MASTER', false, 0], ['C', 'BACKUP', false, 0], ['D', 'MASTER', false, 0],
  ]);
  // The compiler reported and corrected these (instance-resolve.ts): one diagnostic per problem.
  assert.deepEqual(messages, []);
});

test('authentication keepalived ignores: VRRPv3, IPv6 AH; and an advert_int the wire cannot carry is rounded', () => {
  const c = compiledAnyway([
    base('  version 3\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n  virtual_ipaddress { 192.0.2.100 }', 'V3'),
    instance('V2', '  interface eth1\n  virtual_router_id 52\n  advert_int 1\n  virtual_ipaddress { 192.0.2.101 }'),
  ].join(''));
  (c.vrrpInstances[1] as { advertIntervalMs: number }).advertIntervalMs = 1500;
  const { plan: p, messages } = plan(c);
  assert.deepEqual(p.instances.map((i) => [i.name, i.params.auth.type, i.params.advertIntervalMs]), [['V3', 'none', 1000], ['V2', 'none', 2000]]);
  assert.deepEqual(messages, [
    'warning: (V2) VRRPv2 advertisement interval 1.5s rounded to 2s',
  ]);
});

test('unicast: peers with their TTL windows, unicast_ttl, source checks, a socket keyed by the source', () => {
  const { plan: p } = plan(base([
    '  unicast_src_ip 192.0.2.1',
    '  unicast_ttl 10',
    '  unicast_peer {\n    192.0.2.2\n    192.0.2.3 min_ttl 250 max_ttl 255\n  }',
    '  virtual_ipaddress { 192.0.2.100 }',
  ].join('\n')));
  const i = p.instances[0]!;
  assert.equal(i.params.unicast, true);
  assert.deepEqual(i.params.unicastPeers, [{ address: '192.0.2.2', minTtl: 0, maxTtl: 255 }, { address: '192.0.2.3', minTtl: 250, maxTtl: 255 }]);
  assert.equal(i.params.checkUnicastSource, true, 'a TTL window implies checking the source');
  assert.deepEqual({ mode: i.transport.mode, ttl: i.transport.unicastTtl, group: i.transport.multicastGroup, src: i.transport.sourceAddress }, { mode: 'unicast', ttl: 10, group: undefined, src: '192.0.2.1' });
  assert.equal(p.sockets[0]!.id, '4/vrrp/eth0/unicast 192.0.2.1');
});

test('unicast_fault_no_peer with no peers stays unicast (the I/O layer faults it); unicast_src_ip alone falls back to multicast', () => {
  const { plan: p } = plan(base('  unicast_fault_no_peer\n  virtual_ipaddress { 192.0.2.100 }') + instance('M', '  interface eth1\n  virtual_router_id 52\n  unicast_src_ip 198.51.100.9\n  virtual_ipaddress { 192.0.2.101 }'));
  const [f, m] = p.instances;
  assert.deepEqual([f!.params.unicast, f!.params.unicastPeers, f!.transport.mode, f!.transport.unicastFaultNoPeer], [true, [], 'unicast', true]);
  assert.deepEqual([m!.params.unicast, m!.transport.mode, m!.transport.multicastGroup, m!.params.primaryAddress], [false, 'multicast', '224.0.0.18', '198.51.100.9']);
});

test('use_vmac: the VMAC name from vmac_prefix, sockets on the VMAC unless vmac_xmit_base, both interfaces tracked', () => {
  const { plan: p } = plan('global_defs {\n  vmac_prefix vm\n}\n' + base('  use_vmac\n  virtual_ipaddress { 192.0.2.100 }\n  virtual_ipaddress_excluded { 2001:db8::5 }')
    + instance('X', '  interface eth1\n  virtual_router_id 52\n  use_vmac vx52 02:00:00:00:00:34\n  vmac_xmit_base\n  virtual_ipaddress { 192.0.2.101 }'));
  const [v, x] = p.instances;
  assert.equal(v!.transport.vmacName, 'vm.51');
  assert.deepEqual(v!.definition.vmac, { xmitBase: false, otherFamilyEvips: true });
  assert.deepEqual(x!.definition.vmac, { name: 'vx52', mac: '02:00:00:00:00:34', xmitBase: true, otherFamilyEvips: false });
  assert.deepEqual(p.sockets.map((s) => s.id), ['4/vrrp/vm.51/group 224.0.0.18', '4/vrrp/eth1/group 224.0.0.18']);
  assert.deepEqual(p.tracking.instances.map((t) => t.primaryInterfaces), [['vm.51', 'eth0'], ['vx52', 'eth1']]);
  assert.deepEqual(p.actions.vmacPrefix, 'vm');
});

test('more than 255 VIPs: the excess become eVIPs, as keepalived moves them', () => {
  const vips = Array.from({ length: 257 }, (_, n) => `    10.0.${Math.floor(n / 250)}.${(n % 250) + 1}`).join('\n');
  const { plan: p, messages } = plan(compiledAnyway(base(`  virtual_ipaddress {\n${vips}\n  }\n  virtual_ipaddress_excluded { 10.9.9.9 }`)));
  const i = p.instances[0]!;
  assert.equal(i.params.addresses.length, 255);
  assert.deepEqual(i.definition.evips.map((e) => e.address), ['10.0.1.6', '10.0.1.7', '10.9.9.9']);
  assert.deepEqual(messages, [], 'the compiler moved them and said so');
});

test('features keepalived-ts does not have are refused by name, not dropped', () => {
  const errors = planErrors(compiledAnyway(base('  use_ipvlan\n  virtual_ipaddress { 192.0.2.100 use_vmac }\n  virtual_routes {\n    10.1.0.0/16 via 192.0.2.254 encap mpls 100\n  }')));
  assert.deepEqual(errors.filter((e) => e.startsWith('error')), [
    'error: (VI_1) use_ipvlan is not supported by keepalived-ts yet',
    'error: (VI_1) virtual_ipaddress 192.0.2.100/32: use_vmac on a VIP (a VMAC on the VIP\'s interface) is not supported by keepalived-ts yet',
    'error: (VI_1) virtual_routes 10.1.0.0/16: encap (lightweight tunnels) is not supported by keepalived-ts yet',
  ]);
});

test('a sync group mixing an address owner with other members is refused; an empty group is dropped', () => {
  const text = 'vrrp_sync_group G {\n  group {\n    A\n    B\n  }\n}\nvrrp_sync_group E {\n  group {\n    NOPE\n  }\n}\n'
    + instance('A', '  interface eth0\n  virtual_router_id 1\n  priority 255\n  virtual_ipaddress { 192.0.2.1 }')
    + instance('B', '  interface eth1\n  virtual_router_id 2\n  virtual_ipaddress { 192.0.2.2 }');
  assert.deepEqual(planErrors(compiledAnyway(text)), [
    'warning: Sync group E, no matching virtual router found in group declaration - removing',
    'error: Sync group G has some member(s) as address owner and some not as address owner. This won\'t work.',
  ]);
});
