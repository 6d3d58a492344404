/**
 * Is a configured script usable, and is it safe to run as root?
 *
 * This is keepalived's check_script_secure() (lib/notify.c, 2.2.7), done when
 * a config is loaded, in the process that will run the script:
 *
 *  1. `</path` is keepalived's file-open test: nothing to execute, always
 *     usable by track/check scripts (never by notify scripts).
 *  2. A bare name (no `/`) is searched in $PATH (or /bin:/usr/bin), taking
 *     the first regular file executable by the script's uid/gid, with the
 *     warning keepalived gives ("Please specify full path").
 *  3. The path is canonicalised (realpath). If the link's own file name
 *     differs from the target's, keepalived keeps the original name in the
 *     canonical directory when that names the same file (some programs act
 *     on argv[0]) and then checks both paths.
 *  4. The final file must be executable by the script's uid/gid.
 *  5. Only when the script will run with root power (uid 0, gid 0, or a
 *     set-uid/set-gid root file) is every component of the path examined,
 *     from `/` down, without following links: each must be owned by root; a
 *     directory without the sticky bit, or the file itself, must not be
 *     writable by a non-root group or by everyone; intermediate components
 *     must be directories and the last a file or a link. A failure marks the
 *     script insecure; with enable_script_security an insecure script is
 *     refused. The messages keep keepalived's wording (operators grep for
 *     it) and add the exact reason, e.g.
 *       Unsafe permissions found for script '/tmp/x.sh' - disabling:
 *       /tmp/x.sh is writable by every user (mode 0777)
 *
 * Differences from keepalived, forced by Node having no seteuid() for one
 * call (changing the euid of a multi-threaded process changes it for every
 * thread): the PATH search and realpath run with the daemon's own rights,
 * and only the final file's mode is checked against the script's uid/gid.
 * A directory the script user cannot search is therefore found here and
 * fails at run time instead (reported as an error result, never a crash).
 */
import { lstatSync, openSync, readSync, closeSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileTestPath } from './command.js';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const NAME_MAX = 255;
/** glibc's confstr(_CS_PATH), used when PATH is unset. */
const DEFAULT_PATH = '/bin:/usr/bin';

export interface ScriptFlags {
  /** A real executable file was found (keepalived SC_ISSCRIPT). */
  readonly isScript: boolean;
  /** Some path component is writable by non-root (SC_INSECURE). */
  readonly insecure: boolean;
  /** Must not run (SC_INHIBIT): insecure under script security, or a wrong file type. */
  readonly inhibit: boolean;
  /** The script or a path component cannot be found (SC_NOTFOUND). */
  readonly notFound: boolean;
  /** Executable by the script's uid/gid (SC_EXECUTABLE). */
  readonly executable: boolean;
  /** The `</path` open test (SC_SYSTEM). */
  readonly fileTest: boolean;
}

export interface ScriptCheck {
  /** argv with argv[0] replaced by the path that will be executed. */
  readonly argv: readonly string[];
  /** For the `</path` form, the path to open. */
  readonly fileTestPath?: string;
  readonly flags: ScriptFlags;
  /** Lines to log, in order (warnings and the reason for any refusal). */
  readonly messages: readonly string[];
}

export interface ScriptCheckOptions {
  readonly uid: number;
  readonly gid: number;
  /** global_defs enable_script_security. */
  readonly scriptSecurity: boolean;
  /** The PATH for bare names; defaults to process.env.PATH. */
  readonly searchPath?: string;
}

/** keepalived's is_executable(): root may run anything with any x bit. */
export function isExecutableBy(st: Pick<Stats, 'mode' | 'uid' | 'gid'>, uid: number, gid: number): boolean {
  if (uid === 0) return (st.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (uid === st.uid) return (st.mode & S_IXUSR) !== 0;
  if (gid === st.gid) return (st.mode & S_IXGRP) !== 0;
  return (st.mode & S_IXOTH) !== 0;
}

function mode(st: Stats): string {
  return `mode 0${(st.mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

type PathSearch = { ok: true; path: string } | { ok: false; message: string };

/** glibc execvp()'s search, as keepalived's find_path() copies it. */
function searchPath(name: string, searchPathValue: string, uid: number, gid: number): PathSearch {
  if (name === '' || name.length > NAME_MAX) return { ok: false, message: `Cannot find script ${name} in path - disabling` };
  let deniedOnly = false;
  for (const dir of searchPathValue.split(':')) {
    const candidate = dir === '' ? name : `${dir}/${name}`;
    let st: Stats;
    try {
      st = statSync(candidate);
    } catch (err) {
      if (['ENOENT', 'ENOTDIR', 'EACCES', 'ESTALE', 'ENODEV', 'ETIMEDOUT', 'ELOOP'].includes(errCode(err))) continue;
      return { ok: false, message: `Cannot find script ${name} in path - disabling (${candidate}: ${errCode(err)})` };
    }
    if (st.isFile() && isExecutableBy(st, uid, gid)) return { ok: true, path: candidate };
    deniedOnly = true;
  }
  return {
    ok: false,
    message: deniedOnly
      ? `Permissions failure for script ${name} in path - disabling (found, but not an executable regular file for uid:gid ${uid}:${gid})`
      : `Cannot find script ${name} in path - disabling`,
  };
}

interface PathVerdict {
  readonly insecure: boolean;
  readonly inhibit: boolean;
  readonly notFound: boolean;
  readonly message?: string;
}

/** Why one path component lets a non-root user change what runs, or undefined. */
function unsafeReason(path: string, st: Stats): string | undefined {
  if (st.uid !== 0) return `${path} is owned by uid ${st.uid}, not root (${mode(st)})`;
  const guarded = st.isDirectory() ? (st.mode & S_ISVTX) === 0 : st.isFile();
  if (!guarded) return undefined;
  const what = st.isDirectory() ? `directory ${path}` : path;
  const sticky = st.isDirectory() ? ' and has no sticky bit' : '';
  if (st.mode & S_IWOTH) return `${what} is writable by every user${sticky} (${mode(st)})`;
  if (st.gid !== 0 && st.mode & S_IWGRP) return `${what} is writable by group ${st.gid}${sticky} (${mode(st)})`;
  return undefined;
}

/** keepalived's check_security(): every component of `file`, from `/` down. */
function checkPathSecurity(file: string, scriptSecurity: boolean): PathVerdict {
  const parts = file.split('/');
  const prefixes: string[] = [];
  if (file.startsWith('/')) prefixes.push('/');
  for (let i = file.startsWith('/') ? 1 : 0; i < parts.length; i++) {
    const p = parts.slice(0, i + 1).join('/');
    if (p !== '' && p !== '/') prefixes.push(p);
  }
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    const last = i === prefixes.length - 1;
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (err) {
      return {
        insecure: false,
        inhibit: false,
        notFound: true,
        message: `check_script_secure could not find script '${file}' - disabling (${p}: ${errCode(err)})`,
      };
    }
    if ((!last && !st.isDirectory()) || (last && !st.isFile() && !st.isSymbolicLink())) {
      const why = last ? `${p} is not a regular file or symbolic link` : `${p} is not a directory`;
      return { insecure: false, inhibit: true, notFound: false, message: `Wrong file type found in script path '${file}': ${why}.` };
    }
    const reason = unsafeReason(p, st);
    if (reason) {
      return {
        insecure: true,
        inhibit: scriptSecurity,
        notFound: false,
        message: `Unsafe permissions found for script '${file}'${scriptSecurity ? ' - disabling' : ''}: ${reason}`,
      };
    }
  }
  return { insecure: false, inhibit: false, notFound: false };
}

/** True when the file starts with `#!` or is an ELF binary (what libmagic would call executable). */
function hasExecFormat(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return (n >= 2 && head[0] === 0x23 && head[1] === 0x21) || (n === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])));
  } catch {
    return true; // unreadable by us: leave the verdict to exec
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const NO_FLAGS: ScriptFlags = {
  isScript: false,
  insecure: false,
  inhibit: false,
  notFound: false,
  executable: false,
  fileTest: false,
};

/** Runs the checks above on one parsed command. Never throws. */
export function checkScript(argvIn: readonly string[], opts: ScriptCheckOptions): ScriptCheck {
  const argv = [...argvIn];
  const messages: string[] = [];
  const name = argv[0] ?? '';

  const openTest = fileTestPath(name);
  if (openTest !== undefined) {
    return { argv, fileTestPath: openTest, flags: { ...NO_FLAGS, fileTest: true }, messages };
  }

  if (!name.includes('/')) {
    const found = searchPath(name, opts.searchPath ?? process.env.PATH ?? DEFAULT_PATH, opts.uid, opts.gid);
    if (!found.ok) return { argv, flags: { ...NO_FLAGS, notFound: true }, messages: [found.message] };
    messages.push(`WARNING - script \`${name}\` resolved by path search to \`${found.path}\`. Please specify full path.`);
    argv[0] = found.path;
  }

  let canonical: string;
  try {
    canonical = realpathSync(argv[0]!);
  } catch (err) {
    messages.push(`Script ${argv[0]} cannot be accessed - ${errCode(err)}`);
    return { argv, flags: { ...NO_FLAGS, notFound: true }, messages };
  }

  let realFile: string | undefined;
  let execPath = canonical;
  if (canonical !== argv[0] && basename(canonical) !== basename(argv[0]!)) {
    const keepName = `${dirname(canonical) === '/' ? '' : dirname(canonical)}/${basename(argv[0]!)}`;
    try {
      const a = statSync(canonical);
      const b = statSync(keepName);
      if (a.dev === b.dev && a.ino === b.ino) {
        execPath = keepName;
        realFile = canonical;
      }
    } catch {
      // keepName does not exist: run the canonical file
    }
  }
  argv[0] = execPath;

  let st: Stats;
  try {
    st = statSync(realFile ?? execPath);
  } catch (err) {
    messages.push(`Unable to access script \`${execPath}\` - disabling (${errCode(err)})`);
    return { argv, flags: { ...NO_FLAGS, notFound: true }, messages };
  }

  const executable = st.isFile() && isExecutableBy(st, opts.uid, opts.gid);
  if (!executable) {
    messages.push(`WARNING - script '${execPath}' is not executable for uid:gid ${opts.uid}:${opts.gid} - disabling.`);
  } else if (!hasExecFormat(realFile ?? execPath)) {
    messages.push(`Please add a #! shebang to script ${execPath} (it will be run by /bin/sh)`);
  }

  const rootPower =
    opts.uid === 0 ||
    opts.gid === 0 ||
    (st.uid === 0 && (st.mode & S_IXUSR) !== 0 && (st.mode & S_ISUID) !== 0) ||
    (st.gid === 0 && (st.mode & S_IXGRP) !== 0 && (st.mode & S_ISGID) !== 0);

  let verdict: PathVerdict = { insecure: false, inhibit: false, notFound: false };
  if (executable && rootPower) {
    for (const path of realFile ? [execPath, realFile] : [execPath]) {
      const v = checkPathSecurity(path, opts.scriptSecurity);
      if (v.message) messages.push(v.message);
      verdict = {
        insecure: verdict.insecure || v.insecure,
        inhibit: verdict.inhibit || v.inhibit,
        notFound: verdict.notFound || v.notFound,
      };
    }
  }

  return {
    argv,
    flags: { ...NO_FLAGS, isScript: true, executable, ...verdict },
    messages,
  };
}

/**
 * Whether a checked script may run. Notify scripts must be executables
 * (keepalived check_notify_script_secure); track, check, startup and
 * shutdown scripts may also be the `</path` open test.
 */
export function scriptUsable(check: ScriptCheck, use: 'notify' | 'command'): boolean {
  const f = check.flags;
  if (f.inhibit || f.notFound) return false;
  return use === 'notify' ? f.executable : f.executable || f.fileTest;
}

/**
 * keepalived's summary line after checking one process's scripts, or
 * undefined: scripts run while enable_script_security is off (`-t` turns
 * this into its security exit code).
 */
export function securityViolation(checks: readonly ScriptCheck[], scriptSecurity: boolean, what = 'scripts'): string | undefined {
  if (scriptSecurity || !checks.some((c) => c.flags.isScript)) return undefined;
  const insecure = checks.some((c) => c.flags.insecure) ? ' There are insecure scripts.' : '';
  return `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.${insecure}`;
}
