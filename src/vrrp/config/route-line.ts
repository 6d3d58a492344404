/**
 * The route line of virtual_routes and static_routes (keepalived
 * vrrp_iproute.c alloc_route): `ip route add` syntax without abbreviations.
 *
 *   [inet|inet6] [TYPE] [to] PREFIX|default [src ADDR] [from PREFIX]
 *   [via [inet|inet6] ADDR] [dev|oif IF] [table T] [vrf NAME] [tos|dsfield T]
 *   [protocol P] [scope S] [metric|priority|preference N] [onlink]
 *   [encap …] [expires N] [realms [F/]T] [pref low|medium|high|N]
 *   [ttl-propagate enabled|disabled] [METRIC …] [add|append|prepend]
 *   [no_track] [track_group G] [nexthop NH …]
 *   NH = [via [inet|inet6] ADDR] [dev IF] [weight 1..256] [onlink] [encap …] [realms R]
 *
 * Family: every address must be of one family; `realms` implies IPv4,
 * `expires`, `pref` and `from` IPv6; otherwise IPv4. `default` (or any/all)
 * becomes 0.0.0.0/0 or ::/0 once the family is known.
 *
 * Tracking (keepalived's rule, kept): a route is tracked unless `no_track`,
 * which makes its protocol "keepalived" (18) so keepalived can recognise it;
 * a different protocol on a tracked route is an error. A route without an
 * interface cannot be tracked: keepalived warns and stops tracking it, and so
 * do we (the model then says noTrack). `gw` (for via) and `or` (a second
 * gateway, now a two-hop nexthop list) are deprecated spellings that warn.
 * `as [to]` (MPLS NEWDST) is refused as in keepalived.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { canonicalIp, type Family } from '../../config/schema/net-values.js';
import type { LineContext, LineType } from './line-list.js';
import { formatEncap, parseEncap, type Encap } from './route-encap.js';
import { applyMetric, formatMetrics, metricSpec, type RouteMetrics } from './route-metrics.js';
import { formatRealms, formatRtId, parseRealms, parseRtId, routeTypeOf, type Realms, type RouteTypeName, type RtId } from './rt-names.js';
import { readIfName, readUnsigned, WordCursor } from './words.js';

export const RTPROT_KEEPALIVED = 18;
const RT_TABLE_MAIN = 254;
const U32 = 0xffff_ffff;

export interface Prefix {
  readonly address: string;
  readonly prefixLen: number;
}

export interface Nexthop {
  readonly via?: string;
  readonly dev?: string;
  /** 1..256 as written (the kernel stores weight - 1). */
  readonly weight?: number;
  readonly onlink: boolean;
  readonly encap?: Encap;
  readonly realms?: Realms;
}

export type RouteMode = 'prepend' | 'add' | 'append';

export interface RouteLine {
  readonly family: Family;
  /** Route type; 'unicast' unless given. */
  readonly type: RouteTypeName | number;
  readonly dst: Prefix;
  /** Preferred source address (`src`). */
  readonly src?: string;
  /** Source prefix (`from`, IPv6 only). */
  readonly from?: Prefix;
  readonly via?: string;
  readonly dev?: string;
  /** Routing table; 254 (main) unless given. */
  readonly table: RtId;
  /** VRF device whose table the route goes in (resolved at run time; takes precedence over table). */
  readonly vrf?: string;
  readonly tos?: RtId;
  /** Routing protocol; "keepalived" (18) for tracked routes. */
  readonly protocol?: RtId;
  readonly scope?: RtId;
  readonly metric?: number;
  readonly onlink: boolean;
  readonly encap?: Encap;
  /** IPv6 route lifetime, seconds. */
  readonly expires?: number;
  readonly realms?: Realms;
  /** IPv6 router preference. */
  readonly pref?: 'low' | 'medium' | 'high' | number;
  readonly ttlPropagate?: boolean;
  readonly metrics: RouteMetrics;
  readonly nexthops: Nexthop[];
  /** prepend (keepalived's default: NLM_F_CREATE only), add (NLM_F_EXCL), append. */
  readonly mode: RouteMode;
  readonly noTrack: boolean;
  /** static_routes only. */
  readonly trackGroup?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A family that may only be set once per route ("Cannot mix IPv4 and IPv6 addresses for route"). */
class FamilyLock {
  family: Family | undefined;
  need(f: Family, w: Word, message = 'Cannot mix IPv4 and IPv6 addresses for route'): void {
    if (this.family === undefined) this.family = f;
    else if (this.family !== f) throw new ConfigValueError(message, w.loc);
  }
}

function parseAddr(w: Word, fam: FamilyLock, what: string): string {
  const ip = canonicalIp(w.text);
  if (!ip) throw new ConfigValueError(`invalid route ${what} address ${w.text}`, w.loc);
  fam.need(ip.family, w);
  return ip.address;
}

/** A destination or `from` prefix; undefined address = default (family decided later). */
function parsePrefix(w: Word, fam: FamilyLock, what: string): { address?: string; prefixLen: number } {
  if (w.text === 'default' || w.text === 'any' || w.text === 'all') return { prefixLen: 0 };
  if (w.text === 'default6') {
    fam.need(6, w);
    return { prefixLen: 0 };
  }
  const slash = w.text.indexOf('/');
  const ip = canonicalIp(slash < 0 ? w.text : w.text.slice(0, slash));
  if (!ip) throw new ConfigValueError(what === 'destination' ? `unknown route keyword ${w.text}` : `invalid route ${what} address ${w.text}`, w.loc);
  const max = ip.family === 4 ? 32 : 128;
  let prefixLen = max;
  if (slash >= 0) {
    const len = w.text.slice(slash + 1);
    if (!/^\d+$/.test(len) || Number(len) > max) throw new ConfigValueError(`Invalid address prefix len ${len} for address ${w.text} (0..${max})`, w.loc);
    prefixLen = Number(len);
  }
  fam.need(ip.family, w, `Cannot mix IPv4 and IPv6 addresses for route (${w.text})`);
  return { address: ip.address, prefixLen };
}

function parseVia(c: WordCursor, opt: Word, fam: FamilyLock): string {
  let w = c.next(opt, 'gateway address');
  if (w.text === 'inet' || w.text === 'inet6') {
    fam.need(w.text === 'inet' ? 4 : 6, w);
    w = c.next(w, 'gateway address');
  }
  return parseAddr(w, fam, 'via');
}

function parseNexthops(c: WordCursor, first: Word, fam: FamilyLock): Nexthop[] {
  const hops: Nexthop[] = [];
  while (c.take('nexthop')) {
    const nh: Mutable<Nexthop> = { onlink: false };
    for (let w = c.peek(); w && w.text !== 'nexthop'; w = c.peek()) {
      c.next(first, 'option');
      switch (w.text) {
        case 'via': nh.via = parseVia(c, w, fam); break;
        case 'dev': nh.dev = readIfName(c.next(w, 'interface name')); break;
        case 'weight': {
          const v = c.next(w, 'weight');
          nh.weight = readUnsigned(v, 1, 256, { what: 'nexthop weight' });
          break;
        }
        case 'onlink': nh.onlink = true; break;
        case 'encap': nh.encap = parseEncap(c, w); break;
        case 'realms':
          nh.realms = parseRealms(c.next(w, 'realms'));
          fam.need(4, w, 'realms are only supported for IPv4');
          break;
        case 'as':
          throw new ConfigValueError("'as [to]' (nat) not supported", w.loc);
        default:
          throw new ConfigValueError(`Route has trailing nonsense after nexthops - ${w.text}`, w.loc);
      }
    }
    hops.push(nh);
  }
  const rest = c.peek();
  if (rest) throw new ConfigValueError(`Route has trailing nonsense after nexthops - ${rest.text}`, rest.loc);
  return hops;
}

function parseRoute(words: readonly Word[], lc: LineContext, allowTrackGroup: boolean): RouteLine {
  const first = words[0]!;
  const c = new WordCursor(words);
  const fam = new FamilyLock();
  const r: Mutable<Omit<RouteLine, 'dst' | 'family' | 'from'>> & { dst?: { address?: string; prefixLen: number }; from?: { address?: string; prefixLen: number } } = {
    type: 'unicast', table: RT_TABLE_MAIN, onlink: false, metrics: {}, nexthops: [], mode: 'prepend', noTrack: false,
  };
  let protocolWord: Word | undefined;
  let trackGroupWord: Word | undefined;
  let dstWord: Word | undefined;

  while (!c.done) {
    const opt = c.next(first, 'option');
    const value = (what: string) => c.next(opt, what);
    const metric = metricSpec(opt.text);
    if (metric) {
      applyMetric(r.metrics, metric, value(opt.text === 'features' ? 'feature' : `${opt.text} value`), () => value(`${opt.text} value`));
      continue;
    }
    switch (opt.text) {
      case 'inet': fam.need(4, opt, 'inet specified for IPv6 route'); break;
      case 'inet6': fam.need(6, opt, 'inet6 specified for IPv4 route'); break;
      case 'src': r.src = parseAddr(value('source address'), fam, 'src'); break;
      case 'from': {
        const w = value('source prefix');
        r.from = parsePrefix(w, fam, 'from');
        if (r.from.address !== undefined && !r.from.address.includes(':')) {
          throw new ConfigValueError(`route from address only supported with IPv6 (${w.text})`, w.loc);
        }
        fam.need(6, w, `route from address only supported with IPv6 (${w.text})`);
        break;
      }
      case 'gw':
      case 'via':
        if (opt.text === 'gw') lc.warn('"gw" for routes is deprecated. Please use "via"', opt.loc);
        r.via = parseVia(c, opt, fam);
        break;
      case 'dev':
      case 'oif': r.dev = readIfName(value('interface name')); break;
      case 'table': r.table = parseRtId(value('table'), 'table'); break;
      case 'vrf': r.vrf = readIfName(value('VRF name')); break;
      case 'tos':
      case 'dsfield': r.tos = parseRtId(value('TOS value'), 'dsfield'); break;
      case 'protocol':
        protocolWord = value('protocol');
        r.protocol = parseRtId(protocolWord, 'protocol');
        break;
      case 'scope': r.scope = parseRtId(value('scope'), 'scope'); break;
      case 'metric':
      case 'priority':
      case 'preference': r.metric = readUnsigned(value('metric'), 0, U32, { what: 'route metric' }); break;
      case 'onlink': r.onlink = true; break;
      case 'encap': r.encap = parseEncap(c, opt); break;
      case 'expires':
        r.expires = readUnsigned(value('expires time'), 0, U32, { what: 'route expires' });
        fam.need(6, opt, 'expires is only valid for IPv6');
        break;
      case 'realms':
        r.realms = parseRealms(value('realms'));
        fam.need(4, opt, 'realms are only valid for IPv4');
        break;
      case 'pref': {
        const w = value('preference');
        r.pref = w.text === 'low' || w.text === 'medium' || w.text === 'high' ? w.text : readUnsigned(w, 0, 255, { what: 'route pref' });
        fam.need(6, opt, 'pref is only valid for IPv6');
        break;
      }
      case 'ttl-propagate': {
        const w = value('enabled|disabled');
        if (w.text !== 'enabled' && w.text !== 'disabled') throw new ConfigValueError(`ttl-propagate value ${w.text} not recognised (enabled|disabled)`, w.loc);
        r.ttlPropagate = w.text === 'enabled';
        break;
      }
      case 'add':
      case 'append':
      case 'prepend': r.mode = opt.text; break;
      case 'or': {
        lc.warn('"or" for routes is deprecated. Please use "nexthop"', opt.loc);
        const w = value('gateway address');
        if (r.nexthops.length > 0) throw new ConfigValueError('"or" route already specified', opt.loc);
        if (r.via === undefined) throw new ConfigValueError('"or" needs a gateway given with via before it', opt.loc);
        r.nexthops = [{ via: r.via, onlink: false }, { via: parseAddr(w, fam, '"or"'), onlink: false }];
        delete r.via;
        break;
      }
      case 'nexthop':
        if (r.nexthops.length > 0) throw new ConfigValueError('Cannot specify nexthops with "or" route', opt.loc);
        c.back();
        r.nexthops = parseNexthops(c, first, fam);
        break;
      case 'no_track': r.noTrack = true; break;
      case 'track_group':
        if (!allowTrackGroup) throw new ConfigValueError('track_group is only valid for static routes', opt.loc);
        trackGroupWord = value('track_group name');
        if (r.trackGroup !== undefined) throw new ConfigValueError(`track_group ${trackGroupWord.text} is a duplicate`, trackGroupWord.loc);
        r.trackGroup = trackGroupWord.text;
        break;
      case 'as':
        throw new ConfigValueError('"as to" is for MPLS routes only and is not supported', opt.loc);
      default: {
        // [TYPE] PREFIX, or `to PREFIX`.
        let w = opt;
        if (opt.text === 'to') w = value('destination');
        else {
          const type = routeTypeOf(opt.text);
          if (type !== undefined) {
            r.type = type;
            w = value('destination');
          }
        }
        r.dst = parsePrefix(w, fam, 'destination');
        dstWord = w;
      }
    }
  }

  if (!r.dst) throw new ConfigValueError('Route must have a destination', first.loc);
  if (!r.noTrack) {
    if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED && r.protocol !== 'keepalived') {
      throw new ConfigValueError(`Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}); add no_track or drop the protocol`, protocolWord!.loc);
    }
    r.protocol = RTPROT_KEEPALIVED;
    if (r.dev === undefined) {
      lc.warn(`Warning - cannot track route ${dstWord!.text} with no interface specified, not tracking`, first.loc);
      r.noTrack = true;
    }
  }
  if (r.trackGroup !== undefined && r.dev === undefined) {
    throw new ConfigValueError('Static route cannot have track group if no oif specified', trackGroupWord!.loc);
  }

  const family = fam.family ?? 4;
  const zero = family === 4 ? '0.0.0.0' : '::';
  const dst = { address: r.dst.address ?? zero, prefixLen: r.dst.prefixLen };
  const from = r.from && { address: r.from.address ?? zero, prefixLen: r.from.prefixLen };
  return { ...r, family, dst, ...(from ? { from } : {}) } as RouteLine;
}

function formatNexthop(nh: Nexthop): string[] {
  const w = ['nexthop'];
  if (nh.via !== undefined) w.push('via', nh.via);
  if (nh.dev !== undefined) w.push('dev', nh.dev);
  if (nh.weight !== undefined) w.push('weight', String(nh.weight));
  if (nh.onlink) w.push('onlink');
  if (nh.encap) w.push(...formatEncap(nh.encap));
  if (nh.realms) w.push('realms', formatRealms(nh.realms));
  return w;
}

function formatRoute(r: RouteLine): string[] {
  const w: string[] = [];
  if (r.type !== 'unicast') w.push(String(r.type));
  w.push(`${r.dst.address}/${r.dst.prefixLen}`);
  if (r.src !== undefined) w.push('src', r.src);
  if (r.from) w.push('from', `${r.from.address}/${r.from.prefixLen}`);
  if (r.via !== undefined) w.push('via', r.via);
  if (r.dev !== undefined) w.push('dev', r.dev);
  if (r.table !== RT_TABLE_MAIN) w.push('table', formatRtId(r.table));
  if (r.vrf !== undefined) w.push('vrf', r.vrf);
  if (r.tos !== undefined) w.push('tos', formatRtId(r.tos));
  if (r.protocol !== undefined) w.push('protocol', formatRtId(r.protocol));
  if (r.scope !== undefined) w.push('scope', formatRtId(r.scope));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.onlink) w.push('onlink');
  if (r.encap) w.push(...formatEncap(r.encap));
  if (r.expires !== undefined) w.push('expires', String(r.expires));
  if (r.realms) w.push('realms', formatRealms(r.realms));
  if (r.pref !== undefined) w.push('pref', String(r.pref));
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  w.push(...formatMetrics(r.metrics));
  if (r.mode !== 'prepend') w.push(r.mode);
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  for (const nh of r.nexthops) w.push(...formatNexthop(nh));
  return w;
}

const SYNTAX = '[TYPE] PREFIX|default [src A] [via A] [dev IF] [table T] [protocol P] [scope S] [metric N] … [no_track]';

/** virtual_routes lines. */
export const virtualRouteLine: LineType<RouteLine> = {
  syntax: SYNTAX,
  parse: (words, lc) => parseRoute(words, lc, false),
  format: formatRoute,
};

/** static_routes lines (with track_group). */
export const staticRouteLine: LineType<RouteLine> = {
  syntax: `${SYNTAX} [track_group G]`,
  parse: (words, lc) => parseRoute(words, lc, true),
  format: formatRoute,
};
