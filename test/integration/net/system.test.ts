// The process-level syscalls the addon adds (they need root): realtime
// scheduling and memory locking, each tried in a child process so the test
// runner itself is left alone. setns is exercised by the harness (Namespace.enter).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openSync, closeSync } from 'node:fs';
import { native } from '../../../src/net/native.js';
import { CLONE_NEWNET } from '../../../src/net/constants.js';

const run = promisify(execFile);
const url = (path: string) => new URL(path, import.meta.url).href;

async function inChild(body: string): Promise<unknown> {
  const source = `
    const { native } = await import(${JSON.stringify(url('../../../src/net/native.js'))});
    const C = await import(${JSON.stringify(url('../../../src/net/constants.js'))});
    const { readFileSync } = await import('node:fs');
    const result = await (async () => { ${body} })();
    console.log(JSON.stringify(result));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source]);
  return JSON.parse(stdout);
}

test('sched_setscheduler: SCHED_RR with a priority, as keepalived\'s realtime_priority', async () => {
  const result = await inChild(`
    const before = native.schedGetScheduler();
    native.schedSetScheduler(C.SCHED_RR, 5);
    const after = native.schedGetScheduler();
    // The kernel's own view of the calling (main) thread.
    const stat = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    let error = null;
    try { native.schedSetScheduler(C.SCHED_RR, 100); } catch (e) { error = [e.code, e.syscall]; }
    native.schedSetScheduler(C.SCHED_OTHER | C.SCHED_RESET_ON_FORK, 0);
    return { before, after, rtPriority: Number(stat[37]), policy: Number(stat[38]), error, reset: native.schedGetScheduler() };
  `);
  assert.deepEqual(result, {
    before: { policy: 0, priority: 0 }, after: { policy: 2, priority: 5 }, rtPriority: 5, policy: 2,
    error: ['EINVAL', 'sched_setscheduler'], reset: { policy: 0x40000000, priority: 0 },
  });
});

test('mlockall locks the process memory, munlockall releases it', async () => {
  const result = await inChild(`
    const locked = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmLck:\\s+(\\d+)/)[1]);
    const before = locked();
    native.mlockall(C.MCL_CURRENT | C.MCL_FUTURE);
    const during = locked();
    native.munlockall();
    let error = null;
    try { native.mlockall(0); } catch (e) { error = e.code; }
    return { before, during, after: locked(), error };
  `) as { before: number; during: number; after: number; error: string };
  assert.equal(result.before, 0);
  assert.ok(result.during > 10_000, `VmLck ${result.during} kB while locked`);
  assert.equal(result.after, 0);
  assert.equal(result.error, 'EINVAL');
});

test('setns refuses a descriptor of the wrong namespace type', () => {
  const fd = openSync('/proc/self/ns/uts', 'r');
  try {
    assert.throws(() => native.setns(fd, CLONE_NEWNET), { code: 'EINVAL', syscall: 'setns' });
  } finally {
    closeSync(fd);
  }
});
