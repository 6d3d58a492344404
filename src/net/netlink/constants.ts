/**
 * Netlink core constants (linux/netlink.h, linux/socket.h).
 *
 * Only the numbers the core codec, the request engine and the monitor need live here;
 * each protocol family (rtnetlink, generic netlink) keeps its own table next to its
 * codec. Values are the kernel's ABI and never change, so they are plain `as const`
 * objects rather than enums: they read the same in a hex dump as in the code.
 */

/** Socket address family and protocols (linux/socket.h, linux/netlink.h). */
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;

/** Socket option levels and names used on netlink sockets. */
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const SOL_NETLINK = 270;

export const NetlinkSockOpt = {
  ADD_MEMBERSHIP: 1,
  DROP_MEMBERSHIP: 2,
  PKTINFO: 3,
  BROADCAST_ERROR: 4,
  NO_ENOBUFS: 5,
  LISTEN_ALL_NSID: 8,
  LIST_MEMBERSHIPS: 9,
  /** Error ACKs carry only the failed request's header, not its whole payload. */
  CAP_ACK: 10,
  /** The kernel appends extended-ACK TLVs (a message text, the offending attribute). */
  EXT_ACK: 11,
  GET_STRICT_CHK: 12,
} as const;

/** struct nlmsghdr is 16 bytes: len u32, type u16, flags u16, seq u32, pid u32. */
export const NLMSG_HDRLEN = 16;
/** Messages and attributes are padded to 4 bytes (NLMSG_ALIGNTO, NLA_ALIGNTO). */
export const NLMSG_ALIGNTO = 4;
/** struct nlattr is 4 bytes: len u16, type u16. */
export const NLA_HDRLEN = 4;

/** Control message types below NLMSG_MIN_TYPE (0x10). */
export const NlmsgType = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
  MIN_TYPE: 0x10,
} as const;

/**
 * nlmsg_flags. The upper byte is overloaded: its meaning depends on whether the
 * request is a GET (ROOT/MATCH/ATOMIC), a NEW (REPLACE/EXCL/CREATE/APPEND), a DEL
 * (NONREC/BULK) or an ACK (CAPPED/ACK_TLVS). Both names are kept so the code that
 * builds each request reads naturally.
 */
export const NlmF = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  // GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  ATOMIC: 0x400,
  DUMP: 0x300,
  // NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // DEL requests
  NONREC: 0x100,
  BULK: 0x200,
  // ACK messages
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** nla_type high bits: the kernel ORs these into the type; the low 14 bits are the type. */
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

/** Extended-ACK attributes appended to NLMSG_ERROR / NLMSG_DONE (enum nlmsgerr_attrs). */
export const NlmsgerrAttr = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

/** A readable name for a control message type, for logs and errors. */
export function controlTypeName(type: number): string | undefined {
  switch (type) {
    case NlmsgType.NOOP: return 'NLMSG_NOOP';
    case NlmsgType.ERROR: return 'NLMSG_ERROR';
    case NlmsgType.DONE: return 'NLMSG_DONE';
    case NlmsgType.OVERRUN: return 'NLMSG_OVERRUN';
    default: return undefined;
  }
}
