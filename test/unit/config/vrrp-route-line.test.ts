import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile } from './vrrp-helpers.js';

/** One static_routes line: line 5, column 3. */
const staticRoute = (line: string) => `track_group TG {\n  group { VI_1 }\n}\nstatic_routes {\n  ${line}\n}`;

const base = { type: 'unicast', table: 254, onlink: false, metrics: {}, nexthops: [], mode: 'prepend', noTrack: false };
const tracked = { ...base, protocol: 18 };

const good: { line: string; model: object; warnings?: string[] }[] = [
  {
    line: '10.3.0.0/16 via 10.2.0.254 dev eth1 table 100 metric 5 mtu lock 1400 rtt 300ms advmss 1000 features ecn',
    model: {
      ...tracked, family: 4, dst: { address: '10.3.0.0', prefixLen: 16 }, via: '10.2.0.254', dev: 'eth1', table: 100, metric: 5,
      metrics: { mtu: 1400, rttMs: 300, advmss: 1000, ecn: true, lock: ['mtu'] },
    },
  },
  { line: 'blackhole 10.4.0.0/16 no_track', model: { ...base, type: 'blackhole', family: 4, dst: { address: '10.4.0.0', prefixLen: 16 }, noTrack: true } },
  {
    line: '10.5.0.0/16 dev eth1 nexthop via 10.2.0.253 dev eth1 weight 2 nexthop via 10.2.0.252 dev eth2 onlink',
    model: {
      ...tracked, family: 4, dst: { address: '10.5.0.0', prefixLen: 16 }, dev: 'eth1',
      nexthops: [{ via: '10.2.0.253', dev: 'eth1', weight: 2, onlink: false }, { via: '10.2.0.252', dev: 'eth2', onlink: true }],
    },
  },
  {
    line: 'inet6 default via fe80::1 dev eth1 pref high expires 100',
    model: { ...tracked, family: 6, dst: { address: '::', prefixLen: 0 }, via: 'fe80::1', dev: 'eth1', pref: 'high', expires: 100 },
  },
  { line: '10.6.0.0/16 dev eth1 encap mpls 100/200', model: { ...tracked, family: 4, dst: { address: '10.6.0.0', prefixLen: 16 }, dev: 'eth1', encap: { type: 'mpls', labels: [100, 200] } } },
  {
    line: '10.7.0.0/16 dev eth1 encap ip id 5 dst 10.9.9.9 ttl 4 congctl lock cubic table main protocol keepalived',
    model: {
      ...tracked, family: 4, dst: { address: '10.7.0.0', prefixLen: 16 }, dev: 'eth1', table: 'main',
      encap: { type: 'ip', id: '5', dst: '10.9.9.9', ttl: 4 }, metrics: { congctl: 'cubic', lock: ['congctl'] },
    },
  },
  {
    line: 'to 10.8.0.0/24 src 10.2.0.1 dev eth1 scope link tos 0x10 realms 1/2 append',
    model: {
      ...tracked, family: 4, dst: { address: '10.8.0.0', prefixLen: 24 }, src: '10.2.0.1', dev: 'eth1', scope: 'link', tos: 16,
      realms: { from: 1, to: 2 }, mode: 'append',
    },
  },
  {
    // A bare rttvar is in the kernel's unit (1/4 ms).
    line: '2001:db8::/32 from 2001:db8:1::/48 dev eth1 rtt 1.5s rttvar 800 rto_min 200ms',
    model: {
      ...tracked, family: 6, dst: { address: '2001:db8::', prefixLen: 32 }, from: { address: '2001:db8:1::', prefixLen: 48 }, dev: 'eth1',
      metrics: { rttMs: 1500, rttvarMs: 200, rtoMinMs: 200 },
    },
  },
  {
    line: '192.168.113.0/24 gw 192.168.200.254 or 192.168.100.254 dev eth1',
    model: {
      ...tracked, family: 4, dst: { address: '192.168.113.0', prefixLen: 24 }, dev: 'eth1',
      nexthops: [{ via: '192.168.200.254', onlink: false }, { via: '192.168.100.254', onlink: false }],
    },
    warnings: [
      't.conf:5:20: warning: static_routes: "gw" for routes is deprecated. Please use "via"',
      't.conf:5:39: warning: static_routes: "or" for routes is deprecated. Please use "nexthop"',
    ],
  },
  {
    // keepalived cannot track a route without an interface; it warns and stops tracking it.
    line: 'default via 10.0.0.1 table blue',
    model: { ...tracked, family: 4, dst: { address: '0.0.0.0', prefixLen: 0 }, via: '10.0.0.1', table: 'blue', noTrack: true },
    warnings: ['t.conf:5:3: warning: static_routes: Warning - cannot track route default with no interface specified, not tracking'],
  },
  { line: '10.9.0.0/16 dev eth1 track_group TG', model: { ...tracked, family: 4, dst: { address: '10.9.0.0', prefixLen: 16 }, dev: 'eth1', trackGroup: 'TG' } },
];

for (const c of good) {
  test(`route line: ${c.line}`, () => {
    const r = compile(staticRoute(c.line));
    assert.deepEqual(r.problems, c.warnings ?? []);
    assert.deepEqual(r.config.staticRoutes, [c.model]);
    assertRoundTrip(r.config);
  });
}

const bad: { line: string; problem: string; before?: string }[] = [
  { line: '10.0.0.0/8 via 2001::1 dev eth0', problem: 't.conf:5:18: error: static_routes: Cannot mix IPv4 and IPv6 addresses for route' },
  { line: 'via 10.0.0.1 dev eth0', problem: 't.conf:5:3: error: static_routes: Route must have a destination' },
  { line: 'frob 10.0.0.0/8', problem: 't.conf:5:3: error: static_routes: unknown route keyword frob' },
  {
    line: '10.0.0.0/8 dev eth0 protocol bird',
    problem: 't.conf:5:32: error: static_routes: Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18); add no_track or drop the protocol',
  },
  { line: '10.0.0.0/8 dev eth0 rtt 100ms', problem: "t.conf:5:27: error: static_routes: rtt 100ms outside the kernel's range [200ms, 120s]" },
  { line: '10.0.0.0/8 dev eth0 features foo', problem: 't.conf:5:32: error: static_routes: feature foo not supported (only ecn)' },
  { line: '10.0.0.0/8 dev eth0 as to 1.2.3.4', problem: 't.conf:5:23: error: static_routes: "as to" is for MPLS routes only and is not supported' },
  { line: '10.0.0.0/8 dev eth0 encap gre', problem: 't.conf:5:29: error: static_routes: Unknown encap type - gre (expected mpls|ip|ip6|ila)' },
  { line: '10.0.0.0/8 dev eth0 encap ip ttl 4', problem: 't.conf:5:29: error: static_routes: address or id missing for ip encapsulation' },
  { line: '10.0.0.0/8 dev eth0 encap mpls 1/2/3', problem: 't.conf:5:34: error: static_routes: invalid mpls address 1/2/3 for encapsulation (at most 2 labels)' },
  { line: '10.0.0.0/8 dev eth0 nexthop via 10.0.0.1 bogus', problem: 't.conf:5:44: error: static_routes: Route has trailing nonsense after nexthops - bogus' },
  { line: '10.0.0.0/8 dev eth0 nexthop via 10.0.0.1 weight 0', problem: "t.conf:5:51: error: static_routes: number '0' outside range [1, 256] for nexthop weight" },
  { line: '10.0.0.0/8 dev eth0 expires 5', problem: 't.conf:5:23: error: static_routes: expires is only valid for IPv6' },
  { line: '10.0.0.0/8 dev eth0 table', problem: "t.conf:5:23: error: static_routes: missing table after 'table'" },
  { line: '10.0.0.0/8 dev eth0 metric -1', problem: "t.conf:5:30: error: static_routes: negative number '-1' for route metric" },
  {
    line: '10.0.0.0/8 via 10.0.0.1 track_group TG',
    problem: 't.conf:5:39: error: static_routes: Static route cannot have track group if no oif specified',
    before: 't.conf:5:3: warning: static_routes: Warning - cannot track route 10.0.0.0/8 with no interface specified, not tracking',
  },
  { line: '10.0.0.0/8 dev eth0 track_group NOPE', problem: 't.conf:5:3: warning: static_routes: track_group NOPE not found' },
];

for (const c of bad) {
  test(`route line rejected: ${c.line}`, () => {
    const r = compile(staticRoute(c.line));
    assert.deepEqual(r.problems, c.before ? [c.before, c.problem] : [c.problem]);
    assert.deepEqual(r.config.staticRoutes.length, c.problem.includes('not found') ? 1 : 0);
  });
}

test('route line: virtual_routes refuse track_group', () => {
  const r = compile('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress { 10.0.0.1 }\n  virtual_routes {\n    10.0.0.0/8 dev eth0 track_group TG\n  }\n}');
  assert.deepEqual(r.problems, ['t.conf:6:25: error: virtual_routes: track_group is only valid for static routes']);
});
