/**
 * The checks that need the running system, after a successful compile: each
 * fragment's checkEnvironment (interfaces exist, users exist, …) and script
 * security over every configured script — keepalived's "SECURITY VIOLATION"
 * (`-t` exit 6), unsafe or missing scripts, unknown script users.
 *
 * Kept apart from the compiler so the compiler stays pure and `--diff` or
 * tests can compile without touching the host.
 */
import { checkConfiguredScripts, ScriptUsers, systemAccounts, type AccountLookup, type Credentials } from '../core/scripts/index.js';
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

  const users = new ScriptUsers({
    scriptSecurity: config.global.enableScriptSecurity,
    ...(config.global.scriptUser ? { scriptUser: config.global.scriptUser } : {}),
    self: options.self ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    accounts: options.accounts ?? systemAccounts,
  });
  const uses = fragments.flatMap((f) => f.scripts?.(config) ?? []);
  const { scripts, violation } = checkConfiguredScripts(uses, users, options.searchPath);
  for (const checked of scripts) {
    const loc = locations.get(checked.use.owner, checked.use.field);
    // keepalived logs these (path search, unsafe permissions, missing files,
    // unknown users) without failing -t: shown, exit code unchanged.
    for (const message of checked.messages) diags.notice(message, loc);
  }
  if (violation) diags.security(violation);
}
