/**
 * Benchmark: resident memory of every process of the daemon, next to Debian's
 * keepalived 2.2.7 doing the same, with an empty configuration and `--all`
 * (so the parent and all three children run).
 *
 *   node dist/bench/rss.js [--settle 3] [--config FILE]

 * With --config, both daemons run FILE (a keepalived.conf) instead of an
 * empty config; a process that does not come up (keepalived's VRRP child
 * exits when the interfaces the file names are missing from the namespace,
 * its checker cannot start without the ip_vs module) shows as "-".
 *
 * Both daemons run in foreground mode in private network namespaces this
 * benchmark creates and deletes, with their pid and dump files in a scratch
 * directory. After start-up each is left alone for --settle seconds, then
 * VmRSS (/proc/PID/status) and Pss (/proc/PID/smaps_rollup) are read for the
 * parent and each child (pids from their pid files). RSS counts the pages
 * the processes share (the node binary, libc) once per process; PSS divides
 * them among the sharers, so PSS totals are what the daemon really costs.
 * Both are then stopped with SIGTERM.
 *
 * Until the command line is wired to the supervisor, keepalived-ts is started
 * through the supervisor's test entry (test/harness/supervisor/daemon-entry.ts):
 * the processes, the IPC, the children and (with --config) the keepalived.conf
 * compiler are the production ones. The children still run the ConfigHolder
 * in place of VRRP/checker/BFD, so numbers for real configs will grow.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const settleIdx = args.indexOf('--settle');
const settleS = settleIdx === -1 ? 3 : Number(args[settleIdx + 1]);
if (!Number.isFinite(settleS) || settleS < 0) throw new Error('--settle needs a number of seconds');
const configIdx = args.indexOf('--config');
const configFile = configIdx === -1 ? undefined : resolve(args[configIdx + 1] ?? '');

const DAEMON_ENTRY = fileURLToPath(new URL('../test/harness/supervisor/daemon-entry.js', import.meta.url));
const PROCESSES = ['parent', 'vrrp', 'checker', 'bfd'] as const;
type Proc = (typeof PROCESSES)[number];
const PID_FILE: Record<Proc, string> = { parent: 'keepalived.pid', vrrp: 'vrrp.pid', checker: 'checkers.pid', bfd: 'bfd.pid' };

interface Memory {
  /** VmRSS: every resident page, shared ones (the node binary, libc) counted in full. */
  readonly rss: number;
  /** Pss: shared pages divided among the processes sharing them; sums to real use. */
  readonly pss: number;
}

function memoryKiB(pid: number): Memory | undefined {
  try {
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return rss && pss ? { rss: Number(rss[1]), pss: Number(pss[1]) } : undefined;
  } catch {
    return undefined;
  }
}

function readPid(dir: string, p: Proc): number | undefined {
  const f = join(dir, PID_FILE[p]);
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alivePid(pid: number | undefined): pid is number {
  return pid !== undefined && existsSync(`/proc/${pid}`);
}

/** Waits for the parent's pid file, then for start-up to settle. */
async function waitForStart(dir: string, proc: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode} during start-up`);
    if (readPid(dir, 'parent') !== undefined) return;
    await sleep(50);
  }
  throw new Error(`no pid file appeared in ${dir}`);
}

async function measure(name: string, argv: string[], dir: string, netns: string): Promise<Record<Proc, Memory | undefined>> {
  const proc = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: dir } });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    await waitForStart(dir, proc, 15_000);
    await sleep(Math.max(settleS, 1) * 1000);
    const out = {} as Record<Proc, Memory | undefined>;
    for (const p of PROCESSES) {
      const pid = readPid(dir, p);
      out[p] = alivePid(pid) ? memoryKiB(pid) : undefined;
    }
    return out;
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}\n${stderr}`);
  } finally {
    const pid = readPid(dir, 'parent');
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    const end = Date.now() + 10_000;
    while (proc.exitCode === null && Date.now() < end) await sleep(50);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const id = `${process.pid}`;
  const tsDir = mkdtempSync('/tmp/ka-bench-ts-');
  const kaDir = mkdtempSync('/tmp/ka-bench-ka-');
  const nsTs = `kabts${id}`;
  const nsKa = `kabka${id}`;
  for (const ns of [nsTs, nsKa]) if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) throw new Error(`cannot create netns ${ns} (root needed)`);
  try {
    writeFileSync(join(tsDir, 'empty.json'), '{}\n');
    writeFileSync(join(kaDir, 'empty.conf'), '# empty\n');
    const mode = configFile ? {} : { mode: { vrrp: true, checker: true, bfd: true, runAll: true } };
    const ts = await measure(
      'keepalived-ts',
      [
        process.execPath,
        DAEMON_ENTRY,
        JSON.stringify({ configFile: configFile ?? join(tsDir, 'empty.json'), runDir: tsDir, ...mode }),
        '--dont-fork',
        ...(configFile ? ['--keepalived-conf'] : []),
      ],
      tsDir,
      nsTs,
    );
    const kaPids = ['-p', join(kaDir, 'keepalived.pid'), '-r', join(kaDir, 'vrrp.pid'), '-c', join(kaDir, 'checkers.pid'), '-b', join(kaDir, 'bfd.pid')];
    let ka: Record<Proc, Memory | undefined> | undefined;
    if (existsSync('/usr/sbin/keepalived')) {
      try {
        ka = await measure('keepalived', ['/usr/sbin/keepalived', '-n', ...(configFile ? [] : ['--all']), '-f', configFile ?? join(kaDir, 'empty.conf'), ...kaPids], kaDir, nsKa);
      } catch (err) {
        if (!configFile) throw err;
        console.log(`keepalived could not run ${configFile} here (${(err as Error).message.split('\n')[0]}); its columns are empty`);
      }
    }
    const mib = (k: number | undefined) => (k === undefined ? '-' : (k / 1024).toFixed(1));
    const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(1) : '-');
    const what = configFile ? configFile : 'empty configuration, --all';
    console.log(`Memory after ${settleS} s, ${what} (MiB; RSS counts shared pages in full, PSS shares them out)`);
    console.log('process    ts RSS  ka RSS  ratio    ts PSS  ka PSS  ratio');
    const total = { tsR: 0, kaR: 0, tsP: 0, kaP: 0 };
    for (const p of PROCESSES) {
      const a = ts[p];
      const b = ka?.[p];
      total.tsR += a?.rss ?? 0;
      total.tsP += a?.pss ?? 0;
      total.kaR += b?.rss ?? 0;
      total.kaP += b?.pss ?? 0;
      console.log(
        `${p.padEnd(10)} ${mib(a?.rss).padStart(6)}  ${mib(b?.rss).padStart(6)}  ${ratio(a?.rss, b?.rss).padStart(5)}    ${mib(a?.pss).padStart(6)}  ${mib(b?.pss).padStart(6)}  ${ratio(a?.pss, b?.pss).padStart(5)}`,
      );
    }
    console.log(
      `${'total'.padEnd(10)} ${mib(total.tsR).padStart(6)}  ${mib(ka ? total.kaR : undefined).padStart(6)}  ${ratio(total.tsR, total.kaR).padStart(5)}    ${mib(total.tsP).padStart(6)}  ${mib(ka ? total.kaP : undefined).padStart(6)}  ${ratio(total.tsP, total.kaP).padStart(5)}`,
    );
  } finally {
    for (const ns of [nsTs, nsKa]) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(tsDir, { recursive: true, force: true });
    rmSync(kaDir, { recursive: true, force: true });
  }
}

await main();
