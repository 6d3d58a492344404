/**
 * What every health checker shares (check_api.c install_checker_common_keywords):
 * seven connection options (where to connect, from where, how long to wait)
 * and six timing options (how often, how many retries, alpha mode).
 *
 * Each checker keeps what its block says in optional fields, and `effective`
 * holds what it will actually use: keepalived takes an unset value from the
 * real server, then the virtual server, then a per-checker-type default
 * (check_data.c validate_check_config):
 *   retry               checker → RS → VS → type default (1; DNS 3; MISC 0)
 *   delay_before_retry  checker → RS → VS → type default (1 s; HTTP/SSL 3 s; DNS: the delay_loop)
 *   delay_loop          checker → RS → VS (60 s)
 *   warmup              checker → RS → VS → the checker's delay_loop
 *   connect_timeout     checker → RS → VS (5 s)
 *   alpha               checker → RS → VS (off)
 *   log_all_failures    checker, or global checker_log_all_failures
 * `effective` is derived data: the printer never writes it, and compiling the
 * printed text derives the same values again.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { keywordsFor } from '../../config/schema/define.js';
import { ipAddress } from '../../config/schema/net-values.js';
import type { Alias, BlockSpec, Keyword } from '../../config/schema/types.js';
import { int, timer, word } from '../../config/schema/values.js';
import type { Family } from './values.js';

/** The timing options a block may set; unset means inherit. */
export interface TimingFields {
  retry?: number;
  delayBeforeRetryMs?: number;
  delayLoopMs?: number;
  warmupMs?: number;
  alpha?: boolean;
}

export interface EffectiveTiming {
  retry: number;
  delayBeforeRetryMs: number;
  delayLoopMs: number;
  /** The first check starts after a random delay of up to this (0: at once). */
  warmupMs: number;
  alpha: boolean;
  logAllFailures: boolean;
}

/** Where a checker connects; the defaults are the real server's address and port. */
export interface EffectiveConnection {
  address: string;
  family: Family;
  /** 0 when neither connect_port nor the real server gives one. */
  port: number;
  bindTo?: string;
  bindPort?: number;
  bindIf?: string;
  timeoutMs: number;
  /** SO_MARK for the checker's packets; 0 = none. */
  fwmark: number;
}

/** Fields of a checker that has the timing options (all but FILE_CHECK and BFD_CHECK). */
export interface TimedChecker extends TimingFields {
  logAllFailures?: boolean;
  effective: EffectiveTiming;
}

/** Fields of a checker that also has the connection options (all but MISC_CHECK). */
export interface ConnectedChecker extends TimedChecker {
  connectIp?: string;
  connectPort?: number;
  bindTo?: string;
  bindPort?: number;
  bindIf?: string;
  connectTimeoutMs?: number;
  fwmark?: number;
  effective: EffectiveTiming & { connection: EffectiveConnection };
}

/** Per-checker-type defaults that differ from the common ones. */
export interface CheckerDefaults {
  readonly retry: number;
  /** undefined: the checker's delay_loop (DNS_CHECK). */
  readonly delayBeforeRetryMs: number | undefined;
}

export const COMMON_DEFAULTS: CheckerDefaults = { retry: 1, delayBeforeRetryMs: 1000 };

/** Placeholder values until finish resolves them. */
export function emptyTiming(): EffectiveTiming {
  return { retry: 0, delayBeforeRetryMs: 0, delayLoopMs: 0, warmupMs: 0, alpha: false, logAllFailures: false };
}

export function emptyConnection(): EffectiveConnection {
  return { address: '', family: 4, port: 0, timeoutMs: 0, fwmark: 0 };
}

/** Placeholders for a connected checker, as one literal (one object shape for 40,000 checkers). */
export function emptyConnectedEffective(): EffectiveTiming & { connection: EffectiveConnection } {
  return { retry: 0, delayBeforeRetryMs: 0, delayLoopMs: 0, warmupMs: 0, alpha: false, logAllFailures: false, connection: emptyConnection() };
}

/** Timer limits keepalived's read_timer() applies (microsecond units there). */
export const connectTimeoutValue = timer(0.001, 4294967.295);
/** keepalived allows up to ULONG_MAX µs; no check runs every 136 years, so UINT_MAX seconds is the limit here. */
const TIMER_MAX_MS = 4294967295 * 1000;
export const delayLoopValue = timer(0.001, TIMER_MAX_MS);
export const delayValue = timer(0, TIMER_MAX_MS);

const UINT_MAX = 4294967295;

export interface TimingOptions {
  /** HTTP_GET/SSL_GET also accept the deprecated nb_get_retry … */
  retryAliases?: Alias[];
  /** … and keepalived reports its use as a config error, so -t fails: we warn with its words. */
  retryAliasWarning?: string;
}

function retryKeyword(opts: TimingOptions): Keyword<TimedChecker> {
  const k = keywordsFor<TimedChecker>();
  const retry = k.scalar('retry', int(0, UINT_MAX), 'retry', { tag: 'COMMON', aliases: opts.retryAliases ?? [], doc: 'Failed checks in a row before the server counts as down (0 = the first failure).', default: 'inherited; 1 (DNS 3, MISC 0)' });
  const warning = opts.retryAliasWarning;
  if (!warning) return retry;
  return {
    ...retry,
    apply(m, stmt, ctx) {
      if (stmt.keyword.text !== 'retry') ctx.diags.warning(warning, stmt.keyword.loc, stmt.keyword.text);
      retry.apply(m, stmt, ctx);
    },
  };
}

export function timingKeywords(opts: TimingOptions = {}): Keyword<TimedChecker>[] {
  const k = keywordsFor<TimedChecker>();
  return [
    retryKeyword(opts),
    k.scalar('delay_before_retry', delayValue, 'delayBeforeRetryMs', { tag: 'COMMON', doc: 'Seconds between a failed check and its retry.', default: 'inherited; 1 (HTTP/SSL 3, DNS delay_loop)' }),
    k.scalar('delay_loop', delayLoopValue, 'delayLoopMs', { tag: 'COMMON', doc: 'Seconds between checks.', default: 'inherited; 60' }),
    k.scalar('warmup', delayValue, 'warmupMs', { tag: 'RARE', doc: 'The first check starts after a random delay of up to this many seconds (0: at once).', default: 'inherited; delay_loop' }),
    k.flag('alpha', 'alpha', { tag: 'RARE', doc: 'Start with the checker failed until its first success.', default: 'inherited; off' }),
    k.flag('log_all_failures', 'logAllFailures', { tag: 'RARE', doc: 'Log every failed check, not only state changes.', default: 'off (or global checker_log_all_failures)' }),
  ] as Keyword<TimedChecker>[];
}

/** A network interface name as the kernel allows it (IFNAMSIZ 16, with the NUL). */
export const interfaceName = word('IFNAME', (w) => {
  if (w.text.length > 15) throw new ConfigValueError(`Interface name ${w.text} is too long (at most 15 characters)`, w.loc);
});

export function connectionKeywords(opts: TimingOptions = {}): Keyword<ConnectedChecker>[] {
  const k = keywordsFor<ConnectedChecker>();
  return [
    k.scalar('connect_ip', ipAddress(), 'connectIp', { tag: 'COMMON', doc: 'Address to check instead of the real server address.', default: 'the real server address' }),
    k.scalar('connect_port', int(1, 65535), 'connectPort', { tag: 'COMMON', doc: 'Port to check instead of the real server port.', default: 'the real server port' }),
    k.scalar('bindto', ipAddress(), 'bindTo', { tag: 'RARE', doc: 'Source address of the check.' }),
    k.scalar('bind_port', int(1, 65535), 'bindPort', { tag: 'RARE', doc: 'Source port of the check.' }),
    k.scalar('bind_if', interfaceName, 'bindIf', { tag: 'RARE', doc: 'Interface to send the check from (needed for IPv6 link-local addresses).' }),
    k.scalar('connect_timeout', connectTimeoutValue, 'connectTimeoutMs', { tag: 'CORE', doc: 'Seconds to wait for the connection or reply.', default: 'inherited; 5' }),
    k.scalar('fwmark', int(0, UINT_MAX), 'fwmark', { tag: 'RARE', doc: 'Firewall mark (SO_MARK) for the checker\'s packets.' }),
    ...(timingKeywords(opts) as Keyword<ConnectedChecker>[]),
  ];
}

/** Values a checker inherits from its real server and virtual server. */
export interface Inherited extends TimingFields {
  connectTimeoutMs: number;
  delayLoopMs: number;
}

/** Fills `c.effective` (timing) from the checker, the inherited values and the type defaults. */
export function resolveTiming(c: TimedChecker, from: Inherited, defaults: CheckerDefaults): void {
  const e = c.effective;
  e.delayLoopMs = c.delayLoopMs ?? from.delayLoopMs;
  e.retry = c.retry ?? from.retry ?? defaults.retry;
  e.warmupMs = c.warmupMs ?? from.warmupMs ?? e.delayLoopMs;
  e.delayBeforeRetryMs = c.delayBeforeRetryMs ?? from.delayBeforeRetryMs ?? defaults.delayBeforeRetryMs ?? e.delayLoopMs;
  e.alpha = c.alpha ?? from.alpha ?? false;
  e.logAllFailures = c.logAllFailures ?? false;
}

/** Fills `c.effective.connection` from the checker and its real server. */
export function resolveConnection(c: ConnectedChecker, rs: { address: string; family: Family; port?: number }, timeoutMs: number): void {
  const conn = c.effective.connection;
  const ip = c.connectIp ?? rs.address;
  conn.address = ip;
  conn.family = ip.includes(':') ? 6 : 4;
  conn.port = c.connectPort ?? rs.port ?? 0;
  conn.timeoutMs = c.connectTimeoutMs ?? timeoutMs;
  conn.fwmark = c.fwmark ?? 0;
  // `effective` is made fresh by create() and resolved once, so only set what exists.
  if (c.bindTo !== undefined) conn.bindTo = c.bindTo;
  if (c.bindPort !== undefined) conn.bindPort = c.bindPort;
  if (c.bindIf !== undefined) conn.bindIf = c.bindIf;
}

/** keepalived's check_conn_opts() and the bindto/connect_ip family checks; returns a problem or undefined. */
export function connectionProblem(c: ConnectedChecker): string | undefined {
  const conn = c.effective.connection;
  if (c.bindTo !== undefined && (c.bindTo.includes(':') ? 6 : 4) !== conn.family) {
    return c.connectIp !== undefined
      ? `bindto address ${c.bindTo} does not match address family of connect_ip ${c.connectIp}`
      : `bindto address ${c.bindTo} does not match address family of the real server ${conn.address}`;
  }
  if (conn.family === 6 && /^fe[89ab]/i.test(conn.address) && c.bindIf === undefined) {
    return `Checker link local address ${conn.address} requires a bind_if`;
  }
  return undefined;
}

/**
 * One checker type: its block, which shared options it takes, its defaults,
 * and what makes keepalived drop it (no url, no misc_path, …).
 */
export interface CheckerSpec<C> {
  readonly name: string;
  readonly tag: 'CORE' | 'COMMON' | 'RARE';
  readonly doc: string;
  readonly since?: string;
  readonly block: BlockSpec<C>;
  readonly options: 'connection' | 'timing' | 'none';
  readonly defaults: CheckerDefaults;
  /** A reason to drop the checker (keepalived's wording), or undefined. */
  incomplete?(c: C): string | undefined;
}
