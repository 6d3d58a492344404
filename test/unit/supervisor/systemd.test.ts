import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { SystemdNotifier, watchdogUsecFromEnv } from '../../../src/supervisor/systemd.js';

function recorder(): { sent: string[]; transport: { send(m: string): void; close(): void } } {
  const sent: string[] = [];
  return { sent, transport: { send: (m) => void sent.push(m), close: () => void sent.push('(closed)') } };
}

test('messages carry what sd_notify expects', () => {
  const r = recorder();
  const n = new SystemdNotifier({ transport: r.transport, monotonicUsec: () => 123456789n });
  n.ready('Running: vrrp (pid 7)');
  n.reloading();
  n.stopping();
  n.errno(22);
  n.close();
  assert.deepEqual(r.sent, [
    `READY=1\nMAINPID=${process.pid}\nSTATUS=Running: vrrp (pid 7)`,
    'RELOADING=1\nMONOTONIC_USEC=123456789',
    'STOPPING=1',
    'ERRNO=22',
    '(closed)',
  ]);
});

test('WATCHDOG=1 at half of WATCHDOG_USEC, only for our pid', async () => {
  assert.equal(watchdogUsecFromEnv({ WATCHDOG_USEC: '2000000' }), 2_000_000);
  assert.equal(watchdogUsecFromEnv({ WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(process.pid) }), 2_000_000);
  assert.equal(watchdogUsecFromEnv({ WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' }), undefined);
  assert.equal(watchdogUsecFromEnv({}), undefined);
  const r = recorder();
  const n = new SystemdNotifier({ transport: r.transport, watchdogUsec: 100_000 });
  await new Promise((res) => setTimeout(res, 180));
  n.close();
  const pings = r.sent.filter((m) => m === 'WATCHDOG=1').length;
  assert.ok(pings >= 2 && pings <= 4, `${pings} pings in 180 ms at a 50 ms period`);
});

test('a failing transport is reported, never thrown', () => {
  const errors: string[] = [];
  const n = new SystemdNotifier({
    transport: { send: () => { throw new Error('ECONNREFUSED'); }, close: () => undefined },
    onError: (e) => void errors.push(e.message),
  });
  n.stopping();
  assert.deepEqual(errors, ['ECONNREFUSED']);
});
