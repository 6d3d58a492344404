/**
 * global_defs: notify FIFOs (keepalived core/global_parser.c notify_fifo*,
 * core/global_data.c; census §3.2 "Notify FIFOs", §7 for the line format).
 *
 * A notify FIFO receives one line per state change (`INSTANCE "VI_1" MASTER
 * 100`); keepalived creates it if needed, owned by `USER [GROUP]` (default: the
 * script user), and may start a script that reads it, passing the FIFO's name
 * as the script's last argument. `notify_fifo` gets every event,
 * `vrrp_notify_fifo` only VRRP ones (lvs_notify_fifo, checker events, is in the
 * LVS area and uses the same value types exported here).
 *
 * Rules taken from keepalived: each FIFO and each FIFO script may be given once
 * (a second one is reported and ignored); a FIFO script without its FIFO never
 * runs; when the VRRP FIFO is the global FIFO, keepalived drops the VRRP one
 * (else every VRRP line would be written twice) — we do the same and say so.
 */
import { ConfigValueError } from '../diagnostics.js';
import type { EnvironmentContext, ScriptUse } from '../fragment.js';
import { keywordsFor } from '../schema/define.js';
import { scriptCommand, type ScriptCommand } from '../schema/script-values.js';
import type { CompileContext, ValueType } from '../schema/types.js';
import { onlyOnce } from './area-values.js';
import { defineGlobalArea } from './area.js';

export interface NotifyFifo {
  readonly path: string;
  /** Owner of the FIFO; undefined = the default script user. */
  readonly user?: string;
  readonly group?: string;
}

export interface FifoGlobals {
  notifyFifo?: NotifyFifo;
  /** Started by keepalived to read notifyFifo; gets the FIFO path as its last argument. */
  notifyFifoScript?: ScriptCommand;
  vrrpNotifyFifo?: NotifyFifo;
  vrrpNotifyFifoScript?: ScriptCommand;
  /** Also write a line when a VRRP instance's effective priority changes. */
  vrrpNotifyPriorityChanges: boolean;
  /** Write every instance's and sync group's state to the FIFOs after a reload. */
  fifoWriteVrrpStatesOnReload: boolean;
}

/** `FIFO [USER [GROUP]]`. */
export const notifyFifoValue: ValueType<NotifyFifo> = {
  syntax: 'FIFO [USER [GROUP]]',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('missing FIFO name', at.loc);
    if (words.length > 3) throw new ConfigValueError(`unexpected extra parameter '${words[3]!.text}' (expected: FIFO [USER [GROUP]])`, words[3]!.loc);
    if (words[0]!.text === '') throw new ConfigValueError('empty FIFO name', words[0]!.loc);
    return {
      path: words[0]!.text,
      ...(words[1] ? { user: words[1].text } : {}),
      ...(words[2] ? { group: words[2].text } : {}),
    };
  },
  format(v) {
    const words = [v.path];
    if (v.user !== undefined) words.push(v.user);
    if (v.group !== undefined) words.push(v.group);
    return words;
  },
};

/** `COMMAND [USER [GROUP]]` for a FIFO-reading script. */
export const notifyFifoScriptValue = scriptCommand({ withUser: true });

/**
 * Env check shared with the LVS FIFO: keepalived logs "Invalid user/group for
 * … fifo … - ignoring" and runs without that FIFO.
 */
export function checkFifoOwner(fifo: NotifyFifo | undefined, keyword: string, owner: object, field: string, ctx: EnvironmentContext): void {
  if (!fifo || fifo.user === undefined) return;
  const loc = ctx.locations.get(owner, field);
  if (!ctx.host.userExists(fifo.user)) {
    ctx.diags.warning(`Invalid user '${fifo.user}' for fifo ${fifo.path} - the FIFO will not be used`, loc, keyword);
  } else if (fifo.group !== undefined && !ctx.host.groupExists(fifo.group)) {
    ctx.diags.warning(`Invalid group '${fifo.group}' for fifo ${fifo.path} - the FIFO will not be used`, loc, keyword);
  }
}

/** keepalived never starts a FIFO script whose FIFO is not configured. */
export function noteScriptWithoutFifo(
  fifo: NotifyFifo | undefined,
  script: ScriptCommand | undefined,
  names: { fifo: string; script: string },
  owner: object,
  field: string,
  ctx: CompileContext,
): void {
  if (script && !fifo) {
    ctx.diags.notice(`${names.script} is never run without ${names.fifo}`, ctx.locations.get(owner, field), names.script);
  }
}

const k = keywordsFor<FifoGlobals>();

export const fifoArea = defineGlobalArea<FifoGlobals>({
  name: 'notify FIFOs',
  create: () => ({ vrrpNotifyPriorityChanges: false, fifoWriteVrrpStatesOnReload: false }),
  keywords: [
    onlyOnce(
      k.scalar('notify_fifo', notifyFifoValue, 'notifyFifo', { tag: 'COMMON', doc: 'FIFO that receives a line for every VRRP and checker state change.' }),
      (m) => m.notifyFifo !== undefined,
      'notify_fifo already specified',
    ),
    onlyOnce(
      k.scalar('notify_fifo_script', notifyFifoScriptValue, 'notifyFifoScript', { tag: 'COMMON', doc: 'Script started to read notify_fifo (the FIFO name is its last argument).' }),
      (m) => m.notifyFifoScript !== undefined,
      'notify_fifo_script already specified',
    ),
    onlyOnce(
      k.scalar('vrrp_notify_fifo', notifyFifoValue, 'vrrpNotifyFifo', { tag: 'COMMON', doc: 'FIFO that receives a line for every VRRP state change.' }),
      (m) => m.vrrpNotifyFifo !== undefined,
      'vrrp_notify_fifo already specified',
    ),
    onlyOnce(
      k.scalar('vrrp_notify_fifo_script', notifyFifoScriptValue, 'vrrpNotifyFifoScript', { tag: 'COMMON', doc: 'Script started to read vrrp_notify_fifo (the FIFO name is its last argument).' }),
      (m) => m.vrrpNotifyFifoScript !== undefined,
      'vrrp_notify_fifo_script already specified',
    ),
    k.flag('vrrp_notify_priority_changes', 'vrrpNotifyPriorityChanges', { tag: 'RARE', doc: 'Also write VRRP priority changes to the notify FIFOs.' }),
    k.flag('fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload', {
      tag: 'RARE',
      doc: 'Write the state of every VRRP instance and sync group to the FIFOs after a reload.',
      noArg: true,
    }),
  ],
  finish(g, ctx) {
    noteScriptWithoutFifo(g.notifyFifo, g.notifyFifoScript, { fifo: 'notify_fifo', script: 'notify_fifo_script' }, g, 'notifyFifoScript', ctx);
    noteScriptWithoutFifo(g.vrrpNotifyFifo, g.vrrpNotifyFifoScript, { fifo: 'vrrp_notify_fifo', script: 'vrrp_notify_fifo_script' }, g, 'vrrpNotifyFifoScript', ctx);
    if (g.notifyFifo && g.vrrpNotifyFifo && g.notifyFifo.path === g.vrrpNotifyFifo.path) {
      ctx.diags.notice(
        `notify FIFO ${g.vrrpNotifyFifo.path} has been specified for global and vrrp FIFO - ignoring vrrp FIFO`,
        ctx.locations.get(g, 'vrrpNotifyFifo'),
        'vrrp_notify_fifo',
      );
      delete g.vrrpNotifyFifo;
      delete g.vrrpNotifyFifoScript;
    }
  },
  scripts(g): ScriptUse[] {
    const out: ScriptUse[] = [];
    if (g.notifyFifoScript) out.push({ script: g.notifyFifoScript, owner: g, field: 'notifyFifoScript', what: 'notify_fifo_script' });
    if (g.vrrpNotifyFifoScript) out.push({ script: g.vrrpNotifyFifoScript, owner: g, field: 'vrrpNotifyFifoScript', what: 'vrrp_notify_fifo_script' });
    return out;
  },
  checkEnvironment(g, ctx) {
    checkFifoOwner(g.notifyFifo, 'notify_fifo', g, 'notifyFifo', ctx);
    checkFifoOwner(g.vrrpNotifyFifo, 'vrrp_notify_fifo', g, 'vrrpNotifyFifo', ctx);
  },
});
