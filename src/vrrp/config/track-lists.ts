/**
 * The tracker lists of vrrp_instance and vrrp_sync_group (keepalived
 * vrrp_track.c alloc_track_*, track_file.c vrrp_alloc_track_file):
 *
 *   track_interface { IF [weight W [reverse]] }                 W -253..253, default 0
 *   track_script    { NAME [weight W [reverse|noreverse]] }     W -253..253
 *   track_file      { NAME [weight W [reverse|noreverse]] }     W -254..254
 *   track_process   { NAME [weight W [reverse|noreverse]] }     W -254..254
 *   track_bfd       { NAME [weight W [reverse|noreverse]] }     W -253..253
 *
 * Weight 0 means "FAULT while the tracked object is down"; otherwise the
 * weight moves the priority (reverse: in the other direction). A script,
 * file, process or BFD reference without a weight takes the weight (and
 * reverse) of the object it names; the vrrp fragment's finish fills those in
 * once every block is read. keepalived used to accept ±254 for interfaces and
 * scripts and now rewrites it to ±253 with an error; here it is simply out of
 * range. A name listed twice in one block is an error, as in keepalived.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import type { Info } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { lineList, type LineType } from './line-list.js';
import { readIfName, readInt } from './words.js';

export interface TrackRef {
  /** Interface name, or the name of a vrrp_script / track_file / vrrp_track_process / bfd_instance. */
  readonly name: string;
  /**
   * Priority change while the object is up (0 = FAULT while it is down).
   * Unset in the line = the tracked object's own weight, filled in by the
   * fragment's finish; always set in a compiled Config.
   */
  weight?: number;
  /** Apply the weight in the opposite direction. */
  reverse?: boolean;
}

export type TrackerKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';

interface TrackerSpec {
  readonly keyword: string;
  readonly min: number;
  readonly max: number;
  /** Whether `noreverse` is accepted (not for interfaces). */
  readonly noreverse: boolean;
  /** Whether an unweighted line inherits the tracked object's weight. */
  readonly inherits: boolean;
}

export const TRACKERS: Readonly<Record<TrackerKind, TrackerSpec>> = {
  interface: { keyword: 'track_interface', min: -253, max: 253, noreverse: false, inherits: false },
  script: { keyword: 'track_script', min: -253, max: 253, noreverse: true, inherits: true },
  file: { keyword: 'track_file', min: -254, max: 254, noreverse: true, inherits: true },
  process: { keyword: 'track_process', min: -254, max: 254, noreverse: true, inherits: true },
  bfd: { keyword: 'track_bfd', min: -253, max: 253, noreverse: true, inherits: true },
};

function trackLine(kind: TrackerKind): LineType<TrackRef> {
  const spec = TRACKERS[kind];
  const reverseSyntax = spec.noreverse ? 'reverse|noreverse' : 'reverse';
  return {
    syntax: `${kind === 'interface' ? 'IF' : 'NAME'} [weight ${spec.min}..${spec.max} [${reverseSyntax}]]`,
    parse(words: readonly Word[]): TrackRef {
      const [nameWord, opt, value, dir, extra] = words as [Word, Word?, Word?, Word?, Word?];
      const name = kind === 'interface' ? readIfName(nameWord) : nameWord.text;
      if (!opt) return spec.inherits ? { name } : { name, weight: 0, reverse: false };
      if (opt.text !== 'weight') throw new ConfigValueError(`unknown ${spec.keyword} ${name} option ${opt.text} (expected weight)`, opt.loc);
      if (!value) throw new ConfigValueError(`weight without value specified for ${spec.keyword} ${name}`, opt.loc);
      const weight = readInt(value, spec.min, spec.max);
      let reverse = false;
      if (dir) {
        if (dir.text === 'reverse') reverse = true;
        else if (!(spec.noreverse && dir.text === 'noreverse')) {
          throw new ConfigValueError(`unknown ${spec.keyword} ${name} weight option ${dir.text} (expected ${reverseSyntax})`, dir.loc);
        }
      }
      if (extra) throw new ConfigValueError(`unexpected '${extra.text}' after ${spec.keyword} ${name} weight`, extra.loc);
      return { name, weight, reverse };
    },
    format(t: TrackRef): string[] {
      if (t.weight === undefined) return [t.name];
      if (kind === 'interface' && t.weight === 0 && !t.reverse) return [t.name];
      return t.reverse ? [t.name, 'weight', String(t.weight), 'reverse'] : [t.name, 'weight', String(t.weight)];
    },
  };
}

/** The tracker lists an instance or a sync group holds. */
export interface Trackers {
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  trackBfds: TrackRef[];
}

export function emptyTrackers(): Trackers {
  return { trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfds: [] };
}

const FIELD: Readonly<Record<TrackerKind, keyof Trackers>> = {
  interface: 'trackInterfaces',
  script: 'trackScripts',
  file: 'trackFiles',
  process: 'trackProcesses',
  bfd: 'trackBfds',
};

export function trackerField(kind: TrackerKind): keyof Trackers {
  return FIELD[kind];
}

const DOCS: Readonly<Record<TrackerKind, Info>> = {
  interface: { tag: 'COMMON', doc: 'Interfaces whose link state is tracked: FAULT while one is down, or a priority change when weighted.' },
  script: { tag: 'CORE', doc: 'vrrp_script blocks whose result is tracked; without a weight, the script\'s own weight applies.' },
  file: { tag: 'RARE', doc: 'track_file blocks whose value is tracked; without a weight, the track_file\'s own weight applies.' },
  process: { tag: 'COMMON', doc: 'vrrp_track_process blocks whose process count is tracked; without a weight, the block\'s own weight applies.' },
  bfd: { tag: 'RARE', doc: 'bfd_instance sessions whose state is tracked; without a weight, the bfd_instance\'s own weight applies.' },
};

/** The five track_* list keywords for a model holding Trackers. */
export function trackerKeywords<M extends Trackers>(): Keyword<M>[] {
  return (Object.keys(TRACKERS) as TrackerKind[]).map((kind) => {
    const field = FIELD[kind];
    return lineList<M, TrackRef>(TRACKERS[kind].keyword, trackLine(kind), {
      get: (m) => m[field],
      set: (m, items) => {
        m[field] = items;
      },
    }, {
      ...DOCS[kind],
      unique: { key: (t) => t.name, message: (t) => `duplicate ${TRACKERS[kind].keyword} ${t.name}` },
    });
  });
}
