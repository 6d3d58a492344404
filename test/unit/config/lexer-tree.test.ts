/**
 * The lexer's lines feed the tree builder: braces come as lines of their own,
 * wherever they stood in the source.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { buildTree, type Stmt } from '../../../src/config/tree.js';
import { lexString } from './lexer-helpers.js';

function shape(stmts: readonly Stmt[]): unknown[] {
  return stmts.map((s) => {
    const head = [s.keyword.text, ...s.args.map((a) => a.text)].join(' ') + `@${s.loc.line}:${s.loc.col}`;
    return s.block ? [head, shape(s.block)] : head;
  });
}

describe('lexer → tree', () => {
  it('blocks opened on the same line, the next line, or glued to a word', () => {
    const text = [
      'global_defs { router_id r1 }',
      'vrrp_instance VI_1',
      '{',
      '  virtual_ipaddress {10.0.0.1/24',
      '  10.0.0.2/24}',
      '  ~SEQ(N, 1, 2) track_interface { eth${N} }',
      '}',
    ].join('\n');
    const r = lexString(text);
    const diags = new Diagnostics();
    const tree = buildTree(r.result.lines, diags);
    assert.deepEqual(diags.items, []);
    assert.deepEqual(shape(tree), [
      ['global_defs@1:1', ['router_id r1@1:15']],
      [
        'vrrp_instance VI_1@2:1',
        [
          ['virtual_ipaddress@4:3', ['10.0.0.1/24@4:22', '10.0.0.2/24@5:3']],
          ['track_interface@6:17', ['eth1@6:35']],
          ['track_interface@6:17', ['eth2@6:35']],
        ],
      ],
    ]);
  });
});
