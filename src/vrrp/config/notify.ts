/**
 * Notify scripts of vrrp_instance and vrrp_sync_group (keepalived
 * vrrp_parser.c vrrp_notify_* / vrrp_gnotify_*): programs run on state
 * transitions, each `"COMMAND [ARGS]" [USER [GROUP]]`.
 *
 * `notify` gets four more arguments: INSTANCE|GROUP, the name, the new state
 * and the priority. `notify_deleted` (instances only) reports DELETED instead
 * of FAULT when a reload removes the instance, and may name a script of its
 * own. Each script may be given once per block; keepalived ignores a second
 * one with an error, and so is it here. Whether the program exists and is
 * safe to run (enable_script_security) is checked by the script runner at
 * start-up, not by the compiler.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Info } from '../../config/schema/define.js';
import { keywordsFor } from '../../config/schema/define.js';
import { scriptCommand, type ScriptCommand } from '../../config/schema/script-values.js';
import type { Keyword } from '../../config/schema/types.js';

export interface NotifyScripts {
  master?: ScriptCommand;
  backup?: ScriptCommand;
  fault?: ScriptCommand;
  /** Run when keepalived stops the instance/group. */
  stop?: ScriptCommand;
  /** Instances only: run when a reload deletes the instance (see notifyDeleted). */
  deleted?: ScriptCommand;
  /** Instances only: run when a MASTER receives a lower-priority advert. */
  masterRxLowerPri?: ScriptCommand;
  /** Run on every transition with TYPE NAME STATE PRIORITY appended. */
  any?: ScriptCommand;
}

export interface HasNotify {
  notify: NotifyScripts;
}

const command = scriptCommand({ withUser: true });

type ScriptKey = Exclude<keyof NotifyScripts, 'deleted'>;

function notifyKeyword<M extends HasNotify>(name: string, key: ScriptKey, info: Info): Keyword<M> {
  const k = keywordsFor<M>();
  return k.custom(
    name,
    { ...info, syntax: command.syntax },
    (m, stmt, ctx) => {
      const v = command.parse(stmt.args, stmt.keyword, stmt);
      if (m.notify[key] !== undefined) throw new ConfigValueError(`${name} script already specified - ignoring ${stmt.args[0]!.text}`, stmt.keyword.loc);
      m.notify[key] = v;
      ctx.locations.set(m.notify, stmt.loc, key);
    },
    (m) => {
      const v = m.notify[key];
      return v === undefined ? [] : [{ words: [name, ...command.format(v)] }];
    },
  );
}

/** notify_master/backup/fault/stop and notify, shared by instances and sync groups. */
export function commonNotifyKeywords<M extends HasNotify>(owner: 'instance' | 'group'): Keyword<M>[] {
  const who = owner === 'instance' ? 'the instance' : 'the sync group';
  return [
    notifyKeyword<M>('notify_master', 'master', { tag: 'COMMON', doc: `Script run when ${who} becomes MASTER.` }),
    notifyKeyword<M>('notify_backup', 'backup', { tag: 'COMMON', doc: `Script run when ${who} becomes BACKUP.` }),
    notifyKeyword<M>('notify_fault', 'fault', { tag: 'COMMON', doc: `Script run when ${who} enters FAULT.` }),
    notifyKeyword<M>('notify_stop', 'stop', { tag: owner === 'instance' ? 'COMMON' : 'RARE', doc: `Script run when keepalived stops ${who}.` }),
    notifyKeyword<M>('notify', 'any', {
      tag: 'COMMON',
      doc: `Script run on every transition of ${who}, with TYPE NAME STATE PRIORITY appended to its arguments.`,
    }),
  ];
}

export interface HasNotifyDeleted extends HasNotify {
  /** Report DELETED rather than FAULT when a reload removes the instance. */
  notifyDeleted: boolean;
}

/** notify_deleted [SCRIPT [USER [GROUP]]] and notify_master_rx_lower_pri (instances only). */
export function instanceOnlyNotifyKeywords<M extends HasNotifyDeleted>(): Keyword<M>[] {
  const k = keywordsFor<M>();
  return [
    k.custom(
      'notify_deleted',
      { tag: 'RARE', syntax: `[${command.syntax}]`, doc: 'Report DELETED instead of FAULT when a reload removes the instance, optionally running a script.' },
      (m, stmt, ctx) => {
        if (m.notifyDeleted) throw new ConfigValueError('notify_deleted already specified', stmt.keyword.loc);
        if (stmt.args.length > 0) m.notify.deleted = command.parse(stmt.args, stmt.keyword, stmt);
        m.notifyDeleted = true;
        ctx.locations.set(m, stmt.loc, 'notifyDeleted');
      },
      (m) => {
        if (!m.notifyDeleted) return [];
        return [{ words: m.notify.deleted ? ['notify_deleted', ...command.format(m.notify.deleted)] : ['notify_deleted'] }];
      },
    ),
    notifyKeyword<M>('notify_master_rx_lower_pri', 'masterRxLowerPri', {
      tag: 'RARE',
      doc: 'Script run when the instance, as MASTER, receives an advert with a lower priority.',
    }),
  ];
}
