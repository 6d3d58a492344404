/**
 * Numeric constants of the Linux socket API, as the C headers define them.
 *
 * The addon (native/) is protocol-agnostic and takes plain numbers, so the names
 * live here, each group commented with the header it comes from. The values are
 * Linux's (x86-64 and arm64 agree on all of them). A unit test compares every
 * constant below against the value the addon was compiled with
 * (native.headerConstants), so a typo here cannot survive a test run.
 *
 * Protocol numbers that belong to a codec (ICMPv6 types, NDP options, netlink
 * message types) live next to that codec, not here.
 */

// <bits/socket.h>: address families
export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;

// <bits/socket_type.h>: socket types (the addon always adds SOCK_NONBLOCK | SOCK_CLOEXEC)
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

// <bits/socket.h>, <asm-generic/socket.h>: option levels and SOL_SOCKET options
export const SOL_IP = 0;
export const SOL_SOCKET = 1;
export const SOL_IPV6 = 41;
export const SOL_PACKET = 263;
export const SOL_NETLINK = 270;
export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_PRIORITY = 12;
export const SO_PASSCRED = 16;
export const SO_BINDTODEVICE = 25;
export const SO_ATTACH_FILTER = 26;
export const SO_DETACH_FILTER = 27;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
/** SO_TIMESTAMPNS(_OLD): an SCM_TIMESTAMPNS cmsg (struct timespec, CLOCK_REALTIME) on each datagram. */
export const SO_TIMESTAMPNS = 35;
export const SO_MARK = 36;

// <bits/socket.h>: send/recv flags
export const MSG_PEEK = 0x2;
export const MSG_DONTROUTE = 0x4;
export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_EOR = 0x80;
export const MSG_ERRQUEUE = 0x2000;
export const MSG_NOSIGNAL = 0x4000;

// <netinet/in.h>: IP protocol numbers
export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
/** VRRP (RFC 5798 §5.1.1.4); IANA-assigned, not defined by the libc headers. */
export const IPPROTO_VRRP = 112;
export const IPPROTO_RAW = 255;

// <bits/in.h>: IPPROTO_IP level options
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_PKTINFO = 8;
export const IP_MTU_DISCOVER = 10;
export const IP_RECVERR = 11;
export const IP_RECVTTL = 12;
export const IP_FREEBIND = 15;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;
export const IP_MULTICAST_ALL = 49;

// <bits/in.h>, <linux/in6.h>: IPPROTO_IPV6 level options
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_ADD_MEMBERSHIP = 20;
export const IPV6_DROP_MEMBERSHIP = 21;
export const IPV6_RECVERR = 25;
export const IPV6_V6ONLY = 26;
export const IPV6_MULTICAST_ALL = 29;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const IPV6_RECVTCLASS = 66;
export const IPV6_TCLASS = 67;

// <linux/if_ether.h>: EtherTypes (host order here; AF_PACKET wants them in network
// order as the socket protocol, see htons() in sockaddr.ts) and Ethernet sizes
export const ETH_P_ALL = 0x0003;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_ALEN = 6;
export const ETH_HLEN = 14;

// <linux/if_arp.h>: hardware types and ARP opcodes
export const ARPHRD_ETHER = 1;
export const ARPHRD_INFINIBAND = 32;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NONE = 0xfffe;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;

// <linux/if_packet.h>: sll_pkttype values and SOL_PACKET options
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_DROP_MEMBERSHIP = 2;
export const PACKET_AUXDATA = 8;
export const PACKET_IGNORE_OUTGOING = 23;

// <linux/netlink.h>: netlink protocols and SOL_NETLINK options
export const NETLINK_ROUTE = 0;
export const NETLINK_NETFILTER = 12;
export const NETLINK_GENERIC = 16;
export const NETLINK_ADD_MEMBERSHIP = 1;
export const NETLINK_DROP_MEMBERSHIP = 2;
export const NETLINK_PKTINFO = 3;
export const NETLINK_BROADCAST_ERROR = 4;
export const NETLINK_NO_ENOBUFS = 5;
export const NETLINK_LISTEN_ALL_NSID = 8;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const NETLINK_GET_STRICT_CHK = 12;

// <net/if.h>: interface name buffer size (names are at most 15 bytes + NUL)
export const IFNAMSIZ = 16;

// <sched.h>, <linux/sched.h>: namespaces and scheduling policies
export const CLONE_NEWNET = 0x40000000;
export const SCHED_OTHER = 0;
export const SCHED_FIFO = 1;
export const SCHED_RR = 2;
export const SCHED_RESET_ON_FORK = 0x40000000;

// <sys/mman.h>: mlockall() flags
export const MCL_CURRENT = 1;
export const MCL_FUTURE = 2;
export const MCL_ONFAULT = 4;
