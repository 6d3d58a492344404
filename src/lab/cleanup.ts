/**
 * Names of the lab's namespaces and temp directories, stale-lab removal, and
 * the last-resort cleanup.
 *
 * Naming: everything a lab makes carries `kalab-<pid>-` (the pid of the lab
 * process): namespaces `kalab-<pid>-sw|r1|r2|client`, the temp directory
 * `/tmp/kalab-<pid>-XXXXXX`. Several labs can run side by side, and a lab
 * killed with SIGKILL (which no handler sees) is recognised at the next start:
 * its pid no longer runs a lab. Only names matching this exact pattern are
 * ever removed; other namespaces on the machine are never looked at twice.
 *
 * Every process a lab starts lives inside one of its namespaces (daemons and
 * ping through `ip netns exec`, monitors through `ip -n`, which enters the
 * namespace itself), so `ip netns pids` on a stale namespace finds exactly
 * what that lab left running, and nothing else.
 *
 * The normal teardown is Lab.destroy() (orderly, awaited). This module covers
 * the paths where it never completes: an uncaught exception, process.exit()
 * from somewhere, a second Ctrl-C. It removes whatever the register (`made`,
 * process.ts) still holds, synchronously.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcessGroupSync, made, signalQuietly } from './process.js';

/** The namespace roles of one lab, in the order they are built. */
export const NAMESPACE_ROLES = ['sw', 'r1', 'r2', 'client'] as const;
export type NamespaceRole = (typeof NAMESPACE_ROLES)[number];

const NAMESPACE_NAME = /^kalab-(\d+)-(sw|r1|r2|client)$/;
/** mkdtemp appends six characters. */
const DIRECTORY_NAME = /^kalab-(\d+)-[A-Za-z0-9]{6}$/;

export function labPrefix(pid = process.pid): string {
  return `kalab-${pid}-`;
}

export function namespaceName(role: NamespaceRole, pid = process.pid): string {
  return `${labPrefix(pid)}${role}`;
}

/** The lab pid a namespace or directory name belongs to, or null if it is not a lab's. */
export function labPidOf(name: string, kind: 'namespace' | 'directory'): number | null {
  const match = (kind === 'namespace' ? NAMESPACE_NAME : DIRECTORY_NAME).exec(name);
  return match ? Number(match[1]) : null;
}

/** True when `pid` is a running lab (its command line runs lab/main.js). */
export function isLabRunning(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((arg) => arg.endsWith('lab/main.js'));
  } catch {
    return false;
  }
}

export function listNamespacesSync(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/** Pids of every process inside a namespace. */
export function namespacePidsSync(name: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/\s+/).filter(Boolean).map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid);
  } catch {
    return [];
  }
}

/** Freezes, then kills, everything inside a namespace of ours, then deletes it. */
export function removeNamespaceSync(name: string): void {
  const pids = namespacePidsSync(name);
  for (const pid of pids) signalQuietly(pid, 'SIGSTOP');
  for (const pid of pids) signalQuietly(pid, 'SIGKILL');
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
  made.namespaces.delete(name);
}

export interface StaleLabs {
  namespaces: string[];
  directories: string[];
}

/** Namespaces and temp directories left by labs whose process no longer runs. */
export function findStaleLabs(): StaleLabs {
  const stale = (pid: number | null) => pid !== null && pid !== process.pid && !isLabRunning(pid);
  const namespaces = listNamespacesSync().filter((name) => stale(labPidOf(name, 'namespace')));
  let directories: string[] = [];
  try {
    directories = readdirSync(tmpdir()).filter((name) => stale(labPidOf(name, 'directory'))).map((name) => join(tmpdir(), name));
  } catch {
    // No readable temp directory: nothing of ours can be there.
  }
  return { namespaces, directories };
}

/** Removes what stale labs left; returns what it removed. */
export function removeStaleLabsSync(): StaleLabs {
  const stale = findStaleLabs();
  for (const name of stale.namespaces) removeNamespaceSync(name);
  for (const dir of stale.directories) rmSync(dir, { recursive: true, force: true });
  return stale;
}

/** Removes everything still registered, synchronously. Idempotent. */
export function cleanupAllSync(): void {
  for (const pgid of [...made.groups]) killProcessGroupSync(pgid);
  for (const name of [...made.namespaces]) removeNamespaceSync(name);
  for (const dir of [...made.directories]) {
    rmSync(dir, { recursive: true, force: true });
    made.directories.delete(dir);
  }
}

let installed = false;

/**
 * The last resort: on exit, and on an exception nothing caught, remove what
 * is registered. Signals are main.ts's business (they get the orderly path).
 */
export function installLastResortCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAllSync);
  const fatal = (error: unknown) => {
    process.stderr.write(`\nlab: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    cleanupAllSync();
    process.exit(70);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
