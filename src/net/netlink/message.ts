/**
 * Netlink messages: the 16-byte nlmsghdr, datagrams holding several messages,
 * the control messages (NLMSG_ERROR, NLMSG_DONE) and the "fixed header + attributes"
 * body that every rtnetlink and generic netlink message has.
 *
 * Layout (linux/netlink.h), host byte order:
 *   nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid }   then payload,
 *   each message padded to 4 bytes. One recvmsg() returns one datagram, which may
 *   carry many messages (a dump batch, or several ACKs).
 *
 * An ACK is an NLMSG_ERROR with error 0. Its payload is
 *   nlmsgerr { s32 error; nlmsghdr request; }
 *   + the rest of the request, unless the socket set NETLINK_CAP_ACK (NLM_F_CAPPED)
 *   + extended-ACK TLVs when NLM_F_ACK_TLVS is set (NETLINK_EXT_ACK).
 * NLMSG_DONE carries an s32 error (a dump can end in an error) and the same TLVs.
 *
 * Everything here is pure and total: any byte string either decodes or throws a
 * NetlinkDecodeError that says what was wrong and where.
 */

import {
  decodeAttrs, defineSchema, encodeAttrs, type AttrSchema, type AttrValues, type DecodedAttrs, type RawAttribute,
} from './attributes.js';
import { NLMSG_HDRLEN, NlmF, NlmsgType, NlmsgerrAttr } from './constants.js';
import { NetlinkDecodeError, NetlinkEncodeError, type ExtendedAck } from './errors.js';
import { checkInt, defineStruct, readInt, writeInt, type StructCodec } from './struct.js';

export interface NetlinkMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** The bytes after the 16-byte header, without trailing padding. */
  readonly payload: Buffer;
}

export const nlmsgAlign = (n: number): number => (n + 3) & ~3;

export const nlmsghdr = defineStruct('nlmsghdr', [
  ['len', 'u32'], ['type', 'u16'], ['flags', 'u16'], ['seq', 'u32'], ['pid', 'u32'],
]);

/** Header + payload, padded to 4 bytes. nlmsg_len counts the unpadded length. */
export function encodeMessage(msg: { type: number; flags: number; seq: number; pid?: number; payload: Buffer }): Buffer {
  const len = NLMSG_HDRLEN + msg.payload.length;
  checkInt('u32', len, 'nlmsghdr.len');
  const out = Buffer.alloc(nlmsgAlign(len));
  writeInt('u32', len, out, 0);
  writeInt('u16', checkInt('u16', msg.type, 'nlmsghdr.type'), out, 4);
  writeInt('u16', checkInt('u16', msg.flags, 'nlmsghdr.flags'), out, 6);
  writeInt('u32', checkInt('u32', msg.seq, 'nlmsghdr.seq'), out, 8);
  writeInt('u32', checkInt('u32', msg.pid ?? 0, 'nlmsghdr.pid'), out, 12);
  msg.payload.copy(out, NLMSG_HDRLEN);
  return out;
}

/**
 * Splits one received datagram into messages. Rejects a header that claims fewer
 * than 16 bytes or more than the datagram holds, and stray bytes at the end.
 */
export function decodeMessages(datagram: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let pos = 0;
  while (pos < datagram.length) {
    const left = datagram.length - pos;
    if (left < NLMSG_HDRLEN) {
      throw new NetlinkDecodeError('nlmsghdr', `${left} stray byte(s) after the last message`, pos);
    }
    const len = readInt('u32', datagram, pos);
    if (len < NLMSG_HDRLEN) throw new NetlinkDecodeError('nlmsghdr', `nlmsg_len ${len} is shorter than the 16-byte header`, pos);
    if (len > left) throw new NetlinkDecodeError('nlmsghdr', `nlmsg_len ${len} but only ${left} bytes left (truncated)`, pos);
    out.push({
      type: readInt('u16', datagram, pos + 4),
      flags: readInt('u16', datagram, pos + 6),
      seq: readInt('u32', datagram, pos + 8),
      pid: readInt('u32', datagram, pos + 12),
      payload: datagram.subarray(pos + NLMSG_HDRLEN, pos + len),
    });
    pos = Math.min(datagram.length, pos + nlmsgAlign(len));
  }
  return out;
}

const extackSchema = defineSchema('extack', {
  message: { type: NlmsgerrAttr.MSG, kind: 'string' },
  offset: { type: NlmsgerrAttr.OFFS, kind: 'u32' },
  cookie: { type: NlmsgerrAttr.COOKIE, kind: 'binary' },
  policy: { type: NlmsgerrAttr.POLICY, kind: 'binary' },
  missingType: { type: NlmsgerrAttr.MISS_TYPE, kind: 'u32' },
  missingNest: { type: NlmsgerrAttr.MISS_NEST, kind: 'u32' },
});

function decodeExtack(tlvs: Buffer, path: string, base: number): ExtendedAck | undefined {
  if (tlvs.length === 0) return undefined;
  const { values } = decodeAttrs(extackSchema, tlvs, path, base);
  const ack: { -readonly [K in keyof ExtendedAck]: ExtendedAck[K] } = {};
  if (values.message !== undefined) ack.message = values.message;
  if (values.offset !== undefined) ack.offset = values.offset;
  if (values.missingType !== undefined) ack.missingType = values.missingType;
  if (values.cookie !== undefined) ack.cookie = values.cookie;
  return ack;
}

export interface ErrorPayload {
  /** 0 for an ACK, else a positive errno (the kernel sends it negated). */
  readonly errno: number;
  /** The header of the request this answers: its seq is how we match it. */
  readonly request: { readonly len: number; readonly type: number; readonly flags: number; readonly seq: number; readonly pid: number };
  readonly extack: ExtendedAck | undefined;
}

/** Decodes the payload of an NLMSG_ERROR message (ACK or error). */
export function decodeErrorPayload(msg: NetlinkMessage): ErrorPayload {
  const p = msg.payload;
  const path = 'nlmsgerr';
  if (p.length < 4 + NLMSG_HDRLEN) {
    throw new NetlinkDecodeError(path, `needs ${4 + NLMSG_HDRLEN} bytes (error + request header), got ${p.length}`, NLMSG_HDRLEN);
  }
  const error = readInt('s32', p, 0);
  if (error > 0) throw new NetlinkDecodeError(path, `error must be 0 or a negative errno, got ${error}`, NLMSG_HDRLEN);
  const request = nlmsghdr.decode(p, 4, `${path}.msg`);
  let tlvStart = 4 + NLMSG_HDRLEN;
  // Without NLM_F_CAPPED the kernel echoes the whole request after its header.
  if ((msg.flags & NlmF.CAPPED) === 0) {
    if (request.len < NLMSG_HDRLEN) {
      throw new NetlinkDecodeError(path, `echoed request claims nlmsg_len ${request.len}`, NLMSG_HDRLEN + 4);
    }
    tlvStart = 4 + nlmsgAlign(request.len);
  }
  let extack: ExtendedAck | undefined;
  if ((msg.flags & NlmF.ACK_TLVS) !== 0) {
    if (tlvStart > p.length) {
      throw new NetlinkDecodeError(path, `extended ACK starts at ${tlvStart}, past the ${p.length}-byte payload`, NLMSG_HDRLEN);
    }
    extack = decodeExtack(p.subarray(tlvStart), `${path}.extack`, NLMSG_HDRLEN + tlvStart);
  }
  return { errno: Math.abs(error), request, extack };
}

export interface DonePayload {
  readonly errno: number;
  readonly extack: ExtendedAck | undefined;
}

/** Decodes NLMSG_DONE. Very old kernels sent no payload at all; that means 0. */
export function decodeDonePayload(msg: NetlinkMessage): DonePayload {
  const p = msg.payload;
  if (p.length === 0) return { errno: 0, extack: undefined };
  if (p.length < 4) throw new NetlinkDecodeError('nlmsg_done', `error field needs 4 bytes, got ${p.length}`, NLMSG_HDRLEN);
  const error = readInt('s32', p, 0);
  if (error > 0) throw new NetlinkDecodeError('nlmsg_done', `error must be 0 or a negative errno, got ${error}`, NLMSG_HDRLEN);
  const extack = (msg.flags & NlmF.ACK_TLVS) !== 0 ? decodeExtack(p.subarray(4), 'nlmsg_done.extack', NLMSG_HDRLEN + 4) : undefined;
  return { errno: Math.abs(error), extack };
}

/** Builds an NLMSG_ERROR message (used by tests and fake kernels, exactly as the kernel lays it out). */
export function encodeErrorMessage(opts: {
  errno: number; request: { len?: number; type: number; flags: number; seq: number; pid?: number };
  pid?: number; capped?: boolean; extackMessage?: string;
}): Buffer {
  const req = { len: opts.request.len ?? NLMSG_HDRLEN, type: opts.request.type, flags: opts.request.flags, seq: opts.request.seq, pid: opts.request.pid ?? 0 };
  const head = Buffer.alloc(4);
  writeInt('s32', -opts.errno, head, 0);
  const tlvs = opts.extackMessage !== undefined ? encodeAttrs(extackSchema, { message: opts.extackMessage }) : Buffer.alloc(0);
  let flags = opts.capped === false ? 0 : NlmF.CAPPED;
  if (tlvs.length > 0) flags |= NlmF.ACK_TLVS;
  return encodeMessage({
    type: NlmsgType.ERROR, flags, seq: req.seq, pid: opts.pid ?? 0,
    payload: Buffer.concat([head, nlmsghdr.encode(req), tlvs]),
  });
}

export function encodeDoneMessage(seq: number, errno = 0, pid = 0): Buffer {
  const payload = Buffer.alloc(4);
  writeInt('s32', -errno, payload, 0);
  return encodeMessage({ type: NlmsgType.DONE, flags: NlmF.MULTI, seq, pid, payload });
}

/**
 * A message body made of a fixed struct (ifaddrmsg, rtmsg, genlmsghdr, ...) followed
 * by attributes. `decode` takes a message payload; offsets in errors count from the
 * start of the netlink message, as NLMSGERR_ATTR_OFFS does.
 */
export interface BodyCodec<H, N extends AttrSchema> {
  readonly header: StructCodec<H>;
  readonly schema: N;
  decode(payload: Buffer): { header: H; attrs: DecodedAttrs<N> };
  encode(header: Partial<H>, attrs: AttrValues<N>, extra?: readonly RawAttribute[]): Buffer;
}

export function defineBody<H, N extends AttrSchema>(header: StructCodec<H>, schema: N): BodyCodec<H, N> {
  return {
    header,
    schema,
    decode(payload: Buffer) {
      const path = header.name;
      const h = header.decode(payload, 0, path);
      // Attributes start at NLMSG_ALIGN(sizeof(header)).
      const start = nlmsgAlign(header.size);
      if (payload.length < start) {
        throw new NetlinkDecodeError(path, `header padding needs ${start} bytes, got ${payload.length}`, NLMSG_HDRLEN);
      }
      const attrs = decodeAttrs(schema, payload.subarray(start), path, NLMSG_HDRLEN + start);
      return { header: h, attrs };
    },
    encode(h: Partial<H>, values: AttrValues<N>, extra: readonly RawAttribute[] = []) {
      const fixed = header.encode(h);
      const pad = Buffer.alloc(nlmsgAlign(fixed.length) - fixed.length);
      if (fixed.length > 0xffff) throw new NetlinkEncodeError(header.name, 'header too large');
      return Buffer.concat([fixed, pad, encodeAttrs(schema, values, header.name, extra)]);
    },
  };
}

/**
 * A request as the protocol modules describe it and the request engine sends it.
 * The engine adds NLM_F_REQUEST and NLM_F_ACK and assigns the sequence number, so a
 * request is plain data that can be built, compared and printed in unit tests.
 */
export interface NetlinkRequest {
  readonly type: number;
  /** Flags beyond REQUEST|ACK: CREATE|EXCL for adds, DUMP for dumps, REPLACE... */
  readonly flags: number;
  /** Everything after the nlmsghdr (fixed header + attributes). */
  readonly payload: Buffer;
  /** 'RTM_NEWADDR', for errors and logs. */
  readonly typeName: string;
  /** What the request is about ("192.0.2.10/24 dev eth0"), for errors and logs. */
  readonly description: string;
  /**
   * The reply is a multi-part dump ending in NLMSG_DONE. Explicit, because the flag
   * bits that mean DUMP on a GET mean REPLACE|EXCL on a NEW.
   */
  readonly dump?: boolean;
}
