/**
 * Preemption modes between two keepalived-ts daemons, all at once in one pair of daemons:
 * three VRRPv3 instances (advert_int 0.5 s), r1 at priority 150 and r2 at 100 on each:
 *
 *   VI_1  nopreempt           r1 coming back does NOT take over (keepalived: requires state BACKUP)
 *   VI_2  preempt_delay 2     r1 coming back takes over, but only after the delay
 *   VI_3  (preempt, default)  r1 coming back takes over after Master_Down_Interval: the yardstick
 *
 * r1 is MASTER of all three, then crashes (every process SIGSTOPped, then SIGKILLed); r2
 * takes all three VIPs. r1 is started again — its crash left the three VIPs on its interface,
 * and a restarting keepalived clears those (vrrp_restore_interfaces_startup), so the kernel
 * alone says who holds what — and:
 *   - VI_3 moves back first: r1's first VRID 53 advert comes one Master_Down_Interval after
 *     it starts listening (it discards r2's lower-priority adverts, RFC 5798 §6.4.2);
 *   - VI_2 moves back about preempt_delay later: keepalived accepts the lower-priority master
 *     until preempt_delay has run from the first advert it heard, then discards it; on the
 *     wire, r1's first VRID 52 advert comes (delay ± one advert interval) after its first
 *     VRID 53 advert;
 *   - VI_1 stays on r2: r1 never advertises VRID 51 again and r2 keeps the VIP.
 * Asserted from `ip -j addr` (who holds each VIP) and from adverts and gratuitous ARPs
 * captured in the client namespace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delay } from '../../harness/index.js';
import { decodeAdverts } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, MAC, advertRuns, garps, holders, instanceConf, waitHolders } from './lab.js';

const ADVERT_MS = 500;
const PREEMPT_DELAY_MS = 2000;
const masterDownMs = (priority: number): number => 3 * ADVERT_MS + Math.round(((256 - priority) * ADVERT_MS) / 256);
const R1 = `${LAN}.1`;
const R2 = `${LAN}.2`;

const INSTANCES = [
  { name: 'VI_1', vrid: 51, vip: `${LAN}.101`, extra: '  nopreempt\n' },
  { name: 'VI_2', vrid: 52, vip: `${LAN}.102`, extra: `  preempt_delay ${PREEMPT_DELAY_MS / 1000}\n` },
  { name: 'VI_3', vrid: 53, vip: `${LAN}.103`, extra: '' },
] as const;

const conf = (routerId: string, priority: number): string => `global_defs {
  router_id ${routerId}
}
${INSTANCES.map((i) => instanceConf({ ...i, priority, version: 3, advertInt: ADVERT_MS / 1000, vips: [`${i.vip}/24`] })).join('')}`;

test('nopreempt keeps the lower-priority master; preempt_delay takes over only after the delay', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan();
  const routers = { r1, r2 };

  const a = lab.daemon(r1, 'r1', conf('r1', 150));
  for (const i of INSTANCES) await a.waitState(i.name, 'MASTER', 10_000);
  const b = lab.daemon(r2, 'r2', conf('r2', 100));
  for (const i of INSTANCES) await b.waitState(i.name, 'BACKUP', 8000);
  for (const i of INSTANCES) await waitHolders(routers, `${i.vip}/24`, ['r1'], 2000);

  // --- r1 crashes: r2 takes every VIP --------------------------------------------------------
  let capture = await client.capture('eth0', 'arp or ip proto 112');
  await capture.waitForPackets(3, `ip proto 112 and src host ${R1}`, 3000);
  await lab.crash(r1);
  for (const i of INSTANCES) await waitHolders({ r2 }, `${i.vip}/24`, ['r2'], masterDownMs(100) + 1500);
  for (const i of INSTANCES) await b.waitState(i.name, 'MASTER', 1000);
  let adverts = await decodeAdverts(capture);
  for (const i of INSTANCES) assert.deepEqual(advertRuns(adverts, i.vrid), [R1, R2], `${i.name}: r1 advertised, then r2`);

  // --- r1 comes back -----------------------------------------------------------------------------
  capture = await client.capture('eth0', 'arp or ip proto 112');
  const restartedAt = Date.now();
  const a2 = lab.daemon(r1, 'r1again', conf('r1', 150));
  for (const i of INSTANCES) await a2.waitState(i.name, 'BACKUP', 8000);
  // Its crash left all three VIPs on r1's eth0; a restarted keepalived clears them at start-up.
  for (const i of INSTANCES) assert.deepEqual(await holders(routers, `${i.vip}/24`), ['r2'], `${i.name}: the restarted backup cleared the crash's leftover VIP`);

  await waitHolders(routers, `${INSTANCES[2].vip}/24`, ['r1'], masterDownMs(150) + 4000);
  t.diagnostic(`VI_3 (preempt) back on r1 ${Date.now() - restartedAt} ms after the restart`);
  assert.deepEqual(await holders(routers, `${INSTANCES[1].vip}/24`), ['r2'], 'VI_2 is still on r2 while preempt_delay runs');
  await waitHolders(routers, `${INSTANCES[1].vip}/24`, ['r1'], PREEMPT_DELAY_MS + masterDownMs(150) + 1000);
  t.diagnostic(`VI_2 (preempt_delay) back on r1 ${Date.now() - restartedAt} ms after the restart`);
  await a2.waitState('VI_2', 'MASTER', 1000);
  // Well past the point where VI_2 preempted: nopreempt holds.
  await delay(masterDownMs(150) + ADVERT_MS);
  assert.deepEqual(await holders(routers, `${INSTANCES[0].vip}/24`), ['r2'], 'VI_1 (nopreempt) stays on r2');
  assert.equal(a2.state('VI_1'), 'BACKUP');
  assert.equal(b.state('VI_1'), 'MASTER');

  adverts = await decodeAdverts(capture);
  const first = (vrid: number, source: string): number | undefined => adverts.find((ad) => ad.vrid === vrid && ad.source === source && ad.priority > 0)?.time;
  assert.equal(first(51, R1), undefined, 'r1 never advertised VRID 51 after coming back');
  assert.deepEqual(advertRuns(adverts, 51), [R2], 'VRID 51: only r2, all along');
  assert.deepEqual(advertRuns(adverts, 52), [R2, R1], 'VRID 52: r2, then r1 once');
  assert.deepEqual(advertRuns(adverts, 53), [R2, R1], 'VRID 53: r2, then r1 once');
  const vi3At = first(53, R1);
  const vi2At = first(52, R1);
  assert.ok(vi3At !== undefined && vi2At !== undefined);
  const lag = vi2At - vi3At;
  t.diagnostic(`wire: r1's first VRID 52 advert ${lag} ms after its first VRID 53 advert (preempt_delay ${PREEMPT_DELAY_MS} ms, advert interval ${ADVERT_MS} ms)`);
  assert.ok(lag >= PREEMPT_DELAY_MS - ADVERT_MS - 50 && lag <= PREEMPT_DELAY_MS + ADVERT_MS + 150, `preempt_delay on the wire (${lag} ms)`);
  // r2 stopped advertising VRID 52/53 once r1 took over (at most one advert crossing r1's first).
  for (const vrid of [52, 53]) {
    const takeover = first(vrid, R1) as number;
    const late = adverts.filter((ad) => ad.vrid === vrid && ad.source === R2 && ad.time > takeover + 50);
    assert.deepEqual(late, [], `VRID ${vrid}: r2 fell silent when r1 took over`);
  }
  const arps = await garps(capture, INSTANCES[1].vip);
  assert.ok(arps.some((g) => g.mac === MAC.r1 && g.at >= vi2At - 5), 'r1 announced VI_2\'s VIP after taking over');
  assert.ok(!(await garps(capture, INSTANCES[0].vip)).some((g) => g.mac === MAC.r1), 'r1 never announced VI_1\'s VIP');

  assert.equal(await a2.stop(), 0);
  assert.equal(await b.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
