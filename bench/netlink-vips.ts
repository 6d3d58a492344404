/**
 * Benchmark: installing 255 VIPs with one netlink batch versus 255 `ip addr add`
 * processes — what keepalived-ts does on a MASTER transition versus what a shell
 * script would do. Runs in a private network namespace it creates and deletes.
 *
 *   node dist/bench/netlink-vips.js [--rounds 5] [--count 255]
 *
 * Each round adds the addresses (timed), then removes them (untimed, by netlink).
 * A third row, one `ip -batch` process adding them all, shows the kernel's own share.
 * The netlink time runs from the first request to the last ACK, i.e. until the kernel
 * confirmed every address. Medians over the rounds are printed with the ratio.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
};
const rounds = option('rounds', 5);
const count = option('count', 255);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function inside(): Promise<void> {
  const { openRtnl } = await import('../src/net/netlink/index.js');
  const rtnl = openRtnl();
  const index = (await rtnl.link({ name: 'bench0' })).index;
  const specs = Array.from({ length: count }, (_, i) => ({ index, address: `10.200.${i >> 8}.${(i & 255) + 1}`, prefixLength: 32 }));
  const netlinkMs: number[] = [];
  const ipMs: number[] = [];
  const batchMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let t0 = performance.now();
    const added = await rtnl.addAddresses(specs);
    netlinkMs.push(performance.now() - t0);
    const failed = added.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(`netlink batch: ${failed.length} failed, first: ${(failed[0] as { error: Error }).error.message}`);
    await rtnl.deleteAddresses(specs);

    t0 = performance.now();
    for (const s of specs) execFileSync('ip', ['addr', 'add', `${s.address}/32`, 'dev', 'bench0']);
    ipMs.push(performance.now() - t0);
    const removed = await rtnl.deleteAddresses(specs);
    if (removed.some((o) => !o.ok)) throw new Error('cleanup after the ip round failed');

    // For reference: the kernel's own cost, one `ip -batch` process doing all of them.
    t0 = performance.now();
    execFileSync('ip', ['-batch', '-'], { input: specs.map((s) => `addr add ${s.address}/32 dev bench0\n`).join('') });
    batchMs.push(performance.now() - t0);
    await rtnl.deleteAddresses(specs);
  }
  rtnl.close();
  const n = median(netlinkMs);
  const i = median(ipMs);
  console.log(`${count} VIPs, ${rounds} rounds (median; min-max)`);
  const row = (label: string, ms: number[], m: number): string =>
    `  ${label.padEnd(28)}${m.toFixed(1).padStart(8)} ms  (${Math.min(...ms).toFixed(1)}-${Math.max(...ms).toFixed(1)})`;
  console.log(row('netlink, one batch', netlinkMs, n));
  console.log(row(`${count} x 'ip addr add'`, ipMs, i));
  console.log(row("one 'ip -batch' (reference)", batchMs, median(batchMs)));
  console.log(`  ${'ratio (ip addr add / netlink)'.padEnd(28)}${(i / n).toFixed(1).padStart(8)} x faster with netlink`);
}

function outside(): void {
  const ns = `nlbench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const cleanup = (): void => { spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { cleanup(); process.exit(130); });
  execFileSync('ip', ['netns', 'add', ns]);
  const ip = (...a: string[]): void => { execFileSync('ip', ['-n', ns, ...a]); };
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'bench0', 'type', 'veth', 'peer', 'name', 'bench1');
  ip('link', 'set', 'bench0', 'up');
  ip('link', 'set', 'bench1', 'up');
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(import.meta.url), '--inside', ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}

if (args.includes('--inside')) {
  inside().catch((err: unknown) => { console.error(err); process.exit(1); });
} else {
  outside();
}
