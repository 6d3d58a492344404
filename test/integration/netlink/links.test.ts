/**
 * Acceptance: a macvlan (keepalived's VMAC) with a given MAC is created and deleted;
 * link errors surface with their errno names.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent, type AgentCallError } from './netns.js';

interface IpLink { ifname: string; address: string; link?: string; operstate: string; flags: string[]; linkinfo?: { info_kind: string; info_data?: { mode?: string } } }

const hasCode = (code: string) => (err: unknown): boolean => (err as AgentCallError).code === code;

describe('links and VMAC macvlans', () => {
  let ns: TestNamespace;
  let agent: Agent;
  let parent: number;

  before(async () => {
    ns = TestNamespace.create('nllnk');
    ns.ip('link', 'add', 'base0', 'type', 'veth', 'peer', 'name', 'base1');
    agent = await ns.agent();
    parent = (await agent.rtnl<{ index: number }>('link', { name: 'base0' })).index;
  });
  after(() => ns?.destroy());

  it('sets a link up and down', async () => {
    await agent.rtnl('setLinkUp', { name: 'base0' }, true);
    assert.ok(ns.ipJson<IpLink[]>('link', 'show', 'base0')[0]!.flags.includes('UP'));
    await agent.rtnl('setLinkUp', { index: parent }, false);
    assert.ok(!ns.ipJson<IpLink[]>('link', 'show', 'base0')[0]!.flags.includes('UP'));
    await agent.rtnl('setLinkUp', { index: parent }, true);
  });

  it('creates a private macvlan with the VRRP virtual MAC, then deletes it', async () => {
    const created = await agent.rtnl<{ name: string; mac: string; kind: string; macvlanMode: string; parentIndex: number; index: number }>(
      'createMacvlan', { name: 'vrrp.51', parentIndex: parent, mac: '00:00:5e:00:01:33' });
    assert.deepEqual([created.name, created.mac, created.kind, created.macvlanMode, created.parentIndex], ['vrrp.51', '00:00:5e:00:01:33', 'macvlan', 'private', parent]);
    const [shown] = ns.ipJson<IpLink[]>('-d', 'link', 'show', 'vrrp.51');
    assert.equal(shown!.address, '00:00:5e:00:01:33');
    assert.equal(shown!.link, 'base0');
    assert.equal(shown!.linkinfo?.info_kind, 'macvlan');
    assert.equal(shown!.linkinfo?.info_data?.mode, 'private');
    // As keepalived does for VMACs: no EUI-64 link-local address, then up.
    await agent.rtnl('setAddrGenMode', created.index, 'none');
    await agent.rtnl('setLinkUp', { index: created.index }, true);
    const inet6 = ns.ipJson<{ addr_info: { family: string }[] }[]>('addr', 'show', 'dev', 'vrrp.51')[0]!.addr_info.filter((a) => a.family === 'inet6');
    assert.deepEqual(inet6, []);
    await assert.rejects(agent.rtnl('createMacvlan', { name: 'vrrp.51', parentIndex: parent, mac: '00:00:5e:00:01:33' }), hasCode('EEXIST'));
    await agent.rtnl('deleteLink', { name: 'vrrp.51' });
    assert.throws(() => ns.ip('link', 'show', 'vrrp.51'), /does not exist/);
  });

  it('creates the other macvlan modes too', async () => {
    for (const mode of ['bridge', 'vepa', 'passthru']) {
      await agent.rtnl('createMacvlan', { name: `mv-${mode}`, parentIndex: parent, mac: '02:11:22:33:44:55', mode });
      assert.equal(ns.ipJson<IpLink[]>('-d', 'link', 'show', `mv-${mode}`)[0]!.linkinfo?.info_data?.mode, mode);
      await agent.rtnl('deleteLink', { name: `mv-${mode}` });
    }
  });

  it('surfaces missing interfaces as ENODEV', async () => {
    await assert.rejects(agent.rtnl('link', { name: 'nosuch0' }), hasCode('ENODEV'));
    await assert.rejects(agent.rtnl('deleteLink', { name: 'nosuch0' }), hasCode('ENODEV'));
    await assert.rejects(agent.rtnl('setLinkUp', { index: 99999 }, true), hasCode('ENODEV'));
    await assert.rejects(agent.rtnl('createMacvlan', { name: 'orphan0', parentIndex: 99999, mac: '02:00:00:00:00:09' }), hasCode('ENODEV'));
  });
});
