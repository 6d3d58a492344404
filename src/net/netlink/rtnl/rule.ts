/**
 * Policy-routing rules over rtnetlink: the fib_rule_hdr codec, the Rule domain object
 * and the requests behind keepalived's static_rules / virtual_rules (census §3.3):
 * from, to, table/lookup, priority, tos, fwmark[/mask], realms, iif, oif, goto, nop,
 * suppress_prefixlength, suppress_ifgroup, uidrange, l3mdev, protocol, ipproto,
 * sport, dport, tunnel id, not, and the types blackhole/unreachable/prohibit.
 *
 * Encoding follows keepalived's vrrp_iprule.c (v2.2.7): the action is "lookup a
 * table" unless goto/nop/a drop type is asked for; the table defaults to main for a
 * lookup (except with l3mdev, where the VRF device names the table); tables above 255
 * go in FRA_TABLE; no protocol is sent unless one is given.
 *
 * Wire notes: port and uid ranges are host-order structs ({u16 start, end} and
 * {u32 start, end}); the tunnel id is big-endian 64-bit; the kernel reports an unset
 * suppress_prefixlength as all ones (-1), which decodes to undefined. The dump also
 * contains the IPMR/IP6MR families (128/129); decodeRule returns null for those.
 */

import { defineSchema, structAttr, type AttrValues } from '../attributes.js';
import { NlmF } from '../constants.js';
import { NetlinkEncodeError } from '../errors.js';
import { parsePrefix, type IpFamily } from '../inet.js';
import { defineBody, type NetlinkMessage, type NetlinkRequest } from '../message.js';
import { defineStruct } from '../struct.js';
import { AF_INET, AF_INET6, FIB_RULE, FRA, FR_ACT, RTM, RTPROT, RT_TABLE, nameOf, type RuleActionName } from './constants.js';

export const fibRuleHdr = defineStruct('fib_rule_hdr', [
  ['family', 'u8'], ['dstLength', 'u8'], ['srcLength', 'u8'], ['tos', 'u8'],
  ['table', 'u8'], ['res1', 'pad1'], ['res2', 'pad1'], ['action', 'u8'], ['flags', 'u32'],
]);

const uidRangeStruct = defineStruct('fib_rule_uid_range', [['start', 'u32'], ['end', 'u32']]);
const portRangeStruct = defineStruct('fib_rule_port_range', [['start', 'u16'], ['end', 'u16']]);
export interface Range { readonly start: number; readonly end: number }

export const ruleSchema = defineSchema('rule', {
  dst: { type: FRA.DST, kind: 'ipaddr' },
  src: { type: FRA.SRC, kind: 'ipaddr' },
  iifname: { type: FRA.IIFNAME, kind: 'string', maxLength: 15 },
  goto: { type: FRA.GOTO, kind: 'u32' },
  priority: { type: FRA.PRIORITY, kind: 'u32' },
  fwmark: { type: FRA.FWMARK, kind: 'u32' },
  flow: { type: FRA.FLOW, kind: 'u32' },
  tunId: { type: FRA.TUN_ID, kind: 'be64' },
  suppressIfgroup: { type: FRA.SUPPRESS_IFGROUP, kind: 'u32' },
  suppressPrefixlen: { type: FRA.SUPPRESS_PREFIXLEN, kind: 'u32' },
  table: { type: FRA.TABLE, kind: 'u32' },
  fwmask: { type: FRA.FWMASK, kind: 'u32' },
  oifname: { type: FRA.OIFNAME, kind: 'string', maxLength: 15 },
  l3mdev: { type: FRA.L3MDEV, kind: 'u8' },
  uidRange: { type: FRA.UID_RANGE, kind: 'custom', codec: structAttr<Range>(uidRangeStruct) },
  protocol: { type: FRA.PROTOCOL, kind: 'u8' },
  ipProto: { type: FRA.IP_PROTO, kind: 'u8' },
  sportRange: { type: FRA.SPORT_RANGE, kind: 'custom', codec: structAttr<Range>(portRangeStruct) },
  dportRange: { type: FRA.DPORT_RANGE, kind: 'custom', codec: structAttr<Range>(portRangeStruct) },
});

export const ruleBody = defineBody(fibRuleHdr, ruleSchema);
type RuleAttrs = AttrValues<typeof ruleSchema>;

/** The kernel's "not set" for FRA_SUPPRESS_PREFIXLEN and FRA_SUPPRESS_IFGROUP. */
const UNSET_U32 = 0xffffffff;

export interface Rule {
  readonly family: IpFamily;
  /** Preference; lower runs first. Rule 0 (local) has none on the wire and reads as 0. */
  readonly priority: number;
  readonly action: RuleActionName;
  readonly table: number;
  readonly src: string | undefined;
  readonly dst: string | undefined;
  readonly tos: number;
  readonly not: boolean;
  readonly fwmark: number | undefined;
  readonly fwmask: number | undefined;
  readonly iif: string | undefined;
  readonly oif: string | undefined;
  readonly goto: number | undefined;
  readonly realms: number | undefined;
  readonly suppressPrefixLength: number | undefined;
  readonly suppressIfgroup: number | undefined;
  readonly l3mdev: boolean;
  readonly uidRange: Range | undefined;
  readonly protocol: number | undefined;
  readonly ipProto: number | undefined;
  readonly sport: Range | undefined;
  readonly dport: Range | undefined;
  readonly tunnelId: bigint | undefined;
  /** FIB_RULE_* bits as reported (INVERT, IIF_DETACHED, ...). */
  readonly flags: number;
}

const familyOfAf = (af: number): IpFamily | undefined => (af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined);
const unsetToUndefined = (v: number | undefined): number | undefined => (v === UNSET_U32 ? undefined : v);

export function decodeRule(msg: NetlinkMessage): Rule | null {
  const { header, attrs } = ruleBody.decode(msg.payload);
  const family = familyOfAf(header.family);
  if (family === undefined) return null;
  const a = attrs.values;
  return {
    family,
    priority: a.priority ?? 0,
    action: nameOf(FR_ACT, header.action) ?? 'unspec',
    table: a.table ?? header.table,
    src: a.src === undefined ? undefined : `${a.src}/${header.srcLength}`,
    dst: a.dst === undefined ? undefined : `${a.dst}/${header.dstLength}`,
    tos: header.tos,
    not: (header.flags & FIB_RULE.INVERT) !== 0,
    fwmark: a.fwmark,
    fwmask: a.fwmask,
    iif: a.iifname,
    oif: a.oifname,
    goto: a.goto,
    realms: a.flow,
    suppressPrefixLength: unsetToUndefined(a.suppressPrefixlen),
    suppressIfgroup: unsetToUndefined(a.suppressIfgroup),
    l3mdev: (a.l3mdev ?? 0) !== 0,
    uidRange: a.uidRange,
    protocol: a.protocol,
    ipProto: a.ipProto,
    sport: a.sportRange,
    dport: a.dportRange,
    tunnelId: a.tunId,
    flags: header.flags,
  };
}

export interface RuleSpec {
  readonly family: IpFamily;
  readonly priority?: number;
  /** Default: 'to_tbl' (lookup), or 'goto' when `goto` is given. */
  readonly action?: RuleActionName;
  /** For lookups; default main. */
  readonly table?: number;
  /** "192.0.2.0/24"; a bare address means a host prefix. */
  readonly src?: string;
  readonly dst?: string;
  readonly tos?: number;
  readonly not?: boolean;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** Interface names, as `ip rule ... iif eth0`: rules match by name, even before it exists. */
  readonly iif?: string;
  readonly oif?: string;
  readonly goto?: number;
  readonly realms?: number;
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: number;
  readonly l3mdev?: boolean;
  readonly uidRange?: Range;
  readonly protocol?: keyof typeof RTPROT | number;
  readonly ipProto?: number;
  readonly sport?: Range;
  readonly dport?: Range;
  readonly tunnelId?: bigint;
}

export function describeRule(spec: RuleSpec): string {
  const parts: string[] = [];
  if (spec.priority !== undefined) parts.push(`priority ${spec.priority}`);
  if (spec.not) parts.push('not');
  parts.push(`from ${spec.src ?? 'all'}`);
  if (spec.dst) parts.push(`to ${spec.dst}`);
  if (spec.fwmark !== undefined) parts.push(`fwmark ${spec.fwmark}${spec.fwmask !== undefined ? `/${spec.fwmask}` : ''}`);
  if (spec.iif) parts.push(`iif ${spec.iif}`);
  if (spec.oif) parts.push(`oif ${spec.oif}`);
  const action = spec.action ?? (spec.goto !== undefined ? 'goto' : 'to_tbl');
  parts.push(action === 'to_tbl' ? (spec.l3mdev ? 'lookup [l3mdev-table]' : `lookup ${spec.table ?? RT_TABLE.main}`) : action);
  return parts.join(' ');
}

function checkRange(range: Range | undefined, max: number, path: string): void {
  if (range === undefined) return;
  const ok = Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.end <= max && range.start <= range.end;
  if (!ok) throw new NetlinkEncodeError(path, `${range.start}-${range.end} is not a range within 0..${max}`);
}

function encodeRule(spec: RuleSpec, forDelete: boolean): Buffer {
  const path = 'rule';
  const family = spec.family;
  if (family !== 4 && family !== 6) throw new NetlinkEncodeError(`${path}.family`, `family must be 4 or 6, got ${String(family)}`);
  const action: RuleActionName = spec.action ?? (spec.goto !== undefined ? 'goto' : 'to_tbl');
  const actionNumber = FR_ACT[action];
  if (actionNumber === undefined) throw new NetlinkEncodeError(`${path}.action`, `unknown rule action '${String(action)}'`);
  if (action === 'goto' && spec.goto === undefined) throw new NetlinkEncodeError(`${path}.goto`, 'a goto rule needs a target priority');
  const values: RuleAttrs = {};
  const prefix = (text: string | undefined, what: 'src' | 'dst'): number => {
    if (text === undefined) return 0;
    let p;
    try {
      p = parsePrefix(text);
    } catch (err) {
      throw new NetlinkEncodeError(`${path}.${what}`, (err as Error).message);
    }
    if (p.family !== family) throw new NetlinkEncodeError(`${path}.${what}`, `${text} is IPv${p.family} in an IPv${family} rule`);
    values[what] = p.address;
    return p.prefixLength;
  };
  const srcLength = prefix(spec.src, 'src');
  const dstLength = prefix(spec.dst, 'dst');
  let headerTable = RT_TABLE.unspec as number;
  if (action === 'to_tbl' && !spec.l3mdev && !(forDelete && spec.table === undefined)) {
    const table = spec.table ?? RT_TABLE.main;
    if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) throw new NetlinkEncodeError(`${path}.table`, `${table} is not 1..4294967295`);
    if (table < 256) headerTable = table; else values.table = table;
  }
  if (spec.priority !== undefined) values.priority = spec.priority;
  if (spec.fwmark !== undefined) values.fwmark = spec.fwmark;
  if (spec.fwmask !== undefined) values.fwmask = spec.fwmask;
  if (spec.realms !== undefined) values.flow = spec.realms;
  if (spec.suppressPrefixLength !== undefined) values.suppressPrefixlen = spec.suppressPrefixLength;
  if (spec.suppressIfgroup !== undefined) values.suppressIfgroup = spec.suppressIfgroup;
  if (spec.iif !== undefined) values.iifname = spec.iif;
  if (spec.oif !== undefined) values.oifname = spec.oif;
  if (spec.tunnelId !== undefined) values.tunId = spec.tunnelId;
  checkRange(spec.uidRange, 0xffffffff, `${path}.uidRange`);
  if (spec.uidRange !== undefined) values.uidRange = spec.uidRange;
  if (spec.l3mdev) values.l3mdev = 1;
  if (spec.protocol !== undefined) {
    const p = typeof spec.protocol === 'number' ? spec.protocol : RTPROT[spec.protocol];
    if (p === undefined) throw new NetlinkEncodeError(`${path}.protocol`, `unknown protocol '${String(spec.protocol)}'`);
    values.protocol = p;
  }
  if (spec.ipProto !== undefined) values.ipProto = spec.ipProto;
  checkRange(spec.sport, 0xffff, `${path}.sport`);
  checkRange(spec.dport, 0xffff, `${path}.dport`);
  if (spec.sport !== undefined) values.sportRange = spec.sport;
  if (spec.dport !== undefined) values.dportRange = spec.dport;
  if (spec.goto !== undefined) values.goto = spec.goto;
  return ruleBody.encode({
    family: family === 4 ? AF_INET : AF_INET6,
    dstLength, srcLength, tos: spec.tos ?? 0, table: headerTable,
    // A delete with no explicit action matches any action (FR_ACT_UNSPEC).
    action: forDelete && spec.action === undefined && spec.goto === undefined ? FR_ACT.unspec : actionNumber,
    flags: spec.not ? FIB_RULE.INVERT : 0,
  }, values);
}

export function ruleAddRequest(spec: RuleSpec): NetlinkRequest {
  return { type: RTM.NEWRULE, flags: NlmF.CREATE | NlmF.EXCL, typeName: 'RTM_NEWRULE', description: describeRule(spec), payload: encodeRule(spec, false) };
}

export function ruleDeleteRequest(spec: RuleSpec): NetlinkRequest {
  return { type: RTM.DELRULE, flags: 0, typeName: 'RTM_DELRULE', description: describeRule(spec), payload: encodeRule(spec, true) };
}

export function ruleDumpRequest(family?: IpFamily): NetlinkRequest {
  return {
    type: RTM.GETRULE, flags: NlmF.DUMP, dump: true, typeName: 'RTM_GETRULE', description: family ? `dump IPv${family}` : 'dump',
    payload: ruleBody.encode({ family: family === 4 ? AF_INET : family === 6 ? AF_INET6 : 0 }, {}),
  };
}
