/**
 * vrrp_instance keywords for the election and the instance's behaviour:
 * state, priority, VRID, advert interval, version, preemption, strict and
 * accept mode, notify scripts, and the deprecated leftovers
 * (keepalived vrrp_parser.c; man keepalived.conf "VRRP instance(s)").
 *
 * Values are checked here one keyword at a time; rules that involve several
 * keywords or global_defs (strict mode, state vs priority, nopreempt vs
 * state MASTER, …) are in instance-resolve.ts.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { Keyword, ValueType } from '../../config/schema/types.js';
import { int, oneOf, timer } from '../../config/schema/values.js';
import type { VrrpInstance, VrrpVersion } from './instance-model.js';
import { alwaysPrinted, printedWhen, warnWhenSpelled } from './line-list.js';
import { commonNotifyKeywords, instanceOnlyNotifyKeywords } from './notify.js';
import { readIfName } from './words.js';

const k = keywordsFor<VrrpInstance>();

const version: ValueType<VrrpVersion> = {
  syntax: '2|3',
  parse: (words, at) => int(2, 3).parse(words, at) as VrrpVersion,
  format: (v) => [String(v)],
};

/** VRRPv2 carries the interval in whole seconds (8 bits), VRRPv3 in centiseconds (12 bits). */
const ADVERT_MIN_MS = 10;
const ADVERT_MAX_MS = 255_000;
/** keepalived's TIMER_MAX_SEC. */
const PREEMPT_DELAY_MAX_MS = 1_000_000;

/** Election: who is master, how often it says so, when others take over. */
export const electionKeywords: Keyword<VrrpInstance>[] = [
  // state and priority derive from each other when one is missing, so each is
  // written whenever the other would not give it back.
  printedWhen(k.scalar('state', oneOf(['MASTER', 'BACKUP'] as const), 'state', {
    tag: 'CORE',
    doc: 'Initial state. MASTER takes over at once only when the priority is 255; otherwise the instance waits for the master-down timer.',
    default: 'BACKUP (MASTER when priority is 255)',
  }), (m) => m.state !== (m.priority === 255 ? 'MASTER' : 'BACKUP')),
  k.scalar('virtual_router_id', int(1, 255), 'virtualRouterId', {
    tag: 'CORE',
    doc: 'The VRID, the same on every router of this virtual router; unique per interface, family and multicast group.',
  }),
  printedWhen(k.scalar('priority', int(1, 255), 'priority', {
    tag: 'CORE',
    doc: 'Election priority; 255 is the address owner, whose priority trackers cannot change.',
    default: '100 (255 with state MASTER)',
  }), (m) => m.priority !== 100 || m.state === 'MASTER'),
  k.scalar('advert_int', timer(ADVERT_MIN_MS, ADVERT_MAX_MS), 'advertIntervalMs', {
    tag: 'CORE',
    doc: 'Seconds between adverts: whole seconds up to 255 for VRRPv2, multiples of 0.01 below 40.96 for VRRPv3.',
    default: '1',
  }),
  k.flag('nopreempt', 'nopreempt', {
    tag: 'COMMON',
    noArg: true,
    doc: 'Do not take over from a lower-priority master; needs the initial state BACKUP.',
  }),
  k.custom(
    'preempt',
    { tag: 'RARE', syntax: '', doc: 'Kept for old configurations: preemption is the default; cancels an earlier nopreempt.' },
    (m, stmt, ctx) => {
      if (stmt.args.length > 0) throw new ConfigValueError(`'preempt' takes no parameter`, stmt.args[0]!.loc);
      m.nopreempt = false;
      ctx.locations.set(m, stmt.loc, 'nopreempt');
    },
    () => [],
  ),
  k.scalar('preempt_delay', timer(0, PREEMPT_DELAY_MAX_MS), 'preemptDelayMs', {
    tag: 'COMMON',
    doc: 'Seconds (0..1000, µs resolution) to wait before preempting a lower-priority master, at start-up or later.',
    default: '0',
  }),
  warnWhenSpelled(k.custom(
    'timer_expired_backup',
    {
      tag: 'RARE',
      since: '2.3',
      syntax: '[1..254]',
      aliases: [{ name: 'thread_timer_expired', deprecated: true }],
      doc: 'With nopreempt: go back to BACKUP if this process ran late, assuming another router of at most this priority (default 254) took over.',
    },
    (m, stmt, ctx) => {
      m.timerExpiredBackup = stmt.args.length === 0 ? 254 : int(1, 254).parse(stmt.args, stmt.keyword);
      ctx.locations.set(m, stmt.loc, 'timerExpiredBackup');
    },
    (m) => {
      if (m.timerExpiredBackup === undefined) return [];
      return [{ words: m.timerExpiredBackup === 254 ? ['timer_expired_backup'] : ['timer_expired_backup', String(m.timerExpiredBackup)] }];
    },
  ), 'thread_timer_expired', (m) => `(${m.name}) thread_timer_expired - please replace with keyword 'timer_expired_backup'`),
  k.flag('native_ipv6', 'nativeIpv6', {
    tag: 'RARE',
    noArg: true,
    doc: 'Deprecated: force an IPv6 instance (the VIPs already decide the family).',
  }),
];

/** Protocol behaviour and reporting; most default to global_defs, so `-d` writes them all. */
export const behaviourKeywords: Keyword<VrrpInstance>[] = [
  alwaysPrinted(k.scalar('version', version, 'version', {
    tag: 'COMMON',
    doc: 'VRRP version; IPv6 instances always use 3.',
    default: 'global vrrp_version (2)',
  })),
  alwaysPrinted(k.flag('strict_mode', 'strict', {
    tag: 'RARE',
    doc: 'Enforce strict RFC compliance for this instance (see global vrrp_strict).',
    default: 'global vrrp_strict (off)',
  })),
  k.custom(
    'accept',
    { tag: 'RARE', syntax: '', doc: 'Accept packets addressed to the VIPs when not the address owner (RFC 5798 Accept Mode).', default: 'on, unless strict mode and not the address owner' },
    (m, stmt, ctx) => {
      if (stmt.args.length > 0) throw new ConfigValueError(`'accept' takes no parameter`, stmt.args[0]!.loc);
      m.accept = true;
      ctx.locations.set(m, stmt.loc, 'accept');
    },
    // Accept mode depends on strict mode and priority, so -d always says which it is.
    (m) => [{ words: [m.accept ? 'accept' : 'no_accept'] }],
  ),
  k.custom(
    'no_accept',
    { tag: 'RARE', syntax: '', doc: 'Drop packets addressed to the VIPs unless the address owner (keepalived adds firewall rules).' },
    (m, stmt, ctx) => {
      if (stmt.args.length > 0) throw new ConfigValueError(`'no_accept' takes no parameter`, stmt.args[0]!.loc);
      m.accept = false;
      ctx.locations.set(m, stmt.loc, 'accept');
    },
    () => [],
  ),
  alwaysPrinted(k.flag('skip_check_adv_addr', 'skipCheckAdvAddr', {
    tag: 'RARE',
    doc: 'Skip checking the address list of adverts from the same master as the previous one.',
    default: 'global vrrp_skip_check_adv_addr (off)',
  })),
  alwaysPrinted(k.flag('owner_ignore_adverts', 'ownerIgnoreAdverts', {
    tag: 'RARE',
    since: '2.3',
    doc: 'As address owner (priority 255), ignore received adverts.',
    default: 'global vrrp_owner_ignore_adverts; on in strict mode',
  })),
  k.flag('dont_track_primary', 'dontTrackPrimary', {
    tag: 'COMMON',
    noArg: true,
    doc: "Ignore faults of the instance's own interface.",
  }),
  k.scalar('debug', int(0, 4), 'debug', { tag: 'RARE', doc: 'Debug level; keepalived parses it and does nothing with it.', default: '0' }),
  k.scalar('kernel_rx_buf_size', int(0, 0xffff_ffff), 'kernelRxBufSize', {
    tag: 'RARE',
    doc: 'Receive buffer size of the advert socket (see global vrrp_rx_bufs_policy).',
  }),
  k.custom(
    'linkbeat_use_polling',
    { tag: 'RARE', syntax: '', doc: "Deprecated: poll the instance's interface for link state; use linkbeat_interfaces." },
    (m, stmt, ctx) => {
      if (stmt.args.length > 0) throw new ConfigValueError(`'linkbeat_use_polling' takes no parameter`, stmt.args[0]!.loc);
      ctx.diags.warning(`(${m.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`, stmt.keyword.loc, 'linkbeat_use_polling');
      m.linkbeatUsePolling = true;
      ctx.locations.set(m, stmt.loc, 'linkbeatUsePolling');
    },
    (m) => (m.linkbeatUsePolling ? [{ words: ['linkbeat_use_polling'] }] : []),
  ),
  k.custom(
    'lvs_sync_daemon_interface',
    { tag: 'RARE', syntax: 'IF', doc: 'Deprecated: run the LVS sync daemon on IF, following this instance; use global lvs_sync_daemon.' },
    (m, stmt, ctx) => {
      const [w, extra] = stmt.args;
      if (!w) throw new ConfigValueError('missing interface name', stmt.keyword.loc);
      if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
      if (m.lvsSyncDaemonInterface !== undefined) throw new ConfigValueError(`(${m.name}) lvs_sync_daemon_interface has already been specified as ${m.lvsSyncDaemonInterface}`, stmt.keyword.loc);
      ctx.diags.warning(`(${m.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use global lvs_sync_daemon`, stmt.keyword.loc, 'lvs_sync_daemon_interface');
      m.lvsSyncDaemonInterface = readIfName(w);
      ctx.locations.set(m, stmt.loc, 'lvsSyncDaemonInterface');
    },
    (m) => (m.lvsSyncDaemonInterface === undefined ? [] : [{ words: ['lvs_sync_daemon_interface', m.lvsSyncDaemonInterface] }]),
  ),
  alwaysPrinted(k.flag('smtp_alert', 'smtpAlert', {
    tag: 'COMMON',
    doc: 'Send an email on state changes (to global notification_email).',
    default: 'global smtp_alert_vrrp / smtp_alert (off)',
  })),
  alwaysPrinted(k.flag('notify_priority_changes', 'notifyPriorityChanges', {
    tag: 'RARE',
    doc: 'Write MASTER_PRIORITY/BACKUP_PRIORITY lines to the notify FIFOs when the priority changes.',
    default: "the sync group's, else global vrrp_notify_priority_changes (off)",
  })),
];

export const notifyKeywords: Keyword<VrrpInstance>[] = [
  ...commonNotifyKeywords<VrrpInstance>('instance'),
  ...instanceOnlyNotifyKeywords<VrrpInstance>(),
];
