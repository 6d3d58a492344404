/**
 * The planner's working context: the diagnostics it collects, the iproute2 name resolver,
 * and the one path every configured script takes to become something the runner can start.
 *
 * Scripts, as keepalived treats them when a configuration loads (lib/notify.c
 * notify_script_init / check_script_secure, vrrp.c check_vrrp_script_security):
 *  - who it runs as: its own `USER [GROUP]`, else global script_user, else keepalived_script,
 *    else (without enable_script_security) the daemon's user — ScriptUsers;
 *  - whether it may run: found, executable by that user, and, when it runs with root's
 *    power, not replaceable by anyone else — checkScript, with keepalived's messages
 *    (through checkConfiguredScripts, so the plan and `-t` judge a script alike);
 *  - a script that may not run is dropped with a warning, and what used it goes without
 *    (an instance without that notify script, an instance no longer tracking that
 *    vrrp_script), as keepalived removes it;
 *  - once every script is checked, keepalived's SECURITY VIOLATION line when scripts run
 *    while enable_script_security is off.
 */
import type { Severity } from '../../config/diagnostics.js';
import type { GlobalDefs } from '../../config/global/index.js';
import { joinCommand, type ScriptCommand } from '../../config/schema/script-values.js';
import { ScriptUsers, type CredentialsResult, type UserSpec } from '../../core/scripts/accounts.js';
import type { ScriptToRun } from '../../core/scripts/runner.js';
import { checkConfiguredScripts } from '../../core/scripts/configured.js';
import { securityViolation, type ScriptCheck } from '../../core/scripts/security.js';
import { DEFAULT_IPROUTE_ETC_DIR, DEFAULT_IPROUTE_USR_DIR, IprouteNames } from './host.js';
import type { PlanDiagnostic, PlanEnvironment } from './types.js';

export class PlanContext {
  readonly diagnostics: PlanDiagnostic[] = [];
  readonly names: IprouteNames;
  readonly users: ScriptUsers;
  private readonly checks: ScriptCheck[] = [];

  constructor(readonly env: PlanEnvironment, readonly global: GlobalDefs) {
    this.names = new IprouteNames(env.files, {
      etc: global.iprouteEtcDir ?? DEFAULT_IPROUTE_ETC_DIR,
      usr: global.iprouteUsrDir ?? DEFAULT_IPROUTE_USR_DIR,
    });
    this.users = new ScriptUsers({
      scriptSecurity: global.enableScriptSecurity,
      ...(global.scriptUser ? { scriptUser: userSpec(global.scriptUser.user, global.scriptUser.group) } : {}),
      self: env.self,
      accounts: env.accounts,
    });
  }

  add(severity: Severity, message: string, keyword?: string): void {
    this.diagnostics.push(keyword === undefined ? { severity, message } : { severity, message, keyword });
  }
  error(message: string, keyword?: string): void { this.add('error', message, keyword); }
  warning(message: string, keyword?: string): void { this.add('warning', message, keyword); }
  notice(message: string, keyword?: string): void { this.add('notice', message, keyword); }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error' || d.severity === 'fatal');
  }

  /** Who runs a script or owns a FIFO: `own` if given, else the default script user. */
  credentials(own: UserSpec | undefined): CredentialsResult {
    return this.users.forScript(own);
  }

  /**
   * A configured script, checked and ready to run (core/scripts checkConfiguredScripts, the
   * same check `-t` makes); undefined, with keepalived's messages, when it may not run.
   * `use`: notify scripts must be executables; track scripts may also be `</path`.
   * `name`: what logs call it (a vrrp_script's name); default the command line.
   */
  script(cmd: ScriptCommand, use: 'notify' | 'command', what: string, options: { name?: string; user?: UserSpec } = {}): ScriptToRun | undefined {
    const user = options.user ?? (cmd.user !== undefined ? userSpec(cmd.user, cmd.group) : undefined);
    const checked = checkConfiguredScripts(
      [{ script: { argv: cmd.argv, ...(user ?? {}) }, field: use === 'notify' ? 'notify' : 'script', what }],
      this.users,
      this.env.searchPath,
    ).scripts[0]!;
    if (checked.check) this.checks.push(checked.check);
    for (const m of checked.messages) this.warning(m, keywordOf(what));
    return checked.run && { ...checked.run, name: options.name ?? joinCommand(cmd.argv) };
  }

  /** After every script was checked: keepalived's SECURITY VIOLATION line, if it applies. */
  finishScripts(): void {
    const line = securityViolation(this.checks, this.global.enableScriptSecurity);
    if (line) this.add('security', line);
  }
}

export function userSpec(user: string, group: string | undefined): UserSpec {
  return group === undefined ? { user } : { user, group };
}

/** "notify_master of VI_1" → notify_master; "vrrp_script chk" → vrrp_script. */
function keywordOf(what: string): string {
  return what.split(' ')[0] ?? what;
}
