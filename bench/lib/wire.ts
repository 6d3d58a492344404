/**
 * The wire as a benchmark sees it: a pcap file that tcpdump is still writing,
 * read incrementally, each frame reduced to the one fact the VRRP benchmarks
 * care about — a VRRP advertisement (who, which VRID, which priority) or a
 * gratuitous ARP (which address, announced by which MAC) — stamped with the
 * capture's own timestamp in nanoseconds.
 *
 * Why pcap timestamps and not JS timers: the kernel stamps each frame when the
 * capturing interface receives it, so an interval between two frames on the
 * same capture is free of the benchmark's own event-loop delays, and the same
 * for every implementation measured. tcpdump is started with
 * `--time-stamp-precision nano`, so the file uses the nanosecond pcap magic;
 * microsecond files are read too.
 *
 * The decoder is deliberately small and separate from src/: a benchmark must
 * not measure keepalived-ts with keepalived-ts's own codec. It understands
 * Ethernet II (LINKTYPE_ETHERNET), IPv4 and IPv6 carrying VRRP (protocol 112,
 * versions 2 and 3, RFC 3768 §5 / RFC 5798 §5), and ARP (RFC 826) where the
 * sender and target protocol addresses are equal (a gratuitous ARP, RFC 5227
 * §3). IPv4 VRRP inside AH (protocol 51) is recognised by skipping the AH
 * header (RFC 4302 §2). Anything else is counted as "other" and ignored.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export type WireEvent = AdvertEvent | GarpEvent;

export interface AdvertEvent {
  readonly kind: 'advert';
  /** Capture timestamp, nanoseconds since the epoch. */
  readonly t: bigint;
  readonly src: string;
  readonly srcMac: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
}

export interface GarpEvent {
  readonly kind: 'garp';
  readonly t: bigint;
  /** The announced (sender = target) protocol address. */
  readonly ip: string;
  readonly senderMac: string;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const IPPROTO_VRRP = 112;
const IPPROTO_AH = 51;

const mac = (b: Buffer, o: number): string =>
  [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ipv4 = (b: Buffer, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const ipv6 = (b: Buffer, o: number): string => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(o + i).toString(16));
  return groups.join(':');
};

/** Decodes one Ethernet frame; undefined for anything that is neither a VRRP advert nor a gratuitous ARP. */
export function decodeFrame(frame: Buffer, t: bigint): WireEvent | undefined {
  if (frame.length < 14) return undefined;
  let offset = 12;
  let ethertype = frame.readUInt16BE(offset);
  if (ethertype === ETHERTYPE_VLAN && frame.length >= 18) {
    offset += 4;
    ethertype = frame.readUInt16BE(offset);
  }
  offset += 2;
  const srcMac = mac(frame, 6);
  if (ethertype === ETHERTYPE_ARP) {
    // RFC 826 for Ethernet/IPv4: htype 1, ptype 0x0800, hlen 6, plen 4; 28 bytes.
    if (frame.length < offset + 28) return undefined;
    if (frame.readUInt16BE(offset) !== 1 || frame.readUInt16BE(offset + 2) !== ETHERTYPE_IPV4) return undefined;
    const senderIp = ipv4(frame, offset + 14);
    const targetIp = ipv4(frame, offset + 24);
    if (senderIp !== targetIp) return undefined;
    return { kind: 'garp', t, ip: senderIp, senderMac: mac(frame, offset + 8) };
  }
  let src: string;
  let protocol: number;
  let payload: number;
  if (ethertype === ETHERTYPE_IPV4) {
    if (frame.length < offset + 20) return undefined;
    const ihl = (frame[offset]! & 0x0f) * 4;
    protocol = frame[offset + 9]!;
    src = ipv4(frame, offset + 12);
    payload = offset + ihl;
  } else if (ethertype === ETHERTYPE_IPV6) {
    if (frame.length < offset + 40) return undefined;
    protocol = frame[offset + 6]!;
    src = ipv6(frame, offset + 8);
    payload = offset + 40;
  } else {
    return undefined;
  }
  if (protocol === IPPROTO_AH && frame.length >= payload + 12) {
    // RFC 4302 §2: next header, then the payload length in 32-bit words minus 2.
    protocol = frame[payload]!;
    payload += (frame[payload + 1]! + 2) * 4;
  }
  if (protocol !== IPPROTO_VRRP || frame.length < payload + 8) return undefined;
  const versionType = frame[payload]!;
  if ((versionType & 0x0f) !== 1) return undefined; // type 1 = ADVERTISEMENT
  return { kind: 'advert', t, src, srcMac, version: versionType >> 4, vrid: frame[payload + 1]!, priority: frame[payload + 2]! };
}

/**
 * Follows a pcap file while tcpdump appends to it. poll() reads whatever
 * complete records arrived since the last call; a record still being written
 * is left for the next poll.
 */
export class PcapFollower {
  readonly events: WireEvent[] = [];
  /** Every frame read, decoded or not. */
  frames = 0;
  #fd: number | undefined;
  #offset = 0;
  #pending: Buffer = Buffer.alloc(0);
  #nanos = false;
  #little = true;
  #headerRead = false;

  constructor(readonly file: string) {}

  poll(): WireEvent[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size <= this.#offset) return [];
    this.#fd ??= openSync(this.file, 'r');
    const chunk = Buffer.alloc(size - this.#offset);
    const got = readSync(this.#fd, chunk, 0, chunk.length, this.#offset);
    this.#offset += got;
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk.subarray(0, got)]) : chunk.subarray(0, got);
    if (!this.#headerRead) {
      if (buf.length < 24) {
        this.#pending = buf;
        return [];
      }
      this.#readHeader(buf);
      buf = buf.subarray(24);
    }
    const fresh: WireEvent[] = [];
    let o = 0;
    const u32 = (at: number) => (this.#little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    while (o + 16 <= buf.length) {
      const length = u32(o + 8);
      if (o + 16 + length > buf.length) break;
      const seconds = BigInt(u32(o));
      const fraction = BigInt(u32(o + 4));
      const t = seconds * 1_000_000_000n + (this.#nanos ? fraction : fraction * 1000n);
      this.frames++;
      const event = decodeFrame(buf.subarray(o + 16, o + 16 + length), t);
      if (event) fresh.push(event);
      o += 16 + length;
    }
    this.#pending = Buffer.from(buf.subarray(o));
    for (const e of fresh) this.events.push(e);
    return fresh;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #readHeader(buf: Buffer): void {
    const le = buf.readUInt32LE(0);
    const be = buf.readUInt32BE(0);
    if (le === 0xa1b2c3d4 || le === 0xa1b23c4d) {
      this.#little = true;
      this.#nanos = le === 0xa1b23c4d;
    } else if (be === 0xa1b2c3d4 || be === 0xa1b23c4d) {
      this.#little = false;
      this.#nanos = be === 0xa1b23c4d;
    } else {
      throw new Error(`${this.file} is not a classic pcap file`);
    }
    const linktype = this.#little ? buf.readUInt32LE(20) : buf.readUInt32BE(20);
    if (linktype !== 1) throw new Error(`${this.file}: link type ${linktype}, expected Ethernet (1)`);
    this.#headerRead = true;
  }
}

/** Nanoseconds since the epoch, from the same clock the capture uses (CLOCK_REALTIME). */
export function wallClockNs(): bigint {
  // Date.now() has only millisecond resolution; hrtime is monotonic, so anchor it once.
  return anchorNs + (process.hrtime.bigint() - anchorHr);
}
const anchorHr = process.hrtime.bigint();
const anchorNs = BigInt(Date.now()) * 1_000_000n;
