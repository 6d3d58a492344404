/**
 * `UDP_CHECK { … }`: sends a datagram (the `payload`, or random bytes) and
 * fails on an ICMP unreachable within connect_timeout (check_udp.c). With
 * `require_reply` a reply must arrive, its length within
 * [min_reply_length, max_reply_length], and, when a hex string is given, its
 * first bytes must match it ("x" nibbles match anything). Because host
 * unreachables depend on ARP timing out, keepalived advises a connect_timeout
 * of at least 4 s.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { int } from '../../config/schema/values.js';
import { COMMON_DEFAULTS, connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker } from './checker-common.js';
import { hexString } from './values.js';

export interface UdpCheck extends ConnectedChecker {
  type: 'UDP_CHECK';
  /** Bytes to send, as lower-case hex pairs; absent: random data. */
  payload?: string;
  requireReply: boolean;
  /** The reply must start with these bytes (hex pairs, "x" = any nibble). */
  replyData?: string;
  minReplyLength: number;
  maxReplyLength: number;
}

const k = keywordsFor<UdpCheck>();
const payload = hexString({ wildcard: false, what: 'UDP_CHECK payload' });
const reply = hexString({ wildcard: true, what: 'UDP_CHECK reply' });
const doc = 'Sends a UDP datagram and checks for an ICMP error or, optionally, a matching reply.';

export const udpCheck: CheckerSpec<UdpCheck> = {
  name: 'UDP_CHECK',
  tag: 'COMMON',
  doc,
  options: 'connection',
  defaults: COMMON_DEFAULTS,
  block: defineBlock<UdpCheck>({
    name: 'UDP_CHECK',
    doc,
    create: () => ({ type: 'UDP_CHECK', requireReply: false, minReplyLength: 0, maxReplyLength: 255, effective: emptyConnectedEffective() }),
    keywords: [
      k.scalar('payload', payload, 'payload', { tag: 'COMMON', doc: 'Data to send, in hex ("Ab12f 3" = AB 12 0F 03).', default: 'random data' }),
      k.custom(
        'require_reply',
        { tag: 'COMMON', syntax: `[${reply.syntax}]`, doc: 'A reply must arrive; with a hex string, it must start with those bytes.' },
        (m, stmt, ctx) => {
          m.requireReply = true;
          if (stmt.args.length > 0) m.replyData = reply.parse(stmt.args, stmt.keyword);
          else delete m.replyData;
          ctx.locations.set(m, stmt.loc, 'requireReply');
        },
        (m) => (!m.requireReply ? [] : [{ words: m.replyData === undefined ? ['require_reply'] : ['require_reply', m.replyData] }]),
      ),
      k.scalar('min_reply_length', int(0, 65535), 'minReplyLength', { tag: 'COMMON', doc: 'Shortest acceptable reply, bytes.', default: '0' }),
      k.scalar('max_reply_length', int(0, 65535), 'maxReplyLength', { tag: 'COMMON', doc: 'Longest acceptable reply, bytes.', default: '255' }),
      ...(connectionKeywords() as Keyword<UdpCheck>[]),
    ],
    finish(m) {
      if (m.minReplyLength > m.maxReplyLength) {
        throw new ConfigValueError(`UDP_CHECK min_reply_length ${m.minReplyLength} > max_reply_length ${m.maxReplyLength} - will always fail`);
      }
    },
  }),
};
