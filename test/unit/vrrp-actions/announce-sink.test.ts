/**
 * The announce sink between the GARP pacer and the packet sockets: which interface and MAC a
 * frame leaves by, what is skipped, and `prepare`, which builds a BACKUP's frames ahead with
 * the same choices the send will make.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IFF, type Link } from '../../../src/net/netlink/index.js';
import { announceSink, type NeighbourAnnouncerPort } from '../../../src/vrrp/actions/announce-sink.js';

const links = new Map<string, Partial<Link>>([
  ['eth0', { index: 2, mac: '02:00:00:00:00:02', flags: IFF.UP }],
  ['vrrp.51', { index: 7, mac: '00:00:5e:00:01:33', flags: IFF.UP }],
  ['tun0', { index: 9, mac: '00:00:00:00:00:00', flags: IFF.UP | IFF.NOARP }],
]);

class RecordingAnnouncer implements NeighbourAnnouncerPort {
  readonly calls: string[] = [];
  sendGratuitousArp(link: { ifindex: number; mac: string }, address: string): number {
    this.calls.push(`send arp ${link.ifindex} ${link.mac} ${address}`);
    return 42;
  }
  sendUnsolicitedNa(link: { ifindex: number; mac: string }, address: string, options: { router: boolean }): number {
    this.calls.push(`send na ${link.ifindex} ${address} router=${options.router}`);
    return 86;
  }
  prepareGratuitousArp(link: { ifindex: number; mac: string }, address: string): void {
    this.calls.push(`prepare arp ${link.ifindex} ${link.mac} ${address}`);
  }
  prepareUnsolicitedNa(link: { ifindex: number; mac: string }, address: string, options: { router: boolean }): void {
    this.calls.push(`prepare na ${link.ifindex} ${address} router=${options.router}`);
  }
}

function makeSink(forwarding: string | undefined) {
  const announcer = new RecordingAnnouncer();
  const handle = announceSink({
    links: { linkByName: (name) => links.get(name) as Link | undefined },
    announcer,
    sysctl: { read: async () => forwarding, write: async () => undefined },
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
  });
  return { announcer, handle };
}

const targets = [
  { address: '192.0.2.100', family: 4 as const, dev: 'vrrp.51' },
  { address: '2001:db8::100', family: 6 as const, dev: 'eth0' },
  { address: '192.0.2.101', family: 4 as const, dev: 'tun0' },
  { address: '192.0.2.102', family: 4 as const, dev: 'gone0' },
];

test('prepare builds what the sends will send: same interface, MAC and Router flag; NOARP and missing interfaces skipped', async () => {
  const { announcer, handle } = makeSink('1');
  await handle.prime(['eth0']);
  handle.prepare(targets);
  assert.deepEqual(announcer.calls, [
    'prepare arp 7 00:00:5e:00:01:33 192.0.2.100',
    'prepare na 2 2001:db8::100 router=true',
  ]);
  announcer.calls.length = 0;
  for (const t of targets) handle.sink(t, {});
  assert.deepEqual(announcer.calls, [
    'send arp 7 00:00:5e:00:01:33 192.0.2.100',
    'send na 2 2001:db8::100 router=true',
  ]);
  assert.deepEqual(handle.stats, { garpSent: 1, naSent: 1, skippedNoInterface: 1, skippedNoArp: 1, errors: 0 });
});

test('prepare never throws: a frame that cannot be built is left to the send, which reports it', () => {
  const announcer = new RecordingAnnouncer();
  announcer.prepareGratuitousArp = () => { throw new RangeError('bad address'); };
  const errors: string[] = [];
  const handle = announceSink({
    links: { linkByName: (name) => links.get(name) as Link | undefined },
    announcer,
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
    onError: (_t, _o, e) => errors.push(e.message),
  });
  handle.prepare([{ address: 'not-an-address', family: 4, dev: 'eth0' }]);
  announcer.sendGratuitousArp = () => { throw new RangeError('bad address'); };
  handle.sink({ address: 'not-an-address', family: 4, dev: 'eth0' }, {});
  assert.deepEqual(errors, ['bad address']);
  assert.equal(handle.stats.errors, 1);
});
