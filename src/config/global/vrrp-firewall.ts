/**
 * global_defs, "Firewall (no_accept / VMAC / VSG fwmarks)" area (census §3.2;
 * keepalived core/global_parser.c). keepalived uses a firewall to drop
 * traffic to the VIPs of non-owner instances in no_accept (or strict) mode,
 * to keep IGMP/MLD off VMAC interfaces, and (nftables_ipvs) to give each
 * virtual_server_group one fwmark.
 *
 * keepalived-ts programs nftables only — like Debian's keepalived 2.2.7,
 * which is built without iptables support and answers vrrp_iptables with
 * "iptables not supported, using nftables instead". vrrp_iptables and
 * vrrp_ipsets are recorded (so -d writes them back) with that warning.
 * When no_accept or a VMAC needs a firewall and none is configured,
 * keepalived uses nftables table "keepalived"; that choice is the firewall
 * layer's, at run time.
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import type { ValueType } from '../schema/types.js';
import { int } from '../schema/values.js';
import { defineGlobalArea } from './area.js';

export interface IptablesChains {
  readonly inChain: string;
  readonly outChain?: string;
}

export interface IpsetNames {
  readonly address: string;
  readonly address6: string;
  readonly addressIface6: string;
  readonly igmp: string;
  readonly mld: string;
}

export interface VrrpFirewallDefaults {
  /** Recorded only: iptables is not supported (see the module notes). */
  vrrpIptables?: IptablesChains;
  /** Recorded only; false = `vrrp_ipsets` with no names (don't use ipsets). */
  vrrpIpsets?: IpsetNames | false;
  /** nftables table for VRRP (no_accept, VMAC IGMP/MLD filtering). */
  nftables?: string;
  /** Priority of keepalived's base chains. */
  nftablesPriority: number;
  /** Key IPv6 link-local sets on ifindex rather than interface name. */
  nftablesIfindex: boolean;
  /** Add counters to the rules. */
  nftablesCounters: boolean;
  /** nftables table that sets the fwmarks of virtual_server_groups. */
  nftablesIpvs?: string;
  nftablesIpvsPriority: number;
  /** First fwmark allocated to virtual_server_groups. */
  nftablesIpvsStartFwmark: number;
}

const k = keywordsFor<VrrpFirewallDefaults>();

/** Linux NFT_TABLE_MAXNAMELEN is 256 with the NUL. */
const NFT_TABLE_NAME_MAX = 255;
/** XT_EXTENSION_MAXNAMELEN (29) as keepalived checks it. */
const CHAIN_NAME_MAX = 27;
/** IPSET_MAXNAMELEN (32) as keepalived checks it. */
const IPSET_NAME_MAX = 30;
const INT32 = 0x7fff_ffff;

function tableName(defaultName: string): ValueType<string> {
  return {
    syntax: '[TABLE]',
    parse(words, at) {
      const [w, extra] = words;
      if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
      if (!w) return defaultName;
      if (w.text === '' || w.text.length > NFT_TABLE_NAME_MAX) throw new ConfigValueError(`${at.text} table name too long or empty`, w.loc);
      return w.text;
    },
    format: (v) => (v === defaultName ? [] : [v]),
  };
}

const iptablesChains: ValueType<IptablesChains> = {
  syntax: '[IN_CHAIN [OUT_CHAIN]]',
  parse(words) {
    const [inW, outW, extra] = words;
    if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
    if (!inW) return { inChain: 'INPUT', outChain: 'OUTPUT' };
    for (const w of [inW, outW]) {
      if (w && w.text.length > CHAIN_NAME_MAX) throw new ConfigValueError(`iptables chain name ${w.text} too long (at most ${CHAIN_NAME_MAX})`, w.loc);
    }
    return outW ? { inChain: inW.text, outChain: outW.text } : { inChain: inW.text };
  },
  format: (v) => (v.outChain === undefined ? [v.inChain] : [v.inChain, v.outChain]),
};

/** Missing names are derived from the first ones, as keepalived does. */
const ipsetNames: ValueType<IpsetNames | false> = {
  syntax: '[ADDR [ADDR6 [ADDR_IF6 [IGMP [MLD]]]]]',
  parse(words) {
    if (words.length === 0) return false;
    if (words.length > 5) throw new ConfigValueError(`unexpected extra parameter '${words[5]!.text}'`, words[5]!.loc);
    for (const w of words) {
      if (w.text === '' || w.text.length > IPSET_NAME_MAX) throw new ConfigValueError(`ipset name ${w.text} too long or empty (at most ${IPSET_NAME_MAX})`, w.loc);
    }
    const address = words[0]!.text;
    const address6 = words[1]?.text ?? `${address}6`;
    const addressIface6 = words[2]?.text ?? `${address6.endsWith('6') ? address6.slice(0, -1) : address6}_if6`;
    return { address, address6, addressIface6, igmp: words[3]?.text ?? `${address}_igmp`, mld: words[4]?.text ?? `${address}_mld` };
  },
  format: (v) => (v === false ? [] : [v.address, v.address6, v.addressIface6, v.igmp, v.mld]),
};

export const vrrpFirewallArea = defineGlobalArea<VrrpFirewallDefaults>({
  name: 'Firewall (no_accept / VMAC / VSG fwmarks)',
  create: () => ({ nftablesPriority: -1, nftablesIfindex: false, nftablesCounters: false, nftablesIpvsPriority: -1, nftablesIpvsStartFwmark: 1000 }),
  keywords: [
    k.custom(
      'vrrp_iptables',
      { tag: 'COMMON', syntax: iptablesChains.syntax, doc: 'iptables chains for no_accept and VMAC filtering; not supported: nftables is used instead.' },
      (m, stmt, ctx) => {
        if (m.vrrpIptables) throw new ConfigValueError('iptables already specified', stmt.keyword.loc);
        m.vrrpIptables = iptablesChains.parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'vrrpIptables');
        ctx.diags.warning("iptables not supported, using nftables instead. Please replace 'vrrp_iptables' and 'vrrp_ipsets' with 'nftables' config option", stmt.keyword.loc, 'vrrp_iptables');
      },
      (m) => (m.vrrpIptables ? [{ words: ['vrrp_iptables', ...iptablesChains.format(m.vrrpIptables)] }] : []),
    ),
    k.scalar('vrrp_ipsets', ipsetNames, 'vrrpIpsets', { tag: 'RARE', doc: 'ipset names used with vrrp_iptables (no names: no ipsets); not supported.' }),
    k.custom(
      'nftables',
      { tag: 'RARE', syntax: '[TABLE]', doc: 'Use nftables table TABLE for no_accept and VMAC filtering.', default: 'keepalived' },
      (m, stmt, ctx) => {
        if (m.nftables !== undefined) throw new ConfigValueError('nftables already specified', stmt.keyword.loc);
        m.nftables = tableName('keepalived').parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'nftables');
      },
      (m) => (m.nftables === undefined ? [] : [{ words: ['nftables', ...tableName('keepalived').format(m.nftables)] }]),
    ),
    k.scalar('nftables_priority', int(-INT32 - 1, INT32), 'nftablesPriority', { tag: 'RARE', doc: "Priority of keepalived's nftables base chains.", default: '-1' }),
    k.flag('nftables_ifindex', 'nftablesIfindex', { tag: 'RARE', noArg: true, doc: 'Key the IPv6 link-local sets on interface index instead of name.' }),
    k.flag('nftables_counters', 'nftablesCounters', { tag: 'RARE', noArg: true, doc: "Add counters to keepalived's nftables rules." }),
    k.custom(
      'nftables_ipvs',
      { tag: 'RARE', syntax: '[TABLE]', doc: 'Use nftables table TABLE to give each virtual_server_group a single fwmark.', default: 'keepalived_ipvs' },
      (m, stmt, ctx) => {
        if (m.nftablesIpvs !== undefined) throw new ConfigValueError('ipvs nftables already specified', stmt.keyword.loc);
        m.nftablesIpvs = tableName('keepalived_ipvs').parse(stmt.args, stmt.keyword);
        ctx.locations.set(m, stmt.loc, 'nftablesIpvs');
      },
      (m) => (m.nftablesIpvs === undefined ? [] : [{ words: ['nftables_ipvs', ...tableName('keepalived_ipvs').format(m.nftablesIpvs)] }]),
    ),
    k.scalar('nftables_ipvs_priority', int(-INT32 - 1, INT32), 'nftablesIpvsPriority', { tag: 'RARE', doc: 'Priority of the IPVS fwmark chains.', default: '-1' }),
    k.scalar('nftables_ipvs_start_fwmark', int(1, 0xffff_ffff), 'nftablesIpvsStartFwmark', {
      tag: 'RARE',
      doc: 'First fwmark given to a virtual_server_group.',
      default: '1000',
    }),
  ],
});
