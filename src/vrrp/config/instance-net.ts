/**
 * vrrp_instance keywords for interfaces and what is put on them: the
 * instance's interface or VRF, the virtual MAC (macvlan) or ipvlan it may
 * create, and the VIPs, eVIPs, virtual routes and rules it adds as MASTER
 * (keepalived vrrp_parser.c; doc/NOTE_vrrp_vmac.txt).
 *
 * Whether an interface exists, is Ethernet (needed for a VMAC), supports
 * multicast, or is a loopback are facts about the running system, checked
 * when the instance starts, not here.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { keywordsFor } from '../../config/schema/define.js';
import { canonicalIp, formatPrefix, parsePrefixWord } from '../../config/schema/net-values.js';
import type { Keyword } from '../../config/schema/types.js';
import { vipLine, type AddressLine } from './address-line.js';
import type { Ipvlan, IpvlanMode, VrrpInstance } from './instance-model.js';
import { lineList } from './line-list.js';
import { virtualRouteLine, type RouteLine } from './route-line.js';
import { virtualRuleLine, type RuleLine } from './rule-line.js';
import { readIfName } from './words.js';

const k = keywordsFor<VrrpInstance>();

/** RFC 5798 §7.3: 00-00-5E-00-01-{VRID} (IPv4) and 00-00-5E-00-02-{VRID} (IPv6). */
const VRRP_MAC_PREFIX = '00:00:5e:00';

/**
 * A VMAC address: six octets, or five (the VRID completes it). Must be
 * unicast and must not be one of the RFC 5798 virtual router MACs.
 */
export function parseVmacAddress(w: Word): string {
  const text = w.text.endsWith(':') ? w.text.slice(0, -1) : w.text;
  const octets = text.split(':');
  if ((octets.length !== 5 && octets.length !== 6) || !octets.every((o) => /^[0-9a-fA-F]{1,2}$/.test(o))) {
    throw new ConfigValueError(`VMAC invalid MAC address ${w.text} (expected 5 or 6 octets)`, w.loc);
  }
  const mac = octets.map((o) => o.toLowerCase().padStart(2, '0')).join(':');
  if (Number.parseInt(octets[0]!, 16) & 1) throw new ConfigValueError(`VMAC MAC address is multicast ${w.text}`, w.loc);
  if (mac.startsWith(VRRP_MAC_PREFIX) && (octets[4] === '1' || octets[4] === '01' || octets[4] === '2' || octets[4] === '02')) {
    throw new ConfigValueError(`VMAC MAC address not allowed to be RFC5798 address (${w.text})`, w.loc);
  }
  return mac;
}

const vmacKeyword = k.custom(
  'use_vmac',
  { tag: 'COMMON', syntax: '[NAME] [MAC]', doc: 'Put the VIPs on a macvlan with the virtual router MAC (00:00:5e:00:01:VRID, :02: for IPv6) or MAC.' },
  (m, stmt, ctx) => {
    const vmac: { ifname?: string; mac?: string } = {};
    if (stmt.args.length > 2) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[2]!.text}' (expected [NAME] [MAC])`, stmt.args[2]!.loc);
    for (const w of stmt.args) {
      // Interface names cannot contain ':', so a word with one is the MAC.
      if (w.text.includes(':')) {
        if (vmac.mac !== undefined) throw new ConfigValueError('VMAC interface address already specified', w.loc);
        vmac.mac = parseVmacAddress(w);
      } else {
        if (vmac.ifname !== undefined) throw new ConfigValueError('VMAC interface name already specified', w.loc);
        vmac.ifname = readIfName(w);
      }
    }
    m.vmac = vmac;
    ctx.locations.set(m, stmt.loc, 'vmac');
  },
  (m) => {
    if (!m.vmac) return [];
    const words = ['use_vmac'];
    if (m.vmac.ifname !== undefined) words.push(m.vmac.ifname);
    if (m.vmac.mac !== undefined) words.push(m.vmac.mac);
    return [{ words }];
  },
);

const IPVLAN_MODES: readonly IpvlanMode[] = ['bridge', 'private', 'vepa'];

const ipvlanKeyword = k.custom(
  'use_ipvlan',
  { tag: 'RARE', syntax: '[NAME] [ADDR[/LEN]] [bridge|private|vepa]', doc: 'Use an L2 ipvlan instead of a macvlan; IPv4 instances need ADDR, which is also the advert source.' },
  (m, stmt, ctx) => {
    if (m.ipvlan) throw new ConfigValueError(`(${m.name}) use_ipvlan already specified`, stmt.keyword.loc);
    let mode: IpvlanMode | undefined;
    const ipvlan: { -readonly [K in keyof Ipvlan]?: Ipvlan[K] } = {};
    for (const w of stmt.args) {
      if ((IPVLAN_MODES as readonly string[]).includes(w.text)) {
        if (mode) throw new ConfigValueError(`(${m.name}) ipvlan type already specified - '${w.text}'`, w.loc);
        mode = w.text as IpvlanMode;
      } else if (canonicalIp(w.text.split('/')[0]!)) {
        if (ipvlan.address) throw new ConfigValueError(`(${m.name}) ipvlan address already specified - '${w.text}'`, w.loc);
        ipvlan.address = parsePrefixWord(w);
      } else {
        if (ipvlan.ifname !== undefined) throw new ConfigValueError(`(${m.name}) IPVLAN interface already specified - '${w.text}'`, w.loc);
        ipvlan.ifname = readIfName(w);
      }
    }
    m.ipvlan = { ...ipvlan, mode: mode ?? 'bridge' } as Ipvlan;
    ctx.locations.set(m, stmt.loc, 'ipvlan');
  },
  (m) => {
    if (!m.ipvlan) return [];
    const words = ['use_ipvlan'];
    if (m.ipvlan.ifname !== undefined) words.push(m.ipvlan.ifname);
    if (m.ipvlan.address) words.push(formatPrefix(m.ipvlan.address));
    if (m.ipvlan.mode !== 'bridge') words.push(m.ipvlan.mode);
    return [{ words }];
  },
);

const ifName = { syntax: 'IF', parse: (words: readonly Word[], at: Word) => {
  if (words.length === 0) throw new ConfigValueError('missing interface name', at.loc);
  if (words.length > 1) throw new ConfigValueError(`unexpected extra parameter '${words[1]!.text}'`, words[1]!.loc);
  return readIfName(words[0]!);
}, format: (v: string) => [v] };

export const netKeywords: Keyword<VrrpInstance>[] = [
  k.scalar('interface', ifName, 'interface', {
    tag: 'CORE',
    doc: 'The interface adverts are sent and received on, and the default one for the VIPs; may be omitted for unicast.',
  }),
  k.scalar('vrf', ifName, 'vrf', { tag: 'RARE', doc: 'VRF device to use for a unicast instance without an interface.' }),
  vmacKeyword,
  k.flag('use_vmac_addr', 'vmacAddr', {
    tag: 'RARE',
    noArg: true,
    doc: 'Also create VMACs on the other interfaces used by VIPs/eVIPs, and for eVIPs of the other family.',
  }),
  k.flag('vmac_xmit_base', 'vmacXmitBase', {
    tag: 'COMMON',
    noArg: true,
    doc: 'Send and receive adverts on the base interface instead of the VMAC (required for unicast with use_vmac).',
  }),
  ipvlanKeyword,
  k.flag('promote_secondaries', 'promoteSecondaries', {
    tag: 'RARE',
    noArg: true,
    doc: "Set promote_secondaries on the interface so deleting one address does not remove others of its subnet.",
  }),
  lineList<VrrpInstance, AddressLine>('virtual_ipaddress', vipLine, { get: (m) => m.vips, set: (m, v) => { m.vips = v; } }, {
    tag: 'CORE',
    doc: 'The VIPs, added as MASTER and carried in adverts; all of the instance\'s family.',
  }),
  lineList<VrrpInstance, AddressLine>('virtual_ipaddress_excluded', vipLine, { get: (m) => m.evips, set: (m, v) => { m.evips = v; } }, {
    tag: 'COMMON',
    doc: 'Addresses added and removed like VIPs but not carried in adverts; any family.',
  }),
  lineList<VrrpInstance, RouteLine>('virtual_routes', virtualRouteLine, { get: (m) => m.vroutes, set: (m, v) => { m.vroutes = v; } }, {
    tag: 'COMMON',
    doc: 'Routes added as MASTER and removed otherwise (ip route syntax, plus no_track).',
  }),
  lineList<VrrpInstance, RuleLine>('virtual_rules', virtualRuleLine, { get: (m) => m.vrules, set: (m, v) => { m.vrules = v; } }, {
    tag: 'RARE',
    doc: 'Policy routing rules added as MASTER and removed otherwise (ip rule syntax, plus no_track).',
  }),
  k.flag('no_virtual_ipaddress', 'allowNoVips', {
    tag: 'RARE',
    since: '2.3',
    noArg: true,
    doc: 'Allow the instance to have no VIPs (VRRPv3 requires at least one).',
  }),
];

/** The canonical text of a VMAC for a VRID and family (RFC 5798 §7.3). */
export function defaultVmac(vrid: number, family: 4 | 6): string {
  return `${VRRP_MAC_PREFIX}:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
}
