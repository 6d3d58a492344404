/**
 * The process-wide list of things labs have made, and the last-resort cleanup.
 *
 * Each Topology records what it creates (namespaces, processes, temp dirs) here
 * as it creates it, and removes the record after destroying the thing. Normal
 * teardown is Topology.destroy(), awaited by the test. This module covers the
 * cases where that never runs: the test process gets SIGINT/SIGTERM (Ctrl-C, the
 * runner's timeout) or exits without destroying a lab. Then it removes
 * everything still recorded, synchronously, since neither a signal handler that
 * is about to re-raise nor an 'exit' handler can wait for promises.
 *
 * Only recorded things are touched: processes by the pid we started, the
 * namespaces by the unique names we gave them, directories we created. Nothing
 * is looked up by name pattern.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { namespacePidsSync } from '../../src/lab/cleanup.js';

export interface Resources {
  /** Namespace names this process created. */
  namespaces: Set<string>;
  /** Pids of processes this process started. */
  pids: Set<number>;
  /** Temporary directories this process created. */
  directories: Set<string>;
}

export const created: Resources = { namespaces: new Set(), pids: new Set(), directories: new Set() };

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

// Pids of every process inside a namespace (`ip netns pids`): in a namespace we made, they are ours.
export { namespacePidsSync };

/** Removes everything still recorded, synchronously. */
export function cleanupAllSync(): void {
  for (const pid of created.pids) killQuietly(pid, 'SIGKILL');
  created.pids.clear();
  for (const name of created.namespaces) {
    for (const pid of namespacePidsSync(name)) killQuietly(pid, 'SIGKILL');
    try {
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    } catch {
      // Already deleted.
    }
  }
  created.namespaces.clear();
  for (const dir of created.directories) rmSync(dir, { recursive: true, force: true });
  created.directories.clear();
}

let installed = false;

/** Installs the signal and exit hooks once per process. */
export function installCleanupHooks(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    cleanupAllSync();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Let the default action (or another handler, such as the test runner's) end the process.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanupAllSync);
}
