/**
 * Rtnl and GenericNetlink over a scripted kernel that answers with captured messages.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { NetlinkEncodeError, NetlinkError } from '../../../src/net/netlink/errors.js';
import { decodeMessages, type NetlinkMessage } from '../../../src/net/netlink/message.js';
import { RequestEngine } from '../../../src/net/netlink/request-engine.js';
import { Rtnl } from '../../../src/net/netlink/rtnl/client.js';
import { GenericNetlink } from '../../../src/net/netlink/genl/client.js';
import { RTM } from '../../../src/net/netlink/rtnl/constants.js';
import { FakeKernel, FakeTimers, ack, hex, tick } from './fake-kernel.js';
import { kernelVectors } from './vectors/kernel-vectors.js';

/** A captured message re-addressed to the request being answered. */
function readdress(captured: string, to: NetlinkMessage, pid: number): Buffer {
  const buf = hex(captured);
  buf.writeUInt32LE(to.seq, 8);
  buf.writeUInt32LE(pid, 12);
  return buf;
}

/** Lets the kernel answer, then returns (or throws) what `p` settled with. */
async function settle<T>(kernel: FakeKernel, p: Promise<T>): Promise<T> {
  const outcome = p.then((value) => ({ value }), (error: unknown) => ({ error }));
  for (let i = 0; i < 5; i++) { await tick(); kernel.deliver(); }
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}

describe('Rtnl client', () => {
  it('reports one outcome per item of a batch, encode errors included, in order', async () => {
    const kernel = new FakeKernel();
    kernel.respond = (m) => [ack(m, m.seq === 2 ? 17 : 0, kernel.portId)];
    const rtnl = new Rtnl(new RequestEngine(kernel, { timers: new FakeTimers() }));
    const outcomes = await settle(kernel, rtnl.addAddresses([
      { index: 2, address: '192.0.2.1' },
      { index: 2, address: 'not-an-address' },
      { index: 2, address: '192.0.2.2' },
      { index: 2, address: '192.0.2.3' },
    ]));
    assert.equal(kernel.sendCalls.length, 1);
    assert.equal(kernel.sentMessages.length, 3);
    assert.deepEqual(outcomes.map((o) => (o.ok ? 'ok' : o.error.code)), ['ok', 'ERR_NETLINK_ENCODE', 'EEXIST', 'ok']);
    assert.ok(!outcomes[1]!.ok && outcomes[1]!.error instanceof NetlinkEncodeError);
    assert.equal(outcomes[2]!.item.address, '192.0.2.2');
  });

  it('decodes dumps into domain objects', async () => {
    const kernel = new FakeKernel();
    kernel.respond = (m) => kernelVectors.linkDump.map((h) => readdress(h, m, kernel.portId));
    const rtnl = new Rtnl(new RequestEngine(kernel, { timers: new FakeTimers() }));
    const links = await settle(kernel, rtnl.links());
    assert.deepEqual(links.map((l) => l.name), ['lo', 'peer0', 'dummy0', 'vmac1']);
    assert.equal(kernel.sentMessages[0]!.type, RTM.GETLINK);
  });

  it('surfaces a missing interface as ENODEV', async () => {
    const kernel = new FakeKernel();
    kernel.respond = (m) => [ack(m, 19, kernel.portId)];
    const rtnl = new Rtnl(new RequestEngine(kernel, { timers: new FakeTimers() }));
    await assert.rejects(settle(kernel, rtnl.link({ name: 'nosuch0' })), (err: unknown) => err instanceof NetlinkError && err.code === 'ENODEV');
  });
});

describe('GenericNetlink', () => {
  it('resolves a family from the controller and caches it', async () => {
    const kernel = new FakeKernel();
    kernel.respond = (m) => kernelVectors.genlNlctrl.map((h) => readdress(h, m, kernel.portId));
    const genl = new GenericNetlink(new RequestEngine(kernel, { timers: new FakeTimers() }));
    const family = await settle(kernel, genl.resolveFamily('nlctrl'));
    assert.equal(family.id, 16);
    assert.equal(family.name, 'nlctrl');
    assert.equal(await genl.resolveFamily('nlctrl'), family);
    assert.equal(kernel.sentMessages.length, 1);
  });

  it('rejects an unknown family with ENOENT and does not cache the failure', async () => {
    const kernel = new FakeKernel();
    kernel.respond = (m) => kernelVectors.genlMissing.map((h) => readdress(h, m, kernel.portId));
    const genl = new GenericNetlink(new RequestEngine(kernel, { timers: new FakeTimers() }));
    await assert.rejects(settle(kernel, genl.resolveFamily('IPVS')), (err: unknown) => err instanceof NetlinkError && err.code === 'ENOENT');
    await assert.rejects(settle(kernel, genl.resolveFamily('IPVS')), /ENOENT/);
    assert.equal(kernel.sentMessages.length, 2);
    assert.equal(decodeMessages(hex(kernelVectors.genlMissing[0])).length, 1);
  });
});
