/**
 * Compile benchmark (issue 2): a generated keepalived.conf of 2,000 virtual
 * servers × 20 real servers, each with a TCP_CHECK (40,000 checkers), compiled
 * from the file through the lexer, tree, keyword tables and cross-checks —
 * what `keepalived -t` does before looking at the system. Goal: under 1 s.
 *
 * Reports wall and CPU time (the build machine is shared and often busy, so
 * CPU time is the steadier figure; the minimum is the best estimate of a quiet
 * machine), the minimum and median of several runs and the first run alone
 * (what one `keepalived -t` pays, before the JIT has warmed up); then the
 * compiler alone, on lines lexed beforehand (bench/lexer.ts times the lexer
 * alone); and, when Debian's keepalived is installed, its own `-t` on the same
 * file for reference (run in a throwaway network namespace so its interface
 * checks see nothing of the host).
 *
 *   node dist/bench/compile.js [--vs N] [--rs M] [--runs K] [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileLines } from '../src/config/compile.js';
import { Diagnostics } from '../src/config/diagnostics.js';
import { compileFile } from '../src/config/index.js';
import { lex } from '../src/config/lexer/index.js';
import { generateBigConfig } from './gen-config.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const virtualServers = arg('--vs', 2000);
const realServers = arg('--rs', 20);
const runs = arg('--runs', 5);
const json = process.argv.includes('--json');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);

/** CPU (user + system, all threads) and wall milliseconds of `fn`. */
function timed(fn: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall };
}

function timeKeepalived(file: string): number | undefined {
  if (spawnSync('sh', ['-c', 'command -v keepalived'], { stdio: 'ignore' }).status !== 0) return undefined;
  const ns = `ktbench-${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', ns], { stdio: 'ignore' }).status !== 0) return undefined;
  try {
    const start = process.hrtime.bigint();
    spawnSync('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-f', file], { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kts-bench-compile-'));
try {
  const file = join(dir, 'keepalived.conf');
  const text = generateBigConfig({ virtualServers, realServers });
  writeFileSync(file, text);

  const wall: number[] = [];
  const cpu: number[] = [];
  let checkers = 0;
  let problems = 0;
  for (let i = 0; i < runs; i++) {
    let r: ReturnType<typeof compileFile> | undefined;
    const t = timed(() => (r = compileFile(file, { configId: 'bench' })));
    wall.push(t.wall);
    cpu.push(t.cpu);
    checkers = r!.config.virtualServers.reduce((n, vs) => n + vs.realServers.reduce((m, rs) => m + rs.checkers.length, 0), 0);
    problems = r!.diagnostics.items.filter((d) => d.severity !== 'notice').length;
  }
  // The compiler alone: lines lexed once, then compiled `runs` times.
  const lines = lex(file, { configId: 'bench' }, new Diagnostics()).lines;
  const compileCpu: number[] = [];
  for (let i = 0; i < runs; i++) compileCpu.push(timed(() => compileLines(lines, new Diagnostics())).cpu);
  const keepalivedMs = timeKeepalived(file);
  const result = {
    virtualServers,
    realServers,
    checkers,
    lines: text.split('\n').length,
    problems,
    wallMsMedian: Math.round(median(wall)),
    cpuMsMedian: Math.round(median(cpu)),
    wallMsMin: Math.round(min(wall)),
    cpuMsMin: Math.round(min(cpu)),
    firstRunCpuMs: Math.round(cpu[0]!),
    compileAloneCpuMsMin: Math.round(min(compileCpu)),
    compileAloneCpuMsMedian: Math.round(median(compileCpu)),
    keepalivedTestMs: keepalivedMs === undefined ? null : Math.round(keepalivedMs),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`compile ${virtualServers} virtual servers × ${realServers} real servers (${checkers} checkers, ${result.lines} lines), ${runs} runs`);
    console.log(
      `  keepalived-ts compileFile: CPU min ${result.cpuMsMin} ms, median ${result.cpuMsMedian} ms; ` +
        `wall min ${result.wallMsMin} ms, median ${result.wallMsMedian} ms; first run CPU ${result.firstRunCpuMs} ms (goal: under 1000 ms)`,
    );
    console.log(`  compile alone (lines lexed beforehand): CPU min ${result.compileAloneCpuMsMin} ms, median ${result.compileAloneCpuMsMedian} ms`);
    if (result.keepalivedTestMs !== null) console.log(`  keepalived 2.2.7 -t on the same file: ${result.keepalivedTestMs} ms (one run, includes process start)`);
    if (problems > 0) console.log(`  note: the config produced ${problems} diagnostics`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
