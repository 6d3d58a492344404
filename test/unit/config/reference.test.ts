import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configurationReference } from '../../../src/config/reference.js';

test('docs/configuration.md is generated from the current keyword tables (run `npm run docs`)', () => {
  const committed = readFileSync('docs/configuration.md', 'utf8');
  assert.equal(committed, configurationReference());
});

test('reference: every keyword appears with its status', () => {
  const text = configurationReference();
  assert.match(text, /\| `vrrp_script` \|/);
  assert.match(text, /## vrrp_script\n/);
  assert.match(text, /\| `interval` \| `1\.\.4294 \(seconds\)` \| 1 \| CORE \| supported \|/);
  assert.match(text, /\| `smtp_server` \| .* \| recognised \|/);
});
