/**
 * Garbled input never crashes the decoders: thousands of random mutations of real
 * kernel messages (bit flips, overwritten bytes, truncation, inserted bytes, forged
 * length fields) either decode or throw a NetlinkDecodeError — never a TypeError,
 * RangeError or anything else that would escape the drop site. The generator is
 * seeded, so a failure prints the seed and case that reproduce it.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { NetlinkDecodeError } from '../../../src/net/netlink/errors.js';
import { decodeDonePayload, decodeErrorPayload, decodeMessages, type NetlinkMessage } from '../../../src/net/netlink/message.js';
import { decodeAddress } from '../../../src/net/netlink/rtnl/address.js';
import { decodeLink } from '../../../src/net/netlink/rtnl/link.js';
import { decodeRoute } from '../../../src/net/netlink/rtnl/route.js';
import { decodeRule } from '../../../src/net/netlink/rtnl/rule.js';
import { RTM } from '../../../src/net/netlink/rtnl/constants.js';
import { decodeFamily } from '../../../src/net/netlink/genl/family.js';
import { kernelVectors } from './vectors/kernel-vectors.js';
import { hex } from './fake-kernel.js';

/** xorshift32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

type Decoder = (msg: NetlinkMessage) => unknown;
const decoders: Record<string, Decoder> = {
  linkDump: decodeLink, addrDump: decodeAddress, routeDump: decodeRoute, ruleDump: decodeRule,
  addAck: decodeErrorPayload, addExists: decodeErrorPayload, delMissing: decodeErrorPayload,
  routeExtack: decodeErrorPayload, genlMissing: decodeErrorPayload, genlNlctrl: decodeFamily,
  monitorEvents: (m) => (m.type === RTM.NEWLINK || m.type === RTM.DELLINK ? decodeLink(m) : decodeAddress(m)),
};

/** What a receiver does with a datagram: split it, then decode each message by type. */
function decodeAll(datagram: Buffer, decode: Decoder): void {
  for (const msg of decodeMessages(datagram)) {
    if (msg.type === 2) decodeErrorPayload(msg);
    else if (msg.type === 3) decodeDonePayload(msg);
    else decode(msg);
  }
}

function mutate(original: Buffer, rand: () => number): Buffer {
  const buf = Buffer.from(original);
  const pick = (n: number): number => Math.floor(rand() * n);
  switch (pick(7)) {
    case 0: { // flip a few bits
      for (let i = 0, n = 1 + pick(4); i < n; i++) buf[pick(buf.length)]! ^= 1 << pick(8);
      return buf;
    }
    case 1: { // overwrite a byte with an edge value
      buf[pick(buf.length)] = [0, 0xff, 0x7f, 0x80, 1, 4][pick(6)]!;
      return buf;
    }
    case 2: // truncate
      return buf.subarray(0, pick(buf.length));
    case 3: { // insert junk
      const at = pick(buf.length);
      return Buffer.concat([buf.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256))), buf.subarray(at)]);
    }
    case 4: { // forge an attribute length (u16 at a 4-byte boundary past the headers)
      const at = 16 + 4 * pick(Math.max(1, (buf.length - 18) >> 2));
      if (at + 2 <= buf.length) buf.writeUInt16LE([0, 1, 3, 4, 5, 0xffff, pick(0x10000)][pick(7)]!, at);
      return buf;
    }
    case 5: // forge nlmsg_len
      buf.writeUInt32LE([0, 15, 16, buf.length + 4, pick(buf.length + 8)][pick(5)]!, 0);
      return buf;
    default: { // set the NLA_F_NESTED / NET_BYTEORDER bits on some type
      const at = 16 + 4 * pick(Math.max(1, (buf.length - 18) >> 2)) + 2;
      if (at + 2 <= buf.length) buf.writeUInt16LE(buf.readUInt16LE(at) ^ [0x8000, 0x4000][pick(2)]!, at);
      return buf;
    }
  }
}

describe('fuzz: mutated kernel messages', () => {
  it('every vector decodes cleanly before mutation', () => {
    for (const [name, list] of Object.entries(kernelVectors)) {
      for (const h of list) assert.doesNotThrow(() => decodeAll(hex(h), decoders[name]!), name);
    }
  });

  it('mutations decode or fail with NetlinkDecodeError, nothing else', () => {
    const seed = Number(process.env.NETLINK_FUZZ_SEED ?? 20240607);
    const rounds = Number(process.env.NETLINK_FUZZ_ROUNDS ?? 40);
    const rand = prng(seed);
    let decoded = 0;
    let rejected = 0;
    for (const [name, list] of Object.entries(kernelVectors)) {
      for (const [i, h] of list.entries()) {
        const original = hex(h);
        for (let round = 0; round < rounds; round++) {
          const input = mutate(original, rand);
          try {
            decodeAll(input, decoders[name]!);
            decoded++;
          } catch (err) {
            if (!(err instanceof NetlinkDecodeError)) {
              assert.fail(`seed ${seed} ${name}[${i}] round ${round}: ${String(err)}\ninput ${input.toString('hex')}`);
            }
            assert.match(err.message, /\S+: .+/);
            rejected++;
          }
        }
      }
    }
    // Both outcomes must occur, or the mutations are not reaching the decoders.
    assert.ok(decoded > 100 && rejected > 100, `decoded ${decoded}, rejected ${rejected}`);
  });
});
