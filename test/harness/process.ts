/**
 * Commands and long-running processes for the lab.
 *
 * run() executes a command to completion and throws a CommandError carrying the
 * command line, exit status and stderr when it fails, so a broken `ip` call
 * reads clearly in a test failure. LabProcess wraps a long-running child (a
 * daemon, tcpdump, a node script): it records the pid for the emergency cleanup,
 * keeps stdout/stderr in memory, lets a test wait for a line of output, and
 * kills politely (SIGTERM, then SIGKILL after a grace period).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { created } from './cleanup.js';
import { WaitTimeoutError } from './wait.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed by a signal. */
  code: number | null;
}

export class CommandError extends Error {
  readonly code = 'ERR_LAB_COMMAND';
  constructor(readonly argv: readonly string[], readonly result: CommandResult) {
    super(`command failed (exit ${result.code}): ${argv.join(' ')}\n${result.stderr.trim()}`);
  }
}

/** Runs argv[0] with the rest as arguments; resolves with the output even on failure. */
export function tryRun(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), {
      encoding: 'utf8', maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 30_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : ''), code });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like tryRun, but a non-zero exit throws a CommandError. */
export async function run(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  const result = await tryRun(argv, options);
  if (result.code !== 0) throw new CommandError(argv, result);
  return result;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LabProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** Everything the process wrote so far. */
  stdout = '';
  stderr = '';
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  #status: ExitStatus | null = null;
  #child: ChildProcess;
  #outputWaiters = new Set<() => void>();

  constructor(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; stdin?: boolean } = {}) {
    this.argv = argv;
    this.#child = spawn(argv[0]!, argv.slice(1), {
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    if (this.#child.pid === undefined) {
      // spawn reports ENOENT asynchronously; make the failure visible right here.
      throw new Error(`could not start ${argv[0]}`);
    }
    this.pid = this.#child.pid;
    created.pids.add(this.pid);
    this.#child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { this.stdout += chunk; this.#wake(); });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; this.#wake(); });
    this.exited = new Promise((resolve) => {
      this.#child.on('close', (code, signal) => {
        this.#status = { code, signal };
        created.pids.delete(this.pid);
        this.#wake();
        resolve(this.#status);
      });
    });
  }

  get running(): boolean {
    return this.#status === null;
  }

  /** Writes to the process's stdin (only if started with stdin: true). */
  write(text: string): void {
    if (!this.#child.stdin) throw new Error(`${this.argv[0]} was started without stdin`);
    this.#child.stdin.write(text);
  }

  /**
   * Waits until stdout or stderr matches `pattern`, and returns the match.
   * Fails early if the process exits first.
   */
  async waitForOutput(pattern: RegExp, options: { timeoutMs?: number; stream?: 'stdout' | 'stderr' | 'both' } = {}): Promise<RegExpMatchArray> {
    const { timeoutMs = 5000, stream = 'both' } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = stream === 'stdout' ? this.stdout : stream === 'stderr' ? this.stderr : this.stdout + '\n' + this.stderr;
      const match = text.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.argv.join(' ')} exited (${JSON.stringify(this.#status)}) before printing ${pattern}\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeoutError(`timed out waiting for ${pattern} from ${this.argv.join(' ')}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() { clearTimeout(timer); resolve(); }
        this.#outputWaiters.add(done);
      });
    }
  }

  /** Sends `signal` (SIGTERM by default); SIGKILL if still alive after graceMs. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<ExitStatus> {
    if (!this.running) return this.#status!;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited in between.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // Exited in between.
      }
    }, graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }

  #wake(): void {
    const waiters = [...this.#outputWaiters];
    this.#outputWaiters.clear();
    for (const wake of waiters) wake();
  }
}
