/**
 * Acceptance: kernel refusals surface as errors with the errno name, the request that
 * failed and the kernel's own explanation; the socket keeps working afterwards.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent, type AgentCallError } from './netns.js';

async function failure(p: Promise<unknown>): Promise<AgentCallError> {
  try {
    await p;
  } catch (err) {
    return err as AgentCallError;
  }
  assert.fail('expected the call to fail');
}

describe('netlink errors', () => {
  let ns: TestNamespace;
  let agent: Agent;
  let index: number;

  before(async () => {
    ns = TestNamespace.create('nlerr');
    ns.ip('link', 'add', 'err0', 'type', 'veth', 'peer', 'name', 'err1');
    ns.ip('link', 'set', 'err0', 'up');
    agent = await ns.agent();
    index = (await agent.rtnl<{ index: number }>('link', { name: 'err0' })).index;
  });
  after(() => ns?.destroy());

  it('deleting a missing address: EADDRNOTAVAIL', async () => {
    const err = await failure(agent.rtnl('deleteAddress', { index, address: '192.0.2.99', prefixLength: 24 }));
    assert.equal(err.code, 'EADDRNOTAVAIL');
    assert.equal(err.detail.errno, 99);
    assert.equal(err.detail.request?.typeName, 'RTM_DELADDR');
    assert.match(err.message, /RTM_DELADDR 192\.0\.2\.99\/24 ifindex \d+: EADDRNOTAVAIL \(Cannot assign requested address\)/);
  });

  it('an address on a missing interface: ENODEV', async () => {
    assert.equal((await failure(agent.rtnl('addAddress', { index: 99999, address: '192.0.2.5' }))).code, 'ENODEV');
    assert.equal((await failure(agent.rtnl('addAddress', { index: 99999, address: '2001:db8::5' }))).code, 'ENODEV');
  });

  it('a duplicate address: EEXIST with the kernel explanation', async () => {
    await agent.rtnl('addAddress', { index, address: '192.0.2.5', prefixLength: 24 });
    const err = await failure(agent.rtnl('addAddress', { index, address: '192.0.2.5', prefixLength: 24 }));
    assert.equal(err.code, 'EEXIST');
    assert.match(err.detail.extack?.message ?? '', /already assigned/);
  });

  it('a route through an unreachable gateway: the errno and the kernel text', async () => {
    const err = await failure(agent.rtnl('addRoute', { dst: '198.18.0.0/24', gateway: '203.0.113.200', oif: index }));
    assert.equal(err.code, 'ENETUNREACH');
    assert.match(err.message, /kernel says: Nexthop has invalid gateway/);
  });

  it('a bad spec is refused before sending, with the field named', async () => {
    const err = await failure(agent.rtnl('addAddress', { index, address: '192.0.2.300' }));
    assert.equal(err.code, 'ERR_NETLINK_ENCODE');
    assert.match(err.message, /192\.0\.2\.300/);
  });

  it('still works after all that', async () => {
    await agent.rtnl('deleteAddress', { index, address: '192.0.2.5', prefixLength: 24 });
    const stats = await agent.call<{ dropped: Record<string, number> }>('rtnl.stats');
    assert.deepEqual(stats.dropped, { garbled: 0, unmatched: 0, unsolicited: 0, 'bad-terminator': 0 });
  });
});
