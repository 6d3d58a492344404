/**
 * vrrp_instance keywords for how adverts travel: the source address, the
 * multicast group, or unicast to a list of peers (keepalived vrrp_parser.c,
 * vrrp_data.c alloc_vrrp_unicast_peer).
 *
 * keepalived counts any of unicast_src_ip, unicast_peer, unicast_fault_no_peer,
 * check_unicast_src and old_unicast_checksum as "unicast configured"; with no
 * peer listed it falls back to multicast with a deprecation warning, or goes
 * to FAULT with unicast_fault_no_peer. These keywords record their location
 * under UNICAST_KEYWORD so instance-resolve.ts can apply that rule.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { keywordsFor } from '../../config/schema/define.js';
import { canonicalIp, parseIpWord } from '../../config/schema/net-values.js';
import type { Keyword } from '../../config/schema/types.js';
import { int, oneWord } from '../../config/schema/values.js';
import { UNICAST_KEYWORD, type UnicastPeer, type VrrpInstance } from './instance-model.js';
import { alwaysPrinted, lineList, type LineType } from './line-list.js';
import { readUnsigned } from './words.js';

const k = keywordsFor<VrrpInstance>();

/** IN_MULTICAST (224.0.0.0/4) for IPv4, IN6_IS_ADDR_MC_LINKLOCAL (ffX2::/16) for IPv6. */
export function isVrrpMulticastGroup(address: string): boolean {
  if (address.includes(':')) return /^ff[0-9a-f]2:/i.test(address);
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

const unicastPeerLine: LineType<UnicastPeer> = {
  syntax: 'ADDR [min_ttl 0..255] [max_ttl 0..255]',
  parse(words: readonly Word[]) {
    const [addr, ...opts] = words as [Word, ...Word[]];
    const ip = canonicalIp(addr.text);
    if (!ip) throw new ConfigValueError(`malformed unicast peer address ${addr.text}`, addr.loc);
    let minTtl = 0;
    let maxTtl = 255;
    for (let i = 0; i < opts.length; i += 2) {
      const opt = opts[i]!;
      const v = opts[i + 1];
      if (opt.text !== 'min_ttl' && opt.text !== 'max_ttl') throw new ConfigValueError(`unknown unicast_peer option ${opt.text} (expected min_ttl|max_ttl)`, opt.loc);
      if (!v) throw new ConfigValueError(`${opt.text} is missing a value`, opt.loc);
      const ttl = readUnsigned(v, 0, 255, { what: opt.text });
      if (opt.text === 'min_ttl') minTtl = ttl;
      else maxTtl = ttl;
    }
    if (minTtl > maxTtl) throw new ConfigValueError(`min_ttl ${minTtl} > max_ttl ${maxTtl} - all packets would be discarded`, addr.loc);
    return { address: ip.address, minTtl, maxTtl };
  },
  format(p) {
    const w = [p.address];
    if (p.minTtl !== 0) w.push('min_ttl', String(p.minTtl));
    if (p.maxTtl !== 255) w.push('max_ttl', String(p.maxTtl));
    return w;
  },
};

function sourceKeyword(name: 'mcast_src_ip' | 'unicast_src_ip'): Keyword<VrrpInstance> {
  return k.custom(
    name,
    {
      tag: 'COMMON',
      syntax: 'ADDR',
      doc: name === 'mcast_src_ip'
        ? 'Source address of adverts (default: the primary address of the interface).'
        : 'Source address of unicast adverts (needed when the instance has no interface).',
    },
    (m, stmt, ctx) => {
      const w = oneWord(stmt.args, stmt.keyword);
      const ip = canonicalIp(w.text);
      if (!ip) throw new ConfigValueError(`VRRP instance[${m.name}] malformed src address[${w.text}]`, w.loc);
      m.sourceAddress = ip.address;
      ctx.locations.set(m, stmt.loc, 'sourceAddress');
      if (name === 'unicast_src_ip') ctx.locations.set(m, stmt.loc, UNICAST_KEYWORD);
    },
    // One address, written with the keyword matching the mode the instance runs in.
    (m) => {
      if (m.sourceAddress === undefined || (name === 'unicast_src_ip') !== m.unicastPeers.length > 0) return [];
      return [{ words: [name, m.sourceAddress] }];
    },
  );
}

/** Marks the instance as "unicast configured" when the keyword is used. */
function markingUnicast(inner: Keyword<VrrpInstance>): Keyword<VrrpInstance> {
  return {
    ...inner,
    apply(m, stmt, ctx) {
      ctx.locations.set(m, stmt.loc, UNICAST_KEYWORD);
      inner.apply(m, stmt, ctx);
    },
  };
}

export const unicastKeywords: Keyword<VrrpInstance>[] = [
  sourceKeyword('mcast_src_ip'),
  sourceKeyword('unicast_src_ip'),
  k.custom(
    'mcast_dst_ip',
    { tag: 'RARE', syntax: 'ADDR', doc: 'Multicast group for adverts (IPv6: link-local scope, ffX2::).', default: 'global vrrp_mcast_group4 / vrrp_mcast_group6' },
    (m, stmt, ctx) => {
      const w = oneWord(stmt.args, stmt.keyword);
      const ip = parseIpWord(w);
      if (!isVrrpMulticastGroup(ip.address)) {
        throw new ConfigValueError(`(${m.name}) mcast_dst_ip ${w.text} not${ip.family === 6 ? ' link-local' : ''} multicast`, w.loc);
      }
      m.mcastGroup = ip.address;
      ctx.locations.set(m, stmt.loc, 'mcastGroup');
    },
    // Resolved from global_defs in multicast mode, so written whenever set.
    (m) => (m.mcastGroup === undefined ? [] : [{ words: ['mcast_dst_ip', m.mcastGroup] }]),
  ),
  k.flag('track_src_ip', 'trackSrcIp', {
    tag: 'RARE',
    noArg: true,
    doc: 'Go to FAULT while the configured source address is missing from the system.',
  }),
  markingUnicast(lineList<VrrpInstance, UnicastPeer>('unicast_peer', unicastPeerLine, {
    get: (m) => m.unicastPeers,
    set: (m, v) => {
      m.unicastPeers = v;
    },
  }, { tag: 'COMMON', doc: 'Send adverts to these addresses by unicast instead of multicast; optional TTL limits on received adverts.' })),
  markingUnicast(k.flag('unicast_fault_no_peer', 'unicastFaultNoPeer', {
    tag: 'RARE',
    noArg: true,
    doc: 'Go to FAULT instead of falling back to multicast when unicast is configured without peers.',
  })),
  markingUnicast(k.flag('check_unicast_src', 'checkUnicastSrc', {
    tag: 'RARE',
    noArg: true,
    doc: 'Drop unicast adverts whose source is not one of the peers.',
    default: 'global vrrp_check_unicast_src (off)',
  })),
  k.scalar('unicast_ttl', int(0, 255), 'unicastTtl', {
    tag: 'RARE',
    doc: 'TTL / hop limit of unicast adverts.',
    default: '255 (IPv4), kernel default (IPv6)',
  }),
  k.custom(
    'old_unicast_checksum',
    { tag: 'RARE', syntax: '[never]', doc: 'Use the pre-1.3.6 VRRPv3 unicast checksum; "never" turns off detecting it in received adverts.' },
    (m, stmt, ctx) => {
      const [w, extra] = stmt.args;
      if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
      if (w && w.text !== 'never') throw new ConfigValueError(`(${m.name}) Unknown old_unicast_checksum mode ${w.text} (expected never)`, w.loc);
      m.unicastChecksumCompat = w ? 'never' : 'old';
      ctx.locations.set(m, stmt.loc, 'unicastChecksumCompat');
      ctx.locations.set(m, stmt.loc, UNICAST_KEYWORD);
    },
    (m) => (m.unicastChecksumCompat === 'auto' ? [] : [{ words: m.unicastChecksumCompat === 'never' ? ['old_unicast_checksum', 'never'] : ['old_unicast_checksum'] }]),
  ),
  alwaysPrinted(k.flag('v3_checksum_as_v2', 'v3ChecksumAsV2', {
    tag: 'RARE',
    since: '2.3',
    doc: 'Compute VRRPv3/IPv4 checksums without the pseudo-header, as some Cisco and Juniper releases do.',
    default: 'global v3_checksum_as_v2 (off)',
  })),
];

