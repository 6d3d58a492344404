/**
 * What a child's death means, and how long to wait before the next start.
 *
 * Exit classification is keepalived's report_child_status() (lib/scheduler.c):
 * exit codes 1 (FATAL), 2 (CONFIG) and 4 (missing permission) are permanent:
 * starting the child again would fail the same way, so the daemon terminates
 * with that code. Any other exit or signal is a crash to recover from.
 *
 * The restart delay is calc_restart_delay() (lib/scheduler.c). It returns the
 * delay computed at the previous death and then prepares the next one:
 *   - a child that ran for 60 s or more restarts at once and the series resets;
 *   - otherwise the delays go 0, 1, 2, 4, 8, 16, 32, 60, 60, … seconds
 *     (the first young death restarts immediately; after 32 the next is 60).
 */

/** keepalived's exit codes (lib/scheduler.h enum exit_code). */
export const ExitCode = {
  ok: 0,
  fatal: 1,
  config: 2,
  missingPermission: 4,
  noConfig: 6,
  programError: 70,
  noMemory: 204,
} as const;

export type ExitVerdict =
  | { readonly permanent: true; readonly code: number; readonly label: 'FATAL' | 'CONFIG' | 'missing permission' }
  | { readonly permanent: false };

export function classifyExit(code: number | null): ExitVerdict {
  switch (code) {
    case ExitCode.fatal:
      return { permanent: true, code, label: 'FATAL' };
    case ExitCode.config:
      return { permanent: true, code, label: 'CONFIG' };
    case ExitCode.missingPermission:
      return { permanent: true, code, label: 'missing permission' };
    default:
      return { permanent: false };
  }
}

/** The log line keepalived writes for a child's end (report_child_status). */
export function describeExit(progName: string, code: number | null, signal: string | null): string | undefined {
  const verdict = classifyExit(code);
  if (verdict.permanent) return `${progName} exited with permanent error ${verdict.label}. Terminating`;
  if (signal !== null) {
    return signal === 'SIGSEGV'
      ? `${progName} exited due to segmentation fault (SIGSEGV).`
      : `${progName} exited due to signal ${signal}${signal === 'SIGKILL' ? ' - has rlimit_rttime been exceeded?' : ''}`;
  }
  if (code !== null && code !== 0) return `${progName} exited with status ${code}`;
  return undefined;
}

/** A run of 60 s or more counts as stable (calc_restart_delay). */
export const STABLE_RUN_MS = 60_000;
export const MAX_RESTART_DELAY_S = 60;

/** calc_restart_delay(), one instance per child. */
export class RestartBackoff {
  /** The delay the next young death will get, in seconds. */
  private following = 0;

  /**
   * For a child started at startedAtMs that died at nowMs: the seconds to wait
   * before starting it again, and whether it died young (keepalived then logs
   * "Restart of … process delayed N seconds to limit respawn rate", N = 0 too).
   */
  next(startedAtMs: number, nowMs: number): { readonly delayS: number; readonly young: boolean } {
    if (nowMs - startedAtMs >= STABLE_RUN_MS) {
      this.following = 0;
      return { delayS: 0, young: false };
    }
    const delayS = this.following;
    this.following = this.following === 0 ? 1 : this.following > 30 ? MAX_RESTART_DELAY_S : this.following * 2;
    return { delayS, young: true };
  }
}
