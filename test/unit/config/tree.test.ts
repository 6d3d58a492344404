import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { buildTree, type Stmt } from '../../../src/config/tree.js';
import { simpleLines } from './simple-lines.js';

/** A compact view of a tree: "kw arg arg" or ["kw arg", [children]]. */
function shape(stmts: readonly Stmt[]): unknown[] {
  return stmts.map((s) => {
    const head = [s.keyword.text, ...s.args.map((a) => a.text)].join(' ');
    return s.block ? [head, shape(s.block)] : head;
  });
}

function tree(text: string) {
  const diags = new Diagnostics();
  const stmts = buildTree(simpleLines(text), diags);
  return { shape: shape(stmts), diags: diags.items, stmts };
}

const cases: { name: string; text: string; shape: unknown[] }[] = [
  { name: 'block on its own lines', text: 'a X {\n b 1\n c\n}', shape: [['a X', ['b 1', 'c']]] },
  { name: 'block on one line', text: 'virtual_ipaddress { 10.0.0.1/24 }', shape: [['virtual_ipaddress', ['10.0.0.1/24']]] },
  { name: 'statement after an opening brace', text: 'global_defs { router_id r1\n}', shape: [['global_defs', ['router_id r1']]] },
  { name: 'opening brace on the next line', text: 'vrrp_instance VI_1\n{\n  priority 100\n}', shape: [['vrrp_instance VI_1', ['priority 100']]] },
  { name: 'nested blocks and trailing statements', text: 'a {\n b { c }\n d\n}\ne', shape: [['a', [['b', ['c']], 'd']], 'e'] },
  { name: 'closing brace followed by a statement', text: 'a { b } c 1', shape: [['a', ['b']], 'c 1'] },
  { name: 'empty block', text: 'a {}', shape: [['a', []]] },
  { name: 'quoted braces are words', text: 'a "{" "}"', shape: ['a { }'] },
];

for (const c of cases) {
  test(`tree: ${c.name}`, () => {
    const r = tree(c.text);
    assert.deepEqual(r.diags, []);
    assert.deepEqual(r.shape, c.shape);
  });
}

test('tree: an unexpected closing brace is an error with its location', () => {
  const r = tree('a 1\n  }\nb 2');
  assert.deepEqual(r.shape, ['a 1', 'b 2']);
  assert.deepEqual(r.diags, [{ severity: 'error', message: "unexpected '}'", loc: { file: 't.conf', line: 2, col: 3 } }]);
});

test('tree: a missing closing brace is reported at the block that opened it', () => {
  const r = tree('x {\n  a {\n    b 1\n');
  assert.deepEqual(r.shape, [['x', [['a', ['b 1']]]]]);
  assert.deepEqual(
    r.diags.map((d) => [d.message, d.loc?.line]),
    [
      ["missing '}' at end of configuration", 2],
      ["missing '}' at end of configuration", 1],
    ],
  );
});

test('tree: a brace opening nothing is an error and its contents are dropped', () => {
  const r = tree('a 1 }\n{ b 2 }\nc 3');
  // "a 1" then "}" at top level (error); "{" right after a closed brace opens nothing.
  assert.deepEqual(r.shape, ['a 1', 'c 3']);
  assert.deepEqual(
    r.diags.map((d) => [d.message, d.loc?.line, d.loc?.col]),
    [
      ["unexpected '}'", 1, 5],
      ["unexpected '{'", 2, 1],
    ],
  );
});

test('tree: statements keep the location of their keyword', () => {
  const r = tree('  a {\n     b 1 }');
  assert.deepEqual(r.stmts[0]!.loc, { file: 't.conf', line: 1, col: 3 });
  assert.deepEqual(r.stmts[0]!.block![0]!.loc, { file: 't.conf', line: 2, col: 6 });
});
