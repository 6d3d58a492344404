/**
 * Script command lines, read the way keepalived 2.2.7 reads them.
 *
 * keepalived reads a script keyword (`script`, `notify_*`, `misc_path`,
 * `quorum_up` …) twice (lib/notify.c set_script_params_array,
 * parser.c alloc_strvec_quoted_escaped): the whole config line is re-split
 * with shell-like quoting and escapes; word 1 of that is the command, which is
 * split once more into argv; for notify-style keywords words 2 and 3 are the
 * user and group. So `notify "/x.sh 'a b' c" root` runs /x.sh with "a b" and
 * "c" as root, and an unquoted `script /bin/x arg` runs /bin/x alone — we keep
 * that but warn (scriptExtraWordsWarning).
 *
 * The line-level split is the lexer's shellSplit (it needs the line text the
 * lexer keeps on each Line); the argv split is the script runner's
 * splitScriptCommand, so compiler and runner cannot disagree.
 */
import { splitScriptCommand } from '../../core/scripts/command.js';
import { ConfigValueError } from '../diagnostics.js';
import { shellSplit } from '../lexer/words.js';
import type { Word } from '../lexer/types.js';
import type { Stmt } from '../tree.js';
import type { PrintWord, ValueType } from './types.js';

export interface ScriptCommand {
  /** argv[0] is the program (a path, or a bare name looked up in PATH). */
  readonly argv: string[];
  /** Run as this user (notify scripts: the word after the command). */
  readonly user?: string;
  readonly group?: string;
}

/**
 * The words after the keyword as script keywords see them: from the line's
 * text when the lexer kept it, otherwise (hand-built lines) the plain words.
 */
export function scriptWords(words: readonly Word[], stmt?: Stmt): string[] {
  const text = stmt?.line?.text;
  if (text === undefined) return words.map((w) => w.text);
  const split = shellSplit(text);
  if (!split.ok) throw new ConfigValueError(`${split.message} in '${text}'`, stmt!.keyword.loc);
  return split.words.slice(1).map((w) => w.text);
}

function parseArgv(command: string, at: Word): string[] {
  const split = splitScriptCommand(command);
  if (!split.ok) throw new ConfigValueError(split.error, at.loc);
  return split.argv;
}

/** A string that splitScriptCommand splits back into `argv`. */
export function joinCommand(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && !/[\s'"\\]/.test(a) ? a : `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)).join(' ');
}

/** Quotes `text` for the line-level split: "…" with \ and " escaped. */
function shellQuote(text: string): PrintWord {
  return /^[^\s'"\\#!{}$@~]+$/.test(text) ? text : { raw: `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` };
}

/**
 * `notify_master "/path/x.sh args" [USER [GROUP]]` and friends (`withUser`), or
 * vrrp_script's `script` / `misc_path` (no user).
 */
export function scriptCommand(opts: { withUser: boolean }): ValueType<ScriptCommand> {
  return {
    syntax: opts.withUser ? '"COMMAND [ARGS]" [USER [GROUP]]' : '"COMMAND [ARGS]"',
    parse(words, at, stmt) {
      const sw = scriptWords(words, stmt);
      if (sw.length === 0) throw new ConfigValueError('missing script command', at.loc);
      const argv = parseArgv(sw[0]!, words[0] ?? at);
      if (!opts.withUser) return { argv };
      if (sw.length > 3) throw new ConfigValueError(`unexpected extra parameter '${sw[3]}' (expected: COMMAND [USER [GROUP]])`, (words[3] ?? at).loc);
      return {
        argv,
        ...(sw[1] !== undefined ? { user: sw[1] } : {}),
        ...(sw[2] !== undefined ? { group: sw[2] } : {}),
      };
    },
    format(v) {
      const words: PrintWord[] = [shellQuote(joinCommand(v.argv))];
      if (v.user !== undefined) words.push(shellQuote(v.user));
      if (v.group !== undefined) words.push(shellQuote(v.group));
      return words;
    },
  };
}

/**
 * The warning for `script /bin/x arg` (unquoted): keepalived silently runs
 * /bin/x without `arg`. We keep that behaviour but say it, because it is
 * almost always a mistake.
 */
export function scriptExtraWordsWarning(words: readonly Word[], stmt?: Stmt): { message: string; word: Word } | undefined {
  const sw = scriptWords(words, stmt);
  if (sw.length < 2) return undefined;
  return {
    word: words[1] ?? words[0]!,
    message: `only '${sw[0]}' is run: keepalived ignores '${sw.slice(1).join(' ')}' here; quote the whole command line to pass arguments ("${sw.join(' ')}")`,
  };
}
