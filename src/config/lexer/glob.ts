/**
 * File name globbing as keepalived's includes see it: glibc glob() with
 * GLOB_MARK | GLOB_BRACE | GLOB_ALTDIRFUNC, reimplemented on a small file
 * system interface (Node 20 has no fs.glob).
 *
 * - Braces (csh style) expand first, left to right, nested ones recursively:
 *   `{a,b{c,d}}x` → `ax`, `bcx`, `bdx`. `{a}` is `a`; an unbalanced `{` makes
 *   the pattern literal. Each alternative is globbed on its own and its matches
 *   sorted on their own, so `{b,a}.conf` gives b.conf before a.conf and
 *   `{a,a}` gives a twice, as glibc does.
 * - `*`, `?` and `[…]` (with `!`/`^`, ranges, [:class:]) match within one
 *   path component; a leading `.` must be matched by a literal `.`; `\c`
 *   quotes c. Matches of one pattern are sorted bytewise (keepalived never
 *   calls setlocale, so the C locale's strcmp order applies).
 * - A component without wildcards is not listed but checked with lstat().
 *   Directories in the results carry a trailing `/` (GLOB_MARK).
 *
 * keepalived decides its include errors from what glob() touched, through the
 * GLOB_ALTDIRFUNC hooks: `missingFiles` counts lstat() failures (a literal
 * name that is absent), `missingDirs` counts directories that could not be
 * opened, `wildcards` says whether any directory was listed at all. These are
 * counted here the same way.
 */

export interface DirEntry {
  readonly name: string;
  /** A directory, or a symbolic link that may lead to one. */
  readonly maybeDir: boolean;
}

export interface GlobFs {
  /** lstat() succeeds. */
  exists(path: string): boolean;
  /** stat() (following links) says directory. */
  isDirectory(path: string): boolean;
  /** The entries of a directory, or undefined when it cannot be opened. */
  readdir(path: string): readonly DirEntry[] | undefined;
}

export interface GlobResult {
  readonly paths: string[];
  readonly missingFiles: number;
  readonly missingDirs: number;
  readonly wildcards: boolean;
}

/** keepalived's have_brace(): an unescaped `{` anywhere. */
export function hasBrace(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '{') return true;
  }
  return false;
}

/** csh brace expansion as glibc's GLOB_BRACE does it. */
export function expandBraces(pattern: string): string[] {
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\' && i + 1 < pattern.length) i++;
    else if (pattern[i] === '{') {
      open = i;
      break;
    }
  }
  if (open < 0) return [pattern];
  const alternatives: string[] = [];
  let depth = 0;
  let from = open + 1;
  let close = -1;
  for (let i = open + 1; i < pattern.length && close < 0; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) {
        alternatives.push(pattern.slice(from, i));
        close = i;
      } else depth--;
    } else if (c === ',' && depth === 0) {
      alternatives.push(pattern.slice(from, i));
      from = i + 1;
    }
  }
  if (close < 0) return [pattern];
  const prefix = pattern.slice(0, open);
  const rest = pattern.slice(close + 1);
  return alternatives.flatMap((alt) => expandBraces(prefix + alt + rest));
}

/**
 * glibc's pattern types: an unescaped `*` or `?`, or `[` closed later by `]`,
 * makes a directory part a pattern (__glob_pattern_p); for the last component
 * an unclosed `[` is enough to list the directory (where fnmatch then takes
 * the `[` literally).
 */
function hasWildcard(s: string, lastComponent: boolean): boolean {
  let bracket = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[') {
      if (lastComponent) return true;
      bracket = true;
    } else if (c === ']' && bracket) return true;
  }
  return false;
}

function unescape(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.?)/gs, '$1') : s;
}

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

const reChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A bracket expression starting at `open` as a RegExp class, or undefined when it is not closed. */
function bracket(p: string, open: number): { re: string; end: number } | undefined {
  let i = open + 1;
  let negate = false;
  if (p[i] === '!' || p[i] === '^') {
    negate = true;
    i++;
  }
  let items = '';
  let first = true;
  for (; i < p.length; first = false) {
    let c = p[i]!;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${items}]`, end: i + 1 };
    if (c === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      const cls = close > 0 ? CLASSES[p.slice(i + 2, close)] : undefined;
      if (cls !== undefined) {
        items += cls;
        i = close + 2;
        continue;
      }
    }
    if (c === '\\' && i + 1 < p.length) c = p[++i]!;
    i++;
    if (p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
      let hi = p[i + 1]!;
      i += 2;
      if (hi === '\\' && i < p.length) hi = p[i++]!;
      if (hi >= c) items += `${reChar(c)}-${reChar(hi)}`;
      continue;
    }
    items += reChar(c);
  }
  return undefined;
}

const compiled = new Map<string, RegExp>();

/** fnmatch(pattern, name, FNM_PERIOD) for one path component. */
export function fnmatch(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !(pattern.startsWith('.') || pattern.startsWith('\\.'))) return false;
  let re = compiled.get(pattern);
  if (!re) {
    let src = '^';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && i + 1 < pattern.length) src += reChar(pattern[++i]!);
      else if (c === '*') src += '[\\s\\S]*';
      else if (c === '?') src += '[\\s\\S]';
      else if (c === '[') {
        const b = bracket(pattern, i);
        if (b) {
          src += b.re;
          i = b.end - 1;
        } else src += reChar(c);
      } else src += reChar(c);
    }
    try {
      re = new RegExp(src + '$', 'u');
    } catch {
      // Unpaired surrogates can make a class the 'u' flag rejects; such a
      // pattern can only match itself.
      re = new RegExp(`^${[...pattern].map(reChar).join('')}$`);
    }
    compiled.set(pattern, re);
  }
  return re.test(name);
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Joins a directory and a relative path the way chdir + open would see them. */
export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/') || dir === '' || dir === '.') return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/** Globs `pattern` as if the current directory were `baseDir`. */
export function glob(pattern: string, baseDir: string, fs: GlobFs): GlobResult {
  let missingFiles = 0;
  let missingDirs = 0;
  let wildcards = false;
  const onDisk = (p: string) => joinPath(baseDir, p === '' ? '.' : p);

  const inDir = (pat: string, dir: string, onlyDirs: boolean): string[] => {
    if (!hasWildcard(pat, true)) {
      const name = unescape(pat);
      if (fs.exists(onDisk(dir === '' ? name : joinPath(dir, name)))) return [name];
      missingFiles++;
      return [];
    }
    wildcards = true;
    const entries = fs.readdir(onDisk(dir));
    if (!entries) {
      missingDirs++;
      return [];
    }
    const all = [{ name: '.', maybeDir: true }, { name: '..', maybeDir: true }, ...entries];
    return all.filter((e) => (!onlyDirs || e.maybeDir) && fnmatch(pat, e.name)).map((e) => e.name);
  };

  const one = (pat: string, onlyDirs: boolean): string[] => {
    if (pat.length > 1 && pat.endsWith('/')) return one(pat.slice(0, -1), onlyDirs);
    const slash = pat.lastIndexOf('/');
    if (slash < 0) return inDir(pat, '', onlyDirs);
    const dirPart = slash === 0 ? '/' : pat.slice(0, slash);
    const name = pat.slice(slash + 1);
    const dirs = hasWildcard(dirPart, false) ? one(dirPart, true) : [unescape(dirPart)];
    const out: string[] = [];
    for (const dir of dirs) {
      for (const n of inDir(name, dir, onlyDirs)) out.push(dir === '/' ? `/${n}` : `${dir}/${n}`);
    }
    return out;
  };

  const paths: string[] = [];
  for (const alternative of expandBraces(pattern)) {
    const found = one(alternative, false).sort(byteOrder);
    for (const p of found) paths.push(!p.endsWith('/') && fs.isDirectory(onDisk(p)) ? `${p}/` : p);
  }
  return { paths, missingFiles, missingDirs, wildcards };
}
