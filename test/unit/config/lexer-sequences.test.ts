/**
 * Lexer: ~SEQ, ~SEQx and ~LST lines. "2.2.7:" marks cases observed with
 * Debian's keepalived 2.2.7 (words read back from its -d dump).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MappedText } from '../../../src/config/lexer/mapped-text.js';
import { parseSeq, strtol } from '../../../src/config/lexer/sequences.js';
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

describe('lexer: ~SEQ', () => {
  // 2.2.7: every case in this block
  run([
    { name: 'start, end', text: '~SEQ(A, 1, 3) a${A}', lines: ['a1@1:15', 'a2@1:15', 'a3@1:15'] },
    { name: 'end only', text: '~SEQ(B,3) b$B', lines: ['b1@1:11', 'b2@1:11', 'b3@1:11'] },
    { name: 'a negative end counts down from -1', text: '~SEQ(C,-2) c$C', lines: ['c-1@1:12', 'c-2@1:12'] },
    { name: 'end 0 runs 1, 0', text: '~SEQ(D,0) d$D', lines: ['d1@1:11', 'd0@1:11'] },
    { name: 'start above end counts down', text: '~SEQ(E, 5, 3) e$E', lines: ['e5@1:15', 'e4@1:15', 'e3@1:15'] },
    { name: 'start, step, end', text: '~SEQ(F, 1, 2, 6) f$F', lines: ['f1@1:18', 'f3@1:18', 'f5@1:18'] },
    { name: 'a negative step', text: '~SEQ(G, 6, -2, 1) g$G', lines: ['g6@1:19', 'g4@1:19', 'g2@1:19'] },
    { name: '~SEQx prints hex; numbers in C notation', text: '~SEQx(H, 0x9, 0x3, 0x10) h$H', lines: ['h9@1:26', 'hc@1:26', 'hf@1:26'] },
    { name: 'hex and octal input, decimal output', text: '~SEQ(O,0x10,0x11) o${O}\n~SEQ(P,010,011) p${P}', lines: ['o16@1:19', 'o17@1:19', 'p8@2:17', 'p9@2:17'] },
    { name: 'an empty number is 0', text: '~SEQ(A,) s${A}\n~SEQ(B, , 3) t${B}', lines: ['s1@1:10', 's0@1:10', 't0@2:14', 't1@2:14', 't2@2:14', 't3@2:14'] },
    {
      name: 'several on one line nest left to right',
      text: '~SEQ(I,1,2) ~SEQ(J,1,2) ij${I}.${J}',
      lines: ['ij1.1@1:25', 'ij1.2@1:25', 'ij2.1@1:25', 'ij2.2@1:25'],
    },
    {
      name: 'man page example with two on a line',
      text: 'virtual_ipaddress {\n    ~SEQx(AD2, 0x90, 0x10, 0xa0) ~SEQx(AD1, 0x12, -1, 0x11) fe81::10:${AD2}:${AD1}\n}',
      lines: ['virtual_ipaddress@1:1', '{@1:19', 'fe81::10:90:12@2:61', 'fe81::10:90:11@2:61', 'fe81::10:a0:12@2:61', 'fe81::10:a0:11@2:61', '}@3:1'],
    },
    { name: 'definitions in the parameters', text: '$MAX=3\n~SEQ(A, 1, ${MAX}) a${A}\n~SEQ(B, 1, $MAX) b${B}', lines: ['a1@2:20', 'a2@2:20', 'a3@2:20', 'b1@3:18', 'b2@3:18', 'b3@3:18'] },
    {
      name: 'a sequence kept in a definition',
      text: '$S=~SEQ(C, 1, 2)\n$S c${C}\n$T=~SEQ(D, 1, 2) d${D}\n$T',
      lines: ['c1@2:4', 'c2@2:4', 'd1@4:1', 'd2@4:1'],
    },
    { name: 'after a conditional', text: '@main ~SEQ(E,1,2) e${E}\n@other ~SEQ(F,1,2) f${F}', lines: ['e1@1:19', 'e2@1:19'] },
    { name: 'the repeated text may hold braces', text: '~SEQ(N, 1, 1) n${N} { n2 }', lines: ['n1@1:15', '{@1:21', 'n2@1:23', '}@1:26'] },
    { name: 'the variable stays defined afterwards', text: '~SEQ(V, 1, 2)\nv $V', lines: ['v@2:1 2@2:3'] },
    { name: 'a line starting ~ otherwise is left alone', text: '$A=1\n~FOO x $A', lines: ['~FOO@2:1 x@2:6 $A@2:8'] },
  ]);
});

describe('lexer: ~LST', () => {
  // 2.2.7: single values, tuples, combined with ~SEQ, substituted when used
  run([
    { name: 'single values', text: '~LST(K, x, y , z) k$K', lines: ['kx@1:19', 'ky@1:19', 'kz@1:19'] },
    {
      name: 'tuples; missing values are empty',
      text: '~LST({L,M}, {1,2},{3}, {4, 5}) l${L}.m${M}',
      lines: ['l1.m2@1:32', 'l3.m@1:32', 'l4.m5@1:32'],
    },
    // 2.2.7: no$N1 no$N2 no$N1 no$N2 — $N before '$' is no reference
    { name: 'combined with ~SEQ', text: '~LST(N, p, q) ~SEQ(O, 1, 2) no$N$O no${N}$O', lines: ['no$N1@1:29 nop1@1:36', 'no$N2@1:29 nop2@1:36', 'no$N1@1:29 noq1@1:36', 'no$N2@1:29 noq2@1:36'] },
    {
      name: 'man page example',
      text: '~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}',
      lines: ['192.168.10.1@1:52', '192.170.10.1@1:52', '192.168.20.4@1:52', '192.170.20.4@1:52'],
    },
    {
      name: 'nested lists (man page example)',
      text: '~LST(IP, 1, 2) ~LST(IP1, 5,6) 192.169.${IP}.${IP1}',
      lines: ['192.169.1.5@1:31', '192.169.1.6@1:31', '192.169.2.5@1:31', '192.169.2.6@1:31'],
    },
    { name: 'values are substituted when used', text: '$B=base\n~LST(V, $B, y) v=${V}\n$B=other\nv=${V}', lines: ['v=base@2:16', 'v=y@2:16', 'v=y@4:1'] },
    {
      name: 'values end at a brace',
      text: '$B=base\n~LST(V, ${B}x, y) v=${V}',
      lines: [],
      diags: ["keepalived.conf:2:12: error: ~LST: invalid ~LST: expected ',' or ')' after '${B'"],
    },
  ]);
});

describe('lexer: ~SEQ/~LST with multi-line definitions', () => {
  it('a multi-line definition repeated by ~SEQ, with a ~SEQ inside it', () => {
    // 2.2.7: m1 1, g11, g12, m2 1, m1 2, g21, g22, m2 2 — the inner ~SEQ runs
    // completely before the rest of the definition
    const r = lexString('$ML= \\\n  m1 ${F} \\\n  ~SEQ(G, 1, 2) g${F}${G} \\\n  m2 ${F}\n~SEQ(F,1,2) $ML');
    assert.deepEqual(r.lines, [
      'm1@5:13 1@5:13',
      'g11@5:13',
      'g12@5:13',
      'm2@5:13 1@5:13',
      'm1@5:13 2@5:13',
      'g21@5:13',
      'g22@5:13',
      'm2@5:13 2@5:13',
    ]);
    assert.deepEqual(r.diags, []);
  });

  it('lists of tuples with a multi-line definition', () => {
    // 2.2.7: iajbk1 iajbk2 icjdk1 icjdk2 (here through a definition)
    const r = lexString('$X= \\\nx ${I}${J}${K}\n~LST({I,J}, {a,b}, {c,d}) ~SEQ(K,1,2) $X');
    assert.deepEqual(r.lines, ['x@3:39 ab1@3:39', 'x@3:39 ab2@3:39', 'x@3:39 cd1@3:39', 'x@3:39 cd2@3:39']);
  });
});

describe('lexer: bad ~SEQ and ~LST', () => {
  // 2.2.7 reports these too ("Invalid ~SEQ values", "~SEQx is only valid for
  // positive numbers", "Invalid ~LST specification", "~LST specification has
  // too many values", "Invalid ~SEQ specification"), except where noted.
  run([
    { name: 'step 0', text: '~SEQ(P, 1, 0, 3) bad', lines: [], diags: ['keepalived.conf:1:9: error: ~SEQ: invalid ~SEQ values: step 0 does not lead from 1 to 3'] },
    { name: 'step away from the end', text: '~SEQ(P, 1, -1, 3) bad', lines: [], diags: ['keepalived.conf:1:9: error: ~SEQ: invalid ~SEQ values: step -1 does not lead from 1 to 3'] },
    { name: 'negative ~SEQx', text: '~SEQx(R, -1, 2) bad', lines: [], diags: ['keepalived.conf:1:10: error: ~SEQx: ~SEQx needs values that are not negative (start -1, end 2)'] },
    // 2.2.7 silently skips the character after the name and runs 0..3 here
    { name: 'no comma after the variable', text: '~SEQ(Q 1, 3) bad', lines: [], diags: ["keepalived.conf:1:8: error: ~SEQ: invalid ~SEQ: expected ',' after the variable name 'Q'"] },
    { name: 'no (', text: '~SEQ S bad\n~SEQUENCE(A,1)', lines: [], diags: ["keepalived.conf:1:6: error: ~SEQ: invalid ~SEQ: expected '(' after ~SEQ", "keepalived.conf:2:5: error: ~SEQ: invalid ~SEQ: expected '(' after ~SEQ"] },
    { name: 'no variable', text: '~SEQ(, 3) bad', lines: [], diags: ['keepalived.conf:1:6: error: ~SEQ: invalid ~SEQ: missing the variable name'] },
    {
      name: 'no values',
      text: '~SEQ(A) bad\n~SEQ(A',
      lines: [],
      diags: [
        'keepalived.conf:1:7: error: ~SEQ: invalid ~SEQ: no END value; use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)',
        'keepalived.conf:2:6: error: ~SEQ: invalid ~SEQ: no END value; use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)',
      ],
    },
    { name: 'missing )', text: '~SEQ(A, 1, 3 bad', lines: [], diags: ["keepalived.conf:1:16: error: ~SEQ: invalid ~SEQ: missing ')'"] },
    {
      name: 'not numbers, or too many',
      text: '~SEQ(A, 1x, 3) bad\n~SEQ(A, 1, 2, 3, 4) bad',
      lines: [],
      diags: [
        "keepalived.conf:1:9: error: ~SEQ: invalid ~SEQ parameters '1x, 3)': use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)",
        "keepalived.conf:2:9: error: ~SEQ: invalid ~SEQ parameters '1, 2, 3, 4)': use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)",
      ],
    },
    {
      name: 'an undefined name in the parameters',
      text: '~SEQ(A, 1, ${N}) bad',
      lines: [],
      diags: ["keepalived.conf:1:9: error: ~SEQ: invalid ~SEQ parameters '1, ${N})': use ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)"],
    },
    { name: 'too many values', text: '~SEQ(A, 1, 2000000) x', lines: [], diags: ['keepalived.conf:1:9: error: ~SEQ: ~SEQ would produce 2000000 values; at most 1000000 are allowed'] },
    { name: '~LST without values', text: '~LST(S) bad', lines: [], diags: ["keepalived.conf:1:9: error: ~LST: invalid ~LST: expected ',' after the variable name 'S)'"] },
    { name: '~LST with too many values', text: '~LST({T,U}, {1,2,3}) bad', lines: [], diags: ['keepalived.conf:1:18: error: ~LST: invalid ~LST: a value set has more values than the 2 variable(s)'] },
    { name: '~LST without (', text: '~LST x', lines: [], diags: ["keepalived.conf:1:6: error: ~LST: invalid ~LST: expected '(' after ~LST"] },
    { name: '~LST with an empty name', text: '~LST(, a) x', lines: [], diags: ['keepalived.conf:1:6: error: ~LST: invalid ~LST: empty variable name'] },
    { name: '~LST with a bad tuple end', text: '~LST({A,B}, {1,2) x', lines: [], diags: ["keepalived.conf:1:17: error: ~LST: invalid ~LST: expected ',' or '}' after '2'"] },
    { name: '~LST with junk between sets', text: '~LST(A, 1 2) x', lines: [], diags: ["keepalived.conf:1:11: error: ~LST: invalid ~LST: expected ',' or ')' after '1'"] },
  ]);
});

describe('sequences: strtol', () => {
  const cases: [string, number, number][] = [
    ['12)', 12, 2],
    ['  -7,', -7, 4],
    ['+3', 3, 2],
    ['0x1f', 31, 4],
    ['0X1F', 31, 4],
    ['017', 15, 3],
    ['09', 0, 1],
    ['0x', 0, 1],
    [', 3', 0, 0],
    ['', 0, 0],
  ];
  for (const [s, value, end] of cases) {
    it(`strtol('${s}')`, () => assert.deepEqual(strtol(s, 0), { value, end }));
  }

  it('parseSeq keeps the rest of the line with its columns', () => {
    const r = parseSeq(MappedText.source('~SEQ(A, 2)   x y', 5), (p) => p.text);
    assert.ok(r.ok);
    assert.equal(r.sequence.text.text, 'x y');
    assert.equal(r.sequence.text.colAt(0), 18);
    assert.deepEqual([r.sequence.next(), r.sequence.done, r.sequence.next(), r.sequence.done], [[['A', '1']], false, [['A', '2']], true]);
  });
});
