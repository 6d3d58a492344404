/**
 * The receive queue of a real NETLINK_ROUTE socket (nothing is sent or joined): 'plain'
 * asks with SO_RCVBUF, which net.core.rmem_max caps, 'force' with SO_RCVBUFFORCE, which it
 * does not (with CAP_NET_ADMIN). The kernel reports — and grants — twice the size asked for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openNetlinkSocket } from '../../../src/net/netlink/socket-transport.js';
import { NETLINK_ROUTE } from '../../../src/net/netlink/constants.js';

const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
const root = process.getuid?.() === 0;

function granted(bytes: number, mode: 'plain' | 'force'): number {
  const t = openNetlinkSocket({ protocol: NETLINK_ROUTE, receiveBufferBytes: bytes, receiveBufferMode: mode });
  try {
    return t.receiveBufferBytes;
  } finally {
    t.close();
  }
}

test('plain SO_RCVBUF: doubled, and capped by net.core.rmem_max', () => {
  assert.equal(granted(100_000, 'plain'), 200_000);
  assert.equal(granted(rmemMax + 1_000_000, 'plain'), 2 * rmemMax);
});

test('SO_RCVBUFFORCE goes beyond rmem_max', { skip: !root && 'needs CAP_NET_ADMIN' }, () => {
  assert.equal(granted(rmemMax + 1_000_000, 'force'), 2 * (rmemMax + 1_000_000));
});
