#!/usr/bin/env node
// Runs the compiled tests (dist/test/<group>/**/*.test.js) with Node's built-in
// runner. Usage: node scripts/run-tests.mjs [unit|integration|interop|vm ...]
// With no group, every group runs, unit first.
// Integration-style groups run one file at a time: they build network namespaces
// and start daemons, and two cores are not enough to run them side by side reliably.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const allGroups = ['unit', 'integration', 'interop', 'vm'];
const groups = process.argv.slice(2).length ? process.argv.slice(2) : allGroups;
const serial = new Set(['integration', 'interop', 'vm']);

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let failed = false;
for (const group of groups) {
  if (!allGroups.includes(group)) {
    console.error(`unknown test group '${group}' (expected one of ${allGroups.join(', ')})`);
    process.exit(2);
  }
  const files = findTests(join('dist', 'test', group));
  if (files.length === 0) continue;
  console.log(`\n== ${group}: ${files.length} file(s)`);
  const args = ['--test', '--test-reporter=spec'];
  if (serial.has(group)) args.push('--test-concurrency=1');
  const r = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
