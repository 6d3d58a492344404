/**
 * global_defs: the SNMP AgentX sub-agent and the DBus interface (keepalived
 * core/global_parser.c, vrrp/vrrp_snmp.c, check/check_snmp.c, vrrp/vrrp_dbus.c;
 * census §3.2 "SNMP / DBus").
 *
 * Each MIB is switched on separately: the KEEPALIVED-MIB's VRRP part
 * (enable_snmp_vrrp; enable_snmp_keepalived is its pre-2.0 name, accepted
 * without a warning as keepalived does), its checker part, and the standard
 * VRRP MIBs of RFC 2787 (v2) and RFC 6527 (v3); enable_snmp_rfc switches on
 * both RFC MIBs. The `-x` command-line option switches on all of them; that is
 * the command line's business, not the file's, so it is not reflected here.
 *
 * snmp_rs_stats_update_interval defaults to snmp_vs_stats_update_interval;
 * the model leaves it undefined then (global_defs may be absent altogether, so
 * a block-level finish could not fill it in for every config).
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import type { ValueType } from '../schema/types.js';
import { oneWord, timer, word } from '../schema/values.js';
import { presence, onlyOnce } from './area-values.js';
import { defineGlobalArea } from './area.js';

export interface SnmpGlobals {
  /** AgentX master socket ("unix:/var/agentx/master", "udp:1.2.3.4:705"); undefined = net-snmp's default. */
  snmpSocket?: string;
  enableTraps: boolean;
  enableSnmpVrrp: boolean;
  enableSnmpChecker: boolean;
  enableSnmpRfcv2: boolean;
  enableSnmpRfcv3: boolean;
  /** Minimum age of IPVS virtual server stats before an SNMP read refreshes them, ms (keepalived 2.3+). */
  snmpVsStatsUpdateIntervalMs: number;
  /** The same for real servers; undefined = snmpVsStatsUpdateIntervalMs. */
  snmpRsStatsUpdateIntervalMs?: number;
  enableDbus: boolean;
  /** Well-known DBus name; undefined = org.keepalived.Vrrp1. */
  dbusServiceName?: string;
  /** Object path component used for instances without an interface; undefined = "none" (keepalived 2.3+). */
  dbusNoInterfaceName?: string;
}

/** PATH_MAX - 1. */
const MAX_SOCKET_NAME = 4095;

const snmpSocket: ValueType<string> = {
  syntax: 'SOCKET',
  parse(words, at) {
    if (words.length > 1) throw new ConfigValueError(`Too many parameters specified for snmp_socket: '${words[1]!.text}'`, words[1]!.loc);
    const w = oneWord(words, at);
    if (w.text === '') throw new ConfigValueError('snmp socket name missing', w.loc);
    if (w.text.length > MAX_SOCKET_NAME) throw new ConfigValueError(`snmp socket name too long (more than ${MAX_SOCKET_NAME} characters)`, w.loc);
    return w.text;
  },
  format: (v) => [v],
};

const k = keywordsFor<SnmpGlobals>();
const statsInterval = timer(1, 30_000);

export const snmpArea = defineGlobalArea<SnmpGlobals>({
  name: 'SNMP and DBus',
  create: () => ({
    enableTraps: false,
    enableSnmpVrrp: false,
    enableSnmpChecker: false,
    enableSnmpRfcv2: false,
    enableSnmpRfcv3: false,
    snmpVsStatsUpdateIntervalMs: 5000,
    enableDbus: false,
  }),
  keywords: [
    onlyOnce(
      k.scalar('snmp_socket', snmpSocket, 'snmpSocket', { tag: 'RARE', doc: 'AgentX socket of the SNMP master agent.', default: 'unix:/var/agentx/master' }),
      (m) => m.snmpSocket !== undefined,
      'SNMP socket already set',
    ),
    k.flag('enable_traps', 'enableTraps', { tag: 'RARE', doc: 'Send SNMP traps.', noArg: true }),
    k.flag('enable_snmp_vrrp', 'enableSnmpVrrp', {
      tag: 'RARE',
      doc: 'Serve the VRRP part of the KEEPALIVED-MIB.',
      noArg: true,
      aliases: ['enable_snmp_keepalived'],
    }),
    k.custom(
      'enable_snmp_rfc',
      { tag: 'RARE', syntax: '', doc: 'Serve both standard VRRP MIBs (RFC 2787 and RFC 6527).' },
      (m, stmt, ctx) => {
        presence.parse(stmt.args, stmt.keyword);
        m.enableSnmpRfcv2 = true;
        m.enableSnmpRfcv3 = true;
        ctx.locations.set(m, stmt.loc, 'enableSnmpRfcv2');
        ctx.locations.set(m, stmt.loc, 'enableSnmpRfcv3');
      },
      // Printed as enable_snmp_rfcv2 + enable_snmp_rfcv3.
      () => [],
    ),
    k.flag('enable_snmp_rfcv2', 'enableSnmpRfcv2', { tag: 'RARE', doc: 'Serve the VRRP MIB of RFC 2787.', noArg: true }),
    k.flag('enable_snmp_rfcv3', 'enableSnmpRfcv3', { tag: 'RARE', doc: 'Serve the VRRPv3 MIB of RFC 6527.', noArg: true }),
    k.flag('enable_snmp_checker', 'enableSnmpChecker', { tag: 'RARE', doc: 'Serve the checker part of the KEEPALIVED-MIB.', noArg: true }),
    k.scalar('snmp_vs_stats_update_interval', statsInterval, 'snmpVsStatsUpdateIntervalMs', {
      tag: 'RARE',
      doc: 'Seconds after which an SNMP read refreshes virtual server stats from the kernel.',
      default: '5',
      since: '2.3',
    }),
    k.scalar('snmp_rs_stats_update_interval', statsInterval, 'snmpRsStatsUpdateIntervalMs', {
      tag: 'RARE',
      doc: 'Seconds after which an SNMP read refreshes real server stats from the kernel.',
      default: 'snmp_vs_stats_update_interval',
      since: '2.3',
    }),
    k.flag('enable_dbus', 'enableDbus', { tag: 'RARE', doc: 'Serve the DBus interface.', noArg: true }),
    k.scalar('dbus_service_name', word('NAME'), 'dbusServiceName', { tag: 'RARE', doc: 'DBus service name (to run several keepalived with DBus).', default: 'org.keepalived.Vrrp1' }),
    k.scalar('dbus_no_interface_name', word('NAME'), 'dbusNoInterfaceName', {
      tag: 'RARE',
      doc: 'DBus path component for VRRP instances that have no interface.',
      default: 'none',
      since: '2.3',
    }),
  ],
});
