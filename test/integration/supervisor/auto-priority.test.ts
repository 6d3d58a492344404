/**
 * max_auto_priority on a real daemon (`bin/keepalived -n -l` in a namespace): the VRRP
 * child is made late on purpose — SIGSTOP for 300 ms, then SIGCONT, by the pid in its pid
 * file — and the kernel is asked how it is scheduled now (`chrt -p`, which reads
 * sched_getscheduler/sched_getparam of the child's main thread, the one running the event
 * loop).
 *
 * min_auto_priority_delay is 100 ms here: a 300 ms stop is then always seen as at least
 * 300 − 100 (the sentinel period) − 1 (timer resolution) = 199 ms late, so each stop is
 * exactly one late wake-up and one step, while ordinary jitter (about a millisecond) never is.
 * keepalived does the same: "A thread timer expired ... seconds ago", then "Set realtime
 * priority N", one step per late wake-up. Without max_auto_priority the late wake-up is still
 * logged (keepalived logs it whatever max_auto_priority says), the parent logs keepalived's
 * NOTICE suggesting the option, and the child stays SCHED_OTHER.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { delay } from '../../harness/index.js';
import { DaemonLab, instanceConf, type DaemonProcess } from '../vrrpd/lab.js';

const STOP_MS = 300;

const conf = (globals: string): string => `global_defs {
  router_id r1
${globals}}
${instanceConf({ priority: 150 })}`;

/** The scheduling policy and realtime priority of `pid`'s main thread, as the kernel reports it. */
function scheduling(pid: number): { policy: string; priority: number } {
  const r = spawnSync('chrt', ['-p', String(pid)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `chrt -p ${pid}: ${r.stderr}`);
  const policy = /scheduling policy: (\S+)/.exec(r.stdout)?.[1];
  const priority = /scheduling priority: (\d+)/.exec(r.stdout)?.[1];
  assert.ok(policy && priority, `chrt -p output: ${r.stdout}`);
  return { policy, priority: Number(priority) };
}

/** Stops the process for STOP_MS so its event loop wakes up late. */
async function makeLate(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await delay(STOP_MS);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

async function startedDaemon(t: Parameters<typeof DaemonLab.create>[0], globals: string): Promise<{ daemon: DaemonProcess; vrrpPid: number }> {
  const lab = await DaemonLab.create(t);
  const { r1 } = await lab.lan();
  const daemon = lab.daemon(r1, 'r1', conf(globals));
  await daemon.waitState('VI_1', 'BACKUP', 10_000);
  const vrrpPid = Number(readFileSync(join(lab.dir, 'r1.vrrp.pid'), 'utf8').trim());
  assert.ok(vrrpPid > 0 && vrrpPid !== daemon.pid, 'the VRRP child wrote its pid file');
  // The watch starts once the child has reported ready; give it a few sentinel periods.
  await delay(300);
  return { daemon, vrrpPid };
}

test('max_auto_priority 10: each late wake-up of the VRRP child raises it one SCHED_RR step', { timeout: 60_000 }, async (t) => {
  const { daemon, vrrpPid } = await startedDaemon(t, '  max_auto_priority 10\n  min_auto_priority_delay 100000\n');
  assert.ok(!daemon.lines.some((l) => l.includes('NOTICE: setting config option max_auto_priority')), 'no NOTICE when it is set');
  assert.deepEqual(scheduling(vrrpPid), { policy: 'SCHED_OTHER', priority: 0 }, 'not realtime before it was ever late');

  let from = daemon.lines.length;
  await makeLate(vrrpPid);
  const expired = await daemon.waitLine(/A thread timer expired 0\.\d{6} seconds ago$/, 3000, from);
  const lateS = Number(/expired (\S+) seconds/.exec(expired)![1]);
  assert.ok(lateS >= 0.19 && lateS < 1, `lateness ${lateS} s after a ${STOP_MS} ms stop`);
  await daemon.waitLine(/Set realtime priority 1$/, 3000, from);
  // keepalived's flags too: SCHED_RESET_ON_FORK, so scripts it runs are not realtime
  assert.deepEqual(scheduling(vrrpPid), { policy: 'SCHED_RR|SCHED_RESET_ON_FORK', priority: 1 });
  // and the step out of SCHED_OTHER set RLIMIT_RTTIME from vrrp_rlimit_rttime (default 10000 µs, soft half)
  assert.match(readFileSync(`/proc/${vrrpPid}/limits`, 'utf8'), /^Max realtime timeout\s+5000\s+10000\s+us/m);

  from = daemon.lines.length;
  await makeLate(vrrpPid);
  await daemon.waitLine(/Set realtime priority 2$/, 3000, from);
  assert.deepEqual(scheduling(vrrpPid), { policy: 'SCHED_RR|SCHED_RESET_ON_FORK', priority: 2 });

  // Still doing its job at SCHED_RR: with no peer it takes over as MASTER.
  await daemon.waitState('VI_1', 'MASTER', 10_000);
  assert.equal(await daemon.stop('SIGTERM'), 0, 'the daemon exits 0');
});

test('without max_auto_priority: the NOTICE, the late wake-up logged, and SCHED_OTHER kept', { timeout: 60_000 }, async (t) => {
  const { daemon, vrrpPid } = await startedDaemon(t, '  min_auto_priority_delay 100000\n');
  assert.ok(daemon.lines.some((l) => l.endsWith('NOTICE: setting config option max_auto_priority should result in better keepalived performance')));
  const from = daemon.lines.length;
  await makeLate(vrrpPid);
  await daemon.waitLine(/A thread timer expired 0\.\d{6} seconds ago$/, 3000, from);
  await delay(300);
  assert.ok(!daemon.lines.slice(from).some((l) => l.includes('Set realtime priority')));
  assert.deepEqual(scheduling(vrrpPid), { policy: 'SCHED_OTHER', priority: 0 });
  assert.equal(await daemon.stop('SIGTERM'), 0, 'the daemon exits 0');
});
