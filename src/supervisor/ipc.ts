/**
 * The messages between the parent and its children: one discriminated union
 * per direction, checked exhaustively where they are handled and validated
 * where they are received.
 *
 * The channel is Node's fork() IPC with `serialization: 'advanced'`
 * (structured clone), so a compiled config part may hold Maps, Sets, BigInts
 * and Dates. Validation checks the envelope (type and every scalar field);
 * a config part is the compiler's output and is not re-validated.
 *
 * Both sides are our own code, so a message that fails validation is a bug,
 * not input to tolerate: the child side of the channel ends (a child that
 * receives one exits with PROGRAM_ERROR 70 and is respawned; a child that
 * sends one is killed by the parent and respawned), with a log line naming
 * the message.
 */
import type { DiffEntry } from './config-diff.js';
import { isChildRole, type ChildRole } from './roles.js';

/** Process-level settings a child needs besides its config part. */
export interface ChildSettings {
  readonly role: ChildRole;
  /** Written by the child itself once running (keepalived does the same). */
  readonly pidFile: string;
  /** Release what the child owns (VIPs, routes, IPVS rules) when it stops; false with -V (vrrp) or -I (checker). */
  readonly releaseOnStop: boolean;
  /** -X: drop VIPs on a transition caused by a signal (VRRP). */
  readonly releaseVipsOnSignal: boolean;
  /** vrrp_no_swap / checker_no_swap / bfd_no_swap: mlockall() (needs the native addon). */
  readonly noSwap: boolean;
  /** *_process_name: set as the process title (comm and command line). */
  readonly processName?: string;
  /** *_rt_priority (SCHED_RR 1..99) and *_rlimit_rttime (µs), applied by the child once loaded. */
  readonly realtime?: { readonly priority: number; readonly rlimitRttimeUs: number };
  /**
   * max_auto_priority (0 = never raise), min_auto_priority_delay (µs) and the
   * *_rlimit_rttime the first step applies; absent = no lateness watch.
   */
  readonly autoPriority?: { readonly maxPriority: number; readonly minDelayUs: number; readonly rlimitRttimeUs: number };
  /** -D */
  readonly logDetail: boolean;
  /** --ignore-sigint */
  readonly ignoreSigint?: boolean;
  /** The daemon's umask, for files the child writes. */
  readonly umask: number;
  /** Where a USR1/USR2 sent straight to the child writes (the parent's requests name their own paths). */
  readonly dataFile: string;
  readonly statsFile: string;
  readonly jsonFile: string;
}

/** What a subsystem reports after applying a reload. */
export interface ApplyReport {
  /** One line per change applied, for the log. */
  readonly applied: readonly string[];
  /** Changes that could not be applied (the subsystem keeps running). */
  readonly failed: readonly string[];
}

export type DumpKind = 'data' | 'stats' | 'stats-clear' | 'json';
export type QueryKind = 'data' | 'stats' | 'status';

/** Events one child produces for others, relayed by the parent. */
export type RelayEvent = {
  readonly kind: 'bfd-state';
  readonly instance: string;
  readonly state: 'up' | 'down';
  /** ms since the epoch, when the BFD child saw the change. */
  readonly at: number;
};

export type ParentToChild =
  | { readonly type: 'start'; readonly generation: number; readonly settings: ChildSettings; readonly part: unknown }
  | { readonly type: 'reload'; readonly generation: number; readonly part: unknown; readonly diff: readonly DiffEntry[] }
  | { readonly type: 'dump'; readonly what: DumpKind; readonly path: string }
  | { readonly type: 'query'; readonly id: number; readonly what: QueryKind }
  | { readonly type: 'relay'; readonly event: RelayEvent }
  | { readonly type: 'stop' };

export type ChildToParent =
  | { readonly type: 'ready'; readonly generation: number }
  | { readonly type: 'reloaded'; readonly generation: number; readonly report: ApplyReport }
  | { readonly type: 'dumped'; readonly what: DumpKind; readonly path: string; readonly error?: string }
  | { readonly type: 'answer'; readonly id: number; readonly ok: true; readonly body: unknown }
  | { readonly type: 'answer'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'relay'; readonly event: RelayEvent };

/** For `switch` statements over a union: a compile error when a case is missing. */
export function unreachable(x: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}

export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';
const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const DUMP_KINDS: readonly string[] = ['data', 'stats', 'stats-clear', 'json'];
const QUERY_KINDS: readonly string[] = ['data', 'stats', 'status'];

function describe(x: unknown): string {
  try {
    const s = JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return s === undefined ? String(x) : s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    return String(x);
  }
}

function bad<T>(x: unknown, why: string): Parsed<T> {
  return { ok: false, error: `${why}: ${describe(x)}` };
}

function validSettings(s: unknown): s is ChildSettings {
  return (
    isObj(s) &&
    isChildRole(s.role) &&
    isStr(s.pidFile) &&
    typeof s.releaseOnStop === 'boolean' &&
    typeof s.releaseVipsOnSignal === 'boolean' &&
    typeof s.noSwap === 'boolean' &&
    (s.processName === undefined || isStr(s.processName)) &&
    (s.realtime === undefined || (isObj(s.realtime) && isInt(s.realtime.priority) && isInt(s.realtime.rlimitRttimeUs))) &&
    (s.autoPriority === undefined ||
      (isObj(s.autoPriority) && isInt(s.autoPriority.maxPriority) && isInt(s.autoPriority.minDelayUs) && isInt(s.autoPriority.rlimitRttimeUs))) &&
    typeof s.logDetail === 'boolean' &&
    (s.ignoreSigint === undefined || typeof s.ignoreSigint === 'boolean') &&
    isInt(s.umask) &&
    isStr(s.dataFile) &&
    isStr(s.statsFile) &&
    isStr(s.jsonFile)
  );
}

function validDiff(d: unknown): d is DiffEntry[] {
  return (
    Array.isArray(d) &&
    d.every((e) => isObj(e) && isStrArray(e.path) && (e.kind === 'added' || e.kind === 'removed' || e.kind === 'changed'))
  );
}

function validRelay(e: unknown): e is RelayEvent {
  return isObj(e) && e.kind === 'bfd-state' && isStr(e.instance) && (e.state === 'up' || e.state === 'down') && typeof e.at === 'number';
}

export function parseParentMessage(x: unknown): Parsed<ParentToChild> {
  if (!isObj(x) || !isStr(x.type)) return bad(x, 'not a message');
  switch (x.type) {
    case 'start':
      return isInt(x.generation) && validSettings(x.settings) && 'part' in x
        ? { ok: true, message: x as ParentToChild }
        : bad(x, 'malformed start');
    case 'reload':
      return isInt(x.generation) && 'part' in x && validDiff(x.diff) ? { ok: true, message: x as ParentToChild } : bad(x, 'malformed reload');
    case 'dump':
      return isStr(x.what) && DUMP_KINDS.includes(x.what) && isStr(x.path) ? { ok: true, message: x as ParentToChild } : bad(x, 'malformed dump');
    case 'query':
      return isInt(x.id) && isStr(x.what) && QUERY_KINDS.includes(x.what) ? { ok: true, message: x as ParentToChild } : bad(x, 'malformed query');
    case 'relay':
      return validRelay(x.event) ? { ok: true, message: x as ParentToChild } : bad(x, 'malformed relay');
    case 'stop':
      return { ok: true, message: { type: 'stop' } };
    default:
      return bad(x, 'unknown message type');
  }
}

export function parseChildMessage(x: unknown): Parsed<ChildToParent> {
  if (!isObj(x) || !isStr(x.type)) return bad(x, 'not a message');
  switch (x.type) {
    case 'ready':
      return isInt(x.generation) ? { ok: true, message: x as ChildToParent } : bad(x, 'malformed ready');
    case 'reloaded':
      return isInt(x.generation) && isObj(x.report) && isStrArray(x.report.applied) && isStrArray(x.report.failed)
        ? { ok: true, message: x as ChildToParent }
        : bad(x, 'malformed reloaded');
    case 'dumped':
      return isStr(x.what) && DUMP_KINDS.includes(x.what) && isStr(x.path) && (x.error === undefined || isStr(x.error))
        ? { ok: true, message: x as ChildToParent }
        : bad(x, 'malformed dumped');
    case 'answer':
      if (!isInt(x.id)) return bad(x, 'malformed answer');
      if (x.ok === true && 'body' in x) return { ok: true, message: x as ChildToParent };
      if (x.ok === false && isStr(x.error)) return { ok: true, message: x as ChildToParent };
      return bad(x, 'malformed answer');
    case 'relay':
      return validRelay(x.event) ? { ok: true, message: x as ChildToParent } : bad(x, 'malformed relay');
    default:
      return bad(x, 'unknown message type');
  }
}
