/**
 * The Internet checksum (RFC 1071) and the IPv6 upper-layer pseudo-header sum
 * (RFC 8200 §8.1), as ICMPv6 (RFC 4443 §2.3), VRRPv3 (RFC 5798 §5.2.8) and
 * VRRPv2 (RFC 3768 §5.3.8, no pseudo-header) use them.
 *
 * Pure functions over bytes. A packet whose checksum field holds the right
 * value sums to 0xffff, so verifying is computing over the whole packet and
 * checking for 0 (checksum() returns the complement).
 */
import { parseIPv6 } from './inet.js';

/** One's complement sum of 16-bit big-endian words, folded, not complemented. */
function onesComplementSum(parts: readonly Uint8Array[], initial = 0): number {
  let sum = initial;
  let odd: number | null = null; // a byte left over from a part of odd length
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      if (odd === null) {
        odd = part[i]!;
      } else {
        sum += (odd << 8) | part[i]!;
        odd = null;
      }
    }
    // Fold often enough that the sum stays a small integer.
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (odd !== null) sum += odd << 8; // RFC 1071: pad the last byte with zero
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** RFC 1071 checksum of the concatenation of `parts` (the checksum field zeroed or not). */
export function internetChecksum(...parts: Uint8Array[]): number {
  return ~onesComplementSum(parts) & 0xffff;
}

/**
 * Checksum of an IPv6 upper-layer packet with its pseudo-header (RFC 8200 §8.1):
 * source, destination, 32-bit upper-layer length, three zero bytes, next header.
 */
export function ipv6PseudoHeaderChecksum(source: string | Uint8Array, destination: string | Uint8Array,
                                         nextHeader: number, payload: Uint8Array): number {
  const src = typeof source === 'string' ? parseIPv6(source) : source;
  const dst = typeof destination === 'string' ? parseIPv6(destination) : destination;
  if (src.length !== 16 || dst.length !== 16) throw new RangeError('IPv6 pseudo-header needs 16-byte addresses');
  if (!Number.isInteger(nextHeader) || nextHeader < 0 || nextHeader > 255) throw new RangeError(`next header ${nextHeader} is not a byte`);
  const tail = Buffer.alloc(8);
  tail.writeUInt32BE(payload.length, 0);
  tail[7] = nextHeader;
  return ~onesComplementSum([src, dst, tail, payload]) & 0xffff;
}
