// AF_UNIX datagrams for systemd notify and syslog, received by sockets bound
// with our own addon; and the syslog line format checked against glibc's own
// syslog() (through Python's syslog module, in a private mount namespace where
// /dev/log is a socket of the test's).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UnixDatagramSocket } from '../../../src/net/unix-dgram.js';
import { notify, notifyErrno, notifyReady, notifyStopping, NotifySocketError, unsetNotifySocket } from '../../../src/core/sd-notify.js';
import { formatSyslogLine, SyslogFacility, SyslogSeverity, SyslogSink, CONNECT_HOLD_OFF_MS } from '../../../src/core/syslog.js';
import { waitUntil } from '../../harness/index.js';

const run = promisify(execFile);

function receiver(path: string): { socket: UnixDatagramSocket; received: Array<[string, string]> } {
  const socket = UnixDatagramSocket.open().bind(path).startReceiving();
  const received: Array<[string, string]> = [];
  socket.on('message', (data, from) => received.push([data.toString('utf8'), from]));
  return { socket, received };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-unix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('sd_notify to an abstract NOTIFY_SOCKET: each state arrives intact', async (t) => {
  const name = `@kts-notify-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const { socket, received } = receiver(name);
  t.after(() => socket.close());
  const env = { NOTIFY_SOCKET: name };
  const status = `STATUS=${'ünïcødé '.repeat(500)}`; // about 5 KB, multi-byte UTF-8
  assert.equal(notifyReady(4242, env), true);
  assert.equal(notify(status, env), true);
  assert.equal(notifyErrno(13, env), true);
  assert.equal(notifyStopping(env), true);
  await waitUntil('four notifications', () => received.length === 4);
  assert.deepEqual(received.map(([text]) => text), ['READY=1\nMAINPID=4242', status, 'ERRNO=13', 'STOPPING=1']);
  // libsystemd sends from an unbound socket too.
  assert.ok(received.every(([, from]) => from === ''));
});

test('sd_notify from a child process through a filesystem NOTIFY_SOCKET in its environment', async (t) => {
  const path = join(tempDir(t), 'notify');
  const { socket, received } = receiver(path);
  t.after(() => socket.close());
  const module = new URL('../../../src/core/sd-notify.js', import.meta.url).href;
  await run(process.execPath, ['--input-type=module', '-e',
    `const m = await import(${JSON.stringify(module)}); m.notifyReady(); m.unsetNotifySocket(); console.log(m.notify('X=1'));`],
  { env: { ...process.env, NOTIFY_SOCKET: path } });
  await waitUntil('the child\'s READY=1', () => received.length === 1);
  assert.match(received[0]![0], /^READY=1\nMAINPID=\d+$/);
});

test('sd_notify without NOTIFY_SOCKET is a no-op; unusable values are errors', () => {
  assert.equal(notify('READY=1', {}), false);
  const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '@x' };
  unsetNotifySocket(env);
  assert.equal(notify('READY=1', env), false);
  assert.throws(() => notify('READY=1', { NOTIFY_SOCKET: 'vsock:2:1234' }), NotifySocketError);
  assert.throws(() => notify('READY=1', { NOTIFY_SOCKET: '/nonexistent/kts/notify' }), { code: 'ENOENT', syscall: 'sendto' });
});

test('syslog lines have glibc\'s format, and the sink survives a daemon restart', async (t) => {
  const path = join(tempDir(t), 'log');
  let daemon = receiver(path);
  t.after(() => daemon.socket.close());
  let clockMs = 0;
  const sink = new SyslogSink({ path, pid: 4242, now: () => new Date(2026, 10, 2, 1, 49, 5), monotonicMs: () => clockMs });
  t.after(() => sink.close());
  sink.open('Keepalived_vrrp', SyslogFacility.daemon);
  assert.equal(sink.write(SyslogSeverity.info, '(VI_1) Entering MASTER STATE'), true);
  sink.open('Keepalived_vrrp', SyslogFacility.local3);
  assert.equal(sink.write(SyslogSeverity.warning, 'x'), true);
  await waitUntil('two syslog lines', () => daemon.received.length === 2);
  assert.deepEqual(daemon.received.map(([line]) => line), [
    '<30>Nov  2 01:49:05 Keepalived_vrrp[4242]: (VI_1) Entering MASTER STATE',
    '<156>Nov  2 01:49:05 Keepalived_vrrp[4242]: x',
  ]);

  // The daemon restarts: same path, new socket. The sink reconnects by itself.
  daemon.socket.close();
  unlinkSync(path);
  assert.equal(sink.write(SyslogSeverity.err, 'while the daemon is away'), false);
  assert.equal(sink.dropped, 1);
  daemon = receiver(path);
  // A failed connect is not retried within the hold-off (no socket churn per line)...
  clockMs += CONNECT_HOLD_OFF_MS - 1;
  assert.equal(sink.write(SyslogSeverity.err, 'within the hold-off'), false);
  assert.equal(sink.dropped, 2);
  // ...and is after it.
  clockMs += 1;
  assert.equal(sink.write(SyslogSeverity.err, 'after the restart'), true);
  await waitUntil('the line after the restart', () => daemon.received.length === 1);
  assert.equal(daemon.received[0]![0], '<155>Nov  2 01:49:05 Keepalived_vrrp[4242]: after the restart');
});

test('with no syslog socket at all, lines are dropped (one connect attempt per hold-off) until one appears', async (t) => {
  const path = join(tempDir(t), 'log');
  let clockMs = 0;
  const sink = new SyslogSink({ path, pid: 4242, now: () => new Date(2026, 10, 2, 1, 49, 5), monotonicMs: () => clockMs });
  t.after(() => sink.close());
  assert.equal(sink.write(SyslogSeverity.info, 'no daemon'), false);
  // Past the hold-off and still no socket file: dropped with the same ENOENT, as a connect would.
  for (let i = 0; i < 3; i++) {
    clockMs += CONNECT_HOLD_OFF_MS;
    assert.equal(sink.write(SyslogSeverity.info, `still none ${i}`), false);
  }
  assert.equal(sink.dropped, 4);
  assert.equal((sink.lastError as { code?: string }).code, 'ENOENT');
  const daemon = receiver(path);
  t.after(() => daemon.socket.close());
  assert.equal(sink.write(SyslogSeverity.info, 'within the hold-off'), false, 'the file appeared, but the hold-off still runs');
  clockMs += CONNECT_HOLD_OFF_MS;
  assert.equal(sink.write(SyslogSeverity.info, 'a daemon at last'), true);
  await waitUntil('the line', () => daemon.received.length === 1);
});

test('a full syslog queue drops lines instead of blocking', async (t) => {
  const path = join(tempDir(t), 'log');
  // Bound but never read: the kernel queues at most net.unix.max_dgram_qlen datagrams.
  const silent = UnixDatagramSocket.open().bind(path);
  t.after(() => silent.close());
  const sink = new SyslogSink({ path });
  t.after(() => sink.close());
  let delivered = 0;
  for (let i = 0; i < 2000; i++) if (sink.write(SyslogSeverity.info, `line ${i}`)) delivered++;
  assert.ok(delivered > 0 && delivered < 2000, `delivered ${delivered}`);
  assert.equal(sink.dropped, 2000 - delivered);
  assert.equal((sink.lastError as { code?: string }).code, 'EAGAIN');
});

test('our syslog line equals what glibc syslog() sends', async () => {
  // Python's syslog module calls glibc's openlog/syslog; /dev/log is a socket the script binds
  // in a private mount namespace (tmpfs over /dev), so nothing outside the test is touched.
  const script = [
    'import socket, syslog, time, os',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log")',
    'syslog.openlog("Keepalived_vrrp", syslog.LOG_PID, syslog.LOG_LOCAL1)',
    'before = time.time()',
    'syslog.syslog(syslog.LOG_NOTICE, "(VI_1) Entering BACKUP STATE")',
    'print(repr((s.recv(4096).decode(), os.getpid(), before)))',
  ].join('\n');
  const { stdout } = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
    `mount -t tmpfs none /dev && exec python3 -c '${script}'`]);
  const match = stdout.trim().match(/^\('(.*)', (\d+), ([\d.]+)\)$/s);
  assert.ok(match, stdout);
  const [glibcLine, pid, seconds] = [match[1]!, Number(match[2]), Number(match[3])];
  const ours = formatSyslogLine({
    facility: SyslogFacility.local1, severity: SyslogSeverity.notice, ident: 'Keepalived_vrrp', pid,
    message: '(VI_1) Entering BACKUP STATE', date: new Date(Math.floor(seconds) * 1000),
  });
  // The same second or the next one (glibc took its own timestamp a moment later).
  const next = formatSyslogLine({
    facility: SyslogFacility.local1, severity: SyslogSeverity.notice, ident: 'Keepalived_vrrp', pid,
    message: '(VI_1) Entering BACKUP STATE', date: new Date((Math.floor(seconds) + 1) * 1000),
  });
  assert.ok(glibcLine === ours || glibcLine === next, `glibc: ${glibcLine}\nours:  ${ours}`);
});
