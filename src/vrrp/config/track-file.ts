/**
 * `track_file NAME { … }` (keepalived trackers/track_file.c; `vrrp_track_file`
 * is the deprecated spelling of the same block): a file holding a number,
 * watched with inotify. Instances, sync groups and FILE_CHECK real servers
 * refer to it by name.
 *
 * With weight 0 a non-zero value means failure; otherwise value × weight is
 * added to the priority, and a result below -253 means FAULT. `init_file
 * [VALUE] [overwrite]` writes VALUE (default 0) to the file at startup when it
 * is missing (or always, with overwrite) — a run-time action; the compiler
 * only records it. Whether the file can be created or watched is checked when
 * the daemon starts, not here.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor, nameHead } from '../../config/schema/define.js';
import type { ValueType } from '../../config/schema/types.js';
import { word } from '../../config/schema/values.js';
import { weightValue, type Weight } from './script.js';
import { readInt } from './words.js';

export interface TrackFileInit {
  /** Written to the file at startup (-254..254 is what a VRRP instance can use). */
  readonly value: number;
  /** Write even when the file exists (not on reload). */
  readonly overwrite: boolean;
}

export interface TrackFile {
  name: string;
  /** Path of the watched file (required). */
  file?: string;
  /** Default weight for the instances/groups that track this file; keepalived's default is 1. */
  weight: Weight;
  initFile?: TrackFileInit;
}

const TRACK_FILE_VALUE_MIN = -254;
const TRACK_FILE_VALUE_MAX = 254;

/** `init_file [VALUE] [overwrite]`, in either order. */
const initFileValue: ValueType<TrackFileInit> = {
  syntax: '[VALUE] [overwrite]',
  parse(words: readonly Word[]) {
    let value = 0;
    let overwrite = false;
    let seenValue = false;
    for (const w of words) {
      if (w.text === 'overwrite') overwrite = true;
      else if (/^[-\d]/.test(w.text) && !seenValue) {
        value = readInt(w, TRACK_FILE_VALUE_MIN, TRACK_FILE_VALUE_MAX);
        seenValue = true;
      } else throw new ConfigValueError(`Unknown track file init option ${w.text} (expected VALUE and/or overwrite)`, w.loc);
    }
    return { value, overwrite };
  },
  format(v) {
    const words = v.value !== 0 ? [String(v.value)] : [];
    if (v.overwrite) words.push('overwrite');
    return words;
  },
};

const k = keywordsFor<TrackFile>();

export const trackFileBlock = defineBlock<TrackFile>({
  name: 'track_file',
  doc: 'A file holding a number; its value, multiplied by the weight, adjusts the priority of the instances that track it.',
  create: () => ({ name: '', weight: { weight: 1, reverse: false } }),
  keywords: [
    k.custom(
      'file',
      { tag: 'RARE', syntax: 'PATH', doc: 'Path of the file to watch.' },
      (m, stmt, ctx) => {
        const path = word('PATH').parse(stmt.args, stmt.keyword);
        if (m.file !== undefined) throw new ConfigValueError(`File already set for track file ${m.name}`, stmt.keyword.loc);
        m.file = path;
        ctx.locations.set(m, stmt.loc, 'file');
      },
      (m) => (m.file === undefined ? [] : [{ words: ['file', m.file] }]),
    ),
    k.scalar('weight', weightValue(-254, 254), 'weight', {
      tag: 'RARE',
      doc: 'Default weight for trackers of this file (0: any non-zero value is a failure); reverse subtracts instead.',
      default: '1',
    }),
    k.scalar('init_file', initFileValue, 'initFile', {
      tag: 'RARE',
      doc: 'Create the file with VALUE (default 0) at startup if it is missing, or always with overwrite.',
    }),
  ],
  finish(m, ctx, loc) {
    // keepalived drops the block (the fragment's finish removes it); references to it are then not found.
    if (m.file === undefined) ctx.diags.warning(`No file set for track_file ${m.name} - ignoring`, loc, 'track_file');
  },
});

export const trackFileHead = nameHead<TrackFile>();
