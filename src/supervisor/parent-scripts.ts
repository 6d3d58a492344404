/**
 * startup_script and shutdown_script, which only the parent runs.
 *
 * keepalived (core/main.c): both are checked when the config is loaded
 * (check_start_stop_script_secure): a script that is insecure under
 * enable_script_security, missing, or not executable is dropped with the
 * reason logged, and scripts run without script security produce the
 * "SECURITY VIOLATION - start/shutdown scripts ..." line. The startup script
 * runs once, after the pid file is written and before any child starts; the
 * children start when it finishes, fails or is killed. The shutdown script
 * runs after the children have stopped. Each has a timeout (default 10 s,
 * 1–1000) after which the usual sequence applies: SIGTERM to its process
 * group, SIGKILL 2 s later, again 2 s later; keepalived then stops waiting
 * 10 s after that ("failed to terminate after kill") and carries on, and so
 * do we.
 */
import type { LogPort } from '../core/log-port.js';
import { ScriptUsers, type AccountLookup } from '../core/scripts/accounts.js';
import type { ScriptRunner, ScriptToRun } from '../core/scripts/runner.js';
import { checkScript, scriptUsable, securityViolation, type ScriptCheck } from '../core/scripts/security.js';
import type { ConfiguredScript, DaemonGlobals } from './daemon-config.js';

export type ParentScriptKind = 'startup' | 'shutdown';

export interface PreparedParentScript {
  readonly script?: ScriptToRun;
  readonly check?: ScriptCheck;
}

/** Parses, resolves the user, and checks one script; logs every finding. */
export function prepareParentScript(
  kind: ParentScriptKind,
  spec: ConfiguredScript | undefined,
  users: ScriptUsers,
  log: LogPort,
): PreparedParentScript {
  if (!spec || spec.argv.length === 0) return {};
  const program = spec.argv[0]!;
  const who = users.forScript(spec.user !== undefined ? { user: spec.user, ...(spec.group !== undefined ? { group: spec.group } : {}) } : undefined);
  if (!who.ok) {
    log.info(`Failed to set default user for ${kind} script ${program} - ignoring: ${who.message}`);
    return {};
  }
  const check = checkScript(spec.argv, { uid: who.uid, gid: who.gid, scriptSecurity: users.policy.scriptSecurity });
  for (const m of check.messages) log.info(m);
  if (!scriptUsable(check, 'command')) {
    log.info(`Not running ${kind} script ${program}: it is disabled (see above)`);
    return { check };
  }
  const script: ScriptToRun = {
    name: `${kind} script`,
    argv: check.argv,
    uid: who.uid,
    gid: who.gid,
    ...(check.fileTestPath !== undefined ? { fileTestPath: check.fileTestPath } : {}),
  };
  return { script, check };
}

/** keepalived's SECURITY VIOLATION line for the start/stop scripts, if due. */
export function parentScriptsViolation(checks: ReadonlyArray<ScriptCheck | undefined>, scriptSecurity: boolean): string | undefined {
  return securityViolation(
    checks.filter((c): c is ScriptCheck => c !== undefined),
    scriptSecurity,
    'start/shutdown scripts',
  );
}

export interface StartStopScripts {
  readonly startup?: ScriptToRun;
  readonly shutdown?: ScriptToRun;
}

/**
 * Checks the start/stop scripts of one loaded config (at start both, at a
 * reload only the shutdown script, which is all that can still run) and logs
 * what keepalived logs, including the SECURITY VIOLATION line.
 */
export function checkStartStopScripts(
  globals: DaemonGlobals,
  accounts: AccountLookup,
  log: LogPort,
  which: 'both' | 'shutdown',
): StartStopScripts {
  const users = new ScriptUsers({
    scriptSecurity: globals.scriptSecurity,
    scriptUser: globals.scriptUser,
    self: { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 },
    accounts,
  });
  const up = which === 'both' ? prepareParentScript('startup', globals.startupScript, users, log) : {};
  const down = prepareParentScript('shutdown', globals.shutdownScript, users, log);
  const violation = parentScriptsViolation([up.check, down.check], globals.scriptSecurity);
  if (violation) log.warn(violation);
  return { ...(up.script ? { startup: up.script } : {}), ...(down.script ? { shutdown: down.script } : {}) };
}

/** After the last SIGKILL keepalived waits this much longer, then gives up (handle_child_timeout). */
const GIVE_UP_AFTER_TIMEOUT_MS = 2000 + 2000 + 10_000;

/** Runs a startup/shutdown script and logs its outcome as keepalived does. Resolves when it is over or abandoned. */
export async function runParentScript(
  kind: ParentScriptKind,
  script: ScriptToRun,
  timeoutMs: number,
  runner: ScriptRunner,
  log: LogPort,
  detail: boolean,
): Promise<void> {
  if (detail) log.info(`Running ${kind} script ${script.argv[0]}`);
  const run = runner.run(script, { timeoutMs });
  let giveUp: NodeJS.Timeout | undefined;
  const abandoned = new Promise<'abandoned'>((resolve) => {
    giveUp = setTimeout(() => resolve('abandoned'), timeoutMs + GIVE_UP_AFTER_TIMEOUT_MS);
  });
  const r = await Promise.race([run.result, abandoned]);
  clearTimeout(giveUp);
  if (r === 'abandoned') {
    log.info(`${kind} script (PID ${run.pid}) could not be killed - continuing without it`);
    return;
  }
  switch (r.kind) {
    case 'exit':
      if (r.afterTimeout) log.info(`${kind} script timed out`);
      if (r.code !== 0) log.info(`${kind} script failed, status ${r.code}`);
      else if (detail) log.info(`${kind} script succeeded`);
      return;
    case 'timeout':
      log.info(`${kind} script timed out`);
      return;
    case 'signal':
      log.info(`${kind} script terminated by ${r.signal}`);
      return;
    case 'error':
      log.info(`Call of ${kind} script ${script.argv[0]} failed: ${r.message}`);
      return;
  }
}
