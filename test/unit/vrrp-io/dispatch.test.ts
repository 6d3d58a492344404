/**
 * The receive side: the dispatcher's VRID demultiplexing and its counted drops, the one drop
 * log, the unicast-peer silence detector, and garbage that must never throw.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import { masterDownIntervalMs } from '../../../src/vrrp/index.js';
import {
  DropLog, VrrpRuntime, describeEvent, staticDirectory, type InstanceSpec, type RuntimeEvent,
} from '../../../src/vrrp/io/index.js';
import { ETH0, FakeClock, FakeFactory, advertFrom, spec } from './fakes.js';

const MDI_100 = masterDownIntervalMs(3, 100, 1000);
const UNI = 'inet/vrrp/eth0#2/unicast 192.0.2.1';

function setup(instances: InstanceSpec[], logUnknownVrids = false) {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock);
  const events: RuntimeEvent[] = [];
  const log = new RecordingLog();
  const runtime = new VrrpRuntime({
    instances, clock, socketFactory: factory, log, logUnknownVrids, onEvent: (e) => events.push(e),
    directory: staticDirectory({ eth0: { index: 2, inet: '192.0.2.1', inet6: 'fe80::1' } }),
  });
  runtime.start();
  const status = (name: string) => runtime.status().instances.find((i) => i.name === name)!;
  const counters = (id = ETH0) => runtime.status().sockets.find((s) => s.id === id)!.counters;
  return { clock, factory, events, log, runtime, status, counters };
}

describe('dispatcher', () => {
  it('hands each advert to the instance of its VRID on that socket', () => {
    const { factory, status, counters } = setup([spec({ name: 'A', vrid: 1 }), spec({ name: 'B', vrid: 2 })]);
    factory.deliver(ETH0, advertFrom('192.0.2.2', { vrid: 2 }, 150));
    factory.deliver(ETH0, advertFrom('192.0.2.2', { vrid: 2 }, 150));
    assert.equal(status('A').stats.advert_rcvd, 0);
    assert.equal(status('B').stats.advert_rcvd, 2);
    assert.equal(status('B').masterAddress, '192.0.2.2');
    assert.equal(counters().received, 2);
  });

  it('counts unknown VRIDs, and logs them only with log_unknown_vrids (rate-limited)', () => {
    const quiet = setup([spec({ name: 'A', vrid: 1 })]);
    quiet.factory.deliver(ETH0, advertFrom('192.0.2.2', { vrid: 9 }, 150));
    assert.equal(quiet.counters().vrid_err, 1);
    assert.deepEqual(quiet.log.lines.filter((l) => l.includes('VRID(9)')), []);
    const loud = setup([spec({ name: 'A', vrid: 1 })], true);
    for (let i = 0; i < 3; i++) loud.factory.deliver(ETH0, advertFrom('192.0.2.2', { vrid: 9 }, 150));
    assert.equal(loud.counters().vrid_err, 3);
    assert.deepEqual(loud.log.lines.filter((l) => l.includes('VRID(9)')), ['Unknown VRID(9) received on eth0 from 192.0.2.2. ignoring...']);
  });

  it('unicast instances sharing a VRID: the sender picks the instance; a stranger is an unknown VRID', () => {
    const uni = (name: string, peer: string) => spec({ name, vrid: 5, unicast: true, unicastPeers: [{ address: peer }] });
    const { factory, status, counters } = setup([uni('P2', '192.0.2.2'), uni('P3', '192.0.2.3')]);
    factory.deliver(UNI, advertFrom('192.0.2.3', { vrid: 5, unicast: true }, 150, '192.0.2.1'));
    factory.deliver(UNI, advertFrom('192.0.2.4', { vrid: 5, unicast: true }, 150, '192.0.2.1'));
    assert.deepEqual([status('P2').stats.advert_rcvd, status('P3').stats.advert_rcvd], [0, 1]);
    assert.equal(counters(UNI).vrid_err, 1);
  });

  it('drops what cannot be demultiplexed: truncated, too short, no sender', () => {
    const { factory, counters, log } = setup([spec({ name: 'A', vrid: 1 })]);
    const good = advertFrom('192.0.2.2', { vrid: 1 }, 150);
    factory.deliver(ETH0, { ...good, truncated: true });
    factory.deliver(ETH0, { ...good, data: good.data.subarray(0, 26) });
    factory.deliver(ETH0, { ...good, source: undefined });
    const c = counters();
    assert.deepEqual([c.received, c.truncated, c.packet_len_err], [3, 1, 2]);
    assert.ok(log.lines.includes('(eth0) dropped advert from 192.0.2.2: IPv4 VRRP packet too short - 26 bytes [packet_len_err]'));
  });

  it('IPv6: a multicast advert on a unicast instance is dropped before its guards (keepalived does the same)', () => {
    const { factory, status, counters } = setup([spec({ name: 'U6', vrid: 4, family: 'inet6', addresses: ['2001:db8::4'], unicast: true, unicastPeers: [{ address: 'fe80::2' }] },
      { interface: 'eth0', sourceAddress: 'fe80::1' })]);
    const id = 'inet6/vrrp/eth0#2/unicast fe80::1';
    const v6 = advertFrom('fe80::2', { vrid: 4, family: 'inet6', addresses: ['2001:db8::4'] }, 150, 'ff02::12');
    factory.deliver(id, { ...v6, destination: 'ff02::12', hopLimit: 255 });
    assert.equal(counters(id).cast_mismatch, 1);
    assert.equal(status('U6').stats.advert_rcvd, 0);
    factory.deliver(id, { ...advertFrom('fe80::2', { vrid: 4, family: 'inet6', addresses: ['2001:db8::4'], unicast: true }, 150, 'fe80::1'), destination: 'fe80::1', hopLimit: 64 });
    assert.equal(status('U6').stats.advert_rcvd, 1);
  });

  it('an instance in FAULT ignores adverts (counted as not_running, not as errors)', () => {
    const { factory, runtime, status, counters } = setup([spec({ name: 'A', vrid: 1 })]);
    runtime.instance('A')!.fsm.setFault('link', true);
    factory.deliver(ETH0, advertFrom('192.0.2.2', { vrid: 1 }, 150));
    assert.equal(counters().not_running, 1);
    assert.equal(status('A').stats.advert_rcvd, 0);
  });

  it('guard drops are counted under keepalived stats names and logged once per instance, reason and sender per window', () => {
    const { clock, factory, status, log, events } = setup([spec({ name: 'A', vrid: 1 })]);
    const ttl64 = advertFrom('192.0.2.2', { vrid: 1, ttl: 64 }, 150);
    for (let i = 0; i < 5; i++) factory.deliver(ETH0, ttl64);
    factory.deliver(ETH0, advertFrom('192.0.2.3', { vrid: 1, ttl: 64 }, 150));
    assert.equal(status('A').stats.ip_ttl_err, 6);
    assert.equal(events.filter((e) => e.type === 'advertDropped').length, 6);
    const lines = () => log.lines.filter((l) => l.includes('[ip_ttl_err]'));
    assert.deepEqual(lines(), [
      '(A) dropped advert from 192.0.2.2: invalid TTL/HL. Received 64 and expect 255 [ip_ttl_err]',
      '(A) dropped advert from 192.0.2.3: invalid TTL/HL. Received 64 and expect 255 [ip_ttl_err]',
    ]);
    clock.advance(10_000);
    factory.deliver(ETH0, ttl64);
    assert.equal(lines().at(-1), '(A) dropped advert from 192.0.2.2: invalid TTL/HL. Received 64 and expect 255 [ip_ttl_err] (4 more like it in the previous 10 s)');
  });

  it('garbage never throws: random bytes and damaged adverts on every socket kind', () => {
    const { factory, runtime } = setup([
      spec({ name: 'A', vrid: 1 }), spec({ name: 'P', vrid: 2, version: 2, auth: { type: 'pass', password: 'x' } }),
      spec({ name: 'AH', vrid: 3, version: 2, auth: { type: 'ah', password: 'x' } }),
      spec({ name: 'U', vrid: 4, unicast: true, checkUnicastSource: true, unicastPeers: [{ address: '192.0.2.2', minTtl: 1 }] }),
      spec({ name: 'V6', vrid: 5, family: 'inet6', addresses: ['2001:db8::5'] }),
    ]);
    const sockets = runtime.status().sockets.map((s) => s.id);
    const seeds = [
      advertFrom('192.0.2.2', { vrid: 1 }, 150).data,
      advertFrom('192.0.2.2', { vrid: 2, version: 2, auth: { type: 'pass', password: 'x' } }, 150).data,
      advertFrom('192.0.2.2', { vrid: 3, version: 2, auth: { type: 'ah', password: 'x' } }, 150, '224.0.0.18', 7).data,
      advertFrom('fe80::2', { vrid: 5, family: 'inet6', addresses: ['2001:db8::5'] }, 150, 'ff02::12').data,
    ];
    let n = 0;
    for (let i = 0; i < 20_000; i++) {
      const seed = seeds[i % seeds.length] as Buffer;
      let data: Buffer;
      if (i % 3 === 0) data = randomBytes(i % 97);
      else {
        data = Buffer.from(seed.subarray(0, 1 + ((i * 7) % (seed.length + 8))));
        for (let k = 0; k < 1 + (i % 4); k++) data[(i * 13 + k * 31) % Math.max(1, data.length)] = (i * 17 + k) & 0xff;
      }
      const id = sockets[i % sockets.length] as string;
      const v6 = id.startsWith('inet6');
      factory.deliver(id, { data, source: v6 ? 'fe80::2' : '192.0.2.2', truncated: false, ...(v6 ? { destination: 'ff02::12', hopLimit: i & 0xff } : {}) });
      n++;
    }
    const status = runtime.status();
    assert.equal(status.sockets.reduce((s, x) => s + x.counters.received, 0), n);
    // Both levels were exercised: frames the dispatcher refused, and adverts the guards refused.
    assert.ok(status.sockets.reduce((s, x) => s + x.counters.packet_len_err + x.counters.vrid_err, 0) > 1000);
    const guardDrops = status.instances.reduce((s, i) => s + i.stats.packet_len_err + i.stats.chk_err + i.stats.vers_err + i.stats.auth_failure, 0);
    assert.ok(guardDrops > 1000, `guard drops ${guardDrops}`);
  });
});

describe('unicast peer silence (split-brain hygiene)', () => {
  it('says once when no configured peer has been heard for Master_Down_Interval + one interval, and when one is heard again', () => {
    const { clock, factory, events, log, status } = setup([spec({ name: 'U', vrid: 1, unicast: true, unicastPeers: [{ address: '192.0.2.2' }, { address: '192.0.2.3' }] })]);
    clock.advance(MDI_100 + 5000);
    const silent = events.filter((e) => e.type === 'unicastPeersSilent');
    assert.equal(silent.length, 1, 'one report per episode');
    assert.deepEqual(silent[0], { type: 'unicastPeersSilent', instance: 'U', peers: ['192.0.2.2', '192.0.2.3'], silentForMs: MDI_100 + 1000, state: 'MASTER', droppedFromPeers: 0 });
    assert.ok(log.lines.includes(`(U) no valid advert from any unicast peer (192.0.2.2, 192.0.2.3) for ${Math.round(MDI_100 + 1000) / 1000} s while MASTER - expected only if every peer is BACKUP`));
    assert.equal(status('U').unicastPeers?.silent, true);

    // A dropped advert from a peer does not end the silence; a valid one does.
    factory.deliver(UNI, advertFrom('192.0.2.3', { vrid: 1, version: 2, unicast: true }, 50, '192.0.2.1'));
    assert.equal(status('U').unicastPeers?.silent, true);
    factory.deliver(UNI, advertFrom('192.0.2.3', { vrid: 1, unicast: true }, 50, '192.0.2.1'));
    const heard = events.filter((e) => e.type === 'unicastPeerHeard');
    assert.deepEqual(heard, [{ type: 'unicastPeerHeard', instance: 'U', peer: '192.0.2.3', silentForMs: MDI_100 + 5000 }]);
    const peers = status('U').unicastPeers!;
    assert.equal(peers.silent, false);
    assert.deepEqual(peers.peers.map((p) => [p.address, p.lastAdvertMs !== undefined, p.dropped]), [['192.0.2.2', false, 0], ['192.0.2.3', true, 1]]);
    // While adverts keep coming there is no new report.
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      factory.deliver(UNI, advertFrom('192.0.2.3', { vrid: 1, unicast: true }, 50, '192.0.2.1'));
    }
    assert.equal(events.filter((e) => e.type === 'unicastPeersSilent').length, 1);
    clock.advance(MDI_100 + 999);
    assert.equal(events.filter((e) => e.type === 'unicastPeersSilent').length, 1);
    clock.advance(1);
    assert.equal(events.filter((e) => e.type === 'unicastPeersSilent').length, 2);
  });

  it('a BACKUP hearing its peer master is never silent', () => {
    const { clock, factory, events } = setup([spec({ name: 'U', vrid: 1, unicast: true, unicastPeers: [{ address: '192.0.2.2' }] })]);
    for (let i = 0; i < 20; i++) {
      factory.deliver(UNI, advertFrom('192.0.2.2', { vrid: 1, unicast: true }, 200, '192.0.2.1'));
      clock.advance(1000);
    }
    assert.deepEqual(events.filter((e) => e.type === 'unicastPeersSilent'), []);
  });
});

describe('drop log and event lines', () => {
  it('bounds the number of keys it remembers', () => {
    let now = 0;
    const log = new RecordingLog();
    const drops = new DropLog(log, { now: () => now, windowMs: 1000, maxKeys: 2 });
    const rec = (source: string) => drops.record({ where: 'A', source, reason: 'chk_err', detail: 'bad' });
    rec('1'); rec('2'); rec('3'); // '1' is evicted
    rec('1');
    assert.equal(log.lines.length, 4);
    rec('3');
    assert.equal(log.lines.length, 4);
    now = 1000;
    rec('3');
    assert.equal(log.lines.at(-1), '(A) dropped advert from 3: bad [chk_err] (1 more like it in the previous 1 s)');
  });

  it('words transitions as keepalived does', () => {
    const base = { type: 'transition', instance: 'VI_1', from: 'BACKUP', priority: 100, atMs: 0 } as const;
    assert.equal(describeEvent({ ...base, to: 'MASTER', cause: 'master-down' }, { logUnknownVrids: false })?.text, '(VI_1) Entering MASTER STATE');
    assert.equal(describeEvent({ ...base, from: 'INIT', to: 'BACKUP', cause: 'startup' }, { logUnknownVrids: false })?.text, '(VI_1) Entering BACKUP STATE (init)');
    assert.deepEqual(describeEvent({ ...base, to: 'FAULT', cause: 'fault', detail: 'chk_eth' }, { logUnknownVrids: false }), { level: 'warn', text: '(VI_1) Entering FAULT STATE (chk_eth)' });
  });
});
