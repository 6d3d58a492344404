/**
 * Option structs for setsockopt, as bytes (the addon passes them through).
 *
 *   ip_mreqn   <linux/in.h>   12 bytes: multiaddr, address, ifindex (IP_ADD_MEMBERSHIP,
 *                              IP_MULTICAST_IF by index)
 *   ipv6_mreq  <linux/in6.h>  20 bytes: multiaddr, ifindex (IPV6_ADD_MEMBERSHIP)
 *   packet_mreq <linux/if_packet.h> 16 bytes: ifindex, type, alen, address[8]
 *   an interface name for SO_BINDTODEVICE: the name and a NUL
 *   classic BPF programs for SO_ATTACH_FILTER: 8-byte sock_filter instructions
 */
import { IFNAMSIZ } from './constants.js';
import { parseIPv4, parseIPv6 } from './inet.js';
import { writeHostI32, writeHostU16, writeHostU32 } from './byte-order.js';

function checkIfindex(ifindex: number): void {
  if (!Number.isInteger(ifindex) || ifindex < 0 || ifindex > 0x7fffffff) throw new RangeError(`ifindex ${ifindex} is out of range`);
}

/** ip_mreqn: join/leave `group` on the interface `ifindex` (0: let routing choose). */
export function ipMreqn(group: string, ifindex: number, localAddress = '0.0.0.0'): Buffer {
  checkIfindex(ifindex);
  const buf = Buffer.alloc(12);
  parseIPv4(group).copy(buf, 0);
  parseIPv4(localAddress).copy(buf, 4);
  writeHostI32(buf, ifindex, 8);
  return buf;
}

/** ipv6_mreq: join/leave `group` on the interface `ifindex`. */
export function ipv6Mreq(group: string, ifindex: number): Buffer {
  checkIfindex(ifindex);
  const buf = Buffer.alloc(20);
  parseIPv6(group).copy(buf, 0);
  writeHostU32(buf, ifindex, 16);
  return buf;
}

/** packet_mreq: PACKET_MR_* membership (e.g. a multicast MAC) on an AF_PACKET socket. */
export function packetMreq(ifindex: number, type: number, address: Uint8Array = new Uint8Array(0)): Buffer {
  checkIfindex(ifindex);
  if (address.length > 8) throw new RangeError('packet_mreq holds at most 8 address bytes');
  const buf = Buffer.alloc(16);
  writeHostI32(buf, ifindex, 0);
  writeHostU16(buf, type, 4);
  writeHostU16(buf, address.length, 6);
  Buffer.from(address).copy(buf, 8);
  return buf;
}

/** The SO_BINDTODEVICE value: the name, NUL-terminated. '' removes the binding. */
export function interfaceNameOption(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length >= IFNAMSIZ) throw new RangeError(`interface name '${name}' is longer than ${IFNAMSIZ - 1} bytes`);
  if (bytes.includes(0)) throw new RangeError('interface name contains a NUL byte');
  return Buffer.concat([bytes, Buffer.alloc(1)]);
}

/** One classic BPF instruction (struct sock_filter, <linux/filter.h>). */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export function bpfProgram(instructions: readonly BpfInstruction[]): Buffer {
  const buf = Buffer.alloc(8 * instructions.length);
  instructions.forEach((ins, i) => {
    writeHostU16(buf, ins.code, i * 8);
    buf[i * 8 + 2] = ins.jt;
    buf[i * 8 + 3] = ins.jf;
    writeHostU32(buf, ins.k >>> 0, i * 8 + 4);
  });
  return buf;
}

// <linux/bpf_common.h>: BPF_RET | BPF_K returns the constant k: the number of bytes to keep.
const BPF_RET_K = 0x06;

/**
 * A filter that accepts nothing: for send-only sockets (the GARP and NA channels),
 * so the kernel never queues received frames on them, as keepalived does.
 */
export function bpfRejectAll(): Buffer {
  return bpfProgram([{ code: BPF_RET_K, jt: 0, jf: 0, k: 0 }]);
}
