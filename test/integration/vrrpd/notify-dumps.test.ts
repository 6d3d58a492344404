/**
 * What a keepalived-ts daemon tells the outside world, at daemon level:
 *
 * - an unweighted vrrp_script holds the instance in INIT until its first result (keepalived
 *   num_script_init), then the instance starts;
 * - the generic `notify` script gets keepalived's four arguments (INSTANCE VI_1 MASTER 150),
 *   notify_master runs with its own arguments, and the vrrp_notify_fifo's reading script
 *   gets keepalived's FIFO lines in order — start-up BACKUP, MASTER, a priority change
 *   from a weighted track_file (MASTER_PRIORITY, with notify_priority_changes), STOP;
 * - the parent's signals: USR1 writes keepalived.data, USR2 keepalived.stats, JSON
 *   (SIGRTMIN+2) keepalived.json, STATS_CLEAR (SIGRTMAX-1) the stats then zeroes them, all
 *   in TMPDIR and all showing the instance as it is at that moment.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitUntil } from '../../harness/index.js';
import { DaemonLab, VIP, hasAddress, instanceConf } from './lab.js';

const SIGJSON = 36; // SIGRTMIN+2 on Linux/glibc
const SIGSTATS_CLEAR = 63; // SIGRTMAX-1

const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

test('notify scripts, the notify FIFO and the USR1/USR2/JSON dumps of a running daemon', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { r1 } = await lab.lan();
  const out = (name: string): string => join(lab.dir, name);
  const notify = lab.writeFile('notify.sh', `#!/bin/sh\necho "$@" >> ${out('notify.out')}\n`, 0o755);
  const master = lab.writeFile('master.sh', `#!/bin/sh\necho "$@" >> ${out('master.out')}\n`, 0o755);
  const reader = lab.writeFile('fifo-reader.sh', `#!/bin/sh\nwhile read -r line; do echo "$line" >> ${out('fifo.out')}; done < "$1"\n`, 0o755);
  const prio = out('prio');
  writeFileSync(prio, '0\n');
  const conf = `global_defs {
  router_id r1
  vrrp_notify_fifo ${out('vrrp.fifo')}
  vrrp_notify_fifo_script ${reader}
}
track_file prio {
  file ${prio}
}
vrrp_script chk {
  script "/bin/sleep 1"
  interval 5
}
${instanceConf({
    priority: 150,
    extra: `  track_script {\n    chk\n  }\n  notify ${notify}\n  notify_master "${master} became master"\n  notify_priority_changes\n  track_file {\n    prio weight 10\n  }\n`,
  })}`;
  const a = lab.daemon(r1, 'r1', conf);
  await a.waitState('VI_1', 'MASTER', 10_000);
  const waiting = a.lines.findIndex((l) => l.endsWith('(VI_1) waiting for the first result of vrrp_script chk'));
  const succeeded = a.lines.findIndex((l) => l.endsWith('VRRP_Script(chk) succeeded'));
  const init = a.lines.findIndex((l) => l.endsWith('(VI_1) Entering BACKUP STATE (init)'));
  assert.ok(waiting >= 0 && succeeded > waiting && init > succeeded, 'held in INIT until the script\'s first result');
  await waitUntil('the VIP on r1', () => hasAddress(r1, `${VIP}/24`), { timeoutMs: 2000 });
  await waitUntil('notify_master ran', () => lines(out('master.out')).length === 1, { timeoutMs: 3000 });
  assert.deepEqual(lines(out('master.out')), ['became master']);

  // A weighted track_file moves the effective priority: log, FIFO line.
  writeFileSync(prio, '1\n');
  await a.waitLine(/\(VI_1\) Changing effective priority from 150 to 160/, 3000);

  // --- dumps, through the parent ----------------------------------------------------------------
  a.signal('SIGUSR1');
  a.signal('SIGUSR2');
  a.signal(SIGJSON);
  const data = a.path('keepalived.data');
  const stats = a.path('keepalived.stats');
  const json = a.path('keepalived.json');
  await waitUntil('the three dump files', () => existsSync(data) && existsSync(stats) && existsSync(json), { timeoutMs: 3000 });
  const dataText = readFileSync(data, 'utf8');
  assert.match(dataText, /^ VRRP Instance = VI_1$/m);
  assert.match(dataText, /^ {3}State = MASTER$/m);
  assert.match(dataText, /^ {3}Effective priority = 160$/m);
  assert.match(dataText, new RegExp(`^ {5}${VIP.replaceAll('.', '\\.')}/24 dev eth0 scope global set$`, 'm'));
  assert.match(dataText, /^ Track file = prio\n {3}File = .*\/prio\n {3}Status = 1\n/m);
  assert.match(readFileSync(stats, 'utf8'), /^VRRP Instance: VI_1\n(?: .*\n)*? {2}Became master: 1\n/m);
  const dumped = JSON.parse(readFileSync(json, 'utf8')) as { data: Record<string, unknown>; stats: Record<string, number> }[];
  assert.equal(dumped.length, 1);
  assert.equal(dumped[0]!.data.iname, 'VI_1');
  assert.equal(dumped[0]!.data.state, 2, 'keepalived\'s code for MASTER');
  assert.equal(dumped[0]!.data.effective_priority, 160);
  assert.equal(dumped[0]!.data.vipset, true);
  assert.equal(dumped[0]!.stats.become_master, 1);

  // STATS_CLEAR writes the counters, then zeroes them.
  rmSync(stats);
  a.signal(SIGSTATS_CLEAR);
  await waitUntil('keepalived.stats again', () => existsSync(stats), { timeoutMs: 3000 });
  assert.match(readFileSync(stats, 'utf8'), / {2}Became master: 1\n/);
  rmSync(stats);
  a.signal('SIGUSR2');
  await waitUntil('keepalived.stats after clearing', () => existsSync(stats), { timeoutMs: 3000 });
  assert.match(readFileSync(stats, 'utf8'), / {2}Became master: 0\n/);

  // --- stop: STOP is notified, the FIFO got every line in order ------------------------------
  assert.equal(await a.stop('SIGTERM'), 0);
  await waitUntil('the STOP line in the FIFO', () => lines(out('fifo.out')).length >= 4, { timeoutMs: 3000 });
  assert.deepEqual(lines(out('fifo.out')), [
    'INSTANCE "VI_1" BACKUP 150',
    'INSTANCE "VI_1" MASTER 150',
    'INSTANCE "VI_1" MASTER_PRIORITY 160',
    'INSTANCE "VI_1" STOP 160',
  ]);
  await waitUntil('the generic notify for STOP', () => lines(out('notify.out')).length >= 3, { timeoutMs: 3000 });
  assert.deepEqual(lines(out('notify.out')), ['INSTANCE VI_1 BACKUP 150', 'INSTANCE VI_1 MASTER 150', 'INSTANCE VI_1 STOP 160']);
  assert.equal(existsSync(out('vrrp.fifo')), false, 'the FIFO we created is removed');
  assert.equal(await hasAddress(r1, `${VIP}/24`), false, 'the VIP is released');
  t.diagnostic(`took ${Date.now() - started} ms`);
});
