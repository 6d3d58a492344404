/**
 * sockaddr structs as bytes: builders for bind/connect/sendto, and one parser
 * for the addresses recvmsg and getsockname return.
 *
 * The addon passes sockaddrs through untouched, so their layout lives here,
 * written from the Linux headers:
 *   sockaddr_in  <netinet/in.h>     16 bytes: family, port (BE), addr (BE), zero
 *   sockaddr_in6 <netinet/in.h>     28 bytes: family, port, flowinfo (BE), addr, scope_id
 *   sockaddr_ll  <linux/if_packet.h> 20 bytes: family, protocol (BE), ifindex,
 *                                   hatype, pkttype, halen, addr[8]
 *   sockaddr_nl  <linux/netlink.h>  12 bytes: family, pad, pid, groups
 *   sockaddr_un  <sys/un.h>         family + path; "@name" is Linux's abstract
 *                                   namespace (leading NUL, length-delimited)
 * sa_family and the integer fields of ll/nl/in6 scope are host order; ports,
 * protocol numbers and addresses are network order. Bad input is a RangeError.
 */
import { AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, AF_UNIX } from './constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './inet.js';
import { readHostI32, readHostU16, readHostU32, writeHostI32, writeHostU16, writeHostU32 } from './byte-order.js';

export type Sockaddr =
  | { family: 'inet'; address: string; port: number }
  | { family: 'inet6'; address: string; port: number; flowInfo: number; scopeId: number }
  | {
      family: 'packet';
      /** EtherType, host order (ETH_P_ARP = 0x0806). */
      protocol: number;
      ifindex: number;
      hatype: number;
      /** PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, ... */
      pkttype: number;
      /** The link-layer address (sll_halen bytes). */
      address: Buffer;
    }
  | { family: 'netlink'; pid: number; groups: number }
  /** path is '' for an unnamed socket and starts with '@' in the abstract namespace. */
  | { family: 'unix'; path: string }
  | { family: 'other'; af: number; bytes: Buffer }
  /** No address at all: recvmsg from an unbound unix socket returns an empty msg_name. */
  | { family: 'none' };

export const SOCKADDR_IN_LENGTH = 16;
export const SOCKADDR_IN6_LENGTH = 28;
export const SOCKADDR_LL_LENGTH = 20;
export const SOCKADDR_NL_LENGTH = 12;
/** sizeof(sun_path) on Linux. */
export const UNIX_PATH_MAX = 108;

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`port ${port} is not in 0..65535`);
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${what} ${value} is not a 32-bit unsigned value`);
}

function addressBytes(address: string | Uint8Array, length: 4 | 16): Buffer {
  if (typeof address === 'string') return length === 4 ? parseIPv4(address) : parseIPv6(address);
  if (address.length !== length) throw new RangeError(`address must be ${length} bytes, got ${address.length}`);
  return Buffer.from(address);
}

export function sockaddrIn(address: string | Uint8Array, port = 0): Buffer {
  checkPort(port);
  const buf = Buffer.alloc(SOCKADDR_IN_LENGTH);
  writeHostU16(buf, AF_INET, 0);
  buf.writeUInt16BE(port, 2);
  addressBytes(address, 4).copy(buf, 4);
  return buf;
}

export function sockaddrIn6(address: string | Uint8Array, port = 0, scopeId = 0, flowInfo = 0): Buffer {
  checkPort(port);
  checkU32(scopeId, 'scope id');
  checkU32(flowInfo, 'flow info');
  const buf = Buffer.alloc(SOCKADDR_IN6_LENGTH);
  writeHostU16(buf, AF_INET6, 0);
  buf.writeUInt16BE(port, 2);
  buf.writeUInt32BE(flowInfo, 4);
  addressBytes(address, 16).copy(buf, 8);
  writeHostU32(buf, scopeId, 24);
  return buf;
}

export interface SockaddrLlOptions {
  /** EtherType in host order (ETH_P_ARP); written big-endian as the kernel wants. */
  protocol: number;
  ifindex: number;
  hatype?: number;
  pkttype?: number;
  /** Destination link-layer address, up to 8 bytes. */
  address?: Uint8Array;
}

export function sockaddrLl(options: SockaddrLlOptions): Buffer {
  const { protocol, ifindex, hatype = 0, pkttype = 0, address } = options;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xffff) throw new RangeError(`protocol ${protocol} is not a 16-bit EtherType`);
  if (!Number.isInteger(ifindex) || ifindex < 0 || ifindex > 0x7fffffff) throw new RangeError(`ifindex ${ifindex} is out of range`);
  if (!Number.isInteger(hatype) || hatype < 0 || hatype > 0xffff) throw new RangeError(`hatype ${hatype} is out of range`);
  if (!Number.isInteger(pkttype) || pkttype < 0 || pkttype > 0xff) throw new RangeError(`pkttype ${pkttype} is out of range`);
  if (address && address.length > 8) throw new RangeError('sockaddr_ll holds at most 8 address bytes');
  const buf = Buffer.alloc(SOCKADDR_LL_LENGTH);
  writeHostU16(buf, AF_PACKET, 0);
  buf.writeUInt16BE(protocol, 2);
  writeHostI32(buf, ifindex, 4);
  writeHostU16(buf, hatype, 8);
  buf[10] = pkttype;
  if (address) {
    buf[11] = address.length;
    Buffer.from(address).copy(buf, 12);
  }
  return buf;
}

/** pid 0 lets the kernel choose the port id on bind; groups is the RTMGRP_* bit mask. */
export function sockaddrNl(pid = 0, groups = 0): Buffer {
  checkU32(pid, 'netlink pid');
  checkU32(groups, 'netlink groups');
  const buf = Buffer.alloc(SOCKADDR_NL_LENGTH);
  writeHostU16(buf, AF_NETLINK, 0);
  writeHostU32(buf, pid, 4);
  writeHostU32(buf, groups, 8);
  return buf;
}

/**
 * A filesystem path, or "@name" for the abstract namespace (as systemd writes
 * NOTIFY_SOCKET). Abstract names are length-delimited: no trailing NUL.
 */
export function sockaddrUn(path: string): Buffer {
  if (path.length === 0) throw new RangeError('unix socket path is empty');
  const abstract = path.startsWith('@');
  const name = Buffer.from(abstract ? path.slice(1) : path, 'utf8');
  if (!abstract && name.includes(0)) throw new RangeError('unix socket path contains a NUL byte');
  if (name.length + 1 > UNIX_PATH_MAX) throw new RangeError(`unix socket path is longer than ${UNIX_PATH_MAX - 1} bytes: ${path}`);
  const buf = Buffer.alloc(2 + 1 + name.length);
  writeHostU16(buf, AF_UNIX, 0);
  // pathname: name then NUL; abstract: NUL then name.
  name.copy(buf, abstract ? 3 : 2);
  return buf;
}

/** Decodes a sockaddr returned by the kernel (recvmsg's addr, getsockname). */
export function parseSockaddr(bytes: Uint8Array): Sockaddr {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) return { family: 'none' };
  if (buf.length < 2) throw new RangeError(`sockaddr of ${buf.length} bytes has no family`);
  const af = readHostU16(buf, 0);
  const need = (n: number, name: string) => {
    if (buf.length < n) throw new RangeError(`${name} needs ${n} bytes, got ${buf.length}`);
  };
  switch (af) {
    case AF_INET:
      need(8, 'sockaddr_in');
      return { family: 'inet', port: buf.readUInt16BE(2), address: formatIPv4(buf, 4) };
    case AF_INET6:
      need(24, 'sockaddr_in6');
      return {
        family: 'inet6', port: buf.readUInt16BE(2), flowInfo: buf.readUInt32BE(4), address: formatIPv6(buf, 8),
        scopeId: buf.length >= 28 ? readHostU32(buf, 24) : 0,
      };
    case AF_PACKET: {
      need(12, 'sockaddr_ll');
      const halen = Math.min(buf[11]!, 8, buf.length - 12);
      return {
        family: 'packet', protocol: buf.readUInt16BE(2), ifindex: readHostI32(buf, 4), hatype: readHostU16(buf, 8),
        pkttype: buf[10]!, address: Buffer.from(buf.subarray(12, 12 + halen)),
      };
    }
    case AF_NETLINK:
      need(SOCKADDR_NL_LENGTH, 'sockaddr_nl');
      return { family: 'netlink', pid: readHostU32(buf, 4), groups: readHostU32(buf, 8) };
    case AF_UNIX: {
      const path = buf.subarray(2);
      if (path.length === 0) return { family: 'unix', path: '' };
      if (path[0] === 0) return { family: 'unix', path: '@' + path.subarray(1).toString('utf8') };
      const end = path.indexOf(0);
      return { family: 'unix', path: path.subarray(0, end < 0 ? path.length : end).toString('utf8') };
    }
    default:
      return { family: 'other', af, bytes: Buffer.from(buf) };
  }
}
