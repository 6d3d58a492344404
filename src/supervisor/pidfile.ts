/**
 * Pid files: where they go, writing them, and refusing a second daemon.
 *
 * Names (core/main.c keepalived_main and core/pidfile.c, 2.2.7 code, which
 * differs from the man page):
 *   - `-p/-r/-c/-b FILE` always win, for the parent/vrrp/checker/bfd files;
 *   - with `instance NAME`: /run/keepalived/keepalived_NAME.pid,
 *     vrrp_NAME.pid, checkers_NAME.pid, bfd_NAME.pid;
 *   - with `use_pid_dir`, `instance` or a network namespace:
 *     /run/keepalived/keepalived.pid, vrrp.pid, checkers.pid, bfd.pid;
 *   - otherwise /run/keepalived.pid, /run/vrrp.pid, /run/checkers.pid,
 *     /run/bfd.pid (man8 says /run/keepalived_vrrp.pid etc.; the code, and
 *     the strings in Debian's binary, say /run/vrrp.pid).
 * With a network namespace keepalived bind-mounts /run/keepalived/NETNS onto
 * /run/keepalived in a private mount namespace, so from the rest of the
 * system the files are in /run/keepalived/NETNS/. A multi-threaded process
 * cannot enter a new mount namespace (unshare(CLONE_NEWNS) needs an unshared
 * filesystem context, and Node has threads), so we write them directly at
 * that outside path: same place for everyone outside the namespace.
 *
 * A daemon is "already running" (pidfile.c keepalived_running) when the
 * parent's file, or the file of any child this mode would run, names a live
 * process. A file naming a dead process is stale: it is removed ("Remove a
 * zombie pid file") and start-up continues. A file that cannot be parsed is
 * removed too, but counts as running this once (keepalived: "we don't know").
 * keepalived treats any kill(pid, 0) failure as dead; we treat only ESRCH as
 * dead (EPERM means the process exists).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, unlinkSync, writeSync, constants as fsConstants } from 'node:fs';
import type { LogPort } from '../core/log-port.js';
import type { ChildRole, DaemonMode } from './roles.js';

export interface PidFileNames {
  readonly main: string;
  readonly vrrp: string;
  readonly checker: string;
  readonly bfd: string;
}

export interface PidFileOptions {
  /** `-p`, `-r`, `-c`, `-b`. */
  readonly overrides?: Partial<PidFileNames>;
  /** top-level `instance NAME`. */
  readonly instance?: string;
  /** `net_namespace NAME` or `-s NAME`. */
  readonly netns?: string;
  /** top-level `use_pid_dir`. */
  readonly usePidDir?: boolean;
  /** RUNSTATEDIR; /run. */
  readonly runDir?: string;
}

/** The directory keepalived creates for pid files, as seen from outside any mount namespace. */
export function pidDirectory(opts: PidFileOptions): string | undefined {
  const runDir = opts.runDir ?? '/run';
  if (!(opts.usePidDir || opts.instance !== undefined || opts.netns !== undefined)) return undefined;
  return opts.netns !== undefined ? `${runDir}/keepalived/${opts.netns}` : `${runDir}/keepalived`;
}

export function pidFileNames(opts: PidFileOptions): PidFileNames {
  const runDir = opts.runDir ?? '/run';
  const dir = pidDirectory(opts);
  const stem = { main: 'keepalived', vrrp: 'vrrp', checker: 'checkers', bfd: 'bfd' } as const;
  const name = (k: keyof PidFileNames): string => {
    const given = opts.overrides?.[k];
    if (given !== undefined) return given;
    if (dir === undefined) return `${runDir}/${stem[k]}.pid`;
    return opts.instance !== undefined ? `${dir}/${stem[k]}_${opts.instance}.pid` : `${dir}/${stem[k]}.pid`;
  };
  return { main: name('main'), vrrp: name('vrrp'), checker: name('checker'), bfd: name('bfd') };
}

/** Creates the pid directory (and its parent) with mode 0755 whatever the umask. */
export function createPidDirectory(dir: string, log: LogPort): boolean {
  const old = process.umask(0o022);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return true;
  } catch (err) {
    log.info(`Unable to create directory ${dir} (${(err as NodeJS.ErrnoException).code})`);
    return false;
  } finally {
    process.umask(old);
  }
}

/** Removes the directory if it is empty, as remove_pid_dir() does. */
export function removePidDirectory(dir: string, log: LogPort): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EBUSY' && code !== 'ENOENT') log.info(`unlink of ${dir} failed - error ${code}`);
  }
}

/** Writes "PID\n" with mode 0644, refusing to follow a symlink. */
export function writePidFile(path: string, pid: number, log: LogPort): boolean {
  const old = process.umask(0o022);
  let fd: number | undefined;
  try {
    fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW, 0o644);
    writeSync(fd, `${pid}\n`);
    return true;
  } catch (err) {
    log.info(`pidfile_write : Cannot open ${path} pidfile (${(err as NodeJS.ErrnoException).code})`);
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    process.umask(old);
  }
}

export function removePidFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The pid a file names, or undefined when absent or unreadable. */
export function readPidFile(path: string): number | undefined {
  try {
    const m = /^\s*(\d+)/.exec(readFileSync(path, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** pidfile.c process_running(): true when the file names a live process. */
export function pidFileInUse(path: string, log: LogPort): boolean {
  if (!existsSync(path)) return false;
  const pid = readPidFile(path);
  if (pid === undefined) {
    log.info(`Error reading pid file ${path}`);
    removePidFile(path);
    return true;
  }
  if (pid === 0) return true;
  if (!processExists(pid)) {
    log.info(`Remove a zombie pid file ${path}`);
    removePidFile(path);
    return false;
  }
  return true;
}

/** pidfile.c keepalived_running(): the parent's file, then those of the children this mode runs. */
export function daemonAlreadyRunning(names: PidFileNames, mode: DaemonMode, log: LogPort): boolean {
  if (pidFileInUse(names.main, log)) return true;
  const roles: ChildRole[] = ['vrrp', 'checker', 'bfd'];
  return roles.some((role) => mode[role] && pidFileInUse(names[role], log));
}
