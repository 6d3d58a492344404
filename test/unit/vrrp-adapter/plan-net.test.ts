/**
 * Addresses, routes and rules in the plan: iproute2 names resolved through the host's files
 * (etc over usr, the .d directories, keepalived's built-in names), VRF tables, realms,
 * metrics, next hops by interface name, static items with default_interface and track_group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IprouteNames } from '../../../src/vrrp/adapter/index.js';
import { fakeEnvironment, plan, planErrors } from './helpers.js';

const FILES = {
  '/etc/iproute2/rt_tables': '# reserved\n255\tlocal\n254\tmain\n253 default\n0 unspec\n200 dmz # the DMZ\n',
  '/usr/share/iproute2/rt_tables': '201 dmz\n202 usronly\n',
  '/usr/share/iproute2/rt_tables.d/vendor.conf': '210 vendor\n',
  '/usr/share/iproute2/rt_tables.d/over.conf': '211 shadowed\n',
  '/etc/iproute2/rt_tables.d/over.conf': '212 local-over\n',
  '/etc/iproute2/rt_tables.d/README': '213 readme\n',
  '/etc/iproute2/rt_protos': '0 unspec\n12 bird\n',
  '/etc/iproute2/rt_realms': '7 cust\n',
  '/etc/iproute2/group': '3 lab\n',
  '/etc/protocols': 'ip 0 IP\ntcp 6 TCP # transmission\nudp 17 UDP\n',
};
const HOST = { files: FILES, links: { eth0: { v4: '192.0.2.1' }, eth1: { v4: '198.51.100.1' }, blue: { vrfTable: 1001 } } };

test('iproute2 names: etc beats usr, .d files of both (etc wins a clash, only *.conf), built-ins only for unnamed ids', () => {
  const names = new IprouteNames(fakeEnvironment(HOST).files);
  const table = (n: string) => names.resolve('table', n);
  assert.deepEqual(table('dmz'), { ok: true, value: 200 }, '/etc/iproute2/rt_tables replaces the usr file');
  assert.equal(table('usronly').ok, false, 'the usr file is not read when etc has one');
  assert.deepEqual([table('vendor'), table('local-over')], [{ ok: true, value: 210 }, { ok: true, value: 212 }]);
  assert.equal(table('shadowed').ok, false, 'usr\'s over.conf is replaced by etc\'s');
  assert.equal(table('readme').ok, false, 'only files ending in .conf');
  assert.deepEqual(names.resolve('table', 4_000_000_000), { ok: true, value: 4_000_000_000 });
  // rt_protos names id 0 "unspec", so keepalived's built-in "none" (also 0) does not exist; "static" (4) does.
  assert.equal(names.resolve('protocol', 'none').ok, false);
  assert.deepEqual(names.resolve('protocol', 'static'), { ok: true, value: 4 });
  assert.deepEqual(names.resolve('scope', 'link'), { ok: true, value: 253 }, 'no rt_scopes file: the built-in names');
  assert.deepEqual(names.resolve('protocol', 300), { ok: false, message: 'protocol 300 is outside 0..255' });
  assert.match((table('nosuch') as { message: string }).message, /unknown table name 'nosuch' \(not in \/etc\/iproute2\/rt_tables or \/usr\/share\/iproute2\/rt_tables/);
  assert.deepEqual([names.resolveIpProtocol('TCP'), names.resolveIpProtocol('udp'), names.resolveIpProtocol(47)], [{ ok: true, value: 6 }, { ok: true, value: 17 }, { ok: true, value: 47 }]);
  assert.equal(names.resolveIpProtocol('sctp').ok, false);
});

test('global iproute_etc_dir / iproute_usr_dir move where names are read', () => {
  const { plan: p } = plan('global_defs {\n  iproute_etc_dir /srv/ip\n}\nstatic_routes {\n  10.5.0.0/16 dev eth0 table mine\n}\n', { ...HOST, files: { '/srv/ip/rt_tables': '77 mine\n' } });
  assert.equal(p.statics.routes[0]!.route.table, 77);
});

test('VIPs and virtual routes/rules with every name resolved', () => {
  const { plan: p } = plan([
    'vrrp_instance VI_1 {',
    '  interface eth0',
    '  virtual_router_id 51',
    '  virtual_ipaddress {',
    '    192.0.2.100/24 dev eth1 brd + scope site label eth1:v',
    '    192.0.2.101 no_track',
    '  }',
    '  virtual_routes {',
    '    default via 192.0.2.254 table dmz mtu lock 1400 rtt 300ms features ecn',
    '    10.1.0.0/16 dev eth0 table vendor metric 5 realms 2/cust append',
    '    2001:db8:1::/48 dev eth0 pref high',
    '  }',
    '  virtual_rules {',
    '    from 192.0.2.100 lookup dmz priority 50',
    '    from all fwmark 5/0xff tunnel-id 99 goto 60 priority 55',
    '    from 10.6.0.0/16 ipproto tcp dport 80-90 table 100 priority 101 no_track',
    '  }',
    '}',
  ].join('\n'), HOST);
  const d = p.instances[0]!.definition;
  assert.deepEqual(d.vips, [
    { address: '192.0.2.100', prefixLength: 24, dev: 'eth1', scope: 200, label: 'eth1:v', broadcast: '192.0.2.255' },
    { address: '192.0.2.101', prefixLength: 32, noTrack: true },
  ]);
  assert.deepEqual(d.routes, [
    // No interface: keepalived cannot track it (the compiler warned), protocol keepalived all the same.
    { route: { dst: '0.0.0.0/0', family: 4, type: 'unicast', table: 200, gateway: '192.0.2.254', protocol: 18, metrics: { mtu: 1400, rtt: 300, features: 1, locked: ['mtu'] } }, verb: 'prepend', noTrack: true },
    { route: { dst: '10.1.0.0/16', family: 4, type: 'unicast', table: 210, protocol: 18, metric: 5, realms: (2 << 16) | 7 }, verb: 'append', dev: 'eth0' },
    { route: { dst: '2001:db8:1::/48', family: 6, type: 'unicast', table: 254, protocol: 18, pref: 'high' }, verb: 'prepend', dev: 'eth0' },
  ]);
  assert.deepEqual(d.rules, [
    { rule: { family: 4, priority: 50, action: 'to_tbl', table: 200, src: '192.0.2.100/32', protocol: 18 } },
    { rule: { family: 4, priority: 55, action: 'goto', goto: 60, fwmark: 5, fwmask: 255, tunnelId: 99n, protocol: 18 } },
    { rule: { family: 4, priority: 101, action: 'to_tbl', table: 100, src: '10.6.0.0/16', ipProto: 6, dport: { start: 80, end: 90 } }, noTrack: true },
  ]);
});

test('static items: default_interface for addresses, a VRF\'s table, next hops by name, track_group members', () => {
  const { plan: p } = plan([
    'global_defs {\n  default_interface eth1\n}',
    'track_group TG {\n  group {\n    VI_1\n  }\n}',
    'static_ipaddress {\n  192.0.2.50/24 track_group TG\n}',
    'static_routes {',
    '  10.6.0.0/16 dev eth0 vrf blue',
    '  10.7.0.0/16 nexthop via 192.0.2.254 dev eth0 weight 2 nexthop via 198.51.100.254 dev eth1',
    '  10.8.0.0/16 via 192.0.2.254 dev eth0 track_group TG',
    '}',
    'static_rules {\n  to 10.7.0.0/16 suppress_ifgroup lab priority 102 table main\n}',
    'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress { 192.0.2.100 }\n}',
  ].join('\n'), HOST);
  const s = p.statics;
  assert.equal(s.defaultInterface, 'eth1');
  assert.deepEqual(s.addresses, [{ address: '192.0.2.50', prefixLength: 24, dev: 'eth1' }]);
  assert.deepEqual(s.routes.map((r) => [r.route.dst, r.route.table, r.dev, r.nexthopDevs, r.route.nexthops]), [
    ['10.6.0.0/16', 1001, 'eth0', undefined, undefined],
    ['10.7.0.0/16', 254, undefined, ['eth0', 'eth1'], [{ gateway: '192.0.2.254', weight: 2 }, { gateway: '198.51.100.254' }]],
    ['10.8.0.0/16', 254, 'eth0', undefined, undefined],
  ]);
  assert.deepEqual(s.rules, [{ rule: { family: 4, priority: 102, action: 'to_tbl', table: 254, dst: '10.7.0.0/16', suppressIfgroup: 3, protocol: 18 } }]);
  assert.deepEqual(s.trackGroups, [{ name: 'TG', members: ['VI_1'], items: [{ kind: 'address', position: 1 }, { kind: 'route', position: 3 }] }]);
});

test('names that do not resolve, and a vrf that is not a VRF, are errors naming the line', () => {
  const errors = planErrors([
    'static_routes {',
    '  10.6.0.0/16 dev eth0 vrf eth1',
    '  10.7.0.0/16 dev eth0 vrf red',
    '  10.8.0.0/16 dev eth0 table nosuch',
    '}',
    'static_rules {\n  from 10.6.0.0/16 ipproto sctp table 100 priority 101\n}',
  ].join('\n'), HOST);
  assert.deepEqual(errors, [
    'error: (static) static_routes 10.6.0.0/16: Route specified VRF eth1 is not a VRF',
    'error: (static) static_routes 10.7.0.0/16: VRF red not found for route',
    "error: (static) static_routes 10.8.0.0/16: unknown table name 'nosuch' (not in /etc/iproute2/rt_tables or /usr/share/iproute2/rt_tables, their rt_tables.d, or keepalived's built-in names)",
    "error: (static) static_rules preference 101: unknown IP protocol 'sctp' (not in /etc/protocols)",
  ]);
});
