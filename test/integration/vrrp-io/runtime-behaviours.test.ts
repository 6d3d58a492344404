/**
 * Runtime behaviours between two keepalived-ts routers, all in one run:
 * - a sync group in one process: a tracker fault on one member takes the whole group to
 *   FAULT, each member leaving MASTER with a priority-0 advert, and the other router takes
 *   over every member after Skew_Time, not Master_Down_Interval;
 * - the priority-0 handover on SIGTERM, timed on the wire;
 * - split-brain hygiene: a unicast pair where one side's unicast_peer has a typo ends with
 *   two MASTERs (as keepalived would), and both routers say in their log and status that
 *   they hear nothing from their configured peers.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { skewTimeUs } from '../../../src/vrrp/index.js';
import type { DriverInstance } from './driver.js';
import { IFNAME, ROUTER_A, ROUTER_B, VrrpLab, type RouterAddresses } from './lab.js';
import { waitUntil } from '../../harness/wait.js';
import { decodeAdverts, sleep, type WireAdvert } from './lab-processes.js';

const SKEW_100_MS = skewTimeUs(3, 100, 1_000_000) / 1000; // 609.375 ms at a 1 s interval

function router(me: RouterAddresses, priority: number, unicastPeer: string): DriverInstance[] {
  const base = { version: 3 as const, priority, advertIntervalMs: 1000 };
  return [
    { params: { ...base, name: 'G1', vrid: 21, family: 'inet', addresses: ['10.9.1.21'] }, transport: { interface: IFNAME } },
    { params: { ...base, name: 'G2', vrid: 22, family: 'inet6', addresses: ['2001:db8:9:1::22'] }, transport: { interface: IFNAME } },
    { params: { ...base, name: 'S', vrid: 31, family: 'inet', addresses: ['10.9.1.31'] }, transport: { interface: IFNAME } },
    {
      params: { ...base, name: 'U', vrid: 41, family: 'inet', addresses: ['10.9.1.41'], unicast: true, unicastPeers: [{ address: unicastPeer }] },
      transport: { interface: IFNAME, sourceAddress: me.v4 },
    },
  ];
}

/** The first advert from `source` for `vrid` after `after` (epoch ms). */
function firstAfter(adverts: readonly WireAdvert[], vrid: number, source: string, after: number): WireAdvert | undefined {
  return adverts.find((a) => a.vrid === vrid && a.source === source && a.time > after);
}

test('sync group fault, priority-0 handover and unicast split-brain reporting between two keepalived-ts routers', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await VrrpLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await lab.capture(b);
  const groups = [{ name: 'G', members: ['G1', 'G2'] }];
  // A's unicast_peer has a typo (10.9.0.99): B never hears A on U.
  const routerA = await lab.driver(a, { instances: router(ROUTER_A, 200, '10.9.0.99'), syncGroups: groups });
  for (const name of ['G1', 'G2', 'S', 'U']) await routerA.waitState(name, 'MASTER', 6000);
  const routerB = await lab.driver(b, { instances: router(ROUTER_B, 100, ROUTER_A.v4), syncGroups: groups });
  for (const name of ['G1', 'G2', 'S']) await routerB.waitState(name, 'BACKUP', 3000);
  await sleep(1500);

  // 1. A tracker fails on one member of A's sync group.
  const faultAt = Date.now();
  assert.equal(await routerA.setFault('G1', 'track_interface eth9', true), 'FAULT');
  assert.equal(routerA.state('G2'), 'FAULT', 'the sync group pulled its other member to FAULT');
  await routerB.waitState('G1', 'MASTER', 3000);
  await routerB.waitState('G2', 'MASTER', 3000);
  const groupA = (await routerA.status()).syncGroups[0];
  assert.deepEqual([groupA.name, groupA.state], ['G', 'FAULT']);

  // 3. Split brain on U: B became MASTER too, and both say they hear none of their peers.
  await routerB.waitState('U', 'MASTER', 5000);
  assert.equal(routerA.state('U'), 'MASTER', 'A answers B but B never hears it');
  for (const [r, peer] of [[routerA, '10.9.0.99'], [routerB, ROUTER_A.v4]] as const) {
    // Reported one advert interval after Master_Down_Interval, once.
    const silent = await waitUntil('silence on U', () => {
      const found = r.events('unicastPeersSilent').filter((e) => e.instance === 'U');
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 3000 });
    assert.equal(silent.length, 1, 'reported once');
    assert.deepEqual([silent[0].peers, silent[0].state], [[peer], 'MASTER']);
    assert.ok(r.logs().some((l) => l.startsWith(`(U) no valid advert from any unicast peer (${peer}) for `)), 'said in the log');
    const s = r.instanceStatus(await r.status(), 'U');
    assert.equal(s.unicastPeers.silent, true, 'and in the status');
  }
  assert.ok(routerA.events('masterRxLowerPriority').some((e) => e.instance === 'U' && e.source === ROUTER_B.v4),
    'A hears B (not one of its configured peers) and answers into the void');

  // 2. SIGTERM: A's MASTERs send priority 0; B takes S over after Skew_Time.
  const stopAt = Date.now();
  await routerA.kill('SIGTERM');
  await routerB.waitState('S', 'MASTER', 3000);
  await sleep(1500);
  const adverts = await decodeAdverts(capture);

  const zero = (vrid: number, source: string, after: number) => adverts.find((w) => w.vrid === vrid && w.source === source && w.priority === 0 && w.time >= after - 50);
  for (const [vrid, srcA, srcB, after] of [[21, ROUTER_A.v4, ROUTER_B.v4, faultAt], [22, ROUTER_A.ll, ROUTER_B.ll, faultAt], [31, ROUTER_A.v4, ROUTER_B.v4, stopAt]] as const) {
    const p0 = zero(vrid, srcA, after);
    assert.ok(p0, `VRID ${vrid}: a priority-0 advert from A`);
    const takeover = firstAfter(adverts, vrid, srcB, p0.time);
    assert.ok(takeover, `VRID ${vrid}: B advertised after A's priority 0`);
    const gap = takeover.time - p0.time;
    assert.ok(Math.abs(gap - SKEW_100_MS) < 150, `VRID ${vrid}: B took over ${gap} ms after priority 0; Skew_Time is ${SKEW_100_MS} ms`);
    assert.equal(takeover.priority, 100);
    t.diagnostic(`VRID ${vrid}: takeover ${gap} ms after A's priority-0 advert (Skew_Time ${SKEW_100_MS} ms)`);
  }
  t.diagnostic(`took ${Date.now() - started} ms`);
});
