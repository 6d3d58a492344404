/**
 * Runs `nft -f -` without ever blocking the event loop: the ruleset text goes to nft's
 * stdin, and the promise settles when nft exits. nft parses and commits the whole text
 * as one transaction, so a failed run changes nothing.
 *
 * Updates are serialised and coalesced: while one run is in flight, later requests
 * replace each other, and only the newest one runs next — every rendered text describes
 * the whole table, so intermediate versions need never reach the kernel. Each caller
 * still gets a promise for the run that carries (or supersedes) its text.
 *
 * Why a child process rather than nftables netlink: the nf_tables netlink protocol
 * needs set/element/rule expression encoders (a small compiler) that nothing else in
 * the daemon needs, while nft is on every system that has nftables, and these updates
 * happen at start, stop and reload only — never on the failover path (see ruleset.ts).
 */

import { spawn } from 'node:child_process';

export class NftError extends Error {
  readonly code = 'ERR_NFT';
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message);
    this.name = 'NftError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Runs one nft transaction; injectable so tests need no root. */
export type NftExecutor = (text: string) => Promise<void>;

export interface NftProcessOptions {
  /** Path of the nft binary; default 'nft' from PATH. */
  readonly command?: string;
  /** Kill a hung nft after this long, ms; default 10000. */
  readonly timeoutMs?: number;
}

/** The real executor: spawn nft -f -, feed it, wait for it. */
export function nftProcess(options: NftProcessOptions = {}): NftExecutor {
  const command = options.command ?? 'nft';
  const timeoutMs = options.timeoutMs ?? 10_000;
  return (text) => new Promise<void>((resolve, reject) => {
    const child = spawn(command, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = err.code === 'ENOENT' ? ` (install the nftables package, or set the nft path)` : '';
      reject(new NftError(`cannot run ${command}: ${err.message}${hint}`, null, ''));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new NftError(`${command} -f - failed (${signal ? `killed by ${signal}` : `exit ${code}`}): ${firstLines(stderr)}`, code, stderr));
    });
    // nft may exit before reading everything (a parse error); that EPIPE is not news.
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join(' | ') || 'no message';
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class NftRunner {
  readonly #exec: NftExecutor;
  #running = false;
  #next: { text: string; waiters: Waiter[] } | undefined;
  #lastApplied: string | undefined;
  readonly stats = { runs: 0, failures: 0, coalesced: 0 };

  constructor(exec: NftExecutor = nftProcess()) {
    this.#exec = exec;
  }

  /** The text of the last successful run. */
  get lastApplied(): string | undefined {
    return this.#lastApplied;
  }

  /** Applies `text`; resolves when it (or a newer text that replaced it) is committed. */
  apply(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#next) {
        this.stats.coalesced += 1;
        this.#next.text = text;
        this.#next.waiters.push({ resolve, reject });
      } else {
        this.#next = { text, waiters: [{ resolve, reject }] };
      }
      if (!this.#running) void this.#drain();
    });
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.#running || this.#next) await new Promise((r) => setImmediate(r));
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#next) {
        const job = this.#next;
        this.#next = undefined;
        this.stats.runs += 1;
        try {
          await this.#exec(job.text);
          this.#lastApplied = job.text;
          for (const w of job.waiters) w.resolve();
        } catch (err) {
          this.stats.failures += 1;
          for (const w of job.waiters) w.reject(err as Error);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
