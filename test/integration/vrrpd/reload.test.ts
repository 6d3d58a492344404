/**
 * Reloads (SIGHUP to the parent) of a MASTER, as keepalived applies them: the instance is
 * kept (same VRID, family, interface) and keeps its state; only the difference is applied.
 *
 * 1. a VIP is added: it appears on the interface, the instance does not change state (no
 *    "Entering" line, no FIFO line, its counters carry on), its adverts never pause;
 * 2. a configuration with an error is refused by the parent: nothing changes;
 * 3. the VIP is removed again: it leaves the interface, the first VIP stays;
 * 4. a new instance is added: it starts as at start-up and becomes MASTER; removed again,
 *    it gives up its VIP and is reported FAULT (keepalived's default without notify_deleted).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitUntil } from '../../harness/index.js';
import { decodeAdverts } from '../vrrp-io/lab-processes.js';
import { DaemonLab, LAN, VIP, addresses, hasAddress, instanceConf } from './lab.js';

const VIP2 = `${LAN}.101`;

test('a reload adds a VIP to the MASTER without a state change; a broken one changes nothing', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1, client } = await lab.lan();
  const reader = lab.writeFile('fifo-reader.sh', `#!/bin/sh\nwhile read -r line; do echo "$line" >> ${join(lab.dir, 'fifo.out')}; done < "$1"\n`, 0o755);
  const conf = (vips: readonly string[], priority = 150, more = ''): string => `global_defs {
  router_id r1
  vrrp_notify_fifo ${join(lab.dir, 'vrrp.fifo')}
  vrrp_notify_fifo_script ${reader}
}
${instanceConf({ priority, vips })}${more}`;
  const fifo = (): string[] => (existsSync(join(lab.dir, 'fifo.out')) ? readFileSync(join(lab.dir, 'fifo.out'), 'utf8').split('\n').filter(Boolean) : []);
  const entering = (): number => a.lines.filter((l) => / Entering \w+ STATE/.test(l)).length;

  const a = lab.daemon(r1, 'r1', conf([`${VIP}/24`]));
  await a.waitState('VI_1', 'MASTER', 10_000);
  await waitUntil('the VIP', () => hasAddress(r1, `${VIP}/24`), { timeoutMs: 2000 });
  await waitUntil('two FIFO lines', () => fifo().length === 2, { timeoutMs: 2000 });
  const enteringBefore = entering();
  const capture = await client.capture('eth0', 'ip proto 112');

  // 1. add a VIP
  lab.writeFile('r1.conf', conf([`${VIP}/24`, `${VIP2}/24`]));
  let from = a.lines.length;
  a.signal('SIGHUP');
  await a.waitLine(/Reload complete/, 8000, from);
  assert.ok(a.lines.slice(from).some((l) => l.endsWith(`+ virtual_ipaddress ${VIP2}/24 dev eth0`)), 'the difference is logged');
  await waitUntil('the new VIP', () => hasAddress(r1, `${VIP2}/24`), { timeoutMs: 2000 });
  assert.equal(await hasAddress(r1, `${VIP}/24`), true, 'the first VIP stays');

  // 2. a broken configuration
  lab.writeFile('r1.conf', conf([`${VIP}/24`, `${VIP2}/24`], 300));
  from = a.lines.length;
  a.signal('SIGHUP');
  await a.waitLine(/Reload failed: .* keeping the running configuration/, 8000, from);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.ok(a.process.running, 'still running');
  assert.equal(a.state('VI_1'), 'MASTER');
  const afterBroken = await addresses(r1);
  assert.ok(afterBroken.includes(`${VIP}/24`) && afterBroken.includes(`${VIP2}/24`), 'both VIPs still there');

  // No state change through all that, on the log, the FIFO and the counters; adverts did not pause.
  assert.equal(entering(), enteringBefore, 'no "Entering ... STATE" line since the first reload');
  assert.deepEqual(fifo(), ['INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_1" MASTER 150']);
  const stats = a.path('keepalived.stats');
  a.signal('SIGUSR2');
  await waitUntil('keepalived.stats', () => existsSync(stats), { timeoutMs: 3000 });
  assert.match(readFileSync(stats, 'utf8'), / {2}Became master: 1\n/, 'the counters carried over the reload');
  rmSync(stats);
  await capture.waitForPackets(4, `src host ${LAN}.1`, 5000);
  const adverts = (await decodeAdverts(capture)).filter((ad) => ad.source === `${LAN}.1`);
  assert.ok(adverts.length >= 4, `adverts through the reloads (${adverts.length})`);
  assert.ok(adverts.every((ad) => ad.priority === 150), 'no priority 0, no other priority');
  const gaps = adverts.slice(1).map((ad, i) => ad.time - adverts[i]!.time);
  t.diagnostic(`advert gaps during the reloads: ${gaps.join(', ')} ms`);
  assert.ok(gaps.every((g) => g <= 1300), 'the MASTER never paused longer than an advert interval');

  // 3. remove the VIP again
  lab.writeFile('r1.conf', conf([`${VIP}/24`]));
  from = a.lines.length;
  a.signal('SIGHUP');
  await a.waitLine(/Reload complete/, 8000, from);
  await waitUntil('the second VIP removed', async () => !(await hasAddress(r1, `${VIP2}/24`)), { timeoutMs: 2000 });
  assert.equal(await hasAddress(r1, `${VIP}/24`), true);
  assert.equal(a.state('VI_1'), 'MASTER');
  assert.equal(entering(), enteringBefore);

  // 4. a new instance comes and goes
  const VIP3 = `${LAN}.102`;
  const second = instanceConf({ name: 'VI_2', vrid: 52, priority: 120, vips: [`${VIP3}/24`] });
  lab.writeFile('r1.conf', conf([`${VIP}/24`], 150, second));
  from = a.lines.length;
  a.signal('SIGHUP');
  await a.waitLine(/ {2}vrrp_instance VI_2: added$/, 8000, from);
  await a.waitState('VI_2', 'MASTER', 8000);
  await waitUntil('the new instance\'s VIP', () => hasAddress(r1, `${VIP3}/24`), { timeoutMs: 2000 });
  lab.writeFile('r1.conf', conf([`${VIP}/24`]));
  from = a.lines.length;
  a.signal('SIGHUP');
  await a.waitLine(/ {2}vrrp_instance VI_2: removed, reported as FAULT/, 8000, from);
  await waitUntil('its VIP removed', async () => !(await hasAddress(r1, `${VIP3}/24`)), { timeoutMs: 2000 });
  await waitUntil('its FIFO lines', () => fifo().length === 5, { timeoutMs: 2000 });
  assert.deepEqual(fifo().slice(2), ['INSTANCE "VI_2" BACKUP 120', 'INSTANCE "VI_2" MASTER 120', 'INSTANCE "VI_2" FAULT 120']);
  assert.equal(a.state('VI_1'), 'MASTER');
  assert.equal(await hasAddress(r1, `${VIP}/24`), true);

  assert.equal(await a.stop(), 0);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
