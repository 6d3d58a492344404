/**
 * Every script of a loaded config, checked at once: what `-t` reports and
 * what each process does when it loads its config (keepalived's
 * check_vrrp_script_security, check_check_script_security and the start/stop
 * script checks).
 *
 * The caller lists the scripts (the config fragments' `scripts()` hooks give
 * ScriptUse records; this module only needs their shape). For each: who it
 * runs as (accounts.ts rules), then checkScript() (security.ts); the script
 * is usable or not, with keepalived's messages prefixed by what it is
 * ("vrrp_script chk_haproxy: ..."). Notify scripts (fields named notify*)
 * must be executables; the others may also be keepalived's `</path` test.
 * At the end, keepalived's SECURITY VIOLATION line when scripts would run
 * without enable_script_security.
 */
import type { ScriptUsers } from './accounts.js';
import type { ScriptToRun } from './runner.js';
import { checkScript, scriptUsable, securityViolation, type ScriptCheck } from './security.js';

/** The parts of a config's ScriptUse this module reads. */
export interface ConfiguredScriptUse {
  readonly script: { readonly argv: readonly string[]; readonly user?: string; readonly group?: string };
  /** The model field holding it; notify scripts are fields named notify*. */
  readonly field: string;
  /** "vrrp_script chk_haproxy", "notify_master of VI_1". */
  readonly what: string;
}

export interface CheckedScript<U extends ConfiguredScriptUse = ConfiguredScriptUse> {
  readonly use: U;
  /** Ready to run, or undefined when the script is disabled. */
  readonly run?: ScriptToRun;
  readonly check?: ScriptCheck;
  /** Log lines, in order, each prefixed with `use.what`. */
  readonly messages: readonly string[];
}

export interface CheckedScripts<U extends ConfiguredScriptUse = ConfiguredScriptUse> {
  readonly scripts: ReadonlyArray<CheckedScript<U>>;
  /** keepalived's SECURITY VIOLATION line, when due (`-t` turns it into its security exit code). */
  readonly violation?: string;
}

export function checkConfiguredScripts<U extends ConfiguredScriptUse>(uses: readonly U[], users: ScriptUsers, searchPath?: string): CheckedScripts<U> {
  const scriptSecurity = users.policy.scriptSecurity;
  const scripts = uses.map((use): CheckedScript<U> => {
    const s = use.script;
    const who = users.forScript(s.user !== undefined ? { user: s.user, ...(s.group !== undefined ? { group: s.group } : {}) } : undefined);
    if (!who.ok) return { use, messages: [`${use.what}: ${who.message} - disabling`] };
    const check = checkScript(s.argv, { uid: who.uid, gid: who.gid, scriptSecurity, ...(searchPath !== undefined ? { searchPath } : {}) });
    const messages = check.messages.map((m) => `${use.what}: ${m}`);
    if (!scriptUsable(check, use.field.startsWith('notify') ? 'notify' : 'command')) {
      return { use, check, messages: [...messages, `${use.what}: disabled`] };
    }
    const run: ScriptToRun = {
      name: use.what,
      argv: check.argv,
      uid: who.uid,
      gid: who.gid,
      ...(check.fileTestPath !== undefined ? { fileTestPath: check.fileTestPath } : {}),
    };
    return { use, run, check, messages };
  });
  const violation = securityViolation(
    scripts.flatMap((c) => (c.check ? [c.check] : [])),
    scriptSecurity,
  );
  return { scripts, ...(violation !== undefined ? { violation } : {}) };
}
