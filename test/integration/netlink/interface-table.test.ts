/**
 * Acceptance: the interface table sees changes made from outside with `ip` as events,
 * straight from the notification (no polling, no resync).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent } from './netns.js';

describe('interface table in a namespace', () => {
  let ns: TestNamespace;
  let agent: Agent;

  before(async () => {
    ns = TestNamespace.create('nltab');
    ns.ip('link', 'add', 'tab0', 'type', 'veth', 'peer', 'name', 'tab1');
    ns.ip('link', 'set', 'tab0', 'up');
    ns.ip('link', 'set', 'tab1', 'up');
    ns.ip('addr', 'add', '192.0.2.1/24', 'dev', 'tab0');
    agent = await ns.agent();
    await agent.call('table.start');
  });
  after(() => ns?.destroy());

  it('starts with the namespace as `ip` shows it', async () => {
    const { links, addresses } = await agent.call('table.get');
    const byName = new Map((links as { name: string; index: number; up: boolean; mac: string; mtu: number }[]).map((l) => [l.name, l]));
    const ipLinks = ns.ipJson<{ ifname: string; ifindex: number; address: string; mtu: number }[]>('link', 'show');
    assert.deepEqual([...byName.keys()].sort(), ipLinks.map((l) => l.ifname).sort());
    for (const l of ipLinks) {
      assert.equal(byName.get(l.ifname)!.index, l.ifindex);
      assert.equal(byName.get(l.ifname)!.mtu, l.mtu);
      if (l.ifname !== 'lo') assert.equal(byName.get(l.ifname)!.mac, l.address);
    }
    assert.equal(byName.get('tab0')!.up, true);
    assert.ok((addresses as { address: string; prefixLength: number }[]).some((a) => a.address === '192.0.2.1' && a.prefixLength === 24));
  });

  it('reports `ip link set down` as linkDown, from the first notification', async () => {
    const from = agent.events.length;
    ns.ip('link', 'set', 'tab0', 'down');
    const event = await agent.waitForEvent((e) => e.event === 'linkDown', 2000, from);
    assert.equal(event.args[0].name, 'tab0');
    assert.equal(event.args[0].adminUp, false);
    // The first thing the table reported after the change was this link changing.
    assert.equal(agent.events[from]!.args[0].name, 'tab0');
    const { links, stats } = await agent.call('table.get');
    assert.equal(links.find((l: { name: string }) => l.name === 'tab0').up, false);
    assert.equal(stats.resyncs, 1, 'only the initial read; no resync was needed');
  });

  it('reports `ip addr add` as addressAdded and `ip link set up` as linkUp', async () => {
    let from = agent.events.length;
    ns.ip('addr', 'add', '198.51.100.7/32', 'dev', 'tab1', 'label', 'tab1:x');
    const added = await agent.waitForEvent((e) => e.event === 'addressAdded', 2000, from);
    assert.deepEqual([added.args[0].address, added.args[0].label], ['198.51.100.7', 'tab1:x']);
    assert.equal(agent.events.length - from, 1, 'exactly one event for one address');
    from = agent.events.length;
    ns.ip('link', 'set', 'tab0', 'up');
    const up = await agent.waitForEvent((e) => e.event === 'linkUp', 2000, from);
    assert.equal(up.args[0].name, 'tab0');
  });

  it('reports a deleted link and its addresses', async () => {
    const from = agent.events.length;
    ns.ip('link', 'del', 'tab1');
    await agent.waitForEvent((e) => e.event === 'linkRemoved' && e.args[0].name === 'tab1', 2000, from);
    const { addresses } = await agent.call('table.get');
    assert.ok(!addresses.some((a: { address: string }) => a.address === '198.51.100.7'));
  });
});
