/**
 * What the lab reads from the world: FIFO lines, `ip monitor` lines, ping
 * output, and the failover read back from a timeline of made-up events. The
 * lines are the real formats (keepalived 2.2.7's FIFO, iproute2 6.1, iputils
 * 20221126), copied from runs on this machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labPidOf, labPrefix, namespaceName } from '../../../src/lab/cleanup.js';
import { parseNeighbourLine, parsePingReply, PingCounter, PING_INTERVAL_MS } from '../../../src/lab/client.js';
import { parseAddressMonitorLine, parseFifoLine } from '../../../src/lab/router.js';
import { formatFailover, summarizeFailover, Timeline, type LabEvent } from '../../../src/lab/timeline.js';
import { routerByMac } from '../../../src/lab/topology.js';

test('notify FIFO lines', () => {
  assert.deepEqual(parseFifoLine('INSTANCE "VI_LAB" MASTER 150'), { type: 'INSTANCE', name: 'VI_LAB', state: 'MASTER', priority: 150 });
  assert.deepEqual(parseFifoLine('INSTANCE "VI_LAB" BACKUP_PRIORITY 50\n'), { type: 'INSTANCE', name: 'VI_LAB', state: 'BACKUP_PRIORITY', priority: 50 });
  assert.deepEqual(parseFifoLine('GROUP "G1" FAULT 0'), { type: 'GROUP', name: 'G1', state: 'FAULT', priority: 0 });
  assert.equal(parseFifoLine('INSTANCE VI_LAB MASTER 150'), null);
  assert.equal(parseFifoLine('INSTANCE "VI_LAB" MASTER'), null);
  assert.equal(parseFifoLine(''), null);
});

test('ip monitor address lines about the VIPs', () => {
  const v4 = '192.0.2.254';
  const v6 = '2001:db8::254';
  assert.deepEqual(parseAddressMonitorLine('3: eth0    inet 192.0.2.254/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever', v4, v6),
    { added: true, family: 4 });
  assert.deepEqual(parseAddressMonitorLine('Deleted 3: eth0    inet 192.0.2.254/24 scope global secondary eth0\\       valid_lft forever', v4, v6),
    { added: false, family: 4 });
  assert.deepEqual(parseAddressMonitorLine('3: eth0    inet6 2001:db8::254/64 scope global nodad \\       valid_lft forever', v4, v6),
    { added: true, family: 6 });
  // Another address, or a prefix of the VIP, is not the VIP.
  assert.equal(parseAddressMonitorLine('3: eth0    inet 192.0.2.1/24 scope global eth0', v4, v6), null);
  assert.equal(parseAddressMonitorLine('3: eth0    inet 192.0.2.25/24 scope global eth0', v4, v6), null);
  assert.equal(parseAddressMonitorLine('3: eth0    inet6 2001:db8::2541/64 scope global', v4, v6), null);
});

test('ip monitor neigh lines', () => {
  assert.deepEqual(parseNeighbourLine('192.0.2.254 dev eth0 lladdr 02:4b:41:00:00:02 STALE'),
    { deleted: false, address: '192.0.2.254', mac: '02:4b:41:00:00:02', state: 'STALE' });
  assert.deepEqual(parseNeighbourLine('192.0.2.254 dev eth0 lladdr 02:4B:41:00:00:01 router REACHABLE'),
    { deleted: false, address: '192.0.2.254', mac: '02:4b:41:00:00:01', state: 'REACHABLE' });
  assert.deepEqual(parseNeighbourLine('192.0.2.254 dev eth0  INCOMPLETE'), { deleted: false, address: '192.0.2.254', mac: undefined, state: 'INCOMPLETE' });
  assert.deepEqual(parseNeighbourLine('Deleted 192.0.2.254 dev eth0 lladdr 02:4b:41:00:00:01 PERMANENT'),
    { deleted: true, address: '192.0.2.254', mac: '02:4b:41:00:00:01', state: 'PERMANENT' });
  assert.equal(parseNeighbourLine('garbage'), null);
  assert.equal(routerByMac('02:4B:41:00:00:02'), 'r2');
  assert.equal(routerByMac('02:4b:41:00:00:64'), undefined); // the client
  assert.equal(routerByMac(undefined), undefined);
});

test('ping replies are counted; skipped sequence numbers make a gap', () => {
  assert.equal(parsePingReply('64 bytes from 192.0.2.254: icmp_seq=12 ttl=64 time=0.071 ms'), 12);
  assert.equal(parsePingReply('From 192.0.2.100 icmp_seq=5 Destination Host Unreachable'), null);
  assert.equal(parsePingReply('PING 192.0.2.254 (192.0.2.254) 56(84) bytes of data.'), null);

  const ping = new PingCounter();
  assert.equal(ping.reply(1, 1000), null);
  assert.equal(ping.reply(2, 1020), null);
  assert.equal(ping.outageMs(1030), 0);
  assert.equal(ping.outageMs(1020 + 4 * PING_INTERVAL_MS), 4 * PING_INTERVAL_MS);
  assert.deepEqual(ping.reply(33, 1640), { gapMs: 620, lost: 30 });
  assert.equal(ping.reply(33, 1641), null, 'a duplicate');
  assert.equal(ping.reply(20, 1650), null, 'a late reply to a request already counted lost');
  assert.equal(ping.received, 3);
  assert.equal(ping.lost, 30);
  // icmp_seq is 16 bits: 65535 → 0 is one step, 65534 → 1 skips two.
  const wrapping = new PingCounter();
  wrapping.reply(65535, 0);
  assert.equal(wrapping.reply(0, 20), null);
  assert.deepEqual(wrapping.reply(3, 100), { gapMs: 80, lost: 2 });
});

test('lab names: only kalab-<pid>-<role> namespaces and kalab-<pid>-XXXXXX directories are a lab\'s', () => {
  assert.equal(labPrefix(42), 'kalab-42-');
  assert.equal(namespaceName('client', 42), 'kalab-42-client');
  assert.equal(labPidOf('kalab-42-r1', 'namespace'), 42);
  assert.equal(labPidOf('kalab-42-sw', 'namespace'), 42);
  assert.equal(labPidOf('kalab-42-r3', 'namespace'), null);
  assert.equal(labPidOf('kalab-x-r1', 'namespace'), null);
  assert.equal(labPidOf('kte6x2mfo-a', 'namespace'), null);
  assert.equal(labPidOf('my-kalab-42-r1', 'namespace'), null);
  assert.equal(labPidOf('kalab-42-aB3xYz', 'directory'), 42);
  assert.equal(labPidOf('kalab-42-r1', 'directory'), null);
  assert.equal(labPidOf('kalab-42-aB3xYz.old', 'directory'), null);
});

const ev = (at: number, e: Omit<LabEvent, 'at' | 'text'>): LabEvent => ({ at, text: e.kind, ...e });

test('a crash read from the timeline: new MASTER, VIP, ARP, ping gap; the crashed router keeps its VIP', () => {
  const events: LabEvent[] = [
    ev(900, { kind: 'state', router: 'r1', state: 'MASTER' }),
    ev(950, { kind: 'ping-gap', gapMs: 400, lost: 19 }), // before t0: not this failover's
    ev(1000, { kind: 'action', router: 'r1' }),
    ev(4600, { kind: 'vip-added', router: 'r2', family: 6 }),
    ev(4601, { kind: 'vip-added', router: 'r2', family: 4 }),
    ev(4602, { kind: 'state', router: 'r2', state: 'MASTER' }),
    ev(4603, { kind: 'arp', router: 'r2', mac: '02:4b:41:00:00:02' }),
    ev(4700, { kind: 'ping-gap', gapMs: 60, lost: 2 }),
    ev(4800, { kind: 'ping-gap', gapMs: 140, lost: 6 }),
  ];
  const f = summarizeFailover(events, 1000, 'crash r1', 'r1');
  assert.equal(f.to, 'r2');
  assert.equal(f.masterAfterMs, 3602);
  assert.equal(f.vipOnToAfterMs, 3601);
  assert.equal(f.vipOffFromAfterMs, undefined);
  assert.equal(f.arpToAfterMs, 3603);
  assert.equal(f.pingGapMs, 140);
  assert.equal(f.pingLost, 6);
  assert.equal(f.complete, true);
  assert.equal(formatFailover(f),
    'crash r1: r2 MASTER after 3.602 s, VIP added on r2 at 3.601 s, VIP still on r1, client ARP → r2 at 3.603 s, ping gap 0.140 s (6 lost)');
});

test('a failover is not complete until the new MASTER is there and the client follows it', () => {
  const events: LabEvent[] = [
    ev(0, { kind: 'action', router: 'r1' }),
    ev(10, { kind: 'vip-removed', router: 'r1', family: 4 }),
    ev(20, { kind: 'state', router: 'r1', state: 'MASTER' }), // the old master again: not a new one
  ];
  const pending = summarizeFailover(events, 0, 'stop r1', 'r1');
  assert.equal(pending.to, undefined);
  assert.equal(pending.complete, false);
  assert.equal(formatFailover(pending), 'stop r1: no new MASTER so far');
  events.push(ev(600, { kind: 'state', router: 'r2', state: 'MASTER' }));
  const noArp = summarizeFailover(events, 0, 'stop r1', 'r1');
  assert.equal(noArp.to, 'r2');
  assert.equal(noArp.vipOffFromAfterMs, 10);
  assert.equal(noArp.complete, false);
  events.push(ev(601, { kind: 'arp', router: 'r2' }));
  assert.equal(summarizeFailover(events, 0, 'stop r1', 'r1').complete, true);
  // Without a previous MASTER (everything was down), any MASTER counts.
  assert.equal(summarizeFailover(events, 0, 'start', undefined).to, 'r1');
});

test('the timeline keeps the latest events up to its limit', () => {
  const timeline = new Timeline(10);
  for (let i = 0; i < 25; i++) timeline.push(ev(i, { kind: 'note' }));
  assert.equal(timeline.events.length, 10);
  assert.equal(timeline.events[0]!.at, 15);
  assert.deepEqual(timeline.since(23).map((e) => e.at), [23, 24]);
});
