/**
 * global_defs: who scripts run as and the scripts the parent runs once at
 * start and stop (keepalived core/global_parser.c, lib/notify.c; census §3.2
 * "Scripts / security").
 *
 * script_user sets the default user for every script that names none; when it
 * is absent keepalived uses `keepalived_script` if that user exists, else the
 * user keepalived runs as. Which user that turns out to be, and whether a
 * script run as root is safe (enable_script_security), depends on the running
 * system, so the compiler records only what the file says; `checkEnvironment`
 * checks that the named user and group exist.
 *
 * startup_script / shutdown_script may each be given once (keepalived reports
 * a second one and keeps the first). Their timeouts are whole seconds, 1..1000,
 * default 10.
 */
import type { EnvironmentContext, ScriptUse } from '../fragment.js';
import { keywordsFor } from '../schema/define.js';
import { scriptCommand, type ScriptCommand } from '../schema/script-values.js';
import { wholeSeconds } from '../schema/values.js';
import { onlyOnce, userGroup, type UserGroup } from './area-values.js';
import { defineGlobalArea } from './area.js';

export interface ScriptGlobals {
  /** Default user (and group) for scripts that name none; undefined = keepalived_script or the daemon's user. */
  scriptUser?: UserGroup;
  /** Refuse to run scripts as root when a non-root user could change them. */
  enableScriptSecurity: boolean;
  /** Give scripts the supplementary groups of their user (keepalived 2.4+). */
  setSupplementaryGroups: boolean;
  /** Keep symbolic links in script paths instead of resolving them (keepalived 2.3+). */
  useSymlinkPaths: boolean;
  /** Run by the parent before any child starts. */
  startupScript?: ScriptCommand;
  /** Time the startup script may run before it is killed, ms (whole seconds). */
  startupScriptTimeoutMs: number;
  /** Run by the parent after every child has stopped. */
  shutdownScript?: ScriptCommand;
  shutdownScriptTimeoutMs: number;
}

const k = keywordsFor<ScriptGlobals>();
const command = scriptCommand({ withUser: true });

export const scriptsArea = defineGlobalArea<ScriptGlobals>({
  name: 'scripts and security',
  create: () => ({
    enableScriptSecurity: false,
    setSupplementaryGroups: false,
    useSymlinkPaths: false,
    startupScriptTimeoutMs: 10_000,
    shutdownScriptTimeoutMs: 10_000,
  }),
  keywords: [
    k.scalar('script_user', userGroup, 'scriptUser', {
      tag: 'COMMON',
      doc: 'Default user (and group) to run scripts as.',
      default: 'keepalived_script if it exists, else the daemon user',
    }),
    k.flag('enable_script_security', 'enableScriptSecurity', {
      tag: 'COMMON',
      doc: 'Do not run a script as root if a non-root user could modify any part of its path.',
      noArg: true,
    }),
    k.flag('set_supplementary_groups', 'setSupplementaryGroups', {
      tag: 'RARE',
      doc: "Run scripts with their user's supplementary groups as well.",
      since: '2.4',
    }),
    k.flag('use_symlink_paths', 'useSymlinkPaths', { tag: 'RARE', doc: 'Keep symbolic links in script paths rather than resolving them.', since: '2.3' }),
    onlyOnce(
      k.scalar('startup_script', command, 'startupScript', { tag: 'RARE', doc: 'Script the parent runs once before starting the children.' }),
      (m) => m.startupScript !== undefined,
      'startup script already specified',
    ),
    k.scalar('startup_script_timeout', wholeSeconds(1, 1000), 'startupScriptTimeoutMs', { tag: 'RARE', doc: 'Seconds the startup script may run before it is killed.', default: '10' }),
    onlyOnce(
      k.scalar('shutdown_script', command, 'shutdownScript', { tag: 'RARE', doc: 'Script the parent runs once after the children have stopped.' }),
      (m) => m.shutdownScript !== undefined,
      'shutdown script already specified',
    ),
    k.scalar('shutdown_script_timeout', wholeSeconds(1, 1000), 'shutdownScriptTimeoutMs', { tag: 'RARE', doc: 'Seconds the shutdown script may run before it is killed.', default: '10' }),
  ],
  scripts(g): ScriptUse[] {
    const out: ScriptUse[] = [];
    if (g.startupScript) out.push({ script: g.startupScript, owner: g, field: 'startupScript', what: 'startup_script' });
    if (g.shutdownScript) out.push({ script: g.shutdownScript, owner: g, field: 'shutdownScript', what: 'shutdown_script' });
    return out;
  },
  checkEnvironment(g, ctx: EnvironmentContext) {
    if (!g.scriptUser) return;
    const loc = ctx.locations.get(g, 'scriptUser');
    // keepalived: "Error setting global script uid/gid" (a config error).
    if (!ctx.host.userExists(g.scriptUser.user)) {
      ctx.diags.error(`Error setting global script uid/gid: no user '${g.scriptUser.user}'`, loc, 'script_user');
    } else if (g.scriptUser.group !== undefined && !ctx.host.groupExists(g.scriptUser.group)) {
      ctx.diags.error(`Error setting global script uid/gid: no group '${g.scriptUser.group}'`, loc, 'script_user');
    }
  },
});
