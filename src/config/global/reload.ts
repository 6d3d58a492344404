/**
 * global_defs: how the configuration is read and reloaded, and where state
 * dumps go (keepalived core/global_parser.c, lib/parser.c include_check_set,
 * set_random_seed; census §3.2 "Reload / config handling / dumps").
 *
 * include_check and random_seed act while the file is being read: the lexer
 * honours them as it meets them (an include_check applies to the includes that
 * follow it, a random_seed to the ${_RANDOM} that follow it). The compiler only
 * records the final values, so `-d` shows them; `applyIncludeCheck` is the one
 * definition of include_check's words for both.
 *
 * include_check words: a plain word sets the checks to `read` plus that check
 * (only the first word may be plain), `+check` adds one, `-check` removes one;
 * no word at all means every check. The checks are read, match, wildcard_match
 * and brace_match (keepalived's code says `read` where its man page says
 * `readable`; the code is what it accepts).
 *
 * umask: a number (decimal, 0octal or 0xhex, strtol's rules) or bit names
 * joined by '|' (IWGRP|IWOTH); keepalived's default is 0177. `-u` on the
 * command line overrides it.
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import { keywordsFor } from '../schema/define.js';
import type { ValueType } from '../schema/types.js';
import { int } from '../schema/values.js';
import { onlyOnce, optionalPath, path } from './area-values.js';
import { defineGlobalArea } from './area.js';

export const INCLUDE_CHECKS = ['read', 'match', 'wildcard_match', 'brace_match'] as const;
export type IncludeCheck = (typeof INCLUDE_CHECKS)[number];

export interface ReloadGlobals {
  /** Check a new configuration before reloading; the path is where the check logs ('/dev/null' when none is given). */
  reloadCheckConfig?: string;
  /** File holding a time at which to reload. */
  reloadTimeFile?: string;
  /** Keep the reload time file after reloading (daily reloads). */
  reloadRepeat: boolean;
  /** File keepalived holds while reading the configuration; '' = keepalived.reload in the PID directory. */
  reloadFile?: string;
  /** Include checks in force at the end of the file (canonical order). */
  includeCheck: IncludeCheck[];
  /** Directory where configuration and state are saved around each reload (no trailing '/'). */
  configSaveDir?: string;
  /** Directory on whose filesystem the private copy of the configuration is kept. */
  tmpConfigDirectory?: string;
  /** Seed for ${_RANDOM}; undefined = seeded from the clock. */
  randomSeed?: number;
  /** File creation mask (mode bits). */
  umask: number;
  /** Put the instance name and namespace in the names of the SIGUSR1/SIGUSR2 dump files. */
  dataUseInstance: boolean;
  /** Format of the SIGJSON dump (keepalived 2.3+). */
  jsonVersion: number;
  stateDumpFile?: string;
  statsDumpFile?: string;
  jsonDumpFile?: string;
  /** Where iproute2 keeps its tables (rt_tables, rt_protos …) (keepalived 2.3+). */
  iprouteUsrDir?: string;
  iprouteEtcDir?: string;
}

/**
 * Applies one include_check statement's words to the checks in force.
 * Throws ConfigValueError naming the offending word.
 */
export function applyIncludeCheck(current: readonly IncludeCheck[], words: readonly Word[]): IncludeCheck[] {
  if (words.length === 0) return [...INCLUDE_CHECKS];
  const set = new Set(current);
  words.forEach((w, i) => {
    const sign = w.text[0] === '+' || w.text[0] === '-' ? w.text[0] : '';
    const name = w.text.slice(sign.length);
    const check = INCLUDE_CHECKS.find((c) => c === name);
    if (!sign && i > 0) throw new ConfigValueError(`Duplicate include_check '${w.text}' specified (use +${w.text} to add it)`, w.loc);
    if (!check) throw new ConfigValueError(`Unknown include_check type '${name}' (expected ${INCLUDE_CHECKS.join('|')})`, w.loc);
    if (sign === '') {
      set.clear();
      set.add('read').add(check);
    } else if (sign === '+') {
      set.add(check);
    } else {
      set.delete(check);
    }
  });
  return INCLUDE_CHECKS.filter((c) => set.has(c));
}

/** Words that give back `checks` when applied to none. */
export function formatIncludeCheck(checks: readonly IncludeCheck[]): string[] {
  if (checks.length === INCLUDE_CHECKS.length) return [];
  return checks.map((c) => `+${c}`);
}

const UMASK_BITS: Record<string, number> = {
  IRUSR: 0o400,
  IWUSR: 0o200,
  IXUSR: 0o100,
  IRGRP: 0o040,
  IWGRP: 0o020,
  IXGRP: 0o010,
  IROTH: 0o004,
  IWOTH: 0o002,
  IXOTH: 0o001,
};

/** strtol(…, 0): 0x… hex, 0… octal, else decimal. */
function parseCNumber(w: Word): number {
  const t = w.text;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^0[0-7]*$/.test(t)) return Number.parseInt(t, 8);
  if (/^[1-9]\d*$/.test(t)) return Number(t);
  throw new ConfigValueError(`invalid umask value ${t}`, w.loc);
}

const umaskValue: ValueType<number> = {
  syntax: 'NUMBER|BIT[|BIT…]',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('missing umask value', at.loc);
    if (/^\d/.test(words[0]!.text)) {
      if (words.length > 1) throw new ConfigValueError(`Extra parameter(s) to umask option: '${words[1]!.text}'`, words[1]!.loc);
      const v = parseCNumber(words[0]!);
      if (v > 0o777) throw new ConfigValueError(`invalid umask value ${words[0]!.text} (only permission bits, at most 0777)`, words[0]!.loc);
      return v;
    }
    // keepalived lets the names and '|' be split over several words: "IWGRP | IWOTH".
    const at0 = words[0]!;
    const tokens = words.map((w) => w.text).join('').split('|');
    let mask = 0;
    tokens.forEach((text, i) => {
      if (text === '') throw new ConfigValueError(i === tokens.length - 1 ? 'umask missing bit value' : `Invalid umask syntax '${words.map((w) => w.text).join(' ')}'`, at0.loc);
      const bit = UMASK_BITS[text];
      if (bit === undefined) throw new ConfigValueError(`Unknown umask bit ${text} (expected I{R|W|X}{USR|GRP|OTH})`, at0.loc);
      mask |= bit;
    });
    return mask;
  },
  format: (v) => [v === 0 ? '0' : `0${v.toString(8)}`],
};

const k = keywordsFor<ReloadGlobals>();

export const reloadArea = defineGlobalArea<ReloadGlobals>({
  name: 'reload, configuration handling and dumps',
  create: () => ({ reloadRepeat: false, includeCheck: [], umask: 0o177, dataUseInstance: false, jsonVersion: 1 }),
  keywords: [
    k.scalar('reload_check_config', optionalPath('/dev/null', '[LOG_FILE]'), 'reloadCheckConfig', {
      tag: 'RARE',
      doc: 'Check a new configuration before reloading and only reload if it is valid; the check logs to LOG_FILE.',
    }),
    k.scalar('reload_time_file', path(), 'reloadTimeFile', { tag: 'RARE', doc: 'File whose first line (HH:MM:SS or [YY]YY-MM-DD HH:MM:SS[Z]) schedules a reload.' }),
    k.flag('reload_repeat', 'reloadRepeat', { tag: 'RARE', doc: 'Keep the reload time file after the reload, so a time-only entry reloads daily.', noArg: true }),
    k.scalar('reload_file', optionalPath(''), 'reloadFile', {
      tag: 'RARE',
      doc: 'File that exists while keepalived reads its configuration (default keepalived.reload in the PID directory).',
    }),
    k.custom(
      'include_check',
      { tag: 'RARE', syntax: '[[+|-]CHECK …]', doc: 'Make missing or unmatched include files errors (read, match, wildcard_match, brace_match).', repeatable: true },
      (m, stmt, ctx) => {
        m.includeCheck = applyIncludeCheck(m.includeCheck, stmt.args);
        ctx.locations.set(m, stmt.loc, 'includeCheck');
      },
      (m) => (m.includeCheck.length === 0 ? [] : [{ words: ['include_check', ...formatIncludeCheck(m.includeCheck)] }]),
    ),
    k.scalar(
      'config_save_dir',
      {
        ...path('DIRECTORY'),
        parse: (words, at) => path().parse(words, at).replace(/(.)\/$/, '$1'),
      },
      'configSaveDir',
      { tag: 'RARE', doc: 'Directory where configuration and state are saved before and after each reload (debugging).' },
    ),
    onlyOnce(
      k.scalar('tmp_config_directory', path('DIRECTORY'), 'tmpConfigDirectory', {
        tag: 'RARE',
        doc: 'Keep the private copy of the configuration on this filesystem instead of in memory.',
      }),
      (m) => m.tmpConfigDirectory !== undefined,
      'tmp_config_directory already specified',
    ),
    k.scalar('random_seed', int(0, 4294967295), 'randomSeed', { tag: 'RARE', doc: 'Seed for ${_RANDOM}, to make generated configurations repeatable.', default: 'from the clock' }),
    k.scalar('umask', umaskValue, 'umask', { tag: 'RARE', doc: 'File creation mask, as a number or bit names (IWGRP|IWOTH).', default: '0177' }),
    k.flag('data_use_instance', 'dataUseInstance', { tag: 'RARE', doc: 'Put the instance name and namespace in the names of data dump files.' }),
    k.scalar('json_version', int(1, 2), 'jsonVersion', { tag: 'RARE', doc: 'Format of the JSON dump.', default: '1', since: '2.3' }),
    k.scalar('state_dump_file', path(), 'stateDumpFile', { tag: 'RARE', doc: 'Where SIGUSR1 writes the state dump (a path ending in / is a directory).', since: '2.3' }),
    k.scalar('stats_dump_file', path(), 'statsDumpFile', { tag: 'RARE', doc: 'Where SIGUSR2 writes the stats dump (a path ending in / is a directory).', since: '2.3' }),
    k.scalar('json_dump_file', path(), 'jsonDumpFile', { tag: 'RARE', doc: 'Where SIGJSON writes the JSON dump (a path ending in / is a directory).', since: '2.3' }),
    k.scalar('iproute_usr_dir', path('DIRECTORY'), 'iprouteUsrDir', { tag: 'RARE', doc: "iproute2's directory of default tables.", default: 'found at build time', since: '2.3' }),
    k.scalar('iproute_etc_dir', path('DIRECTORY'), 'iprouteEtcDir', { tag: 'RARE', doc: "iproute2's directory of local tables.", default: '/etc/iproute2', since: '2.3' }),
  ],
});
