/**
 * The checks that need the running system, after a successful compile: each
 * fragment's checkEnvironment (interfaces exist, users exist, …) and script
 * security over every configured script — keepalived's "SECURITY VIOLATION"
 * (`-t` exit 6), unsafe or missing scripts, unknown script users.
 *
 * Kept apart from the compiler so the compiler stays pure and `--diff` or
 * tests can compile without touching the host.
 */
import { checkScript, securityViolation, ScriptUsers, systemAccounts, type AccountLookup, type Credentials, type ScriptCheck } from '../core/scripts/index.js';
import type { CompileOutput } from './compile.js';
import type { HostEnvironment } from './fragment.js';
import { fragments } from './root.js';

export interface EnvironmentOptions {
  readonly accounts?: AccountLookup;
  /** The daemon's own ids (keepalived's our_uid/our_gid). */
  readonly self?: Credentials;
  readonly searchPath?: string;
}

export function checkEnvironment(result: CompileOutput, host: HostEnvironment, options: EnvironmentOptions = {}): void {
  const { config, diagnostics: diags, locations } = result;
  for (const f of fragments) f.checkEnvironment?.(config, { host, diags, locations });

  const scriptSecurity = config.global.enableScriptSecurity;
  const users = new ScriptUsers({
    scriptSecurity,
    ...(config.global.scriptUser ? { scriptUser: config.global.scriptUser } : {}),
    self: options.self ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    accounts: options.accounts ?? systemAccounts,
  });
  const checks: ScriptCheck[] = [];
  for (const use of fragments.flatMap((f) => f.scripts?.(config) ?? [])) {
    const loc = locations.get(use.owner, use.field);
    const own = use.script.user !== undefined ? { user: use.script.user, ...(use.script.group !== undefined ? { group: use.script.group } : {}) } : undefined;
    const who = users.forScript(own);
    if (!who.ok) {
      diags.error(`${use.what}: ${who.message}`, loc);
      continue;
    }
    const check = checkScript(use.script.argv, {
      uid: who.uid,
      gid: who.gid,
      scriptSecurity,
      ...(options.searchPath !== undefined ? { searchPath: options.searchPath } : {}),
    });
    // keepalived logs these (path search, unsafe permissions, missing files)
    // without failing -t; they are shown, and the exit code stays keepalived's.
    for (const message of check.messages) diags.notice(`${use.what}: ${message}`, loc);
    checks.push(check);
  }
  const violation = securityViolation(checks, scriptSecurity);
  if (violation) diags.security(violation);
}
