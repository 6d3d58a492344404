/**
 * Acceptance: 255 IPv4 and 255 IPv6 addresses added and removed in one batch each,
 * inside a throwaway namespace, verified with `ip -j addr`.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent } from './netns.js';

interface IpAddr { ifname: string; addr_info: { family: string; local: string; prefixlen: number; label?: string }[] }

describe('255 + 255 VIPs in one netlink batch', () => {
  let ns: TestNamespace;
  let agent: Agent;
  let index: number;

  before(async () => {
    ns = TestNamespace.create('nlvip');
    ns.ip('link', 'add', 'vip0', 'type', 'veth', 'peer', 'name', 'vip1');
    ns.ip('link', 'set', 'vip0', 'up');
    ns.ip('link', 'set', 'vip1', 'up');
    agent = await ns.agent();
    index = (await agent.rtnl<{ index: number }>('link', { name: 'vip0' })).index;
  });
  after(() => ns?.destroy());

  const specs = () => [
    ...Array.from({ length: 255 }, (_, i) => ({ index, address: `10.77.${i >> 4}.${(i & 15) + 1}`, prefixLength: 32, label: 'vip0:v' })),
    ...Array.from({ length: 255 }, (_, i) => ({ index, address: `2001:db8:77::${(i + 1).toString(16)}`, prefixLength: 128, nodad: true })),
  ];
  const ours = () => ns.ipJson<IpAddr[]>('addr', 'show', 'dev', 'vip0')[0]!.addr_info
    .filter((a) => a.local.startsWith('10.77.') || a.local.startsWith('2001:db8:77:'));

  it('adds all 510 with one sendmsg and the kernel has every one', async () => {
    const before = await agent.call<{ sendCalls: number }>('rtnl.stats');
    const outcomes = await agent.rtnl<{ ok: boolean; error?: { code: string } }[]>('addAddresses', specs());
    const after = await agent.call<{ sendCalls: number }>('rtnl.stats');
    assert.equal(outcomes.length, 510);
    assert.deepEqual(outcomes.filter((o) => !o.ok), []);
    assert.equal(after.sendCalls - before.sendCalls, 1, 'one sendmsg for the whole batch');
    const present = ours();
    assert.equal(present.filter((a) => a.family === 'inet').length, 255);
    assert.equal(present.filter((a) => a.family === 'inet6').length, 255);
    assert.ok(present.filter((a) => a.family === 'inet').every((a) => a.prefixlen === 32 && a.label === 'vip0:v'));
    assert.ok(present.some((a) => a.local === '2001:db8:77::ff'));
  });

  it('reports each duplicate on its own when the batch is sent again', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean; error?: { code: string } }[]>('addAddresses', specs().slice(250, 260));
    assert.deepEqual(outcomes.map((o) => o.error?.code), Array(10).fill('EEXIST'));
  });

  it('removes all 510 in one batch', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean }[]>('deleteAddresses', specs());
    assert.equal(outcomes.filter((o) => o.ok).length, 510);
    assert.deepEqual(ours(), []);
  });
});
