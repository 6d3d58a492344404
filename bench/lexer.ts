/**
 * Lexing speed on a big generated configuration.
 *   node dist/bench/lexer.js [VIRTUAL_SERVERS=2000] [REAL_SERVERS=20] [RUNS=5]
 * Prints the size of the input and output and the best and median lexing
 * time over RUNS runs, wall clock and CPU (the file is written once to a
 * temporary directory, so reading it is part of the time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../src/config/diagnostics.js';
import { lex } from '../src/config/lexer/index.js';
import { generateBigConfig } from './gen-config.js';

const [vs = 2000, rs = 20, runs = 5] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'kts-lexbench-'));
try {
  const file = join(dir, 'keepalived.conf');
  const text = generateBigConfig({ virtualServers: vs, realServers: rs });
  writeFileSync(file, text);
  const times: number[] = [];
  const cpu: number[] = [];
  let lines = 0;
  let words = 0;
  for (let i = 0; i < runs; i++) {
    const diags = new Diagnostics();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const result = lex(file, { configId: 'bench', randomSeed: 1 }, diags);
    const c = process.cpuUsage(c0);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push((c.user + c.system) / 1e3);
    if (diags.items.length) throw new Error(`unexpected diagnostics: ${diags.items[0]!.message}`);
    lines = result.lines.length;
    words = result.lines.reduce((n, l) => n + l.words.length, 0);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = (v: number[]) => v[v.length >> 1]!.toFixed(0);
  console.log(
    `${vs} virtual servers x ${rs} real servers: ${text.split('\n').length} source lines, ${(text.length / 1e6).toFixed(1)} MB -> ` +
      `${lines} lines, ${words} words; lexing wall best ${times[0]!.toFixed(0)} ms, median ${median(times)} ms; ` +
      `CPU (all threads, GC included) best ${cpu[0]!.toFixed(0)} ms, median ${median(cpu)} ms (${runs} runs)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
