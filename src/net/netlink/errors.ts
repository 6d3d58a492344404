/**
 * Errors of the netlink layer, in three kinds that callers handle differently:
 *
 * - NetlinkDecodeError: bytes from the kernel (or a test) that do not parse. The
 *   request engine and the monitor count and drop such messages; they never reach
 *   the daemon's state machines. `path` names where decoding failed
 *   ("RTM_NEWADDR.ifaddrmsg.cacheinfo") and `offset` the byte, so a hex dump can be
 *   matched to the complaint.
 * - NetlinkEncodeError: a value we were asked to send cannot be encoded (a label too
 *   long, a u8 of 300). Raised before anything is sent.
 * - NetlinkError: the kernel (or the transport) refused a request. `code` is the
 *   errno name ('EEXIST', 'ENODEV', 'EADDRNOTAVAIL'), or 'ETIMEDOUT' when no answer
 *   came, so callers switch on a stable string; `request` says which request failed
 *   and `extack` carries the kernel's extended-ACK text when it gave one.
 */

import { LINUX_ERRNO_TABLE } from './errno-table.js';

const namesByNumber = new Map<number, string>();
const messagesByNumber = new Map<number, string>();
const numbersByName = new Map<string, number>();
for (const [errno, name, message] of LINUX_ERRNO_TABLE) {
  namesByNumber.set(errno, name);
  messagesByNumber.set(errno, message);
  numbersByName.set(name, errno);
}

/** 17 -> 'EEXIST'; numbers the table does not know become 'ERRNO_<n>'. */
export function errnoName(errno: number): string {
  return namesByNumber.get(errno) ?? `ERRNO_${errno}`;
}

/** 17 -> 'File exists'. */
export function errnoMessage(errno: number): string {
  return messagesByNumber.get(errno) ?? `Unknown error ${errno}`;
}

/** 'EEXIST' -> 17 (undefined for names not in the table). */
export function errnoNumber(name: string): number | undefined {
  return numbersByName.get(name);
}

export class NetlinkDecodeError extends Error {
  readonly code = 'ERR_NETLINK_DECODE';
  /** Where in the structure decoding failed, e.g. "RTM_NEWLINK.attrs.linkinfo.kind". */
  readonly path: string;
  /** Byte offset of the problem inside the buffer handed to the decoder, when known. */
  readonly offset: number | undefined;
  constructor(path: string, message: string, offset?: number) {
    super(`${path}: ${message}${offset === undefined ? '' : ` (at byte ${offset})`}`);
    this.name = 'NetlinkDecodeError';
    this.path = path;
    this.offset = offset;
  }
}

export class NetlinkEncodeError extends Error {
  readonly code = 'ERR_NETLINK_ENCODE';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'NetlinkEncodeError';
    this.path = path;
  }
}

/** What a failed request was, so the error can say it and logs can be grepped for it. */
export interface RequestInfo {
  /** nlmsg_type of the request. */
  readonly type: number;
  /** Readable type name ('RTM_NEWADDR', 'CTRL_CMD_GETFAMILY'). */
  readonly typeName: string;
  readonly seq: number;
  /** Human description of the object, e.g. "192.0.2.10/24 dev eth0". */
  readonly description: string;
}

/** Extended ACK (NETLINK_EXT_ACK): the kernel's own explanation of an error. */
export interface ExtendedAck {
  /** NLMSGERR_ATTR_MSG, e.g. "Nexthop device is not up". */
  readonly message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in our request. */
  readonly offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: a required attribute that was missing. */
  readonly missingType?: number;
  /** NLMSGERR_ATTR_COOKIE, opaque. */
  readonly cookie?: Buffer;
}

export class NetlinkError extends Error {
  /** Errno name ('EEXIST'), 'ETIMEDOUT' for no answer, 'ECANCELED' when the socket closed. */
  readonly code: string;
  /** Positive errno number. */
  readonly errno: number;
  readonly request: RequestInfo | undefined;
  readonly extack: ExtendedAck | undefined;
  constructor(errno: number, request: RequestInfo | undefined, extack?: ExtendedAck, detail?: string) {
    const what = request ? `${request.typeName}${request.description ? ` ${request.description}` : ''}` : 'netlink';
    const why = detail ?? errnoMessage(errno);
    const kernelText = extack?.message ? ` - kernel says: ${extack.message}` : '';
    super(`${what}: ${errnoName(errno)} (${why})${kernelText}`);
    this.name = 'NetlinkError';
    this.code = errnoName(errno);
    this.errno = errno;
    this.request = request;
    this.extack = extack;
  }
}

export const ENOENT = 2;
export const ENODEV = 19;
export const ETIMEDOUT = 110;
export const ECANCELED = 125;
export const ENOBUFS = 105;
export const EINTR = 4;
export const EBUSY = 16;
