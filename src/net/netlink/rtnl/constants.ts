/**
 * rtnetlink numbers (linux/rtnetlink.h, if_link.h, if_addr.h, fib_rules.h, if.h,
 * icmpv6.h), grouped by the object they belong to. Only what links, addresses,
 * routes, rules and the interface table use is listed; attributes the schemas do not
 * name are still kept raw by the codec, so a missing entry here loses nothing.
 */

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWRULE: 32, DELRULE: 33, GETRULE: 34,
} as const;

const rtmNames = new Map<number, string>(Object.entries(RTM).map(([name, value]) => [value, `RTM_${name}`]));
export function rtmTypeName(type: number): string {
  return rtmNames.get(type) ?? `RTM_${type}`;
}

/** Multicast groups as bit numbers for NETLINK_ADD_MEMBERSHIP (enum rtnetlink_groups). */
export const RTNLGRP = {
  LINK: 1,
  IPV4_IFADDR: 5,
  IPV4_ROUTE: 7,
  IPV4_RULE: 8,
  IPV6_IFADDR: 9,
  IPV6_ROUTE: 11,
  IPV6_RULE: 19,
} as const;

/** net_device flags (linux/if.h). */
export const IFF = {
  UP: 0x1, BROADCAST: 0x2, DEBUG: 0x4, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOTRAILERS: 0x20,
  RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800,
  MULTICAST: 0x1000, PORTSEL: 0x2000, AUTOMEDIA: 0x4000, DYNAMIC: 0x8000,
  LOWER_UP: 0x10000, DORMANT: 0x20000, ECHO: 0x40000,
} as const;

/** RFC 2863 operational states (IFLA_OPERSTATE). */
export const OPER_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;
export type OperState = (typeof OPER_STATES)[number];

export const IFLA = {
  ADDRESS: 1, BROADCAST: 2, IFNAME: 3, MTU: 4, LINK: 5, QDISC: 6, STATS: 7, MASTER: 10,
  TXQLEN: 13, MAP: 14, OPERSTATE: 16, LINKMODE: 17, LINKINFO: 18, IFALIAS: 20,
  STATS64: 23, AF_SPEC: 26, GROUP: 27, EXT_MASK: 29, PROMISCUITY: 30, NUM_TX_QUEUES: 31,
  NUM_RX_QUEUES: 32, CARRIER: 33, CARRIER_CHANGES: 35, LINK_NETNSID: 37, PROTO_DOWN: 39,
  GSO_MAX_SEGS: 40, GSO_MAX_SIZE: 41, XDP: 43, EVENT: 44, NEW_NETNSID: 45, TARGET_NETNSID: 46,
  CARRIER_UP_COUNT: 47, CARRIER_DOWN_COUNT: 48, NEW_IFINDEX: 49, MIN_MTU: 50, MAX_MTU: 51,
  PROP_LIST: 52, ALT_IFNAME: 53, PERM_ADDRESS: 54, PROTO_DOWN_REASON: 55, PARENT_DEV_NAME: 56,
  PARENT_DEV_BUS_NAME: 57, GRO_MAX_SIZE: 58, TSO_MAX_SIZE: 59, TSO_MAX_SEGS: 60, ALLMULTI: 61,
} as const;

export const IFLA_INFO = { KIND: 1, DATA: 2, XSTATS: 3, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;

export const IFLA_MACVLAN = { MODE: 1, FLAGS: 2, MACADDR_MODE: 3, MACADDR: 4, MACADDR_DATA: 5, MACADDR_COUNT: 6, BC_QUEUE_LEN: 7, BC_QUEUE_LEN_USED: 8 } as const;

export const MACVLAN_MODE = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
export type MacvlanMode = keyof typeof MACVLAN_MODE;

export const IFLA_INET6 = { FLAGS: 1, CONF: 2, STATS: 3, MCAST: 4, CACHEINFO: 5, ICMP6STATS: 6, TOKEN: 7, ADDR_GEN_MODE: 8, RA_MTU: 9 } as const;
export const IFLA_INET = { CONF: 1 } as const;

export const IN6_ADDR_GEN_MODE = { eui64: 0, none: 1, stable_privacy: 2, random: 3 } as const;
export type AddrGenMode = keyof typeof IN6_ADDR_GEN_MODE;

/** IFLA_EXT_MASK bits: what extra information a link dump should include. */
export const RTEXT_FILTER = { VF: 1, BRVLAN: 2, BRVLAN_COMPRESSED: 4, SKIP_STATS: 8 } as const;

export const IFA = {
  ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, ANYCAST: 5, CACHEINFO: 6, MULTICAST: 7,
  FLAGS: 8, RT_PRIORITY: 9, TARGET_NETNSID: 10, PROTO: 11,
} as const;

/** Address flags: the low 8 in ifa_flags, all 32 in IFA_FLAGS. */
export const IFA_F = {
  SECONDARY: 0x01, NODAD: 0x02, OPTIMISTIC: 0x04, DADFAILED: 0x08, HOMEADDRESS: 0x10,
  DEPRECATED: 0x20, TENTATIVE: 0x40, PERMANENT: 0x80, MANAGETEMPADDR: 0x100,
  NOPREFIXROUTE: 0x200, MCAUTOJOIN: 0x400, STABLE_PRIVACY: 0x800,
} as const;

/** An IFA_CACHEINFO lifetime of all ones means "forever" (INFINITY_LIFE_TIME). */
export const INFINITY_LIFETIME = 0xffffffff;

export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export type ScopeName = keyof typeof RT_SCOPE;

export const RT_TABLE = { unspec: 0, compat: 252, default: 253, main: 254, local: 255 } as const;

export const RTN = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6,
  unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
} as const;
export type RouteTypeName = keyof typeof RTN;

export const RTPROT = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11,
  bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18,
  babel: 42, openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
} as const;

export const RTA = {
  DST: 1, SRC: 2, IIF: 3, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, METRICS: 8,
  MULTIPATH: 9, FLOW: 11, CACHEINFO: 12, TABLE: 15, MARK: 16, MFC_STATS: 17, VIA: 18,
  NEWDST: 19, PREF: 20, ENCAP_TYPE: 21, ENCAP: 22, EXPIRES: 23, PAD: 24, UID: 25,
  TTL_PROPAGATE: 26, IP_PROTO: 27, SPORT: 28, DPORT: 29, NH_ID: 30,
} as const;

export const RTAX = {
  LOCK: 1, MTU: 2, WINDOW: 3, RTT: 4, RTTVAR: 5, SSTHRESH: 6, CWND: 7, ADVMSS: 8,
  REORDERING: 9, HOPLIMIT: 10, INITCWND: 11, FEATURES: 12, RTO_MIN: 13, INITRWND: 14,
  QUICKACK: 15, CC_ALGO: 16, FASTOPEN_NO_COOKIE: 17,
} as const;

export const RTAX_FEATURE_ECN = 0x1;

/** rtm_flags (route) and rtnh_flags (next hop). */
export const RTNH_F = { DEAD: 1, PERVASIVE: 2, ONLINK: 4, OFFLOAD: 8, LINKDOWN: 16, UNRESOLVED: 32, TRAP: 64 } as const;
export const RTM_F = { NOTIFY: 0x100, CLONED: 0x200, EQUALIZE: 0x400, PREFIX: 0x800, LOOKUP_TABLE: 0x1000, FIB_MATCH: 0x2000 } as const;

/** RFC 4191 router preference values carried in RTA_PREF (linux/icmpv6.h). */
export const ROUTER_PREF = { low: 3, medium: 0, high: 1 } as const;
export type RouterPref = keyof typeof ROUTER_PREF;

export const FRA = {
  DST: 1, SRC: 2, IIFNAME: 3, GOTO: 4, PRIORITY: 6, FWMARK: 10, FLOW: 11, TUN_ID: 12,
  SUPPRESS_IFGROUP: 13, SUPPRESS_PREFIXLEN: 14, TABLE: 15, FWMASK: 16, OIFNAME: 17, PAD: 18,
  L3MDEV: 19, UID_RANGE: 20, PROTOCOL: 21, IP_PROTO: 22, SPORT_RANGE: 23, DPORT_RANGE: 24,
} as const;

export const FR_ACT = { unspec: 0, to_tbl: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
export type RuleActionName = keyof typeof FR_ACT;

export const FIB_RULE = { PERMANENT: 0x1, INVERT: 0x2, UNRESOLVED: 0x4, IIF_DETACHED: 0x8, OIF_DETACHED: 0x10 } as const;

/** ARPHRD_* link types seen on a router (linux/if_arp.h). */
export const ARPHRD = { ETHER: 1, LOOPBACK: 772, NONE: 0xfffe, VOID: 0xffff } as const;

/** Reverse lookup in one of the name->number tables above. */
export function nameOf<T extends Record<string, number>>(table: T, value: number): (keyof T & string) | undefined {
  for (const [name, v] of Object.entries(table)) if (v === value) return name as keyof T & string;
  return undefined;
}
