/**
 * The interface table against a scripted kernel: the initial read, events for real
 * changes only, and the resync after lost notifications (mark and sweep, no phantom
 * link bounces).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { NlmF } from '../../../src/net/netlink/constants.js';
import { InterfaceTable } from '../../../src/net/netlink/interface-table.js';
import { encodeDoneMessage, encodeMessage, type NetlinkMessage } from '../../../src/net/netlink/message.js';
import { NetlinkMonitor } from '../../../src/net/netlink/monitor.js';
import { addressBody } from '../../../src/net/netlink/rtnl/address.js';
import { AF_INET, IFF, RTM } from '../../../src/net/netlink/rtnl/constants.js';
import { linkBody } from '../../../src/net/netlink/rtnl/link.js';
import { FakeKernel, FakeTimers, tick } from './fake-kernel.js';

interface FakeLink { index: number; name: string; up: boolean; mtu?: number }
interface FakeAddr { index: number; address: string; prefixLength: number }

const RUNNING_UP = IFF.UP | IFF.RUNNING | IFF.LOWER_UP;

function linkMsg(l: FakeLink, type: number = RTM.NEWLINK, seq = 0, pid = 0, flags = 0): Buffer {
  return encodeMessage({
    type, flags, seq, pid,
    payload: linkBody.encode({ family: 0, type: 1, index: l.index, flags: l.up ? RUNNING_UP : 0 }, { name: l.name, mtu: l.mtu ?? 1500, address: '02:00:00:00:00:0' + l.index }),
  });
}

function addrMsg(a: FakeAddr, type: number = RTM.NEWADDR, seq = 0, pid = 0, flags = 0): Buffer {
  return encodeMessage({
    type, flags, seq, pid,
    payload: addressBody.encode({ family: AF_INET, prefixLength: a.prefixLength, index: a.index }, { address: a.address, local: a.address }),
  });
}

/** A kernel holding links and addresses, answering dumps on the monitor socket. */
function fakeRtnl(state: { links: FakeLink[]; addrs: FakeAddr[] }) {
  const kernel = new FakeKernel({ portId: 99 });
  /** Notifications to slip into the next dump, between its first and second entry. */
  const interleave: Buffer[] = [];
  kernel.respond = (m: NetlinkMessage) => {
    const entries = m.type === RTM.GETLINK
      ? state.links.map((l) => linkMsg(l, RTM.NEWLINK, m.seq, 99, NlmF.MULTI))
      : state.addrs.map((a) => addrMsg(a, RTM.NEWADDR, m.seq, 99, NlmF.MULTI));
    const out = [...entries.slice(0, 1), ...interleave.splice(0), ...entries.slice(1)];
    return [...out, encodeDoneMessage(m.seq, 0, 99)];
  };
  return kernel;
}

async function started(kernel: FakeKernel) {
  const table = new InterfaceTable(new NetlinkMonitor(kernel, { timers: new FakeTimers() }), { timers: new FakeTimers() });
  const events: string[] = [];
  for (const name of ['linkAdded', 'linkRemoved', 'linkUp', 'linkDown', 'addressAdded', 'addressRemoved', 'resync'] as const) {
    table.on(name, (x: { name?: string; address?: string; reason?: string }) => events.push(`${name} ${x.name ?? x.address ?? x.reason}`));
  }
  table.on('linkChanged', (l) => events.push(`linkChanged ${l.name}`));
  const ready = table.start();
  for (let i = 0; i < 4; i++) { await tick(); kernel.deliver(); }
  await ready;
  return { table, events };
}

const notify = (kernel: FakeKernel, datagram: Buffer): void => kernel.handlers!.datagram(datagram);

describe('interface table', () => {
  it('reads every link and address at start, silently', async () => {
    const kernel = fakeRtnl({
      links: [{ index: 1, name: 'lo', up: true }, { index: 2, name: 'eth0', up: true, mtu: 9000 }],
      addrs: [{ index: 2, address: '192.0.2.1', prefixLength: 24 }],
    });
    const { table, events } = await started(kernel);
    assert.deepEqual(events, []);
    assert.equal(table.linkByName('eth0')?.mtu, 9000);
    assert.equal(table.indexOf('lo'), 1);
    assert.equal(table.link(2)?.mac, '02:00:00:00:00:02');
    assert.equal(table.link(2)?.running, true);
    assert.ok(table.hasAddress('192.0.2.1', 2));
    assert.deepEqual(table.addresses({ index: 2 }).map((a) => `${a.address}/${a.prefixLength}`), ['192.0.2.1/24']);
  });

  it('turns notifications into typed events, one per real change', async () => {
    const kernel = fakeRtnl({ links: [{ index: 2, name: 'eth0', up: true }], addrs: [] });
    const { table, events } = await started(kernel);
    notify(kernel, linkMsg({ index: 2, name: 'eth0', up: false }));
    notify(kernel, linkMsg({ index: 2, name: 'eth0', up: false })); // the same again: no event
    notify(kernel, addrMsg({ index: 2, address: '192.0.2.9', prefixLength: 32 }));
    notify(kernel, linkMsg({ index: 3, name: 'vrrp.51', up: true }));
    notify(kernel, linkMsg({ index: 2, name: 'wan0', up: true }));
    notify(kernel, linkMsg({ index: 3, name: 'vrrp.51', up: true }, RTM.DELLINK));
    assert.deepEqual(events, [
      'linkChanged eth0', 'linkDown eth0', 'addressAdded 192.0.2.9', 'linkAdded vrrp.51',
      'linkChanged wan0', 'linkUp wan0', 'linkRemoved vrrp.51',
    ]);
    assert.equal(table.linkByName('eth0'), undefined);
    assert.equal(table.indexOf('wan0'), 2);
  });

  it('removes the addresses of a deleted link with it', async () => {
    const kernel = fakeRtnl({ links: [{ index: 4, name: 'veth9', up: true }], addrs: [{ index: 4, address: '198.51.100.1', prefixLength: 24 }] });
    const { table, events } = await started(kernel);
    notify(kernel, linkMsg({ index: 4, name: 'veth9', up: true }, RTM.DELLINK));
    assert.deepEqual(events, ['addressRemoved 198.51.100.1', 'linkRemoved veth9']);
    assert.deepEqual(table.addresses(), []);
  });

  it('after an overrun, re-reads on the same socket and reports only what changed', async () => {
    const state = {
      links: [{ index: 1, name: 'lo', up: true }, { index: 2, name: 'eth0', up: true }, { index: 5, name: 'gone0', up: true }],
      addrs: [{ index: 2, address: '192.0.2.1', prefixLength: 24 }, { index: 2, address: '192.0.2.2', prefixLength: 24 }],
    };
    const kernel = fakeRtnl(state);
    const { table, events } = await started(kernel);
    // While notifications were being lost: gone0 was deleted, 192.0.2.2 removed, 192.0.2.3 added.
    state.links = state.links.filter((l) => l.index !== 5);
    state.addrs = [{ index: 2, address: '192.0.2.1', prefixLength: 24 }, { index: 2, address: '192.0.2.3', prefixLength: 24 }];
    kernel.handlers!.overrun();
    for (let i = 0; i < 6; i++) { await tick(); kernel.deliver(); }
    // Additions show up as the dump meets them, removals when it ends (the sweep).
    assert.deepEqual(events, ['linkRemoved gone0', 'addressAdded 192.0.2.3', 'addressRemoved 192.0.2.2', 'resync overrun']);
    assert.deepEqual(table.links().map((l) => l.name), ['lo', 'eth0']);
  });

  it('applies dump entries and notifications in arrival order, so the newest state wins', async () => {
    const state = { links: [{ index: 1, name: 'lo', up: true }, { index: 2, name: 'eth0', up: true }], addrs: [] as FakeAddr[] };
    const kernel = fakeRtnl(state);
    const { table, events } = await started(kernel);
    // The re-read snapshots eth0 while it is down; right after, it comes back up and
    // the kernel queues that notification behind the dump entry. Read in order, the
    // table ends up "up"; had the dump run on another socket, its stale "down" could
    // have landed last and left VRRP believing in a fault.
    state.links[1] = { index: 2, name: 'eth0', up: false };
    kernel.handlers!.overrun();
    await tick();
    kernel.queued.push(linkMsg({ index: 2, name: 'eth0', up: true }));
    for (let i = 0; i < 6; i++) { await tick(); kernel.deliver(); }
    assert.equal(table.linkByName('eth0')?.up, true);
    assert.deepEqual(events, ['linkChanged eth0', 'linkDown eth0', 'linkChanged eth0', 'linkUp eth0', 'resync overrun']);
  });

  it('counts garbled notifications and keeps going', async () => {
    const kernel = fakeRtnl({ links: [{ index: 1, name: 'lo', up: true }], addrs: [] });
    const { table } = await started(kernel);
    const dropped: string[] = [];
    table.on('dropped', (reason) => dropped.push(reason));
    const good = linkMsg({ index: 7, name: 'x7', up: true });
    const bad = Buffer.from(good);
    bad.writeUInt16LE(200, 32); // the first attribute now claims more bytes than exist
    notify(kernel, bad);
    notify(kernel, good);
    assert.deepEqual(dropped, ['garbled']);
    assert.equal(table.linkByName('x7')?.index, 7);
    assert.equal(table.stats.dropped, 1);
  });
});
