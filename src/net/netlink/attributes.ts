/**
 * Netlink attributes (struct nlattr TLVs), described by schemas and handled by one
 * generic parser and one generic writer.
 *
 * A schema maps a property name to an attribute type number and a kind (u32, string,
 * ipaddr, nested schema, ...). The parser walks the TLVs once and for each one:
 * - checks the header (length >= 4, not past the end of its container) and the size
 *   the kind requires (a u32 is exactly 4 bytes, an IP address 4 or 16);
 * - decodes known types into the typed `values` object;
 * - keeps everything else raw in `extra`: types the schema does not know (a newer
 *   kernel's attributes) and repeats of a known type. Nothing is dropped silently,
 *   so a caller can log, count or re-send what it did not understand;
 * - rejects bytes left over after the last attribute.
 * Every failure is a NetlinkDecodeError naming the attribute path and byte offset.
 *
 * The writer emits attributes in schema order, pads each to 4 bytes (NLA_ALIGNTO),
 * sets NLA_F_NESTED on nested ones (the kernel's strict validation wants it on newer
 * attributes and accepts it on all) and range-checks every value before writing.
 *
 * The schema objects are `as const` data, and TypeScript derives the value types from
 * them, so `decodeAttrs(addressSchema, ...)` returns `{ label?: string; ... }` with
 * no hand-written interface to drift out of date.
 */

import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK } from './constants.js';
import { NetlinkDecodeError, NetlinkEncodeError } from './errors.js';
import { AddressSyntaxError, formatIp, formatLinkAddress, parseIp, parseLinkAddress } from './inet.js';
import {
  FIELD_SIZE, checkBigInt, checkInt, readBigInt, readInt, writeBigInt, writeInt,
  type BigIntKind, type IntKind, type StructCodec,
} from './struct.js';

/** A codec for attribute payloads the generic kinds cannot express (rtnexthop lists, structs). */
export interface AttrCodec<T> {
  decode(data: Buffer, path: string, offset: number): T;
  encode(value: T, path: string): Buffer;
}

export type AttrSpec =
  | { readonly type: number; readonly kind: IntKind }
  | { readonly type: number; readonly kind: BigIntKind }
  /** Present or absent, no payload (NLA_FLAG). */
  | { readonly type: number; readonly kind: 'flag' }
  /** NUL-terminated text; maxLength counts characters without the NUL (IFNAMSIZ - 1 = 15). */
  | { readonly type: number; readonly kind: 'string'; readonly maxLength?: number }
  /** Opaque bytes. `nestedFlag` marks a payload that is itself attributes whose schema
   *  depends on a sibling (IFLA_INFO_DATA depends on IFLA_INFO_KIND). */
  | { readonly type: number; readonly kind: 'binary'; readonly size?: number; readonly nestedFlag?: boolean }
  /** An IPv4 (4 bytes) or IPv6 (16 bytes) address, as text. */
  | { readonly type: number; readonly kind: 'ipaddr' }
  /** A link-layer address of any length, as "aa:bb:..". */
  | { readonly type: number; readonly kind: 'lladdr' }
  | { readonly type: number; readonly kind: 'nested'; readonly schema: AttrSchema }
  /** A nest whose children are all alike; their type numbers are just indexes. */
  | { readonly type: number; readonly kind: 'list'; readonly element: ElementSpec }
  | { readonly type: number; readonly kind: 'custom'; readonly codec: AttrCodec<any> };

/** An attribute spec without its type number (for list elements). */
export type ElementSpec = AttrSpec extends infer S ? (S extends AttrSpec ? Omit<S, 'type'> : never) : never;

export interface AttrSchema {
  readonly name: string;
  readonly attrs: { readonly [property: string]: AttrSpec };
}

export function defineSchema<const A extends { readonly [property: string]: AttrSpec }>(
  name: string, attrs: A,
): { readonly name: string; readonly attrs: A } {
  const seen = new Map<number, string>();
  for (const [property, spec] of Object.entries(attrs)) {
    const other = seen.get(spec.type);
    if (other !== undefined) throw new Error(`schema ${name}: ${property} and ${other} share type ${spec.type}`);
    seen.set(spec.type, property);
  }
  return { name, attrs };
}

type KindValue<S> =
  S extends { kind: IntKind } ? number
  : S extends { kind: BigIntKind } ? bigint
  : S extends { kind: 'flag' } ? true
  : S extends { kind: 'string' | 'ipaddr' | 'lladdr' } ? string
  : S extends { kind: 'binary' } ? Buffer
  : S extends { kind: 'nested'; schema: infer N extends AttrSchema } ? AttrValues<N>
  : S extends { kind: 'list'; element: infer E } ? KindValue<E>[]
  : S extends { kind: 'custom'; codec: AttrCodec<infer T> } ? T
  : never;

/** The decoded (or to-be-encoded) values of a schema: every attribute is optional. */
export type AttrValues<N extends AttrSchema> = { -readonly [K in keyof N['attrs']]?: KindValue<N['attrs'][K]> };

/** An attribute kept as bytes: unknown to the schema, or a repeat of a known one. */
export interface RawAttribute {
  readonly type: number;
  readonly nested: boolean;
  readonly netByteOrder: boolean;
  readonly data: Buffer;
  /** The attribute set it was found in, e.g. "ifinfomsg" or "ifinfomsg.linkinfo". */
  readonly path: string;
  readonly reason: 'unknown' | 'repeated';
}

export interface DecodedAttrs<N extends AttrSchema> {
  readonly values: AttrValues<N>;
  readonly extra: RawAttribute[];
}

export const nlaAlign = (n: number): number => (n + 3) & ~3;

const indexCache = new WeakMap<AttrSchema, Map<number, [string, AttrSpec]>>();
function indexOf(schema: AttrSchema): Map<number, [string, AttrSpec]> {
  let index = indexCache.get(schema);
  if (!index) {
    index = new Map(Object.entries(schema.attrs).map(([name, spec]) => [spec.type, [name, spec]]));
    indexCache.set(schema, index);
  }
  return index;
}

/** One TLV as found in a buffer: the type without flag bits, its payload and offset. */
export interface AttrTlv {
  readonly type: number;
  readonly flags: number;
  readonly data: Buffer;
  /** Offset of the nlattr header, relative to the caller's base. */
  readonly offset: number;
}

/**
 * Splits `buf` into TLVs, checking lengths. `base` is added to reported offsets so
 * errors point into the whole message, not the slice.
 */
export function splitAttrs(buf: Buffer, path: string, base = 0): AttrTlv[] {
  const out: AttrTlv[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < NLA_HDRLEN) {
      throw new NetlinkDecodeError(path, `${left} stray byte(s) after the last attribute`, base + pos);
    }
    const len = readInt('u16', buf, pos);
    const rawType = readInt('u16', buf, pos + 2);
    if (len < NLA_HDRLEN) {
      throw new NetlinkDecodeError(path, `attribute type ${rawType & NLA_TYPE_MASK} has length ${len} (< 4)`, base + pos);
    }
    if (len > left) {
      throw new NetlinkDecodeError(path, `attribute type ${rawType & NLA_TYPE_MASK} claims ${len} bytes, only ${left} left (truncated)`, base + pos);
    }
    out.push({
      type: rawType & NLA_TYPE_MASK,
      flags: rawType & ~NLA_TYPE_MASK,
      data: buf.subarray(pos + NLA_HDRLEN, pos + len),
      offset: base + pos,
    });
    // The last attribute's padding may be missing at the very end of a message.
    pos = Math.min(buf.length, pos + nlaAlign(len));
  }
  return out;
}

function decodeKind(spec: ElementSpec, data: Buffer, path: string, offset: number, extra: RawAttribute[]): unknown {
  const need = (size: number): void => {
    if (data.length !== size) throw new NetlinkDecodeError(path, `expected ${size} byte(s), got ${data.length}`, offset);
  };
  switch (spec.kind) {
    case 'u8': case 'u16': case 'u32': case 's32': case 'be16': case 'be32':
      need(FIELD_SIZE[spec.kind]);
      return readInt(spec.kind, data, 0);
    case 'u64': case 'be64':
      need(8);
      return readBigInt(spec.kind, data, 0);
    case 'flag':
      need(0);
      return true;
    case 'string': {
      const nul = data.indexOf(0);
      return data.toString('utf8', 0, nul === -1 ? data.length : nul);
    }
    case 'binary':
      if (spec.size !== undefined) need(spec.size);
      return Buffer.from(data);
    case 'ipaddr':
      if (data.length !== 4 && data.length !== 16) {
        throw new NetlinkDecodeError(path, `an IP address is 4 or 16 bytes, got ${data.length}`, offset);
      }
      return formatIp(data);
    case 'lladdr':
      return formatLinkAddress(data);
    case 'nested':
      return decodeInto(spec.schema, data, path, offset + NLA_HDRLEN, extra);
    case 'list': {
      const element = spec.element;
      return splitAttrs(data, path, offset + NLA_HDRLEN).map((tlv) =>
        decodeKind(element, tlv.data, `${path}[${tlv.type}]`, tlv.offset, extra));
    }
    case 'custom':
      return (spec.codec as AttrCodec<unknown>).decode(Buffer.from(data), path, offset + NLA_HDRLEN);
  }
}

function decodeInto(schema: AttrSchema, buf: Buffer, path: string, base: number, extra: RawAttribute[]): Record<string, unknown> {
  const index = indexOf(schema);
  const values: Record<string, unknown> = {};
  for (const tlv of splitAttrs(buf, path, base)) {
    const known = index.get(tlv.type);
    if (known && !(known[0] in values)) {
      const [name, spec] = known;
      values[name] = decodeKind(spec, tlv.data, `${path}.${name}`, tlv.offset, extra);
    } else {
      extra.push({
        type: tlv.type,
        nested: (tlv.flags & NLA_F_NESTED) !== 0,
        netByteOrder: (tlv.flags & NLA_F_NET_BYTEORDER) !== 0,
        data: Buffer.from(tlv.data),
        path,
        reason: known ? 'repeated' : 'unknown',
      });
    }
  }
  return values;
}

/**
 * Decodes the attributes in `buf` with `schema`. `path` prefixes error messages and
 * the `path` of kept raw attributes; `base` is the offset of `buf` in the message.
 */
export function decodeAttrs<N extends AttrSchema>(schema: N, buf: Buffer, path: string = schema.name, base = 0): DecodedAttrs<N> {
  const extra: RawAttribute[] = [];
  const values = decodeInto(schema, buf, path, base, extra) as AttrValues<N>;
  return { values, extra };
}

/** One attribute: header, payload, zero padding to 4 bytes. */
export function encodeTlv(type: number, payload: Buffer, flags = 0, path = 'attribute'): Buffer {
  const len = NLA_HDRLEN + payload.length;
  if (len > 0xffff) throw new NetlinkEncodeError(path, `attribute of ${len} bytes exceeds the 65535-byte nlattr limit`);
  const out = Buffer.alloc(nlaAlign(len));
  writeInt('u16', len, out, 0);
  writeInt('u16', (type & NLA_TYPE_MASK) | flags, out, 2);
  payload.copy(out, NLA_HDRLEN);
  return out;
}

function encodeKind(spec: ElementSpec, value: unknown, path: string, extra: readonly RawAttribute[]): { payload: Buffer; flags: number } {
  switch (spec.kind) {
    case 'u8': case 'u16': case 'u32': case 's32': case 'be16': case 'be32': {
      const buf = Buffer.alloc(FIELD_SIZE[spec.kind]);
      writeInt(spec.kind, checkInt(spec.kind, value, path), buf, 0);
      return { payload: buf, flags: 0 };
    }
    case 'u64': case 'be64': {
      const buf = Buffer.alloc(8);
      writeBigInt(spec.kind, checkBigInt(spec.kind, value, path), buf, 0);
      return { payload: buf, flags: 0 };
    }
    case 'flag':
      if (value !== true) throw new NetlinkEncodeError(path, `a flag attribute takes true, got ${String(value)}`);
      return { payload: Buffer.alloc(0), flags: 0 };
    case 'string': {
      if (typeof value !== 'string') throw new NetlinkEncodeError(path, `expected a string, got ${typeof value}`);
      if (value.includes('\0')) throw new NetlinkEncodeError(path, 'a string attribute cannot contain NUL');
      const text = Buffer.from(value, 'utf8');
      const max = spec.maxLength;
      if (max !== undefined && text.length > max) {
        throw new NetlinkEncodeError(path, `'${value}' is ${text.length} bytes long, the limit is ${max}`);
      }
      return { payload: Buffer.concat([text, Buffer.alloc(1)]), flags: 0 };
    }
    case 'binary': {
      if (!Buffer.isBuffer(value)) throw new NetlinkEncodeError(path, 'expected a Buffer');
      const size = spec.size;
      if (size !== undefined && value.length !== size) throw new NetlinkEncodeError(path, `expected ${size} bytes, got ${value.length}`);
      return { payload: value, flags: spec.nestedFlag ? NLA_F_NESTED : 0 };
    }
    case 'ipaddr':
    case 'lladdr':
      try {
        const bytes = spec.kind === 'ipaddr' ? parseIp(value as string).bytes : parseLinkAddress(value as string);
        return { payload: bytes, flags: 0 };
      } catch (err) {
        if (err instanceof AddressSyntaxError) throw new NetlinkEncodeError(path, err.message);
        throw err;
      }
    case 'nested': {
      if (typeof value !== 'object' || value === null) throw new NetlinkEncodeError(path, 'expected an object of attributes');
      const schema = spec.schema;
      return { payload: encodeInto(schema, value as Record<string, unknown>, path, extra), flags: NLA_F_NESTED };
    }
    case 'list': {
      if (!Array.isArray(value)) throw new NetlinkEncodeError(path, 'expected an array');
      const element = spec.element;
      const parts = value.map((item, i) => {
        const { payload, flags } = encodeKind(element, item, `${path}[${i + 1}]`, extra);
        return encodeTlv(i + 1, payload, flags, `${path}[${i + 1}]`);
      });
      return { payload: Buffer.concat(parts), flags: NLA_F_NESTED };
    }
    case 'custom':
      return { payload: (spec.codec as AttrCodec<unknown>).encode(value, path), flags: 0 };
  }
}

function encodeInto(schema: AttrSchema, values: Record<string, unknown>, path: string, extra: readonly RawAttribute[]): Buffer {
  const parts: Buffer[] = [];
  for (const property of Object.keys(values)) {
    if (!(property in schema.attrs) && values[property] !== undefined) {
      throw new NetlinkEncodeError(`${path}.${property}`, `schema ${schema.name} has no attribute '${property}'`);
    }
  }
  for (const [property, spec] of Object.entries(schema.attrs)) {
    const value = values[property];
    if (value === undefined) continue;
    const childPath = `${path}.${property}`;
    const { payload, flags } = encodeKind(spec, value, childPath, extra);
    parts.push(encodeTlv(spec.type, payload, flags, childPath));
  }
  for (const raw of extra) {
    if (raw.path !== path) continue;
    const flags = (raw.nested ? NLA_F_NESTED : 0) | (raw.netByteOrder ? NLA_F_NET_BYTEORDER : 0);
    parts.push(encodeTlv(raw.type, raw.data, flags, path));
  }
  return Buffer.concat(parts);
}

/**
 * Encodes `values` with `schema`, in schema order. Raw attributes in `extra` whose
 * `path` names an attribute set being written are appended to it, so a decoded
 * message with unknown attributes can be written back without losing them.
 */
export function encodeAttrs<N extends AttrSchema>(
  schema: N, values: AttrValues<N>, path: string = schema.name, extra: readonly RawAttribute[] = [],
): Buffer {
  return encodeInto(schema, values as Record<string, unknown>, path, extra);
}

/** A fixed-size struct carried as an attribute payload. */
export function structAttr<T>(codec: StructCodec<T>): AttrCodec<T> {
  return {
    decode(data: Buffer, path: string, offset: number): T {
      if (data.length !== codec.size) throw new NetlinkDecodeError(path, `expected ${codec.size} bytes, got ${data.length}`, offset);
      return codec.decode(data, 0, path);
    },
    encode(value: T, path: string): Buffer {
      return codec.encode(value as Partial<T>, path);
    },
  };
}
