/**
 * `garp_group { … }`: a rate limit for gratuitous ARPs and unsolicited
 * neighbour advertisements on an interface or a set of interfaces behind one
 * switch (keepalived vrrp/vrrp_parser.c garp_group_*; man5 "VRRP gratuitous
 * ARP and unsolicited neighbour advert delay group(s)").
 *
 * Every interface named in one block shares one pacing timer: `interface X`
 * (which may be repeated) and `interfaces { X Y }` add to the same list, and
 * keepalived treats both the same way except in its debug dump. The model
 * therefore holds one list; the printer writes `interface` for a single
 * interface and an `interfaces` block otherwise.
 *
 * A group needs at least one of garp_interval / gna_interval (keepalived drops
 * a group with neither). Intervals are decimal seconds with µs resolution, up
 * to INT_MAX µs; a second or more is allowed but keepalived remarks on it.
 * An interface may belong to one group only; that, and the interfaces' names,
 * are checked by the fragment (interface-settings.ts) across all groups.
 * Whether the interfaces exist and are not VMACs is for the running system.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor, lineWords } from '../../config/schema/define.js';
import { timer } from '../../config/schema/values.js';
import type { CompileContext } from '../../config/schema/types.js';
import type { Word } from '../../config/lexer/types.js';
import { interfaceName } from './interface-name.js';

export interface GarpGroup {
  /** Minimum time between gratuitous ARPs on these interfaces, ms. */
  garpIntervalMs?: number;
  /** Minimum time between unsolicited neighbour advertisements on these interfaces, ms. */
  gnaIntervalMs?: number;
  /** Interfaces sharing this pacing, in order of appearance. */
  interfaces: string[];
}

/** INT_MAX microseconds, the most keepalived accepts. */
const MAX_INTERVAL_MS = 2147483.647;
const interval = timer(0, MAX_INTERVAL_MS);

/** Where each interface of a group was named, for the fragment's duplicate check. */
export function interfaceField(name: string): string {
  return `interface ${name}`;
}

/** Checks every word first, so a bad name drops the whole statement rather than half of it. */
function addInterfaces(g: GarpGroup, words: readonly Word[], ctx: CompileContext): void {
  const names = words.map((w) => interfaceName.parse([w], w));
  names.forEach((name, i) => {
    g.interfaces.push(name);
    ctx.locations.set(g, words[i]!.loc, interfaceField(name));
  });
}

function noteLargeInterval(ms: number | undefined, keyword: string, g: GarpGroup, field: string, ctx: CompileContext): void {
  if (ms !== undefined && ms >= 1000) {
    ctx.diags.notice(`The ${keyword} is very large - ${ms / 1000} seconds`, ctx.locations.get(g, field), keyword);
  }
}

const k = keywordsFor<GarpGroup>();

export const garpGroupBlock = defineBlock<GarpGroup>({
  name: 'garp_group',
  doc: 'Paces gratuitous ARPs / unsolicited NAs on an interface, or on a set of interfaces behind one switch.',
  create: () => ({ interfaces: [] }),
  keywords: [
    k.scalar('garp_interval', interval, 'garpIntervalMs', { tag: 'RARE', doc: 'Minimum seconds between gratuitous ARPs on these interfaces.' }),
    k.scalar('gna_interval', interval, 'gnaIntervalMs', { tag: 'RARE', doc: 'Minimum seconds between unsolicited neighbour advertisements on these interfaces.' }),
    k.custom(
      'interface',
      { tag: 'RARE', syntax: interfaceName.syntax, doc: 'An interface the intervals apply to (may be repeated).', repeatable: true },
      (g, stmt, ctx) => {
        if (stmt.block) throw new ConfigValueError("'interface' does not take a { } block", stmt.loc);
        if (stmt.args.length === 0) throw new ConfigValueError('missing interface name', stmt.keyword.loc);
        if (stmt.args.length > 1) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[1]!.text}'`, stmt.args[1]!.loc);
        addInterfaces(g, stmt.args, ctx);
      },
      (g) => (g.interfaces.length === 1 ? [{ words: ['interface', g.interfaces[0]!] }] : []),
    ),
    k.custom(
      'interfaces',
      { tag: 'RARE', syntax: '{ INTERFACE … }', doc: 'Interfaces (behind one switch) across which the intervals are shared.', repeatable: true },
      (g, stmt, ctx) => {
        if (stmt.args.length > 0) throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
        if (!stmt.block) throw new ConfigValueError("'interfaces' needs a { } block", stmt.loc);
        if (stmt.block.length === 0) throw new ConfigValueError('empty garp_group interfaces block', stmt.loc);
        const nested = stmt.block.find((line) => line.block);
        if (nested) throw new ConfigValueError("unexpected { } block inside 'interfaces'", nested.loc);
        addInterfaces(g, stmt.block.flatMap(lineWords), ctx);
      },
      (g) => (g.interfaces.length > 1 ? [{ words: ['interfaces'], block: g.interfaces.map((i) => ({ words: [i] })) }] : []),
    ),
  ],
  finish(g, ctx, loc) {
    if (g.garpIntervalMs === undefined && g.gnaIntervalMs === undefined) {
      throw new ConfigValueError('garp group does not have any delay set (give garp_interval and/or gna_interval)', loc);
    }
    noteLargeInterval(g.garpIntervalMs, 'garp_interval', g, 'garpIntervalMs', ctx);
    noteLargeInterval(g.gnaIntervalMs, 'gna_interval', g, 'gnaIntervalMs', ctx);
  },
});
