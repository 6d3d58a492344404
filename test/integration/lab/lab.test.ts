/**
 * The lab end to end, as a user runs it: `scripts/lab --demo` builds the
 * namespaces, runs the daemons, tells the story and removes everything. The
 * facts come from its JSON report (who was MASTER after each step, the
 * measured failovers) and from the machine afterwards (no namespace of that
 * lab, none of its processes).
 *
 * Also: a lab killed with SIGKILL (no handler runs) leaves its namespaces and
 * daemons behind, and the next `scripts/lab --clean` removes exactly those; a
 * lab interrupted with SIGINT removes everything itself and exits 130.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { masterDownInterval } from '../../../src/lab/config.js';

const LAB = resolve('scripts/lab');

interface LabRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
}

function namespacesOf(pid: number): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return list.split('\n').map((l) => l.split(' ')[0]!).filter((name) => name.startsWith(`kalab-${pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** Starts the lab; the test's after-hook makes sure nothing of it survives the test. */
function startLab(t: TestContext, args: string[]): LabRun {
  const child = spawn(LAB, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((res) => child.on('close', (code, signal) => res(signal ? 128 : code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill('SIGKILL');
    }
    // Whatever a killed lab left: only labs whose process is gone are touched.
    spawnSync(LAB, ['--clean'], { stdio: 'ignore' });
  });
  return {
    child, exited, output: () => output,
    waitFor(pattern, timeoutMs) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
        const check = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          res();
        };
        waiters.push(check);
        check();
      });
    },
  };
}

interface Failover {
  from?: string;
  to?: string;
  masterAfterMs?: number;
  vipOnToAfterMs?: number;
  vipOffFromAfterMs?: number;
  arpToAfterMs?: number;
  complete: boolean;
}
interface Report {
  ok: boolean;
  steps: Array<{ title: string; ok: boolean; lines: string[]; failover?: Failover }>;
  masters: Record<string, string | undefined>;
  namespaces: string[];
  pids: number[];
  cleanup: { ok: boolean; error?: string };
  interrupted: string | null;
}

async function runDemo(t: TestContext, extra: string[]): Promise<{ report: Report; output: string; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const reportFile = join(dir, 'report.json');
  const run = startLab(t, ['--demo', '--report', reportFile, ...extra]);
  const code = await run.exited;
  const output = run.output();
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  assert.equal(code, 0, output);
  return { report, output, pid: run.child.pid! };
}

function assertStory(report: Report, output: string, pid: number): void {
  assert.equal(report.ok, true, output);
  assert.deepEqual(report.steps.map((s) => s.ok), [true, true, true, true, true], output);
  // Who was MASTER after each step: r1 (150) wins, r2 takes over from a crash, r1 preempts back,
  // r2 takes over while r1's tracker lowers it and r1 preempts again when restored, r2 after r1's stop.
  assert.deepEqual(report.masters, { start: 'r1', crash: 'r2', restart: 'r1', tracker: 'r1', stop: 'r2' }, output);

  const [, crash, restart, tracker, stop] = report.steps.map((s) => s.failover);
  const down = masterDownInterval({ version: 3, advertInt: 1 }, 100) * 1000;
  assert.equal(crash?.from, 'r1');
  assert.equal(crash?.to, 'r2');
  assert.ok(crash.complete);
  // The crash is silent: r2 waits out Master_Down_Interval from r1's last advert (at most one interval before the crash).
  assert.ok(crash.masterAfterMs! > down - 1000 - 100 && crash.masterAfterMs! < down + 1000, `crash failover ${crash.masterAfterMs} ms`);
  assert.ok(crash.vipOnToAfterMs !== undefined, 'the VIP appeared in r2\'s kernel');
  assert.equal(crash.vipOffFromAfterMs, undefined, 'a killed daemon removes nothing');
  assert.ok(crash.arpToAfterMs !== undefined, "the client's ARP moved to r2");

  assert.equal(restart?.to, 'r1', 'r1 preempted r2 after its restart');
  assert.ok(restart.complete);
  assert.ok(restart.vipOffFromAfterMs !== undefined, 'r2 released the VIP');

  assert.equal(tracker?.to, 'r1');
  assert.ok(tracker.complete);
  assert.match(report.steps[3]!.lines.join('\n'), /r1 reported priority 50/);

  assert.equal(stop?.to, 'r2');
  assert.ok(stop.vipOffFromAfterMs !== undefined && stop.vipOffFromAfterMs < stop.masterAfterMs!, 'r1 removed its VIP on the way out');
  assert.ok(stop.masterAfterMs! < 2000, `priority 0 handover took ${stop.masterAfterMs} ms`);

  // Everything removed.
  assert.deepEqual(report.cleanup, { ok: true });
  assert.equal(report.namespaces.length, 4);
  assert.deepEqual(namespacesOf(pid), []);
  // Three daemons (r1 twice) with their VRRP children, two address monitors, the ping and the neighbour monitor.
  assert.ok(report.pids.length >= 7, `pids recorded: ${report.pids}`);
  assert.deepEqual(report.pids.filter(alive), []);
  assert.match(output, /lab: every step passed/);
}

test('scripts/lab --demo: two keepalived-ts routers elect, fail over, preempt, follow a tracker, hand over; nothing left', { timeout: 150_000 }, async (t) => {
  const { report, output, pid } = await runDemo(t, []);
  assertStory(report, output, pid);
});

test('scripts/lab --demo --peer keepalived: the same story with Debian\'s keepalived as router 2', { timeout: 150_000 }, async (t) => {
  const { report, output, pid } = await runDemo(t, ['--peer', 'keepalived']);
  assertStory(report, output, pid);
  assert.match(output, /r2: keepalived, priority 100/);
});

test('scripts/lab --demo with Debian\'s keepalived on both routers: the lab itself, whatever the daemon', { timeout: 150_000 }, async (t) => {
  const { report, output, pid } = await runDemo(t, ['--r1', 'keepalived', '--r2', 'keepalived']);
  assertStory(report, output, pid);
});

test('a lab killed with SIGKILL leaves its namespaces; scripts/lab --clean removes them and what ran inside', { timeout: 90_000 }, async (t) => {
  const run = startLab(t, ['--demo', '--r1', 'keepalived', '--r2', 'keepalived']);
  await run.waitFor(/2\. Crash r1/, 60_000);
  const pid = run.child.pid!;
  assert.equal(namespacesOf(pid).length, 4);
  const inside = namespacesOf(pid).flatMap((ns) =>
    spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number));
  assert.ok(inside.length >= 3, `daemons, ping and monitors run inside: ${inside}`);
  run.child.kill('SIGKILL');
  await run.exited;
  assert.equal(namespacesOf(pid).length, 4, 'SIGKILL: no handler ran, the namespaces are still there');

  const clean = spawnSync(LAB, ['--clean'], { encoding: 'utf8' });
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stderr, new RegExp(`kalab-${pid}-r1`));
  assert.deepEqual(namespacesOf(pid), []);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(inside.filter(alive), []);
  assert.ok(!spawnSync('ls', [tmpdir()], { encoding: 'utf8' }).stdout.split('\n').some((n) => n.startsWith(`kalab-${pid}-`)), 'temp directory removed');
});

test('SIGINT during the story: the lab removes everything and exits 130', { timeout: 90_000 }, async (t) => {
  const run = startLab(t, ['--demo', '--r1', 'keepalived', '--r2', 'keepalived']);
  await run.waitFor(/1\. Start both routers/, 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  const pid = run.child.pid!;
  const inside = namespacesOf(pid).flatMap((ns) =>
    spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number));
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 130, run.output());
  assert.match(run.output(), /SIGINT: stopping and removing the lab/);
  assert.match(run.output(), /removed namespaces/);
  assert.deepEqual(namespacesOf(pid), []);
  assert.deepEqual(inside.filter(alive), []);
});

/** The screen's text: ANSI sequences removed. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

test('the interactive view on a terminal: MASTER shown, key 1 crashes r1 and the VIP moves, q removes everything', { timeout: 90_000 }, async (t) => {
  // script(1) gives the lab a pseudo-terminal; what we write to its stdin are the keys.
  const child = spawn('script', ['-qfec', `stty cols 120 rows 60; exec ${LAB}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout!.on('data', (chunk: Buffer) => { screen += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  t.after(async () => {
    if (child.exitCode === null) {
      child.stdin!.write('q');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill('SIGKILL');
    }
    spawnSync(LAB, ['--clean'], { stdio: 'ignore' });
  });
  const waitScreen = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(plain(screen.slice(-6000)))) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} on the screen within ${timeoutMs} ms; last frame:\n${plain(screen.slice(-4000))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await waitScreen(/r1\s+keepalived-ts\s+\d+\s+MASTER[^\n]*● v4\+v6/, 30_000);
  await waitScreen(/ARP entry 02:4b:41:00:00:01 = r1/, 5_000);
  child.stdin!.write('1');
  await waitScreen(/crash r1: r2 MASTER after \d+\.\d+ s/, 15_000);
  await waitScreen(/r1\s+keepalived-ts\s+—\s+crashed/, 2_000);
  await waitScreen(/ARP entry 02:4b:41:00:00:02 = r2/, 5_000);
  child.stdin!.write('q');
  assert.equal(await exited, 0, plain(screen.slice(-3000)));
  const removed = /removed namespaces kalab-(\d+)-sw/.exec(plain(screen));
  assert.ok(removed, plain(screen.slice(-3000)));
  assert.deepEqual(namespacesOf(Number(removed[1])), []);
});
