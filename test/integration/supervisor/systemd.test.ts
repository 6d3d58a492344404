/**
 * The sd_notify messages a Type=notify unit sees, read from a real AF_UNIX
 * datagram socket standing in for systemd's notify socket: their order over
 * start, reload (good and broken) and stop, the watchdog keep-alives, ERRNO
 * on a permanent child failure, and children that do not inherit the socket.
 */
import { test, afterEach } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnixDatagramSocket } from '../../../src/net/unix-dgram.js';
import { TestDaemon, waitFor } from '../../harness/supervisor/daemon-process.js';

const FIXTURE_CHILD = fileURLToPath(new URL('../../harness/supervisor/fixture-child.js', import.meta.url));
const CONFIG = { global: { childWaitTimeMs: 2000 }, vrrp: { instances: [{ name: 'VI_1', priority: 100 }] }, checker: { virtualServers: [{ name: 'vs' }] } };

interface Received {
  readonly at: number;
  readonly text: string;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function listen(d: TestDaemon): { path: string; messages: Received[] } {
  const path = d.path('notify.sock');
  const messages: Received[] = [];
  const sock = UnixDatagramSocket.open().bind(path).startReceiving();
  sock.on('message', (data) => messages.push({ at: Date.now(), text: data.toString('utf8') }));
  cleanups.push(() => sock.close());
  return { path, messages };
}

/** The first line of each message, without the watchdog keep-alives. */
function kinds(messages: readonly Received[]): string[] {
  return messages.map((m) => m.text.split('\n')[0]!).filter((k) => k !== 'WATCHDOG=1');
}

test('READY=1 after every child is ready, RELOADING=1 then READY=1 around a reload, STOPPING=1 at the end', { timeout: 30_000 }, async () => {
  const d = new TestDaemon();
  cleanups.push(() => d.cleanup());
  const { path, messages } = listen(d);
  d.writeConfig(CONFIG);
  d.start({}, { env: { NOTIFY_SOCKET: path } });
  const started = await d.waitForLine(/Startup complete/, 8000);
  await waitFor(() => messages.length >= 1, 2000, 'READY=1');
  const ready = messages[0]!;
  assert.match(ready.text, new RegExp(`^READY=1\\nMAINPID=${d.pid}\\nSTATUS=Running: checker \\(pid ${d.childPid('Healthcheck')}\\), vrrp \\(pid ${d.childPid('VRRP')}\\)$`));
  assert.ok(ready.at >= started.at - 50, 'READY=1 came before the children were ready');

  // children neither see NOTIFY_SOCKET nor anything systemd gave the main process
  for (const pid of [d.childPid('VRRP')!, d.childPid('Healthcheck')!]) {
    assert.ok(!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((v) => v.startsWith('NOTIFY_SOCKET=')));
  }

  // a broken config: no RELOADING=1, nothing at all
  d.writeConfig('{ broken');
  let from = d.lines.length;
  d.signal('SIGHUP');
  await d.waitForLine(/Reload failed/, 5000, from);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(kinds(messages), ['READY=1']);

  d.writeConfig({ ...CONFIG, vrrp: { instances: [{ name: 'VI_1', priority: 150 }] } });
  from = d.lines.length;
  d.signal('SIGHUP');
  await d.waitForLine(/Reload complete/, 8000, from);
  await waitFor(() => kinds(messages).length >= 3, 2000, 'RELOADING=1 and READY=1');
  assert.match(messages.filter((m) => !m.text.startsWith('WATCHDOG'))[1]!.text, /^RELOADING=1\nMONOTONIC_USEC=\d+$/);

  d.signal('SIGTERM');
  assert.equal(await d.waitForExit(), 0);
  await waitFor(() => kinds(messages).length >= 4, 2000, 'STOPPING=1');
  assert.deepEqual(kinds(messages), ['READY=1', 'RELOADING=1', 'READY=1', 'STOPPING=1']);
});

test('WATCHDOG=1 every WATCHDOG_USEC/2 while running', { timeout: 20_000 }, async () => {
  const d = new TestDaemon();
  cleanups.push(() => d.cleanup());
  const { path, messages } = listen(d);
  d.writeConfig(CONFIG);
  d.start({}, { env: { NOTIFY_SOCKET: path, WATCHDOG_USEC: '200000' } });
  await d.waitForLine(/Startup complete/, 8000);
  const from = messages.length;
  await new Promise((r) => setTimeout(r, 1000));
  const pings = messages.slice(from).filter((m) => m.text === 'WATCHDOG=1').length;
  assert.ok(pings >= 7 && pings <= 12, `${pings} keep-alives in 1 s at a 100 ms period`);
  d.signal('SIGTERM');
  await d.waitForExit();
});

test('a permanent child failure is reported as ERRNO=22 (EINVAL) before STOPPING=1', { timeout: 20_000 }, async () => {
  const d = new TestDaemon();
  cleanups.push(() => d.cleanup());
  const { path, messages } = listen(d);
  d.writeConfig({ vrrp: CONFIG.vrrp });
  d.start({}, { args: ['--child-entry', FIXTURE_CHILD], env: { NOTIFY_SOCKET: path, KA_FIXTURE_MODE: 'exit2' } });
  assert.equal(await d.waitForExit(), 2);
  await waitFor(() => kinds(messages).length >= 2, 2000, 'ERRNO and STOPPING');
  assert.deepEqual(kinds(messages), ['ERRNO=22', 'STOPPING=1']);
});
