/**
 * IPv4 and IPv6 addresses as text and as network-order bytes.
 *
 * Sockets, ARP, NDP and netlink all carry addresses as raw bytes; configs and
 * logs carry text. This module converts both ways, strictly: a malformed
 * address is a RangeError naming the text, never a silently different address.
 * IPv6 text output follows RFC 5952 (lower case, longest zero run as "::",
 * a single zero group never compressed), so it matches `ip` and keepalived logs.
 * Zone indices ("fe80::1%eth0") are not part of an address here; sockaddr_in6
 * carries the scope id separately.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** 4 or 16 bytes, network order. */
  bytes: Buffer;
}

function invalid(text: string, family: string): RangeError {
  return new RangeError(`invalid ${family} address '${text}'`);
}

/** Parses dotted-quad IPv4 ("192.0.2.1"): four decimal octets, no leading zeros. */
export function parseIPv4(text: string): Buffer {
  const parts = text.split('.');
  if (parts.length !== 4) throw invalid(text, 'IPv4');
  const out = Buffer.alloc(4);
  parts.forEach((part, i) => {
    // Leading zeros are refused: inet_aton would read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) throw invalid(text, 'IPv4');
    const value = Number(part);
    if (value > 255) throw invalid(text, 'IPv4');
    out[i] = value;
  });
  return out;
}

/** Parses IPv6 text (RFC 4291 §2.2): groups, one "::", optional trailing dotted IPv4. */
export function parseIPv6(text: string): Buffer {
  if (text.length === 0 || text.length > 45) throw invalid(text, 'IPv6');
  const halves = text.split('::');
  if (halves.length > 2) throw invalid(text, 'IPv6');
  const parseGroups = (part: string, allowV4Tail: boolean): number[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const words: number[] = [];
    groups.forEach((group, i) => {
      if (allowV4Tail && i === groups.length - 1 && group.includes('.')) {
        const v4 = parseIPv4(group);
        words.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
        words.push(parseInt(group, 16));
      } else {
        throw invalid(text, 'IPv6');
      }
    });
    return words;
  };
  let words: number[];
  try {
    if (halves.length === 2) {
      const head = parseGroups(halves[0]!, false);
      const tail = parseGroups(halves[1]!, true);
      // "::" stands for at least one zero group (RFC 4291 §2.2 item 2).
      if (head.length + tail.length > 7) throw invalid(text, 'IPv6');
      words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
    } else {
      words = parseGroups(text, true);
      if (words.length !== 8) throw invalid(text, 'IPv6');
    }
  } catch {
    throw invalid(text, 'IPv6');
  }
  const out = Buffer.alloc(16);
  words.forEach((word, i) => out.writeUInt16BE(word, i * 2));
  return out;
}

/** Parses either family; IPv6 is recognised by its colon. */
export function parseIp(text: string): IpAddress {
  return text.includes(':') ? { family: 6, bytes: parseIPv6(text) } : { family: 4, bytes: parseIPv4(text) };
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  if (bytes.length < offset + 4) throw new RangeError('IPv4 address needs 4 bytes');
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text of 16 bytes; IPv4-mapped addresses print as ::ffff:a.b.c.d (§5). */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  if (bytes.length < offset + 16) throw new RangeError('IPv6 address needs 16 bytes');
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatIPv4(bytes);
  if (bytes.length === 16) return formatIPv6(bytes);
  throw new RangeError(`an IP address is 4 or 16 bytes, not ${bytes.length}`);
}

/** Parses "aa:bb:cc:dd:ee:ff" (any case) into 6 bytes. */
export function parseMac(text: string): Buffer {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text)) throw new RangeError(`invalid MAC address '${text}'`);
  return Buffer.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** Formats hardware address bytes as lower-case colon-separated hex. */
export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}
