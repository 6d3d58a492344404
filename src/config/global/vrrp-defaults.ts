/**
 * global_defs, "VRRP protocol defaults" area (census §3.2; keepalived
 * core/global_parser.c): the defaults every vrrp_instance inherits (version,
 * strict mode, advert handling), multicast groups, start-up delays and the
 * interface handling of the VRRP process.
 *
 * The instances take these values in the vrrp fragment's finish
 * (src/vrrp/config/instance-resolve.ts), wherever global_defs sits in the
 * file. (keepalived copies some of them when it meets a vrrp_instance, so a
 * global_defs placed after the instances only partly applies there; nobody
 * relies on that.) Several of keepalived's switches here take no parameter and
 * ignore one if given ("vrrp_strict no" turns strict mode ON); a parameter is
 * an error here rather than a surprise.
 * Run-time facts: vrrp_delay_after_boot is compared with /proc/uptime at start-up;
 * disable_local_igmp needs /proc/sys/net/ipv4/igmp_link_local_mcast_reports.
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import { parseIpWord } from '../schema/net-values.js';
import type { ValueType } from '../schema/types.js';
import { int, oneWord, timer } from '../schema/values.js';
import { defineGlobalArea } from './area.js';

export interface VrrpProtocolDefaults {
  /** Default VRRP version of IPv4 instances (IPv6 ones always use 3). */
  vrrpVersion: 2 | 3;
  /** Default strict RFC compliance for every instance. */
  vrrpStrict: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  /** Delay before the VRRP instances start, ms. */
  vrrpStartupDelayMs: number;
  /** (2.4+) Start-up delay counted from boot: at start the remainder of it after /proc/uptime applies, ms. */
  vrrpDelayAfterBootMs?: number;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  /** Drop unicast adverts from sources that are not peers (all unicast instances). */
  vrrpCheckUnicastSrc: boolean;
  /** (2.3+) VRRPv3/IPv4 checksums without the pseudo-header, for every instance. */
  v3ChecksumAsV2: boolean;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpDownTimerAdverts: number;
  /** (2.3+) Address owners ignore received adverts. */
  vrrpOwnerIgnoreAdverts: boolean;
  /** Log adverts for VRIDs no instance uses. */
  logUnknownVrids: boolean;
  /** Interface for static addresses (and VIPs of instances without one) that give no dev. */
  defaultInterface: string;
  /** Accept interfaces that don't exist yet or come and go. */
  dynamicInterfaces: boolean;
  /** With dynamicInterfaces: an interface may be recreated as another type. */
  dynamicInterfacesAllowIfChanges: boolean;
  /** Turn off IGMP reports for link-local groups in the kernel (Linux 4.3+). */
  disableLocalIgmp: boolean;
}

const k = keywordsFor<VrrpProtocolDefaults>();

const UINT_MAX_US_AS_MS = 0xffff_ffff / 1000;

function multicastGroup(family: 4 | 6): ValueType<string> {
  return {
    syntax: family === 4 ? 'IPv4' : 'IPv6',
    parse(words, at) {
      const w = oneWord(words, at);
      const ip = parseIpWord(w, family);
      const multicast = family === 4 ? /^2(2[4-9]|3\d)\./.test(ip.address) : /^ff/i.test(ip.address);
      if (!multicast) throw new ConfigValueError(`vrrp_mcast_group${family} [${w.text}] is not multicast`, w.loc);
      return ip.address;
    },
    format: (v) => [v],
  };
}

export const vrrpDefaultsArea = defineGlobalArea<VrrpProtocolDefaults>({
  name: 'VRRP protocol defaults',
  create: () => ({
    vrrpVersion: 2,
    vrrpStrict: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpStartupDelayMs: 0,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpCheckUnicastSrc: false,
    v3ChecksumAsV2: false,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpDownTimerAdverts: 3,
    vrrpOwnerIgnoreAdverts: false,
    logUnknownVrids: false,
    defaultInterface: 'eth0',
    dynamicInterfaces: false,
    dynamicInterfacesAllowIfChanges: false,
    disableLocalIgmp: false,
  }),
  keywords: [
    k.scalar('vrrp_version', { syntax: '2|3', parse: (w, at) => int(2, 3).parse(w, at) as 2 | 3, format: (v) => [String(v)] }, 'vrrpVersion', {
      tag: 'COMMON',
      doc: 'Default VRRP version; IPv6 instances always use 3.',
      default: '2',
    }),
    k.flag('vrrp_strict', 'vrrpStrict', { tag: 'COMMON', noArg: true, doc: 'Enforce strict VRRP protocol compliance in every instance (see strict_mode).' }),
    k.flag('vrrp_skip_check_adv_addr', 'vrrpSkipCheckAdvAddr', {
      tag: 'COMMON',
      noArg: true,
      doc: 'Skip checking the address list of adverts from the same master as the previous one.',
    }),
    k.scalar('vrrp_startup_delay', timer(1, UINT_MAX_US_AS_MS), 'vrrpStartupDelayMs', {
      tag: 'COMMON',
      doc: 'Seconds (µs resolution) to wait before the VRRP instances start, e.g. for the network to settle after boot.',
      default: '0',
    }),
    k.scalar('vrrp_delay_after_boot', timer(1, UINT_MAX_US_AS_MS), 'vrrpDelayAfterBootMs', {
      tag: 'RARE',
      since: '2.4',
      doc: 'Seconds after boot before the VRRP instances start (only the part not yet elapsed is waited).',
    }),
    k.scalar('vrrp_mcast_group4', multicastGroup(4), 'vrrpMcastGroup4', { tag: 'RARE', doc: 'Default IPv4 multicast group of adverts.', default: '224.0.0.18' }),
    k.custom(
      'vrrp_mcast_group6',
      { tag: 'RARE', syntax: 'IPv6', doc: 'Default IPv6 multicast group of adverts (should be link-local scope).', default: 'ff02::12' },
      (m, stmt, ctx) => {
        m.vrrpMcastGroup6 = multicastGroup(6).parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'vrrpMcastGroup6');
        if (!/^ff[0-9a-f]2:/i.test(m.vrrpMcastGroup6)) {
          ctx.diags.warning(`vrrp_mcast_group6 [${stmt.args[0]!.text}] should be link-local multicast.`, stmt.args[0]!.loc, 'vrrp_mcast_group6');
        }
      },
      (m) => (m.vrrpMcastGroup6 === 'ff02::12' ? [] : [{ words: ['vrrp_mcast_group6', m.vrrpMcastGroup6] }]),
    ),
    k.flag('vrrp_check_unicast_src', 'vrrpCheckUnicastSrc', {
      tag: 'RARE',
      noArg: true,
      doc: 'In unicast mode, drop adverts whose source is not one of the peers (every instance).',
    }),
    k.flag('v3_checksum_as_v2', 'v3ChecksumAsV2', {
      tag: 'RARE',
      since: '2.3',
      noArg: true,
      doc: 'VRRPv3/IPv4 checksums without the pseudo-header, for every instance (Cisco/Juniper interoperability).',
    }),
    k.flag('vrrp_lower_prio_no_advert', 'vrrpLowerPrioNoAdvert', {
      tag: 'RARE',
      doc: 'As MASTER, do not answer a lower-priority advert with an advert (RFC behaviour).',
      default: 'off',
    }),
    k.flag('vrrp_higher_prio_send_advert', 'vrrpHigherPrioSendAdvert', {
      tag: 'RARE',
      doc: 'As MASTER, send one advert on receiving a higher-priority one before stepping down.',
      default: 'off',
    }),
    k.scalar('vrrp_down_timer_adverts', int(1, 100), 'vrrpDownTimerAdverts', {
      tag: 'RARE',
      doc: 'Adverts missed before the master is declared down (the RFCs say 3).',
      default: '3',
    }),
    k.flag('vrrp_owner_ignore_adverts', 'vrrpOwnerIgnoreAdverts', {
      tag: 'RARE',
      since: '2.3',
      doc: 'Address owners (priority 255) ignore received adverts.',
      default: 'off',
    }),
    k.flag('log_unknown_vrids', 'logUnknownVrids', { tag: 'RARE', noArg: true, doc: 'Log adverts received for VRIDs no instance uses.' }),
    k.scalar('default_interface', { syntax: 'IF', parse: (w, at) => oneWord(w, at).text, format: (v) => [v] }, 'defaultInterface', {
      tag: 'RARE',
      doc: 'Interface for static addresses, and VIPs of instances without an interface, that name no dev.',
      default: 'eth0',
    }),
    k.custom(
      'dynamic_interfaces',
      { tag: 'RARE', syntax: '[allow_if_changes]', doc: 'Allow interfaces that do not exist at start-up or that are deleted and recreated.' },
      (m, stmt, ctx) => {
        const [w, extra] = stmt.args;
        if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
        if (w && w.text !== 'allow_if_changes') throw new ConfigValueError(`Unknown dynamic_interfaces option '${w.text}' (expected allow_if_changes)`, w.loc);
        m.dynamicInterfaces = true;
        if (w) m.dynamicInterfacesAllowIfChanges = true;
        ctx.locations.set(m, stmt.loc, 'dynamicInterfaces');
      },
      (m) => (m.dynamicInterfaces ? [{ words: m.dynamicInterfacesAllowIfChanges ? ['dynamic_interfaces', 'allow_if_changes'] : ['dynamic_interfaces'] }] : []),
    ),
    k.flag('disable_local_igmp', 'disableLocalIgmp', {
      tag: 'RARE',
      noArg: true,
      doc: 'Stop the kernel sending IGMP reports for link-local groups (instead of moving them off VMACs).',
    }),
  ],
});
