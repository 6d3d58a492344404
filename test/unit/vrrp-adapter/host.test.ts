/**
 * The planner's view of the host: keepalived's choice of source address from the live
 * interface table (first primary IPv4 address; IPv6 link-local, not while DAD runs), and the
 * system environment's own answers on this machine (loopback only, nothing touched).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IFA_F, RT_SCOPE, type Address } from '../../../src/net/netlink/index.js';
import { interfaceTableFacts, systemPlanEnvironment } from '../../../src/vrrp/adapter/index.js';

function addr(index: number, address: string, extra: Partial<Address> = {}): Address {
  const family = address.includes(':') ? 6 : 4;
  return {
    family, index, address, prefixLength: family === 4 ? 24 : 64, peer: undefined, broadcast: undefined, label: undefined,
    scope: RT_SCOPE.universe, flags: 0, preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined, ...extra,
  };
}

test('interfaceTableFacts: the first primary IPv4 address and a usable IPv6 link-local address', () => {
  const addresses = [
    addr(2, '192.0.2.9', { flags: IFA_F.SECONDARY }),
    addr(2, '192.0.2.1'),
    addr(2, '192.0.2.2'),
    addr(2, '2001:db8::1'),
    addr(2, 'fe80::a', { scope: RT_SCOPE.link, flags: IFA_F.TENTATIVE }),
    addr(2, 'fe80::b', { scope: RT_SCOPE.link }),
    addr(3, '198.51.100.1'),
  ];
  const facts = interfaceTableFacts({
    indexOf: (name) => ({ eth0: 2, eth1: 3, eth2: 4 } as Record<string, number>)[name],
    addresses: (filter = {}) => addresses.filter((a) => (filter.index === undefined || a.index === filter.index) && (filter.family === undefined || a.family === filter.family)),
  }, (name) => (name === 'blue' ? 1001 : undefined));
  assert.deepEqual([facts.primaryAddress('eth0', 4), facts.primaryAddress('eth0', 6), facts.primaryAddress('eth1', 4)], ['192.0.2.1', 'fe80::b', '198.51.100.1']);
  assert.deepEqual([facts.primaryAddress('eth1', 6), facts.primaryAddress('eth2', 4), facts.primaryAddress('nope', 4)], [undefined, undefined, undefined]);
  assert.deepEqual([facts.exists('eth2'), facts.exists('nope'), facts.vrfTable('blue'), facts.vrfTable('eth0')], [true, false, 1001, undefined]);
});

test('systemPlanEnvironment answers from this machine: lo exists and is not a VRF, names come from the real files', () => {
  const env = systemPlanEnvironment({ checkerRunning: true });
  assert.equal(env.checkerRunning, true);
  assert.equal(env.interfaces.exists('lo'), true);
  assert.equal(env.interfaces.exists('no-such-if0'), false);
  assert.equal(env.interfaces.exists('../etc'), false, 'not a path');
  assert.equal(env.interfaces.primaryAddress('lo', 4), '127.0.0.1');
  assert.equal(env.interfaces.vrfTable('lo'), undefined);
  assert.equal(env.accounts.user('root')?.uid, 0);
  assert.equal(env.files.readFile('/nonexistent/rt_tables'), undefined);
  assert.equal(env.files.readFile('/'), undefined, 'a directory is not a file');
  assert.ok(env.files.listDirectory('/etc')?.includes('passwd'));
});
