/**
 * Lexer: `$NAME=` definitions, references, multi-line definitions, predefined
 * names, `@id` conditionals. "2.2.7:" marks cases observed with Debian's
 * keepalived 2.2.7.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LexOptions } from '../../../src/config/lexer/types.js';
import { lexString } from './lexer-helpers.js';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly lines: string[];
  readonly diags?: string[];
  readonly options?: Partial<LexOptions>;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const r = lexString(c.text, c.options);
      assert.deepEqual(r.lines, c.lines);
      assert.deepEqual(r.diags, c.diags ?? []);
    });
  }
}

describe('lexer: definitions and references', () => {
  run([
    { name: '$NAME followed by a blank', text: '$A=1\nx $A', lines: ['x@2:1 1@2:3'] },
    { name: '${NAME} anywhere', text: '$A=10\nip ${A}.0.0.1', lines: ['ip@2:1 10.0.0.1@2:4'] },
    // 2.2.7: $ZZx $ZZ-x 3,y 3)z 3w
    {
      name: '$NAME also before , ) and the line end, not before other characters',
      text: '$ZZ=3\n$ZZx $ZZ-x $ZZ,y $ZZ)z ${ZZ}w $ZZ',
      lines: ['$ZZx@2:1 $ZZ-x@2:6 3,y@2:12 3)z@2:18 3w@2:24 3@2:31'],
    },
    {
      name: 'substitution is late and recursive (man page example)',
      text: '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32',
      lines: ['10.2.0.100/32@3:1', '10.2.10.100/32@5:1'],
    },
    { name: 'redefinition', text: '$A=1\na $A\n$A=2\na $A', lines: ['a@2:1 1@2:3', 'a@4:1 2@4:3'] },
    // 2.2.7: an undefined ${P} stays, and its braces then cut the line
    {
      name: 'undefined names are left as they are',
      text: '$NOPE x\n${NOPE}x',
      lines: ['$NOPE@1:1 x@1:7', '$@2:1', '{@2:2', 'NOPE@2:3', '}@2:7', 'x@2:8'],
    },
    // 2.2.7: '$Z = 1' is three words, '$1A=2' one
    { name: 'not definitions', text: '$Z = 1\n$1A=2\n$A-B=3', lines: ['$Z@1:1 =@1:4 1@1:6', '$1A=2@2:1', '$A-B=3@3:1'] },
    // 2.2.7: [${E}] gives []
    {
      name: 'empty values; blanks around values are dropped',
      text: '$E=\n[${E}] [$E]\n   $W=  padded value  \n<${W}>',
      lines: ['[]@2:1 [$E]@2:8', '<padded@4:1 value>@4:2'],
    },
    // 2.2.7: g${X}h gives geh, k${Y}l gives ki
    {
      name: 'comments are stripped from definition lines and again after substitution',
      text: '$X=e#f\ng${X}h\n$Y=i\\#j\nk${Y}l',
      lines: ['geh@2:1', 'ki@4:1'],
    },
    // 2.2.7: a${_HASH}b reads as 'a': the pasted '#' starts a comment
    {
      name: '${_HASH} and ${_BANG} are only literal inside double quotes',
      text: 'a${_HASH}b c\n"a${_HASH}b${_BANG}"',
      lines: ['a@1:1', '"a#b!"@2:1'],
    },
    { name: 'a definition after a brace', text: 'x { $A=1\ny $A', lines: ['x@1:1', '{@1:3', 'y@2:1 1@2:3'] },
    // 2.2.7: '$Q=1 } $R=2' defines Q as the whole rest of the line
    {
      name: 'a definition takes the whole line, braces included',
      text: '$Q=1 } $R=2\nr ${Q}\ns ${R}',
      lines: ['r@2:1 1@2:3', '}@2:3', 's@3:1 2@3:3'],
    },
    { name: 'a predefined name can be redefined', text: '$_PWD=/x\n${_PWD}', lines: ['/x@2:1'] },
  ]);
});

describe('lexer: conditionals', () => {
  const text = '@main m1\n@^main m2\n@other o1\n@^other o2\n@main\n@mainx mx\n@ main sp\n@main\tt1';
  // 2.2.7 with -i main: m1 o2; with -i other: m2 o1
  run([
    { name: '@id and @^id with config id main', text, lines: ['m1@1:7', 'o2@4:9', 't1@8:7'] },
    { name: '@id and @^id with config id other', text, lines: ['m2@2:8', 'o1@3:8'], options: { configId: 'other' } },
    // 2.2.7: @main $P=pv defines P only under -i main
    { name: 'a conditional definition', text: '@main $P=pv\n@other $P=po\np=${P}', lines: ['p=pv@3:1'] },
    {
      name: 'a definition may expand to a conditional (man page example)',
      text: '$IF_MAIN=@main\n$IF_MAIN priority 240\n$IF_OTHER=@other\n$IF_OTHER priority 1',
      lines: ['priority@2:10 240@2:19'],
    },
    // 2.2.7 prints '@main c1' here: with a value longer than the reference it
    // strips the prefix with a stale length (fixed upstream in 1ffad9a8). The
    // documented behaviour is followed.
    { name: 'a conditional from a short reference', text: '$C=@main\n$C c1', lines: ['c1@2:4'] },
  ]);
});

describe('lexer: multi-line definitions', () => {
  // 2.2.7 gives the same words for all of these.
  run([
    {
      name: 'lines ending in \\, expanded where used (at the end of a line only)',
      text: [
        '$ML= \\',
        '  l1a l1b \\',
        '  \\',
        '  l2 ${N} \\',
        '  @main l3only \\',
        '  @other l3other \\',
        '  l4',
        '$N=7',
        '$ML',
        'x $ML',
        '$ML y',
      ].join('\n'),
      lines: [
        'l1a@9:1 l1b@9:1',
        'l2@9:1 7@9:1',
        'l3only@9:1',
        'l4@9:1',
        'x@10:1 l1a@10:3 l1b@10:3',
        'l2@10:3 7@10:3',
        'l3only@10:3',
        'l4@10:3',
        '$ML@11:1 y@11:5',
      ],
    },
    {
      name: 'ended by a line without \\ or by an empty line',
      text: '$E2= \\\nnothing\n$E3= \\\n\nafter\n<${E3}>\n${E2}\n$F=first \\\n   second\n[${F}]\n$F',
      lines: ['after@5:1', '<>@6:1', 'nothing@7:1', '[$@10:1', '{@10:3', 'F@10:4', '}@10:5', ']@10:6', 'first@11:1', 'second@11:1'],
    },
    // 2.2.7: d1 d2 — comment-only, blank-only and lone-\ lines neither end nor add
    {
      name: 'comment-only and blank-only lines do not end it',
      text: '$D= \\\n  d1 \\\n  # only a comment\n   \n  \\\n  d2\n$D',
      lines: ['d1@7:1', 'd2@7:1'],
    },
    {
      name: 'nested, with definitions inside (man page pattern)',
      text: [
        '$RS= \\',
        'real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\',
        '    weight 1 \\',
        '}',
        '$VS= \\',
        'virtual_server 10.0.${VS_NUM}.4 80 { \\',
        '    $RS_NUM=1 \\',
        '    $RS \\',
        '    $RS_NUM=2 \\',
        '    $RS \\',
        '}',
        '$VS_NUM=0',
        '$VS',
      ].join('\n'),
      lines: [
        'virtual_server@13:1 10.0.0.4@13:1 80@13:1',
        '{@13:1',
        'real_server@13:1 192.168.0.1@13:1 80@13:1',
        '{@13:1',
        'weight@13:1 1@13:1',
        '}@13:1',
        'real_server@13:1 192.168.0.2@13:1 80@13:1',
        '{@13:1',
        'weight@13:1 1@13:1',
        '}@13:1',
        '}@13:1',
      ],
    },
  ]);

  it('a definition that expands itself stops with an error', () => {
    const r = lexString('$ML= \\\na \\\n$ML\n$ML');
    assert.equal(r.lines.length, 64);
    assert.ok(r.lines.every((l) => l === 'a@4:1'));
    assert.deepEqual(r.diags, ["keepalived.conf:4:1: error: definition recursion too deep: more than 64 nested substitutions at '$ML'"]);
  });
});

describe('lexer: recursion and size limits', () => {
  // 2.2.7 loops forever on the first and truncates the second at 1 KiB.
  run([
    {
      name: 'mutual recursion',
      text: '$A=${B}\n$B=${A}\nx ${A} y\nz',
      lines: ['z@4:1'],
      diags: ["keepalived.conf:3:3: error: definition recursion too deep: more than 64 nested substitutions at '${A}'"],
    },
    {
      name: 'a value that contains its own reference',
      text: '$A=x${A}\ny ${A}',
      lines: [],
      diags: ["keepalived.conf:2:3: error: definition recursion too deep: more than 64 nested substitutions at '${A}'"],
    },
  ]);

  it('a line that grows beyond 1 MiB', () => {
    const defs = ['$D0=xxxxxxxxxx', ...Array.from({ length: 17 }, (_, i) => `$D${i + 1}=\${D${i}}\${D${i}}`)];
    const r = lexString([...defs, 'x ${D17}', 'ok'].join('\n'));
    assert.deepEqual(r.lines, ['ok@20:1']);
    assert.equal(r.diags.length, 1);
    assert.match(r.diags[0]!, /^keepalived\.conf:19:3: error: line longer than 1048576 characters after substituting '\$\{D\d+\}'$/);
  });
});

describe('lexer: predefined definitions', () => {
  // seed 5: glibc random() gives 590011675, 99788765, 2131925610, 171864072
  run([
    { name: '${_PWD} and ${_INSTANCE}', text: '${_PWD} ${_INSTANCE} $_INSTANCE', lines: ['/virtual@1:1 main@1:9 main@1:22'] },
    {
      name: '${_RANDOM [MIN [MAX]]} with a seed',
      text: 'r${_RANDOM}\nr${_RANDOM 1 3}\nr${_RANDOM 7 7}\nr${_RANDOM 1 2 3}',
      lines: ['r23835@1:1', 'r3@2:1', 'r7@3:1', 'r1@4:1'],
      diags: ["keepalived.conf:4:2: notice: '${_RANDOM 1 2 3}': more than two parameters; the extra ones are ignored"],
    },
    // 2.2.7 garbles the text after a reference with parameters (fixed upstream in ecba713f)
    { name: '${_RANDOM MIN MAX} followed by text', text: 'x${_RANDOM 1 3}y', lines: ['x2y@1:1'] },
    {
      name: '${_RANDOM} with MIN above MAX',
      text: 'a ${_RANDOM 5 2} b',
      lines: ['a@1:1 b@1:18'],
      diags: ["keepalived.conf:1:3: error: '${_RANDOM 5 2}': MIN (5) is greater than MAX (2)"],
    },
    // 2.2.7: a trailing blank or a tab makes it no reference, so its braces cut the line
    {
      name: '${_RANDOM} parameters are digits separated by spaces',
      text: 'a${_RANDOM 2 }\nb${_RANDOM\t2}',
      lines: ['a$@1:1', '{@1:3', '_RANDOM@1:4 2@1:12', '}@1:14', 'b$@2:1', '{@2:3', '_RANDOM@2:4 2@2:12', '}@2:13'],
    },
    { name: 'the seed from LexOptions', text: 'r${_RANDOM}', lines: ['r15942@1:1'], options: { randomSeed: 42 } },
    {
      name: 'random_seed in global_defs reseeds from there on',
      text: 'a${_RANDOM}\nglobal_defs {\n random_seed 42\n}\nb${_RANDOM}',
      lines: ['a23835@1:1', 'global_defs@2:1', '{@2:13', 'random_seed@3:2 42@3:14', '}@4:1', 'b15942@5:1'],
    },
    { name: 'random_seed elsewhere is not applied', text: 'random_seed 42\nr${_RANDOM}', lines: ['random_seed@1:1 42@1:13', 'r23835@2:1'] },
    {
      name: 'bad random_seed values',
      text: 'global_defs {\n random_seed -1\n random_seed\n random_seed 4294967296\n}',
      lines: ['global_defs@1:1', '{@1:13', 'random_seed@2:2 -1@2:14', 'random_seed@3:2', 'random_seed@4:2 4294967296@4:14', '}@5:1'],
      diags: [
        "keepalived.conf:2:14: error: random_seed: '-1' is not an unsigned 32-bit number",
        'keepalived.conf:3:2: error: random_seed: missing value (an unsigned 32-bit number)',
        "keepalived.conf:4:14: error: random_seed: '4294967296' is not an unsigned 32-bit number",
      ],
    },
    // Not in 2.2.7 (added upstream in 8db158e8); 2.2.7 leaves ${_ENV HOME} as it is.
    {
      name: '${_ENV NAME}',
      text: '${_ENV HOME} [${_ENV UNSET}] ${_ENV  HOME}',
      lines: ['/root@1:1 []@1:14 /root@1:30'],
      options: { env: { HOME: '/root' } },
    },
    {
      name: '${_ENV} needs one name',
      text: 'a ${_ENV} b ${_ENV X Y} c',
      lines: ['a@1:1 b@1:11 c@1:25'],
      diags: [
        "keepalived.conf:1:3: error: '${_ENV}' needs exactly one environment variable name",
        "keepalived.conf:1:13: error: '${_ENV X Y}' needs exactly one environment variable name",
      ],
    },
  ]);
});
