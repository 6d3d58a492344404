/**
 * The LVS area of global_defs (global_parser.c): the IPVS connection sync
 * daemon, IPVS timeouts, flushing the IPVS table, and the checker-wide
 * switches (log every failure, the LVS notify FIFO, notifies for the initial
 * real server states).
 *
 * `lvs_sync_daemon IF [inst VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`
 * also accepts the pre-2.0 positional form `IF VI [SYNCID]`; the printer
 * writes the keyword form. When tied to a VRRP instance the daemon runs as
 * master while the instance is MASTER; its sync id then defaults to the
 * instance's VRID (else 0). The instance name is checked against the
 * vrrp_instance blocks by the VRRP fragment once those exist.
 */
import { ConfigValueError } from '../diagnostics.js';
import type { Word } from '../lexer/types.js';
import { keywordsFor } from '../schema/define.js';
import { canonicalIp } from '../schema/net-values.js';
import { scriptCommand, type ScriptCommand } from '../schema/script-values.js';
import type { CompileContext } from '../schema/types.js';
import type { Stmt } from '../tree.js';
import { defineGlobalArea } from './area.js';

export interface LvsSyncDaemon {
  interface: string;
  /** vrrp_instance whose state drives master/backup. */
  instance?: string;
  /** 0..255; default: the instance's VRID, else 0. */
  syncId?: number;
  /** Maximum sync message size, bytes. */
  maxLen?: number;
  /** UDP port (the kernel's default is 8848). */
  port?: number;
  ttl?: number;
  /** Multicast group (the kernel's default is 224.0.0.81). */
  group?: string;
}

/** IPVS connection timeouts; an unset one is left as the kernel has it. */
export interface LvsTimeouts {
  tcpMs?: number;
  tcpFinMs?: number;
  udpMs?: number;
}

export interface NotifyFifo {
  path: string;
  user?: string;
  group?: string;
}

export interface LvsGlobals {
  lvsSyncDaemon?: LvsSyncDaemon;
  lvsTimeouts: LvsTimeouts;
  /** Flush the IPVS table at start-up. */
  lvsFlush: boolean;
  /** At shutdown: leave the table, flush all of it, or remove only our services. */
  lvsFlushOnStop: 'off' | 'all' | 'vs';
  /** Log every failed check (as each checker's log_all_failures). */
  checkerLogAllFailures: boolean;
  lvsNotifyFifo?: NotifyFifo;
  /** Run with the FIFO path as its last argument; reads the FIFO. */
  lvsNotifyFifoScript?: ScriptCommand;
  /** Run notify scripts / FIFO lines for the initial state of each real server. */
  rsInitNotifies: boolean;
}

const k = keywordsFor<LvsGlobals>();
const LVS_MAX_TIMEOUT_S = 86400 * 31;
const notifyCommand = scriptCommand({ withUser: true });

function numberAfter(words: readonly Word[], i: number, what: string, min: number, max: number): number {
  const w = words[i + 1];
  if (!w) throw new ConfigValueError(`No value specified for ${what}`, words[i]!.loc);
  if (!/^\d+$/.test(w.text) || Number(w.text) < min || Number(w.text) > max) throw new ConfigValueError(`Invalid ${what} (${w.text}), expected ${min}..${max}`, w.loc);
  return Number(w.text);
}

function isMulticast(address: string, family: 4 | 6): boolean {
  return family === 4 ? Number(address.split('.')[0]) >= 224 && Number(address.split('.')[0]) <= 239 : address.toLowerCase().startsWith('ff');
}

export function parseSyncDaemon(words: readonly Word[], at: Word, ctx: CompileContext): LvsSyncDaemon {
  const ifWord = words[0];
  if (!ifWord) throw new ConfigValueError('lvs_sync_daemon requires interface', at.loc);
  if (ifWord.text.length > 15) throw new ConfigValueError(`lvs_sync_daemon interface name '${ifWord.text}' too long (at most 15 characters)`, ifWord.loc);
  const d: LvsSyncDaemon = { interface: ifWord.text };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    switch (w.text) {
      case 'inst': {
        const name = words[i + 1];
        if (!name) throw new ConfigValueError('No value specified for lvs_sync_daemon inst', w.loc);
        if (d.instance !== undefined) throw new ConfigValueError(`lvs_sync_daemon vrrp instance has already been specified as ${d.instance}`, w.loc);
        d.instance = name.text;
        i++;
        break;
      }
      case 'id':
        d.syncId = numberAfter(words, i++, 'lvs_sync_daemon id', 0, 255);
        break;
      case 'maxlen':
        d.maxLen = numberAfter(words, i++, 'lvs_sync_daemon maxlen', 1, 65535 - 20 - 8);
        break;
      case 'port':
        d.port = numberAfter(words, i++, 'lvs_sync_daemon port', 1, 65535);
        break;
      case 'ttl':
        d.ttl = numberAfter(words, i++, 'lvs_sync_daemon ttl', 1, 255);
        break;
      case 'group': {
        const g = words[i + 1];
        if (!g) throw new ConfigValueError('No value specified for lvs_sync_daemon group', w.loc);
        const ip = canonicalIp(g.text);
        if (!ip) throw new ConfigValueError(`Invalid lvs_sync_daemon group (${g.text})`, g.loc);
        if (!isMulticast(ip.address, ip.family)) throw new ConfigValueError(`lvs_sync_daemon group address ${g.text} is not multicast`, g.loc);
        d.group = ip.address;
        i++;
        break;
      }
      default:
        // The old positional form: IF VRRP_INSTANCE [SYNCID].
        if (i === 1 && d.instance === undefined) {
          d.instance = w.text;
        } else if (i === 2 && /^\d+$/.test(w.text)) {
          d.syncId = numberAfter(words, i - 1, 'syncid', 0, 255);
          ctx.diags.warning('Please use keyword "id" before lvs_sync_daemon SYNCID', w.loc, 'lvs_sync_daemon');
        } else {
          throw new ConfigValueError(`Unknown option ${w.text} specified for lvs_sync_daemon`, w.loc);
        }
    }
  }
  return d;
}

export function formatSyncDaemon(d: LvsSyncDaemon): string[] {
  const out = [d.interface];
  if (d.instance !== undefined) out.push('inst', d.instance);
  if (d.syncId !== undefined) out.push('id', String(d.syncId));
  if (d.maxLen !== undefined) out.push('maxlen', String(d.maxLen));
  if (d.port !== undefined) out.push('port', String(d.port));
  if (d.ttl !== undefined) out.push('ttl', String(d.ttl));
  if (d.group !== undefined) out.push('group', d.group);
  return out;
}

const TIMEOUT_KEYS = { tcp: 'tcpMs', tcpfin: 'tcpFinMs', udp: 'udpMs' } as const;

function applyTimeouts(m: LvsGlobals, stmt: Stmt): void {
  const words = stmt.args;
  if (words.length < 2) throw new ConfigValueError('lvs_timeouts requires at least one option (tcp|tcpfin|udp SECONDS)', stmt.loc);
  const next: LvsTimeouts = { ...m.lvsTimeouts };
  for (let i = 0; i < words.length; i += 2) {
    const w = words[i]!;
    const key = TIMEOUT_KEYS[w.text as keyof typeof TIMEOUT_KEYS];
    if (!key) throw new ConfigValueError(`Unknown option ${w.text} specified for lvs_timeouts (expected tcp|tcpfin|udp)`, w.loc);
    next[key] = numberAfter(words, i, `lvs_timeout ${w.text}`, 0, LVS_MAX_TIMEOUT_S) * 1000;
  }
  m.lvsTimeouts = next;
}

function formatTimeouts(t: LvsTimeouts): string[] {
  const out: string[] = [];
  for (const [word, key] of Object.entries(TIMEOUT_KEYS)) {
    const v = t[key];
    if (v !== undefined) out.push(word, String(Math.round(v / 1000)));
  }
  return out;
}

function parseFifo(words: readonly Word[], at: Word): NotifyFifo {
  if (!words[0]) throw new ConfigValueError('No lvs_notify_fifo name specified', at.loc);
  if (words[3]) throw new ConfigValueError(`unexpected extra parameter '${words[3].text}'`, words[3].loc);
  return { path: words[0].text, ...(words[1] ? { user: words[1].text } : {}), ...(words[2] ? { group: words[2].text } : {}) };
}

export const lvsArea = defineGlobalArea<LvsGlobals>({
  name: 'LVS',
  create: () => ({ lvsTimeouts: {}, lvsFlush: false, lvsFlushOnStop: 'off', checkerLogAllFailures: false, rsInitNotifies: false }),
  keywords: [
    k.custom(
      'lvs_sync_daemon',
      { tag: 'COMMON', syntax: 'IFNAME [inst VRRP_INSTANCE] [id 0..255] [maxlen N] [port PORT] [ttl 1..255] [group MCAST]', doc: 'Run the IPVS connection sync daemon on this interface, following a VRRP instance.' },
      (m, stmt, ctx) => {
        const d = parseSyncDaemon(stmt.args, stmt.keyword, ctx);
        if (m.lvsSyncDaemon) throw new ConfigValueError(`lvs_sync_daemon has already been specified as ${m.lvsSyncDaemon.interface} - ignoring`, stmt.loc);
        m.lvsSyncDaemon = d;
        ctx.locations.set(m, stmt.loc, 'lvsSyncDaemon');
      },
      (m) => (m.lvsSyncDaemon ? [{ words: ['lvs_sync_daemon', ...formatSyncDaemon(m.lvsSyncDaemon)] }] : []),
    ),
    k.custom(
      'lvs_timeouts',
      { tag: 'RARE', syntax: `[tcp 0..${LVS_MAX_TIMEOUT_S}] [tcpfin SECONDS] [udp SECONDS]`, doc: 'IPVS connection timeouts, seconds (ipvsadm --set).' },
      (m, stmt) => applyTimeouts(m, stmt),
      (m) => (Object.keys(m.lvsTimeouts).length === 0 ? [] : [{ words: ['lvs_timeouts', ...formatTimeouts(m.lvsTimeouts)] }]),
    ),
    k.flag('lvs_flush', 'lvsFlush', { tag: 'RARE', noArg: true, doc: 'Flush the whole IPVS table at start-up.' }),
    k.custom(
      'lvs_flush_on_stop',
      { tag: 'RARE', syntax: '[VS]', aliases: [{ name: 'lvs_flush_onstop', deprecated: true }], doc: 'At shutdown flush the whole IPVS table, or with VS only the services keepalived configured.', default: 'off' },
      (m, stmt) => {
        const w = stmt.args[0];
        if (stmt.args[1]) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[1].text}'`, stmt.args[1].loc);
        if (w && w.text !== 'VS') throw new ConfigValueError(`Unknown lvs_flush_on_stop type ${w.text} (expected VS)`, w.loc);
        m.lvsFlushOnStop = w ? 'vs' : 'all';
      },
      (m) => (m.lvsFlushOnStop === 'off' ? [] : [{ words: m.lvsFlushOnStop === 'vs' ? ['lvs_flush_on_stop', 'VS'] : ['lvs_flush_on_stop'] }]),
    ),
    k.flag('checker_log_all_failures', 'checkerLogAllFailures', { tag: 'RARE', doc: 'Log every failed check of every checker.' }),
    k.custom(
      'lvs_notify_fifo',
      { tag: 'RARE', syntax: 'PATH [USER [GROUP]]', doc: 'FIFO that receives a line for each virtual and real server state change.' },
      (m, stmt, ctx) => {
        const f = parseFifo(stmt.args, stmt.keyword);
        if (m.lvsNotifyFifo) throw new ConfigValueError(`lvs_notify_fifo already specified - ignoring ${f.path}`, stmt.loc);
        m.lvsNotifyFifo = f;
        ctx.locations.set(m, stmt.loc, 'lvsNotifyFifo');
      },
      (m) => {
        const f = m.lvsNotifyFifo;
        return f ? [{ words: ['lvs_notify_fifo', f.path, ...(f.user !== undefined ? [f.user] : []), ...(f.group !== undefined ? [f.group] : [])] }] : [];
      },
    ),
    k.custom(
      'lvs_notify_fifo_script',
      { tag: 'RARE', syntax: notifyCommand.syntax, doc: 'Script started to read the LVS notify FIFO (the FIFO path is added as its last argument).' },
      (m, stmt, ctx) => {
        const s = notifyCommand.parse(stmt.args, stmt.keyword, stmt);
        if (m.lvsNotifyFifoScript) throw new ConfigValueError(`lvs_notify_fifo_script already specified - ignoring ${stmt.args[0]!.text}`, stmt.loc);
        m.lvsNotifyFifoScript = s;
        ctx.locations.set(m, stmt.loc, 'lvsNotifyFifoScript');
      },
      (m) => (m.lvsNotifyFifoScript ? [{ words: ['lvs_notify_fifo_script', ...notifyCommand.format(m.lvsNotifyFifoScript)] }] : []),
    ),
    k.flag('rs_init_notifies', 'rsInitNotifies', { tag: 'RARE', doc: 'Send notifies for the initial state of every real server.' }),
  ],
});
