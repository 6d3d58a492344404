/**
 * An orderly stop of the MASTER's daemon (SIGTERM to the keepalived-ts parent), as keepalived
 * does it (vrrp_daemon.c vrrp_terminate_phase1): the master sends a priority-0 advert, drops
 * its VIP, and the backup takes over after Skew_Time ((256 − 100)/256 s ≈ 609 ms) rather
 * than Master_Down_Interval. With -V (--dont-release-vrrp) keepalived 2.2.7 skips all of
 * that: no priority 0, the VIP stays where it is, and the backup takes over only when the
 * master's silence reaches Master_Down_Interval.
 *
 * A daemon starting where a previous run (here the -V one) left the VIP removes it first, so a
 * BACKUP never answers for it (keepalived vrrp_restore_interfaces_startup).
 *
 * The parent's death (SIGKILL of the keepalived-ts parent alone) is the same orderly stop:
 * the VRRP child sees its IPC channel close — keepalived's children get SIGTERM through
 * PR_SET_PDEATHSIG — sends priority 0 and releases its VIP.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil } from '../../harness/index.js';
import { decodeAdverts } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, VIP, hasAddress, holders, instanceConf } from './lab.js';
import { isRunning } from '../../../src/lab/process.js';

const VIP_CIDR = `${VIP}/24`;
const SKEW_MS = Math.round(((256 - 100) * 1000) / 256);
const MASTER_DOWN_MS = 3000 + SKEW_MS;

const alive = isRunning;

const conf = (routerId: string, priority: number): string => `global_defs {
  router_id ${routerId}
}
${instanceConf({ priority })}`;

test('SIGTERM: priority 0 on the wire, the backup takes over after Skew_Time, the VIP leaves; -V keeps it', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, r2, client } = await lab.lan();
  const a = lab.daemon(r1, 'r1', conf('r1', 150), { args: ['-D'] });
  await a.waitState('VI_1', 'MASTER', 10_000);
  // Started one after the other: two routers starting together race their first down timers.
  const b = lab.daemon(r2, 'r2', conf('r2', 100));
  await b.waitState('VI_1', 'BACKUP', 5000);
  await waitUntil('the VIP on r1', () => hasAddress(r1, VIP_CIDR), { timeoutMs: 2000 });

  let capture = await client.capture('eth0', 'ip proto 112');
  await capture.waitForPackets(1, `src host ${LAN}.1`, 3000);
  assert.equal(await a.stop('SIGTERM'), 0, 'the daemon exits 0');
  await waitUntil('the VIP on r2', () => hasAddress(r2, VIP_CIDR), { timeoutMs: 3000, intervalMs: 20 });
  assert.equal(await hasAddress(r1, VIP_CIDR), false, 'the stopped router released its VIP');
  assert.ok(a.lines.some((l) => l.endsWith('(VI_1) sent 0 priority')), 'keepalived\'s -D line');
  await capture.waitForPackets(1, `src host ${LAN}.2`, 2000);
  let adverts = await decodeAdverts(capture);
  const zero = adverts.find((ad) => ad.source === `${LAN}.1` && ad.priority === 0);
  assert.ok(zero, 'a priority-0 advert from the stopping master');
  const takeover = adverts.find((ad) => ad.source === `${LAN}.2` && ad.priority === 100 && ad.time >= zero.time);
  assert.ok(takeover, 'the backup advertises as master');
  const gap = takeover.time - zero.time;
  t.diagnostic(`r2 advertised ${gap} ms after the priority-0 advert (Skew_Time ${SKEW_MS} ms)`);
  assert.ok(gap >= SKEW_MS - 20 && gap <= SKEW_MS + 400, `takeover after about Skew_Time (${gap} ms)`);
  await b.waitState('VI_1', 'MASTER', 1000);

  // --- -V: the VIP stays -----------------------------------------------------------------------
  const a2 = lab.daemon(r1, 'r1keep', conf('r1', 150), { args: ['-V'] });
  await a2.waitState('VI_1', 'MASTER', 10_000);
  await waitUntil('the VIP on r1 only', async () => (await holders({ r1, r2 }, VIP_CIDR)).join() === 'r1', { timeoutMs: 3000 });
  capture = await client.capture('eth0', 'ip proto 112');
  await capture.waitForPackets(1, `src host ${LAN}.1`, 3000);
  const stoppedAt = Date.now();
  assert.equal(await a2.stop('SIGTERM'), 0);
  assert.equal(await hasAddress(r1, VIP_CIDR), true, 'with -V the VIP stays on the stopped router');
  await waitUntil('r2 to take over', () => hasAddress(r2, VIP_CIDR), { timeoutMs: MASTER_DOWN_MS + 1500, intervalMs: 20 });
  const tookMs = Date.now() - stoppedAt;
  adverts = await decodeAdverts(capture);
  assert.ok(!adverts.some((ad) => ad.source === `${LAN}.1` && ad.priority === 0), 'no priority 0 with -V (keepalived skips restore_vrrp_interfaces)');
  t.diagnostic(`with -V, r2 took over ${tookMs} ms after the stop (Master_Down_Interval ${MASTER_DOWN_MS} ms)`);
  assert.ok(tookMs >= MASTER_DOWN_MS - 1100, 'only after the master fell silent for Master_Down_Interval');

  // --- the parent dies: the child stops in order -------------------------------------------
  await b.waitState('VI_1', 'MASTER', 1000);
  // --- start-up clears what a previous run left (keepalived vrrp_restore_interfaces_startup) ----
  assert.deepEqual(await holders({ r1, r2 }, VIP_CIDR), ['r1', 'r2'], '-V left the VIP on r1 as well');
  const low = lab.daemon(r1, 'r1low', conf('r1', 50));
  await low.waitState('VI_1', 'BACKUP', 10_000);
  await waitUntil('the leftover VIP gone from r1', async () => (await holders({ r1, r2 }, VIP_CIDR)).join() === 'r2', { timeoutMs: 2000 });
  assert.ok(low.lines.some((l) => l.includes('(VI_1) removed 1 address(es) or rule(s) left from a previous run')), low.lines.join('\n'));
  assert.equal(await low.stop('SIGTERM'), 0);

  const a3 = lab.daemon(r1, 'r1orphan', conf('r1', 150));
  await a3.waitState('VI_1', 'MASTER', 10_000);
  const child = Number(/Starting VRRP child process, pid=(\d+)/.exec(a3.lines.join('\n'))?.[1]);
  assert.ok(child > 0, 'the VRRP child\'s pid from the log');
  await waitUntil('the VIP back on r1 only', async () => (await holders({ r1, r2 }, VIP_CIDR)).join() === 'r1', { timeoutMs: 3000 });
  capture = await client.capture('eth0', 'ip proto 112');
  await capture.waitForPackets(1, `src host ${LAN}.1`, 3000);
  await a3.stop('SIGKILL');
  await waitUntil('the orphaned VRRP child to exit', () => !alive(child), { timeoutMs: 2000 });
  assert.equal(await hasAddress(r1, VIP_CIDR), false, 'the orphaned child released the VIP');
  await waitUntil('the VIP on r2', () => hasAddress(r2, VIP_CIDR), { timeoutMs: 2000 });
  adverts = await decodeAdverts(capture);
  assert.ok(adverts.some((ad) => ad.source === `${LAN}.1` && ad.priority === 0), 'the orphaned child sent priority 0');

  assert.equal(await b.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
