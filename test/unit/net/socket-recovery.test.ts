// RawSocket's POLLERR -> SO_ERROR -> re-arm cycle, driven by a real kernel socket
// error that needs no privileges: a connected UDP socket gets ECONNREFUSED from
// the ICMP port-unreachable its own datagram provoked on loopback.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RawSocket, type ReceivedMessage } from '../../../src/net/socket.js';
import { AF_INET, SOCK_DGRAM } from '../../../src/net/constants.js';
import { sockaddrIn } from '../../../src/net/sockaddr.js';
import type { ErrnoError } from '../../../src/net/native.js';
import { waitUntil, delay } from '../../harness/wait.js';

function freePort(): number {
  const probe = RawSocket.open({ family: AF_INET, type: SOCK_DGRAM }).bind(sockaddrIn('127.0.0.1', 0));
  const address = probe.localAddress();
  probe.close();
  assert.equal(address.family, 'inet');
  return address.family === 'inet' ? address.port : 0;
}

test('an asynchronous socket error is reported, cleared, and receiving goes on', async (t) => {
  const socket = RawSocket.open({ family: AF_INET, type: SOCK_DGRAM }).bind(sockaddrIn('127.0.0.1', 0));
  t.after(() => socket.close());
  const local = socket.localAddress();
  const port = freePort();
  socket.connect(sockaddrIn('127.0.0.1', port));

  const recovered: ErrnoError[] = [];
  const messages: ReceivedMessage[] = [];
  const errors: Error[] = [];
  socket.on('error-recovered', (e) => recovered.push(e));
  socket.on('message', (m) => messages.push(m));
  socket.on('error', (e) => errors.push(e));

  // Nobody listens on `port`: loopback answers with ICMP port unreachable, and the kernel
  // stores ECONNREFUSED in the connected socket's sk_err, which poll reports as POLLERR.
  socket.send(Buffer.from('anyone?'));
  await delay(20);
  socket.startReceiving();
  await waitUntil('the recovered error', () => recovered.length === 1);
  assert.equal(recovered[0]!.code, 'ECONNREFUSED');
  assert.equal(recovered[0]!.errno, 111);
  // libuv reported POLLERR (as UV_EBADF) and stopped the watcher; RawSocket read SO_ERROR.
  assert.equal(recovered[0]!.syscall, 'poll');

  // The watcher was re-armed: a datagram from the peer still arrives.
  const peer = RawSocket.open({ family: AF_INET, type: SOCK_DGRAM }).bind(sockaddrIn('127.0.0.1', port));
  t.after(() => peer.close());
  assert.equal(local.family, 'inet');
  peer.send(Buffer.from('here'), sockaddrIn('127.0.0.1', local.family === 'inet' ? local.port : 0));
  await waitUntil('the datagram after recovery', () => messages.length === 1);
  assert.equal(messages[0]!.data.toString(), 'here');

  // And it happens again the next time, each error reported once.
  peer.close();
  socket.send(Buffer.from('still there?'));
  await waitUntil('the second recovered error', () => recovered.length === 2);
  assert.equal(recovered[1]!.code, 'ECONNREFUSED');
  assert.deepEqual(errors, []);
  assert.equal(socket.closed, false);
});

test('a pending error met by recvmsg takes the same recovery path', async (t) => {
  const socket = RawSocket.open({ family: AF_INET, type: SOCK_DGRAM }).bind(sockaddrIn('127.0.0.1', 0));
  t.after(() => socket.close());
  socket.connect(sockaddrIn('127.0.0.1', freePort()));
  socket.send(Buffer.from('x'));
  await delay(20);
  // A direct receive() surfaces the pending error as a thrown ErrnoError, once.
  assert.throws(() => socket.receive(), { code: 'ECONNREFUSED', syscall: 'recvmsg' });
  assert.equal(socket.receive(), null);
});
