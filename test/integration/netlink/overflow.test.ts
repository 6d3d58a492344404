/**
 * The two overflow cases of reference/node-sockets.md, on the real kernel:
 * - a request socket with the kernel's default receive buffer, which holds only about
 *   256 ACKs, still gets every ACK of a 1000-request batch (the engine chunks it);
 * - a monitor socket whose queue overflows during an event storm (ENOBUFS, which
 *   libuv reports as POLLERR) recovers: the interface table re-reads the namespace
 *   and ends up equal to what `ip` shows, and says so with a 'resync' event.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { TestNamespace, type Agent } from './netns.js';

describe('receive-queue overflows', () => {
  let ns: TestNamespace;
  let agent: Agent;
  let index: number;

  before(async () => {
    ns = TestNamespace.create('nlovf');
    ns.ip('link', 'add', 'ovf0', 'type', 'veth', 'peer', 'name', 'ovf1');
    ns.ip('link', 'set', 'ovf0', 'up');
    agent = await ns.agent();
    index = (await agent.rtnl<{ index: number }>('link', { name: 'ovf0' })).index;
  });
  after(() => ns?.destroy());

  it('gets all 1000 ACKs through a default-sized request socket', async () => {
    // 106496 requested = 212992 granted: the kernel default (net.core.rmem_default).
    const { ackWindow } = await agent.call('rtnl.reopen', { args: [{ receiveBufferBytes: 106496 }] });
    assert.ok(ackWindow < 256, `window ${ackWindow}`);
    const specs = Array.from({ length: 1000 }, (_, i) => ({ index, address: `10.88.${i >> 8}.${i & 255}` }));
    const added = await agent.rtnl<{ ok: boolean }[]>('addAddresses', specs);
    assert.equal(added.filter((o) => o.ok).length, 1000);
    const stats = await agent.call('rtnl.stats');
    assert.ok(stats.sendCalls >= 1000 / ackWindow, `${stats.sendCalls} sendmsg calls`);
    assert.equal(stats.overruns, 0, 'no ACK was lost');
    const deleted = await agent.rtnl<{ ok: boolean }[]>('deleteAddresses', specs);
    assert.equal(deleted.filter((o) => o.ok).length, 1000);
  });

  it('recovers the interface table after its monitor socket overflowed', async () => {
    await agent.call('table.start', { args: [{ receiveBufferBytes: 8192 }] });
    const from = agent.events.length;
    // Freeze the agent, then make 2000 changes it cannot read in time.
    const blocked = agent.call('block', { args: [1500] });
    const lines = Array.from({ length: 1000 }, (_, i) => `addr add 10.99.${i >> 8}.${i & 255}/32 dev ovf0`);
    lines.push(...Array.from({ length: 500 }, (_, i) => `addr del 10.99.${i >> 8}.${i & 255}/32 dev ovf0`));
    execFileSync('ip', ['-n', ns.name, '-batch', '-'], { input: lines.join('\n') + '\n' });
    ns.ip('link', 'set', 'ovf1', 'mtu', '1400');
    await blocked;
    const resync = await agent.waitForEvent((e) => e.event === 'resync', 5000, from);
    assert.equal(resync.args[0].reason, 'overrun');
    const { addresses, links } = await agent.call('table.get');
    const ipAddrs = ns.ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>('addr', 'show', 'dev', 'ovf0')[0]!.addr_info
      .map((a) => `${a.local}/${a.prefixlen}`).sort();
    const tableAddrs = (addresses as { index: number; address: string; prefixLength: number }[])
      .filter((a) => a.index === index).map((a) => `${a.address}/${a.prefixLength}`).sort();
    assert.equal(tableAddrs.length, ipAddrs.length);
    assert.deepEqual(tableAddrs, ipAddrs);
    assert.equal(links.find((l: { name: string }) => l.name === 'ovf1').mtu, 1400);
  });
});
