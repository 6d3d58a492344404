/**
 * Weighted trackers changing the winner between two keepalived-ts daemons. Two VRRPv3
 * instances (advert_int 0.5 s) on one LAN, r1 at priority 100 and r2 at 90 on both, preempt:
 *
 *   VI_1 (VRID 51)  r1 tracks vrrp_script chk (interval 1, fall 1, rise 1, weight -20), which
 *                   reads a file the test writes; and track_file lower with `weight 10 reverse`
 *   VI_2 (VRID 52)  r2 tracks track_file boost with `weight 5`
 *
 * 1. chk starts failing and boost reads 3: r1's VI_1 drops to 100 − 20 = 80 and keeps
 *    advertising as MASTER at 80; r2 (90, preempt) discards those and takes over after its
 *    Master_Down_Interval; r2's VI_2 rises to 90 + 3 × 5 = 105 (keepalived multiplies the
 *    file's value by the weight) and preempts r1's 100. The wire shows r1's VRID 51 adverts
 *    at 80 before r2's at 90, and r2's VRID 52 adverts at 105; the kernel shows both VIPs
 *    on r2; r1's USR1 data dump and both JSON dumps show the effective priorities.
 * 2. chk recovers and boost reads 0: r1's VI_1 is back at 100 and preempts r2's 90; r2's
 *    VI_2, still MASTER, advertises at 90 again and r1's 100 preempts it. Both VIPs on r1.
 * 3. lower reads 2: reversed, 2 × 10 is subtracted: r1's VI_1 is at 80 again and r2 takes
 *    VI_1 while VI_2 stays on r1.
 *
 * The assertions are keepalived's behaviour: with `lab.keepalived` in place of `lab.daemon`,
 * Debian's keepalived 2.2.7 on both routers passes this test unchanged.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitUntil, type Capture } from '../../harness/index.js';
import { decodeAdverts, type WireAdvert } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, MAC, advertRuns, garps, holders, instanceConf, waitHolders, type DaemonProcess } from './lab.js';

const ADVERT_MS = 500;
const masterDownMs = (priority: number): number => 3 * ADVERT_MS + Math.round(((256 - priority) * ADVERT_MS) / 256);
const SIGJSON = 36; // SIGRTMIN+2 on Linux/glibc
const R1 = `${LAN}.1`;
const R2 = `${LAN}.2`;
const VI_1 = { name: 'VI_1', vrid: 51, vip: `${LAN}.101`, cidr: `${LAN}.101/24` } as const;
const VI_2 = { name: 'VI_2', vrid: 52, vip: `${LAN}.102`, cidr: `${LAN}.102/24` } as const;

/** One instance's block of a USR1 data dump, from "VRRP Instance = NAME" to the next instance. */
function instanceSection(data: string, name: string): string {
  const start = data.indexOf(` VRRP Instance = ${name}\n`);
  assert.ok(start >= 0, `the data dump shows ${name}`);
  const next = data.indexOf(' VRRP Instance = ', start + 1);
  return data.slice(start, next < 0 ? undefined : next);
}

async function usr1Dump(d: DaemonProcess): Promise<string> {
  const path = d.path('keepalived.data');
  rmSync(path, { force: true });
  d.signal('SIGUSR1');
  await waitUntil(`${d.label}: keepalived.data`, () => existsSync(path) && readFileSync(path, 'utf8').includes('VRRP Instance'), { timeoutMs: 3000 });
  return readFileSync(path, 'utf8');
}

async function jsonPriorities(d: DaemonProcess): Promise<Record<string, { effective: number; base: number; state: number }>> {
  const path = d.path('keepalived.json');
  rmSync(path, { force: true });
  d.signal(SIGJSON);
  await waitUntil(`${d.label}: keepalived.json`, () => existsSync(path) && readFileSync(path, 'utf8').trim().endsWith(']'), { timeoutMs: 3000 });
  const dumped = JSON.parse(readFileSync(path, 'utf8')) as { data: { iname: string; effective_priority: number; base_priority: number; state: number } }[];
  return Object.fromEntries(dumped.map((i) => [i.data.iname, { effective: i.data.effective_priority, base: i.data.base_priority, state: i.data.state }]));
}

/** r1's adverts for `vrid` at `priority` that came before `source`'s first advert for it. */
const before = (adverts: readonly WireAdvert[], vrid: number, priority: number, source: string, first: WireAdvert): WireAdvert[] =>
  adverts.filter((ad) => ad.vrid === vrid && ad.source === source && ad.priority === priority && ad.time < first.time);

const firstFrom = (adverts: readonly WireAdvert[], vrid: number, source: string): WireAdvert => {
  const found = adverts.find((ad) => ad.vrid === vrid && ad.source === source && ad.priority > 0);
  assert.ok(found, `${source} advertised VRID ${vrid}`);
  return found;
};

test('weighted trackers move the effective priority, and the winner with it', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan();
  const routers = { r1, r2 };
  const file = (name: string): string => join(lab.dir, name);
  const health = file('health');
  const boost = file('boost');
  const lower = file('lower');
  writeFileSync(health, 'ok\n');
  writeFileSync(boost, '0\n');
  writeFileSync(lower, '0\n');
  const check = lab.writeFile('check.sh', `#!/bin/sh\n[ "$(cat ${health})" = ok ]\n`, 0o755);

  const instances = (priority: number, extra1: string, extra2: string): string =>
    instanceConf({ ...VI_1, priority, version: 3, advertInt: ADVERT_MS / 1000, vips: [VI_1.cidr], extra: extra1 })
    + instanceConf({ ...VI_2, priority, version: 3, advertInt: ADVERT_MS / 1000, vips: [VI_2.cidr], extra: extra2 });
  const confR1 = `global_defs {
  router_id r1
}
vrrp_script chk {
  script "${check}"
  interval 1
  fall 1
  rise 1
  weight -20
}
track_file lower {
  file "${lower}"
}
${instances(100, '  track_script {\n    chk\n  }\n  track_file {\n    lower weight 10 reverse\n  }\n', '')}`;
  const confR2 = `global_defs {
  router_id r2
}
track_file boost {
  file "${boost}"
}
${instances(90, '', '  track_file {\n    boost weight 5\n  }\n')}`;

  const a = lab.daemon(r1, 'r1', confR1);
  for (const i of [VI_1, VI_2]) await a.waitState(i.name, 'MASTER', 10_000);
  const b = lab.daemon(r2, 'r2', confR2);
  for (const i of [VI_1, VI_2]) await b.waitState(i.name, 'BACKUP', 8000);
  for (const i of [VI_1, VI_2]) await waitHolders(routers, i.cidr, ['r1'], 2000);
  const wait3 = async (capture: Capture, source: string): Promise<void> => capture.waitForPackets(3, `ip proto 112 and src host ${source}`, 3000);

  // --- 1. chk fails (−20 on r1's VI_1), boost reads 3 (+15 on r2's VI_2) ---------------------------
  let capture = await client.capture('eth0', 'arp or ip proto 112');
  await wait3(capture, R1);
  let from = { a: a.lines.length, b: b.lines.length };
  const failedAt = Date.now();
  writeFileSync(health, 'fail\n');
  writeFileSync(boost, '3\n');
  await a.waitLine(/\(VI_1\) Changing effective priority from 100 to 80$/, 3000, from.a);
  await b.waitLine(/\(VI_2\) Changing effective priority from 90 to 105$/, 3000, from.b);
  for (const i of [VI_1, VI_2]) await waitHolders(routers, i.cidr, ['r2'], masterDownMs(90) + 3000);
  t.diagnostic(`both VIPs on r2 ${Date.now() - failedAt} ms after the trackers changed`);
  for (const i of [VI_1, VI_2]) await b.waitState(i.name, 'MASTER', 1000);
  for (const i of [VI_1, VI_2]) await a.waitState(i.name, 'BACKUP', 1000);

  // The dumps, in the middle: r1's VI_1 at 80 (base 100), r2's VI_2 at 105 (base 90).
  const data = instanceSection(await usr1Dump(a), 'VI_1');
  assert.match(data, /^ {3}State = BACKUP$/m);
  assert.match(data, /^ {3}Priority = 100$/m);
  assert.match(data, /^ {3}Effective priority = 80$/m);
  assert.match(instanceSection(await usr1Dump(a), 'VI_2'), /^ {3}Effective priority = 100$/m);
  assert.match(instanceSection(await usr1Dump(b), 'VI_2'), /^ {3}Effective priority = 105$/m);
  assert.deepEqual(await jsonPriorities(a), { VI_1: { effective: 80, base: 100, state: 1 }, VI_2: { effective: 100, base: 100, state: 1 } }, 'r1\'s JSON dump (state 1 = BACKUP)');
  assert.deepEqual(await jsonPriorities(b), { VI_1: { effective: 90, base: 90, state: 2 }, VI_2: { effective: 105, base: 90, state: 2 } }, 'r2\'s JSON dump (state 2 = MASTER)');

  await capture.waitForPackets(2, `arp and ether src ${MAC.r2}`, 3000);
  await wait3(capture, R2);
  let adverts = await decodeAdverts(capture);
  let first2 = firstFrom(adverts, VI_1.vrid, R2);
  assert.equal(first2.priority, 90, 'r2 takes VI_1 at its own 90');
  const at80 = before(adverts, VI_1.vrid, 80, R1, first2);
  t.diagnostic(`wire: r1 sent ${at80.length} VRID 51 advert(s) at 80 before r2's first at 90`);
  assert.ok(at80.length >= 2, 'r1 kept advertising VI_1 at its effective priority 80 until r2 took over');
  assert.ok(first2.time - (at80[0] as WireAdvert).time >= masterDownMs(90) - ADVERT_MS - 100, 'r2 discarded the lower-priority adverts and waited out its Master_Down_Interval');
  assert.deepEqual(advertRuns(adverts, VI_1.vrid), [R1, R2], 'VRID 51: r1, then r2');
  assert.deepEqual(adverts.filter((ad) => ad.vrid === VI_1.vrid && ad.source === R1).map((ad) => ad.priority).filter((p, i, all) => p !== all[i - 1]), [100, 80],
    'r1\'s VRID 51 adverts: 100, then 80 — and nothing else (it went BACKUP silently)');
  assert.ok(adverts.filter((ad) => ad.vrid === VI_1.vrid && ad.source === R2).every((ad) => ad.priority === 90), 'r2 advertises VI_1 at 90');
  const first2b = firstFrom(adverts, VI_2.vrid, R2);
  assert.equal(first2b.priority, 105, 'r2 preempts VI_2 at 90 + 3 × 5');
  assert.ok(adverts.filter((ad) => ad.vrid === VI_2.vrid && ad.source === R1).every((ad) => ad.priority === 100), 'r1 advertised VI_2 at 100 only');
  assert.deepEqual(advertRuns(adverts, VI_2.vrid), [R1, R2], 'VRID 52: r1, then r2');
  for (const i of [VI_1, VI_2]) {
    const takeover = firstFrom(adverts, i.vrid, R2).time;
    assert.deepEqual(adverts.filter((ad) => ad.vrid === i.vrid && ad.source === R1 && ad.time > takeover + 50), [], `${i.name}: r1 fell silent`);
    assert.ok((await garps(capture, i.vip)).some((g) => g.mac === MAC.r2 && g.at >= takeover - 50), `r2 announced ${i.name}'s VIP`);
  }

  // --- 2. both trackers recover: r1 preempts both back --------------------------------------------
  capture = await client.capture('eth0', 'arp or ip proto 112');
  from = { a: a.lines.length, b: b.lines.length };
  const recoveredAt = Date.now();
  writeFileSync(health, 'ok\n');
  writeFileSync(boost, '0\n');
  await a.waitLine(/\(VI_1\) Changing effective priority from 80 to 100$/, 3000, from.a);
  await b.waitLine(/\(VI_2\) Changing effective priority from 105 to 90$/, 3000, from.b);
  for (const i of [VI_1, VI_2]) await waitHolders(routers, i.cidr, ['r1'], masterDownMs(100) + 3000);
  t.diagnostic(`both VIPs back on r1 ${Date.now() - recoveredAt} ms after the trackers recovered`);
  for (const i of [VI_1, VI_2]) await a.waitState(i.name, 'MASTER', 1000);
  for (const i of [VI_1, VI_2]) await b.waitState(i.name, 'BACKUP', 1000);
  await wait3(capture, R1);
  adverts = await decodeAdverts(capture);
  for (const i of [VI_1, VI_2]) {
    const back = firstFrom(adverts, i.vrid, R1);
    assert.equal(back.priority, 100, `${i.name}: r1 back at 100`);
    assert.deepEqual(advertRuns(adverts, i.vrid), [R2, R1], `${i.name}: r2, then r1`);
    assert.deepEqual(adverts.filter((ad) => ad.vrid === i.vrid && ad.source === R2 && ad.time > back.time + 50), [], `${i.name}: r2 fell silent`);
  }
  // r2, still MASTER of VI_2 when boost went back to 0, advertised its new priority.
  const r1Back2 = firstFrom(adverts, VI_2.vrid, R1);
  assert.ok(before(adverts, VI_2.vrid, 90, R2, r1Back2).length >= 1, 'r2 advertised VI_2 at 90 before r1 took it back');

  // --- 3. `reverse`: lower reads 2, so 2 × 10 comes off r1's VI_1 --------------------------------
  capture = await client.capture('eth0', 'arp or ip proto 112');
  from = { a: a.lines.length, b: b.lines.length };
  writeFileSync(lower, '2\n');
  await a.waitLine(/\(VI_1\) Changing effective priority from 100 to 80$/, 3000, from.a);
  await waitHolders(routers, VI_1.cidr, ['r2'], masterDownMs(90) + 3000);
  await b.waitState(VI_1.name, 'MASTER', 1000);
  await wait3(capture, R2);
  adverts = await decodeAdverts(capture);
  first2 = firstFrom(adverts, VI_1.vrid, R2);
  assert.ok(before(adverts, VI_1.vrid, 80, R1, first2).length >= 2, 'r1 advertised VI_1 at 80 before r2 took it');
  assert.deepEqual(advertRuns(adverts, VI_2.vrid), [R1], 'VI_2 stays on r1');
  assert.deepEqual(await holders(routers, VI_2.cidr), ['r1'], 'VI_2\'s VIP stays on r1');
  assert.deepEqual((await jsonPriorities(a)).VI_1, { effective: 80, base: 100, state: 1 }, 'r1\'s VI_1 at 100 − 2 × 10');

  assert.equal(await a.stop(), 0);
  assert.equal(await b.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
