/**
 * Lexer: comments, quoting, braces, blanks, columns, and the script (shell)
 * view of a line. "2.2.7:" marks cases observed with Debian's keepalived
 * 2.2.7 (words read back from a notification_email block in its -d dump, or
 * from its "Unknown keyword" messages).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { shellSplit, shellWords } from '../../../src/config/lexer/index.js';
import { lexString } from './lexer-helpers.js';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly lines: string[];
  readonly diags?: string[];
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const r = lexString(c.text);
      assert.deepEqual(r.lines, c.lines);
      assert.deepEqual(r.diags, c.diags ?? []);
    });
  }
}

describe('lexer: comments', () => {
  run([
    { name: '# and ! start comments anywhere', text: 'priority 100 # high\nweight 2 ! bang\n# whole line\n   ! indented', lines: ['priority@1:1 100@1:10', 'weight@2:1 2@2:8'] },
    // 2.2.7: 'w!v' reads as 'w'
    { name: 'a comment may follow a word without a blank', text: 'w!v\na#b c', lines: ['w@1:1', 'a@2:1'] },
    // 2.2.7: "p#q" keeps its '#'
    { name: 'double quotes protect # and !', text: '"x # y" z # c\n"p!q"', lines: ['"x # y"@1:1 z@1:9', '"p!q"@2:1'] },
    // 2.2.7: 'k#l' is the word 'k followed by a comment
    { name: 'single quotes do not protect', text: "w 'k#l' m", lines: ["w@1:1 'k@1:3"] },
    // 2.2.7: x\#y reads as x#y, "a\#b" keeps its backslash
    {
      name: '\\# and \\! outside quotes are the characters themselves',
      text: 'x\\#y c\\!d\n"a\\#b"\nv \\# w',
      lines: ['x#y@1:1 c!d@1:6', '"a\\#b"@2:1', 'v@3:1 #@3:4 w@3:6'],
    },
    { name: 'other backslashes stay', text: 'q\\x41 "r\\ts"', lines: ['q\\x41@1:1 "r\\ts"@1:7'] },
  ]);
});

describe('lexer: trailing backslash', () => {
  run([
    // 2.2.7: "Unknown keyword 'priority\'" — the blanks before the backslash go
    { name: 'is glued to the last word, not a continuation', text: 'priority \\\n100', lines: ['priority\\@1:1', '100@2:1'] },
    { name: 'without a blank before it', text: 'r 1\\', lines: ['r@1:1 1\\@1:3'] },
    // 2.2.7: 'a # c \' reads as 'a\': the comment goes, the backslash stays
    { name: 'survives a comment before it', text: 'a # c \\', lines: ['a\\@1:1'] },
  ]);
});

describe('lexer: quotes', () => {
  run([
    // 2.2.7: words qux, "a b", c, d, "e f", 'g, h'
    {
      name: 'a quote inside a word ends the word; single quotes are plain characters',
      text: 'qux "a b"c d"e f" \'g h\'',
      lines: ['qux@1:1 "a b"@1:5 c@1:10 d@1:12 "e f"@1:13 \'g@1:19 h\'@1:22'],
    },
    // 2.2.7: "" gives an empty word
    { name: 'an empty quoted word', text: '"" x', lines: ['""@1:1 x@1:4'] },
    { name: 'inner blanks are kept', text: 'router_id "my  id\tx"', lines: ['router_id@1:1 "my  id\tx"@1:11'] },
    // 2.2.7: 'a"b' gives the word a, then "Unmatched quote"
    {
      name: 'an unterminated quote stops the line there',
      text: 'a"b\n"un term\nok',
      lines: ['a@1:1', 'ok@3:1'],
      diags: ['keepalived.conf:1:2: error: missing closing \'"\'', 'keepalived.conf:2:1: error: missing closing \'"\''],
    },
    // 2.2.7: decomment sees \" as escaped, the word splitter does not: "Unmatched quote"
    {
      name: 'a backslash does not escape a quote for the word splitter',
      text: '"m\\#n" o\\"p',
      lines: ['"m\\#n"@1:1 o\\@1:8'],
      diags: ['keepalived.conf:1:10: error: missing closing \'"\''],
    },
    {
      name: 'an open quote hides a comment and braces',
      text: 'a "b # c { d',
      lines: ['a@1:1'],
      diags: ['keepalived.conf:1:3: error: missing closing \'"\''],
    },
  ]);
});

describe('lexer: braces', () => {
  run([
    { name: 'block on several lines', text: 'global_defs {\n  router_id r1\n}', lines: ['global_defs@1:1', '{@1:13', 'router_id@2:3 r1@2:13', '}@3:1'] },
    // 2.2.7: 'foo{' is foo then '{'; 'bar}baz' is bar, '}', baz
    { name: 'glued to words', text: 'a{b}c', lines: ['a@1:1', '{@1:2', 'b@1:3', '}@1:4', 'c@1:5'] },
    // 2.2.7: n, '{' (unexpected), o, '}', q
    { name: 'blanks around braces', text: 'n  {  o p  }  q', lines: ['n@1:1', '{@1:4', 'o@1:7 p@1:9', '}@1:12', 'q@1:15'] },
    { name: 'a brace alone on a line', text: 'vrrp_instance VI_1\n  {\n}', lines: ['vrrp_instance@1:1 VI_1@1:15', '{@2:3', '}@3:1'] },
    // 2.2.7: "{b}" stays one word
    { name: 'double quotes protect braces', text: 'a "{b}" c\ng"h{"i j', lines: ['a@1:1 "{b}"@1:3 c@1:9', 'g@2:1 "h{"@2:2 i@2:6 j@2:8'] },
    // 2.2.7: d, ', {, e', f
    { name: 'single quotes do not', text: "d '{e' f", lines: ["d@1:1 '@1:3", '{@1:4', "e'@1:5 f@1:8"] },
    { name: 'a quoted brace word is not a brace', text: 'x "{"', lines: ['x@1:1 "{"@1:3'] },
    { name: 'the rest after a brace is read as a new line', text: 'a { @main b } c', lines: ['a@1:1', '{@1:3', 'b@1:11', '}@1:13', 'c@1:15'] },
    // 2.2.7: the rest "@other y } z" is dropped whole, its '}' included
    { name: 'a conditional after a brace covers the rest of the line', text: 'u { @other y } z\nv', lines: ['u@1:1', '{@1:3', 'v@2:1'] },
  ]);
});

describe('lexer: blanks and line ends', () => {
  run([
    // 2.2.7: tab, \v and \f separate words
    { name: 'tab, vertical tab and form feed separate words', text: 's\tt\vu\fv w', lines: ['s@1:1 t@1:3 u@1:5 v@1:7 w@1:9'] },
    { name: 'CRLF line ends and blank lines', text: 'a 1\r\n\r\n  \t\nb 2\r\n', lines: ['a@1:1 1@1:3', 'b@4:1 2@4:3'] },
    { name: 'a NUL ends the line', text: 'a b\0 c\nd', lines: ['a@1:1 b@1:3', 'd@2:1'] },
    { name: 'leading blanks set the column', text: '\t  x y', lines: ['x@1:4 y@1:6'] },
  ]);
});

describe('lexer: line text', () => {
  it('keeps the processed text of each line, cut at braces', () => {
    const r = lexString('notify  "/x.sh a"  root {  # c\n$V=9\nip 10.${V}.0.1');
    assert.deepEqual(
      r.result.lines.map((l) => [l.text, l.cols]),
      [
        ['notify  "/x.sh a"  root', undefined],
        ['{', undefined],
        ['ip 10.9.0.1', [0, 1, 1, 6, 7, 0, 7, 11, 1]],
      ],
    );
  });
});

describe('lexer: shell words (script commands)', () => {
  const words = (text: string) => {
    const diags = new Diagnostics();
    const line = lexString(text).result.lines[0]!;
    const w = shellWords(line, diags);
    return { words: w?.map((x) => `${x.quoted ? 'q:' : ''}${x.text}@${x.loc.col}`), diags: diags.items.map(formatDiagnostic) };
  };

  it('re-splits the whole line with shell quoting', () => {
    assert.deepEqual(words(`notify_master "/x.sh 'a b' c" user`), { words: ["notify_master@1", "q:/x.sh 'a b' c@15", 'user@31'], diags: [] });
    // 2.2.7: an unquoted `script /bin/echo 'a b'\tz` keeps only /bin/echo as the command (word 1)
    assert.deepEqual(words("script /bin/echo 'a b'\\tz"), { words: ['script@1', '/bin/echo@8', 'q:a b\tz@18'], diags: [] });
  });

  it('locates words in substituted text at the reference', () => {
    assert.deepEqual(words('$S=/bin/s.sh\nnotify ${S} "x y"'), { words: ['notify@1', '/bin/s.sh@8', 'q:x y@13'], diags: [] });
  });

  it('reports an open quote or a trailing lone backslash', () => {
    assert.deepEqual(words(`script '/bin/echo a`), {
      words: undefined,
      diags: ["/virtual/keepalived.conf:1:8: error: script: missing closing ' in 'script '/bin/echo a'"],
    });
    assert.deepEqual(words('script /bin/x \\'), {
      words: undefined,
      diags: ["/virtual/keepalived.conf:1:15: error: script: a '\\' at the end escapes nothing in 'script /bin/x\\'"],
    });
    // 2.2.7: `script "/bin/echo 'a"` passes this step; the second split fails:
    // "String '/bin/echo 'a': missing terminating '"
    assert.deepEqual(shellSplit("/bin/echo 'a"), { ok: false, message: "missing closing '", offset: 10 });
  });

  it('splits twice like keepalived 2.2.7, escapes applied each time', () => {
    // 2.2.7 dump: Command = '/usr/bin/echo' 'a b' 'cAB' 'q r' '' '\x0file'
    const first = words(`script "/bin/echo 'a b' c\\x41\\\\x42 \\"q r\\" '' \\x20file"`).words!;
    assert.equal(first[1], `q:/bin/echo 'a b' cA\\x42 "q r" '' \x0file@8`);
    const inner = shellSplit(`/bin/echo 'a b' cA\\x42 "q r" '' \x0file`);
    assert.ok(inner.ok);
    assert.deepEqual(
      inner.words.map((w) => [w.text, w.quoted, w.offset]),
      [
        ['/bin/echo', false, 0],
        ['a b', true, 10],
        ['cAB', false, 16],
        ['q r', true, 23],
        ['', true, 29],
        ['\x0file', false, 32],
      ],
    );
  });

  const escapes: [string, string[]][] = [
    ['\\a\\b\\E\\f\\n\\r\\t\\v', ['\x07\b\x1b\f\n\r\t\v']],
    ['\\101 \\0 \\7777 \\18', ['A', '\0', '\xff7', '\x018']],
    ['\\x41 \\x4a6 \\xg', ['A', '\xa6', 'xg']], // 2.2.7 keeps the low byte of every hex digit
    ['\\cA \\c[ \\c', ['\x01', '\x1b', 'c']],
    ['\\q \\\\ \\" \\\'', ['q', '\\', '"', "'"]],
    ['"a\\tb" \'c\\x41\'', ['a\tb', 'cA']],
    ['a\\ b', ['a b']],
  ];
  for (const [input, expected] of escapes) {
    it(`escapes: ${input}`, () => {
      const r = shellSplit(input);
      assert.ok(r.ok);
      assert.deepEqual(
        r.words.map((w) => w.text),
        expected,
      );
    });
  }

  it('split errors carry the offset', () => {
    assert.deepEqual(shellSplit('a \\'), { ok: false, message: "a '\\' at the end escapes nothing", offset: 2 });
    assert.deepEqual(shellSplit("a 'b"), { ok: false, message: "missing closing '", offset: 2 });
  });
});
