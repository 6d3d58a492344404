/**
 * A keepalived-ts daemon and FRR's vrrpd (Debian's frr 8.4: its own zebra and vrrpd in the
 * second router's namespace, see frr.ts) as the two routers of one LAN, with three virtual
 * routers at once on eth0:
 *
 *   VRID 51 VRRPv3 IPv4  10.77.0.100/24      FRR advertises every 500 ms, we every 1 s
 *   VRID 51 VRRPv3 IPv6  2001:db8:77::100/64 likewise
 *   VRID 52 VRRPv2 IPv4  10.77.0.101/24      both every 1 s (v2 intervals must match)
 *
 * keepalived-ts runs the v3 instances with a plain configuration (VIPs on eth0, adverts and
 * GARPs/NAs from eth0's MAC) and the v2 one with use_vmac (its VIP on vrrp.52, the virtual
 * MAC on the wire, as FRR's); FRR serves its VIPs from macvlans with the virtual MACs, as it
 * must. Two routers with the same virtual MAC on one LAN is how VRRP is meant to run.
 *
 * 1. FRR (200) is Master, keepalived-ts (100) BACKUP: no VIP on our eth0, FRR's adverts
 *    accepted (no drop line in our log, every receive-error counter of the JSON dump at 0,
 *    adverts counted) and, for VRRPv3, FRR's 500 ms interval learned (master_adver_int, a
 *    centisecond field on the wire). FRR crashes → keepalived-ts takes every VIP: in our
 *    kernel, and on the wire our adverts, GARPs and unsolicited NAs from our MAC, the first
 *    advert one Master_Down_Interval after FRR's last (computed from FRR's interval for v3).
 * 2. FRR comes back at 50 and stays Backup under our adverts (`show vrrp json`, its macvlans
 *    protodown), with no complaint about our packets in its debug log. keepalived-ts
 *    crashes → FRR is Master of all three, its macvlans out of protodown, its adverts and
 *    GARPs/NAs (from the virtual MACs) on the wire after its Master_Down_Interval.
 *
 * 3. keepalived-ts comes back at 40: its start-up clean-up removes the VIPs the crash left,
 *    and it is BACKUP under FRR; FRR shuts its virtual routers down (`vrrp N shutdown`) and
 *    sends priority 0 → keepalived-ts takes over after Skew_Time only.
 *
 * The wire is watched from a third host on the LAN and decoded by tshark.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { delay, waitUntil, type Namespace } from '../../harness/index.js';
import { decodeAdverts, type WireAdvert } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, LAN6, LINK_LOCAL, MAC, garps, hasAddress, instanceConf, unsolicitedNas, type DaemonProcess } from './lab.js';
import { FrrRouter, frrMacvlans, frrMissing, protodown, virtualMac, type FrrFamily, type FrrMacvlan } from './frr.js';

const SIGJSON = 36; // SIGRTMIN+2: keepalived's JSON dump
const VIP4 = `${LAN}.100`;
const VIP6 = `${LAN6}:100`;
const VIP2 = `${LAN}.101`;

/** Our three instances; frrIf: FRR's macvlan for each; ourVmac: where our VIP lives with use_vmac. */
const INSTANCES = [
  { name: 'V3_4', vrid: 51, family: 'v4', version: 3, vip: VIP4, cidr: `${VIP4}/24`, frrIf: 'f51v4' },
  { name: 'V3_6', vrid: 51, family: 'v6', version: 3, vip: VIP6, cidr: `${VIP6}/64`, frrIf: 'f51v6' },
  { name: 'V2_4', vrid: 52, family: 'v4', version: 2, vip: VIP2, cidr: `${VIP2}/24`, frrIf: 'f52v4', ourVmac: 'vrrp.52' },
] as const;
const FRR_WHICH = INSTANCES.map((i) => [i.vrid, i.family as FrrFamily] as const);
const MACVLANS: FrrMacvlan[] = INSTANCES.map((i) => ({ name: i.frrIf, vrid: i.vrid, family: i.family, cidr: i.cidr }));

/** RFC 5798 §6.1 / RFC 3768 §6.1: 3 × the master's interval + skew, in ms. */
const masterDownMs = (masterIntervalMs: number, priority: number, version: 2 | 3): number =>
  3 * masterIntervalMs + (version === 3 ? ((256 - priority) * masterIntervalMs) / 256 : ((256 - priority) * 1000) / 256);

const ourConf = (priority: number): string => `global_defs {
  router_id kts
}
${INSTANCES.map((i) => instanceConf({
    name: i.name, vrid: i.vrid, version: i.version, priority, vips: [i.cidr], extra: 'ourVmac' in i ? '  use_vmac\n' : '',
  })).join('')}`;

const frrConf = (priority: number): string => `interface eth0
 vrrp 51 version 3
 vrrp 51 priority ${priority}
 vrrp 51 advertisement-interval 500
 vrrp 51 ip ${VIP4}
 vrrp 51 ipv6 ${VIP6}
 vrrp 52 version 2
 vrrp 52 priority ${priority}
 vrrp 52 advertisement-interval 1000
 vrrp 52 ip ${VIP2}
!
`;

const ERROR_COUNTERS = [
  'packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err',
  'invalid_authtype', 'authtype_mismatch', 'auth_failure',
] as const;

interface JsonInstance { data: { iname: string; state: number; master_adver_int: number }; stats: Record<string, number> }

/** keepalived-ts's JSON dump (keepalived.json in its TMPDIR), freshly written. */
async function jsonDump(daemon: DaemonProcess): Promise<Map<string, JsonInstance>> {
  const file = daemon.path('keepalived.json');
  rmSync(file, { force: true });
  daemon.signal(SIGJSON);
  const text = await waitUntil('keepalived.json', () => {
    if (!existsSync(file)) return undefined;
    const content = readFileSync(file, 'utf8');
    try { JSON.parse(content); return content; } catch { return undefined; } // still being written
  }, { timeoutMs: 3000 });
  return new Map((JSON.parse(text) as JsonInstance[]).map((i) => [i.data.iname, i]));
}

/** Our VIPs on r1's eth0, from `ip -j addr`. */
async function ourVips(r1: Namespace): Promise<string[]> {
  const held: string[] = [];
  for (const i of INSTANCES) if (await hasAddress(r1, i.cidr, 'ourVmac' in i ? i.ourVmac : 'eth0')) held.push(i.name);
  return held;
}

/**
 * FRR's complaints about our packets, less its own cross-talk: each FRR virtual router reads
 * every IPv4 VRRP packet on the interface from a raw socket of its own and checks the version
 * before the VRID, so its VRRPv3 router 51 logs "Bad version 2" for every advert of VRID 52
 * (and router 52 "Bad version 3" for 51's), whoever sends them. Such a line is left out only
 * when the version it names is that of another of our virtual routers; that our adverts carry
 * the right version for their VRID is checked on the wire.
 */
function complaintsAboutUs(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    const crossTalk = /\[VRID (\d+)\] \[IPv4\] Datagram invalid: Bad version (\d)$/.exec(line);
    if (!crossTalk) return true;
    const [vrid, version] = [Number(crossTalk[1]), Number(crossTalk[2])];
    const own = INSTANCES.find((i) => i.vrid === vrid && i.family === 'v4');
    return !(own && own.version !== version && INSTANCES.some((i) => i.family === 'v4' && i.version === version));
  });
}

/** Adverts of one virtual router (by VRID and IP family) from one source. */
const advertsOf = (adverts: readonly WireAdvert[], vrid: number, family: FrrFamily, source?: string): WireAdvert[] =>
  adverts.filter((a) => a.vrid === vrid && a.source.includes(':') === (family === 'v6') && (source === undefined || a.source === source));

/** The gap between `from`'s last advert and `to`'s first one after it (ms), on the wire. */
function handoverGap(adverts: readonly WireAdvert[], vrid: number, family: FrrFamily, from: (a: WireAdvert) => boolean, to: (a: WireAdvert) => boolean): number {
  const mine = advertsOf(adverts, vrid, family);
  const firstNew = mine.findIndex(to);
  assert.ok(firstNew > 0, `VRID ${vrid} ${family}: an advert from the new master after the old one's`);
  const lastOld = mine.slice(0, firstNew).filter(from).at(-1);
  assert.ok(lastOld, `VRID ${vrid} ${family}: the old master advertised before the handover`);
  return mine[firstNew]!.time - lastOld.time;
}

test('keepalived-ts and FRR vrrpd: VRRPv3 IPv4/IPv6 and VRRPv2 fail over both ways, and FRR\'s priority 0', { timeout: 90_000 }, async (t) => {
  const missing = frrMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan({ ipv6: true });
  const R1 = `${LAN}.1`;
  const R2 = `${LAN}.2`;
  let capture = await client.capture('eth0', 'arp or icmp6 or ip proto 112 or ip6 proto 112');

  // --- 1. FRR Master, keepalived-ts BACKUP -----------------------------------------------------
  await frrMacvlans(r2, 'eth0', MACVLANS);
  const frr = await FrrRouter.start(r2, lab.dir, 'frr1', frrConf(200));
  await frr.waitStatus(FRR_WHICH, 'Master', 10_000);
  const ours = lab.daemon(r1, 'kts', ourConf(100));
  for (const i of INSTANCES) await ours.waitState(i.name, 'BACKUP', 10_000);
  // Master_Down_Interval of the slowest (v2, 3.6 s) would pass here if FRR's adverts were dropped.
  await delay(masterDownMs(1000, 100, 2) + 300);
  for (const i of INSTANCES) assert.equal(ours.state(i.name), 'BACKUP', `${i.name}: BACKUP under FRR`);
  assert.deepEqual(await ourVips(r1), [], 'no VIP on our interfaces while FRR is Master');
  assert.deepEqual(ours.lines.filter((l) => / dropped advert /.test(l)), [], 'no advert of FRR\'s dropped');
  let dump = await jsonDump(ours);
  for (const i of INSTANCES) {
    const entry = dump.get(i.name);
    assert.ok(entry, `${i.name} in the JSON dump`);
    assert.ok(entry.stats.advert_rcvd! >= 3, `${i.name}: FRR's adverts received (${entry.stats.advert_rcvd})`);
    for (const counter of ERROR_COUNTERS) assert.equal(entry.stats[counter], 0, `${i.name}: ${counter}`);
    // VRRPv3 (RFC 5798 §6.4.2): a backup learns the master's interval — FRR's 50 cs.
    assert.equal(entry.data.master_adver_int, i.version === 3 ? 0.5 : 1, `${i.name}: master_adver_int`);
  }
  await capture.waitForPackets(1, `ip proto 112 and src host ${R2}`, 3000);
  assert.deepEqual(complaintsAboutUs(frr.complaints()), [], 'FRR had nothing to say about our start-up');

  // FRR crashes (zebra and vrrpd stopped, then killed): keepalived-ts takes every VIP.
  let crashedAt = Date.now();
  await lab.crash(r2);
  // A dead router answers nothing: take its macvlans (still holding the VIPs) off the LAN.
  for (const m of MACVLANS) await r2.ip('link', 'set', 'dev', m.name, 'down');
  await waitUntil('every VIP on keepalived-ts', async () => (await ourVips(r1)).length === INSTANCES.length,
    { timeoutMs: masterDownMs(1000, 100, 2) + 3000, intervalMs: 20 });
  t.diagnostic(`keepalived-ts held every VIP ${Date.now() - crashedAt} ms after FRR's crash`);
  for (const i of INSTANCES) await ours.waitState(i.name, 'MASTER', 1000);
  // V2_4 runs with use_vmac: its GARPs come from the virtual MAC.
  await capture.waitForPackets(1, `arp and host ${VIP2} and ether src ${virtualMac(52, 'v4')}`, 3000);
  await capture.waitForPackets(1, `ip6 proto 112 and src host ${LINK_LOCAL.r1}`, 3000);
  let adverts = await decodeAdverts(capture);
  for (const i of INSTANCES) {
    const mine = advertsOf(adverts, i.vrid, i.family, i.family === 'v6' ? LINK_LOCAL.r1 : R1);
    assert.ok(mine.length > 0, `${i.name}: our adverts as master`);
    assert.ok(mine.every((a) => a.version === i.version && a.priority === 100 && a.ttl === 255), `${i.name}: VRRPv${i.version}, priority 100, TTL 255`);
    if (i.version === 3) assert.ok(mine.every((a) => a.interval === 100), `${i.name}: our interval, 100 cs`);
    const gap = handoverGap(adverts, i.vrid, i.family, (a) => a.source !== mine[0]!.source, (a) => a.source === mine[0]!.source);
    const expected = masterDownMs(i.version === 3 ? 500 : 1000, 100, i.version);
    t.diagnostic(`${i.name}: our first advert ${gap} ms after FRR's last (Master_Down_Interval ${expected} ms)`);
    assert.ok(gap >= expected - 50 && gap <= expected + 700, `${i.name}: took over after Master_Down_Interval (${gap} ms, expected ${expected})`);
  }
  assert.ok((await garps(capture, VIP4)).some((g) => g.mac === MAC.r1), 'our GARP for the v3 VIP');
  assert.ok((await garps(capture, VIP2)).some((g) => g.mac === virtualMac(52, 'v4')), 'our GARP for the v2 VIP, from our VMAC');
  assert.ok((await unsolicitedNas(capture, VIP6)).some((n) => n.mac === MAC.r1), 'our unsolicited NA for the IPv6 VIP');
  dump = await jsonDump(ours);
  for (const i of INSTANCES) assert.equal(dump.get(i.name)?.stats.become_master, 1, `${i.name}: became master once`);

  // --- 2. keepalived-ts MASTER, FRR Backup -----------------------------------------------------
  capture = await client.capture('eth0', 'arp or icmp6 or ip proto 112 or ip6 proto 112');
  await frrMacvlans(r2, 'eth0', MACVLANS);
  const frr2 = await FrrRouter.start(r2, lab.dir, 'frr2', frrConf(50));
  await frr2.waitStatus(FRR_WHICH, 'Backup', 10_000);
  await waitUntil('FRR receiving our adverts', async () => {
    const routers = await frr2.show();
    return FRR_WHICH.every(([vrid, family]) => (routers.find((r) => r.vrid === vrid)?.[family].stats.adverRx ?? 0) >= 3);
  }, { timeoutMs: 6000, intervalMs: 200 });
  // Three of our adverts counted: FRR's own start-up Master_Down_Interval (1.9 s at 500 ms) is
  // long past, so FRR is Backup because of them; a little longer for any late complaint.
  await delay(1000);
  for (const [vrid, family] of FRR_WHICH) {
    const state = await frr2.family(vrid, family);
    assert.equal(state.status, 'Backup', `FRR ${vrid}/${family} stays Backup under our adverts`);
    assert.equal(state.masterAdverInterval, 1000, `FRR ${vrid}/${family} learned our interval`);
  }
  for (const m of MACVLANS) assert.equal(await protodown(r2, m.name), true, `FRR's ${m.name} is protodown as Backup`);
  assert.deepEqual(complaintsAboutUs(frr2.complaints()), [], 'FRR accepts our adverts');
  for (const i of INSTANCES) assert.equal(ours.state(i.name), 'MASTER', `${i.name}: still MASTER`);

  // keepalived-ts crashes: FRR takes every virtual router.
  crashedAt = Date.now();
  await lab.crash(r1);
  await frr2.waitStatus(FRR_WHICH, 'Master', masterDownMs(1000, 50, 3) + 3000);
  t.diagnostic(`FRR Master of all three ${Date.now() - crashedAt} ms after our crash`);
  for (const m of MACVLANS) {
    assert.equal(await protodown(r2, m.name), false, `FRR's ${m.name} out of protodown`);
    assert.ok(await hasAddress(r2, m.cidr, m.name), `FRR's ${m.name} holds ${m.cidr}`);
  }
  await capture.waitForPackets(1, `arp and host ${VIP2} and ether src ${virtualMac(52, 'v4')}`, 3000);
  await capture.waitForPackets(1, `icmp6 and ether src ${virtualMac(51, 'v6')}`, 3000);
  await capture.waitForPackets(1, `ip6 proto 112 and ether src ${virtualMac(51, 'v6')}`, 3000);
  adverts = await decodeAdverts(capture);
  for (const i of INSTANCES) {
    const frrSource = i.family === 'v6' ? (await frr2.family(i.vrid, i.family)).primaryAddress : R2;
    const theirs = advertsOf(adverts, i.vrid, i.family, frrSource);
    assert.ok(theirs.some((a) => a.version === i.version && a.priority === 50 && a.ttl === 255), `FRR's adverts for ${i.name} as master`);
    const ourSource = i.family === 'v6' ? LINK_LOCAL.r1 : R1;
    const gap = handoverGap(adverts, i.vrid, i.family, (a) => a.source === ourSource, (a) => a.source === frrSource);
    const expected = masterDownMs(1000, 50, i.version);
    // FRR's first IPv6 advert as a new Master may come one of its intervals (500 ms) late (frr.ts).
    const late = i.family === 'v6' ? 500 : 0;
    t.diagnostic(`${i.name}: FRR's first advert ${gap} ms after our last (Master_Down_Interval ${expected} ms)`);
    assert.ok(gap >= expected - 50 && gap <= expected + late + 700, `${i.name}: FRR took over after Master_Down_Interval (${gap} ms)`);
  }
  assert.ok((await garps(capture, VIP4)).some((g) => g.mac === virtualMac(51, 'v4')), 'FRR\'s GARP for the v3 VIP from the virtual MAC');
  assert.ok((await garps(capture, VIP2)).some((g) => g.mac === virtualMac(52, 'v4')), 'FRR\'s GARP for the v2 VIP from the virtual MAC');
  assert.ok((await unsolicitedNas(capture, VIP6)).some((n) => n.mac === virtualMac(51, 'v6')), 'FRR\'s NA for the IPv6 VIP');
  assert.deepEqual(complaintsAboutUs(frr2.complaints()), [], 'FRR never complained about our packets');

  // --- 3. keepalived-ts back at 40 under FRR; FRR shuts its virtual routers down -------------------
  // The crash left our VIPs on r1: the new daemon's start-up clean-up must remove them.
  const ours2 = lab.daemon(r1, 'kts2', ourConf(40));
  for (const i of INSTANCES) await ours2.waitState(i.name, 'BACKUP', 10_000);
  await waitUntil('our VIPs cleaned up and FRR\'s adverts counted', async () => {
    const counted = await jsonDump(ours2);
    return (await ourVips(r1)).length === 0 && INSTANCES.every((i) => (counted.get(i.name)?.stats.advert_rcvd ?? 0) >= 2);
  }, { timeoutMs: 5000, intervalMs: 200 });
  capture = await client.capture('eth0', 'ip proto 112 or ip6 proto 112');
  const linesBefore = frr2.lines.length;
  // RFC 5798 §6.4.3: a Master that shuts down sends priority 0; the backup waits only Skew_Time.
  await frr2.vtysh('configure terminal', 'interface eth0', 'vrrp 51 shutdown', 'vrrp 52 shutdown');
  await waitUntil('every VIP on keepalived-ts again', async () => (await ourVips(r1)).length === INSTANCES.length, { timeoutMs: 3000, intervalMs: 20 });
  for (const i of INSTANCES) await ours2.waitState(i.name, 'MASTER', 1000);
  await capture.waitForPackets(1, `ip6 proto 112 and src host ${LINK_LOCAL.r1}`, 3000);
  adverts = await decodeAdverts(capture);
  for (const i of INSTANCES) {
    const mine = advertsOf(adverts, i.vrid, i.family);
    const zero = mine.findIndex((a) => a.priority === 0);
    assert.ok(zero >= 0, `FRR's priority-0 advert for ${i.name}`);
    const ourSource = i.family === 'v6' ? LINK_LOCAL.r1 : R1;
    const first = mine.slice(zero).find((a) => a.source === ourSource);
    assert.ok(first, `${i.name}: our advert after FRR's priority 0`);
    assert.equal(first.priority, 40);
    const gap = first.time - mine[zero]!.time;
    // Skew_Time: (256 − 40)/256 × the interval learned from FRR (v3: 500 ms; v2: 1 s).
    const skew = ((256 - 40) * (i.version === 3 ? 500 : 1000)) / 256;
    t.diagnostic(`${i.name}: our first advert ${gap} ms after FRR's priority 0 (Skew_Time ${skew} ms)`);
    assert.ok(gap >= skew - 50 && gap <= skew + 600, `${i.name}: took over after Skew_Time (${gap} ms, expected ${skew})`);
  }
  dump = await jsonDump(ours2);
  for (const i of INSTANCES) assert.ok(dump.get(i.name)!.stats.pri_zero_rcvd! >= 1, `${i.name}: pri_zero_rcvd`);
  assert.deepEqual(complaintsAboutUs(frr2.complaints(linesBefore)), [], 'FRR had nothing to say about our adverts');
  t.diagnostic(`took ${Date.now() - started} ms`);
});
