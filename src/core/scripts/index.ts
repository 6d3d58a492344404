/**
 * The script runner used by notify scripts, vrrp_script, MISC_CHECK, quorum
 * scripts and startup/shutdown scripts. Typical use, when a config loads:
 *
 *   const users = new ScriptUsers({ scriptSecurity, scriptUser, self, accounts: systemAccounts });
 *   const split = splitScriptCommand(word.text);            // argv
 *   const who = users.forScript(perScriptUser);              // uid/gid
 *   const check = checkScript(split.argv, { uid, gid, scriptSecurity });
 *   check.messages.forEach(log.info);
 *   if (scriptUsable(check, 'command')) tracked = new TrackedScript(runner, { name, ...check, uid, gid }, { timeoutMs }, log);
 *
 * and `securityViolation(allChecks, scriptSecurity)` for keepalived's
 * SECURITY VIOLATION line (and `-t`'s exit code). checkConfiguredScripts()
 * does all of that for every script a config lists (fragments' scripts()).
 */
export { splitScriptCommand, formatScriptCommand, fileTestPath, type CommandSplit } from './command.js';
export {
  ScriptUsers,
  systemAccounts,
  type Account,
  type AccountLookup,
  type Credentials,
  type CredentialsResult,
  type CredentialSource,
  type ScriptUserPolicy,
  type UserSpec,
} from './accounts.js';
export { checkScript, scriptUsable, securityViolation, isExecutableBy, type ScriptCheck, type ScriptCheckOptions, type ScriptFlags } from './security.js';
export { scriptEnvironment, planLaunch, type LaunchContext, type LaunchPlan } from './launch.js';
export { ScriptRunner, type ScriptResult, type ScriptRun, type ScriptToRun, type RunOptions, type RunState, type ScriptRunnerOptions } from './runner.js';
export { TrackedScript, type TrackedResult } from './tracked.js';
export { checkConfiguredScripts, type CheckedScript, type CheckedScripts, type ConfiguredScriptUse } from './configured.js';
