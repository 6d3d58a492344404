/**
 * What the supervisor needs from the command line and from the compiled
 * config, as small interfaces of its own.
 *
 * The supervisor never looks inside a compiled config: a DaemonConfigAdapter
 * loads one (the config compiler behind it), summarises it (which children
 * run), extracts the global settings the parent acts on, cuts out each
 * child's part (what goes over IPC) and prints the parent's .data dump.
 * The entry point supplies the adapter for keepalived.conf; tests may supply
 * another. Loading never throws: errors come back as compiler-style lines
 * (`file:line:col: error: message`), which a failed reload logs as they are.
 */
import type { UserSpec } from '../core/scripts/accounts.js';
import type { ProcessTuning } from './child-launch.js';
import type { PidFileNames } from './pidfile.js';
import type { LogSettings } from './process-log.js';
import type { ChildRole, ConfigSummary, DaemonMode } from './roles.js';

export type LoadOutcome<C> =
  | {
      readonly ok: true;
      readonly config: C;
      readonly warnings: readonly string[];
      /** -d: the configuration as the daemon understood it, one log line each. */
      readonly dump?: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[] };

/** A script as the compiler models it (config/schema/script-values.ts ScriptCommand): argv, and `user [group]`. */
export interface ConfiguredScript {
  readonly argv: readonly string[];
  readonly user?: string;
  readonly group?: string;
}

/** The global settings the parent itself acts on. */
export interface DaemonGlobals {
  /** top-level `instance NAME`. */
  readonly instance?: string;
  /** top-level `net_namespace NAME`. */
  readonly netns?: string;
  /** top-level `use_pid_dir`. */
  readonly usePidDir: boolean;
  /** top-level `child_wait_time`, ms; keepalived's default is 5 s. */
  readonly childWaitTimeMs: number;
  readonly startupScript?: ConfiguredScript;
  /** startup_script_timeout, ms; default 10 s. */
  readonly startupScriptTimeoutMs: number;
  readonly shutdownScript?: ConfiguredScript;
  readonly shutdownScriptTimeoutMs: number;
  /** global_defs `umask`, when given. */
  readonly umask?: number;
  readonly dataUseInstance: boolean;
  readonly stateDumpFile?: string;
  /** global_defs reload_check_config [FILE]: where each reload's check is logged. */
  readonly reloadCheckLog?: string;
  readonly scriptSecurity: boolean;
  readonly scriptUser?: UserSpec;
  /** `process_name` (or `process_names`): the parent's process title. */
  readonly processName?: string;
  /** *_priority, *_rt_priority, *_rlimit_rttime, *_no_swap, *_cpu_affinity, *_process_name per child. */
  readonly tuning: Readonly<Record<ChildRole, ProcessTuning>>;
  /** max_auto_priority / min_auto_priority_delay; absent = no lateness watch in the children. */
  readonly autoPriority?: AutoPriorityGlobals;
}

export interface AutoPriorityGlobals {
  /** max_auto_priority, 0..99; 0 = never raise (keepalived's -1 is 0 here, with notice false). */
  readonly maxPriority: number;
  /** min_auto_priority_delay, µs (1..10000000; keepalived's default is 1 s). */
  readonly minDelayUs: number;
  /** Log keepalived's start-up NOTICE suggesting max_auto_priority (it was left at 0). */
  readonly notice: boolean;
}

export const DEFAULT_GLOBALS: DaemonGlobals = {
  usePidDir: false,
  childWaitTimeMs: 5000,
  startupScriptTimeoutMs: 10_000,
  shutdownScriptTimeoutMs: 10_000,
  dataUseInstance: false,
  scriptSecurity: false,
  tuning: { vrrp: {}, checker: {}, bfd: {} },
};

export interface DaemonConfigAdapter<C> {
  load(path: string): Promise<LoadOutcome<C>>;
  summary(config: C): ConfigSummary;
  globals(config: C): DaemonGlobals;
  /** The part of the config one child needs; must survive structured cloning. */
  part(config: C, role: ChildRole): unknown;
  /** The parent's .data content (keepalived: the global definitions). */
  dumpGlobals(config: C): string;
  /**
   * Settings a reload cannot change beyond those the supervisor already
   * checks (net_namespace, instance), as keepalived's "please restart" list
   * (nftables table names, config_directory, disable_local_igmp…):
   * one message per change found; any message rejects the reload.
   */
  restartOnlyChanges?(before: C, after: C): string[];
}

/** The adapter's load(), with an exception (a bug in it) turned into an error line. */
export async function loadSafely<C>(adapter: DaemonConfigAdapter<C>, path: string): Promise<LoadOutcome<C>> {
  try {
    return await adapter.load(path);
  } catch (err) {
    return { ok: false, errors: [`${path}: internal error while loading: ${(err as Error).stack ?? String(err)}`] };
  }
}

/** What the command line decides (src/cli/ fills this in). */
export interface SupervisorOptions {
  /** -f */
  readonly configFile: string;
  /** -P, -C, -B, --all applied in order (roles.modeFromFlags). */
  readonly mode: DaemonMode;
  /** -R */
  readonly dontRespawn: boolean;
  /** -p, -r, -c, -b */
  readonly pidFiles?: Partial<PidFileNames>;
  /** -s: overrides net_namespace. */
  readonly namespace?: string;
  /** -u: overrides the config's umask. */
  readonly umask?: number;
  /** -X */
  readonly releaseVips: boolean;
  /** -V */
  readonly dontReleaseVrrp: boolean;
  /** -I */
  readonly dontReleaseIpvs: boolean;
  /** -D */
  readonly logDetail: boolean;
  /** -l, -G, -S, -g, -D for the children's loggers (the parent's is built by the caller); default: syslog only. */
  readonly log?: LogSettings;
  /** --ignore-sigint (keepalived 2.3+): SIGINT neither stops the parent nor its children. */
  readonly ignoreSigint?: boolean;
  /** RUNSTATEDIR, /run; tests point it elsewhere. */
  readonly runDir?: string;
}

/** keepalived's umask before any option or keyword changes it: 0177. */
export const DEFAULT_UMASK = 0o177;
