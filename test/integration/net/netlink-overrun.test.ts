// A netlink route monitor with a small receive buffer overruns during an
// address storm: the kernel sets ENOBUFS on the socket, libuv reports POLLERR,
// and RawSocket must report ENOBUFS, re-arm and keep delivering notifications
// (a real monitor then re-dumps its state). Only socket-level behaviour is
// checked here; decoding netlink messages is src/net/netlink's job.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topology, waitUntil } from '../../harness/index.js';
import { RawSocket } from '../../../src/net/socket.js';
import { AF_NETLINK, NETLINK_ROUTE, SO_RCVBUF, SOCK_RAW, SOL_SOCKET } from '../../../src/net/constants.js';
import { sockaddrNl } from '../../../src/net/sockaddr.js';
import { parseIPv4 } from '../../../src/net/inet.js';
import type { ErrnoError } from '../../../src/net/native.js';

// <linux/rtnetlink.h>: the legacy group bit for IPv4 address notifications.
const RTMGRP_IPV4_IFADDR = 0x10;

test('ENOBUFS on an overrun netlink monitor is reported and the socket recovers', async (t) => {
  const lab = await Topology.create(t);
  const a = await lab.namespace('a');

  const monitor = a.enter(() => RawSocket.open({ family: AF_NETLINK, type: SOCK_RAW, protocol: NETLINK_ROUTE }));
  t.after(() => monitor.close());
  // The smallest receive buffer the kernel allows (it doubles and clamps the request).
  monitor.setOption(SOL_SOCKET, SO_RCVBUF, 1);
  monitor.bind(sockaddrNl(0, RTMGRP_IPV4_IFADDR));
  assert.deepEqual(monitor.localAddress().family, 'netlink');

  const recovered: ErrnoError[] = [];
  const errors: Error[] = [];
  let messages = 0;
  let sawLastAddress = false;
  const last = parseIPv4('10.99.99.99');
  monitor.on('message', (m) => {
    messages++;
    if (m.data.includes(last)) sawLastAddress = true;
  });
  monitor.on('error-recovered', (e) => recovered.push(e));
  monitor.on('error', (e) => errors.push(e));
  monitor.startReceiving();

  // 500 addresses in one `ip -batch`, run with execFileSync so this event loop cannot drain
  // the monitor while the kernel queues a notification per address.
  const batch = join(lab.directory, 'storm.batch');
  writeFileSync(batch, Array.from({ length: 500 }, (_, i) => `address add 10.1.${i >> 8}.${i & 255}/32 dev lo\n`).join(''));
  execFileSync('ip', ['-n', a.name, '-batch', batch]);

  await waitUntil('ENOBUFS to be reported', () => recovered.length > 0);
  assert.equal(recovered[0]!.code, 'ENOBUFS');
  // libuv saw POLLERR (reported as UV_EBADF); the cause came from SO_ERROR.
  assert.equal(recovered[0]!.syscall, 'poll');
  assert.ok(messages < 500, `only part of the storm fits the buffer (got ${messages})`);

  // After recovery the monitor still works: a change made now is seen.
  await a.addAddress('lo', '10.99.99.99/32');
  await waitUntil('the notification for 10.99.99.99', () => sawLastAddress);
  assert.deepEqual(errors, []);
  assert.equal(monitor.closed, false);
  assert.ok(recovered.every((e) => e.code === 'ENOBUFS'));
});
