/**
 * The few file system questions the lexer asks, behind one interface so the
 * glob code stays pure and tests can inject file contents.
 *
 * With LexOptions.readFile injected, a path that the injected reader can
 * produce counts as a regular, non-executable file even when it is absent
 * from the disk; directory listings (wildcards) always come from the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirEntry, GlobFs } from './glob.js';

export type FileKind = 'file' | 'directory' | 'other';

export interface LexFs extends GlobFs {
  /** stat() (following links): the kind and whether anyone may execute it; undefined when absent. */
  stat(path: string): { kind: FileKind; executable: boolean } | undefined;
  /** The file's text; throws an errno error when it cannot be read. */
  readFile(path: string): string;
  /** The canonical absolute path (symbolic links resolved), or an absolute path when that fails. */
  realpath(path: string): string;
}

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** A short reason for a failed read, like strerror(): "No such file or directory (ENOENT)". */
export function describeError(e: unknown): string {
  const code = errnoOf(e);
  const reasons: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    EMFILE: 'Too many open files',
    ELOOP: 'Too many levels of symbolic links',
  };
  if (code && reasons[code]) return reasons[code]!;
  return e instanceof Error ? e.message : String(e);
}

export function nodeLexFs(injectedReadFile?: (path: string) => string): LexFs {
  const injected = new Map<string, string | null>();
  const readInjected = (p: string): string | undefined => {
    if (!injectedReadFile) return undefined;
    let text = injected.get(p);
    if (text === undefined) {
      try {
        text = injectedReadFile(p);
      } catch {
        text = null;
      }
      injected.set(p, text);
    }
    return text ?? undefined;
  };

  return {
    exists(p) {
      try {
        fs.lstatSync(p);
        return true;
      } catch {
        return readInjected(p) !== undefined;
      }
    },
    isDirectory(p) {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    readdir(p): DirEntry[] | undefined {
      try {
        return fs
          .readdirSync(p, { withFileTypes: true })
          .map((d) => ({ name: d.name, maybeDir: d.isDirectory() || d.isSymbolicLink() }));
      } catch {
        return undefined;
      }
    },
    stat(p) {
      try {
        const st = fs.statSync(p);
        const kind: FileKind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
        return { kind, executable: (st.mode & 0o111) !== 0 };
      } catch {
        return readInjected(p) !== undefined ? { kind: 'file', executable: false } : undefined;
      }
    },
    readFile(p) {
      const text = readInjected(p);
      if (text !== undefined) return text;
      if (injectedReadFile) return injectedReadFile(p); // throws the injected reader's error
      return fs.readFileSync(p, 'utf8');
    },
    realpath(p) {
      try {
        return fs.realpathSync(p);
      } catch {
        return path.resolve(p);
      }
    },
  };
}
