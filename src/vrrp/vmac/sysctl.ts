/**
 * Kernel settings under /proc/sys, read and written asynchronously (fs.promises, so the
 * event loop never waits on procfs). Paths are relative to /proc/sys and keep interface
 * names literally ("net/ipv4/conf/vrrp.51/arp_ignore"): only the sysctl(8) command
 * turns dots into slashes, procfs does not. /proc/sys/net shows the network namespace of
 * the process that opens the file, so the vrrp child, running in its namespace, sees and
 * changes that namespace's settings.
 *
 * `SysctlPort` is what the VMAC manager needs; tests pass an in-memory one.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SysctlPort {
  /** The value without its trailing newline; undefined when the setting does not exist. */
  read(path: string): Promise<string | undefined>;
  write(path: string, value: string): Promise<void>;
}

export class SysctlError extends Error {
  readonly code = 'ERR_SYSCTL';
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'SysctlError';
  }
}

function checkPath(path: string): string {
  if (!/^net\/[A-Za-z0-9_.:@/-]+$/.test(path) || path.split('/').some((part) => part === '..' || part === '')) {
    throw new SysctlError(`'${path}' is not a sysctl path below net/`, path);
  }
  return path;
}

/** The real /proc/sys (or another root, for tests that want files). */
export function procSysctl(root = '/proc/sys'): SysctlPort {
  return {
    async read(path) {
      try {
        return (await readFile(join(root, checkPath(path)), 'utf8')).trimEnd();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new SysctlError(`cannot read ${path}: ${(err as Error).message}`, path);
      }
    },
    async write(path, value) {
      try {
        await writeFile(join(root, checkPath(path)), value);
      } catch (err) {
        throw new SysctlError(`cannot set ${path} = ${value}: ${(err as Error).message}`, path);
      }
    },
  };
}

/** Reads a small integer setting; undefined when absent or not a number. */
export async function readInt(port: SysctlPort, path: string): Promise<number | undefined> {
  const text = await port.read(path);
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}
