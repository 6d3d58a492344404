/**
 * Address text for netlink: the shared IP parser/formatter of src/net/inet.ts plus
 * what netlink needs on top of it.
 *
 * - Errors: the shared parser throws RangeError; here every malformed address is an
 *   AddressSyntaxError, so the codecs can turn exactly those into NetlinkEncodeErrors
 *   that name the field, and let real bugs through.
 * - Prefixes ("192.0.2.0/24"), with a strict length check.
 * - Link-layer addresses of any length: IFLA_ADDRESS is 6 bytes on Ethernet but 0 on
 *   tunnels, 16 on ip6gre, 20 on InfiniBand.
 * Output is canonical (RFC 5952 for IPv6), so addresses compare as strings.
 */

import { formatIp as sharedFormatIp, formatIPv4, parseIp as sharedParseIp, type IpFamily } from '../inet.js';

export type { IpFamily };
export { formatIPv4 };

export class AddressSyntaxError extends Error {
  readonly code = 'ERR_ADDRESS_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'AddressSyntaxError';
  }
}

/** Parses an IPv4 or IPv6 address (no prefix length, no zone) into network-order bytes. */
export function parseIp(text: string): { family: IpFamily; bytes: Buffer } {
  if (typeof text !== 'string') throw new AddressSyntaxError(`expected an IP address string, got ${typeof text}`);
  try {
    return sharedParseIp(text);
  } catch {
    throw new AddressSyntaxError(`'${text}' is not a valid IPv4 or IPv6 address`);
  }
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

/** Formats 4 or 16 bytes as an address; other lengths are not IP addresses. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) {
    throw new AddressSyntaxError(`an IP address is 4 or 16 bytes long, not ${bytes.length}`);
  }
  return sharedFormatIp(bytes);
}

/** "192.0.2.1/24" -> canonical address and prefix length; no length means a host prefix. */
export function parsePrefix(text: string): { family: IpFamily; address: string; prefixLength: number } {
  if (typeof text !== 'string') throw new AddressSyntaxError(`expected a prefix string, got ${typeof text}`);
  const slash = text.indexOf('/');
  const { family, bytes } = parseIp(slash === -1 ? text : text.slice(0, slash));
  const max = family === 4 ? 32 : 128;
  let prefixLength = max;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(lengthText) || Number(lengthText) > max) {
      throw new AddressSyntaxError(`'${text}': prefix length must be 0..${max}`);
    }
    prefixLength = Number(lengthText);
  }
  return { family, address: sharedFormatIp(bytes), prefixLength };
}

/** Link-layer address bytes -> "aa:bb:cc:dd:ee:ff" (any length; "" for none). */
export function formatLinkAddress(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** "aa:bb:cc:dd:ee:ff" (or '-' separated) -> bytes; 1 to 32 octets of two hex digits. */
export function parseLinkAddress(text: string): Buffer {
  if (typeof text !== 'string') throw new AddressSyntaxError(`expected a MAC address string, got ${typeof text}`);
  const parts = text.split(/[:-]/);
  if (parts.length > 32 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new AddressSyntaxError(`'${text}' is not a link-layer address like 00:00:5e:00:01:33`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
