/**
 * Acceptance: generic netlink family resolution on this kernel, and ENOENT for a
 * family that is not registered.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent, type AgentCallError } from './netns.js';

describe('generic netlink families', () => {
  let ns: TestNamespace;
  let agent: Agent;

  before(async () => {
    ns = TestNamespace.create('nlgen');
    agent = await ns.agent();
  });
  after(() => ns?.destroy());

  it('resolves the controller itself', async () => {
    const f = await agent.call('genl.resolve', { args: ['nlctrl'] });
    assert.equal(f.id, 16);
    assert.equal(f.name, 'nlctrl');
    assert.equal(f.multicastGroups.notify, 16);
  });

  it('resolves every family the kernel lists, to the id the dump gave', async () => {
    const names: string[] = await agent.call('genl.families');
    assert.ok(names.includes('nlctrl'));
    for (const name of names.filter((n) => ['ethtool', 'devlink', 'netdev', 'NLBL_MGMT'].includes(n))) {
      const f = await agent.call('genl.resolve', { args: [name] });
      assert.equal(f.name, name);
      assert.ok(f.id > 16 && f.id < 0xffff);
    }
  });

  it('a missing family is ENOENT', async () => {
    await assert.rejects(agent.call('genl.resolve', { args: ['no_such_fam'] }), (err: unknown) => (err as AgentCallError).code === 'ENOENT');
  });
});
