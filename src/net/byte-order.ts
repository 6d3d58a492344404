/**
 * Host byte order reads and writes for kernel structs.
 *
 * Wire formats (IP, ARP, VRRP) are big-endian and use Buffer's *BE methods
 * directly. Kernel structs shared over syscalls (sockaddr families, cmsg
 * headers, ifindex fields, netlink headers) are in the host's order, which
 * these helpers follow, so the code stays correct on a big-endian host too.
 */
import { endianness } from 'node:os';

export const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

export function writeHostU16(buf: Buffer, value: number, offset: number): void {
  if (HOST_IS_LITTLE_ENDIAN) buf.writeUInt16LE(value, offset); else buf.writeUInt16BE(value, offset);
}

export function readHostU16(buf: Buffer, offset: number): number {
  return HOST_IS_LITTLE_ENDIAN ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
}

export function writeHostU32(buf: Buffer, value: number, offset: number): void {
  if (HOST_IS_LITTLE_ENDIAN) buf.writeUInt32LE(value, offset); else buf.writeUInt32BE(value, offset);
}

export function readHostU32(buf: Buffer, offset: number): number {
  return HOST_IS_LITTLE_ENDIAN ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

export function writeHostI32(buf: Buffer, value: number, offset: number): void {
  if (HOST_IS_LITTLE_ENDIAN) buf.writeInt32LE(value, offset); else buf.writeInt32BE(value, offset);
}

export function readHostI32(buf: Buffer, offset: number): number {
  return HOST_IS_LITTLE_ENDIAN ? buf.readInt32LE(offset) : buf.readInt32BE(offset);
}

/** A 64-bit host-order size_t (cmsg_len on LP64), read as a number. */
export function readHostU64(buf: Buffer, offset: number): number {
  const value = HOST_IS_LITTLE_ENDIAN ? buf.readBigUInt64LE(offset) : buf.readBigUInt64BE(offset);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

export function writeHostU64(buf: Buffer, value: number, offset: number): void {
  if (HOST_IS_LITTLE_ENDIAN) buf.writeBigUInt64LE(BigInt(value), offset); else buf.writeBigUInt64BE(BigInt(value), offset);
}

/** A 16-bit value in network order, as a host-order number (C's htons). */
export function htons(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`htons: ${value} is not a 16-bit value`);
  return HOST_IS_LITTLE_ENDIAN ? ((value & 0xff) << 8) | (value >> 8) : value;
}
