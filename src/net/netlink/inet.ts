/**
 * IP and link-layer address text <-> bytes, for netlink attributes.
 *
 * Netlink carries addresses as raw network-order bytes (4 for IPv4, 16 for IPv6,
 * usually 6 for Ethernet). The rest of the daemon speaks text, the way keepalived.conf
 * and `ip -j` do, so the codecs convert at the edge. Node has no public function
 * that turns an address into bytes, hence this small module.
 *
 * Output is canonical so addresses compare as strings: IPv4 dotted quad without
 * leading zeros; IPv6 in the RFC 5952 form (lowercase, the longest run of two or more
 * zero groups shortened to "::", the first run on a tie, IPv4-mapped addresses
 * written with a dotted tail) — the same text `ip` and inet_ntop print.
 * Parsing is strict: "1.2.3" or "01.2.3.4" or "1::2::3" are errors, not guesses.
 */

export type IpFamily = 4 | 6;

export class AddressSyntaxError extends Error {
  readonly code = 'ERR_ADDRESS_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'AddressSyntaxError';
  }
}

const IPV4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4Into(text: string, out: Uint8Array, offset: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!IPV4_OCTET.test(part)) return false;
    const n = Number(part);
    if (n > 255) return false;
    out[offset + i] = n;
  }
  return true;
}

function parseIPv6(text: string): Buffer | null {
  const out = Buffer.alloc(16);
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return null;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  // An embedded dotted IPv4 address may only be the very last 32 bits.
  const groups = [...headGroups, ...tailGroups];
  let words: number[] = [];
  let v4Tail: Uint8Array | null = null;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    v4Tail = new Uint8Array(4);
    if (!parseIPv4Into(last, v4Tail, 0)) return null;
    if (tailGroups.length > 0) tailGroups.pop(); else headGroups.pop();
  }
  const toWords = (list: string[]): number[] | null => {
    const ws: number[] = [];
    for (const g of list) {
      if (!IPV6_GROUP.test(g)) return null;
      ws.push(parseInt(g, 16));
    }
    return ws;
  };
  const headWords = toWords(headGroups);
  const tailWords = toWords(tailGroups);
  if (headWords === null || tailWords === null) return null;
  const available = v4Tail ? 6 : 8;
  const used = headWords.length + tailWords.length;
  if (doubleColon === -1) {
    if (used !== available) return null;
    words = headWords;
  } else {
    // "::" stands for at least one zero group (RFC 4291 §2.2).
    if (used >= available) return null;
    words = [...headWords, ...new Array<number>(available - used).fill(0), ...tailWords];
  }
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  if (v4Tail) out.set(v4Tail, 12);
  return out;
}

/** Parses an IPv4 or IPv6 address (no prefix length, no zone) into network-order bytes. */
export function parseIp(text: string): { family: IpFamily; bytes: Buffer } {
  if (typeof text !== 'string') throw new AddressSyntaxError(`expected an IP address string, got ${typeof text}`);
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    if (bytes) return { family: 6, bytes };
  } else {
    const bytes = Buffer.alloc(4);
    if (parseIPv4Into(text, bytes, 0)) return { family: 4, bytes };
  }
  throw new AddressSyntaxError(`'${text}' is not a valid IPv4 or IPv6 address`);
}

/** Parses an address of a known family; throws if the text is the other family. */
export function parseIpOfFamily(text: string, family: IpFamily): Buffer {
  const parsed = parseIp(text);
  if (parsed.family !== family) {
    throw new AddressSyntaxError(`'${text}' is an IPv${parsed.family} address where IPv${family} is required`);
  }
  return parsed.bytes;
}

export function ipFamilyOf(text: string): IpFamily {
  return parseIp(text).family;
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + i * 2]! << 8) | bytes[offset + i * 2 + 1]!);
  // IPv4-mapped ::ffff:a.b.c.d keeps its dotted tail, as inet_ntop prints it.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  // RFC 5952 §4.2: shorten the longest run of >= 2 zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** Formats 4 or 16 bytes as an address; other lengths are not IP addresses. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatIPv4(bytes);
  if (bytes.length === 16) return formatIPv6(bytes);
  throw new AddressSyntaxError(`an IP address is 4 or 16 bytes long, not ${bytes.length}`);
}

/** "192.0.2.1/24" -> address and prefix length; a missing length means a host prefix. */
export function parsePrefix(text: string): { family: IpFamily; address: string; prefixLength: number } {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const { family, bytes } = parseIp(addressText);
  const max = family === 4 ? 32 : 128;
  let prefixLength = max;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(lengthText) || Number(lengthText) > max) {
      throw new AddressSyntaxError(`'${text}': prefix length must be 0..${max}`);
    }
    prefixLength = Number(lengthText);
  }
  return { family, address: family === 4 ? formatIPv4(bytes) : formatIPv6(bytes), prefixLength };
}

/** Link-layer address bytes -> "aa:bb:cc:dd:ee:ff" (any length; "" for none). */
export function formatLinkAddress(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** "aa:bb:cc:dd:ee:ff" (or '-' separated) -> bytes; 1 to 32 octets of two hex digits. */
export function parseLinkAddress(text: string): Buffer {
  if (typeof text !== 'string') throw new AddressSyntaxError(`expected a MAC address string, got ${typeof text}`);
  const parts = text.split(/[:-]/);
  if (parts.length < 1 || parts.length > 32 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new AddressSyntaxError(`'${text}' is not a link-layer address like 00:00:5e:00:01:33`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
