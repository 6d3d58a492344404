/**
 * The address/route/rule planner: keepalived's defaults for VIP lines, request order and
 * flags, how kernel answers count (idempotence), and how removals are recognised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetlinkError, errnoNumber, type Address, type Route, type Rule } from '../../../src/net/netlink/index.js';
import { NlmF } from '../../../src/net/netlink/constants.js';
import { addressBody } from '../../../src/net/netlink/rtnl/address.js';
import { RTM } from '../../../src/net/netlink/rtnl/constants.js';
import {
  ActionsConfigError, AddPlanCache, addressItem, addressMatches, classify, plan, routeItem, routeMatches, routeSpec, ruleItem, ruleMatches,
} from '../../../src/vrrp/actions/net-plan.js';

const indexOf = (dev: string): number | undefined => ({ eth0: 2, eth1: 3, 'vrrp.51': 7 } as Record<string, number>)[dev];
const err = (code: string): NetlinkError => new NetlinkError(errnoNumber(code)!, undefined);

test('IPv6 VIPs: nodad unless -nodad, a /128 is deprecated (preferred_lft 0) unless preferred_lft says otherwise', () => {
  const host = addressItem({ address: '2001:DB8::0:10' }, 'vip', 1, 'eth0');
  assert.equal(host.address, '2001:db8::10', 'canonical text, as the kernel reports it');
  assert.equal(host.spec.nodad, true);
  assert.equal(host.spec.preferredLifetime, 0);
  const subnet = addressItem({ address: '2001:db8::10', prefixLength: 64 }, 'vip', 1, 'eth0');
  assert.equal(subnet.spec.preferredLifetime, undefined, 'forever: not sent');
  const dad = addressItem({ address: '2001:db8::10', nodad: false, preferredLifetime: Infinity }, 'vip', 1, 'eth0');
  assert.equal(dad.spec.nodad, undefined);
  assert.equal(dad.spec.preferredLifetime, undefined);
  const v4 = addressItem({ address: '192.0.2.10' }, 'vip', 1, 'eth0');
  assert.equal(v4.spec.nodad, undefined, 'IPv4 gets no nodad by default');
  assert.equal(v4.prefixLength, 32);
});

test('VIP options: dev defaults to the instance interface; label, scope, brd +/-, peer', () => {
  const a = addressItem({ address: '192.0.2.10', prefixLength: 24, broadcast: '+', label: 'eth0:vip', scope: 'global' }, 'vip', 1, 'vrrp.51');
  assert.equal(a.dev, 'vrrp.51');
  assert.deepEqual(a.spec, { address: '192.0.2.10', prefixLength: 24, broadcast: '192.0.2.255', label: 'eth0:vip', scope: 'universe' });
  const minus = addressItem({ address: '192.0.2.10', prefixLength: 22, broadcast: '-', dev: 'eth1' }, 'evip', 1, 'eth0');
  assert.equal(minus.spec.broadcast, '192.0.0.0');
  assert.equal(minus.dev, 'eth1');
  const p2p = addressItem({ address: '10.1.1.1', peer: '10.1.1.2', prefixLength: 32 }, 'vip', 1, 'eth0');
  assert.equal(p2p.spec.peer, '10.1.1.2');
});

test('impossible VIP lines are refused with the reason', () => {
  const bad = [
    () => addressItem({ address: '2001:db8::1', label: 'x' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '2001:db8::1', scope: 'link' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.1', prefixLength: 31, broadcast: '+' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.1', prefixLength: 33 }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.1/24' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.300' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.1', peer: '2001:db8::1' }, 'vip', 1, 'eth0'),
    () => addressItem({ address: '192.0.2.1' }, 'vip', 1, undefined),
    () => addressItem({ address: '192.0.2.1', label: 'a-label-that-is-too-long' }, 'vip', 1, 'eth0'),
  ];
  for (const f of bad) assert.throws(f, ActionsConfigError);
  assert.throws(() => ruleItem({ rule: { family: 4, src: '2001:db8::/32' } }, 'rule', 1), ActionsConfigError);
  assert.throws(() => ruleItem({ rule: { family: 6, dst: 'nonsense' } }, 'rule', 1), ActionsConfigError);
  assert.throws(() => routeItem({ route: { dst: 'default' } }, 'route', 1), ActionsConfigError);
});

test('adding: addresses, then routes, then rules; deleting: the reverse; a missing interface skips its items', () => {
  const items = [
    ruleItem({ rule: { family: 4, priority: 100, src: '192.0.2.10', table: 100 } }, 'rule', 1),
    routeItem({ route: { dst: '198.51.100.0/24', gateway: '192.0.2.1' }, dev: 'eth0' }, 'route', 1),
    addressItem({ address: '192.0.2.10' }, 'vip', 1, 'eth0'),
    addressItem({ address: '192.0.2.11' }, 'evip', 1, 'eth9'),
  ];
  const add = plan(items, 'add', indexOf);
  assert.deepEqual(add.requests.map((r) => r.request.typeName), ['RTM_NEWADDR', 'RTM_NEWROUTE', 'RTM_NEWRULE']);
  assert.deepEqual(add.skipped.map((s) => s.reason), ['interface eth9 does not exist']);
  const del = plan(items, 'delete', indexOf);
  assert.deepEqual(del.requests.map((r) => r.request.typeName), ['RTM_DELRULE', 'RTM_DELROUTE', 'RTM_DELADDR']);
  const addr = addressBody.decode(add.requests[0]!.request.payload);
  assert.equal(addr.header.index, 2);
});

test('routes are added like `ip route prepend` (NLM_F_CREATE alone) unless the line says add/append/replace; addresses with CREATE|EXCL', () => {
  const prepend = plan([routeItem({ route: { dst: '198.51.100.0/24' }, dev: 'eth0' }, 'route', 1)], 'add', indexOf).requests[0]!.request;
  assert.equal(prepend.type, RTM.NEWROUTE);
  assert.equal(prepend.flags, NlmF.CREATE);
  const add = plan([routeItem({ route: { dst: '198.51.100.0/24' }, verb: 'add' }, 'route', 1)], 'add', indexOf).requests[0]!.request;
  assert.equal(add.flags, NlmF.CREATE | NlmF.EXCL);
  const replace = plan([routeItem({ route: { dst: '198.51.100.0/24' }, verb: 'replace' }, 'route', 1)], 'add', indexOf).requests[0]!.request;
  assert.equal(replace.flags, NlmF.CREATE | NlmF.REPLACE);
  const addr = plan([addressItem({ address: '192.0.2.1' }, 'vip', 1, 'eth0')], 'add', indexOf).requests[0]!.request;
  assert.equal(addr.flags, NlmF.CREATE | NlmF.EXCL);
});

test('next hops named by interface get their index when the request is built; a missing one skips the route', () => {
  const entry = {
    route: { dst: '198.51.100.0/24', nexthops: [{ gateway: '192.0.2.1', weight: 2 }, { gateway: '192.0.2.2', oif: 9 }, { gateway: '192.0.2.3' }] },
    nexthopDevs: ['eth1', undefined, 'vrrp.51'],
  };
  const spec = routeSpec(routeItem(entry, 'route', 1), indexOf);
  assert.ok(typeof spec !== 'string');
  assert.deepEqual(spec.nexthops, [{ gateway: '192.0.2.1', weight: 2, oif: 3 }, { gateway: '192.0.2.2', oif: 9 }, { gateway: '192.0.2.3', oif: 7 }]);
  assert.equal(entry.route.nexthops[0]!.weight, 2, 'the entry itself is left alone');
  assert.equal((entry.route.nexthops[0] as { oif?: number }).oif, undefined);
  const missing = plan([routeItem({ ...entry, nexthopDevs: ['eth9'] }, 'route', 1)], 'add', indexOf);
  assert.deepEqual([missing.requests.length, missing.skipped.map((s) => s.reason)], [0, ['interface eth9 does not exist']]);
});

test('idempotence as keepalived: EEXIST on add and EADDRNOTAVAIL/ENODEV on address delete count as done; others fail', () => {
  const vip = addressItem({ address: '192.0.2.10' }, 'vip', 1, 'eth0');
  const route = routeItem({ route: { dst: '198.51.100.0/24' } }, 'route', 1);
  const rule = ruleItem({ rule: { family: 4, priority: 5 } }, 'rule', 1);
  assert.equal(classify(vip, 'add', { ok: true, replies: [] }).result, 'done');
  assert.deepEqual(classify(vip, 'add', { ok: false, error: err('EEXIST') }), { result: 'already', code: 'EEXIST' });
  assert.equal(classify(vip, 'delete', { ok: false, error: err('EADDRNOTAVAIL') }).result, 'already');
  assert.equal(classify(vip, 'delete', { ok: false, error: err('ENODEV') }).result, 'already');
  assert.equal(classify(vip, 'add', { ok: false, error: err('EPERM') }).result, 'failed');
  assert.equal(classify(route, 'add', { ok: false, error: err('EEXIST') }).result, 'already');
  assert.equal(classify(route, 'delete', { ok: false, error: err('ESRCH') }).result, 'already');
  assert.equal(classify(route, 'add', { ok: false, error: err('ENETUNREACH') }).result, 'failed');
  assert.equal(classify(rule, 'delete', { ok: false, error: err('ENOENT') }).result, 'already');
});

const address = (over: Partial<Address>): Address => ({
  family: 4, index: 2, address: '192.0.2.10', prefixLength: 32, peer: undefined, broadcast: undefined, label: undefined,
  scope: 0, flags: 0, preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined, ...over,
});

const route = (over: Partial<Route>): Route => ({
  family: 4, table: 254, dst: '198.51.100.0/24', src: undefined, tos: 0, protocol: 18, scope: 0, type: 'unicast', flags: 0,
  gateway: undefined, via: undefined, oif: 2, iif: undefined, prefsrc: undefined, metric: undefined, metrics: undefined,
  nexthops: undefined, realms: undefined, pref: undefined, expires: undefined, onlink: false, ...over,
});

const rule = (over: Partial<Rule>): Rule => ({
  family: 4, priority: 100, action: 'to_tbl', table: 100, src: '192.0.2.10/32', dst: undefined, tos: 0, not: false,
  fwmark: undefined, fwmask: undefined, iif: undefined, oif: undefined, goto: undefined, realms: undefined,
  suppressPrefixLength: undefined, suppressIfgroup: undefined, l3mdev: false, uidRange: undefined, protocol: 0,
  ipProto: undefined, sport: undefined, dport: undefined, tunnelId: undefined, flags: 0, ...over,
});

test('recognising our address, route and rule in a deletion notification', () => {
  const vip = addressItem({ address: '192.0.2.10', prefixLength: 24 }, 'vip', 1, 'eth0');
  assert.equal(addressMatches(vip, address({ prefixLength: 24 }), indexOf), true);
  assert.equal(addressMatches(vip, address({ index: 3 }), indexOf), false, 'same address on another interface');
  assert.equal(addressMatches(vip, address({ address: '192.0.2.11' }), indexOf), false);

  const r = routeItem({ route: { dst: '198.51.100.0/24' }, dev: 'eth0' }, 'route', 1);
  assert.equal(routeMatches(r, route({}), indexOf), true);
  assert.equal(routeMatches(r, route({ table: 100 }), indexOf), false);
  assert.equal(routeMatches(r, route({ metric: 20 }), indexOf), false);
  assert.equal(routeMatches(r, route({ oif: 3 }), indexOf), false);
  const v6 = routeItem({ route: { dst: '2001:db8:1::/48' } }, 'route', 1);
  assert.equal(routeMatches(v6, route({ family: 6, dst: '2001:db8:1::/48', metric: 1024 }), indexOf), true, "the kernel's default IPv6 metric");
  const dflt = routeItem({ route: { dst: 'default', family: 4, table: 100 } }, 'route', 1);
  assert.equal(routeMatches(dflt, route({ dst: '0.0.0.0/0', table: 100 }), indexOf), true);

  const ru = ruleItem({ rule: { family: 4, priority: 100, src: '192.0.2.10', table: 100 } }, 'rule', 1);
  assert.equal(ruleMatches(ru, rule({})), true);
  assert.equal(ruleMatches(ru, rule({ priority: 101 })), false);
  assert.equal(ruleMatches(ru, rule({ table: 254 })), false);
  assert.equal(ruleMatches(ru, rule({ src: undefined })), false);
});

test('the add plan is kept while the items and their interfaces\' indexes are the same, and made again otherwise', () => {
  const vip = addressItem({ address: '192.0.2.10' }, 'vip', 1, 'eth0');
  const route = routeItem({ route: { dst: '198.51.100.0/24', gateway: '192.0.2.1' }, dev: 'eth1' }, 'route', 1);
  const indexes: Record<string, number> = { eth0: 2, eth1: 3 };
  const lookup = (dev: string): number | undefined => indexes[dev];
  const cache = new AddPlanCache();
  const first = cache.plan([vip, route], lookup);
  assert.deepEqual(first, plan([vip, route], 'add', lookup));
  assert.equal(cache.plan([vip, route], lookup), first, 'prepared ahead, reused at the takeover');
  assert.notEqual(cache.plan([vip], lookup), first, 'other items');
  const again = cache.plan([vip, route], lookup);
  indexes.eth1 = 9; // the route's interface was re-created
  const replanned = cache.plan([vip, route], lookup);
  assert.notEqual(replanned, again);
  assert.deepEqual(replanned, plan([vip, route], 'add', lookup));
  delete indexes.eth0; // the VIP's interface is gone: skipped, as plan() says
  assert.equal(cache.plan([vip, route], lookup).skipped[0]?.item, vip);
});
