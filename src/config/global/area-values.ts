/**
 * Small value types and keyword wrappers shared by the global_defs area files
 * (identity, scripts, FIFOs, process tuning, netlink, SNMP, reload).
 *
 * They cover the argument shapes keepalived's global parser uses again and
 * again: `USER [GROUP]`, an optional path with a default meaning, a number of
 * microseconds held as milliseconds, a keyword that takes no parameter inside
 * a nested model object, and "may be given only once" (keepalived reports a
 * second `notify_fifo`, `snmp_socket`, `startup_script` … and keeps the first;
 * we report it as an error and keep the first too).
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { Keyword, ValueType } from '../schema/types.js';
import { int, oneWord } from '../schema/values.js';

/** `USER [GROUP]`: who runs a script or owns a FIFO. */
export interface UserGroup {
  readonly user: string;
  readonly group?: string;
}

export function parseUserGroup(words: readonly Word[], at: Word): UserGroup {
  if (words.length === 0) throw new ConfigValueError('missing user name', at.loc);
  if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
  return words[1] ? { user: words[0]!.text, group: words[1].text } : { user: words[0]!.text };
}

export function formatUserGroup(v: UserGroup | undefined): string[] {
  if (!v) return [];
  return v.group === undefined ? [v.user] : [v.user, v.group];
}

export const userGroup: ValueType<UserGroup> = {
  syntax: 'USER [GROUP]',
  parse: parseUserGroup,
  format: (v) => formatUserGroup(v),
};

/** A keyword with no parameter that sets a boolean held below the area's top level. */
export const presence: ValueType<boolean> = {
  syntax: '',
  parse(words) {
    if (words.length > 0) throw new ConfigValueError(`unexpected parameter '${words[0]!.text}' (this keyword takes none)`, words[0]!.loc);
    return true;
  },
  format: () => [],
};

/** A non-empty word naming a file or directory. */
export function path(syntax = 'PATH'): ValueType<string> {
  return {
    syntax,
    parse(words, at) {
      const w = oneWord(words, at);
      if (w.text === '') throw new ConfigValueError('empty path', w.loc);
      return w.text;
    },
    format: (v) => [v],
  };
}

/**
 * `keyword [PATH]`: without a path the keyword still means something
 * (reload_check_config logs to /dev/null, reload_file uses the default file);
 * `whenMissing` is what the model holds then.
 */
export function optionalPath(whenMissing: string, syntax = '[PATH]'): ValueType<string> {
  const one = path();
  return {
    syntax,
    parse: (words, at) => (words.length === 0 ? whenMissing : one.parse(words, at)),
    format: (v) => (v === whenMissing ? [] : [v]),
  };
}

/** An integer number of microseconds in [minUs, maxUs], held in the model as milliseconds. */
export function microsecondsAsMs(minUs: number, maxUs: number): ValueType<number> {
  const inner = int(minUs, maxUs);
  return {
    syntax: `${minUs}..${maxUs} (microseconds)`,
    parse: (words, at) => inner.parse(words, at) / 1000,
    format: (ms) => [String(Math.round(ms * 1000))],
  };
}

/**
 * Wraps a keyword so that a second use is an error naming the first value
 * (keepalived: "… already specified - ignoring …"); the first one stands.
 */
export function onlyOnce<M>(kw: Keyword<M>, isSet: (model: M) => boolean, message: string): Keyword<M> {
  return {
    ...kw,
    apply(model, stmt, ctx) {
      if (isSet(model)) throw new ConfigValueError(message, stmt.keyword.loc);
      kw.apply(model, stmt, ctx);
    },
  };
}
