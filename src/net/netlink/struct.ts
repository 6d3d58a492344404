/**
 * Fixed-layout C structs (nlmsghdr, ifaddrmsg, rtmsg, ifa_cacheinfo, ...) described as
 * a list of fields, read and written by one generic codec.
 *
 * Netlink integers are in the host's byte order, except the few the kernel declares
 * big-endian (__be16/__be32/__be64: ports, tunnel ids), which get their own kinds.
 * The host order is detected once; in practice it is little-endian everywhere this
 * daemon runs, but being explicit costs nothing and keeps the codec honest.
 *
 * A struct codec checks that the buffer is long enough before reading anything and
 * that every value fits its field before writing anything, so a short message or an
 * out-of-range value becomes a clear error rather than a RangeError from deep in
 * Buffer or, worse, a silently truncated number.
 */

import { NetlinkDecodeError, NetlinkEncodeError } from './errors.js';

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type IntKind = 'u8' | 'u16' | 'u32' | 's32' | 'be16' | 'be32';
export type BigIntKind = 'u64' | 'be64';
export type PadKind = 'pad1' | 'pad2' | 'pad4';
export type FieldKind = IntKind | BigIntKind | PadKind;

export const FIELD_SIZE: Readonly<Record<FieldKind, number>> = {
  u8: 1, u16: 2, u32: 4, s32: 4, be16: 2, be32: 4, u64: 8, be64: 8, pad1: 1, pad2: 2, pad4: 4,
};

const INT_RANGE: Readonly<Record<IntKind, readonly [number, number]>> = {
  u8: [0, 0xff], u16: [0, 0xffff], u32: [0, 0xffffffff], s32: [-0x80000000, 0x7fffffff],
  be16: [0, 0xffff], be32: [0, 0xffffffff],
};

export function readInt(kind: IntKind, buf: Buffer, offset: number): number {
  switch (kind) {
    case 'u8': return buf.readUInt8(offset);
    case 'u16': return HOST_IS_LITTLE_ENDIAN ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
    case 'u32': return HOST_IS_LITTLE_ENDIAN ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
    case 's32': return HOST_IS_LITTLE_ENDIAN ? buf.readInt32LE(offset) : buf.readInt32BE(offset);
    case 'be16': return buf.readUInt16BE(offset);
    case 'be32': return buf.readUInt32BE(offset);
  }
}

export function readBigInt(kind: BigIntKind, buf: Buffer, offset: number): bigint {
  if (kind === 'be64') return buf.readBigUInt64BE(offset);
  return HOST_IS_LITTLE_ENDIAN ? buf.readBigUInt64LE(offset) : buf.readBigUInt64BE(offset);
}

/** Throws NetlinkEncodeError unless `value` is an integer that fits `kind`. */
export function checkInt(kind: IntKind, value: unknown, path: string): number {
  const [min, max] = INT_RANGE[kind];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new NetlinkEncodeError(path, `${String(value)} is not a ${kind} (${min}..${max})`);
  }
  return value;
}

export function checkBigInt(kind: BigIntKind, value: unknown, path: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn) {
    throw new NetlinkEncodeError(path, `${String(value)} is not a ${kind} (a bigint 0..2^64-1)`);
  }
  return value;
}

export function writeInt(kind: IntKind, value: number, buf: Buffer, offset: number): void {
  switch (kind) {
    case 'u8': buf.writeUInt8(value, offset); return;
    case 'u16': if (HOST_IS_LITTLE_ENDIAN) buf.writeUInt16LE(value, offset); else buf.writeUInt16BE(value, offset); return;
    case 'u32': if (HOST_IS_LITTLE_ENDIAN) buf.writeUInt32LE(value, offset); else buf.writeUInt32BE(value, offset); return;
    case 's32': if (HOST_IS_LITTLE_ENDIAN) buf.writeInt32LE(value, offset); else buf.writeInt32BE(value, offset); return;
    case 'be16': buf.writeUInt16BE(value, offset); return;
    case 'be32': buf.writeUInt32BE(value, offset); return;
  }
}

export function writeBigInt(kind: BigIntKind, value: bigint, buf: Buffer, offset: number): void {
  if (kind === 'be64' || !HOST_IS_LITTLE_ENDIAN) buf.writeBigUInt64BE(value, offset);
  else buf.writeBigUInt64LE(value, offset);
}

export type Field = readonly [name: string, kind: FieldKind];

type FieldValue<K extends FieldKind> = K extends BigIntKind ? bigint : number;

/** The object a struct decodes to: one property per non-padding field. */
export type StructValue<F extends readonly Field[]> = {
  [E in F[number] as E[1] extends PadKind ? never : E[0]]: FieldValue<E[1]>;
};

export interface StructCodec<T> {
  readonly name: string;
  /** Size in bytes, padding included (what sizeof() says in C). */
  readonly size: number;
  /** Reads the struct at `offset`; the buffer must hold `size` bytes from there. */
  decode(buf: Buffer, offset?: number, path?: string): T;
  /** Writes the struct; fields not given are zero, as after memset() in C. */
  encode(value: Partial<T>, path?: string): Buffer;
}

export function defineStruct<const F extends readonly Field[]>(name: string, fields: F): StructCodec<StructValue<F>> {
  const layout: { name: string; kind: FieldKind; offset: number }[] = [];
  let size = 0;
  for (const [fieldName, kind] of fields) {
    layout.push({ name: fieldName, kind, offset: size });
    size += FIELD_SIZE[kind];
  }
  return {
    name,
    size,
    decode(buf: Buffer, offset = 0, path = name): StructValue<F> {
      if (buf.length - offset < size) {
        throw new NetlinkDecodeError(path, `${name} needs ${size} bytes, only ${Math.max(0, buf.length - offset)} left`, offset);
      }
      const out: Record<string, number | bigint> = {};
      for (const f of layout) {
        if (f.kind === 'pad1' || f.kind === 'pad2' || f.kind === 'pad4') continue;
        out[f.name] = f.kind === 'u64' || f.kind === 'be64'
          ? readBigInt(f.kind, buf, offset + f.offset)
          : readInt(f.kind, buf, offset + f.offset);
      }
      return out as StructValue<F>;
    },
    encode(value: Partial<StructValue<F>>, path = name): Buffer {
      const buf = Buffer.alloc(size);
      const given = value as Record<string, unknown>;
      for (const f of layout) {
        if (f.kind === 'pad1' || f.kind === 'pad2' || f.kind === 'pad4') continue;
        const v = given[f.name];
        if (v === undefined) continue;
        const fieldPath = `${path}.${f.name}`;
        if (f.kind === 'u64' || f.kind === 'be64') writeBigInt(f.kind, checkBigInt(f.kind, v, fieldPath), buf, f.offset);
        else writeInt(f.kind, checkInt(f.kind, v, fieldPath), buf, f.offset);
      }
      return buf;
    },
  };
}
