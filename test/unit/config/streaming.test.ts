/**
 * The compiler's streaming pipeline (lexer → tree builder → keyword tables,
 * one top-level statement at a time) and the compact structures it relies on
 * must give exactly what compiling the whole tree at once gives: the same
 * model, the same diagnostics in the same order (the lexer's first, then the
 * tree builder's, then the tables'), and the same locations.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLines, createLocations } from '../../../src/config/compile.js';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { compileText } from '../../../src/config/index.js';
import { lex } from '../../../src/config/lexer/index.js';
import { MappedText } from '../../../src/config/lexer/mapped-text.js';
import { LexLine, LexWord, type Line } from '../../../src/config/lexer/types.js';
import { TreeBuilder, buildTree, type Stmt } from '../../../src/config/tree.js';

const FILE = '/etc/keepalived/keepalived.conf';

/** Lexes `text` as FILE, then compiles the whole list of lines (the non-streaming order). */
function compileInTwoSteps(text: string) {
  const diags = new Diagnostics();
  const readFile = (p: string) => {
    if (p === FILE) return text;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  const lexed = lex(FILE, { configId: 'lb1', randomSeed: 1, env: {}, readFile }, diags);
  return compileLines(lexed.lines, diags);
}

const MIXED = [
  'global_defs {',
  '  router_id "unterminated',
  '  random_seed x1',
  '}',
  '}',
  'vrrp_instance VI_1',
  '{',
  '  state MASTERX',
  '  priority 300',
  '}',
  'bogus_top 1',
  'virtual_server 10.0.0.1 80 {',
  '  lb_algo rr',
  '  real_server 10.0.0.2 80 { weight -1 }',
  'include /nonexistent/*.conf',
].join('\n');

test('streaming: compileFile gives the same model, diagnostics (in order) and locations as lex + compileLines', () => {
  const streamed = compileText(MIXED, FILE, { configId: 'lb1', randomSeed: 1, env: {} });
  const whole = compileInTwoSteps(MIXED);
  assert.deepEqual(streamed.config, whole.config);
  const shown = streamed.diagnostics.items.map(formatDiagnostic);
  assert.deepEqual(shown, whole.diagnostics.items.map(formatDiagnostic));
  // The lexer's problems (quote, random_seed, include) come before the tree's ('}', missing '}'),
  // and those before the keyword tables', whatever the order they were found in.
  const at = (part: string) => shown.findIndex((s) => s.includes(part));
  assert.ok(at("missing closing '\"'") < at("unexpected '}'"));
  assert.ok(at('Config files missing') < at("unexpected '}'"));
  assert.ok(at("missing '}' at end of configuration") < at("invalid value 'MASTERX'"));
  const vi = streamed.config.vrrpInstances[0]!;
  assert.deepEqual(streamed.locations.get(vi), whole.locations.get(whole.config.vrrpInstances[0]!));
  assert.deepEqual(streamed.locations.get(vi), { file: FILE, line: 6, col: 1 });
  const rs = streamed.config.virtualServers[0]!.realServers[0]!;
  assert.deepEqual(streamed.locations.get(rs), { file: FILE, line: 14, col: 3 });
});

test('streaming: a "{" on the line after a top-level statement still opens it', () => {
  const b = new TreeBuilder(new Diagnostics());
  const lines = lexLines('a 1\nvrrp_instance X\n{\nstate BACKUP\n}\nb 2');
  const taken: string[] = [];
  const take = () => (b.takeFinished() ?? []).forEach((s) => taken.push(shape(s)));
  b.add(lines[0]!); // a 1
  take();
  assert.deepEqual(taken, []); // "a 1" might still be opened by a "{"
  b.add(lines[1]!); // vrrp_instance X
  take();
  assert.deepEqual(taken, ['a 1']);
  b.add(lines[2]!); // {
  b.add(lines[3]!); // state BACKUP
  take();
  assert.deepEqual(taken, ['a 1']); // the open block is not finished
  b.add(lines[4]!); // }
  take();
  assert.deepEqual(taken, ['a 1', 'vrrp_instance X {state BACKUP}']);
  b.add(lines[5]!);
  take();
  assert.deepEqual(b.end().map(shape), ['b 2']);
});

test('streaming: buildTree and the incremental builder agree, errors included', () => {
  const text = 'x {\n a { b }\n}\n}\n{ c }\nd\n{\ne 1\n}\nf {';
  const d1 = new Diagnostics();
  const whole = buildTree(lexLines(text), d1).map(shape);
  const d2 = new Diagnostics();
  const b = new TreeBuilder(d2);
  const got: string[] = [];
  for (const line of lexLines(text)) {
    b.add(line);
    for (const s of b.takeFinished() ?? []) got.push(shape(s));
  }
  got.push(...b.end().map(shape));
  assert.deepEqual(got, whole);
  assert.deepEqual(d2.items, d1.items);
});

test('lexed words and lines: locations on demand, quote flag, shared column arrays', () => {
  const place = { file: 'f.conf', line: 7 };
  const w = new LexWord('"x"', true, place, 12);
  assert.equal(w.quoted, true);
  assert.equal(new LexWord('y', false, place, 3).quoted, false);
  assert.deepEqual(w.loc, { file: 'f.conf', line: 7, col: 12 });
  assert.notEqual(w.loc, w.loc, 'each call gives a SourceLocation of its own');
  const line = new LexLine([w], 'x', undefined);
  assert.deepEqual(line.loc, { file: 'f.conf', line: 7, col: 12 });

  // Every line pasted from a multi-line definition by ~SEQ is a synthetic single stretch at the `$`.
  const lines = lexLines('$D= \\\n  a 1 \\\n  b 2\n~SEQ(I, 1, 2) $D');
  assert.deepEqual(lines.map((l) => l.words.map((x) => x.text).join(' ')), ['a 1', 'b 2', 'a 1', 'b 2']);
  assert.deepEqual(lines[0]!.cols, [0, 15, 0]);
  assert.equal(lines[0]!.cols, lines[3]!.cols, 'one shared array');
  assert.ok(Object.isFrozen(lines[0]!.cols));
});

test('Locations: a later set of the same field replaces the earlier one; fields are separate', () => {
  const loc = createLocations();
  const a = {};
  const b = {};
  loc.set(a, { file: 'f', line: 1, col: 1 });
  loc.set(a, { file: 'f', line: 2, col: 3 }, 'x');
  loc.set(b, { file: 'g', line: 9, col: 9 }, 'x');
  loc.set(a, { file: 'f', line: 4, col: 5 }, 'x');
  loc.set(a, { file: 'f', line: 6, col: 7 }, 'y');
  assert.deepEqual(loc.get(a), { file: 'f', line: 1, col: 1 });
  assert.deepEqual(loc.get(a, 'x'), { file: 'f', line: 4, col: 5 });
  assert.deepEqual(loc.get(a, 'y'), { file: 'f', line: 6, col: 7 });
  assert.deepEqual(loc.get(b, 'x'), { file: 'g', line: 9, col: 9 });
  assert.equal(loc.get(b), undefined);
  assert.equal(loc.get({}, 'x'), undefined);
});

test('MappedText.replace keeps every character at its column and depth, with no redundant marks', () => {
  const base = MappedText.source('ab ${X} cd', 5).concat(MappedText.synthetic(' ${Y}', 2, 1));
  for (let start = 0; start <= base.length; start++) {
    for (let end = start; end <= base.length; end++) {
      for (const insert of [MappedText.empty, MappedText.synthetic('val', start + 1, 2), MappedText.source('zz', 40)]) {
        const got = base.replace(start, end, insert);
        const what = `replace(${start}, ${end}, '${insert.text}')`;
        assert.equal(got.text, base.text.slice(0, start) + insert.text + base.text.slice(end), what);
        for (let o = 0; o < got.length; o++) {
          const [src, at] = o < start ? [base, o] : o < start + insert.length ? [insert, o - start] : [base, o - start - insert.length + end];
          assert.equal(got.colAt(o), src.colAt(at), `${what}: column at ${o}`);
          assert.equal(got.depthAt(o), src.depthAt(at), `${what}: depth at ${o}`);
        }
        // A mark that merely continues the one before it would be redundant.
        const marks = got.marks;
        for (let m = 1; m < marks.length; m++) {
          const p = marks[m - 1]!;
          const c = marks[m]!;
          const continues = p.literal === c.literal && p.depth === c.depth && (c.literal ? p.col + (c.at - p.at) === c.col : p.col === c.col);
          assert.ok(!continues, `${what}: redundant mark at ${c.at}`);
        }
      }
    }
  }
});

function lexLines(text: string): Line[] {
  const readFile = (p: string) => {
    if (p === 't.conf') return text;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  return lex('t.conf', { configId: 'x', randomSeed: 1, env: {}, readFile }, new Diagnostics()).lines;
}

function shape(s: Stmt): string {
  const head = [s.keyword.text, ...s.args.map((a) => a.text)].join(' ');
  return s.block ? `${head} {${s.block.map(shape).join('; ')}}` : head;
}
