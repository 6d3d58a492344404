/**
 * `FILE_CHECK { … }`: the real server follows a `track_file` (a file holding a
 * number, watched with inotify): the number times `weight` is added to the
 * real server's weight, and a result at or below -IPVS weight means down
 * (check_file.c, trackers/track_file.c). Without `weight`, the track_file's
 * own weight applies. No connection or timing options: it is not a polled
 * check. man5 documents a `dynamic` keyword that no keepalived parser accepts;
 * it is an unknown keyword here too.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { ValueType } from '../../config/schema/types.js';
import { int, word } from '../../config/schema/values.js';
import { COMMON_DEFAULTS, type CheckerSpec } from './checker-common.js';

export interface TrackWeight {
  weight: number;
  reverse: boolean;
}

export interface FileCheck {
  type: 'FILE_CHECK';
  /** Name of a top-level track_file block. */
  trackFile: string;
  /** Absent: the track_file's own weight. */
  weight?: TrackWeight;
  /** The weight applied: this block's, else the track_file's (default 1). */
  effective: { weight: TrackWeight };
}

const IPVS_WEIGHT_LIMIT = 2147483647;

/** `WEIGHT [reverse|noreverse]`. */
export function trackWeightValue(limit: number): ValueType<TrackWeight> {
  const num = int(-limit, limit);
  return {
    syntax: `-${limit}..${limit} [reverse|noreverse]`,
    parse(words: readonly Word[], at: Word) {
      if (words.length === 0) throw new ConfigValueError('track file weight missing', at.loc);
      const weight = num.parse([words[0]!], at);
      const opt = words[1];
      if (words[2]) throw new ConfigValueError(`unexpected extra parameter '${words[2].text}'`, words[2].loc);
      if (opt && opt.text !== 'reverse' && opt.text !== 'noreverse') {
        throw new ConfigValueError(`unknown track file weight option ${opt.text} (expected reverse|noreverse)`, opt.loc);
      }
      return { weight, reverse: opt?.text === 'reverse' };
    },
    format: (v) => (v.reverse ? [String(v.weight), 'reverse'] : [String(v.weight)]),
  };
}

const k = keywordsFor<FileCheck>();
const doc = 'Follows the value in a track_file: it adjusts the weight, or takes the server down.';

export const fileCheck: CheckerSpec<FileCheck> = {
  name: 'FILE_CHECK',
  tag: 'RARE',
  doc,
  options: 'none',
  defaults: COMMON_DEFAULTS,
  incomplete: (c) => (c.trackFile ? undefined : 'FILE_CHECK has no track_file specified - ignoring'),
  block: defineBlock<FileCheck>({
    name: 'FILE_CHECK',
    doc,
    create: () => ({ type: 'FILE_CHECK', trackFile: '', effective: { weight: { weight: 1, reverse: false } } }),
    keywords: [
      k.scalar('track_file', word('NAME'), 'trackFile', { tag: 'RARE', doc: 'Name of the track_file block to follow.' }),
      k.scalar('weight', trackWeightValue(IPVS_WEIGHT_LIMIT), 'weight', { tag: 'RARE', doc: 'Multiplier for the file\'s value (reverse: subtract).', default: "the track_file's weight" }),
    ],
  }),
};
