/**
 * The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC;
 * linux/connector.h, linux/cn_proc.h), which keepalived's track_process uses
 * to hear of every fork, exec, comm change and exit without polling /proc.
 * Pure codec: the socket is elsewhere.
 *
 * A message is one netlink header, one connector header and one proc_event,
 * in host byte order:
 *   nlmsghdr (16)  len u32, type u16, flags u16, seq u32, pid u32
 *   cn_msg   (20)  idx u32, val u32, seq u32, ack u32, len u16, flags u16
 *   proc_event     what u32, cpu u32, timestamp_ns u64, then per event:
 *     fork   parent_pid, parent_tgid, child_pid, child_tgid   (u32 each)
 *     exec   process_pid, process_tgid
 *     comm   process_pid, process_tgid, comm[16]
 *     exit   process_pid, process_tgid, exit_code, exit_signal
 * "pid" here is the kernel's task id (a thread) and "tgid" the process id;
 * keepalived ignores events of threads (pid != tgid), and so do we.
 * The kernel never chains two proc_events in one datagram (their 8-byte
 * alignment could not be kept), so one datagram is one event.
 *
 * To start receiving, a socket bound to group CN_IDX_PROC sends
 * PROC_CN_MCAST_LISTEN (encodeListen); the kernel answers with a
 * PROC_EVENT_NONE acknowledgement. Reading needs CAP_NET_ADMIN.
 */
import { endianness } from 'node:os';

export const NETLINK_CONNECTOR = 11;
export const CN_IDX_PROC = 1;
export const CN_VAL_PROC = 1;
export const PROC_CN_MCAST_LISTEN = 1;
export const PROC_CN_MCAST_IGNORE = 2;
const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;

const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
const PROC_EVENT_HEAD = 16;

export const PROC_EVENT = {
  NONE: 0x0,
  FORK: 0x1,
  EXEC: 0x2,
  UID: 0x4,
  GID: 0x40,
  SID: 0x80,
  PTRACE: 0x100,
  COMM: 0x200,
  COREDUMP: 0x40000000,
  EXIT: 0x80000000,
} as const;

export type ProcEvent =
  | { readonly type: 'ack'; readonly error: number }
  | { readonly type: 'fork'; readonly parentTgid: number; readonly childPid: number; readonly childTgid: number }
  | { readonly type: 'exec'; readonly pid: number; readonly tgid: number }
  | { readonly type: 'comm'; readonly pid: number; readonly tgid: number; readonly comm: string }
  | { readonly type: 'exit'; readonly pid: number; readonly tgid: number; readonly exitCode: number; readonly exitSignal: number }
  | { readonly type: 'other'; readonly what: number };

export type DecodeResult =
  | { readonly ok: true; readonly event: ProcEvent; readonly cpu: number; readonly seq: number }
  | { readonly ok: false; readonly reason: string };

const LE = endianness() === 'LE';

function u32(b: Buffer, off: number): number {
  return LE ? b.readUInt32LE(off) : b.readUInt32BE(off);
}
function u16(b: Buffer, off: number): number {
  return LE ? b.readUInt16LE(off) : b.readUInt16BE(off);
}
function put32(b: Buffer, v: number, off: number): void {
  if (LE) b.writeUInt32LE(v >>> 0, off);
  else b.writeUInt32BE(v >>> 0, off);
}
function put16(b: Buffer, v: number, off: number): void {
  if (LE) b.writeUInt16LE(v, off);
  else b.writeUInt16BE(v, off);
}

/** The subscribe (or, with `listen` false, unsubscribe) request; `portId` goes in nlmsg_pid. */
export function encodeListen(listen: boolean, portId = 0): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + 4);
  put32(b, b.length, 0);
  put16(b, NLMSG_DONE, 4);
  put16(b, 0, 6);
  put32(b, 0, 8);
  put32(b, portId, 12);
  put32(b, CN_IDX_PROC, 16);
  put32(b, CN_VAL_PROC, 20);
  put32(b, 0, 24); // seq
  put32(b, 0, 28); // ack
  put16(b, 4, 32); // payload length
  put16(b, 0, 34);
  put32(b, listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE, 36);
  return b;
}

/** Decodes one received datagram. Never throws. */
export function decodeProcEvent(b: Buffer): DecodeResult {
  if (b.length < NLMSG_HDRLEN) return { ok: false, reason: 'shorter than a netlink header' };
  const len = u32(b, 0);
  const type = u16(b, 4);
  if (len < NLMSG_HDRLEN || len > b.length) return { ok: false, reason: `bad netlink length ${len} (datagram ${b.length})` };
  if (type === NLMSG_ERROR || type === NLMSG_NOOP) return { ok: false, reason: `netlink message type ${type}` };
  if (len < NLMSG_HDRLEN + CN_MSG_LEN + PROC_EVENT_HEAD) return { ok: false, reason: 'too short for a process event' };
  const idx = u32(b, 16);
  const val = u32(b, 20);
  if (idx !== CN_IDX_PROC || val !== CN_VAL_PROC) return { ok: false, reason: `connector ${idx}:${val} is not the process connector` };
  const seq = u32(b, 24);
  const ack = u32(b, 28);
  const dataLen = u16(b, 32);
  const ev = NLMSG_HDRLEN + CN_MSG_LEN;
  if (ev + dataLen > len || dataLen < PROC_EVENT_HEAD) return { ok: false, reason: `bad connector payload length ${dataLen}` };
  const what = u32(b, ev);
  const cpu = u32(b, ev + 4);
  const data = ev + PROC_EVENT_HEAD;
  const need = (n: number): boolean => dataLen >= PROC_EVENT_HEAD + n;
  // A PROC_EVENT_NONE is exactly an acknowledgement (keepalived checks both ways).
  if ((what === PROC_EVENT.NONE) !== (ack !== 0)) return { ok: false, reason: 'acknowledgement flag does not match the event' };
  let event: ProcEvent;
  switch (what) {
    case PROC_EVENT.NONE:
      event = { type: 'ack', error: need(4) ? u32(b, data) : 0 };
      break;
    case PROC_EVENT.FORK:
      if (!need(16)) return { ok: false, reason: 'truncated fork event' };
      event = { type: 'fork', parentTgid: u32(b, data + 4), childPid: u32(b, data + 8), childTgid: u32(b, data + 12) };
      break;
    case PROC_EVENT.EXEC:
      if (!need(8)) return { ok: false, reason: 'truncated exec event' };
      event = { type: 'exec', pid: u32(b, data), tgid: u32(b, data + 4) };
      break;
    case PROC_EVENT.COMM: {
      if (!need(24)) return { ok: false, reason: 'truncated comm event' };
      const raw = b.subarray(data + 8, data + 24);
      const nul = raw.indexOf(0);
      event = { type: 'comm', pid: u32(b, data), tgid: u32(b, data + 4), comm: raw.subarray(0, nul === -1 ? raw.length : nul).toString('utf8') };
      break;
    }
    case PROC_EVENT.EXIT:
      if (!need(16)) return { ok: false, reason: 'truncated exit event' };
      event = { type: 'exit', pid: u32(b, data), tgid: u32(b, data + 4), exitCode: u32(b, data + 8), exitSignal: u32(b, data + 12) };
      break;
    default:
      event = { type: 'other', what };
  }
  return { ok: true, event, cpu, seq };
}

/** Builds a datagram as the kernel would send it (tests, and the decoder's round trip). */
export function encodeProcEvent(event: Exclude<ProcEvent, { type: 'other' }>, opts: { cpu?: number; seq?: number } = {}): Buffer {
  const payload = Buffer.alloc(PROC_EVENT_HEAD + 24);
  let what: number;
  let n: number;
  switch (event.type) {
    case 'ack':
      what = PROC_EVENT.NONE;
      put32(payload, event.error, PROC_EVENT_HEAD);
      n = 4;
      break;
    case 'fork':
      what = PROC_EVENT.FORK;
      put32(payload, event.parentTgid, PROC_EVENT_HEAD);
      put32(payload, event.parentTgid, PROC_EVENT_HEAD + 4);
      put32(payload, event.childPid, PROC_EVENT_HEAD + 8);
      put32(payload, event.childTgid, PROC_EVENT_HEAD + 12);
      n = 16;
      break;
    case 'exec':
      what = PROC_EVENT.EXEC;
      put32(payload, event.pid, PROC_EVENT_HEAD);
      put32(payload, event.tgid, PROC_EVENT_HEAD + 4);
      n = 8;
      break;
    case 'comm':
      what = PROC_EVENT.COMM;
      put32(payload, event.pid, PROC_EVENT_HEAD);
      put32(payload, event.tgid, PROC_EVENT_HEAD + 4);
      payload.write(event.comm.slice(0, 15), PROC_EVENT_HEAD + 8, 'utf8');
      n = 24;
      break;
    case 'exit':
      what = PROC_EVENT.EXIT;
      put32(payload, event.pid, PROC_EVENT_HEAD);
      put32(payload, event.tgid, PROC_EVENT_HEAD + 4);
      put32(payload, event.exitCode, PROC_EVENT_HEAD + 8);
      put32(payload, event.exitSignal, PROC_EVENT_HEAD + 12);
      n = 16;
      break;
  }
  put32(payload, what, 0);
  put32(payload, opts.cpu ?? 0, 4);
  const body = payload.subarray(0, PROC_EVENT_HEAD + n);
  const b = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + body.length);
  put32(b, b.length, 0);
  put16(b, NLMSG_DONE, 4);
  put32(b, opts.seq ?? 0, 8);
  put32(b, CN_IDX_PROC, 16);
  put32(b, CN_VAL_PROC, 20);
  put32(b, opts.seq ?? 0, 24);
  put32(b, what === PROC_EVENT.NONE ? 1 : 0, 28);
  put16(b, body.length, 32);
  body.copy(b, NLMSG_HDRLEN + CN_MSG_LEN);
  return b;
}
