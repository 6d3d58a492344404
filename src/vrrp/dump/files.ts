/**
 * Where the dump files go and how they are written.
 *
 * Names (keepalived 2.2.7 lib/utils.c set_tmp_dir / make_tmp_filename, core/global_data.c
 * open_dump_file; checked against a real run, see test/unit/vrrp-dump/fixtures):
 * - The directory is $TMPDIR when it is an absolute path, else /tmp.
 * - USR1: keepalived.data (vrrp), keepalived_parent.data, keepalived_check.data,
 *   keepalived_bfd.data. With `data_use_instance` and a network namespace and/or an
 *   `instance` name, ".NETNS_INSTANCE" (either part alone without the "_") goes before the
 *   extension: keepalived_parent.nsA_web.data.
 * - USR2/STATS_CLEAR: keepalived.stats; JSON: keepalived.json. data_use_instance does not
 *   rename these (keepalived's behaviour, seen in the captured run).
 *
 * state_dump_file, stats_dump_file and json_dump_file do not exist in 2.2.7. keepalived 2.3+
 * parses all three but honours only state_dump_file: an absolute path ending in "/" is a
 * directory, another absolute path names the directory and the file, a relative one names
 * the file in the temporary directory; the process suffix ("_parent", "_check", "_bfd") and
 * the instance part go before its extension. We honour state_dump_file that way and — as
 * our documentation of the keywords promises — stats_dump_file and json_dump_file by the same
 * rules (without a process suffix: only the vrrp child writes them).
 *
 * Writing: keepalived (fopen_safe) creates "NAMEXXXXXX" with mkostemp, renames it onto the
 * final name at once and then writes, so a reader can see a half-written file. We write the
 * whole content to the temporary file first, then rename: readers see the old file or the
 * new one, never a torn one. The mode is 0666 & ~umask (keepalived's; umask defaults to 0177,
 * so 0600), set explicitly because the process umask may differ from the configured one.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';

export type DumpKind = 'data' | 'parent-data' | 'check-data' | 'bfd-data' | 'stats' | 'json';

export interface DumpPathOptions {
  /** The environment whose TMPDIR picks the directory (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stateDumpFile?: string;
  readonly statsDumpFile?: string;
  readonly jsonDumpFile?: string;
  readonly dataUseInstance?: boolean;
  /** The network namespace in force (net_namespace or -s). */
  readonly netNamespace?: string;
  /** The top-level `instance` name. */
  readonly instanceName?: string;
}

const DEFAULT_TMP_DIR = '/tmp';

/** keepalived's set_tmp_dir: $TMPDIR if absolute, else /tmp. */
export function dumpDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const t = env.TMPDIR;
  return t !== undefined && t.startsWith('/') ? t : DEFAULT_TMP_DIR;
}

const KINDS: Readonly<Record<DumpKind, { base: string; ext: string; suffix: string; option?: keyof DumpPathOptions; instanceNamed: boolean }>> = {
  'data': { base: 'keepalived', ext: '.data', suffix: '', option: 'stateDumpFile', instanceNamed: true },
  'parent-data': { base: 'keepalived', ext: '.data', suffix: '_parent', option: 'stateDumpFile', instanceNamed: true },
  'check-data': { base: 'keepalived', ext: '.data', suffix: '_check', option: 'stateDumpFile', instanceNamed: true },
  'bfd-data': { base: 'keepalived', ext: '.data', suffix: '_bfd', option: 'stateDumpFile', instanceNamed: true },
  'stats': { base: 'keepalived', ext: '.stats', suffix: '', option: 'statsDumpFile', instanceNamed: false },
  'json': { base: 'keepalived', ext: '.json', suffix: '', option: 'jsonDumpFile', instanceNamed: false },
};

/** Splits "name.ext" at its last dot (no dot: all name). */
function splitExtension(file: string): { stem: string; ext: string } {
  const dot = file.lastIndexOf('.');
  return dot < 0 ? { stem: file, ext: '' } : { stem: file.slice(0, dot), ext: file.slice(dot) };
}

/** The full path of a dump file. */
export function dumpFilePath(kind: DumpKind, options: DumpPathOptions = {}): string {
  const k = KINDS[kind];
  const tmpDir = dumpDirectory(options.env);
  const configured = k.option ? (options[k.option] as string | undefined) : undefined;
  let dir = tmpDir;
  let file = `${k.base}${k.ext}`;
  if (configured !== undefined && configured !== '') {
    if (isAbsolute(configured)) {
      dir = configured.endsWith('/') ? configured.replace(/\/+$/, '') || '/' : posix.dirname(configured);
    }
    if (!configured.endsWith('/')) file = posix.basename(configured);
  }
  const { stem, ext } = splitExtension(file);
  let instancePart = '';
  if (k.instanceNamed && options.dataUseInstance && (options.netNamespace !== undefined || options.instanceName !== undefined)) {
    instancePart = `.${[options.netNamespace, options.instanceName].filter((p) => p !== undefined).join('_')}`;
  }
  return join(dir, `${stem}${k.suffix}${instancePart}${ext}`);
}

export class DumpWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DumpWriteError';
  }
}

/**
 * Writes `content` to `path` atomically: a new temporary file beside it (created exclusively,
 * so an existing file or symlink there is never followed), then rename. `umask` is the
 * configured one (global_defs umask; keepalived's default 0177).
 */
export async function writeDumpFile(path: string, content: string, options: { umask?: number } = {}): Promise<void> {
  const umask = options.umask ?? 0o177;
  const tmp = `${path}${randomBytes(6).toString('base64url').slice(0, 6)}`;
  let created = false;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    created = true;
    try {
      await fh.writeFile(content);
      await fh.chmod(0o666 & ~umask);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new DumpWriteError(path, e.code ?? 'EIO', `Can't write dump file ${path} (${e.code ?? 'EIO'}: ${e.message}); check that the directory exists and is writable`);
  }
}
