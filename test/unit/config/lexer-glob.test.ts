/**
 * Lexer internals: brace expansion, fnmatch, glob() with the counters
 * keepalived's include checks read, on an in-memory file system; and the
 * column bookkeeping of MappedText.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandBraces, fnmatch, glob, type GlobFs, hasBrace, joinPath } from '../../../src/config/lexer/glob.js';
import { MappedText } from '../../../src/config/lexer/mapped-text.js';

describe('glob: brace expansion (glibc GLOB_BRACE)', () => {
  const cases: [string, string[]][] = [
    ['a.conf', ['a.conf']],
    ['{a,b}.conf', ['a.conf', 'b.conf']],
    ['{b,a}', ['b', 'a']],
    ['{a}', ['a']],
    ['{,x}y', ['y', 'xy']],
    ['{foo/{,cat,dog},bar}', ['foo/', 'foo/cat', 'foo/dog', 'bar']],
    ['{a,b}{c,d}', ['ac', 'ad', 'bc', 'bd']],
    ['{a,b{c,d}}x', ['ax', 'bcx', 'bdx']],
    ['d/{a.conf', ['d/{a.conf']],
    ['{a,b}{c', ['a{c', 'b{c']],
    ['\\{a,b}', ['\\{a,b}']],
    ['{a\\,b,c}', ['a\\,b', 'c']],
  ];
  for (const [pattern, expected] of cases) it(pattern, () => assert.deepEqual(expandBraces(pattern), expected));

  it('hasBrace ignores escaped braces', () => {
    assert.equal(hasBrace('d/{a.conf'), true);
    assert.equal(hasBrace('d/\\{a.conf'), false);
    assert.equal(hasBrace('d/a.conf'), false);
  });
});

describe('glob: fnmatch with FNM_PERIOD', () => {
  const cases: [string, string, boolean][] = [
    ['*.conf', 'a.conf', true],
    ['*.conf', '.a.conf', false],
    ['.*', '.a', true],
    ['\\.*', '.a', true],
    ['?', '.', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[ab].conf', 'b.conf', true],
    ['[!ab].conf', 'b.conf', false],
    ['[^ab].conf', 'c.conf', true],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[]a]', ']', true],
    ['[[:digit:]]*', '7up', true],
    ['[[:alpha:]]*', '7up', false],
    ['[', '[', true],
    ['a[', 'a[', true],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['*', 'a b', true],
    ['a.c', 'abc', false],
    ['(x)+', '(x)+', true],
  ];
  for (const [pattern, name, expected] of cases) it(`${pattern} ~ ${name}: ${expected}`, () => assert.equal(fnmatch(pattern, name), expected));
});

/** A file system from a list of paths; a trailing '/' marks a directory. */
function memoryFs(paths: string[]): GlobFs {
  const dirs = new Map<string, Set<string>>();
  const kinds = new Map<string, 'file' | 'dir'>();
  const addDir = (d: string) => {
    if (!dirs.has(d)) dirs.set(d, new Set());
    kinds.set(d, 'dir');
  };
  addDir('/');
  for (const raw of paths) {
    const isDir = raw.endsWith('/');
    const p = isDir ? raw.slice(0, -1) : raw;
    const parts = p.split('/').filter(Boolean);
    let cur = '';
    parts.forEach((part, i) => {
      const parent = cur || '/';
      cur = `${cur}/${part}`;
      dirs.get(parent)!.add(part);
      if (i < parts.length - 1 || isDir) addDir(cur);
      else kinds.set(cur, 'file');
    });
  }
  const norm = (p: string) => {
    const out: string[] = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return '/' + out.join('/');
  };
  return {
    exists: (p) => kinds.has(norm(p)),
    isDirectory: (p) => kinds.get(norm(p)) === 'dir',
    readdir: (p) => {
      const entries = dirs.get(norm(p));
      return entries ? [...entries].map((name) => ({ name, maybeDir: kinds.get(norm(`${p}/${name}`)) === 'dir' })) : undefined;
    },
  };
}

describe('glob: matching and the counters keepalived reads', () => {
  const fs = memoryFs(['/etc/k/keepalived.conf', '/etc/k/conf.d/b.conf', '/etc/k/conf.d/a.conf', '/etc/k/conf.d/c.txt', '/etc/k/conf.d/sub/', '/etc/k/x/conf.d/', '/etc/k/y/z.conf']);
  const cases: [string, string, { paths: string[]; missingFiles: number; missingDirs: number; wildcards: boolean }][] = [
    ['conf.d/*.conf', '/etc/k', { paths: ['conf.d/a.conf', 'conf.d/b.conf'], missingFiles: 0, missingDirs: 0, wildcards: true }],
    ['conf.d/*', '/etc/k', { paths: ['conf.d/a.conf', 'conf.d/b.conf', 'conf.d/c.txt', 'conf.d/sub/'], missingFiles: 0, missingDirs: 0, wildcards: true }],
    ['/etc/k/conf.d/a.conf', '/', { paths: ['/etc/k/conf.d/a.conf'], missingFiles: 0, missingDirs: 0, wildcards: false }],
    ['keepalived.conf', '/etc/k', { paths: ['keepalived.conf'], missingFiles: 0, missingDirs: 0, wildcards: false }],
    ['nope.conf', '/etc/k', { paths: [], missingFiles: 1, missingDirs: 0, wildcards: false }],
    ['nodir/*.conf', '/etc/k', { paths: [], missingFiles: 0, missingDirs: 1, wildcards: true }],
    ['conf.d/*.none', '/etc/k', { paths: [], missingFiles: 0, missingDirs: 0, wildcards: true }],
    ['conf.d/{b,zz}.conf', '/etc/k', { paths: ['conf.d/b.conf'], missingFiles: 1, missingDirs: 0, wildcards: false }],
    ['conf.d', '/etc/k', { paths: ['conf.d/'], missingFiles: 0, missingDirs: 0, wildcards: false }],
    // A literal name under a wildcard directory is checked in each directory.
    ['*/conf.d', '/etc/k', { paths: ['x/conf.d/'], missingFiles: 2, missingDirs: 0, wildcards: true }],
    ['*/*.conf', '/etc/k', { paths: ['conf.d/a.conf', 'conf.d/b.conf', 'y/z.conf'], missingFiles: 0, missingDirs: 0, wildcards: true }],
    ['.*', '/etc/k/conf.d', { paths: ['./', '../'], missingFiles: 0, missingDirs: 0, wildcards: true }],
    ['conf.d/[', '/etc/k', { paths: [], missingFiles: 0, missingDirs: 0, wildcards: true }],
  ];
  for (const [pattern, base, expected] of cases) {
    it(`${pattern} in ${base}`, () => assert.deepEqual(glob(pattern, base, fs), expected));
  }

  it('joinPath keeps what the kernel would resolve', () => {
    assert.equal(joinPath('.', 'a.conf'), 'a.conf');
    assert.equal(joinPath('/etc/k', 'a.conf'), '/etc/k/a.conf');
    assert.equal(joinPath('/', 'a.conf'), '/a.conf');
    assert.equal(joinPath('sub', '../a.conf'), 'sub/../a.conf');
    assert.equal(joinPath('sub', '/abs.conf'), '/abs.conf');
  });
});

describe('MappedText: columns through rewrites', () => {
  it('slices keep source columns', () => {
    const t = MappedText.source('  abc def', 3);
    assert.equal(t.slice(2).colAt(0), 5);
    assert.equal(t.slice(6).colAt(1), 10);
    assert.equal(t.slice(2).verbatim, true);
  });

  it('a replacement is located at its start, the rest keeps its columns', () => {
    const t = MappedText.source('ip ${A}.1');
    const r = t.replace(3, 7, MappedText.synthetic('10.0.0', t.colAt(3), 1));
    assert.equal(r.text, 'ip 10.0.0.1');
    assert.deepEqual([0, 3, 5, 8, 9, 10].map((i) => r.colAt(i)), [1, 4, 4, 4, 8, 9]);
    assert.deepEqual([r.depthAt(0), r.depthAt(4), r.depthAt(9)], [0, 1, 0]);
    assert.deepEqual(r.flatCols(), [0, 1, 1, 3, 4, 0, 9, 8, 1]);
    assert.equal(r.verbatim, false);
  });

  it('a deleted character leaves two stretches; contiguous ones merge again', () => {
    const t = MappedText.source('a\\#b');
    const cut = t.slice(0, 1).concat(t.slice(2));
    assert.equal(cut.text, 'a#b');
    assert.deepEqual([cut.colAt(0), cut.colAt(1), cut.colAt(2)], [1, 3, 4]);
    const joined = t.slice(0, 2).concat(t.slice(2));
    assert.equal(joined.verbatim, true);
    assert.equal(joined.colAt(3), 4);
  });

  it('empty texts', () => {
    assert.equal(MappedText.empty.colAt(0), 0);
    assert.equal(MappedText.source('abc').slice(2, 1).length, 0);
    assert.equal(MappedText.source('abc').concat(MappedText.empty).text, 'abc');
  });
});
