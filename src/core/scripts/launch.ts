/**
 * How a script process is started: the exec chain and its environment.
 *
 * keepalived forks, then in the child: drops to the script's gid, sets the
 * supplementary groups to that gid alone, drops to the uid, restores default
 * signal dispositions, points stdio at /dev/null, setpgid(0, 0), sets
 * PR_SET_PDEATHSIG(SIGTERM) so the script dies with keepalived, and execve()s
 * with keepalived's environment (upstream HEAD also unsets IFS, LD_PRELOAD
 * and LD_LIBRARY_PATH first).
 *
 * Node's spawn() forks and execs in libuv, so nothing of ours can run
 * between the two. We get the same result this way:
 *   - `detached: true` makes libuv call setsid(): a new session, hence a new
 *     process group whose id is the script's pid (what setpgid(0,0) gave);
 *     libuv also resets signal dispositions and the signal mask;
 *   - `stdio: 'ignore'` is /dev/null;
 *   - setpriv(1) from util-linux, exec'd first, sets the parent-death signal
 *     and the uid/gid/groups, then execs the script: the pid stays the same.
 *     Without setpriv on the machine, spawn()'s own uid/gid options switch
 *     the user (supplementary groups then become empty rather than [gid],
 *     which grants the same access) and scripts do not get a parent-death
 *     signal; the runner logs this once.
 *   - for scripts run by the parent while the daemon uses net_namespace,
 *     `ip netns exec NAME` goes first (the children themselves already run
 *     inside the namespace, so their scripts need nothing).
 * The environment is ours minus what must not leak into scripts: the
 * loader/field-splitting variables upstream removes, systemd's per-service
 * variables (only the main process may talk to the notify socket), and
 * Node's IPC variables.
 */
import { accessSync, constants as fsConstants } from 'node:fs';

/** Variables never passed to a script. */
const STRIPPED_ENV = new Set([
  'IFS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'NOTIFY_SOCKET',
  'WATCHDOG_USEC',
  'WATCHDOG_PID',
  'NODE_CHANNEL_FD',
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_UNIQUE_ID',
]);
/** Our own internal variables (daemonising handshake and the like). */
const INTERNAL_PREFIX = 'KEEPALIVED_TS_';

export function scriptEnvironment(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || STRIPPED_ENV.has(k) || k.startsWith(INTERNAL_PREFIX)) continue;
    env[k] = v;
  }
  return env;
}

/** The first executable among candidate paths, or undefined. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      return c;
    } catch {
      // try the next
    }
  }
  return undefined;
}

export const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];
export const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

export interface LaunchContext {
  /** Our effective ids: a script with the same ids needs no switch. */
  readonly self: { readonly uid: number; readonly gid: number };
  /** Path of setpriv, or undefined when the machine has none. */
  readonly setpriv: string | undefined;
  /** Run inside this named network namespace (parent-run scripts only). */
  readonly netns?: string;
  /** Path of ip(8), needed with netns. */
  readonly ip?: string;
}

export interface LaunchPlan {
  readonly file: string;
  readonly args: string[];
  /** Set when spawn() itself must switch user (no setpriv). */
  readonly uid?: number;
  readonly gid?: number;
}

export type LaunchResult = { readonly ok: true; readonly plan: LaunchPlan } | { readonly ok: false; readonly message: string };

/** The exec chain for argv run as uid/gid. Pure. */
export function planLaunch(argv: readonly string[], uid: number, gid: number, ctx: LaunchContext): LaunchResult {
  const switchUser = uid !== ctx.self.uid || gid !== ctx.self.gid;
  let chain: string[];
  let spawnCreds: { uid: number; gid: number } | undefined;
  if (ctx.setpriv) {
    const creds = switchUser ? ['--reuid', String(uid), '--regid', String(gid), '--groups', String(gid)] : [];
    chain = [ctx.setpriv, '--pdeathsig', 'TERM', ...creds, '--', ...argv];
  } else {
    chain = [...argv];
    if (switchUser) spawnCreds = { uid, gid };
  }
  if (ctx.netns !== undefined) {
    if (!ctx.ip) return { ok: false, message: `cannot enter network namespace ${ctx.netns}: ip(8) not found` };
    if (spawnCreds) {
      return {
        ok: false,
        message: `running a script as uid:gid ${uid}:${gid} inside network namespace ${ctx.netns} needs setpriv(1) (util-linux)`,
      };
    }
    chain = [ctx.ip, 'netns', 'exec', ctx.netns, ...chain];
  }
  const [file, ...args] = chain;
  return { ok: true, plan: { file: file!, args, ...spawnCreds } };
}
