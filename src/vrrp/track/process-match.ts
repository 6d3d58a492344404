/**
 * Which processes a vrrp_track_process counts (keepalived core/track_process.c
 * read_procs / check_process / check_params). Pure.
 *
 * Without `full_command` (and without parameters) the configured name is
 * compared, exactly, with the process's comm — the name the kernel keeps,
 * at most 15 bytes, shown in /proc/PID/stat and /proc/PID/comm and changed by
 * prctl(PR_SET_NAME). A longer name can never match and is reported as such.
 *
 * With `full_command`, or when parameters or `param_match` are given, the
 * configured name is compared with argv[0] from /proc/PID/cmdline, and the
 * parameters with the rest of the command line:
 *   exact    the parameters are exactly the configured ones (none configured
 *            with param_match = the process must have none);
 *   partial  the first N parameters are exactly the N configured ones;
 *   initial  like partial, but the last configured parameter need only be a
 *            prefix of the process's (`process sleep 10` with `initial`
 *            matches `sleep 100`).
 * keepalived compares the NUL-separated byte strings; we do the same, so
 * corner cases (an empty configured parameter, say) agree.
 *
 * Zombies are not counted: their exit has already been reported.
 */

export type ParamMatch = 'none' | 'exact' | 'initial' | 'partial';

export interface TrackProcessSpec {
  readonly name: string;
  /** `process NAME [ARGS…]`: the process name, or argv[0] when matching the command line. */
  readonly process: string;
  readonly params: readonly string[];
  /** 'none' with params given means 'exact' (keepalived's default then). */
  readonly paramMatch: ParamMatch;
  /** Match argv[0] of /proc/PID/cmdline instead of comm. Implied by params or param_match. */
  readonly fullCommand: boolean;
  /** Fewest matching processes for "up" (0 only with quorumMax 0). */
  readonly quorum: number;
  /** Most matching processes for "up"; undefined = no limit. */
  readonly quorumMax?: number;
  /** Delay before a quorum reached by a fork counts, ms (keepalived fork_delay). */
  readonly forkDelayMs: number;
  /** Delay before a quorum lost by an exit counts, ms (keepalived terminate_delay). */
  readonly terminateDelayMs: number;
}

/** The comm limit: TASK_COMM_LEN (16) minus the NUL. */
export const COMM_MAX = 15;

/** A spec with keepalived's implied settings filled in. */
export interface MatchRule {
  readonly process: string;
  readonly fullCommand: boolean;
  readonly paramMatch: ParamMatch;
  /** The configured parameters as keepalived stores them: each followed by a NUL. */
  readonly params: Buffer;
}

export function matchRule(spec: TrackProcessSpec): MatchRule {
  const paramMatch: ParamMatch = spec.params.length > 0 && spec.paramMatch === 'none' ? 'exact' : spec.paramMatch;
  return {
    process: spec.process,
    fullCommand: spec.fullCommand || paramMatch !== 'none',
    paramMatch,
    params: Buffer.from(spec.params.map((p) => `${p}\0`).join(''), 'utf8'),
  };
}

/** keepalived check_params over the bytes after argv[0]'s NUL. */
export function paramsMatch(rule: MatchRule, actual: Buffer): boolean {
  const want = rule.params;
  if (rule.paramMatch === 'exact' && want.length === 0 && actual.length === 0) return true;
  if (actual.length < want.length) return false;
  switch (rule.paramMatch) {
    case 'none':
      return true;
    case 'exact':
      return actual.length === want.length && actual.equals(want);
    case 'partial':
      return want.length === 0 || actual.subarray(0, want.length).equals(want);
    case 'initial':
      // All but the last configured parameter's NUL: the last one may continue.
      return want.length <= 1 || actual.subarray(0, want.length - 1).equals(want.subarray(0, want.length - 1));
  }
}

/** What is known of one process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** The one-letter state from /proc/PID/stat (R, S, D, Z…). */
  readonly state: string;
  /** Clock ticks since boot when the process started: tells a reused pid apart. */
  readonly startTime: number;
  /** /proc/PID/cmdline, NUL-separated; read only when some rule needs it. */
  readonly cmdline?: Buffer;
}

/** Does this process count for this rule? */
export function processMatches(rule: MatchRule, p: ProcessInfo): boolean {
  if (p.state === 'Z') return false;
  if (!rule.fullCommand) return p.comm === rule.process;
  const cmd = p.cmdline;
  if (!cmd || cmd.length === 0) return false;
  const nul = cmd.indexOf(0);
  const argv0 = (nul === -1 ? cmd : cmd.subarray(0, nul)).toString('utf8');
  if (argv0 !== rule.process) return false;
  if (rule.paramMatch === 'none') return true;
  return paramsMatch(rule, nul === -1 ? Buffer.alloc(0) : cmd.subarray(nul + 1));
}

/**
 * Parses /proc/PID/stat: "pid (comm) S ppid … starttime …". comm may itself
 * contain spaces and parentheses, so it runs to the *last* ')'.
 */
export function parseProcStat(text: string): Omit<ProcessInfo, 'cmdline'> | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // Fields after comm: state(3) ppid(4) … starttime(22) → rest[0], rest[1], rest[19].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (!Number.isInteger(pid) || !state || !Number.isInteger(ppid) || !Number.isFinite(startTime)) return undefined;
  return { pid, ppid, comm: text.slice(open + 1, close), state, startTime };
}

/** Configuration problems worth a log line (not errors: keepalived accepts them). */
export function ruleWarnings(spec: TrackProcessSpec): string[] {
  const rule = matchRule(spec);
  const out: string[] = [];
  if (!rule.fullCommand && Buffer.byteLength(spec.process, 'utf8') > COMM_MAX) {
    out.push(
      `track process ${spec.name}: process name '${spec.process}' is longer than the ${COMM_MAX} characters a process name can have ` +
        '- it will never match; use full_command to match the command line',
    );
  }
  return out;
}
