import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { signumFor } from '../../../src/supervisor/signals.js';

test('--signum prints what keepalived prints on Linux/glibc', () => {
  // checked against Debian's keepalived 2.2.7 `--signum=NAME`
  assert.equal(signumFor('STOP'), 15);
  assert.equal(signumFor('RELOAD'), 1);
  assert.equal(signumFor('DATA'), 10);
  assert.equal(signumFor('STATS'), 12);
  assert.equal(signumFor('STATS_CLEAR'), 63);
  assert.equal(signumFor('JSON'), 36);
  assert.equal(signumFor('TDUMP'), 64);
  assert.equal(signumFor('stop'), undefined);
  assert.equal(signumFor('toString'), undefined);
});
