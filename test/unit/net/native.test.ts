// The addon's syscall layer, on sockets that need no privileges (AF_UNIX
// datagrams in the abstract namespace), plus the constants table against the
// values the addon was compiled with.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { native, isErrnoError } from '../../../src/net/native.js';
import * as C from '../../../src/net/constants.js';
import { RawSocket, type ReceivedMessage } from '../../../src/net/socket.js';
import { parseSockaddr, sockaddrUn } from '../../../src/net/sockaddr.js';

const uniqueName = (tag: string) => `@kts-unit-${process.pid}-${tag}-${Math.random().toString(36).slice(2, 8)}`;

test('every constant in constants.ts equals the C header value', () => {
  const table = C as unknown as Record<string, number>;
  const names = Object.keys(table).filter((name) => name !== 'IPPROTO_VRRP');
  assert.ok(names.length > 100);
  for (const name of names) {
    assert.equal(table[name], native.headerConstants[name], `${name} differs from the header`);
  }
  assert.deepEqual(Object.keys(native.headerConstants).sort(), names.sort());
});

test('syscall failures are Errors with errno name, number and syscall', () => {
  const fd = native.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  try {
    assert.throws(() => native.setsockopt(fd, C.SOL_SOCKET, 0x7fff, 1), (error: unknown) => {
      assert.ok(isErrnoError(error));
      assert.equal(error.code, 'ENOPROTOOPT');
      assert.equal(error.errno, 92);
      assert.equal(error.syscall, 'setsockopt');
      assert.match(error.message, /^setsockopt ENOPROTOOPT/);
      return true;
    });
    assert.throws(() => native.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_TCP), { code: 'EPROTONOSUPPORT', syscall: 'socket' });
    assert.throws(() => native.connect(fd, sockaddrUn(uniqueName('nobody'))), { code: 'ECONNREFUSED', syscall: 'connect' });
  } finally {
    native.close(fd);
  }
  assert.throws(() => native.close(fd), { code: 'EBADF', syscall: 'close' });
});

test('bad arguments are rejected before any syscall', () => {
  assert.throws(() => native.bind(-1, Buffer.alloc(4)), RangeError);
  assert.throws(() => native.bind(3, 'x' as unknown as Uint8Array), TypeError);
  assert.throws(() => native.bind(3, Buffer.alloc(129)), /longer than sockaddr_storage/);
  assert.throws(() => native.sendmsg(3, [Buffer.alloc(1), 'x' as unknown as Uint8Array]), TypeError);
  assert.throws(() => native.recvmsg(3, -1), RangeError);
  assert.throws(() => native.attachFilter(3, Buffer.alloc(7)), /BPF program/);
  assert.throws(() => new native.Poller(3, 'no' as unknown as () => void), TypeError);
  assert.throws(() => native.ifNameToIndex('x'.repeat(16)), RangeError);
});

test('socket options: int set/get, raw getsockopt, SO_ERROR starts clear', () => {
  const fd = native.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  try {
    native.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 8192);
    // The kernel doubles the requested size for bookkeeping overhead (socket(7)).
    assert.equal(native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_RCVBUF), 16384);
    assert.equal(native.getsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 4).length, 4);
    native.setsockopt(fd, C.SOL_SOCKET, C.SO_PASSCRED, true);
    assert.equal(native.getsockoptInt(fd, C.SOL_SOCKET, C.SO_PASSCRED), 1);
    assert.equal(native.takeSocketError(fd), 0);
  } finally {
    native.close(fd);
  }
});

test('recvmsg returns null on an empty queue and reports MSG_TRUNC', () => {
  const name = uniqueName('trunc');
  const rx = native.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  const tx = native.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  try {
    native.bind(rx, sockaddrUn(name));
    assert.equal(native.recvmsg(rx), null);
    assert.equal(native.sendmsg(tx, [Buffer.from('abc'), Buffer.from('defgh')], sockaddrUn(name)), 8);
    const r = native.recvmsg(rx, 4, 0, C.MSG_TRUNC);
    assert.ok(r);
    assert.equal(r.data.toString(), 'abcd');
    assert.equal(r.length, 8);
    assert.ok(r.flags & C.MSG_TRUNC);
    assert.equal(native.recvmsg(rx), null);
  } finally {
    native.close(rx);
    native.close(tx);
  }
});

test('RawSocket delivers datagrams as message events and closes cleanly', async () => {
  const name = uniqueName('rx');
  const rx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM }).bind(sockaddrUn(name));
  const tx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM }).bind(sockaddrUn(name + '-tx'));
  assert.deepEqual(rx.localAddress(), { family: 'unix', path: name });
  const received: ReceivedMessage[] = [];
  rx.on('message', (m) => received.push(m));
  rx.startReceiving();
  for (let i = 0; i < 5; i++) tx.send(Buffer.from(`datagram ${i}`), sockaddrUn(name));
  while (received.length < 5) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(received.map((m) => m.data.toString()), [0, 1, 2, 3, 4].map((i) => `datagram ${i}`));
  assert.deepEqual(received[0]!.source, { family: 'unix', path: name + '-tx' });
  assert.deepEqual(parseSockaddr(received[0]!.sourceBytes), received[0]!.source);
  const closed = once(rx, 'close');
  rx.close();
  await closed;
  rx.close();
  assert.equal(rx.closed, true);
  assert.throws(() => rx.fd, { code: 'ERR_SOCKET_CLOSED' });
  tx.close();
});

test('drainLimit bounds the reads per wake-up; the rest comes on the next turn', async () => {
  const name = uniqueName('drain');
  const rx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM, drainLimit: 2 }).bind(sockaddrUn(name));
  const tx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM });
  for (let i = 0; i < 6; i++) tx.send(Buffer.from([i]), sockaddrUn(name));
  const turns: number[][] = [];
  let current: number[] = [];
  rx.on('message', (m) => current.push(m.data[0]!));
  rx.startReceiving();
  while (turns.flat().length < 6) {
    await new Promise((resolve) => setImmediate(resolve));
    if (current.length) turns.push(current);
    current = [];
  }
  assert.ok(turns.every((t) => t.length <= 2), `turns: ${JSON.stringify(turns)}`);
  assert.deepEqual(turns.flat(), [0, 1, 2, 3, 4, 5]);
  rx.close();
  tx.close();
});

test('a listener may close its socket inside the message callback', async () => {
  const name = uniqueName('selfclose');
  const rx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM }).bind(sockaddrUn(name));
  const tx = RawSocket.open({ family: C.AF_UNIX, type: C.SOCK_DGRAM });
  let count = 0;
  rx.on('message', () => {
    count++;
    rx.close();
  });
  rx.startReceiving();
  tx.send(Buffer.from('a'), sockaddrUn(name));
  tx.send(Buffer.from('b'), sockaddrUn(name));
  await once(rx, 'close');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(count, 1);
  tx.close();
});

test('the Poller reports writability and can be stopped, re-armed and closed', async () => {
  const fd = native.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  const events: number[] = [];
  const poller = new native.Poller(fd, (status, ev) => {
    assert.equal(status, 0);
    events.push(ev);
    poller.stop();
  });
  poller.start(native.UV_WRITABLE);
  assert.equal(poller.active, true);
  while (events.length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(poller.active, false);
  assert.ok(events[0]! & native.UV_WRITABLE);
  poller.start(native.UV_WRITABLE);
  while (events.length === 1) await new Promise((resolve) => setImmediate(resolve));
  poller.close();
  assert.throws(() => poller.start(), /closed/);
  native.close(fd);
});
