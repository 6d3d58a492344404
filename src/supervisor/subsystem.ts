/**
 * What a child process runs: the interface the VRRP, checker and BFD
 * subsystems implement, and the registry the child entry point picks from.
 *
 * The child runtime (child.ts) owns the process: the IPC channel, signals,
 * the pid file, parent-death handling and the exit code. A subsystem owns the
 * protocol work and only sees these calls:
 *   start   the first config part; throw ChildStartError(code) when it can
 *           never work (code 2 config, 4 missing permission, 1 fatal: the
 *           parent then stops the daemon instead of respawning this child);
 *   reload  a new part plus the diff from the previous one; apply what can be
 *           applied, report what could not, keep running either way;
 *   dumps   text for the .data file (USR1), and for VRRP the .stats text
 *           (USR2, STATS_CLEAR) and the JSON array (JSON signal);
 *   query   answers for the control API;
 *   onRelay events from another child (BFD state for track_bfd/BFD_CHECK);
 *   stop    release what it owns unless `release` is false (-V, -I), then
 *           resolve; the runtime exits afterwards.
 */
import type { LogPort } from '../core/log-port.js';
import type { ScriptRunner } from '../core/scripts/runner.js';
import type { DiffEntry } from './config-diff.js';
import type { ApplyReport, ChildSettings, QueryKind, RelayEvent } from './ipc.js';
import type { ChildRole } from './roles.js';

export interface SubsystemContext {
  readonly role: ChildRole;
  readonly settings: ChildSettings;
  readonly log: LogPort;
  /** Runs this process's scripts; the runtime stops them all at exit. */
  readonly scripts: ScriptRunner;
  /** Sends an event to the other children through the parent. */
  relay(event: RelayEvent): void;
}

export interface Subsystem {
  start(part: unknown, ctx: SubsystemContext): Promise<void>;
  reload(part: unknown, diff: readonly DiffEntry[]): Promise<ApplyReport>;
  dumpData(): string;
  /** USR2 / STATS_CLEAR text; `clear` zeroes the counters after writing. */
  dumpStats(clear: boolean): string;
  /** JSON signal content: a string is written as it is (JSON text the subsystem rendered), anything else is serialised. */
  dumpJson(): unknown;
  query(what: QueryKind): unknown;
  onRelay(event: RelayEvent): void;
  stop(release: boolean): Promise<void>;
}

/** A start failure that restarting will not fix. */
export class ChildStartError extends Error {
  readonly code = 'ECHILDSTART';
  constructor(
    message: string,
    /** The exit code: 1 FATAL, 2 CONFIG, 4 MISSING_PERMISSION (respawn.ts ExitCode). */
    readonly exitCode: 1 | 2 | 4,
  ) {
    super(message);
    this.name = 'ChildStartError';
  }
}

export type SubsystemFactory = (role: ChildRole) => Subsystem;
