/**
 * Where USR1/USR2/JSON dumps are written, and how.
 *
 * Directory: $TMPDIR when it is an absolute path, otherwise /tmp
 * (lib/utils.c set_tmp_dir; keepalived's configure default KA_TMP_DIR).
 *
 * .data files (core/global_data.c open_dump_file, upstream HEAD, which adds
 * `state_dump_file` to 2.2.7's rule without changing the default names):
 *   base name keepalived.data, or the file part of state_dump_file; its
 *   directory is state_dump_file's when that is absolute (a trailing `/`
 *   means "a directory, keep the default name"), else the tmp directory;
 *   then the process suffix goes before the extension ("" for VRRP,
 *   "_check", "_bfd", "_parent"), then, with data_use_instance and an
 *   instance or namespace, ".NETNS_INSTANCE" (either part alone without the
 *   underscore):  /tmp/keepalived_parent.nodeA.data
 * .stats and .json always go to TMPDIR/keepalived.stats and
 * TMPDIR/keepalived.json (stats_dump_file/json_dump_file are parsed but
 * unused upstream).
 *
 * Writing follows lib/utils.c fopen_safe(): never open the target itself
 * (a user who already holds it open, or a symlink planted in /tmp, must not
 * get our output). The content goes to a new exclusive temporary file, whose
 * mode is set to 0666 minus the umask, which is then renamed over the target.
 */
import { promises as fsp, constants as fsConstants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

export type DumpProcess = 'vrrp' | 'checker' | 'bfd' | 'parent';

const SUFFIX: Readonly<Record<DumpProcess, string>> = { vrrp: '', checker: '_check', bfd: '_bfd', parent: '_parent' };

export function tmpDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.TMPDIR;
  return t !== undefined && t.startsWith('/') ? t.replace(/\/+$/, '') || '/' : '/tmp';
}

export interface DumpNaming {
  readonly tmpDir: string;
  /** global_defs state_dump_file. */
  readonly stateDumpFile?: string;
  /** global_defs data_use_instance. */
  readonly dataUseInstance?: boolean;
  readonly instance?: string;
  readonly netns?: string;
}

export function dataFilePath(proc: DumpProcess, n: DumpNaming): string {
  const sdf = n.stateDumpFile;
  let dir = n.tmpDir;
  if (sdf !== undefined && sdf.startsWith('/')) dir = sdf.endsWith('/') ? sdf.slice(0, -1) : dirname(sdf);
  const fileName = sdf !== undefined && !sdf.endsWith('/') ? sdf.slice(sdf.lastIndexOf('/') + 1) : 'keepalived.data';
  const dot = fileName.lastIndexOf('.');
  const stem = dot === -1 ? fileName : fileName.slice(0, dot);
  const ext = dot === -1 ? '' : fileName.slice(dot);
  let tag = '';
  if (n.dataUseInstance && (n.instance !== undefined || n.netns !== undefined)) {
    tag = `.${n.netns ?? ''}${n.instance !== undefined && n.netns !== undefined ? '_' : ''}${n.instance ?? ''}`;
  }
  return `${dir === '/' ? '' : dir}/${stem}${SUFFIX[proc]}${tag}${ext}`;
}

export function statsFilePath(tmpDir: string): string {
  return `${tmpDir}/keepalived.stats`;
}

export function jsonFilePath(tmpDir: string): string {
  return `${tmpDir}/keepalived.json`;
}

/** fopen_safe(path, "w") + write + close; `umask` is the daemon's. Rejects with the errno error on failure. */
export async function writeFileSafely(path: string, content: string | Uint8Array, umask: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}`;
  const fh = await fsp.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
  try {
    await fh.writeFile(content);
    await fh.chmod(0o666 & ~umask);
  } catch (err) {
    await fh.close();
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
}
