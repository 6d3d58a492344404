/**
 * `real_server IP [PORT] { … }` inside a virtual_server: one IPVS
 * destination, its options and its checkers (check_parser.c rs_handler and
 * the keywords after it).
 *
 * Options a real server leaves unset come from its virtual server; the
 * virtual server's finish() puts the results in `effective` (weight,
 * forwarding method, inhibit_on_failure) and in each checker's `effective`.
 * The timing options here are only defaults for the checkers, so they stay as
 * written (unset = inherit).
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor, type Head } from '../../config/schema/define.js';
import { scriptCommand, type ScriptCommand } from '../../config/schema/script-values.js';
import type { Keyword, PrintStmt } from '../../config/schema/types.js';
import { int, word } from '../../config/schema/values.js';
import { connectTimeoutValue, delayLoopValue, delayValue, type TimingFields } from './checker-common.js';
import { checkerKeywords, type Checker } from './checkers.js';
import { forwardingValue, serverAddress, type Forwarding, type ServerAddress } from './values.js';

export interface RealServer extends ServerAddress, TimingFields {
  /** IPVS weight; unset = the virtual server's `weight` (default 1). */
  weight?: number;
  forwarding?: Forwarding;
  /** IPVS upper / lower connection thresholds (0 = none). */
  uthreshold?: number;
  lthreshold?: number;
  /** On failure set the weight to 0 instead of removing the server. */
  inhibitOnFailure?: boolean;
  notifyUp?: ScriptCommand;
  notifyDown?: ScriptCommand;
  connectTimeoutMs?: number;
  /** Mail on state changes; unset: global smtp_alert_checker, then smtp_alert, then on. */
  smtpAlert?: boolean;
  /** Host header default for this server's HTTP_GET/SSL_GET. */
  virtualhost?: string;
  snmpName?: string;
  checkers: Checker[];
  effective: {
    weight: number;
    forwarding: Forwarding;
    inhibitOnFailure: boolean;
    /** smtp_alert, else global smtp_alert_checker, else smtp_alert, else on (keepalived's default for real servers). */
    smtpAlert: boolean;
  };
}

/** keepalived's IPVS_WEIGHT_LIMIT (INT32_MAX). */
export const IPVS_WEIGHT_LIMIT = 2147483647;
const UINT_MAX = 4294967295;

export const notifyCommand = scriptCommand({ withUser: true });

/** A notify-style script keyword; keepalived keeps the first and reports a repeat. */
export function notifyKeyword<M>(name: string, key: keyof M, i: { tag: 'CORE' | 'COMMON' | 'RARE'; doc: string }): Keyword<M> {
  return keywordsFor<M>().custom(
    name,
    { tag: i.tag, syntax: notifyCommand.syntax, doc: i.doc },
    (m, stmt, ctx) => {
      const v = notifyCommand.parse(stmt.args, stmt.keyword, stmt);
      if (m[key] !== undefined) throw new ConfigValueError(`${name} script already specified - ignoring ${stmt.args[0]!.text}`, stmt.loc);
      (m as Record<keyof M, unknown>)[key] = v;
      ctx.locations.set(m as object, stmt.loc, String(key));
    },
    (m): PrintStmt[] => {
      const v = m[key] as ScriptCommand | undefined;
      return v === undefined ? [] : [{ words: [name, ...notifyCommand.format(v)] }];
    },
  );
}

/** `snmp_name NAME`: exactly one word (keepalived: "missing or extra parameters"). */
export const snmpName = word('NAME');

const k = keywordsFor<RealServer>();
const address = serverAddress('real server');

export const realServerHead: Head<RealServer, ServerAddress> = {
  type: address,
  get: (m) => (m.port === undefined ? { address: m.address, family: m.family } : { address: m.address, family: m.family, port: m.port }),
  set(m, h) {
    m.address = h.address;
    m.family = h.family;
    if (h.port !== undefined) m.port = h.port;
  },
};

export const realServerBlock = defineBlock<RealServer>({
  name: 'real_server',
  doc: 'A real server (IPVS destination) of the virtual server, with its health checkers.',
  create: () => ({ address: '', family: 4, checkers: [], effective: { weight: 1, forwarding: { method: 'NAT' }, inhibitOnFailure: false, smtpAlert: true } }),
  keywords: [
    k.scalar('weight', int(0, IPVS_WEIGHT_LIMIT), 'weight', { tag: 'CORE', doc: 'IPVS weight.', default: "the virtual server's weight (1)" }),
    k.scalar('lvs_method', forwardingValue('real'), 'forwarding', { tag: 'RARE', doc: 'Forwarding method for this server; a tunnelled server may differ in address family.', default: "the virtual server's" }),
    k.scalar('uthreshold', int(0, UINT_MAX), 'uthreshold', { tag: 'RARE', doc: 'IPVS upper connection threshold (0 = none).' }),
    k.scalar('lthreshold', int(0, UINT_MAX), 'lthreshold', { tag: 'RARE', doc: 'IPVS lower connection threshold (0 = none).' }),
    k.flag('inhibit_on_failure', 'inhibitOnFailure', { tag: 'COMMON', doc: 'On failure set the weight to 0 instead of removing the server.', default: "the virtual server's" }),
    notifyKeyword<RealServer>('notify_up', 'notifyUp', { tag: 'COMMON', doc: 'Script run when the server comes up.' }),
    notifyKeyword<RealServer>('notify_down', 'notifyDown', { tag: 'COMMON', doc: 'Script run when the server goes down.' }),
    k.flag('alpha', 'alpha', { tag: 'RARE', doc: 'Checkers start failed until their first success.', default: "the virtual server's" }),
    k.scalar('retry', int(1, UINT_MAX), 'retry', { tag: 'COMMON', doc: 'Default retry for the checkers.', default: "the virtual server's" }),
    k.scalar('delay_before_retry', delayValue, 'delayBeforeRetryMs', { tag: 'COMMON', doc: 'Default delay_before_retry for the checkers, seconds.', default: "the virtual server's" }),
    k.scalar('warmup', delayValue, 'warmupMs', { tag: 'RARE', doc: 'Default warmup for the checkers, seconds.', default: "the virtual server's" }),
    k.scalar('connect_timeout', connectTimeoutValue, 'connectTimeoutMs', { tag: 'COMMON', doc: 'Default connect_timeout for the checkers, seconds.', default: "the virtual server's" }),
    k.scalar('delay_loop', delayLoopValue, 'delayLoopMs', { tag: 'COMMON', doc: 'Default delay_loop for the checkers, seconds.', default: "the virtual server's" }),
    k.flag('smtp_alert', 'smtpAlert', { tag: 'RARE', doc: 'Send mail when the server changes state.', default: 'global smtp_alert_checker / smtp_alert, else on' }),
    k.scalar('virtualhost', word('HOST'), 'virtualhost', { tag: 'RARE', doc: 'Host header default for this server\'s HTTP checks.', default: "the virtual server's" }),
    k.scalar('snmp_name', snmpName, 'snmpName', { tag: 'RARE', doc: 'Label for this server in SNMP output.' }),
    ...checkerKeywords<RealServer>(),
  ],
  finish(m, ctx) {
    // A real server may follow a bfd_instance only once (check_bfd.c).
    // The Set is made only when there is a BFD_CHECK (most real servers have none).
    let seen: Set<string> | undefined;
    m.checkers = m.checkers.filter((c) => {
      if (c.type !== 'BFD_CHECK') return true;
      seen ??= new Set();
      if (!seen.has(c.name)) return seen.add(c.name), true;
      ctx.diags.warning(`BFD_CHECK - RS already monitoring ${c.name} - skipping checker`, ctx.locations.get(c), 'BFD_CHECK');
      return false;
    });
  },
});
