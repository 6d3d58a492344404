/**
 * Gratuitous ARPs and unsolicited NAs on the wire, captured in a peer namespace and
 * decoded by tshark: counts, order, timing (generous margins) and content, against
 * keepalived's schedule — the census lab saw "5 GARPs at :05 and 5 at :10".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, Topology } from '../../harness/index.js';
import { KEEPALIVED_GARP_DEFAULTS, type InstanceDefinition } from '../../../src/vrrp/actions/index.js';
import { startAgent, stopAgent, transition } from './agent.js';

const FILTER = 'arp or (icmp6 and ip6[40] == 136)';
const FIELDS = ['frame.time_epoch', 'eth.src', 'eth.dst', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4',
  'icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.o', 'ipv6.dst'];

interface Frame { t: number; src: string; dst: string; what: string; row: string[] }

async function lab(t: { after(fn: () => unknown): void }) {
  const topo = await Topology.create(t);
  const r1 = await topo.namespace('r1');
  const peer = await topo.namespace('peer');
  await topo.veth(r1, 'eth0', peer, 'eth0');
  await r1.addAddress('eth0', '192.0.2.1/24');
  await r1.addAddress('eth0', '2001:db8::1/64', { nodad: true });
  await peer.addAddress('eth0', '192.0.2.2/24');
  return { topo, r1, peer };
}

function frames(rows: string[][]): Frame[] {
  const list = rows.map((row) => ({
    t: Number(row[0]), src: row[1]!, dst: row[2]!,
    what: row[3] ? `arp ${row[5]}` : `na ${row[7]}`,
    row,
  }));
  const t0 = list[0]?.t ?? 0;
  return list.map((f) => ({ ...f, t: Math.round((f.t - t0) * 1000) }));
}

const base = (over: Partial<InstanceDefinition>): InstanceDefinition => ({
  name: 'VI_1', vrid: 51, family: 4, interface: 'eth0', vips: [], evips: [], routes: [], rules: [],
  garp: KEEPALIVED_GARP_DEFAULTS, accept: true, owner: false, ...over,
});

test("keepalived's defaults on the wire: 5 GARPs on becoming MASTER and 5 more 5 s later", async (t) => {
  const { r1, peer } = await lab(t);
  const mac = await r1.mac('eth0');
  const { proc } = await startAgent(r1, { instances: [base({ vips: [{ address: '192.0.2.10' }] })], table: `kt_${process.pid}` });
  const capture = await peer.capture('eth0', FILTER);
  await transition(proc, 'VI_1', 'MASTER');
  await capture.waitForPackets(10, 'arp', 8000);
  await delay(300);
  const got = frames(await capture.fields(FIELDS));
  assert.equal(got.length, 10, got.map((f) => `${f.t} ${f.what}`).join('\n'));
  assert.ok(got.slice(0, 5).every((f) => f.t < 500), 'the first five at once');
  const second = got[5]!.t;
  assert.ok(second > 4500 && second < 6000, `second burst after ~5 s, at ${second} ms`);
  assert.ok(got.slice(5).every((f) => f.t - second < 500));
  for (const f of got) {
    // A gratuitous ARP: a broadcast request from our MAC, sender and target the VIP.
    assert.deepEqual([f.src, f.dst, f.row[3], f.row[4], f.row[5], f.row[6]], [mac, 'ff:ff:ff:ff:ff:ff', '1', mac, '192.0.2.10', '192.0.2.10']);
  }
  await stopAgent(proc);
});

test('repeats go "for each repeat, for each address" (IPv4 GARPs and IPv6 NAs), then the delayed burst; leaving MASTER stops it', async (t) => {
  const { r1, peer } = await lab(t);
  await r1.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.forwarding=1']);
  const def = base({
    vips: [{ address: '192.0.2.10' }, { address: '192.0.2.11' }],
    evips: [{ address: '2001:db8::10' }],
    garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 3, masterDelayMs: 1500 },
  });
  const { proc } = await startAgent(r1, { instances: [def], table: `kt_${process.pid}` });
  const capture = await peer.capture('eth0', FILTER);
  await transition(proc, 'VI_1', 'MASTER');
  await capture.waitForPackets(18, undefined, 6000);
  await transition(proc, 'VI_1', 'BACKUP');
  await transition(proc, 'VI_1', 'MASTER');
  await delay(500);
  await transition(proc, 'VI_1', 'BACKUP');
  await delay(2000); // the second MASTER period's delayed burst would fall in here
  const got = frames(await capture.fields(FIELDS));
  const order = got.map((f) => f.what);
  const round = ['arp 192.0.2.10', 'arp 192.0.2.11', 'na 2001:db8::10'];
  assert.deepEqual(order.slice(0, 18), [...round, ...round, ...round, ...round, ...round, ...round]);
  assert.ok(got[8]!.t < 500 && got[9]!.t > 1200 && got[9]!.t < 2500, `bursts at 0 and ~1.5 s: ${got.map((f) => f.t).join(',')}`);
  assert.equal(got.length, 27, 'the second MASTER period sent its first burst only');
  const na = got.find((f) => f.what.startsWith('na'))!;
  assert.deepEqual([na.row[8], na.row[9], na.row[10], na.dst], ['1', '1', 'ff02::1', '33:33:00:00:00:01'], 'Router and Override flags, to all nodes');
  await stopAgent(proc);
});

test('vrrp_garp_interval spaces GARPs on the interface and keeps every repeat; a lower-priority advert triggers its own burst', async (t) => {
  const { r1, peer } = await lab(t);
  const def = base({
    vips: [{ address: '192.0.2.10' }, { address: '192.0.2.11' }],
    garp: { ...KEEPALIVED_GARP_DEFAULTS, masterRepeat: 2, masterDelayMs: 0, lowerPrioRepeat: 1, lowerPrioDelayMs: 0 },
  });
  const { proc } = await startAgent(r1, { instances: [def], table: `kt_${process.pid}`, pacing: { garpIntervalMs: 200 } });
  const capture = await peer.capture('eth0', FILTER);
  await transition(proc, 'VI_1', 'MASTER');
  await capture.waitForPackets(4, 'arp', 5000);
  proc.send({ op: 'event', instance: 'VI_1', event: { type: 'masterRxLowerPriority', instance: 'VI_1', source: '192.0.2.2', priority: 50, ourPriority: 100, answered: true } });
  await capture.waitForPackets(6, 'arp', 5000);
  const got = frames(await capture.fields(FIELDS));
  assert.deepEqual(got.slice(0, 4).map((f) => f.what), ['arp 192.0.2.10', 'arp 192.0.2.11', 'arp 192.0.2.10', 'arp 192.0.2.11']);
  for (let i = 1; i < 4; i++) {
    const gap = got[i]!.t - got[i - 1]!.t;
    assert.ok(gap >= 180 && gap < 600, `GARP ${i} ${gap} ms after the previous one`);
  }
  assert.deepEqual(got.slice(4).map((f) => f.what).sort(), ['arp 192.0.2.10', 'arp 192.0.2.11']);
  await stopAgent(proc);
});
