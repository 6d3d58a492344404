/**
 * The BFD subsystem's share of keepalived.conf: `bfd_instance NAME { … }`
 * blocks (see instance.ts), and the check across them that keepalived makes
 * when it adds each instance (bfd_data.c find_bfd_by_addr): two sessions with
 * the same neighbour (and the same multihop setting) are duplicates unless
 * both name a source address and the addresses differ. keepalived ignores the
 * later instance with an error and runs the rest; so do we, with a warning.
 * An instance whose source and neighbour families differ is dropped too
 * (keepalived "disabling instance"; its block's finish reported it).
 */
import { defineFragment } from '../../config/fragment.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { CompileContext } from '../../config/schema/types.js';
import { bfdHead, bfdInstanceBlock, type BfdInstance } from './instance.js';

export type { BfdInstance } from './instance.js';

export interface BfdFragment {
  bfdInstances: BfdInstance[];
}

/** One map lookup per instance: neighbour+multihop → the sources already seen. */
function dropDuplicateSessions(instances: readonly BfdInstance[], ctx: CompileContext): BfdInstance[] {
  const kept: BfdInstance[] = [];
  const seen = new Map<string, { anyWithoutSource: boolean; sources: Set<string> }>();
  for (const b of instances) {
    if (b.neighborIp === undefined) {
      kept.push(b);
      continue;
    }
    if (b.sourceIp !== undefined && b.sourceIp.includes(':') !== b.neighborIp.includes(':')) continue;
    const key = `${b.neighborIp}|${b.multihop ? 'multihop' : 'single'}`;
    const entry = seen.get(key) ?? { anyWithoutSource: false, sources: new Set<string>() };
    const clash = b.sourceIp === undefined ? entry.anyWithoutSource || entry.sources.size > 0 : entry.anyWithoutSource || entry.sources.has(b.sourceIp);
    if (clash) {
      const what = b.sourceIp === undefined ? `neighbor address ${b.neighborIp}` : `source/neighbor address ${b.sourceIp}/${b.neighborIp}`;
      ctx.diags.warning(`BFD instance ${b.name} has duplicate ${what}, ignoring instance`, ctx.locations.get(b), 'bfd_instance');
      continue;
    }
    if (b.sourceIp === undefined) entry.anyWithoutSource = true;
    else entry.sources.add(b.sourceIp);
    seen.set(key, entry);
    kept.push(b);
  }
  return kept;
}

const k = keywordsFor<BfdFragment>();

export const bfdFragment = defineFragment<BfdFragment>({
  name: 'bfd',
  create: () => ({ bfdInstances: [] }),
  keywords: [k.blocks('bfd_instance', bfdInstanceBlock, 'bfdInstances', { tag: 'RARE', head: bfdHead, doc: bfdInstanceBlock.doc })],
  finish(c, ctx) {
    c.bfdInstances = dropDuplicateSessions(c.bfdInstances, ctx);
  },
});
