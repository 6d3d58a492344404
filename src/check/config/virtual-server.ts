/**
 * `virtual_server IP [PORT] | fwmark N | group NAME { … }`: one IPVS service
 * (or, with a group, one per group entry), its scheduling, persistence,
 * quorum handling and real servers (check_parser.c vs_handler and the 39
 * keywords after it).
 *
 * The model holds what the block says with keepalived's defaults; finish()
 * (vs-finish.ts) then does what keepalived's validate_check_config() does:
 * it fills in what keepalived derives (address family, real server ports and
 * inherited values, each checker's effective settings) and reports what
 * keepalived reports. lvs_sched, lvs_method and protocol are always printed,
 * because keepalived treats their absence as an error.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor, type Head } from '../../config/schema/define.js';
import { canonicalIp } from '../../config/schema/net-values.js';
import type { ScriptCommand } from '../../config/schema/script-values.js';
import type { Keyword, ValueType } from '../../config/schema/types.js';
import { int, oneOf, word } from '../../config/schema/values.js';
import { connectTimeoutValue, delayLoopValue, delayValue, type TimingFields } from './checker-common.js';
import { IPVS_WEIGHT_LIMIT, notifyKeyword, realServerBlock, realServerHead, snmpName, type RealServer } from './real-server.js';
import { finishVirtualServer } from './vs-finish.js';
import { forwardingValue, parseOptionalPort, serverAddress, type Family, type Forwarding, type ServerAddress } from './values.js';

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export type VsService =
  | { type: 'address'; address: string; family: Family; port?: number }
  | { type: 'fwmark'; fwmark: number }
  | { type: 'group'; name: string };

export interface SorryServer extends ServerAddress {
  /** inhibit_on_failure semantics for the sorry server. */
  inhibit: boolean;
  forwarding?: Forwarding;
  effective: { forwarding: Forwarding };
}

/** `-M` of ipvsadm: an IPv4 netmask or an IPv6 prefix length. */
export type Granularity = { family: 4; netmask: string } | { family: 6; prefixLen: number };

export interface VirtualServer extends TimingFields {
  service: VsService;
  /**
   * Address family of the service: the address's, ip_family's, the real
   * servers' or the group's. Absent only for a group that mixes IPv4 and IPv6
   * (allowed when every real server is tunnelled): each entry has its own.
   */
  family?: Family;
  /** Absent for fwmark services, where IPVS ignores it. */
  protocol?: Protocol;
  scheduler: Scheduler;
  /** One-packet scheduling (UDP), ipvsadm -o. */
  ops: boolean;
  flag1: boolean;
  flag2: boolean;
  flag3: boolean;
  shPort: boolean;
  shFallback: boolean;
  mhPort: boolean;
  mhFallback: boolean;
  /** Accepted for old configs; sets no flag. */
  hashed: boolean;
  forwarding: Forwarding;
  /** 0 = not persistent. */
  persistenceTimeoutMs: number;
  persistenceGranularity?: Granularity;
  persistenceEngine?: string;
  delayLoopMs: number;
  connectTimeoutMs: number;
  alpha: boolean;
  /** Run quorum_down / notify_down scripts at shutdown. */
  omega: boolean;
  inhibitOnFailure: boolean;
  /** Suspend the checkers while the virtual address is not configured here. */
  haSuspend: boolean;
  /** Minimum total weight of live real servers. */
  quorum: number;
  hysteresis: number;
  quorumUp?: ScriptCommand;
  quorumDown?: ScriptCommand;
  /** Default weight of the real servers. */
  weight: number;
  /** Mail on quorum changes; unset: global smtp_alert_checker, then smtp_alert, then off. */
  smtpAlert?: boolean;
  virtualhost?: string;
  snmpName?: string;
  sorryServer?: SorryServer;
  realServers: RealServer[];
  effective: {
    /** smtp_alert, else global smtp_alert_checker, else smtp_alert, else off. */
    smtpAlert: boolean;
  };
}

const UINT_MAX = 4294967295;
/** keepalived's LVS_MAX_TIMEOUT: 31 days. */
const LVS_MAX_TIMEOUT_S = 86400 * 31;
const DEFAULT_PERSISTENCE_MS = 360_000;

const serviceValue: ValueType<VsService> = {
  syntax: 'IP [PORT] | fwmark N | group NAME',
  parse(words, at) {
    const [first, second, extra] = words;
    if (!first) throw new ConfigValueError('missing virtual server address, fwmark or group', at.loc);
    if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
    if (first.text === 'fwmark') {
      if (!second) throw new ConfigValueError('missing fwmark value', first.loc);
      if (!/^\d+$/.test(second.text) || Number(second.text) > UINT_MAX) throw new ConfigValueError(`virtual server fwmark '${second.text}' must be in [0, ${UINT_MAX}]`, second.loc);
      return { type: 'fwmark', fwmark: Number(second.text) };
    }
    if (first.text === 'group') {
      if (!second) throw new ConfigValueError('missing virtual server group name', first.loc);
      return { type: 'group', name: second.text };
    }
    const ip = canonicalIp(first.text);
    if (!ip) throw new ConfigValueError(`Invalid virtual server IP address ${first.text}`, first.loc);
    const port = second ? parseOptionalPort(second) : undefined;
    return port === undefined ? { type: 'address', ...ip } : { type: 'address', ...ip, port };
  },
  format(v) {
    if (v.type === 'fwmark') return ['fwmark', String(v.fwmark)];
    if (v.type === 'group') return ['group', v.name];
    return v.port === undefined ? [v.address] : [v.address, String(v.port)];
  },
};

export const virtualServerHead: Head<VirtualServer, VsService> = {
  type: serviceValue,
  get: (m) => m.service,
  set(m, h) {
    m.service = h;
    if (h.type === 'address') m.family = h.family;
  },
};

/** `persistence_timeout [SECONDS]`: alone it means 360 s. */
const persistenceTimeout: ValueType<number> = {
  syntax: `[1..${LVS_MAX_TIMEOUT_S}]`,
  parse(words, at) {
    if (words.length === 0) return DEFAULT_PERSISTENCE_MS;
    return int(1, LVS_MAX_TIMEOUT_S).parse(words, at) * 1000;
  },
  format: (ms) => [String(Math.round(ms / 1000))],
};

const granularity: ValueType<Granularity> = {
  syntax: 'NETMASK | PREFIXLEN',
  parse(words, at) {
    const w = words[0];
    if (!w) throw new ConfigValueError('missing persistence_granularity', at.loc);
    if (words[1]) throw new ConfigValueError(`unexpected extra parameter '${words[1].text}'`, words[1].loc);
    if (w.text.includes('.')) {
      const ip = canonicalIp(w.text);
      if (!ip || ip.family !== 4) throw new ConfigValueError(`Invalid IPv4 persistence_granularity specified - ${w.text}`, w.loc);
      return { family: 4, netmask: ip.address };
    }
    if (!/^\d+$/.test(w.text) || Number(w.text) < 1 || Number(w.text) > 128) {
      throw new ConfigValueError(`Invalid IPv6 persistence_granularity specified - ${w.text} (an IPv4 netmask, or an IPv6 prefix length 1..128)`, w.loc);
    }
    return { family: 6, prefixLen: Number(w.text) };
  },
  format: (v) => [v.family === 4 ? v.netmask : String(v.prefixLen)],
};

/** keepalived's IP_VS_PENAME_MAXLEN is 16 with the NUL. */
const persistenceEngine = word('NAME', (w) => {
  if (w.text.length > 15) throw new ConfigValueError(`persistence_engine name too long - ${w.text} (at most 15 characters)`, w.loc);
});

const familyValue: ValueType<Family> = {
  syntax: 'inet|inet6',
  parse: (words, at) => (oneOf(['inet', 'inet6'] as const).parse(words, at) === 'inet' ? 4 : 6),
  format: (v) => [v === 4 ? 'inet' : 'inet6'],
};

const protocolValue: ValueType<Protocol> = oneOf(['TCP', 'UDP', 'SCTP'] as const, { caseInsensitive: true });
const schedulerValue: ValueType<Scheduler> = oneOf(SCHEDULERS);

const k = keywordsFor<VirtualServer>();

/** A value keepalived requires (its absence is an error there): always printed. */
function required<K extends 'scheduler' | 'forwarding' | 'protocol'>(
  name: string,
  type: ValueType<NonNullable<VirtualServer[K]>>,
  key: K,
  i: { tag: 'CORE'; doc: string; default: string; aliases: string[] },
): Keyword<VirtualServer> {
  return k.custom(
    name,
    { ...i, syntax: type.syntax },
    (m, stmt, ctx) => {
      (m as Record<K, unknown>)[key] = type.parse(stmt.args, stmt.keyword);
      ctx.locations.set(m, stmt.loc, key);
    },
    (m) => (m[key] === undefined ? [] : [{ words: [name, ...type.format(m[key] as NonNullable<VirtualServer[K]>)] }]),
  );
}

type FlagKey = 'ops' | 'flag1' | 'flag2' | 'flag3' | 'shPort' | 'shFallback' | 'mhPort' | 'mhFallback' | 'hashed';

/**
 * A scheduler flag. keepalived checks sh-/mh- flags against the scheduler set
 * so far (lvs_sched must come first); so do we, and finish() checks again.
 */
function schedFlag(name: string, key: FlagKey, doc: string, needs?: readonly Scheduler[]): Keyword<VirtualServer> {
  const flag = k.flag(name, key, { tag: 'RARE', noArg: true, doc });
  return {
    ...flag,
    apply(m, stmt, ctx) {
      if (needs && !(ctx.locations.get(m, 'scheduler') && needs.includes(m.scheduler))) {
        throw new ConfigValueError(`${name} only applies to ${needs.join('/')} scheduler (set lvs_sched first) - ignoring`, stmt.loc);
      }
      flag.apply(m, stmt, ctx);
    },
  };
}

export const virtualServerBlock = defineBlock<VirtualServer>({
  name: 'virtual_server',
  doc: 'An IPVS virtual service: address and port, firewall mark, or group; its scheduling and its real servers.',
  create: () => ({
    service: { type: 'fwmark', fwmark: 0 },
    scheduler: 'wlc',
    ops: false,
    flag1: false,
    flag2: false,
    flag3: false,
    shPort: false,
    shFallback: false,
    mhPort: false,
    mhFallback: false,
    hashed: false,
    forwarding: { method: 'NAT' },
    persistenceTimeoutMs: 0,
    delayLoopMs: 60_000,
    connectTimeoutMs: 5000,
    alpha: false,
    omega: false,
    inhibitOnFailure: false,
    haSuspend: false,
    quorum: 1,
    hysteresis: 0,
    weight: 1,
    realServers: [],
    effective: { smtpAlert: false },
  }),
  keywords: [
    required('lvs_sched', schedulerValue, 'scheduler', { tag: 'CORE', aliases: ['lb_algo'], default: 'none (keepalived: error, then wlc)', doc: 'IPVS scheduler.' }),
    schedFlag('ops', 'ops', 'One-packet scheduling (UDP only), ipvsadm -o.'),
    schedFlag('flag-1', 'flag1', 'Scheduler flag 1 (ipvsadm -b flag-1).'),
    schedFlag('flag-2', 'flag2', 'Scheduler flag 2 (ipvsadm -b flag-2).'),
    schedFlag('flag-3', 'flag3', 'Scheduler flag 3 (ipvsadm -b flag-3).'),
    schedFlag('sh-port', 'shPort', 'sh scheduler: hash the port too.', ['sh']),
    schedFlag('sh-fallback', 'shFallback', 'sh scheduler: fall back to another server when the chosen one is unavailable.', ['sh']),
    schedFlag('mh-port', 'mhPort', 'mh scheduler: hash the port too.', ['mh']),
    schedFlag('mh-fallback', 'mhFallback', 'mh scheduler: fall back to another server when the chosen one is unavailable.', ['mh']),
    schedFlag('hashed', 'hashed', 'Obsolete; accepted with the sh/mh schedulers and has no effect.', ['sh', 'mh']),
    required('lvs_method', forwardingValue('virtual'), 'forwarding', { tag: 'CORE', aliases: ['lb_kind'], default: 'none (keepalived: error, then NAT)', doc: 'Forwarding method of the real servers (and sorry server) unless they set their own.' }),
    required('protocol', protocolValue, 'protocol', { tag: 'CORE', aliases: [], default: 'none (keepalived: error, then UDP)', doc: 'Protocol of the service (not for fwmark services).' }),
    k.custom(
      'ip_family',
      { tag: 'RARE', syntax: familyValue.syntax, doc: 'Address family of a fwmark/group service whose real servers are all tunnelled.', default: 'from the real servers, else inet' },
      (m, stmt, ctx) => {
        m.family = familyValue.parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'family');
      },
      // An address service's family is its address's; others print the family finish() settled on.
      (m) => (m.service.type === 'address' || m.family === undefined ? [] : [{ words: ['ip_family', ...familyValue.format(m.family)] }]),
    ),
    k.scalar('persistence_timeout', persistenceTimeout, 'persistenceTimeoutMs', { tag: 'CORE', doc: 'Seconds a client sticks to its real server; alone: 360.', default: 'not persistent' }),
    k.scalar('persistence_granularity', granularity, 'persistenceGranularity', { tag: 'COMMON', doc: 'Clients in the same netmask (IPv4) or prefix (IPv6) share persistence (ipvsadm -M).' }),
    k.scalar('persistence_engine', persistenceEngine, 'persistenceEngine', { tag: 'RARE', doc: 'IPVS persistence engine, e.g. sip.' }),
    k.scalar('delay_loop', delayLoopValue, 'delayLoopMs', { tag: 'CORE', doc: 'Seconds between checks.', default: '60' }),
    k.scalar('connect_timeout', connectTimeoutValue, 'connectTimeoutMs', { tag: 'COMMON', doc: 'Seconds a check waits for a connection.', default: '5' }),
    k.scalar('retry', int(1, UINT_MAX), 'retry', { tag: 'COMMON', doc: 'Failed checks in a row before a real server counts as down.', default: '1 (DNS_CHECK 3, MISC_CHECK 0)' }),
    k.scalar('delay_before_retry', delayValue, 'delayBeforeRetryMs', { tag: 'COMMON', doc: 'Seconds between a failed check and its retry.', default: '1 (HTTP/SSL 3, DNS delay_loop)' }),
    k.scalar('warmup', delayValue, 'warmupMs', { tag: 'RARE', doc: 'The first check starts after a random delay of up to this many seconds.', default: 'delay_loop' }),
    k.flag('alpha', 'alpha', { tag: 'COMMON', noArg: true, doc: 'Start with every real server down until its checks succeed.' }),
    k.flag('omega', 'omega', { tag: 'RARE', noArg: true, doc: 'Run quorum_down and notify_down scripts at shutdown.' }),
    k.flag('inhibit_on_failure', 'inhibitOnFailure', { tag: 'COMMON', noArg: true, doc: 'On failure set a real server\'s weight to 0 instead of removing it.' }),
    k.flag('ha_suspend', 'haSuspend', { tag: 'COMMON', noArg: true, doc: 'Suspend checks while the virtual address is not configured on this host.' }),
    k.scalar('quorum', int(1, UINT_MAX), 'quorum', { tag: 'COMMON', doc: 'Minimum total weight of live real servers for the service to be up.', default: '1' }),
    k.scalar('hysteresis', int(0, UINT_MAX), 'hysteresis', { tag: 'COMMON', doc: 'Weight margin around quorum before its state changes.', default: '0' }),
    notifyKeyword<VirtualServer>('quorum_up', 'quorumUp', { tag: 'COMMON', doc: 'Script run when quorum is gained.' }),
    notifyKeyword<VirtualServer>('quorum_down', 'quorumDown', { tag: 'COMMON', doc: 'Script run when quorum is lost.' }),
    k.scalar('weight', int(1, IPVS_WEIGHT_LIMIT), 'weight', { tag: 'RARE', doc: 'Default weight of the real servers.', default: '1' }),
    k.flag('smtp_alert', 'smtpAlert', { tag: 'RARE', doc: 'Send mail on quorum changes.', default: 'global smtp_alert_checker / smtp_alert, else off' }),
    k.scalar('virtualhost', word('HOST'), 'virtualhost', { tag: 'COMMON', doc: 'Host header default for HTTP_GET/SSL_GET.' }),
    k.scalar('snmp_name', snmpName, 'snmpName', { tag: 'RARE', doc: 'Label for this service in SNMP output.' }),
    ...sorryServerKeywords(),
    k.blocks('real_server', realServerBlock, 'realServers', { tag: 'CORE', head: realServerHead, doc: realServerBlock.doc }),
  ],
  finish: finishVirtualServer,
});

/** sorry_server and its two modifiers, which must follow it; all three print from sorry_server. */
function sorryServerKeywords(): Keyword<VirtualServer>[] {
  const address = serverAddress('sorry server');
  const method = forwardingValue('sorry');
  return [
    k.custom(
      'sorry_server',
      { tag: 'COMMON', syntax: address.syntax, doc: 'Server that replaces all real servers while quorum is lost.' },
      (m, stmt, ctx) => {
        const a: ServerAddress = address.parse(stmt.args, stmt.keyword);
        m.sorryServer = { ...a, inhibit: false, effective: { forwarding: m.forwarding } };
        ctx.locations.set(m.sorryServer, stmt.loc);
      },
      (m) => {
        const s = m.sorryServer;
        if (!s) return [];
        const out = [{ words: ['sorry_server', ...address.format(s)] }];
        if (s.inhibit) out.push({ words: ['sorry_server_inhibit'] });
        if (s.forwarding) out.push({ words: ['sorry_server_lvs_method', ...method.format(s.forwarding)] });
        return out;
      },
    ),
    k.custom(
      'sorry_server_inhibit',
      { tag: 'RARE', syntax: '', doc: 'inhibit_on_failure behaviour for the sorry server.' },
      (m, stmt) => {
        if (stmt.args[0]) throw new ConfigValueError(`'sorry_server_inhibit' takes no parameter`, stmt.args[0].loc);
        if (!m.sorryServer) throw new ConfigValueError('Ignoring sorry_server inhibit used before or without sorry_server', stmt.loc);
        m.sorryServer.inhibit = true;
      },
      () => [],
    ),
    k.custom(
      'sorry_server_lvs_method',
      { tag: 'RARE', syntax: method.syntax, doc: 'Forwarding method for the sorry server.', default: "the virtual server's" },
      (m, stmt) => {
        const f = method.parse(stmt.args, stmt.keyword);
        if (!m.sorryServer) throw new ConfigValueError('sorry_server forwarding used without sorry_server', stmt.loc);
        m.sorryServer.forwarding = f;
      },
      () => [],
    ),
  ];
}
