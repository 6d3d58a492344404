/**
 * The two implementations a benchmark compares, started the same way in a lab
 * namespace and ended the ways the benchmarks need.
 *
 * Both read the same keepalived.conf and get the same command line:
 * `-n` (foreground, so the process the lab started is the parent), `-l`
 * (log to the console, kept in memory by LabProcess), `-f CONF`, and pid
 * files of their own in a directory of the run, so several daemons can run
 * side by side (a stale pid file makes keepalived refuse to start).
 *
 * Ending a daemon:
 * - stop(): SIGTERM to the parent, the orderly shutdown (the VRRP child
 *   sends its priority-0 adverts and removes its VIPs).
 * - crash(): what a crashed or powered-off router looks like on the wire.
 *   A SIGKILL of the parent alone is not that — keepalived's VRRP child gets
 *   SIGTERM from the kernel when its parent dies (PR_SET_PDEATHSIG) and says
 *   goodbye with priority 0, and keepalived-ts's children notice the closed
 *   IPC channel. So every process of the daemon is first frozen with SIGSTOP
 *   (nothing can run after that), then all are killed with SIGKILL.
 *   The VIPs stay on the interface, as they would on a hung box;
 *   the caller removes them before starting the daemon again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabProcess, Namespace } from '../../test/harness/index.js';
import { isAlive, processTree, signal } from './procfs.js';

export const IMPLEMENTATIONS = ['keepalived-ts', 'keepalived'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

/** Short names for tables and command-line options. */
export const SHORT_NAME: Record<Implementation, string> = { 'keepalived-ts': 'ts', keepalived: 'ka' };

export function implementationFromShort(short: string): Implementation {
  const found = IMPLEMENTATIONS.find((i) => SHORT_NAME[i] === short || i === short);
  if (!found) throw new Error(`unknown implementation '${short}': use ts (keepalived-ts) or ka (keepalived)`);
  return found;
}

// BENCH_KEEPALIVED_TS=/path/to/bin/keepalived measures another build (another worktree) with this harness.
const KEEPALIVED_TS = process.env.BENCH_KEEPALIVED_TS ?? fileURLToPath(new URL('../../../bin/keepalived', import.meta.url));
const KEEPALIVED = '/usr/sbin/keepalived';

let runCounter = 0;

export interface StartOptions {
  /** More command-line arguments for the daemon (e.g. --all, -P). */
  readonly args?: readonly string[];
  /**
   * Node options for keepalived-ts (ignored for keepalived). Its parent passes
   * its own execArgv to the children it forks, so e.g. --cpu-prof reaches
   * every process (NODE_OPTIONS may not carry --cpu-prof).
   */
  readonly nodeArgs?: readonly string[];
}

export class Daemon {
  private constructor(
    readonly implementation: Implementation,
    readonly process: LabProcess,
    readonly directory: string,
  ) {}

  /**
   * Starts `implementation` in `ns` with `config` (keepalived.conf text),
   * its files under `baseDir`. Returns at once; the wire tells when it runs.
   */
  static start(implementation: Implementation, ns: Namespace, baseDir: string, config: string, options: StartOptions = {}): Daemon {
    const directory = join(baseDir, `${ns.label}-${SHORT_NAME[implementation]}-${++runCounter}`);
    mkdirSync(directory, { recursive: true });
    const conf = join(directory, 'keepalived.conf');
    writeFileSync(conf, config);
    const pidFiles = ['-p', 'keepalived.pid', '-r', 'vrrp.pid', '-c', 'checkers.pid', '-b', 'bfd.pid'].map((a, i) => (i % 2 ? join(directory, a) : a));
    const program = implementation === 'keepalived' ? [KEEPALIVED] : [process.execPath, ...(options.nodeArgs ?? []), KEEPALIVED_TS];
    const argv = [...program, '-n', '-l', '-f', conf, ...pidFiles, ...(options.args ?? [])];
    const child = ns.spawn(argv, { env: { ...process.env, TMPDIR: directory } });
    return new Daemon(implementation, child, directory);
  }

  get pid(): number {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** The parent and every descendant alive now. */
  pids(): number[] {
    return this.running ? processTree(this.pid) : [];
  }

  /** Console output so far (for error messages). */
  get output(): string {
    return `${this.process.stdout}\n${this.process.stderr}`.trim();
  }

  /** Freezes every process of the daemon, then kills them all (see the module comment). */
  async crash(): Promise<void> {
    const frozen = new Set<number>();
    // A process forked between listing and stopping would escape: list again until nothing new appears.
    for (let pass = 0; pass < 5; pass++) {
      const fresh = this.pids().filter((p) => !frozen.has(p));
      if (fresh.length === 0) break;
      for (const pid of fresh) if (signal(pid, 'SIGSTOP')) frozen.add(pid);
    }
    for (const pid of frozen) signal(pid, 'SIGKILL');
    await this.process.exited;
    await waitGone([...frozen], 5000);
  }

  /** SIGTERM to the parent; waits for the whole tree to exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    const all = this.pids();
    await this.process.kill('SIGTERM', graceMs);
    for (const pid of all) signal(pid, 'SIGKILL');
    await waitGone(all, 5000);
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${alive.join(', ')} still alive after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
