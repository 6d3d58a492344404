/**
 * `MISC_CHECK { … }`: runs a program; exit status 0 is up, 1 is down, and with
 * `misc_dynamic` 2..255 is up with the real server's weight set to status − 2
 * (check_misc.c). There are no connection options; the default retry is 0.
 *
 * `misc_path` takes its first word only and re-splits it like a shell line
 * (see script-values.ts), so arguments must be inside the quotes. A run longer
 * than `misc_timeout` is killed and counts as a failure; unset (or 0), the
 * limit is the virtual server's delay_loop — keepalived uses the virtual
 * server's value there, not the checker's.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import { scriptCommand, scriptExtraWordsWarning, type ScriptCommand } from '../../config/schema/script-values.js';
import type { Keyword, ValueType } from '../../config/schema/types.js';
import { wholeSeconds } from '../../config/schema/values.js';
import { emptyTiming, timingKeywords, type CheckerSpec, type EffectiveTiming, type TimedChecker } from './checker-common.js';

export interface MiscCheck extends TimedChecker {
  type: 'MISC_CHECK';
  script?: ScriptCommand;
  /** Kill the program after this long, ms; 0 = the virtual server's delay_loop. */
  timeoutMs: number;
  /** Exit status 2..255 sets the real server's weight to status − 2. */
  dynamic: boolean;
  user?: string;
  group?: string;
  effective: EffectiveTiming & {
    /** The kill timeout actually applied, ms. */
    timeoutMs: number;
  };
}

/** `USER [GROUP]`. */
export const userGroupValue: ValueType<{ user: string; group?: string }> = {
  syntax: 'USER [GROUP]',
  parse(words: readonly Word[], at: Word) {
    if (words.length === 0) throw new ConfigValueError('No user specified', at.loc);
    if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
    return words[1] ? { user: words[0]!.text, group: words[1].text } : { user: words[0]!.text };
  },
  format: (v) => (v.group === undefined ? [v.user] : [v.user, v.group]),
};

const k = keywordsFor<MiscCheck>();
const command = scriptCommand({ withUser: false });
const doc = 'Runs a program whose exit status says whether the server is up.';

export const miscCheck: CheckerSpec<MiscCheck> = {
  name: 'MISC_CHECK',
  tag: 'COMMON',
  doc,
  options: 'timing',
  defaults: { retry: 0, delayBeforeRetryMs: 1000 },
  incomplete: (c) => (c.script ? undefined : 'No script path has been specified for MISC_CHECKER - skipping'),
  block: defineBlock<MiscCheck>({
    name: 'MISC_CHECK',
    doc,
    create: () => ({ type: 'MISC_CHECK', timeoutMs: 0, dynamic: false, effective: { ...emptyTiming(), timeoutMs: 0 } }),
    keywords: [
      k.custom(
        'misc_path',
        { tag: 'CORE', syntax: command.syntax, doc: 'The program to run, with its arguments inside the quotes.' },
        (m, stmt, ctx) => {
          m.script = command.parse(stmt.args, stmt.keyword, stmt);
          const extra = scriptExtraWordsWarning(stmt.args, stmt);
          if (extra) ctx.diags.warning(extra.message, extra.word.loc, 'misc_path');
          ctx.locations.set(m, stmt.loc, 'script');
        },
        (m) => (m.script ? [{ words: ['misc_path', ...command.format(m.script)] }] : []),
      ),
      k.scalar('misc_timeout', wholeSeconds(0, 4294), 'timeoutMs', { tag: 'COMMON', doc: 'Seconds after which the program is killed and the check fails; 0 = the virtual server delay_loop.', default: 'the virtual server delay_loop' }),
      k.flag('misc_dynamic', 'dynamic', { tag: 'RARE', noArg: true, doc: 'Exit status 2..255 means up, with the real server weight set to status − 2.' }),
      k.custom(
        'user',
        { tag: 'RARE', syntax: userGroupValue.syntax, doc: 'User (and group) to run the program as.', default: 'global script_user' },
        (m, stmt, ctx) => {
          const v = userGroupValue.parse(stmt.args, stmt.keyword);
          m.user = v.user;
          if (v.group !== undefined) m.group = v.group;
          else delete m.group;
          ctx.locations.set(m, stmt.loc, 'user');
        },
        (m) => (m.user === undefined ? [] : [{ words: ['user', ...userGroupValue.format({ user: m.user, ...(m.group !== undefined ? { group: m.group } : {}) })] }]),
      ),
      ...(timingKeywords() as Keyword<MiscCheck>[]),
    ],
  }),
};
