/**
 * `vrrp_track_process NAME { … }` (keepalived vrrp_parser.c vrrp_tprocess_*,
 * core/track_process.c): "is this process running, and how many copies?",
 * answered from the kernel's process-event connector instead of polling.
 *
 * Matching: by default the process name (/proc/PID/comm, at most 15
 * characters) must equal `process`. Giving parameters, `param_match` or
 * `full_command` switches to the command line (/proc/PID/cmdline): exactly
 * (the default once parameters are given), `initial` (the last parameter may
 * be longer) or `partial` (only the first parameters given must match).
 *
 * The process is "up" while quorum ≤ count ≤ quorum_max. `quorum_max 0`
 * means "up while NOT running" (quorum then becomes 0). `delay` sets both
 * `fork_delay` (wait before believing a newly reached quorum) and
 * `terminate_delay` (wait before believing a lost one), in seconds with
 * microsecond resolution, held in ms. The default weight is 0 (FAULT when
 * down); the man page's "default is 1" does not match the code.
 * Whether the kernel has CONFIG_PROC_EVENTS is a run-time check.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor, nameHead } from '../../config/schema/define.js';
import { int, timer } from '../../config/schema/values.js';
import { weightValue, type Weight } from './script.js';

export type ParamMatch = 'none' | 'exact' | 'initial' | 'partial';

export interface TrackProcess {
  name: string;
  /** Process name, or program path when matching the command line (required). */
  process?: string;
  /** Parameters to match against the command line. */
  params: string[];
  /** How parameters are compared; 'none' = match the process name only. */
  paramMatch: ParamMatch;
  /** Match /proc/PID/cmdline instead of /proc/PID/comm. Resolved: true when params or param_match are given. */
  fullCommand: boolean;
  weight: Weight;
  /** Minimum number of matching processes for "up". Resolved to 0 when quorumMax is 0. */
  quorum: number;
  /** Maximum number of matching processes for "up"; unset = no maximum. */
  quorumMax?: number;
  /** Delay before a newly reached quorum counts, ms. */
  forkDelayMs: number;
  /** Delay before a lost quorum counts, ms. */
  terminateDelayMs: number;
}

const k = keywordsFor<TrackProcess>();
/** keepalived reads these delays as decimal seconds in [0.000001, 3600]. */
const delay = timer(0.001, 3_600_000);

export const trackProcessBlock = defineBlock<TrackProcess>({
  name: 'vrrp_track_process',
  doc: 'A process (by name or command line) whose presence, counted against a quorum, adjusts the instances that track it.',
  create: () => ({ name: '', params: [], paramMatch: 'none', fullCommand: false, weight: { weight: 0, reverse: false }, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0 }),
  keywords: [
    k.custom(
      'process',
      { tag: 'COMMON', syntax: 'NAME|PATH [PARAM …]', doc: 'The process name, or program and parameters to match against the command line.' },
      (m, stmt, ctx) => {
        const [first, ...rest] = stmt.args;
        if (!first) throw new ConfigValueError('missing process name', stmt.keyword.loc);
        if (m.process !== undefined) throw new ConfigValueError(`Process already set for track process ${m.name}`, stmt.keyword.loc);
        m.process = first.text;
        m.params = rest.map((w) => w.text);
        ctx.locations.set(m, stmt.loc, 'process');
      },
      (m) => (m.process === undefined ? [] : [{ words: ['process', m.process, ...m.params] }]),
    ),
    k.custom(
      'param_match',
      { tag: 'RARE', syntax: '[initial|partial]', doc: 'Match the command line: exactly (no argument), with a longer last parameter (initial), or only the parameters given (partial).' },
      (m, stmt, ctx) => {
        const [w, extra] = stmt.args;
        if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
        if (w && w.text !== 'initial' && w.text !== 'partial') throw new ConfigValueError(`Invalid param_match type ${w.text} (expected initial|partial)`, w.loc);
        m.paramMatch = w ? (w.text as ParamMatch) : 'exact';
        m.fullCommand = true;
        ctx.locations.set(m, stmt.loc, 'paramMatch');
      },
      (m) => {
        // With parameters, exact matching is implied and needs no keyword.
        if (m.paramMatch === 'none' || (m.paramMatch === 'exact' && m.params.length > 0)) return [];
        return [{ words: m.paramMatch === 'exact' ? ['param_match'] : ['param_match', m.paramMatch] }];
      },
    ),
    k.scalar('weight', weightValue(-254, 254), 'weight', {
      tag: 'COMMON',
      doc: 'Default weight for trackers of this process (0: FAULT while the quorum is not met); reverse inverts it.',
      default: '0',
    }),
    k.custom(
      'quorum',
      { tag: 'COMMON', syntax: '1..65535', doc: 'Minimum number of matching processes for the process to count as up.', default: '1' },
      (m, stmt, ctx) => {
        m.quorum = int(1, 65535).parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'quorum');
      },
      // quorum_max 0 implies quorum 0, which has no spelling of its own.
      (m) => (m.quorum === 1 || m.quorumMax === 0 ? [] : [{ words: ['quorum', String(m.quorum)] }]),
    ),
    k.scalar('quorum_max', int(0, 65535), 'quorumMax', {
      tag: 'RARE',
      doc: 'Maximum number of matching processes for the process to count as up (0: up only while none runs).',
      default: 'no maximum',
    }),
    k.custom(
      'delay',
      { tag: 'RARE', syntax: 'SECONDS', doc: 'Sets both fork_delay and terminate_delay.' },
      (m, stmt) => {
        m.forkDelayMs = m.terminateDelayMs = delay.parse(stmt.args, stmt.keyword);
      },
      () => [],
    ),
    k.scalar('terminate_delay', delay, 'terminateDelayMs', {
      tag: 'RARE',
      doc: 'Seconds to wait after the quorum is lost before counting the process as down.',
      default: '0',
    }),
    k.scalar('fork_delay', delay, 'forkDelayMs', {
      tag: 'RARE',
      doc: 'Seconds to wait after the quorum is reached before counting the process as up.',
      default: '0',
    }),
    k.flag('full_command', 'fullCommand', { tag: 'RARE', doc: 'Match the full command line (/proc/PID/cmdline) instead of the process name.', noArg: true }),
  ],
  finish(m, ctx, loc) {
    // keepalived drops the block (the fragment's finish removes it); references to it are then not found.
    if (m.process === undefined) ctx.diags.warning(`track process '${m.name}' process name not specified - removing`, loc, 'vrrp_track_process');
    if (m.params.length > 0) {
      m.fullCommand = true;
      if (m.paramMatch === 'none') m.paramMatch = 'exact';
    }
    if (m.quorumMax === 0) {
      if (m.quorum > 1) ctx.diags.error('quorum_max is less than quorum', ctx.locations.get(m, 'quorumMax') ?? loc, 'quorum_max');
      else m.quorum = 0;
    } else if (m.quorumMax !== undefined && m.quorum > m.quorumMax) {
      ctx.diags.error(`Quorum (${m.quorum}) is greater than quorum_max (${m.quorumMax})`, ctx.locations.get(m, 'quorum') ?? loc, 'quorum');
    }
  },
});

export const trackProcessHead = nameHead<TrackProcess>();
