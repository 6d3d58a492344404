/**
 * `vrrp_script NAME { … }`: a tracking script run every `interval`; its exit
 * status moves the priority of the instances that track it by `weight`, or puts
 * them in FAULT when the weight is 0 (keepalived vrrp_parser.c, vrrp_track.c).
 *
 * This block is also the worked example of a keyword table: one line per
 * keyword, keepalived's defaults in create(), whole-block checks in finish().
 */
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor, nameHead } from '../../config/schema/define.js';
import { scriptCommand, scriptExtraWordsWarning, type ScriptCommand } from '../../config/schema/script-values.js';
import type { ValueType } from '../../config/schema/types.js';
import { ConfigValueError } from '../../config/diagnostics.js';
import { int, wholeSeconds } from '../../config/schema/values.js';

export interface Weight {
  /** Added to (or, when reverse, subtracted from) the priority while the tracked object is up. */
  readonly weight: number;
  readonly reverse: boolean;
}

export interface VrrpScript {
  name: string;
  script?: ScriptCommand;
  /** Time between runs, ms (keepalived reads whole seconds). */
  intervalMs: number;
  /** A run longer than this is killed and counts as a failure, ms; 0 = the interval. */
  timeoutMs: number;
  weight: Weight;
  /** Successes needed to go from failed to OK. */
  rise: number;
  /** Failures needed to go from OK to failed. */
  fall: number;
  user?: string;
  group?: string;
  /** Start in the failed state instead of OK until the first result. */
  initFail: boolean;
}

/** `WEIGHT [reverse]` with the range a tracker allows (-253..253 for scripts). */
export function weightValue(min: number, max: number): ValueType<Weight> {
  const num = int(min, max);
  return {
    syntax: `${min}..${max} [reverse]`,
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError('missing weight', at.loc);
      const weight = num.parse([words[0]!], at);
      if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
      const opt = words[1];
      if (opt && opt.text !== 'reverse') throw new ConfigValueError(`unknown weight option '${opt.text}' (expected 'reverse')`, opt.loc);
      return { weight, reverse: opt !== undefined };
    },
    format: (v) => (v.reverse ? [String(v.weight), 'reverse'] : [String(v.weight)]),
  };
}

/** `USER [GROUP]`. */
const userGroup: ValueType<{ user: string; group?: string }> = {
  syntax: 'USER [GROUP]',
  parse(words: readonly Word[], at: Word) {
    if (words.length === 0) throw new ConfigValueError('missing user name', at.loc);
    if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
    return words[1] ? { user: words[0]!.text, group: words[1].text } : { user: words[0]!.text };
  },
  format: (v) => (v.group === undefined ? [v.user] : [v.user, v.group]),
};

const k = keywordsFor<VrrpScript>();
const command = scriptCommand({ withUser: false });

export const vrrpScriptBlock = defineBlock<VrrpScript>({
  name: 'vrrp_script',
  doc: 'A tracking script whose exit status adjusts the priority of the VRRP instances that track it.',
  create: () => ({ name: '', intervalMs: 1000, timeoutMs: 0, weight: { weight: 0, reverse: false }, rise: 1, fall: 1, initFail: false }),
  keywords: [
    k.custom(
      'script',
      { tag: 'CORE', syntax: command.syntax, doc: 'The command to run; exit status 0 is success.' },
      (m, stmt, ctx) => {
        m.script = command.parse(stmt.args, stmt.keyword, stmt);
        const extra = scriptExtraWordsWarning(stmt.args, stmt);
        if (extra) ctx.diags.warning(extra.message, extra.word.loc, 'script');
        ctx.locations.set(m, stmt.loc, 'script');
      },
      (m) => (m.script ? [{ words: ['script', ...command.format(m.script)] }] : []),
    ),
    k.scalar('interval', wholeSeconds(1, 4294), 'intervalMs', { tag: 'CORE', doc: 'Seconds between runs.', default: '1' }),
    k.scalar('timeout', wholeSeconds(1, 4294), 'timeoutMs', { tag: 'COMMON', doc: 'Seconds after which a run is killed and counted as failed.', default: 'the interval' }),
    k.scalar('weight', weightValue(-253, 253), 'weight', { tag: 'CORE', doc: 'Priority adjustment while the script succeeds (reverse: while it fails); 0 means FAULT on failure.', default: '0' }),
    k.scalar('rise', int(1, 2147483647), 'rise', { tag: 'COMMON', doc: 'Consecutive successes before the script counts as OK.', default: '1' }),
    k.scalar('fall', int(1, 2147483647), 'fall', { tag: 'COMMON', doc: 'Consecutive failures before the script counts as failed.', default: '1' }),
    k.custom(
      'user',
      { tag: 'RARE', syntax: userGroup.syntax, doc: 'User (and group) to run the script as.' },
      (m, stmt) => {
        const v = userGroup.parse(stmt.args, stmt.keyword);
        m.user = v.user;
        if (v.group !== undefined) m.group = v.group;
      },
      (m) => (m.user === undefined ? [] : [{ words: ['user', ...userGroup.format({ user: m.user, ...(m.group !== undefined ? { group: m.group } : {}) })] }]),
    ),
    k.flag('init_fail', 'initFail', { tag: 'RARE', doc: 'Assume the script is failing until its first run says otherwise.', noArg: true }),
  ],
  finish(m, ctx, loc) {
    // keepalived drops the block (the fragment's finish removes it); references to it are then not found.
    if (!m.script) ctx.diags.warning(`No script set for vrrp_script ${m.name} - removing`, loc, 'vrrp_script');
  },
});

export const vrrpScriptHead = nameHead<VrrpScript>();
