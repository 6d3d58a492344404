/**
 * The VRRP runtime with an in-memory socket factory and a hand-stepped clock: socket
 * sharing, start and stop, the transmit path, empty unicast peer lists, and binding failures
 * that are FAULTs which heal by themselves.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import { masterDownIntervalMs } from '../../../src/vrrp/index.js';
import {
  VridConflictError, VrrpRuntime, staticDirectory, systemClock, type InstanceSpec, type InterfaceDirectory, type RuntimeEvent,
} from '../../../src/vrrp/io/index.js';
import { ETH0, FakeClock, FakeFactory, spec } from './fakes.js';

const MDI_100 = masterDownIntervalMs(3, 100, 1000); // 3609.375 ms

const LINKS = {
  eth0: { index: 2, inet: '192.0.2.1', inet6: 'fe80::1' },
  eth1: { index: 3, inet: '198.51.100.1' },
  'vrrp.5': { index: 9, inet6: 'fe80::5:1' },
};

function setup(instances: InstanceSpec[], options: { directory?: InterfaceDirectory; syncGroups?: { name: string; members: string[] }[] } = {}) {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock);
  const events: RuntimeEvent[] = [];
  const log = new RecordingLog();
  const runtime = new VrrpRuntime({
    instances, clock, socketFactory: factory, log, onEvent: (e) => events.push(e),
    directory: options.directory ?? staticDirectory(LINKS),
    ...(options.syncGroups ? { syncGroups: options.syncGroups } : {}),
  });
  const states = (name: string): string[] => events.filter((e) => e.type === 'transition' && e.instance === name).map((e) => (e as { to: string }).to);
  return { clock, factory, events, log, runtime, states };
}

describe('VrrpRuntime: one instance on the wire', () => {
  it('goes BACKUP, then MASTER after Master_Down_Interval, and advertises every interval to the group', () => {
    const { clock, factory, runtime, states } = setup([spec({ name: 'VI_1', vrid: 1 })]);
    runtime.start();
    assert.deepEqual(states('VI_1'), ['BACKUP']);
    clock.advance(MDI_100 - 1);
    assert.equal(factory.sent.length, 0);
    clock.advance(1);
    assert.deepEqual(states('VI_1'), ['BACKUP', 'MASTER']);
    clock.advance(3000);
    assert.deepEqual(factory.sent.map((s) => [s.at - factory.sent[0]!.at, s.destination, s.options.dontRoute]), [
      [0, '224.0.0.18', true], [1000, '224.0.0.18', true], [2000, '224.0.0.18', true], [3000, '224.0.0.18', true],
    ]);
    assert.deepEqual(factory.priorities(), [100, 100, 100, 100]);
    // The source is the interface's primary address (no mcast_src_ip given).
    assert.equal(factory.sent[0]!.bytes.subarray(12, 16).join('.'), '192.0.2.1');
    const s = runtime.status().instances[0]!;
    assert.equal(s.source, '192.0.2.1');
    assert.deepEqual(s.link, { name: 'eth0', index: 2 });
    assert.equal(s.socket, ETH0);
    assert.equal(s.stats.advert_sent, 4);
    assert.equal(s.sends.datagrams, 4);
  });

  it('stop: a MASTER sends priority 0, then its sockets close and its timers are gone', () => {
    const { clock, factory, runtime, states } = setup([spec({ name: 'VI_1', vrid: 1 })]);
    runtime.start();
    clock.advance(MDI_100 + 500);
    runtime.stop();
    assert.deepEqual(factory.priorities(), [100, 0]);
    assert.deepEqual(states('VI_1'), ['BACKUP', 'MASTER', 'STOP']);
    assert.equal(factory.receivers.get(ETH0)?.closed, true);
    assert.equal(clock.pending, 0);
    assert.deepEqual(runtime.status().sockets, []);
  });

  it('IPv6: the link-local source and the interface go in IPV6_PKTINFO; unicast_ttl becomes the hop limit', () => {
    const { clock, factory, runtime } = setup([
      spec({ name: 'M6', vrid: 6, family: 'inet6', addresses: ['2001:db8::6'] }),
      spec({ name: 'U6', vrid: 7, family: 'inet6', addresses: ['2001:db8::7'], unicast: true, unicastPeers: [{ address: '2001:db8::2' }] },
        { interface: 'eth0', sourceAddress: '2001:db8::1', unicastTtl: 5 }),
    ]);
    runtime.start();
    clock.advance(MDI_100);
    const m6 = factory.sent.find((s) => s.socket.startsWith('inet6/vrrp/eth0#2/group'))!;
    assert.deepEqual([m6.destination, m6.options], ['ff02::12', { dontRoute: true, source: 'fe80::1' }]);
    const u6 = factory.sent.find((s) => s.socket === 'inet6/vrrp/eth0#2/unicast 2001:db8::1')!;
    assert.deepEqual([u6.destination, u6.options], ['2001:db8::2', { dontRoute: false, source: '2001:db8::1', hopLimit: 5 }]);
  });

  it('IPv4 unicast: one datagram per peer, unicast_ttl in the header, routed normally', () => {
    const { clock, factory, runtime } = setup([spec({ name: 'U', vrid: 3, unicast: true, unicastPeers: [{ address: '192.0.2.2' }, { address: '192.0.2.3' }] },
      { interface: 'eth0', unicastTtl: 9 })]);
    runtime.start();
    clock.advance(MDI_100);
    assert.deepEqual(factory.sent.map((s) => [s.socket, s.destination, s.bytes[8], s.options.dontRoute]), [
      ['inet/vrrp/eth0#2/unicast 192.0.2.1', '192.0.2.2', 9, false],
      ['inet/vrrp/eth0#2/unicast 192.0.2.1', '192.0.2.3', 9, false],
    ]);
  });
});

describe('VrrpRuntime: the socket pool', () => {
  it('shares one socket per family, protocol, interface and group or unicast source', () => {
    const { factory, runtime } = setup([
      spec({ name: 'A', vrid: 1 }, { interface: 'eth0', kernelRxBufSize: 1000 }),
      spec({ name: 'B', vrid: 2 }, { interface: 'eth0', kernelRxBufSize: 500 }),
      spec({ name: 'AH', vrid: 3, version: 2, auth: { type: 'ah', password: 'pw' } }),
      spec({ name: 'G', vrid: 4 }, { interface: 'eth0', multicastGroup: '224.0.0.100' }),
      spec({ name: 'V6', vrid: 5, family: 'inet6', addresses: ['2001:db8::5'] }),
      spec({ name: 'U', vrid: 6, unicast: true, unicastPeers: [{ address: '192.0.2.2' }] }),
      spec({ name: 'E1', vrid: 1 }, { interface: 'eth1' }),
    ]);
    runtime.start();
    assert.deepEqual(factory.opened, [
      ETH0, 'inet/ah/eth0#2/group 224.0.0.18', 'inet/vrrp/eth0#2/group 224.0.0.100', 'inet6/vrrp/eth0#2/group ff02::12',
      'inet/vrrp/eth0#2/unicast 192.0.2.1', 'inet/vrrp/eth1#3/group 224.0.0.18',
    ]);
    const shared = runtime.status().sockets.find((s) => s.id === ETH0)!;
    assert.deepEqual([shared.vrids, shared.instances, shared.receiveBufferBytes], [[1, 2], ['A', 'B'], 1500]);
    assert.equal(factory.receivers.get(ETH0)!.receiveBuffer, 1500, 'kernel_rx_buf_size of a later instance enlarges the shared buffer');
  });

  it('a VRID used twice on one socket is a configuration error: start throws and undoes itself', () => {
    const { factory, runtime } = setup([spec({ name: 'A', vrid: 1 }), spec({ name: 'B', vrid: 1 })]);
    assert.throws(() => runtime.start(), (e: unknown) => e instanceof VridConflictError && /\(B\) VRID 1 is already used by \(A\)/.test(e.message));
    assert.equal(factory.receivers.get(ETH0)?.closed, true);
  });

  it('unicast instances may share a VRID when their peer lists are disjoint, not otherwise', () => {
    const peers = (...a: string[]) => a.map((address) => ({ address }));
    setup([spec({ name: 'A', vrid: 1, unicast: true, unicastPeers: peers('192.0.2.2') }), spec({ name: 'B', vrid: 1, unicast: true, unicastPeers: peers('192.0.2.3') })]).runtime.start();
    const clash = setup([spec({ name: 'A', vrid: 1, unicast: true, unicastPeers: peers('192.0.2.2') }), spec({ name: 'B', vrid: 1, unicast: true, unicastPeers: peers('192.0.2.3', '192.0.2.2') })]);
    assert.throws(() => clash.runtime.start(), VridConflictError);
  });

  it('vmac: the instance moves to the VMAC socket; with vmac_xmit_base it stays on the base interface', () => {
    const { factory, runtime } = setup([
      spec({ name: 'V', vrid: 5, family: 'inet6', addresses: ['2001:db8::5'] }),
      spec({ name: 'X', vrid: 6, family: 'inet6', addresses: ['2001:db8::6'] }, { interface: 'eth0', vmacXmitBase: true }),
    ]);
    runtime.start();
    runtime.instance('V')!.setVmac({ name: 'vrrp.5', index: 9 });
    runtime.instance('X')!.setVmac({ name: 'vrrp.6', index: 10 });
    const byName = Object.fromEntries(runtime.status().instances.map((i) => [i.name, [i.socket, i.source]]));
    assert.deepEqual(byName, {
      V: ['inet6/vrrp/vrrp.5#9/group ff02::12', 'fe80::5:1'],
      X: ['inet6/vrrp/eth0#2/group ff02::12', 'fe80::1'],
    });
    assert.equal(factory.receivers.get('inet6/vrrp/eth0#2/group ff02::12')?.closed, false);
  });
});

describe('VrrpRuntime: unicast with an empty peer list', () => {
  it('sends nothing at all (never multicast) and says so once', () => {
    const { clock, factory, runtime, events, log, states } = setup([spec({ name: 'U', vrid: 1, unicast: true, unicastPeers: [] })]);
    runtime.start();
    clock.advance(MDI_100 + 3000);
    assert.deepEqual(states('U'), ['BACKUP', 'MASTER']);
    assert.equal(factory.sent.length, 0);
    assert.equal(runtime.status().instances[0]!.sends.noPeers, 4);
    assert.deepEqual(events.filter((e) => e.type === 'noUnicastPeers'), [{ type: 'noUnicastPeers', instance: 'U', fault: false }]);
    assert.deepEqual(log.lines.filter((l) => l.includes('without any peers')), ['(U) unicast without any peers: no adverts will be sent (unicast never falls back to multicast)']);
  });

  it('with unicast_fault_no_peer the instance is FAULT', () => {
    const { clock, factory, runtime, log, states } = setup([spec({ name: 'U', vrid: 1, unicast: true, unicastPeers: [] }, { interface: 'eth0', unicastFaultNoPeer: true })]);
    runtime.start();
    clock.advance(10_000);
    assert.deepEqual(states('U'), ['FAULT']);
    assert.equal(factory.sent.length, 0);
    assert.ok(log.lines.includes('(U) Cannot use unicast without any peers - going to fault state'));
    assert.deepEqual(runtime.status().instances[0]!.faults, ['unicast_fault_no_peer: no unicast peers']);
  });
});

describe('VrrpRuntime: binding failures are FAULTs that heal', () => {
  it('a socket the kernel refuses: FAULT with the reason, retried, then BACKUP and MASTER', () => {
    const { clock, factory, runtime, events, states } = setup([spec({ name: 'VI_1', vrid: 1 }), spec({ name: 'VI_2', vrid: 2 })]);
    factory.refuse.set(ETH0, 'IP_ADD_MEMBERSHIP 224.0.0.18 on eth0 failed: ENODEV');
    runtime.start();
    assert.deepEqual([states('VI_1'), states('VI_2')], [['FAULT'], ['FAULT']]);
    const fault = events.find((e) => e.type === 'transition' && e.instance === 'VI_1') as { detail?: string };
    assert.equal(fault.detail, `socket ${ETH0}: IP_ADD_MEMBERSHIP 224.0.0.18 on eth0 failed: ENODEV`);
    assert.equal(events.filter((e) => e.type === 'socketError').length, 1, 'reported once');
    clock.advance(2000);
    assert.equal(events.filter((e) => e.type === 'socketError').length, 1, 'a retry failing the same way is not reported again');
    factory.refuse.clear();
    clock.advance(2000);
    assert.deepEqual([states('VI_1'), states('VI_2')], [['FAULT', 'BACKUP'], ['FAULT', 'BACKUP']]);
    assert.deepEqual(events.filter((e) => e.type === 'socketOpened'), [{ type: 'socketOpened', socket: ETH0, instances: ['VI_1', 'VI_2'] }]);
    clock.advance(MDI_100);
    assert.deepEqual(states('VI_1'), ['FAULT', 'BACKUP', 'MASTER']);
    assert.equal(runtime.status().instances[0]!.bindError, undefined);
  });

  it('a socket that fails for good while open takes its instances to FAULT until it reopens', () => {
    const { clock, factory, runtime, states } = setup([spec({ name: 'VI_1', vrid: 1 })]);
    runtime.start();
    clock.advance(MDI_100);
    factory.receivers.get(ETH0)!.onError!(new Error('recvmsg EBADF'), true);
    assert.deepEqual(states('VI_1'), ['BACKUP', 'MASTER', 'FAULT']);
    assert.deepEqual(factory.priorities().slice(-1), [100], 'no priority 0 through a dead socket');
    clock.advance(2000);
    assert.deepEqual(states('VI_1'), ['BACKUP', 'MASTER', 'FAULT', 'BACKUP']);
  });

  it('a missing interface, or IPv4 without an address, waits in FAULT and recovers when it appears', () => {
    const links: Record<string, { index: number; inet?: string }> = { eth0: { index: 2 } };
    const directory: InterfaceDirectory = {
      indexOf: (n) => links[n]?.index,
      primaryAddress: (i, f) => (f === 'inet' ? Object.values(links).find((l) => l.index === i)?.inet : undefined),
    };
    const { clock, runtime, events, states } = setup([spec({ name: 'A', vrid: 1 }, { interface: 'eth9' }), spec({ name: 'B', vrid: 2 })], { directory });
    runtime.start();
    const details = events.filter((e) => e.type === 'transition').map((e) => (e as { detail?: string }).detail);
    assert.deepEqual(details, ['interface eth9 not found', 'no IPv4 source address on eth0']);
    links.eth9 = { index: 5, inet: '203.0.113.1' };
    links.eth0!.inet = '192.0.2.1';
    clock.advance(2000);
    assert.deepEqual([states('A'), states('B')], [['FAULT', 'BACKUP'], ['FAULT', 'BACKUP']]);
    assert.equal(runtime.status().instances[0]!.socket, 'inet/vrrp/eth9#5/group 224.0.0.18');
  });

  it('send errors are counted per instance and socket, and logged once per destination and window', () => {
    const { clock, factory, runtime, log } = setup([spec({ name: 'VI_1', vrid: 1 })]);
    factory.sendError = 'sendto ENETUNREACH';
    runtime.start();
    clock.advance(MDI_100 + 2000);
    const s = runtime.status();
    assert.equal(s.instances[0]!.sends.failed, 3);
    assert.equal(s.sockets[0]!.counters.send_err, 3);
    assert.deepEqual(log.lines.filter((l) => l.includes('Cant send')), ['(VI_1) Cant send advert to 224.0.0.18 (sendto ENETUNREACH)']);
  });
});

describe('VrrpRuntime: sync groups and configuration', () => {
  it('a member faulted by its tracker takes its group to FAULT; recovery brings both back', () => {
    const { clock, runtime, states } = setup([spec({ name: 'A', vrid: 1 }), spec({ name: 'B', vrid: 2 })], { syncGroups: [{ name: 'G', members: ['A', 'B'] }] });
    runtime.start();
    clock.advance(MDI_100);
    assert.deepEqual([states('A'), states('B')], [['BACKUP', 'MASTER'], ['BACKUP', 'MASTER']]);
    runtime.instance('A')!.fsm.setFault('track_script chk', true);
    assert.deepEqual([states('A').at(-1), states('B').at(-1)], ['FAULT', 'FAULT']);
    assert.equal(runtime.status().syncGroups[0]!.state, 'FAULT');
    runtime.instance('A')!.fsm.setFault('track_script chk', false);
    assert.deepEqual([states('A').at(-1), states('B').at(-1)], ['BACKUP', 'BACKUP']);
  });

  it('start-up announces every sync group first, in configuration order, then every instance (keepalived vrrp_init_state)', () => {
    const { events, runtime } = setup([spec({ name: 'VI_0', vrid: 1 }), spec({ name: 'VI_1', vrid: 2 }), spec({ name: 'VI_2', vrid: 3 }), spec({ name: 'VI_3', vrid: 4 })], {
      syncGroups: [{ name: 'G2', members: ['VI_3'] }, { name: 'G1', members: ['VI_2', 'VI_1'] }],
    });
    runtime.start();
    const order = events.flatMap((e) => (e.type === 'groupTransition' ? [`GROUP ${e.group} ${e.to}`] : e.type === 'transition' ? [`${e.instance} ${e.to}`] : []));
    // What keepalived 2.2.7's notify FIFO shows for this configuration.
    assert.deepEqual(order, ['GROUP G2 BACKUP', 'GROUP G1 BACKUP', 'VI_0 BACKUP', 'VI_1 BACKUP', 'VI_2 BACKUP', 'VI_3 BACKUP']);
  });

  it('rejects what cannot run: duplicate names, unknown group members, bad transport values', () => {
    assert.throws(() => setup([spec({ name: 'A', vrid: 1 }), spec({ name: 'A', vrid: 2 })]), /defined twice/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1 })], { syncGroups: [{ name: 'G', members: ['A', 'Z'] }] }), /unknown instance Z/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1 }, {})]), /multicast instance needs an interface/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1 }, { interface: 'eth0', multicastGroup: '10.0.0.1' })]), /not a multicast address/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1, family: 'inet6', addresses: [] }, { interface: 'eth0', multicastGroup: 'ff05::12' })]), /link-local scope/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1, unicast: true, unicastPeers: [{ address: '192.0.2.2' }] }, { interface: 'eth0', unicastTtl: 256 })]), /unicast_ttl must be 0..255/);
    assert.throws(() => setup([spec({ name: 'A', vrid: 1 }, { interface: 'eth0', sourceAddress: 'fe80::1' })]), /mcast_src_ip fe80::1 is not inet/);
  });
});

describe('systemClock', () => {
  it('a precise timer never runs before its deadline, and can be cancelled', async () => {
    for (const delay of [0.4, 3.7, 25.2]) {
      const deadline = performance.now() + delay;
      const ranAt = await new Promise<number>((resolve) => systemClock.setTimeout(() => resolve(performance.now()), delay, true));
      assert.ok(ranAt >= deadline, `ran ${deadline - ranAt} ms early`);
    }
    let ran = 0;
    systemClock.clearTimeout(systemClock.setTimeout(() => ran++, 30, true));
    systemClock.clearTimeout(systemClock.setTimeout(() => ran++, 1, true)); // shorter than the lead: setTimeout(0)
    systemClock.clearTimeout(systemClock.setTimeout(() => ran++, 5));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(ran, 0);
  });
});
