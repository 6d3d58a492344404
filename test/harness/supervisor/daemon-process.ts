/**
 * Runs the test daemon (daemon-entry.ts) as a real process in a scratch
 * directory and watches its log. Every process it learns about (the daemon,
 * every child pid it logs) is remembered, and cleanup() SIGKILLs only those
 * pids, then removes the directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonConfig } from './json-config.js';
import { isRunning } from '../../../src/lab/process.js';

export const DAEMON_ENTRY = fileURLToPath(new URL('./daemon-entry.js', import.meta.url));

export interface LogLine {
  readonly at: number;
  readonly text: string;
}

export { isRunning as alive };

/** A daemon or child process of keepalived-ts (judged by its command line). */
export function isOurs(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // children given a process name by a test are called ka-test-*
    return cmd.includes('daemon-entry.js') || cmd.includes('child-main.js') || cmd.includes('holder-child.js') || cmd.includes('/tmp/ka-') || cmd.startsWith('ka-test-');
  } catch {
    return false;
  }
}

export async function waitFor<T>(probe: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class TestDaemon {
  readonly dir: string;
  readonly configFile: string;
  readonly lines: LogLine[] = [];
  readonly knownPids = new Set<number>();
  proc: ChildProcess | undefined;
  exitCode: number | null | undefined;

  constructor(prefix = 'ka-sup-') {
    this.dir = mkdtempSync(`/tmp/${prefix}`);
    chmodSync(this.dir, 0o755);
    this.configFile = join(this.dir, 'config.json');
  }

  /** Replaces the config file atomically (a reload may read it at any moment). */
  writeConfig(config: JsonConfig | string): void {
    const tmp = `${this.configFile}.new`;
    writeFileSync(tmp, typeof config === 'string' ? config : JSON.stringify(config, null, 1));
    renameSync(tmp, this.configFile);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Starts the daemon with -n unless `fork` is set. */
  start(options: Record<string, unknown> = {}, extra: { fork?: boolean; args?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
    const opts = { configFile: this.configFile, runDir: this.dir, ...options };
    const args = [DAEMON_ENTRY, JSON.stringify(opts), ...(extra.fork ? [] : ['--dont-fork']), ...(extra.args ?? [])];
    const proc = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(extra.cwd !== undefined ? { cwd: extra.cwd } : {}),
      env: { ...process.env, TMPDIR: this.dir, ...extra.env },
    });
    this.proc = proc;
    if (proc.pid) this.knownPids.add(proc.pid);
    let buf = '';
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.lines.push({ at: Date.now(), text });
        for (const m of text.matchAll(/pid[= ](\d+)/g)) this.knownPids.add(Number(m[1]));
        if (process.env.KA_TEST_VERBOSE) process.stderr.write(`  | ${text}\n`);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      this.exitCode = code;
    });
    return proc;
  }

  get pid(): number {
    return this.proc!.pid!;
  }

  /** Lines matching `re`, from index `from` on. */
  matching(re: RegExp, from = 0): LogLine[] {
    return this.lines.slice(from).filter((l) => re.test(l.text));
  }

  waitForLine(re: RegExp, ms = 5000, from = 0): Promise<LogLine> {
    return waitFor(() => this.lines.slice(from).find((l) => re.test(l.text)), ms, `a log line matching ${re}`);
  }

  waitForExit(ms = 10_000): Promise<number | null> {
    return waitFor(() => (this.exitCode !== undefined ? { code: this.exitCode } : undefined), ms, 'the daemon to exit').then((r) => r.code);
  }

  /** The pid of the most recently started child of this role, from the log. */
  childPid(display: 'VRRP' | 'Healthcheck' | 'BFD'): number | undefined {
    const all = this.matching(new RegExp(`Starting ${display} child process, pid=(\\d+)`));
    const last = all.at(-1);
    return last ? Number(/pid=(\d+)/.exec(last.text)![1]) : undefined;
  }

  signal(sig: NodeJS.Signals): void {
    process.kill(this.pid, sig);
  }

  /** Kills only live processes we started (checked by command line, since pids get reused). */
  cleanup(): void {
    for (const pid of this.knownPids) {
      if (!isOurs(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
