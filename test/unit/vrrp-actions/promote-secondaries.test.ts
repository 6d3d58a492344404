/**
 * promote_secondaries (keepalived vrrp_if_config.c set/reset_promote_secondaries): counted
 * per interface; turned on by the first instance unless already on, turned off by the last
 * one only if it was off before. Through VrrpActions: registering sets it, removing and
 * stopping restore it, a VMAC instance leaves it alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromoteSecondaries } from '../../../src/vrrp/actions/promote-secondaries.js';
import type { SysctlPort } from '../../../src/vrrp/vmac/sysctl.js';

class MemorySysctl implements SysctlPort {
  readonly values = new Map<string, string>();
  readonly writes: string[] = [];
  async read(path: string): Promise<string | undefined> { return this.values.get(path); }
  async write(path: string, value: string): Promise<void> {
    if (!this.values.has(path)) throw new Error(`ENOENT ${path}`);
    this.writes.push(`${path}=${value}`);
    this.values.set(path, value);
  }
}

const P = 'net/ipv4/conf/eth0/promote_secondaries';

test('off before: the first user turns it on, the last one turns it off again', async () => {
  const k = new MemorySysctl();
  k.values.set(P, '0');
  const ps = new PromoteSecondaries(k);
  await ps.acquire('eth0');
  await ps.acquire('eth0');
  assert.equal(k.values.get(P), '1');
  await ps.release('eth0');
  assert.equal(k.values.get(P), '1', 'one instance still uses it');
  await ps.release('eth0');
  assert.equal(k.values.get(P), '0');
  assert.deepEqual(k.writes, [`${P}=1`, `${P}=0`]);
  assert.equal(ps.held.size, 0);
});

test('on before: nothing is written, and it stays on after the last user', async () => {
  const k = new MemorySysctl();
  k.values.set(P, '1');
  const ps = new PromoteSecondaries(k);
  await ps.acquire('eth0');
  await ps.release('eth0');
  assert.deepEqual(k.writes, []);
  assert.equal(k.values.get(P), '1');
});

test('a missing interface is logged, not thrown; releasing what was never held does nothing', async () => {
  const k = new MemorySysctl();
  const lines: string[] = [];
  const ps = new PromoteSecondaries(k, (m) => lines.push(m));
  await ps.acquire('eth9');
  await ps.release('eth9');
  await ps.release('eth0');
  assert.deepEqual(lines, ['Unable to set promote_secondaries on eth9: no such interface']);
  assert.deepEqual(k.writes, []);
});
