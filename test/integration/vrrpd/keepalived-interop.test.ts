/**
 * A keepalived-ts daemon and Debian's keepalived 2.2.7 on one LAN, the same vrrp_instance
 * (VRID 51, the same VIP) in both configuration files: the VIP moves both ways on a crash.
 *
 * 1. keepalived-ts (150) is MASTER, keepalived (100) BACKUP and content with our adverts
 *    (no packet complaint in its log); keepalived-ts crashes → keepalived takes the VIP
 *    after Master_Down_Interval;
 * 2. keepalived-ts comes back at priority 50 and stays BACKUP under keepalived; keepalived
 *    crashes → keepalived-ts takes the VIP after its Master_Down_Interval.
 * keepalived runs as the vrrp-io interop tests run it (`-n -l -D -P`, own pid files).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delay, waitUntil } from '../../harness/index.js';
import { DaemonLab, VIP, hasAddress, holders, instanceConf } from './lab.js';

const VIP_CIDR = `${VIP}/24`;
const masterDownMs = (priority: number): number => 3000 + Math.round(((256 - priority) * 1000) / 256);
/** keepalived's words for a packet it rejected (vrrp_check_packet). */
const PACKET_COMPLAINTS = /invalid|mismatch|wrong|too (short|long)|expecting|discard|ignoring/i;

const conf = (routerId: string, priority: number): string => `global_defs {
  router_id ${routerId}
}
${instanceConf({ priority })}`;

test('keepalived-ts and keepalived 2.2.7: the VIP moves both ways on a crash', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2 } = await lab.lan();

  const ours = lab.daemon(r1, 'kts', conf('kts', 150));
  await ours.waitState('VI_1', 'MASTER', 10_000);
  const theirs = lab.keepalived(r2, 'ka', conf('ka', 100));
  await theirs.waitState('VI_1', 'BACKUP', 5000);
  await delay(2500);
  assert.equal(theirs.state('VI_1'), 'BACKUP', 'keepalived stays BACKUP under our adverts');
  assert.deepEqual(theirs.lines.filter((l) => PACKET_COMPLAINTS.test(l)), [], 'keepalived accepts our adverts');
  assert.deepEqual(await holders({ r1, r2 }, VIP_CIDR), ['r1']);

  // keepalived-ts crashes: keepalived takes over.
  let crashedAt = Date.now();
  await lab.crash(r1);
  await waitUntil('the VIP on keepalived', () => hasAddress(r2, VIP_CIDR), { timeoutMs: masterDownMs(100) + 1500, intervalMs: 20 });
  t.diagnostic(`keepalived held the VIP ${Date.now() - crashedAt} ms after our crash (Master_Down_Interval ${masterDownMs(100)} ms)`);
  await theirs.waitState('VI_1', 'MASTER', 1000);

  // The crash left the VIP on r1's interface (nothing ran to remove it); an operator would
  // remove it before bringing the router back, so that the wire alone decides.
  await r1.ip('addr', 'del', VIP_CIDR, 'dev', 'eth0');

  // keepalived-ts returns as the lower priority: BACKUP under keepalived.
  const ours2 = lab.daemon(r1, 'kts2', conf('kts', 50));
  await ours2.waitState('VI_1', 'BACKUP', 5000);
  await delay(masterDownMs(50) + 500);
  assert.equal(ours2.state('VI_1'), 'BACKUP', 'we stay BACKUP under keepalived\'s adverts');
  assert.ok(!ours2.lines.some((l) => / dropped advert /.test(l)), 'we accept keepalived\'s adverts');
  assert.deepEqual(await holders({ r1, r2 }, VIP_CIDR), ['r2']);

  // keepalived crashes: keepalived-ts takes over.
  crashedAt = Date.now();
  await lab.crash(r2);
  await waitUntil('the VIP on keepalived-ts', () => hasAddress(r1, VIP_CIDR), { timeoutMs: masterDownMs(50) + 1500, intervalMs: 20 });
  const tookMs = Date.now() - crashedAt;
  t.diagnostic(`keepalived-ts held the VIP ${tookMs} ms after keepalived's crash (Master_Down_Interval ${masterDownMs(50)} ms)`);
  await ours2.waitState('VI_1', 'MASTER', 1000);

  assert.equal(await ours2.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
