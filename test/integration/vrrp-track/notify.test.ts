/**
 * Notify scripts and notify FIFOs with real processes and a real FIFO in a
 * temporary directory: keepalived's arguments, the FIFO's creation, the
 * reader script's arguments and restart, strict line order under a burst
 * while a slow notify script runs, and lines kept while the pipe is full.
 */
import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingLog } from '../../../src/core/log-port.js';
import { ScriptRunner, type ScriptToRun } from '../../../src/core/scripts/runner.js';
import { NotifyDispatcher } from '../../../src/vrrp/notify/dispatcher.js';
import { NotifyFifo } from '../../../src/vrrp/notify/fifo.js';
import { parseFifoLine } from '../../../src/vrrp/notify/format.js';

const dir = mkdtempSync('/tmp/ka-notify-');
chmodSync(dir, 0o755);
const uid = process.geteuid!();
const gid = process.getegid!();
const log = new RecordingLog();
const runner = new ScriptRunner({ log, termGraceMs: 200, killRetryMs: 500, shutdownGraceMs: 300 });
const fifos: NotifyFifo[] = [];

after(async () => {
  for (const f of fifos) await f.close();
  await runner.terminateAll();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function sh(body: string, args: string[] = []): ScriptToRun {
  const p = join(dir, `s${n++}.sh`);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return { name: p, argv: [p, ...args], uid, gid };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');

test('a notify script receives exactly keepalived\'s arguments', async () => {
  const out = join(dir, 'args.out');
  // Each argument in brackets, one invocation per line.
  const record = (tag: string) => `{ printf '${tag} %s' "$#"; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >> ${out}`;
  const d = new NotifyDispatcher({
    runner,
    log,
    specs: [
      {
        type: 'INSTANCE',
        name: 'VI_1',
        scripts: { master: sh(record('master'), ['own arg']), generic: sh(record('notify'), ['x']), stop: sh(record('stop')) },
      },
      { type: 'GROUP', name: 'G 1', scripts: { generic: sh(record('gnotify')) } },
    ],
  });
  d.instanceState('VI_1', 'MASTER', 160);
  await d.settled();
  d.groupState('G 1', 'BACKUP');
  await d.settled();
  d.instanceState('VI_1', 'STOP', 160);
  await d.settled();
  assert.deepEqual(read(out).trim().split('\n').sort(), [
    'gnotify 4 [GROUP] [G 1] [BACKUP] [0]',
    'master 1 [own arg]',
    'notify 5 [x] [INSTANCE] [VI_1] [MASTER] [160]',
    'notify 5 [x] [INSTANCE] [VI_1] [STOP] [160]',
    'stop 0',
  ]);
});

test('the FIFO is created 0600, and its script gets the FIFO path as its last argument and is restarted', async () => {
  const path = join(dir, 'args.fifo');
  const argsOut = join(dir, 'fifo-script.args');
  const fifo = new NotifyFifo(
    { keyword: 'vrrp_notify_fifo', path, uid, gid, script: sh(`echo "$$ $#: $*" >> ${argsOut}; exec sleep 60`, ['--flag']) },
    runner,
    log,
    { restartDelayMs: 100 },
  );
  fifos.push(fifo);
  assert.equal(fifo.open(), true);
  const st = lstatSync(path);
  assert.ok(st.isFIFO());
  assert.equal(st.mode & 0o777, 0o600);
  assert.ok(await waitFor(() => read(argsOut).includes('\n'), 3000));
  const [first] = read(argsOut).trim().split('\n');
  const [pid, rest] = first!.split(' ', 2) as [string, string];
  assert.equal(first, `${pid} 2: --flag ${path}`);
  assert.equal(rest, '2:');
  // Kill the reader (its pid, which leads its own process group): it comes back.
  process.kill(Number(pid), 'SIGKILL');
  assert.ok(await waitFor(() => read(argsOut).trim().split('\n').length === 2, 3000), read(argsOut));
  assert.notEqual(read(argsOut).trim().split('\n')[1]!.split(' ')[0], pid);
  assert.ok(log.lines.some((l) => l.startsWith('vrrp_notify_fifo script terminated (signal SIGKILL) - restarting it in 100 ms')), log.lines.join('\n'));
  await fifo.close();
  assert.equal(existsSync(path), false, 'a FIFO we created is removed on close');
});

test('FIFO lines arrive in event order during a burst while a slow notify script runs', async () => {
  const path = join(dir, 'burst.fifo');
  const out = join(dir, 'burst.out');
  const reader = sh(`exec cat "$1" > ${out}`);
  const fifo = new NotifyFifo({ keyword: 'vrrp_notify_fifo', path, uid, gid, script: reader }, runner, log);
  fifos.push(fifo);
  assert.equal(fifo.open(), true);
  const slowDone = join(dir, 'slow.done');
  const d = new NotifyDispatcher({
    runner,
    log,
    specs: [{ type: 'INSTANCE', name: 'VI_1', scripts: { generic: sh(`sleep 1; echo "$4" >> ${slowDone}`) } }],
    fifos: [fifo],
  });
  const expected: string[] = [];
  for (let i = 0; i < 100; i++) {
    const state = i % 3 === 0 ? 'MASTER' : i % 3 === 1 ? 'BACKUP' : 'FAULT';
    d.instanceState('VI_1', state, i + 1);
    expected.push(`INSTANCE "VI_1" ${state} ${i + 1}`);
  }
  d.groupState('G', 'MASTER');
  expected.push('GROUP "G" MASTER 0');
  // Every line is in the pipe before a single notify script has finished.
  assert.ok(await waitFor(() => read(out).split('\n').length > 101, 3000), `got ${read(out).split('\n').length - 1} lines`);
  assert.equal(read(slowDone), '', 'the slow notify scripts are still running');
  assert.ok(d.activeScripts > 0);
  const lines = read(out).trim().split('\n');
  assert.deepEqual(lines, expected);
  assert.ok(lines.every((l) => parseFifoLine(l) !== undefined));
  await d.settled();
  assert.equal(read(slowDone).trim().split('\n').length, 100);
});

test('with no reader, lines wait in order until one comes', async () => {
  const path = join(dir, 'full.fifo');
  const fifo = new NotifyFifo({ keyword: 'notify_fifo', path, uid, gid }, runner, log, { retryMs: 20 });
  fifos.push(fifo);
  assert.equal(fifo.open(), true);
  const d = new NotifyDispatcher({ runner, log, specs: [], fifos: [fifo] });
  // ~3000 lines of ~40 bytes: well beyond the 64 KiB a pipe holds.
  for (let i = 0; i < 3000; i++) d.instanceState(`instance_${String(i).padStart(5, '0')}`, 'BACKUP', 100);
  assert.ok(fifo.queued > 0, 'the pipe filled up and lines are queued');
  assert.ok(log.lines.some((l) => l.includes('is full (no reader?)')));
  const out = join(dir, 'full.out');
  const reader = runner.run(sh(`exec cat "$1" > ${out}`), { extraArgs: [path] });
  assert.ok(await waitFor(() => read(out).split('\n').length > 3000, 5000), `got ${read(out).split('\n').length - 1}`);
  const lines = read(out).trim().split('\n');
  assert.equal(lines.length, 3000);
  lines.forEach((l, i) => assert.equal(l, `INSTANCE "instance_${String(i).padStart(5, '0')}" BACKUP 100`));
  assert.equal(fifo.queued, 0);
  assert.equal(fifo.dropped, 0);
  await fifo.close();
  if (reader.pid) process.kill(-reader.pid, 'SIGTERM');
  await reader.result;
});
