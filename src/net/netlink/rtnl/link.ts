/**
 * Links (network interfaces) over rtnetlink: the ifinfomsg codec, the Link domain
 * object the interface table keeps, and builders for the requests the daemon sends
 * (dump, get, set up/down/MTU/MAC, create and delete macvlan for VMAC, IPv6
 * address-generation mode).
 *
 * VMAC (keepalived's `use_vmac`, vrrp/vrrp_vmac.c at v2.2.7): keepalived creates a
 * macvlan on the VRRP interface with the virtual router MAC 00:00:5e:00:01:VRID
 * (00:00:5e:00:02:VRID for IPv6) in mode **private** — it hard-codes
 * MACVLAN_MODE_PRIVATE and re-creates an existing VMAC whose mode differs. Private
 * mode stops the macvlan from receiving frames sent by sibling macvlans on the same
 * parent, which matters when several VRIDs share one interface. We default to
 * private for the same reason; the other modes are accepted for `use_ipvlan`-like
 * experiments and tests. The address-generation mode is a separate request because
 * the kernel ignores IFLA_AF_SPEC on link creation (keepalived sets it afterwards
 * to 'none' so no EUI-64 link-local address appears, RFC 5798 §7.4).
 */

import { defineSchema, encodeAttrs, decodeAttrs, type AttrValues, type RawAttribute } from '../attributes.js';
import { NlmF } from '../constants.js';
import { NetlinkDecodeError } from '../errors.js';
import { defineBody, type NetlinkMessage, type NetlinkRequest } from '../message.js';
import { defineStruct } from '../struct.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IFF, IFLA, IFLA_INET, IFLA_INET6, IFLA_INFO, IFLA_MACVLAN, IN6_ADDR_GEN_MODE,
  MACVLAN_MODE, OPER_STATES, RTEXT_FILTER, RTM, nameOf, type AddrGenMode, type MacvlanMode, type OperState,
} from './constants.js';

export const ifinfomsg = defineStruct('ifinfomsg', [
  ['family', 'u8'], ['pad', 'pad1'], ['type', 'u16'], ['index', 's32'], ['flags', 'u32'], ['change', 'u32'],
]);

export const macvlanDataSchema = defineSchema('macvlan', {
  mode: { type: IFLA_MACVLAN.MODE, kind: 'u32' },
  flags: { type: IFLA_MACVLAN.FLAGS, kind: 'u16' },
  macaddrMode: { type: IFLA_MACVLAN.MACADDR_MODE, kind: 'u32' },
  macaddrCount: { type: IFLA_MACVLAN.MACADDR_COUNT, kind: 'u32' },
  bcQueueLen: { type: IFLA_MACVLAN.BC_QUEUE_LEN, kind: 'u32' },
  bcQueueLenUsed: { type: IFLA_MACVLAN.BC_QUEUE_LEN_USED, kind: 'u32' },
});

const linkInfoSchema = defineSchema('linkinfo', {
  kind: { type: IFLA_INFO.KIND, kind: 'string' },
  /** Its layout depends on `kind`; see decodeLinkInfoData. */
  data: { type: IFLA_INFO.DATA, kind: 'binary', nestedFlag: true },
  xstats: { type: IFLA_INFO.XSTATS, kind: 'binary' },
  slaveKind: { type: IFLA_INFO.SLAVE_KIND, kind: 'string' },
  slaveData: { type: IFLA_INFO.SLAVE_DATA, kind: 'binary', nestedFlag: true },
});

const inet6SpecSchema = defineSchema('inet6', {
  flags: { type: IFLA_INET6.FLAGS, kind: 'u32' },
  conf: { type: IFLA_INET6.CONF, kind: 'binary' },
  stats: { type: IFLA_INET6.STATS, kind: 'binary' },
  cacheinfo: { type: IFLA_INET6.CACHEINFO, kind: 'binary' },
  icmp6stats: { type: IFLA_INET6.ICMP6STATS, kind: 'binary' },
  token: { type: IFLA_INET6.TOKEN, kind: 'ipaddr' },
  addrGenMode: { type: IFLA_INET6.ADDR_GEN_MODE, kind: 'u8' },
  raMtu: { type: IFLA_INET6.RA_MTU, kind: 'u32' },
});

/** IFLA_AF_SPEC: one nest per address family, keyed by AF_* number. */
const afSpecSchema = defineSchema('af_spec', {
  inet: { type: AF_INET, kind: 'nested', schema: defineSchema('inet', { conf: { type: IFLA_INET.CONF, kind: 'binary' } }) },
  inet6: { type: AF_INET6, kind: 'nested', schema: inet6SpecSchema },
});

export const linkSchema = defineSchema('link', {
  address: { type: IFLA.ADDRESS, kind: 'lladdr' },
  broadcast: { type: IFLA.BROADCAST, kind: 'lladdr' },
  name: { type: IFLA.IFNAME, kind: 'string', maxLength: 15 },
  mtu: { type: IFLA.MTU, kind: 'u32' },
  link: { type: IFLA.LINK, kind: 'u32' },
  qdisc: { type: IFLA.QDISC, kind: 'string' },
  stats: { type: IFLA.STATS, kind: 'binary' },
  master: { type: IFLA.MASTER, kind: 'u32' },
  txqlen: { type: IFLA.TXQLEN, kind: 'u32' },
  map: { type: IFLA.MAP, kind: 'binary' },
  operstate: { type: IFLA.OPERSTATE, kind: 'u8' },
  linkmode: { type: IFLA.LINKMODE, kind: 'u8' },
  linkinfo: { type: IFLA.LINKINFO, kind: 'nested', schema: linkInfoSchema },
  alias: { type: IFLA.IFALIAS, kind: 'string' },
  stats64: { type: IFLA.STATS64, kind: 'binary' },
  afSpec: { type: IFLA.AF_SPEC, kind: 'nested', schema: afSpecSchema },
  group: { type: IFLA.GROUP, kind: 'u32' },
  extMask: { type: IFLA.EXT_MASK, kind: 'u32' },
  promiscuity: { type: IFLA.PROMISCUITY, kind: 'u32' },
  numTxQueues: { type: IFLA.NUM_TX_QUEUES, kind: 'u32' },
  numRxQueues: { type: IFLA.NUM_RX_QUEUES, kind: 'u32' },
  carrier: { type: IFLA.CARRIER, kind: 'u8' },
  carrierChanges: { type: IFLA.CARRIER_CHANGES, kind: 'u32' },
  linkNetnsid: { type: IFLA.LINK_NETNSID, kind: 's32' },
  protoDown: { type: IFLA.PROTO_DOWN, kind: 'u8' },
  gsoMaxSegs: { type: IFLA.GSO_MAX_SEGS, kind: 'u32' },
  gsoMaxSize: { type: IFLA.GSO_MAX_SIZE, kind: 'u32' },
  xdp: { type: IFLA.XDP, kind: 'binary' },
  event: { type: IFLA.EVENT, kind: 'u32' },
  carrierUpCount: { type: IFLA.CARRIER_UP_COUNT, kind: 'u32' },
  carrierDownCount: { type: IFLA.CARRIER_DOWN_COUNT, kind: 'u32' },
  minMtu: { type: IFLA.MIN_MTU, kind: 'u32' },
  maxMtu: { type: IFLA.MAX_MTU, kind: 'u32' },
  altNames: { type: IFLA.PROP_LIST, kind: 'list', element: { kind: 'string' } },
  permAddress: { type: IFLA.PERM_ADDRESS, kind: 'lladdr' },
  parentDevName: { type: IFLA.PARENT_DEV_NAME, kind: 'string' },
  parentDevBusName: { type: IFLA.PARENT_DEV_BUS_NAME, kind: 'string' },
  groMaxSize: { type: IFLA.GRO_MAX_SIZE, kind: 'u32' },
  tsoMaxSize: { type: IFLA.TSO_MAX_SIZE, kind: 'u32' },
  tsoMaxSegs: { type: IFLA.TSO_MAX_SEGS, kind: 'u32' },
  allmulti: { type: IFLA.ALLMULTI, kind: 'u32' },
});

export const linkBody = defineBody(ifinfomsg, linkSchema);
export type LinkAttrs = AttrValues<typeof linkSchema>;

/** A network interface as the interface table and its users see it. */
export interface Link {
  readonly index: number;
  readonly name: string;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback). */
  readonly hardwareType: number;
  /** IFF_* bits as the kernel reports them. */
  readonly flags: number;
  /** IFF_UP: administratively up (`ip link set X up`). */
  readonly adminUp: boolean;
  /** IFF_RUNNING: operationally up (RFC 2863 OPER_UP). */
  readonly running: boolean;
  /** IFF_LOWER_UP: the driver sees a carrier. */
  readonly lowerUp: boolean;
  /** keepalived's notion of "up" (vrrp_if.h FLAGS_UP): IFF_UP and IFF_RUNNING. */
  readonly up: boolean;
  readonly operState: OperState;
  readonly mtu: number | undefined;
  /** The link-layer address, "aa:bb:cc:dd:ee:ff"; undefined for links without one. */
  readonly mac: string | undefined;
  readonly broadcast: string | undefined;
  readonly permanentMac: string | undefined;
  /** IFLA_LINK: the lower device (a macvlan's or veth's parent/peer). */
  readonly parentIndex: number | undefined;
  /** IFLA_MASTER: the bridge, bond or VRF this link is enslaved to. */
  readonly masterIndex: number | undefined;
  /** IFLA_INFO_KIND: 'macvlan', 'veth', 'bridge', ... (undefined for physical NICs). */
  readonly kind: string | undefined;
  readonly macvlanMode: MacvlanMode | undefined;
  readonly alias: string | undefined;
  readonly group: number | undefined;
  readonly altNames: readonly string[];
  /** IPv6 address generation mode, when the kernel reports IPv6 settings. */
  readonly addrGenMode: AddrGenMode | undefined;
}

/** Decodes IFLA_INFO_DATA for the kinds we understand; other kinds stay opaque. */
export function decodeLinkInfoData(kind: string | undefined, data: Buffer | undefined): { macvlanMode?: MacvlanMode; extra: RawAttribute[] } {
  if (kind !== 'macvlan' || data === undefined) return { extra: [] };
  const { values, extra } = decodeAttrs(macvlanDataSchema, data, 'link.linkinfo.data(macvlan)');
  return values.mode === undefined ? { extra } : { macvlanMode: nameOf(MACVLAN_MODE, values.mode), extra };
}

/**
 * RTM_NEWLINK / RTM_DELLINK message -> Link. Throws NetlinkDecodeError on garbage.
 * Returns null for messages about a link in another family's view (AF_BRIDGE port
 * updates share the link group; an AF_BRIDGE DELLINK means "left the bridge", not
 * "deleted", so it must never be taken for the link itself).
 */
export function decodeLink(msg: NetlinkMessage): Link | null {
  const { header, attrs } = linkBody.decode(msg.payload);
  if (header.family !== AF_UNSPEC) return null;
  const a = attrs.values;
  if (a.name === undefined) throw new NetlinkDecodeError('link', `ifindex ${header.index} has no IFLA_IFNAME`);
  const info = decodeLinkInfoData(a.linkinfo?.kind, a.linkinfo?.data);
  const adminUp = (header.flags & IFF.UP) !== 0;
  const running = (header.flags & IFF.RUNNING) !== 0;
  const genMode = a.afSpec?.inet6?.addrGenMode;
  return {
    index: header.index,
    name: a.name,
    hardwareType: header.type,
    flags: header.flags,
    adminUp,
    running,
    lowerUp: (header.flags & IFF.LOWER_UP) !== 0,
    up: adminUp && running,
    operState: OPER_STATES[a.operstate ?? 0] ?? 'unknown',
    mtu: a.mtu,
    mac: a.address,
    broadcast: a.broadcast,
    permanentMac: a.permAddress,
    // IFLA_LINK equal to the link's own index means "no lower device" (loopback, NICs).
    parentIndex: a.link !== undefined && a.link !== header.index ? a.link : undefined,
    masterIndex: a.master || undefined,
    kind: a.linkinfo?.kind,
    macvlanMode: info.macvlanMode,
    alias: a.alias,
    group: a.group,
    altNames: a.altNames ?? [],
    addrGenMode: genMode === undefined ? undefined : nameOf(IN6_ADDR_GEN_MODE, genMode),
  };
}

/** A link is named by index or by name (the kernel accepts IFLA_IFNAME to find it). */
export type LinkRef = { readonly index: number } | { readonly name: string };

function refParts(ref: LinkRef): { index: number; attrs: LinkAttrs; text: string } {
  if ('index' in ref) return { index: ref.index, attrs: {}, text: `ifindex ${ref.index}` };
  return { index: 0, attrs: { name: ref.name }, text: ref.name };
}

/** Every link, with statistics left out (they are large and the table does not need them). */
export function linkDumpRequest(): NetlinkRequest {
  return {
    type: RTM.GETLINK, flags: NlmF.DUMP, dump: true, typeName: 'RTM_GETLINK', description: 'dump',
    payload: linkBody.encode({ family: AF_UNSPEC }, { extMask: RTEXT_FILTER.SKIP_STATS }),
  };
}

export function linkGetRequest(ref: LinkRef): NetlinkRequest {
  const { index, attrs, text } = refParts(ref);
  return {
    type: RTM.GETLINK, flags: 0, typeName: 'RTM_GETLINK', description: text,
    payload: linkBody.encode({ family: AF_UNSPEC, index }, { ...attrs, extMask: RTEXT_FILTER.SKIP_STATS }),
  };
}

export interface LinkChanges {
  /** Administrative state: true = `ip link set X up`. */
  readonly up?: boolean;
  readonly mtu?: number;
  readonly mac?: string;
  readonly newName?: string;
  readonly alias?: string;
  /** Enslave to a master ifindex; 0 releases it. */
  readonly masterIndex?: number;
}

/** RTM_NEWLINK on an existing link, changing only what is given (like `ip link set`). */
export function linkSetRequest(ref: LinkRef, changes: LinkChanges): NetlinkRequest {
  const { index, attrs, text } = refParts(ref);
  const values: LinkAttrs = { ...attrs };
  if (changes.newName !== undefined) {
    if (!('index' in ref)) throw new TypeError('renaming a link needs its index, not its old name');
    values.name = changes.newName;
  }
  if (changes.mtu !== undefined) values.mtu = changes.mtu;
  if (changes.mac !== undefined) values.address = changes.mac;
  if (changes.alias !== undefined) values.alias = changes.alias;
  if (changes.masterIndex !== undefined) values.master = changes.masterIndex;
  const parts = Object.entries(changes).map(([k, v]) => `${k} ${String(v)}`).join(' ');
  return {
    type: RTM.NEWLINK, flags: 0, typeName: 'RTM_NEWLINK', description: `${text} ${parts}`.trim(),
    payload: linkBody.encode(
      // ifi_change selects which ifi_flags bits to apply; only IFF_UP is touched.
      { family: AF_UNSPEC, index, flags: changes.up ? IFF.UP : 0, change: changes.up === undefined ? 0 : IFF.UP },
      values,
    ),
  };
}

export interface MacvlanSpec {
  readonly name: string;
  /** The interface the macvlan sits on. */
  readonly parentIndex: number;
  readonly mac: string;
  /** Default 'private', as keepalived's VMAC. */
  readonly mode?: MacvlanMode;
  /** Bring it up in the same request (keepalived does so in a second request). */
  readonly up?: boolean;
}

export function macvlanCreateRequest(spec: MacvlanSpec): NetlinkRequest {
  const mode = spec.mode ?? 'private';
  const data = encodeAttrs(macvlanDataSchema, { mode: MACVLAN_MODE[mode] }, 'macvlan');
  return {
    type: RTM.NEWLINK, flags: NlmF.CREATE | NlmF.EXCL, typeName: 'RTM_NEWLINK',
    description: `${spec.name} link ifindex ${spec.parentIndex} type macvlan mode ${mode} address ${spec.mac}`,
    payload: linkBody.encode(
      { family: AF_UNSPEC, flags: spec.up ? IFF.UP : 0, change: spec.up ? IFF.UP : 0 },
      { name: spec.name, link: spec.parentIndex, address: spec.mac, linkinfo: { kind: 'macvlan', data } },
    ),
  };
}

export function linkDeleteRequest(ref: LinkRef): NetlinkRequest {
  const { index, attrs, text } = refParts(ref);
  return {
    type: RTM.DELLINK, flags: 0, typeName: 'RTM_DELLINK', description: text,
    payload: linkBody.encode({ family: AF_UNSPEC, index }, attrs),
  };
}

/** IFLA_AF_SPEC/AF_INET6/IFLA_INET6_ADDR_GEN_MODE (`ip link set X addrgenmode none`). */
export function linkSetAddrGenModeRequest(index: number, mode: AddrGenMode): NetlinkRequest {
  return {
    type: RTM.NEWLINK, flags: 0, typeName: 'RTM_NEWLINK', description: `ifindex ${index} addrgenmode ${mode}`,
    payload: linkBody.encode({ family: AF_UNSPEC, index }, { afSpec: { inet6: { addrGenMode: IN6_ADDR_GEN_MODE[mode] } } }),
  };
}
