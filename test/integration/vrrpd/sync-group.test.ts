/**
 * A vrrp_sync_group following one member's fault, between two keepalived-ts daemons.
 *
 * Two LANs (eth0 on br0, eth1 on br1); on each router a sync group G1 of two VRRPv3
 * instances (advert_int 0.5 s): VI_1 on eth0 (VRID 51) and VI_2 on eth1 (VRID 52). r1 is at
 * priority 150, r2 at 100, both preempt (the default). r1 is MASTER of both.
 *
 * 1. r1's eth1 is taken down inside r1's namespace. VI_2 goes to FAULT (its interface is
 *    down) and drags VI_1 to FAULT with it (keepalived vrrp_sync_fault): VI_1, leaving
 *    MASTER for FAULT, sends one priority-0 advert on eth0 (vrrp_state_leave_master with
 *    wantstate FAULT) and falls silent; VI_2's own priority-0 adverts cannot leave a downed
 *    link, so eth1 just goes quiet. r2's VI_1 would take over after Skew_Time, but a sync
 *    group goes MASTER only together: it waits for VI_2's Master_Down_Interval, then
 *    both move at once. Asserted from `ip -j addr` (r2 holds both VIPs, r1 neither), from
 *    the wire on both LANs (r1's priority-0 advert then silence, r2's adverts at 100 for
 *    both VRIDs, r2's GARPs for both VIPs from its own MACs) and from the logs.
 * 2. eth1 comes back: the group leaves FAULT for BACKUP, r1 hears r2's lower-priority
 *    adverts, discards them (preempt), and after its Master_Down_Interval takes both back.
 * 3. An unweighted track_file on r1's VI_1 reads 1: VI_1 goes to FAULT with its link up, so
 *    both members leave MASTER with priority-0 adverts and r2's members take over after
 *    Skew_Time, together. The file reads 0 again and r1 preempts both back.
 * 4. The group's notify scripts ran with keepalived's arguments: notify_master/backup/fault
 *    with their own, the generic `notify` with `GROUP G1 <STATE> 0`, on both routers.
 *
 * The assertions are keepalived's behaviour: with `lab.keepalived` in place of `lab.daemon`,
 * Debian's keepalived 2.2.7 on both routers passes this test unchanged.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitUntil } from '../../harness/index.js';
import { decodeAdverts, type WireAdvert } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, LAN_B, MAC, MAC_B, advertRuns, garps, holders, instanceConf, waitHolders } from './lab.js';

const ADVERT_MS = 500;
const masterDownMs = (priority: number): number => 3 * ADVERT_MS + Math.round(((256 - priority) * ADVERT_MS) / 256);
/** r2's Skew_Time (priority 100): how long it waits after a priority-0 advert. */
const SKEW_MS = Math.round(((256 - 100) * ADVERT_MS) / 256);
const VIP_A = `${LAN}.101`;
const VIP_B = `${LAN_B}.102`;
/** Who holds which VIP: VI_1's on eth0, VI_2's on eth1. */
const VIPS = [
  { name: 'VI_1', vrid: 51, cidr: `${VIP_A}/24`, ifname: 'eth0' },
  { name: 'VI_2', vrid: 52, cidr: `${VIP_B}/24`, ifname: 'eth1' },
] as const;

const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

test('a sync group follows one member\'s fault to the other router and comes back with it', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan({ second: true });
  const routers = { r1, r2 };
  const out = (name: string): string => join(lab.dir, name);
  const stateScript = lab.writeFile('group-state.sh', '#!/bin/sh\nout="$1"; shift\necho "$@" >> "$out"\n', 0o755);
  const genericScript = lab.writeFile('group-notify.sh', '#!/bin/sh\nout="$1"; shift\necho "$@" >> "$out"\n', 0o755);

  const faultFile = out('fault');
  writeFileSync(faultFile, '0\n');
  const conf = (router: 'r1' | 'r2', priority: number): string => `global_defs {
  router_id ${router}
}
track_file fault {
  file "${faultFile}"
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  notify_master "${stateScript} ${out(`${router}.group-state`)} to master"
  notify_backup "${stateScript} ${out(`${router}.group-state`)} to backup"
  notify_fault "${stateScript} ${out(`${router}.group-state`)} to fault"
  notify "${genericScript} ${out(`${router}.group-notify`)}"
}
${VIPS.map((v) => instanceConf({ name: v.name, vrid: v.vrid, interface: v.ifname, priority, version: 3, advertInt: ADVERT_MS / 1000, vips: [v.cidr],
    // r1's VI_1 also watches a file, unweighted: a non-zero value is a fault.
    extra: router === 'r1' && v.name === 'VI_1' ? '  track_file {\n    fault weight 0\n  }\n' : '' })).join('')}`;

  const a = lab.daemon(r1, 'r1', conf('r1', 150));
  for (const v of VIPS) await a.waitState(v.name, 'MASTER', 10_000);
  const b = lab.daemon(r2, 'r2', conf('r2', 100));
  for (const v of VIPS) await b.waitState(v.name, 'BACKUP', 8000);
  for (const v of VIPS) await waitHolders(routers, v.cidr, ['r1'], 2000, v.ifname);

  // --- r1's eth1 goes down: the whole group moves to r2 ------------------------------------------
  const wireA = await client.capture('eth0', 'arp or ip proto 112');
  const wireB = await client.capture('eth1', 'arp or ip proto 112');
  await wireA.waitForPackets(2, `ip proto 112 and src host ${LAN}.1`, 3000);
  await wireB.waitForPackets(2, `ip proto 112 and src host ${LAN_B}.1`, 3000);
  const faultedAt = Date.now();
  const r1LinesBefore = a.lines.length;
  await r1.ip('link', 'set', 'dev', 'eth1', 'down');

  await a.waitState('VI_2', 'FAULT', 3000);
  await a.waitState('VI_1', 'FAULT', 1000);
  await a.waitLine(/VRRP_Group\(G1\) Syncing instances to FAULT state/, 1000, r1LinesBefore);
  for (const v of VIPS) await waitHolders(routers, v.cidr, ['r2'], masterDownMs(100) + 2000, v.ifname);
  t.diagnostic(`both VIPs on r2 ${Date.now() - faultedAt} ms after r1's eth1 went down (Master_Down_Interval ${masterDownMs(100)} ms)`);
  for (const v of VIPS) await b.waitState(v.name, 'MASTER', 1000);
  await b.waitLine(/VRRP_Group\(G1\) Syncing instances to MASTER state/, 1000);
  for (const v of VIPS) assert.deepEqual(await holders({ r1 }, v.cidr, v.ifname), [], `r1 released ${v.name}'s VIP`);
  // Wait for r2's GARPs on both LANs before reading the captures.
  await wireA.waitForPackets(1, `arp and host ${VIP_A} and ether src ${MAC.r2}`, 3000);
  await wireB.waitForPackets(1, `arp and host ${VIP_B} and ether src ${MAC_B.r2}`, 3000);
  // A few more adverts from r2, so "r1 stayed silent" covers a stretch of r2's mastership.
  await wireA.waitForPackets(4, `ip proto 112 and src host ${LAN}.2`, 3000);
  await wireB.waitForPackets(4, `ip proto 112 and src host ${LAN_B}.2`, 3000);
  assert.equal(a.state('VI_1'), 'FAULT', 'r1\'s VI_1 stays in FAULT with its group');
  const advertsA = await decodeAdverts(wireA);
  const advertsB = await decodeAdverts(wireB);
  const arpsA = await garps(wireA, VIP_A);
  const arpsB = await garps(wireB, VIP_B);

  // eth0: r1's VI_1 left MASTER for FAULT with one priority-0 advert, then nothing from r1.
  const r1OnA = advertsA.filter((ad) => ad.source === `${LAN}.1`);
  const stopAt = r1OnA.findIndex((ad) => ad.priority === 0);
  assert.ok(stopAt > 0, 'r1 advertised VRID 51 at 150, then sent a priority-0 advert');
  assert.ok(r1OnA.slice(0, stopAt).every((ad) => ad.vrid === 51 && ad.priority === 150), 'before the fault: VRID 51 at 150');
  assert.deepEqual(r1OnA.slice(stopAt).map((ad) => [ad.vrid, ad.priority]), [[51, 0]], 'one priority-0 advert, then silence (keepalived vrrp_state_leave_master to FAULT)');
  const prio0At = (r1OnA[stopAt] as WireAdvert).time;
  assert.ok(prio0At >= faultedAt - 50, 'the priority-0 advert followed the fault');
  // eth1: r1's adverts simply stop (its link is down); no priority-0 advert can get out.
  assert.ok(advertsB.filter((ad) => ad.source === `${LAN_B}.1`).every((ad) => ad.vrid === 52 && ad.priority === 150), 'eth1: r1 only ever advertised at 150');
  const lastR1OnB = advertsB.filter((ad) => ad.source === `${LAN_B}.1`).at(-1) as WireAdvert;
  // r2 advertises both VRIDs at 100, from its addresses on each LAN.
  const firstR2A = advertsA.find((ad) => ad.source === `${LAN}.2`);
  const firstR2B = advertsB.find((ad) => ad.source === `${LAN_B}.2`);
  assert.ok(firstR2A && firstR2B, 'r2 advertises on both LANs');
  assert.ok(advertsA.filter((ad) => ad.source === `${LAN}.2`).every((ad) => ad.vrid === 51 && ad.priority === 100 && ad.version === 3), 'eth0: r2 at 100 for VRID 51');
  assert.ok(advertsB.filter((ad) => ad.source === `${LAN_B}.2`).every((ad) => ad.vrid === 52 && ad.priority === 100 && ad.version === 3), 'eth1: r2 at 100 for VRID 52');
  assert.deepEqual(advertRuns(advertsA, 51), [`${LAN}.1`, `${LAN}.2`], 'VRID 51: r1, then r2 — no flapping');
  assert.deepEqual(advertRuns(advertsB, 52), [`${LAN_B}.1`, `${LAN_B}.2`], 'VRID 52: r1, then r2 — no flapping');
  // The group moved together: r2's VI_1 (priority 0 heard, Skew_Time) did not go ahead of
  // VI_2, which needed its full Master_Down_Interval after r1's last eth1 advert.
  const gapB = firstR2B.time - lastR1OnB.time;
  t.diagnostic(`wire: r2's first VRID 52 advert ${gapB} ms after r1's last; VRID 51 ${firstR2A.time - prio0At} ms after the priority-0 advert; ${Math.abs(firstR2A.time - firstR2B.time)} ms apart`);
  assert.ok(gapB >= masterDownMs(100) - 30, `VI_2 waited its Master_Down_Interval (${gapB} ms)`);
  assert.ok(Math.abs(firstR2A.time - firstR2B.time) <= 200, 'r2 took both VRIDs at once');
  // (VI_2's last advert came up to one interval before the fault, so VI_1's wait is at least
  // Master_Down_Interval less that interval; Skew_Time alone would be ${SKEW_MS} ms.)
  assert.ok(firstR2A.time - prio0At > SKEW_MS + ADVERT_MS, 'VI_1 waited for its group, not just Skew_Time after the priority-0 advert');
  assert.ok(arpsA.some((g) => g.mac === MAC.r2 && g.at >= firstR2A.time - 50), 'r2 announced VI_1\'s VIP on eth0 from its own MAC');
  assert.ok(arpsB.some((g) => g.mac === MAC_B.r2 && g.at >= firstR2B.time - 50), 'r2 announced VI_2\'s VIP on eth1 from its own MAC');
  assert.ok(!arpsA.some((g) => g.mac === MAC.r1 && g.at > faultedAt) && !arpsB.some((g) => g.mac === MAC_B.r1 && g.at > faultedAt), 'r1 announced nothing while faulty');

  // --- eth1 comes back: r1 leaves FAULT and preempts both back --------------------------------------
  const wireA2 = await client.capture('eth0', 'arp or ip proto 112');
  const wireB2 = await client.capture('eth1', 'arp or ip proto 112');
  const clearedAt = Date.now();
  const r1LinesUp = a.lines.length;
  await r1.ip('link', 'set', 'dev', 'eth1', 'up');
  await a.waitLine(/\(VI_2\) Entering BACKUP STATE/, 3000, r1LinesUp);
  for (const v of VIPS) await waitHolders(routers, v.cidr, ['r1'], masterDownMs(150) + 3000, v.ifname);
  t.diagnostic(`both VIPs back on r1 ${Date.now() - clearedAt} ms after eth1 came back (Master_Down_Interval ${masterDownMs(150)} ms)`);
  for (const v of VIPS) await a.waitState(v.name, 'MASTER', 1000);
  for (const v of VIPS) await b.waitState(v.name, 'BACKUP', 2000);
  await wireA2.waitForPackets(1, `arp and host ${VIP_A} and ether src ${MAC.r1}`, 3000);
  await wireB2.waitForPackets(1, `arp and host ${VIP_B} and ether src ${MAC_B.r1}`, 3000);
  await wireA2.waitForPackets(3, `ip proto 112 and src host ${LAN}.1`, 3000);
  await wireB2.waitForPackets(3, `ip proto 112 and src host ${LAN_B}.1`, 3000);
  const backA = await decodeAdverts(wireA2);
  const backB = await decodeAdverts(wireB2);
  assert.deepEqual(advertRuns(backA, 51), [`${LAN}.2`, `${LAN}.1`], 'VRID 51: r2, then r1 again');
  assert.deepEqual(advertRuns(backB, 52), [`${LAN_B}.2`, `${LAN_B}.1`], 'VRID 52: r2, then r1 again');
  for (const [adverts, vrid, r1Src] of [[backA, 51, `${LAN}.1`], [backB, 52, `${LAN_B}.1`]] as const) {
    const first = adverts.find((ad) => ad.source === r1Src) as WireAdvert;
    assert.equal(first.priority, 150, `VRID ${vrid}: r1 back at 150`);
    // r1 discarded r2's lower-priority adverts and waited its own Master_Down_Interval.
    assert.ok(first.time - clearedAt >= masterDownMs(150) - 100, `VRID ${vrid}: r1 preempted after its Master_Down_Interval (${first.time - clearedAt} ms)`);
    const late = adverts.filter((ad) => ad.vrid === vrid && ad.source !== r1Src && ad.time > first.time + 50);
    assert.deepEqual(late, [], `VRID ${vrid}: r2 fell silent once r1 took over`);
  }

  // --- an unweighted track_file fails on VI_1: the group goes to FAULT with its links up ----------
  const wireA3 = await client.capture('eth0', 'arp or ip proto 112');
  const wireB3 = await client.capture('eth1', 'arp or ip proto 112');
  await wireA3.waitForPackets(1, `ip proto 112 and src host ${LAN}.1`, 3000);
  await wireB3.waitForPackets(1, `ip proto 112 and src host ${LAN_B}.1`, 3000);
  const r1LinesFile = a.lines.length;
  const trackedAt = Date.now();
  writeFileSync(faultFile, '1\n');
  await a.waitLine(/\(VI_1\) Entering FAULT STATE/, 3000, r1LinesFile);
  await a.waitState('VI_2', 'FAULT', 1000);
  // Both members can say goodbye now: r2's members each take over after Skew_Time.
  for (const v of VIPS) await waitHolders(routers, v.cidr, ['r2'], SKEW_MS + 2000, v.ifname);
  t.diagnostic(`both VIPs on r2 ${Date.now() - trackedAt} ms after the track_file failed (Skew_Time ${SKEW_MS} ms)`);
  for (const v of VIPS) await b.waitState(v.name, 'MASTER', 1000);
  await wireA3.waitForPackets(2, `ip proto 112 and src host ${LAN}.2`, 3000);
  await wireB3.waitForPackets(2, `ip proto 112 and src host ${LAN_B}.2`, 3000);
  const fileA = await decodeAdverts(wireA3);
  const fileB = await decodeAdverts(wireB3);
  // The member pulled along by the group sends one priority-0 advert (keepalived
  // vrrp_state_leave_master to FAULT). The member whose own tracker failed: keepalived sends
  // two back to back (leaving MASTER for FAULT, then again releasing its addresses), ours one
  // (a documented difference, fsm/instance.ts); either way the peer hears it at once.
  const zeros = (adverts: readonly WireAdvert[], source: string): WireAdvert[] => adverts.filter((ad) => ad.source === source && ad.priority === 0);
  const ownZeros = zeros(fileA, `${LAN}.1`).length;
  assert.ok(ownZeros >= 1 && ownZeros <= 2, `VRID 51 (tracker failed): priority 0 sent, not repeated (${ownZeros})`);
  assert.equal(zeros(fileB, `${LAN_B}.1`).length, 1, 'VRID 52 (pulled by the group): one priority-0 advert');
  for (const [adverts, r1Src, r2Src] of [[fileA, `${LAN}.1`, `${LAN}.2`], [fileB, `${LAN_B}.1`, `${LAN_B}.2`]] as const) {
    const lastZero = zeros(adverts, r1Src).at(-1) as WireAdvert;
    const takeover = adverts.find((ad) => ad.source === r2Src) as WireAdvert;
    assert.ok(takeover, `r2 advertises on ${r2Src}'s LAN`);
    assert.deepEqual(adverts.filter((ad) => ad.source === r1Src && ad.time > lastZero.time), [], 'r1 silent after its priority-0 advert(s)');
    const gap = takeover.time - lastZero.time;
    t.diagnostic(`wire: r2's first advert from ${r2Src} ${gap} ms after r1's last priority-0 advert`);
    assert.ok(gap < masterDownMs(100) - ADVERT_MS, `priority 0 let r2 take over after Skew_Time, not Master_Down_Interval (${gap} ms)`);
  }
  writeFileSync(faultFile, '0\n');
  for (const v of VIPS) await waitHolders(routers, v.cidr, ['r1'], masterDownMs(150) + 3000, v.ifname);
  for (const v of VIPS) await a.waitState(v.name, 'MASTER', 1000);
  for (const v of VIPS) await b.waitState(v.name, 'BACKUP', 2000);

  // --- the group's notify scripts ------------------------------------------------------------------
  const expectR1 = ['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER'];
  const expectR2 = ['BACKUP', 'MASTER', 'BACKUP', 'MASTER', 'BACKUP'];
  await waitUntil('every group notify', () => lines(out('r1.group-notify')).length >= expectR1.length
    && lines(out('r2.group-notify')).length >= expectR2.length, { timeoutMs: 3000 });
  assert.deepEqual(lines(out('r1.group-notify')), expectR1.map((s) => `GROUP G1 ${s} 0`), 'r1: generic notify, keepalived\'s four arguments');
  assert.deepEqual(lines(out('r2.group-notify')), expectR2.map((s) => `GROUP G1 ${s} 0`), 'r2: generic notify');
  assert.deepEqual(lines(out('r1.group-state')), expectR1.map((s) => `to ${s.toLowerCase()}`), 'r1: notify_master/backup/fault with their own arguments');
  assert.deepEqual(lines(out('r2.group-state')), expectR2.map((s) => `to ${s.toLowerCase()}`), 'r2: notify_master/backup');

  assert.equal(await a.stop(), 0);
  assert.equal(await b.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
