/**
 * CPU and memory of a daemon's processes over a measurement window.
 *
 * Once a second the sampler lists the daemon's process tree and reads, for
 * each process, utime+stime and VmRSS/VmHWM/Pss (procfs.ts). At the end each
 * process's CPU use is (ticks at the last sample − ticks at the first) over
 * the elapsed wall time: the average share of one core over the window. The
 * busiest 10-second stretch is reported too, since a daemon that is idle on
 * average but bursts (a timer wheel firing 1,000 adverts at once) matters to
 * a router's neighbours. Memory is the last sample's RSS and PSS and the
 * largest RSS seen (VmHWM also counts start-up, before the window).
 *
 * Processes are labelled by role: the parent (the pid the benchmark
 * started), the VRRP child (the pid in the daemon's vrrp.pid file, which
 * both implementations write), and any other child by its kernel name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Daemon } from './daemons.js';
import { clockTicksPerSecond, processName, readMemory, readStat } from './procfs.js';

interface Sample {
  /** performance.now() milliseconds. */
  readonly at: number;
  readonly ticks: number;
  readonly rssKiB: number;
  readonly pssKiB: number;
  readonly hwmKiB: number;
}

export interface ProcessUsage {
  readonly pid: number;
  readonly role: string;
  /** Average share of one core over the window, percent. */
  readonly cpuPercent: number;
  /** The largest average over any 10 s of the window, percent of a core. */
  readonly cpuPercentMax10s: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
  readonly rssMaxMiB: number;
  readonly hwmMiB: number;
  readonly seconds: number;
}

export interface DaemonUsage {
  readonly processes: readonly ProcessUsage[];
  readonly cpuPercent: number;
  readonly cpuPercentMax10s: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
}

export class UsageSampler {
  #samples = new Map<number, Sample[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly daemon: Daemon) {}

  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 1000);
  }

  /** Takes a last sample and summarises the window. */
  stop(): DaemonUsage {
    clearInterval(this.#timer);
    this.#sample();
    const hz = clockTicksPerSecond();
    const vrrpPid = this.#pidFile('vrrp.pid');
    const processes: ProcessUsage[] = [];
    for (const [pid, samples] of this.#samples) {
      const first = samples[0]!;
      const last = samples[samples.length - 1]!;
      const seconds = (last.at - first.at) / 1000;
      if (seconds <= 0) continue;
      let max10 = 0;
      for (let i = 0, j = 0; j < samples.length; j++) {
        while (samples[j]!.at - samples[i]!.at > 10_500) i++;
        const span = (samples[j]!.at - samples[i]!.at) / 1000;
        if (span >= 9.5) max10 = Math.max(max10, ((samples[j]!.ticks - samples[i]!.ticks) / hz / span) * 100);
      }
      processes.push({
        pid,
        role: pid === this.daemon.pid ? 'parent' : pid === vrrpPid ? 'vrrp' : (processName(pid) ?? 'gone'),
        cpuPercent: ((last.ticks - first.ticks) / hz / seconds) * 100,
        cpuPercentMax10s: max10,
        rssMiB: last.rssKiB / 1024,
        pssMiB: last.pssKiB / 1024,
        rssMaxMiB: Math.max(...samples.map((s) => s.rssKiB)) / 1024,
        hwmMiB: last.hwmKiB / 1024,
        seconds,
      });
    }
    const sum = (f: (p: ProcessUsage) => number) => processes.reduce((s, p) => s + f(p), 0);
    return {
      processes,
      cpuPercent: sum((p) => p.cpuPercent),
      // Summing each process's busiest stretch overstates a little when they peak apart: an upper bound.
      cpuPercentMax10s: sum((p) => p.cpuPercentMax10s),
      rssMiB: sum((p) => p.rssMiB),
      pssMiB: sum((p) => p.pssMiB),
    };
  }

  #sample(): void {
    const at = performance.now();
    for (const pid of this.daemon.pids()) {
      const stat = readStat(pid);
      const memory = readMemory(pid);
      if (!stat || !memory) continue;
      const list = this.#samples.get(pid) ?? [];
      list.push({ at, ticks: stat.cpuTicks, rssKiB: memory.rssKiB, pssKiB: memory.pssKiB, hwmKiB: memory.hwmKiB });
      this.#samples.set(pid, list);
    }
  }

  #pidFile(name: string): number | undefined {
    const file = join(this.daemon.directory, name);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  }
}
