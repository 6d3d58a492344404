/**
 * Two keepalived-ts daemons on one LAN, started as an operator would (`keepalived -n -l -f
 * CONF ...`), watched from the kernel (`ip -j addr`) and from the wire (a client namespace
 * capturing adverts and gratuitous ARPs, decoded by tshark):
 *
 * 1. election: the higher priority (150) becomes MASTER, the VIP is on it alone, and the
 *    client sees gratuitous ARPs for the VIP from the master's MAC;
 * 2. failover: the master crashes (every process SIGSTOPped, then SIGKILLed — a plain
 *    SIGKILL of the parent would let the VRRP child stop in order); the backup holds the
 *    VIP after Master_Down_Interval (3 × 1 s + (256 − 100)/256 s = 3.609 s) and sends its
 *    own GARPs;
 * 3. preemption: the first router comes back and takes the VIP back; the other logs
 *    keepalived's "Master received advert ... with higher priority" and releases it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil } from '../../harness/index.js';
import { decodeAdverts } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, MAC, VIP, garps, hasAddress, holders, instanceConf } from './lab.js';

const VIP_CIDR = `${VIP}/24`;
const MASTER_DOWN_MS = 3000 + Math.round(((256 - 100) * 1000) / 256);

const conf = (routerId: string, priority: number): string => `global_defs {
  router_id ${routerId}
}
${instanceConf({ priority })}`;

test('keepalived-ts routers elect a master, fail over on a crash and preempt back', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan();
  let capture = await client.capture('eth0', 'arp or ip proto 112');

  const a = lab.daemon(r1, 'r1', conf('r1', 150));
  await a.waitState('VI_1', 'MASTER', 10_000);
  // Started one after the other: two routers starting together race their first down timers.
  const b = lab.daemon(r2, 'r2', conf('r2', 100));
  await b.waitState('VI_1', 'BACKUP', 5000);
  await waitUntil('the VIP on r1', () => hasAddress(r1, VIP_CIDR), { timeoutMs: 2000 });
  await capture.waitForPackets(1, `arp and host ${VIP}`, 3000);
  assert.deepEqual(await holders({ r1, r2 }, VIP_CIDR), ['r1'], 'the VIP is on the master only');
  assert.ok(a.lines.some((l) => /\(VI_1\) Entering BACKUP STATE \(init\)/.test(l)), 'keepalived\'s start-up line');
  let arps = await garps(capture, VIP);
  assert.ok(arps.length >= 1, 'gratuitous ARPs for the VIP');
  assert.deepEqual([...new Set(arps.map((g) => g.mac))], [MAC.r1], 'sent from the master\'s MAC');
  let adverts = await decodeAdverts(capture);
  assert.ok(adverts.some((ad) => ad.source === `${LAN}.1` && ad.priority === 150 && ad.vrid === 51 && ad.version === 2 && ad.ttl === 255), 'r1 advertises at 150');
  assert.ok(!adverts.some((ad) => ad.source === `${LAN}.2`), 'the backup stays silent');

  // --- failover ---------------------------------------------------------------------------
  capture = await client.capture('eth0', 'arp or ip proto 112');
  await capture.waitForPackets(1, `ip proto 112 and src host ${LAN}.1`, 3000);
  const crashedAt = Date.now();
  await lab.crash(r1);
  await waitUntil('the VIP on r2', () => hasAddress(r2, VIP_CIDR), { timeoutMs: MASTER_DOWN_MS + 1500, intervalMs: 20 });
  const tookMs = Date.now() - crashedAt;
  t.diagnostic(`r2 held the VIP ${tookMs} ms after the crash (Master_Down_Interval ${MASTER_DOWN_MS} ms)`);
  assert.ok(tookMs <= MASTER_DOWN_MS + 1500, `took over within Master_Down_Interval + margin (${tookMs} ms)`);
  await b.waitState('VI_1', 'MASTER', 1000);
  await capture.waitForPackets(1, `arp and host ${VIP} and ether src ${MAC.r2}`, 3000);
  arps = await garps(capture, VIP);
  assert.ok(arps.some((g) => g.mac === MAC.r2), 'r2 announces the VIP from its own MAC');
  adverts = await decodeAdverts(capture);
  const lastOld = adverts.filter((ad) => ad.source === `${LAN}.1`).at(-1);
  const firstNew = adverts.find((ad) => ad.source === `${LAN}.2` && ad.priority === 100);
  assert.ok(firstNew, 'r2 advertises as master');
  assert.ok(lastOld, 'r1 advertised before the crash');
  const gap = firstNew.time - lastOld.time;
  t.diagnostic(`wire: r2's first advert ${gap} ms after r1's last`);
  assert.ok(gap >= MASTER_DOWN_MS - 20 && gap <= MASTER_DOWN_MS + 500, `the backup waited Master_Down_Interval on the wire (${gap} ms)`);

  // --- preemption back --------------------------------------------------------------------
  const a2 = lab.daemon(r1, 'r1again', conf('r1', 150));
  await a2.waitState('VI_1', 'MASTER', 10_000);
  await waitUntil('the VIP back on r1 only', async () => (await holders({ r1, r2 }, VIP_CIDR)).join() === 'r1', { timeoutMs: 3000 });
  await b.waitState('VI_1', 'BACKUP', 2000);
  assert.ok(b.lines.some((l) => l.includes(`(VI_1) Master received advert from ${LAN}.1 with higher priority 150, ours 100`)), 'keepalived\'s line for the preemption');

  assert.equal(await a2.stop(), 0);
  assert.equal(await b.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
