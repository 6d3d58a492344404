/**
 * What /proc says about the processes of a daemon: which pids belong to it,
 * how much CPU they used, how much memory they hold.
 *
 * A daemon here is a process tree: the parent the benchmark started and every
 * descendant (keepalived forks its VRRP child; keepalived-ts forks Node
 * children). The tree is found by walking the ppid field of /proc/PID/stat,
 * so nothing is looked up by name.
 *
 * CPU: utime + stime (fields 14 and 15 of /proc/PID/stat) in clock ticks
 * (sysconf(_SC_CLK_TCK), 100 on Linux everywhere in practice; read from
 * `getconf CLK_TCK` once). Dividing the ticks used over a window by the
 * window's length gives the share of one core.
 *
 * Memory: VmRSS and VmHWM from /proc/PID/status (resident now, and the peak),
 * Pss from /proc/PID/smaps_rollup. RSS counts shared pages (the node binary,
 * libc) in full in every process; PSS divides them among the sharers, so the
 * PSS of a daemon's processes adds up to what the daemon really costs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** sysconf(_SC_CLK_TCK): the unit of the CPU times in /proc/PID/stat. */
export function clockTicksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(clockTicks) || clockTicks <= 0) throw new Error(`getconf CLK_TCK gave '${clockTicks}'`);
  return clockTicks;
}

interface StatFields {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** R, S, D, T (stopped), Z (zombie: dead, not yet reaped)... */
  readonly state: string;
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
}

/** Parses /proc/PID/stat; undefined if the process is gone. */
export function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself contain spaces or ')': split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): field N is rest[N - 3].
  return { pid, comm, state: rest[0]!, ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
}

/** `root` and all its descendants that are alive now, root first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  if (!readStat(root)) return [];
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface Memory {
  /** VmRSS, KiB. */
  readonly rssKiB: number;
  /** VmHWM (peak RSS), KiB. */
  readonly hwmKiB: number;
  /** Pss from smaps_rollup, KiB. */
  readonly pssKiB: number;
}

/** Memory of one process, or undefined if it is gone. */
export function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKiB: field(status, 'VmRSS'), hwmKiB: field(status, 'VmHWM'), pssKiB: field(rollup, 'Pss') };
  } catch {
    return undefined;
  }
}

/** A process's name as the kernel shows it (comm), e.g. "keepalived" or "node". */
export function processName(pid: number): string | undefined {
  return readStat(pid)?.comm;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** Sends `signal` to `pid`; false if the process was already gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
