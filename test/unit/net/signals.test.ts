// Realtime signals: Node cannot catch them (process.on('SIGRTMIN') is a plain
// event and kill -36 still terminates), the addon's SignalWatcher can. Run in a
// child process, because an uncaught realtime signal would kill the test runner.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { native } from '../../../src/net/native.js';
import { waitUntil } from '../../harness/wait.js';

const nativeUrl = new URL('../../../src/net/native.js', import.meta.url).href;

/**
 * Runs `source` in a node child under sh, which reports how node ended: Node's own
 * child_process cannot name realtime signals (it reports code 0, signal null).
 */
function child(source: string) {
  const proc = spawn('sh', ['-c', '"$0" --input-type=module -e "$1"; echo "status=$?"', process.execPath,
    `console.log('pid=' + process.pid);\n${source}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  proc.stderr.resume(); // sh reports "Real-time signal 2" there
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    output: () => out,
    pid: () => Number(out.match(/pid=(\d+)/)![1]),
    /** The shell's $? for node: 128 + the signal number when a signal killed it. */
    status: async () => { await exited; return Number(out.match(/status=(\d+)/)![1]); },
  };
}

test('SIGRTMIN and SIGRTMAX are what keepalived computes with glibc', () => {
  assert.equal(native.SIGRTMIN, 34);
  assert.equal(native.SIGRTMAX, 64);
  assert.equal(native.SIGRTMIN + 2, 36); // keepalived's JSON dump signal
  assert.equal(native.SIGRTMAX - 1, 63); // keepalived's STATS_CLEAR signal
});

test('without a watcher, process.on cannot keep SIGRTMIN+2 from killing node', async () => {
  const c = child(`process.on('SIGRTMIN', () => console.log('caught')); console.log('ready'); setInterval(() => {}, 1000);`);
  await waitUntil('the child to start', () => c.output().includes('ready'));
  process.kill(c.pid(), 36);
  assert.equal(await c.status(), 128 + 36);
  assert.doesNotMatch(c.output(), /caught/);
});

test('SignalWatcher delivers SIGRTMIN+2 and SIGRTMAX-1 as callbacks; stop() restores the default', async () => {
  const c = child(`
    const { native } = await import(${JSON.stringify(nativeUrl)});
    const seen = [];
    const json = new native.SignalWatcher(native.SIGRTMIN + 2, (s) => { seen.push(s); console.log('got ' + s); }).start();
    const clear = new native.SignalWatcher(native.SIGRTMAX - 1, (s) => { console.log('got ' + s); clear.close(); json.stop(); console.log('stopped'); }).start();
    console.log('ready');
    setInterval(() => {}, 1000);
  `);
  await waitUntil('the child to start', () => c.output().includes('ready'));
  process.kill(c.pid(), 36);
  await waitUntil('SIGRTMIN+2 to be delivered', () => c.output().includes('got 36'));
  process.kill(c.pid(), 36);
  await waitUntil('the second SIGRTMIN+2', () => c.output().split('got 36').length === 3);
  process.kill(c.pid(), 63);
  await waitUntil('SIGRTMAX-1 to be delivered', () => c.output().includes('stopped'));
  // Every watcher of 36 is stopped: the default action (terminate) is back.
  process.kill(c.pid(), 36);
  assert.equal(await c.status(), 128 + 36);
});

test('SignalWatcher rejects signals that cannot be caught', () => {
  assert.throws(() => new native.SignalWatcher(9, () => undefined), /cannot be caught/);
  assert.throws(() => new native.SignalWatcher(0, () => undefined), /out of range/);
  assert.throws(() => new native.SignalWatcher(65, () => undefined), /out of range/);
});

test('watchSignal subscribes in-process and names keepalived\'s signals', async () => {
  const { SIGJSON, SIGSTATS_CLEAR, SIGTDUMP, watchSignal } = await import('../../../src/core/realtime-signals.js');
  assert.deepEqual([SIGJSON, SIGSTATS_CLEAR, SIGTDUMP], [36, 63, 64]);
  const seen: number[] = [];
  const subscription = watchSignal(SIGSTATS_CLEAR, (s) => seen.push(s), { keepAlive: false });
  try {
    process.kill(process.pid, SIGSTATS_CLEAR);
    await waitUntil('SIGSTATS_CLEAR in this process', () => seen.length === 1);
    assert.deepEqual(seen, [63]);
  } finally {
    subscription.close();
  }
});
