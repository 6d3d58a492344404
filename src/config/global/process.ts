/**
 * global_defs: process names and scheduling of the three children (keepalived
 * core/global_parser.c get_priority, get_realtime_priority, get_cpu_affinity,
 * get_rt_rlimit, save_process_name; census §3.2 "Process tuning").
 *
 * Each child (vrrp, checker, bfd) has the same six settings, so the model keeps
 * one ChildProcess object per child and one small table builds the keywords
 * for each: `<child>_priority` (nice, -20..19), `<child>_no_swap` (mlockall),
 * `<child>_rt_priority` (SCHED_RR 1..99), `<child>_cpu_affinity` (CPU ids),
 * `<child>_rlimit_rttime` (RLIMIT_RTTIME, µs, default 10000; the old spelling
 * `<child>_rlimit_rtime` is deprecated) and the process name.
 *
 * Where keepalived clamps or truncates (a real-time priority of 200 becomes
 * 99, a 20-character process name is cut to 15, an rlimit of 1 becomes 2) we
 * report the value as an error instead. The CPU ids are checked against
 * CPU_SETSIZE only; whether that CPU is online is a question for the running
 * system.
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor, type Info } from '../schema/define.js';
import { sameValue } from '../schema/engine.js';
import type { Keyword, ValueType } from '../schema/types.js';
import { int } from '../schema/values.js';
import { microsecondsAsMs, presence } from './area-values.js';
import { defineGlobalArea } from './area.js';

export interface ChildProcess {
  /** Process name (comm, at most 15 characters); undefined = keepalived's executable name. */
  name?: string;
  /** nice value, -20..19. */
  priority: number;
  /** Lock the child's memory so it is never swapped out. */
  noSwap: boolean;
  /** SCHED_RR priority 1..99; undefined = normal scheduling. */
  rtPriority?: number;
  /** CPU ids the child may run on; empty = any. Sorted, no duplicates. */
  cpuAffinity: number[];
  /** RLIMIT_RTTIME while real-time, microseconds (the kernel's unit). */
  rlimitRttimeUs: number;
}

export type ChildName = 'vrrp' | 'checker' | 'bfd';

export interface ProcessGlobals {
  /** Name of the parent process; undefined = keepalived's executable name. */
  processName?: string;
  vrrpProcess: ChildProcess;
  checkerProcess: ChildProcess;
  bfdProcess: ChildProcess;
  /** Highest real-time priority keepalived may raise itself to when late; 0 = never, -1 = never and don't warn. */
  maxAutoPriority: number;
  /** How late a timer may run before the priority is raised, ms (configured in µs). */
  minAutoPriorityDelayMs: number;
}

/** Linux TASK_COMM_LEN - 1. */
const MAX_PROCESS_NAME = 15;
/** sched_get_priority_min/max(SCHED_RR) on Linux. */
const RT_MIN = 1;
const RT_MAX = 99;
/** glibc CPU_SETSIZE. */
const CPU_SETSIZE = 1024;

/** The names `process_names` gives the children (keepalived's code, not its man page: "keepalived_lvs"). */
export const DEFAULT_CHILD_NAMES: Readonly<Record<ChildName, string>> = { vrrp: 'keepalived_vrrp', checker: 'keepalived_lvs', bfd: 'keepalived_bfd' };

const processName: ValueType<string> = {
  syntax: 'NAME',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('Process name missing', at.loc);
    if (words.length > 1) throw new ConfigValueError(`unexpected extra parameter '${words[1]!.text}'`, words[1]!.loc);
    const w = words[0]!;
    if (w.text === '') throw new ConfigValueError('Process name missing', w.loc);
    if (w.text.length > MAX_PROCESS_NAME) {
      throw new ConfigValueError(`Process name ${w.text} more than ${MAX_PROCESS_NAME} characters`, w.loc);
    }
    return w.text;
  },
  format: (v) => [v],
};

/** `CPU [CPU …]`: a set of CPU ids. */
const cpuSet: ValueType<number[]> = {
  syntax: 'CPU…',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('No cpu_id set specified', at.loc);
    const id = int(0, CPU_SETSIZE - 1);
    const set = new Set(words.map((w) => id.parse([w], at)));
    return [...set].sort((a, b) => a - b);
  },
  format: (v) => v.map(String),
};

/** `max_auto_priority [-1..99]`: alone it means the maximum. */
const maxAutoPriority: ValueType<number> = {
  syntax: `[-1..${RT_MAX}]`,
  parse: (words, at) => (words.length === 0 ? RT_MAX : int(-1, RT_MAX).parse(words, at)),
  format: (v) => [String(v)],
};

function createChild(): ChildProcess {
  return { priority: 0, noSwap: false, cpuAffinity: [], rlimitRttimeUs: 10_000 };
}

const k = keywordsFor<ProcessGlobals>();

const childKey = (child: ChildName) => `${child}Process` as const;

/** One keyword setting `field` of a child's ChildProcess. */
function childKeyword<F extends keyof ChildProcess>(
  child: ChildName,
  name: string,
  field: F,
  type: ValueType<NonNullable<ChildProcess[F]>>,
  i: Info,
): Keyword<ProcessGlobals> {
  return k.custom(
    name,
    { ...i, syntax: i.syntax ?? type.syntax },
    (m, stmt, ctx) => {
      const proc = m[childKey(child)];
      proc[field] = type.parse(stmt.args, stmt.keyword) as ChildProcess[F];
      ctx.locations.set(proc, stmt.loc, field);
    },
    (m, defaults) => {
      const v = m[childKey(child)][field];
      if (v === undefined || sameValue(v, defaults[childKey(child)][field])) return [];
      return [{ words: [name, ...type.format(v as NonNullable<ChildProcess[F]>)] }];
    },
  );
}

/** The keywords of one child, in keepalived's order. */
function childKeywords(child: ChildName, label: string): Keyword<ProcessGlobals>[] {
  return [
    childKeyword(child, `${child}_priority`, 'priority', int(-20, 19), { tag: 'RARE', doc: `nice value of the ${label} process (negative = more CPU).`, default: '0' }),
    childKeyword(child, `${child}_no_swap`, 'noSwap', presence, { tag: 'RARE', doc: `Lock the ${label} process in memory so it is never swapped out.` }),
    childKeyword(child, `${child}_rt_priority`, 'rtPriority', int(RT_MIN, RT_MAX), {
      tag: 'RARE',
      doc: `Run the ${label} process with real-time (SCHED_RR) scheduling at this priority.`,
      default: 'normal scheduling',
    }),
    childKeyword(child, `${child}_cpu_affinity`, 'cpuAffinity', cpuSet, { tag: 'RARE', doc: `CPU ids the ${label} process may run on.`, default: 'any CPU' }),
    childKeyword(child, `${child}_rlimit_rttime`, 'rlimitRttimeUs', int(2, 4294967295), {
      tag: 'RARE',
      doc: `CPU time (µs) the ${label} process may use between blocking calls while real-time (RLIMIT_RTTIME).`,
      default: '10000',
      aliases: [{ name: `${child}_rlimit_rtime`, deprecated: true }],
    }),
  ];
}

export const processArea = defineGlobalArea<ProcessGlobals>({
  name: 'process tuning',
  create: () => ({
    vrrpProcess: createChild(),
    checkerProcess: createChild(),
    bfdProcess: createChild(),
    maxAutoPriority: 0,
    minAutoPriorityDelayMs: 1000,
  }),
  keywords: [
    k.custom(
      'process_names',
      { tag: 'RARE', syntax: '', doc: 'Name the children keepalived_vrrp, keepalived_lvs and keepalived_bfd.' },
      (m, stmt) => {
        presence.parse(stmt.args, stmt.keyword);
        for (const child of ['vrrp', 'checker', 'bfd'] as const) m[childKey(child)].name = DEFAULT_CHILD_NAMES[child];
      },
      // The names it sets are printed by the *_process_name keywords.
      () => [],
    ),
    k.scalar('process_name', processName, 'processName', { tag: 'RARE', doc: 'Process name of the parent.', default: 'keepalived' }),
    childKeyword('vrrp', 'vrrp_process_name', 'name', processName, { tag: 'RARE', doc: 'Process name of the VRRP child.', default: 'keepalived' }),
    childKeyword('checker', 'checker_process_name', 'name', processName, {
      tag: 'RARE',
      doc: 'Process name of the checker child.',
      default: 'keepalived',
      aliases: [{ name: 'lvs_process_name', deprecated: true }],
    }),
    childKeyword('bfd', 'bfd_process_name', 'name', processName, { tag: 'RARE', doc: 'Process name of the BFD child.', default: 'keepalived' }),
    k.scalar('max_auto_priority', maxAutoPriority, 'maxAutoPriority', {
      tag: 'COMMON',
      doc: 'Highest real-time priority a late-running process may raise itself to (0: never; -1: never, without the start-up warning; alone: 99).',
      default: '0',
    }),
    k.scalar('min_auto_priority_delay', microsecondsAsMs(1, 10_000_000), 'minAutoPriorityDelayMs', {
      tag: 'RARE',
      doc: 'How late (µs) a timer must run before the process priority is raised.',
      default: '1000000',
    }),
    ...childKeywords('vrrp', 'VRRP'),
    ...childKeywords('checker', 'checker'),
    ...childKeywords('bfd', 'BFD'),
  ],
});
