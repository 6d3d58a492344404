/**
 * Lexer: include, its variants, globs, include_check, -e, cycles, and how
 * includes interleave with definitions and sequences — on real temporary
 * directory trees. "2.2.7:" marks cases run through Debian's keepalived 2.2.7
 * on the same tree: which files it read (its "Unknown keyword" messages), its
 * message, and whether `keepalived -t` exited 6 (an include check failed:
 * fatal here) or not (a notice here).
 */
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { LexOptions } from '../../../src/config/lexer/types.js';
import { type Rendered, TempTree } from './lexer-helpers.js';

const FIXTURE: Record<string, string> = {
  'd/a.conf': 'ka\n',
  'd/b.conf': 'kb\n',
  'd/c.txt': 'kc\n',
  'd/exec.conf': 'kexe\n',
  'd/dir.conf/': '',
  'd/.hidden.conf': 'kh\n',
  'e/x.conf': 'ke\n',
  'sub/s.conf': 'ksub ${_PWD}\ninclude ../d/a.conf\n',
  'f1.conf': 'f1\n',
  'f2.conf': 'f2\n',
};

function withTree<T>(files: Record<string, string>, fn: (tree: TempTree) => T): T {
  const tree = new TempTree().write(FIXTURE).chmod('d/exec.conf', 0o755).write(files);
  try {
    return fn(tree);
  } finally {
    tree.cleanup();
  }
}

function lexRoot(root: string, options: Partial<LexOptions> = {}, files: Record<string, string> = {}): Rendered {
  return withTree({ ...files, 'keepalived.conf': root }, (tree) => tree.lex('keepalived.conf', options));
}

interface Case {
  readonly name: string;
  readonly root: string;
  readonly lines: string[];
  readonly diags?: string[];
  readonly files?: Record<string, string>;
  readonly options?: Partial<LexOptions>;
  /** Expected LexResult.fileError (default: false). */
  readonly fileError?: boolean;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const r = lexRoot(c.root, c.options, c.files);
      assert.deepEqual(r.lines, c.lines);
      assert.deepEqual(r.diags, c.diags ?? []);
      assert.equal(r.result.fileError, c.fileError ?? false);
    });
  }
}

const K = 'keepalived.conf';
const DIR_SKIP = (line: number) => `${K}:${line}:1: notice: include: Configuration file 'd/dir.conf/' is a directory - skipping`;
const EXEC_SKIP = (line: number) => `${K}:${line}:1: notice: include: Configuration file 'd/exec.conf' is not a regular non-executable file - skipping`;

describe('lexer: include and globs', () => {
  run([
    // 2.2.7: a.conf, b.conf; dir.conf/ and exec.conf skipped with these messages
    {
      name: 'a wildcard, sorted; directories and executables skipped; dot files hidden',
      root: 'r1\ninclude d/*.conf\nr2',
      lines: [`r1@${K}:1:1`, 'ka@d/a.conf:1:1', 'kb@d/b.conf:1:1', `r2@${K}:3:1`],
      diags: [DIR_SKIP(2), EXEC_SKIP(2)],
    },
    // 2.2.7: kb before ka; a twice; ke before ka, kb
    {
      name: 'brace alternatives keep their order, each sorted on its own',
      root: 'include d/{b,a}.conf\ninclude d/{a,a}.conf\ninclude {e,d}/[ab]*.conf\ninclude {d/{b,a},e/x}.conf',
      lines: ['kb@d/b.conf:1:1', 'ka@d/a.conf:1:1', 'ka@d/a.conf:1:1', 'ka@d/a.conf:1:1', 'ka@d/a.conf:1:1', 'kb@d/b.conf:1:1', 'kb@d/b.conf:1:1', 'ka@d/a.conf:1:1', 'ke@e/x.conf:1:1'],
    },
    // 2.2.7: an unbalanced '{' is literal: "Config files missing 'd/{a.conf'"
    {
      name: 'an unbalanced brace is a plain character',
      root: 'include d/{a.conf',
      lines: [],
      diags: [`${K}:1:1: notice: include: Config files missing 'd/{a.conf'`],
    },
    // 2.2.7: \a matches a; [ab], ? match a and b; .* matches the dot file;
    // '!' starts a comment, so d/[!a].conf is the pattern d/[ and matches nothing
    {
      name: 'escapes, brackets, ? and dot files',
      root: 'include d/\\a.conf\ninclude d/[ab].conf\ninclude d/?.conf\ninclude d/[^a].conf\ninclude d/.*.conf\ninclude d/[!a].conf',
      lines: ['ka@d/a.conf:1:1', 'ka@d/a.conf:1:1', 'kb@d/b.conf:1:1', 'ka@d/a.conf:1:1', 'kb@d/b.conf:1:1', 'kb@d/b.conf:1:1', 'kh@d/.hidden.conf:1:1'],
    },
    // 2.2.7: "Config files missing 'missing.conf'." and nothing for nomatch*
    {
      name: 'plain include: missing files are only noticed',
      root: 'include missing.conf\ninclude nodir/*.conf\ninclude d/nomatch*.conf\ninclude d/{a,zz}.conf',
      lines: ['ka@d/a.conf:1:1'],
      diags: [
        `${K}:1:1: notice: include: Config files missing 'missing.conf'`,
        `${K}:2:1: notice: include: Config files missing 'nodir/*.conf'`,
        `${K}:4:1: notice: include: Some config files missing: 'd/{a,zz}.conf'`,
      ],
    },
    // 2.2.7: the whole rest of the line is the pattern, quotes included
    {
      name: 'the pattern is the rest of the line',
      root: 'include "d/a.conf"\ninclude d/a.conf extra\ninclude   d/b.conf   # c',
      lines: ['kb@d/b.conf:1:1'],
      diags: [`${K}:1:1: notice: include: Config files missing '"d/a.conf"'`, `${K}:2:1: notice: include: Config files missing 'd/a.conf extra'`],
    },
    // 2.2.7: all three are "Unknown keyword"
    { name: 'not include lines', root: 'includex d/b.conf\ninclude\n"include" d/b.conf', lines: [`includex@${K}:1:1 d/b.conf@${K}:1:10`, `include@${K}:2:1`, `"include"@${K}:3:1 d/b.conf@${K}:3:11`] },
    // 2.2.7: all three include
    {
      name: 'after a conditional, a brace or a substitution',
      root: '@main include d/a.conf\n@other include d/b.conf\nx { include d/b.conf\n$I=include\n$I e/x.conf',
      lines: ['ka@d/a.conf:1:1', `x@${K}:3:1`, `{@${K}:3:3`, 'kb@d/b.conf:1:1', 'ke@e/x.conf:1:1'],
    },
  ]);

  it('${_PWD} is the directory of the file being read', () => {
    withTree({ 'keepalived.conf': '${_PWD}\ninclude sub/s.conf' }, (tree) => {
      const r = tree.lex('keepalived.conf');
      assert.deepEqual(r.result.lines[0]!.words[0]!.text, realpathSync(tree.dir));
      assert.deepEqual(r.result.lines[1]!.words[1]!.text, realpathSync(`${tree.dir}/sub`));
    });
  });

  it('LexResult.files lists every file read, in order', () => {
    withTree({ 'keepalived.conf': 'include d/{b,a}.conf\ninclude sub/s.conf' }, (tree) => {
      const r = tree.lex('keepalived.conf');
      const d = tree.dir;
      assert.deepEqual(r.result.files, [`${d}/keepalived.conf`, `${d}/d/b.conf`, `${d}/d/a.conf`, `${d}/sub/s.conf`, `${d}/sub/../d/a.conf`]);
    });
  });
});

describe('lexer: include variants', () => {
  // 2.2.7: each message below, and -t exit 6 exactly where fatal
  const variant = (root: string, lines: string[], diag?: string, fatal = false): Case => ({
    name: root,
    root,
    lines,
    diags: diag ? [`${K}:1:1: ${fatal ? 'fatal' : 'notice'}: ${root.split(' ')[0]}: ${diag}`] : [],
    fileError: fatal,
  });
  run([
    variant('includer d/nomatch*.conf', []),
    variant('includem d/nomatch*.conf', []),
    variant('includew d/nomatch*.conf', [], "No config files matched 'd/nomatch*.conf'", true),
    variant('includer missing.conf', [], "Config files missing 'missing.conf'"),
    variant('includem missing.conf', [], "Config files missing 'missing.conf'", true),
    variant('includem nodir/*.conf', [], "Config files missing 'nodir/*.conf'", true),
    variant('includew nodir/*.conf', [], "Config files missing 'nodir/*.conf'", true),
    variant('includer d/{a,zz}.conf', ['ka@d/a.conf:1:1'], "Some config files missing: 'd/{a,zz}.conf'"),
    variant('includem d/{a,zz}.conf', ['ka@d/a.conf:1:1'], "Some config files missing: 'd/{a,zz}.conf'"),
    variant('includeb d/{a,zz}.conf', [], "Some config files missing: 'd/{a,zz}.conf'", true),
    variant('includem d/{x,y}.conf', [], "Config files missing 'd/{x,y}.conf'"),
    variant('includeb d/{x,y}.conf', [], "Config files missing 'd/{x,y}.conf'", true),
    variant('includer d/dir.conf', [], "Configuration file 'd/dir.conf/' is a directory - skipping", true),
    variant('includer d/exec.conf', [], "Configuration file 'd/exec.conf' is not a regular non-executable file - skipping", true),
    variant('includea d/{a,b}.conf', ['ka@d/a.conf:1:1', 'kb@d/b.conf:1:1']),
    variant('includea d/a.conf extra', [], "Config files missing 'd/a.conf extra'", true),
  ]);

  it('an unreadable file', () => {
    const readFile = (p: string) => {
      if (p.endsWith('/locked.conf')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return readFileSync(p, 'utf8');
    };
    const r = lexRoot('include locked.conf\nincluder locked.conf', { readFile }, { 'locked.conf': 'secret\n' });
    assert.deepEqual(r.lines, []);
    assert.deepEqual(r.diags, [
      `${K}:1:1: notice: include: Configuration file 'locked.conf' open problem (Permission denied) - skipping`,
      `${K}:2:1: fatal: includer: Configuration file 'locked.conf' open problem (Permission denied) - skipping`,
    ]);
  });
});

describe('lexer: include_check', () => {
  const gd = (args: string) => `global_defs {\n include_check${args}\n}\n`;
  const GD = (args: string) => [`global_defs@${K}:1:1`, `{@${K}:1:13`, `include_check@${K}:2:2${args}`, `}@${K}:3:1`];
  run([
    // 2.2.7: "No config files matched" and exit 6
    {
      name: 'no argument: every check',
      root: gd('') + 'include d/nomatch*.conf',
      lines: GD(''),
      diags: [`${K}:4:1: fatal: include: No config files matched 'd/nomatch*.conf'`],
      fileError: true,
    },
    // 2.2.7: "Duplicate include_check 'wildcard_match' specified - ignoring", nothing else
    {
      name: 'a second bare value is ignored',
      root: gd(' match wildcard_match') + 'include d/nomatch*.conf',
      lines: GD(` match@${K}:2:16 wildcard_match@${K}:2:22`),
      diags: [`${K}:2:22: error: include_check: duplicate 'wildcard_match' (only the first value may be given without + or -) - ignoring`],
    },
    // 2.2.7: exit 6
    {
      name: '+ adds a check',
      root: gd(' +wildcard_match') + 'include d/nomatch*.conf',
      lines: GD(` +wildcard_match@${K}:2:16`),
      diags: [`${K}:4:1: fatal: include: No config files matched 'd/nomatch*.conf'`],
      fileError: true,
    },
    // 2.2.7: only the "Config files missing" message, exit 5
    {
      name: '- removes a check',
      root: 'global_defs {\n include_check\n include_check -match\n}\ninclude missing.conf',
      lines: [`global_defs@${K}:1:1`, `{@${K}:1:13`, `include_check@${K}:2:2`, `include_check@${K}:3:2 -match@${K}:3:16`, `}@${K}:4:1`],
      diags: [`${K}:5:1: notice: include: Config files missing 'missing.conf'`],
    },
    // 2.2.7: on one line too
    {
      name: 'set inside global_defs on one line',
      root: 'global_defs { include_check match }\ninclude missing.conf',
      lines: [`global_defs@${K}:1:1`, `{@${K}:1:13`, `include_check@${K}:1:15 match@${K}:1:29`, `}@${K}:1:35`],
      diags: [`${K}:2:1: fatal: include: Config files missing 'missing.conf'`],
      fileError: true,
    },
    // 2.2.7: "Unknown keyword 'include_check'", no effect
    {
      name: 'outside global_defs it does nothing',
      root: 'include_check match\ninclude missing.conf',
      lines: [`include_check@${K}:1:1 match@${K}:1:15`],
      diags: [`${K}:2:1: notice: include: Config files missing 'missing.conf'`],
    },
    // 2.2.7: "Unknown include_check type 'readable' - ignoring" (it only knows 'read')
    {
      name: "'read', and 'readable' as the man page spells it",
      root: gd(' readable') + 'include d/dir.conf\n' + gd(' read') + 'include nodir/x.conf\ninclude d/dir.conf',
      lines: [...GD(` readable@${K}:2:16`), `global_defs@${K}:5:1`, `{@${K}:5:13`, `include_check@${K}:6:2 read@${K}:6:16`, `}@${K}:7:1`],
      diags: [
        `${K}:2:16: notice: include_check: 'readable' is taken as documented; keepalived 2.2.7 only knows 'read' and ignores 'readable'`,
        `${K}:4:1: fatal: include: Configuration file 'd/dir.conf/' is a directory - skipping`,
        `${K}:8:1: notice: include: Config files missing 'nodir/x.conf'`,
        `${K}:9:1: fatal: include: Configuration file 'd/dir.conf/' is a directory - skipping`,
      ],
      fileError: true,
    },
    // 2.2.7 with -e: "Unknown include_check type 'bogus' - ignoring", and the directory is skipped without exit 6
    {
      name: 'an unknown type: a bare first value still clears the checks',
      root: gd(' bogus') + 'include d/dir.conf',
      lines: GD(` bogus@${K}:2:16`),
      diags: [`${K}:2:16: error: include_check: unknown type 'bogus' - ignoring`, DIR_SKIP(4)],
      options: { allConfig: true },
    },
    {
      name: '-e (allConfig) turns every check on',
      root: 'include missing.conf',
      lines: [],
      diags: [`${K}:1:1: fatal: include: Config files missing 'missing.conf'`],
      options: { allConfig: true },
      fileError: true,
    },
    // 2.2.7: the same two messages, exit 6
    {
      name: 'a value set in an included file ends with that file',
      root: 'global_defs {\ninclude set.conf\n}\ninclude d/dir.conf',
      files: { 'set.conf': 'include_check\ninclude d/dir.conf\n' },
      lines: [`global_defs@${K}:1:1`, `{@${K}:1:13`, 'include_check@set.conf:1:1', `}@${K}:3:1`],
      diags: ["set.conf:2:1: fatal: include: Configuration file 'd/dir.conf/' is a directory - skipping", DIR_SKIP(4)],
      fileError: true,
    },
  ]);
});

describe('lexer: the configuration file itself', () => {
  it('is a glob too, checked for readable, match and wildcard', () => {
    withTree({}, (tree) => {
      const ok = tree.lex(`${tree.dir}/d/{a,b}.conf`);
      assert.deepEqual(ok.lines, ['ka@d/a.conf:1:1', 'kb@d/b.conf:1:1']);
      assert.deepEqual(ok.diags, []);
      const missing = tree.lex(`${tree.dir}/nope.conf`);
      assert.deepEqual(missing.diags, ["fatal: Config files missing 'nope.conf'"]);
      assert.equal(missing.result.fileError, true);
      assert.deepEqual(missing.result.files, []);
      const none = tree.lex(`${tree.dir}/d/*.none`);
      assert.deepEqual(none.diags, ["fatal: No config files matched 'd/*.none'"]);
      const dir = tree.lex(`${tree.dir}/d/dir.conf`);
      assert.deepEqual(dir.diags, ["fatal: Configuration file 'd/dir.conf/' is a directory - skipping"]);
    });
  });
});

describe('lexer: include cycles', () => {
  // 2.2.7 reads a self-including file until open() fails with EMFILE
  run([
    {
      name: 'a file including itself',
      root: 'self\ninclude keepalived.conf',
      lines: [`self@${K}:1:1`],
      diags: [`${K}:2:1: error: include: include cycle: 'keepalived.conf' is already being read (keepalived.conf -> keepalived.conf) - skipping`],
    },
    {
      name: 'two files including each other, under includer',
      root: 'includer a.conf',
      files: { 'a.conf': 'a\nincluder b.conf\n', 'b.conf': 'b\nincluder a.conf\n' },
      lines: ['a@a.conf:1:1', 'b@b.conf:1:1'],
      diags: ["b.conf:2:1: fatal: includer: include cycle: 'a.conf' is already being read (keepalived.conf -> a.conf -> b.conf -> a.conf) - skipping"],
      fileError: true,
    },
  ]);
});

describe('lexer: includes with definitions and sequences', () => {
  run([
    // 2.2.7: f2 is read before f1 — the sequence runs on before the included file is read
    {
      name: '~SEQ producing include lines',
      root: '~SEQ(I,1,2) include f${I}.conf\nafter',
      lines: ['f2@f2.conf:1:1', 'f1@f1.conf:1:1', `after@${K}:2:1`],
    },
    // 2.2.7: mid before f1
    {
      name: 'an include inside a multi-line definition',
      root: '$ML= \\\ninclude f1.conf \\\nmid\n$ML\nafter',
      lines: [`mid@${K}:4:1`, 'f1@f1.conf:1:1', `after@${K}:5:1`],
    },
    {
      name: 'definitions cross files',
      root: '$A=1\ninclude defs.conf\nx $A $B',
      files: { 'defs.conf': '$B=2\ny $A\n' },
      lines: [`y@defs.conf:2:1 1@defs.conf:2:3`, `x@${K}:3:1 1@${K}:3:3 2@${K}:3:6`],
    },
  ]);

  // 2.2.7: ../d/a.conf from sub/s.conf reads d/a.conf
  it('relative to the including file; ${_PWD} of an included file', () => {
    withTree({ 'keepalived.conf': 'include sub/s.conf\nr' }, (tree) => {
      const r = tree.lex('keepalived.conf');
      assert.deepEqual(r.lines, [`ksub@sub/s.conf:1:1 ${realpathSync(`${tree.dir}/sub`)}@sub/s.conf:1:6`, 'ka@sub/../d/a.conf:1:1', `r@${K}:2:1`]);
      assert.deepEqual(r.diags, []);
    });
  });
});
