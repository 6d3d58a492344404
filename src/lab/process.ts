/**
 * Commands and long-running processes for the lab, and the register of
 * everything the lab has made so it can always be removed.
 *
 * run() executes a short command (`ip`, `mkfifo`) and throws a LabError with
 * the command line and its stderr when it fails, so a broken step reads
 * clearly. LineProcess wraps a long-running child (a daemon, ping, `ip
 * monitor`) and hands its output over line by line, each line stamped with the
 * monotonic time it arrived (performance.now(), ms): failover times are
 * measured from these stamps, so the parsing happens as the bytes arrive, not
 * at the next screen refresh.
 *
 * Every child is spawned `detached`, i.e. in a process group of its own. Two
 * reasons: Ctrl-C in the terminal reaches only the lab, which then stops the
 * daemons in its own order; and a whole daemon (parent and children) can be
 * frozen with a single kill(-pgid, SIGSTOP), which the "crash" action needs.
 *
 * The register (`made`) holds what exists right now: namespaces, process
 * groups and directories. cleanup.ts removes what is left in it on any exit
 * path, synchronously (an 'exit' handler cannot wait for promises).
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What the lab has made and not yet removed. */
export const made = {
  /** Network namespace names. */
  namespaces: new Set<string>(),
  /** Process group ids (= the pid of the detached child that leads each group). */
  groups: new Set<number>(),
  /** Temporary directories. */
  directories: new Set<string>(),
};

export class LabError extends Error {
  readonly code = 'ELAB';
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed by a signal or when the program could not start. */
  status: number | null;
}

/** Runs a command to completion; resolves with its output whatever the exit status. */
export function tryRun(argv: readonly string[], timeoutMs = 15_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ stdout, stderr: stderr || (error && status === null ? error.message : ''), status });
      });
  });
}

/** Runs a command to completion; a non-zero exit is a LabError naming the command. */
export async function run(argv: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  const result = await tryRun(argv, timeoutMs);
  if (result.status !== 0) {
    throw new LabError(`'${argv.join(' ')}' failed (exit ${result.status ?? 'signal'}): ${result.stderr.trim()}`);
  }
  return result;
}

export interface Line {
  readonly text: string;
  /** performance.now() when the line arrived, ms. */
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A long-running child in its own process group, read line by line.
 * `pid` is also the process group id.
 */
export class LineProcess {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  exitStatus: ExitStatus | null = null;

  constructor(readonly argv: readonly string[], onLine: (line: Line) => void, env?: NodeJS.ProcessEnv) {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? process.env,
    });
    if (child.pid === undefined) {
      // spawn reports ENOENT asynchronously; the pid being undefined is the synchronous sign.
      child.on('error', () => undefined);
      throw new LabError(`cannot start ${argv[0]}`);
    }
    this.pid = child.pid;
    made.groups.add(this.pid);
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (chunk: string) => {
        const at = performance.now();
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        for (const text of parts) onLine({ text, at, stream });
      });
    }
    this.exited = new Promise((resolve) => {
      child.on('error', () => undefined);
      child.on('close', (code, signal) => {
        this.exitStatus = { code, signal };
        // The group may outlive its leader (a daemon's orphaned children): keep it registered until it is empty.
        if (!signalQuietly(-this.pid, 0)) made.groups.delete(this.pid);
        resolve(this.exitStatus);
      });
    });
  }

  get running(): boolean {
    return this.exitStatus === null;
  }

  /** Sends a signal to the leader only. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) signalQuietly(this.pid, signal);
  }

  /** Kills the whole process group and waits for the leader (at most `waitMs`). */
  async killGroup(waitMs = 2000): Promise<void> {
    killProcessGroupSync(this.pid);
    await Promise.race([this.exited, sleep(waitMs)]);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function signalQuietly(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every descendant of `pid` (children, grandchildren...), read from /proc.
 * A daemon's children normally share its process group; this also finds any
 * that left it (setsid in a notify script), so a crash leaves nothing running.
 */
export function descendantsSync(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Freezes a process group and its descendants (SIGSTOP), then kills them all
 * (SIGKILL). Frozen first, nobody in the group can notice another member die
 * and react (a VRRP child seeing its parent go would send a priority 0 advert).
 */
export function killProcessGroupSync(pgid: number): number[] {
  const members = [pgid, ...descendantsSync(pgid)];
  signalQuietly(-pgid, 'SIGSTOP');
  for (const pid of members) signalQuietly(pid, 'SIGSTOP');
  signalQuietly(-pgid, 'SIGKILL');
  for (const pid of members) signalQuietly(pid, 'SIGKILL');
  made.groups.delete(pgid);
  return members;
}

/** True while `pid` runs (a zombie has exited: only its status waits to be collected). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs, at most `timeoutMs`; returns those still running. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = performance.now() + timeoutMs;
  let left = pids.filter(isRunning);
  while (left.length && performance.now() < deadline) {
    await sleep(20);
    left = left.filter(isRunning);
  }
  return left;
}
