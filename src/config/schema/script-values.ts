/**
 * Script command lines, split the way keepalived splits them.
 *
 * keepalived takes the first argument of `script`, `notify_*`, `misc_path`,
 * `quorum_up` … as ONE word and re-tokenises it (lib/notify.c
 * set_script_params_array → parser.c alloc_strvec_quoted_escaped): whitespace
 * separates arguments, '…' and "…" group them, backslash escapes work inside
 * and outside quotes. So `notify "/x.sh 'a b' c"` runs /x.sh with "a b" and "c".
 * For notify-style keywords the next two words are the user and group; an
 * unquoted `script /bin/x arg` silently drops `arg` in keepalived — we warn.
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import type { ValueType } from './types.js';

export interface ScriptCommand {
  /** argv[0] is the program (a path, or a bare name looked up in PATH). */
  readonly argv: string[];
  /** Run as this user (notify scripts: the word after the command). */
  readonly user?: string;
  readonly group?: string;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Splits a command string into arguments with keepalived's quoting and escapes. */
export function tokenizeCommand(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') {
        i++;
        if (i >= text.length) throw new ConfigValueError(`missing escaped character at the end of '${text}'`);
        const e = text[i]!;
        if (e === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
          let hex = '';
          while (/[0-9a-fA-F]/.test(text[i + 1] ?? '')) hex += text[++i];
          word += String.fromCharCode(Number.parseInt(hex, 16) & 0xff);
        } else if (e === 'c' && i + 1 < text.length) {
          word += String.fromCharCode(text.charCodeAt(++i) & 0x1f);
        } else if (e >= '0' && e <= '7') {
          let oct = e;
          while (oct.length < 3 && /[0-7]/.test(text[i + 1] ?? '')) oct += text[++i];
          word += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
        } else {
          word += SIMPLE_ESCAPES[e] ?? e;
        }
        continue;
      }
      if (quote) {
        if (c === quote) quote = undefined;
        else word += c;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        continue;
      }
      if (/\s/.test(c)) break;
      word += c;
    }
    if (quote) throw new ConfigValueError(`String '${text}': missing terminating ${quote}`);
    out.push(word);
  }
  return out;
}

/** The inverse of tokenizeCommand: one string that splits back into `argv`. */
export function joinCommand(argv: readonly string[]): string {
  return argv
    .map((a) => (a !== '' && !/[\s'"\\]/.test(a) ? a : `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`))
    .join(' ');
}

function parseArgv(w: Word): string[] {
  let argv: string[];
  try {
    argv = tokenizeCommand(w.text);
  } catch (e) {
    if (e instanceof ConfigValueError) throw new ConfigValueError(e.message, w.loc);
    throw e;
  }
  if (argv.length === 0 || argv[0] === '') throw new ConfigValueError('empty script command', w.loc);
  return argv;
}

/**
 * `notify_master "/path/x.sh args" [USER [GROUP]]` and friends (`withUser`), or
 * vrrp_script's `script` / `misc_path` (no user): there keepalived runs only the
 * first word and drops the rest; use `scriptExtraWordsWarning` to say so.
 */
export function scriptCommand(opts: { withUser: boolean }): ValueType<ScriptCommand> {
  return {
    syntax: opts.withUser ? '"COMMAND [ARGS]" [USER [GROUP]]' : '"COMMAND [ARGS]"',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError('missing script command', at.loc);
      const argv = parseArgv(words[0]!);
      if (!opts.withUser) return { argv };
      if (words.length > 3) throw new ConfigValueError(`unexpected extra parameter '${words[3]!.text}' (expected: COMMAND [USER [GROUP]])`, words[3]!.loc);
      return {
        argv,
        ...(words[1] ? { user: words[1].text } : {}),
        ...(words[2] ? { group: words[2].text } : {}),
      };
    },
    format(v) {
      const words = [joinCommand(v.argv)];
      if (v.user !== undefined) words.push(v.user);
      if (v.group !== undefined) words.push(v.group);
      return words;
    },
  };
}

/**
 * The warning for `script /bin/x arg` (unquoted): keepalived silently runs
 * /bin/x without `arg`. We keep that behaviour but say it, because it is
 * almost always a mistake.
 */
export function scriptExtraWordsWarning(words: readonly Word[]): { message: string; word: Word } | undefined {
  if (words.length < 2) return undefined;
  return {
    word: words[1]!,
    message: `only '${words[0]!.text}' is run: keepalived ignores '${words
      .slice(1)
      .map((w) => w.text)
      .join(' ')}' here; quote the whole command line to pass arguments ("${words.map((w) => w.text).join(' ')}")`,
  };
}
