/**
 * Internet plumbing shared by the VRRP codecs: IP address text <-> bytes, address
 * comparison, and the RFC 1071 Internet checksum with the IPv4 and IPv6 pseudo-headers.
 *
 * Addresses cross module boundaries as text ("10.0.0.1", "fe80::1") because that is what
 * configs, logs and tests speak, but every comparison is done on the network-order bytes:
 * VRRP breaks priority ties by "the higher primary IP address" (RFC 5798 §6.4.3), which
 * keepalived compares as unsigned big-endian integers (lib/utils.c inet_inaddrcmp); two
 * spellings of one IPv6 address must compare equal.
 *
 * Parsing throws a PacketError (bad text is a caller error, caught by whoever validates the
 * config); nothing here ever looks at received bytes, so nothing here can be fed garbage
 * from the network.
 */

export type AddressFamily = 'inet' | 'inet6';

/** A caller handed a codec a value it cannot encode (bad address text, field out of range). */
export class PacketError extends Error {
  readonly code = 'EVRRPPACKET';
  constructor(message: string) {
    super(message);
    this.name = 'PacketError';
  }
}

/** What every decoder returns: never an exception for bad bytes. */
export type DecodeResult<T> = { readonly ok: true; readonly value: T; readonly bytes: number } | { readonly ok: false; readonly error: string };

export function addressLength(family: AddressFamily): 4 | 16 {
  return family === 'inet' ? 4 : 16;
}

export function familyOf(address: string): AddressFamily {
  if (isIpv4Text(address)) return 'inet';
  if (address.includes(':')) return 'inet6';
  throw new PacketError(`'${address}' is not an IPv4 or IPv6 address`);
}

function isIpv4Text(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text);
}

function parseIpv4Into(text: string, out: Buffer, offset: number): void {
  if (!isIpv4Text(text)) throw new PacketError(`'${text}' is not an IPv4 address`);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    // Leading zeros are rejected: inet_pton does, and "010" is ambiguous (octal in inet_aton).
    if (part.length > 1 && part.startsWith('0')) throw new PacketError(`'${text}' is not an IPv4 address (leading zero)`);
    const value = Number(part);
    if (value > 255) throw new PacketError(`'${text}' is not an IPv4 address (octet ${value} > 255)`);
    out[offset + i] = value;
  }
}

function parseIpv6(text: string): Buffer {
  const bad = (why: string): PacketError => new PacketError(`'${text}' is not an IPv6 address (${why})`);
  if (text.includes('%')) throw bad('zone ids are not part of an address; give the interface separately');
  const out = Buffer.alloc(16);
  let body = text;
  let tailV4: Buffer | undefined;
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    tailV4 = Buffer.alloc(4);
    parseIpv4Into(body.slice(lastColon + 1), tailV4, 0);
    body = body.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }
  const halves = body.split('::');
  if (halves.length > 2) throw bad("'::' appears twice");
  const parseGroups = (s: string): number[] => {
    if (s === '') return [];
    return s.split(':').map((g) => {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad(`bad group '${g}'`);
      return parseInt(g, 16);
    });
  };
  const head = parseGroups(halves[0] as string);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (halves.length === 1 && head.length !== 8) throw bad('needs 8 groups or ::');
  if (halves.length === 2 && head.length + tail.length > 7) throw bad('too many groups');
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tailV4) tailV4.copy(out, 12);
  return out;
}

function parseUncached(text: string, family: AddressFamily): Buffer {
  if (family === 'inet') {
    const out = Buffer.alloc(4);
    parseIpv4Into(text, out, 0);
    return out;
  }
  if (isIpv4Text(text)) throw new PacketError(`'${text}' is an IPv4 address where IPv6 was expected`);
  return parseIpv6(text);
}

// Parsing text dominated the receive path (a few addresses, parsed thousands of times a
// second), so parsed forms are remembered. Bounded: cleared when full.
const PARSE_CACHE_LIMIT = 4096;
const parseCache = new Map<string, Buffer>();

/**
 * Text -> network-order bytes, shared and read-only: for hot paths that only read or copy
 * the bytes. Use parseAddress for a buffer of your own.
 */
export function addressBytes(text: string, family: AddressFamily = familyOf(text)): Buffer {
  const key = family === 'inet' ? text : `6${text}`;
  let bytes = parseCache.get(key);
  if (bytes === undefined) {
    bytes = parseUncached(text, family);
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parseCache.set(key, bytes);
  }
  return bytes;
}

/** Text -> network-order bytes (4 for IPv4, 16 for IPv6), in a new buffer. */
export function parseAddress(text: string, family: AddressFamily = familyOf(text)): Buffer {
  return Buffer.from(addressBytes(text, family));
}

/** Network-order bytes -> text; IPv6 in the RFC 5952 canonical form. */
export function formatAddress(bytes: Uint8Array, offset = 0, family: AddressFamily = 'inet'): string {
  if (family === 'inet') {
    return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[offset + i * 2] as number) << 8) | (bytes[offset + i * 2 + 1] as number));
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatAddress(bytes, offset + 12, 'inet')}`;
  }
  // RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Canonical text of an address (so "FE80:0::1" and "fe80::1" print alike). */
export function canonicalAddress(text: string): string {
  const family = familyOf(text);
  return formatAddress(parseAddress(text, family), 0, family);
}

/**
 * Compares two addresses of one family as unsigned big-endian integers: <0, 0, >0.
 * This is the order VRRP uses to break priority ties (RFC 5798 §6.4.3: "the primary IPv4
 * address of the sender is greater than the local primary IPv4 address").
 */
export function compareAddresses(a: string, b: string): number {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa !== fb) throw new PacketError(`cannot compare ${a} with ${b}: different address families`);
  return Buffer.compare(addressBytes(a, fa), addressBytes(b, fb));
}

export function sameAddress(a: string, b: string): boolean {
  try {
    return compareAddresses(a, b) === 0;
  } catch {
    return false;
  }
}

export function isMulticast(text: string): boolean {
  const bytes = addressBytes(text);
  if (bytes.length === 4) return ((bytes[0] as number) & 0xf0) === 0xe0; // 224.0.0.0/4
  return bytes[0] === 0xff; // ff00::/8
}

export function isIpv6LinkLocal(text: string): boolean {
  const bytes = addressBytes(text, 'inet6');
  return bytes[0] === 0xfe && ((bytes[1] as number) & 0xc0) === 0x80; // fe80::/10
}

// --- RFC 1071 Internet checksum -------------------------------------------------------

/**
 * Adds `data` to a running 32-bit one's-complement sum (not yet folded). An odd trailing
 * byte is padded with a zero byte, as RFC 1071 §4.1 prescribes.
 */
export function checksumAdd(sum: number, data: Uint8Array, start = 0, end = data.length): number {
  let s = sum;
  let i = start;
  for (; i + 1 < end; i += 2) s += ((data[i] as number) << 8) | (data[i + 1] as number);
  if (i < end) s += (data[i] as number) << 8;
  // Fold now and then so the sum never leaves the safe-integer range.
  while (s > 0xffff_ffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Folds a running sum and complements it: the value to store in a checksum field. */
export function checksumFinish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

export function internetChecksum(data: Uint8Array, start = 0, end = data.length): number {
  return checksumFinish(checksumAdd(0, data, start, end));
}

/**
 * The IPv4 pseudo-header sum (RFC 768 layout, reused by RFC 5798 §5.2.8): source,
 * destination, zero, protocol, upper-layer length.
 */
export function ipv4PseudoHeaderSum(source: string, destination: string, protocol: number, length: number): number {
  const ph = Buffer.alloc(12);
  addressBytes(source, 'inet').copy(ph, 0);
  addressBytes(destination, 'inet').copy(ph, 4);
  ph[9] = protocol;
  ph.writeUInt16BE(length, 10);
  return checksumAdd(0, ph);
}

/**
 * The IPv6 pseudo-header sum (RFC 8200 §8.1): source, destination, 32-bit upper-layer
 * length, three zero bytes, next header.
 */
export function ipv6PseudoHeaderSum(source: string, destination: string, nextHeader: number, length: number): number {
  const ph = Buffer.alloc(40);
  addressBytes(source, 'inet6').copy(ph, 0);
  addressBytes(destination, 'inet6').copy(ph, 16);
  ph.writeUInt32BE(length, 32);
  ph[39] = nextHeader;
  return checksumAdd(0, ph);
}
