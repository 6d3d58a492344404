import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rootBlock } from '../../../src/config/root.js';
import type { BlockInfo } from '../../../src/config/schema/types.js';
import { supportedEntries } from '../../../src/config/support.js';

function blocksByName(root: BlockInfo): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (b: BlockInfo) => {
    if (out.has(b.name)) return;
    out.set(b.name, new Set(b.keywords.flatMap((k) => [k.name])));
    for (const k of b.keywords) if (k.block) walk(k.block);
  };
  walk(root);
  return out;
}

test('support list: every entry names a keyword that exists in that block', () => {
  const blocks = blocksByName(rootBlock);
  const unknown = supportedEntries().filter(([block, kw]) => !blocks.get(block)?.has(kw));
  assert.deepEqual(unknown, []);
});
