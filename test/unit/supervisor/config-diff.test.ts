import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { diffValues, formatDiff } from '../../../src/supervisor/config-diff.js';

const v1 = {
  instances: [
    { name: 'VI_1', priority: 100, vips: ['10.0.0.1/24'] },
    { name: 'VI_2', priority: 50, vips: [] },
  ],
  scripts: new Map([['chk', { interval: 1 }]]),
};

test('named blocks are matched by name: added, removed, changed', () => {
  const v2 = {
    instances: [
      { name: 'VI_3', priority: 10, vips: [] },
      { name: 'VI_1', priority: 150, vips: ['10.0.0.1/24', '10.0.0.2/24'] },
    ],
    scripts: new Map([['chk', { interval: 2 }]]),
  };
  assert.deepEqual(formatDiff(diffValues(v1, v2)), [
    '~ instances VI_1 priority: 100 -> 150',
    '~ instances VI_1 vips: ["10.0.0.1/24"] -> ["10.0.0.1/24","10.0.0.2/24"]',
    '- instances VI_2',
    '+ instances VI_3',
    '~ scripts chk interval: 1 -> 2',
  ]);
});

test('reordering named blocks is no change; identical configs give no entries', () => {
  const reordered = { ...v1, instances: [v1.instances[1], v1.instances[0]] };
  assert.deepEqual(diffValues(v1, reordered), []);
  assert.deepEqual(diffValues(v1, structuredClone(v1)), []);
});

test('scalars added and removed, undefined treated as absent', () => {
  assert.deepEqual(formatDiff(diffValues({ a: 1, b: undefined }, { a: 1, c: 'x' })), ['+ c = "x"']);
  assert.deepEqual(formatDiff(diffValues({ a: 1 }, {})), ['- a']);
  assert.deepEqual(formatDiff(diffValues(1, 2)), ['~ (whole configuration): 1 -> 2']);
});
