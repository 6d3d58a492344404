/**
 * The rule line of virtual_rules and static_rules (keepalived vrrp_iprule.c
 * alloc_rule): `ip rule add` syntax without abbreviations.
 *
 *   [inet|inet6] [not] [from PREFIX] [to PREFIX] [preference|priority|order N]
 *   [tos|dsfield T] [fwmark N[/MASK]] [realms [F/]T] [suppress_prefixlength N]
 *   [suppress_ifgroup G] [dev|iif IF] [oif IF] [tunnel-id N] [uidrange A-B]
 *   [protocol N] [ipproto P] [sport A[-B]] [dport A[-B]] [no_track]
 *   [track_group G]   and exactly one action:
 *   table|lookup T | l3mdev | [type] goto N | [type] nop | [type] blackhole|unreachable|prohibit
 *
 * Rules are added in preference order by the kernel, so a rule without one
 * is given the next free value of keepalived's running counter (16384, 16383,
 * … per family, over the whole configuration in file order) with keepalived's
 * warning. As for routes, a tracked rule (no `no_track`) gets protocol
 * "keepalived" (18). `ipproto` names come from /etc/protocols and are
 * resolved at run time; numbers are 0..127 as keepalived reads them.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { canonicalIp, type Family } from '../../config/schema/net-values.js';
import { perCompile, type LineContext, type LineType } from './line-list.js';
import { RTPROT_KEEPALIVED, type Prefix } from './route-line.js';
import { formatRealms, formatRtId, parseRealms, parseRtId, type Realms, type RtId } from './rt-names.js';
import { parseCNumber, readIfName, readU64, readUnsigned, WordCursor } from './words.js';

export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

export interface PortRange {
  readonly start: number;
  readonly end: number;
}

export interface RuleLine {
  readonly family: Family;
  /** `not`: invert the selector. */
  readonly not: boolean;
  readonly from?: Prefix;
  readonly to?: Prefix;
  /** Resolved: given, or keepalived's automatic value (with a warning). */
  readonly priority: number;
  readonly tos?: RtId;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly realms?: Realms;
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: RtId;
  /** Input interface (`dev`/`iif`). */
  readonly iif?: string;
  readonly oif?: string;
  /** u64, decimal. */
  readonly tunnelId?: string;
  readonly uidRange?: PortRange;
  /** Rule protocol; 18 (keepalived) for tracked rules. */
  readonly protocol?: number;
  /** IP protocol number, or an /etc/protocols name resolved at run time. */
  readonly ipproto?: number | string;
  readonly sport?: PortRange;
  readonly dport?: PortRange;
  readonly action: RuleAction;
  /** For action 'table' (unless l3mdev). */
  readonly table?: RtId;
  /** For action 'table': look up the table of the packet's L3 master device. */
  readonly l3mdev: boolean;
  /** For action 'goto': the preference to jump to (greater than this rule's). */
  readonly gotoTarget?: number;
  readonly noTrack: boolean;
  /** static_rules only. */
  readonly trackGroup?: string;
}

const RULE_START_PRIORITY = 16384;
const U32 = 0xffff_ffff;
const nextAutoPriority = perCompile(() => ({ 4: RULE_START_PRIORITY, 6: RULE_START_PRIORITY }));

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseRulePrefix(w: Word, setFamily: (f: Family, w: Word) => void, what: string): { address?: string; prefixLen: number } {
  if (w.text === 'default' || w.text === 'any' || w.text === 'all') return { prefixLen: 0 };
  const slash = w.text.indexOf('/');
  const ip = canonicalIp(slash < 0 ? w.text : w.text.slice(0, slash));
  if (!ip) throw new ConfigValueError(`Invalid rule ${what} address ${w.text}`, w.loc);
  const max = ip.family === 4 ? 32 : 128;
  let prefixLen = max;
  if (slash >= 0) {
    const len = w.text.slice(slash + 1);
    if (!/^\d+$/.test(len) || Number(len) > max) throw new ConfigValueError(`Invalid address prefix len ${len} for address ${w.text} (0..${max})`, w.loc);
    prefixLen = Number(len);
  }
  setFamily(ip.family, w);
  return { address: ip.address, prefixLen };
}

function parsePortRange(w: Word, what: string): PortRange {
  const m = /^(\d+)(?:-(\d+))?$/.exec(w.text);
  if (!m || Number(m[1]) > 65535 || Number(m[2] ?? m[1]) > 65535) throw new ConfigValueError(`invalid ${what} range ${w.text}`, w.loc);
  return { start: Number(m[1]), end: Number(m[2] ?? m[1]) };
}

function parseRule(words: readonly Word[], lc: LineContext, allowTrackGroup: boolean): RuleLine {
  const first = words[0]!;
  const c = new WordCursor(words);
  let family: Family | undefined;
  const setFamily = (f: Family, w: Word, message = 'rule specification has mixed IPv4 and IPv6') => {
    if (family === undefined) family = f;
    else if (family !== f) throw new ConfigValueError(message, w.loc);
  };
  const r: Mutable<Partial<RuleLine>> & { l3mdev: boolean; not: boolean; noTrack: boolean } = { l3mdev: false, not: false, noTrack: false };
  let from: { address?: string; prefixLen: number } | undefined;
  let to: { address?: string; prefixLen: number } | undefined;
  let tableOption: Word | undefined;
  let protocolWord: Word | undefined;
  let trackGroupWord: Word | undefined;
  const setAction = (action: RuleAction, w: Word) => {
    if (r.action !== undefined) throw new ConfigValueError('Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule', w.loc);
    r.action = action;
  };

  while (!c.done) {
    const opt = c.next(first, 'option');
    const value = (what: string) => c.next(opt, what);
    switch (opt.text) {
      case 'inet': setFamily(4, opt, 'inet specified for IPv6 rule'); break;
      case 'inet6': setFamily(6, opt, 'inet6 specified for IPv4 rule'); break;
      case 'from': from = parseRulePrefix(value('from address'), setFamily, 'from'); break;
      case 'to': to = parseRulePrefix(value('to address'), setFamily, 'to'); break;
      case 'table':
      case 'lookup': {
        const w = value('table');
        const table = parseRtId(w, 'table');
        if (table === 0) throw new ConfigValueError('Table 0 is not valid', w.loc);
        setAction('table', opt);
        r.table = table;
        break;
      }
      case 'not': r.not = true; break;
      case 'preference':
      case 'order':
      case 'priority': r.priority = readUnsigned(value('preference'), 0, U32, { base0: true, what: 'rule preference' }); break;
      case 'tos':
      case 'dsfield': r.tos = parseRtId(value('TOS value'), 'dsfield'); break;
      case 'fwmark': {
        const w = value('fwmark');
        const [mark, mask, extra] = w.text.split('/');
        const m = parseCNumber(mark!);
        const k = mask === undefined ? undefined : parseCNumber(mask);
        if (extra !== undefined || m === undefined || m > U32 || (mask !== undefined && (k === undefined || k > U32))) {
          throw new ConfigValueError(`Invalid rule fwmark ${w.text} specified`, w.loc);
        }
        r.fwmark = m;
        if (k !== undefined) r.fwmask = k;
        break;
      }
      case 'realms':
        r.realms = parseRealms(value('realms'));
        tableOption = opt;
        setFamily(4, opt, 'realms is only valid for IPv4');
        break;
      case 'suppress_prefixlength':
      case 'sup_pl':
        r.suppressPrefixLength = readUnsigned(value('prefix length'), 0, 0x7fff_ffff, { what: 'suppress_prefixlength' });
        tableOption = opt;
        break;
      case 'suppress_ifgroup':
      case 'sup_group':
        r.suppressIfgroup = parseRtId(value('interface group'), 'group');
        tableOption = opt;
        break;
      case 'dev':
      case 'iif': r.iif = readIfName(value('interface name')); break;
      case 'oif': r.oif = readIfName(value('interface name')); break;
      case 'tunnel-id': r.tunnelId = readU64(value('tunnel id'), 'tunnel-id'); break;
      case 'uidrange': {
        const w = value('uid range');
        const m = /^(\d+)-(\d+)$/.exec(w.text);
        if (!m || Number(m[1]) > U32 || Number(m[2]) > U32) throw new ConfigValueError(`Invalid uidrange ${w.text} specified (expected START-END)`, w.loc);
        r.uidRange = { start: Number(m[1]), end: Number(m[2]) };
        break;
      }
      case 'l3mdev':
        setAction('table', opt);
        r.l3mdev = true;
        break;
      case 'protocol':
        protocolWord = value('protocol');
        r.protocol = readUnsigned(protocolWord, 0, 255, { what: 'rule protocol' });
        break;
      case 'ipproto': {
        const w = value('IP protocol');
        const n = /^\d+$/.test(w.text) ? Number(w.text) : undefined;
        if (n !== undefined && n > 127) throw new ConfigValueError(`Invalid ipproto ${w.text} (0..127)`, w.loc);
        if (n === undefined && !/^[A-Za-z][\w.+-]*$/.test(w.text)) throw new ConfigValueError(`Invalid ipproto ${w.text}`, w.loc);
        r.ipproto = n ?? w.text;
        break;
      }
      case 'sport': r.sport = parsePortRange(value('port range'), 'sport'); break;
      case 'dport': r.dport = parsePortRange(value('port range'), 'dport'); break;
      case 'no_track': r.noTrack = true; break;
      case 'track_group':
        if (!allowTrackGroup) throw new ConfigValueError('track_group is only valid for static rules', opt.loc);
        trackGroupWord = value('track_group name');
        if (r.trackGroup !== undefined) throw new ConfigValueError(`track_group ${trackGroupWord.text} is a duplicate`, trackGroupWord.loc);
        r.trackGroup = trackGroupWord.text;
        break;
      default: {
        const w = opt.text === 'type' ? value('rule action') : opt;
        switch (w.text) {
          case 'goto':
            setAction('goto', w);
            r.gotoTarget = readUnsigned(c.next(w, 'goto target'), 0, U32, { what: 'goto target' });
            break;
          case 'nop':
          case 'blackhole':
          case 'unreachable':
          case 'prohibit':
            setAction(w.text, w);
            break;
          default:
            throw new ConfigValueError(`Unknown rule option ${w.text}`, w.loc);
        }
      }
    }
  }

  if (r.action === undefined) throw new ConfigValueError('No action specified for rule (table, goto, nop, blackhole, unreachable, prohibit or l3mdev)', first.loc);
  if (r.action === 'goto') {
    if (r.priority === undefined) throw new ConfigValueError(`Invalid rule - goto target ${r.gotoTarget} specified without preference`, first.loc);
    if (r.priority >= r.gotoTarget!) throw new ConfigValueError(`Invalid rule - preference ${r.priority} >= goto target ${r.gotoTarget}`, first.loc);
  }
  if (r.action !== 'table' && tableOption) throw new ConfigValueError(`${tableOption.text} can only be used with a table action`, tableOption.loc);
  if (r.l3mdev && r.table !== undefined) throw new ConfigValueError('table cannot be specified for l3mdev rules', first.loc);
  if (!r.noTrack) {
    if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED) {
      throw new ConfigValueError(`Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}); add no_track or drop the protocol`, protocolWord!.loc);
    }
    r.protocol = RTPROT_KEEPALIVED;
  }
  if (r.trackGroup !== undefined && r.iif === undefined) {
    throw new ConfigValueError('Static rule cannot have track_group if dev/iif not specified', trackGroupWord!.loc);
  }

  const fam: Family = family ?? 4;
  const zero = fam === 4 ? '0.0.0.0' : '::';
  if (from) r.from = { address: from.address ?? zero, prefixLen: from.prefixLen };
  if (to) r.to = { address: to.address ?? zero, prefixLen: to.prefixLen };
  r.family = fam;
  if (r.priority === undefined) {
    const counters = nextAutoPriority(lc.compile);
    r.priority = counters[fam]--;
    lc.warn(`Rule has no preference specified - setting to ${r.priority}. This is probably not what you want.`, first.loc);
  }
  return r as RuleLine;
}

function formatRange(p: PortRange): string {
  return p.start === p.end ? String(p.start) : `${p.start}-${p.end}`;
}

function formatRule(r: RuleLine): string[] {
  const w: string[] = [];
  // Without an address the family word is the only thing that says IPv6.
  if (r.family === 6 && !r.from && !r.to) w.push('inet6');
  if (r.not) w.push('not');
  if (r.from) w.push('from', `${r.from.address}/${r.from.prefixLen}`);
  if (r.to) w.push('to', `${r.to.address}/${r.to.prefixLen}`);
  w.push('preference', String(r.priority));
  if (r.tos !== undefined) w.push('tos', formatRtId(r.tos));
  if (r.fwmark !== undefined) w.push('fwmark', r.fwmask === undefined ? String(r.fwmark) : `${r.fwmark}/${r.fwmask}`);
  if (r.realms) w.push('realms', formatRealms(r.realms));
  if (r.suppressPrefixLength !== undefined) w.push('suppress_prefixlength', String(r.suppressPrefixLength));
  if (r.suppressIfgroup !== undefined) w.push('suppress_ifgroup', formatRtId(r.suppressIfgroup));
  if (r.iif !== undefined) w.push('iif', r.iif);
  if (r.oif !== undefined) w.push('oif', r.oif);
  if (r.tunnelId !== undefined) w.push('tunnel-id', r.tunnelId);
  if (r.uidRange) w.push('uidrange', `${r.uidRange.start}-${r.uidRange.end}`);
  if (r.protocol !== undefined) w.push('protocol', String(r.protocol));
  if (r.ipproto !== undefined) w.push('ipproto', String(r.ipproto));
  if (r.sport) w.push('sport', formatRange(r.sport));
  if (r.dport) w.push('dport', formatRange(r.dport));
  if (r.action === 'table') w.push(...(r.l3mdev ? ['l3mdev'] : ['table', formatRtId(r.table!)]));
  else if (r.action === 'goto') w.push('goto', String(r.gotoTarget));
  else w.push(r.action);
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w;
}

const SYNTAX = '[from PREFIX] [to PREFIX] [preference N] [fwmark N[/M]] [iif IF] [oif IF] … table T|goto N|nop|blackhole|unreachable|prohibit|l3mdev [no_track]';

export const virtualRuleLine: LineType<RuleLine> = {
  syntax: SYNTAX,
  parse: (words, lc) => parseRule(words, lc, false),
  format: formatRule,
};

export const staticRuleLine: LineType<RuleLine> = {
  syntax: `${SYNTAX} [track_group G]`,
  parse: (words, lc) => parseRule(words, lc, true),
  format: formatRule,
};
