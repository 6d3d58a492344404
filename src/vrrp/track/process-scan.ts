/**
 * Reading processes from /proc for vrrp_track_process.
 *
 * keepalived scans /proc once at start-up (read_procs) and then follows the
 * proc connector; we scan the same way, and rescan when the connector is not
 * available or has lost events. The reads are asynchronous (libuv's thread
 * pool) and a few dozen at a time, so a host with thousands of processes
 * does not stall the VRRP event loop while it is scanned.
 *
 * /proc/PID/stat gives comm, state, the parent and the start time (which
 * tells a reused pid apart); /proc/PID/cmdline is read only when some tracker
 * matches command lines, since reading it touches the process's memory (and
 * may swap it in), which keepalived also avoids. A process that vanishes
 * between readdir and read is simply not there.
 */
import { readdir, readFile } from 'node:fs/promises';
import { parseProcStat, type ProcessInfo } from './process-match.js';

/** Reads in flight at once. */
const SCAN_CONCURRENCY = 32;

export interface ProcReader {
  /** Every process now running (zombies included; matching skips them). */
  scan(needCmdline: boolean): Promise<Map<number, ProcessInfo>>;
  /** One process, or undefined when it has gone. */
  read(pid: number, needCmdline: boolean): Promise<ProcessInfo | undefined>;
}

export class ProcFs implements ProcReader {
  constructor(readonly root = '/proc') {}

  async read(pid: number, needCmdline: boolean): Promise<ProcessInfo | undefined> {
    try {
      const stat = parseProcStat(await readFile(`${this.root}/${pid}/stat`, 'utf8'));
      if (!stat) return undefined;
      if (!needCmdline) return stat;
      const cmdline = await readFile(`${this.root}/${pid}/cmdline`);
      return { ...stat, cmdline };
    } catch {
      return undefined;
    }
  }

  async scan(needCmdline: boolean): Promise<Map<number, ProcessInfo>> {
    const names = await readdir(this.root);
    const pids = names.filter((n) => /^[1-9][0-9]*$/.test(n)).map(Number);
    const out = new Map<number, ProcessInfo>();
    for (let i = 0; i < pids.length; i += SCAN_CONCURRENCY) {
      const batch = await Promise.all(pids.slice(i, i + SCAN_CONCURRENCY).map((pid) => this.read(pid, needCmdline)));
      for (const p of batch) if (p) out.set(p.pid, p);
    }
    return out;
  }
}
