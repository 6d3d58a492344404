import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { EMPTY_SUMMARY, childrenToRun, modeFromFlags } from '../../../src/supervisor/roles.js';

const all = { vrrpInstances: 2, staticBlocks: 0, virtualServers: 1, bfdInstances: 1 };

test('a child runs only when its part of the config is non-empty', () => {
  assert.deepEqual(childrenToRun(modeFromFlags([]), EMPTY_SUMMARY), []);
  assert.deepEqual(childrenToRun(modeFromFlags([]), all), ['checker', 'vrrp', 'bfd']);
  assert.deepEqual(childrenToRun(modeFromFlags([]), { ...EMPTY_SUMMARY, virtualServers: 3 }), ['checker']);
  // static_ipaddress/routes/rules alone (even an empty block) mean VRRP
  assert.deepEqual(childrenToRun(modeFromFlags([]), { ...EMPTY_SUMMARY, staticBlocks: 1 }), ['vrrp']);
});

test('--all starts every child, -P/-C/-B restrict, in command-line order', () => {
  assert.deepEqual(childrenToRun(modeFromFlags(['--all']), EMPTY_SUMMARY), ['checker', 'vrrp', 'bfd']);
  assert.deepEqual(childrenToRun(modeFromFlags(['-P']), all), ['vrrp', 'bfd']);
  assert.deepEqual(childrenToRun(modeFromFlags(['-C']), all), ['checker', 'bfd']);
  assert.deepEqual(childrenToRun(modeFromFlags(['-B']), all), ['checker', 'vrrp']);
  assert.deepEqual(childrenToRun(modeFromFlags(['-P', '-B']), all), ['vrrp']);
  assert.deepEqual(childrenToRun(modeFromFlags(['--all', '-P']), EMPTY_SUMMARY), ['vrrp', 'bfd']);
  assert.deepEqual(childrenToRun(modeFromFlags(['-P', '--all']), EMPTY_SUMMARY), ['checker', 'vrrp', 'bfd']);
});
