/**
 * Where a keepalived-ts process spent its CPU: V8's .cpuprofile files
 * (written by `node --cpu-prof`, which the benchmarks pass to every Node
 * process of the daemon through NODE_OPTIONS) reduced to the functions with
 * the most self time.
 *
 * A .cpuprofile is a call tree (nodes with a callFrame and children) plus
 * `samples` (node ids) and `timeDeltas` (microseconds between samples).
 * Self time of a node = the sum of the deltas of the samples taken in it;
 * nodes of the same function (name + url + line) are added up, wherever in
 * the tree they were called from. "(idle)" is the event loop waiting in
 * epoll: the time the process was not running at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  /** Milliseconds of self time. */
  readonly selfMs: number;
  /** Share of the non-idle time, percent. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** From Node's file name CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
  readonly pid: number;
  /** Wall time the profile covers, ms. */
  readonly spanMs: number;
  /** Time not idle (not in "(idle)"), ms. */
  readonly busyMs: number;
  readonly top: readonly HotFunction[];
}

export function summarizeProfile(file: string, limit = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let idleUs = 0;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    totalUs += delta;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/dist\//, '')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}@${where}`;
    const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += delta;
    self.set(key, entry);
  });
  const busyUs = totalUs - idleUs;
  const top = [...self.values()].sort((a, b) => b.us - a.us).slice(0, limit)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: busyUs > 0 ? (e.us / busyUs) * 100 : 0 }));
  const pid = Number(/CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1] ?? NaN);
  return { file, pid, spanMs: (profile.endTime - profile.startTime) / 1000, busyMs: busyUs / 1000, top };
}

/** Every .cpuprofile in `directory`, summarised. */
export function summarizeProfiles(directory: string, limit = 15): ProfileSummary[] {
  return readdirSync(directory).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => summarizeProfile(join(directory, f), limit));
}
