/**
 * The request engine against a scripted kernel: matching, errors, dumps, timeouts,
 * batching windows, overruns and notifications — with no socket and no real time.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { NlmF } from '../../../src/net/netlink/constants.js';
import { NetlinkError } from '../../../src/net/netlink/errors.js';
import { encodeDoneMessage, encodeMessage, type NetlinkMessage, type NetlinkRequest } from '../../../src/net/netlink/message.js';
import { RequestEngine } from '../../../src/net/netlink/request-engine.js';
import { addressAddRequest } from '../../../src/net/netlink/rtnl/address.js';
import { linkDumpRequest } from '../../../src/net/netlink/rtnl/link.js';
import { FakeKernel, FakeTimers, ack, tick } from './fake-kernel.js';

const req = (n: number): NetlinkRequest => addressAddRequest({ index: 2, address: `10.0.${n >> 8}.${n & 255}` });
const dataMsg = (seq: number, pid: number, flags: number = NlmF.MULTI, body = 'abcd'): Buffer =>
  encodeMessage({ type: 16, flags, seq, pid, payload: Buffer.from(body) });

function setup(options: { receiveBufferBytes?: number; timeoutMs?: number } = {}) {
  const kernel = new FakeKernel({ receiveBufferBytes: options.receiveBufferBytes ?? 1 << 20 });
  const timers = new FakeTimers();
  const engine = new RequestEngine(kernel, { timers, timeoutMs: options.timeoutMs ?? 1000 });
  return { kernel, timers, engine };
}

async function rejection(promise: Promise<unknown>): Promise<NetlinkError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof NetlinkError, `expected a NetlinkError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the promise to reject');
}

describe('request engine', () => {
  it('sends with REQUEST|ACK and a fresh sequence number, resolves on the ACK', async () => {
    const { kernel, engine } = setup();
    const p = engine.request(req(1));
    await tick();
    const [sent] = kernel.sentMessages;
    assert.equal(sent!.flags, NlmF.REQUEST | NlmF.ACK | NlmF.CREATE | NlmF.EXCL);
    assert.equal(sent!.seq, 1);
    kernel.deliver();
    assert.deepEqual(await p, []);
    assert.equal(engine.stats.acked, 1);
  });

  it('flush() sends this tick\'s requests at once and settles the answers the kernel already queued', async () => {
    const { kernel, engine } = setup();
    Object.assign(kernel, { receiveNow: () => kernel.deliver() });
    const outcomes = engine.batch([req(1), req(2)]);
    assert.equal(kernel.sentMessages.length, 0, 'batched until the end of the tick by default');
    engine.flush();
    assert.equal(kernel.sentMessages.length, 2, 'both in one sendmsg, now');
    assert.equal(engine.stats.sendCalls, 1);
    assert.equal(engine.stats.acked, 2, 'the ACKs were read inside flush()');
    const later = engine.request(req(3));
    await tick();
    assert.equal(kernel.sentMessages.length, 3, 'a request after the flush goes out with the scheduled pump');
    kernel.deliver();
    assert.ok((await outcomes).every((o) => o.ok));
    assert.deepEqual(await later, []);
  });

  it('a batch\'s onSettled gets the outcomes synchronously, inside flush() when the kernel answered at once', async () => {
    const { kernel, engine } = setup();
    Object.assign(kernel, { receiveNow: () => kernel.deliver() });
    kernel.respond = (m) => [ack(m, m.seq === 2 ? 17 : 0, kernel.portId)];
    let seen: boolean[] | undefined;
    const outcomes = engine.batch([req(1), req(2)], { onSettled: (o) => { seen = o.map((x) => x.ok); } });
    assert.equal(seen, undefined);
    engine.flush();
    assert.deepEqual(seen, [true, false], 'settled before flush() returned, in request order');
    const resolved = await outcomes;
    assert.deepEqual(resolved.map((o) => o.ok), [true, false]);
    assert.equal(resolved[1]!.ok === false && resolved[1]!.error.code, 'EEXIST');
    let empty: unknown;
    await engine.batch([], { onSettled: (o) => { empty = o; } });
    assert.deepEqual(empty, []);
  });

  it('turns an error into a NetlinkError with the errno name, the request and the kernel text', async () => {
    const { kernel, engine } = setup();
    kernel.respond = (m) => [ack(m, 17, kernel.portId, 'ipv4: Address already assigned')];
    const p = engine.request(req(1));
    await tick();
    kernel.deliver();
    const err = await rejection(p);
    assert.equal(err.code, 'EEXIST');
    assert.equal(err.errno, 17);
    assert.equal(err.request?.typeName, 'RTM_NEWADDR');
    assert.equal(err.request?.description, '10.0.0.1/32 ifindex 2');
    assert.equal(err.extack?.message, 'ipv4: Address already assigned');
    assert.match(err.message, /^RTM_NEWADDR 10\.0\.0\.1\/32 ifindex 2: EEXIST \(File exists\) - kernel says: ipv4: Address already assigned$/);
  });

  it('batches one tick of requests into one sendmsg and settles each on its own', async () => {
    const { kernel, engine } = setup();
    kernel.respond = (m) => [ack(m, m.seq === 3 ? 99 : 0, kernel.portId)];
    const outcomes = engine.batch([req(1), req(2), req(3), req(4)]);
    await tick();
    assert.equal(kernel.sendCalls.length, 1);
    assert.equal(kernel.sendCalls[0]!.length, 4);
    kernel.deliver();
    const result = await outcomes;
    assert.deepEqual(result.map((o) => (o.ok ? 'ok' : o.error.code)), ['ok', 'ok', 'EADDRNOTAVAIL', 'ok']);
  });

  it('never has more ACKs outstanding than the receive buffer holds (the 256-ACK limit)', async () => {
    // The kernel default: 212992 bytes, measured to hold ~256 ACKs.
    const { kernel, engine } = setup({ receiveBufferBytes: 212992 });
    assert.ok(engine.ackWindow < 256 && engine.ackWindow > 100, `window ${engine.ackWindow}`);
    let outstanding = 0;
    let peak = 0;
    kernel.respond = (m) => {
      outstanding++;
      peak = Math.max(peak, outstanding);
      return [ack(m, 0, kernel.portId)];
    };
    const all = engine.batch(Array.from({ length: 1000 }, (_, i) => req(i)));
    for (let i = 0; i < 20 && engine.pending > 0; i++) {
      await tick();
      outstanding -= kernel.queued.length;
      kernel.deliver();
    }
    const outcomes = await all;
    assert.ok(outcomes.every((o) => o.ok));
    assert.ok(peak <= engine.ackWindow, `peak ${peak} > window ${engine.ackWindow}`);
    assert.ok(kernel.sendCalls.length >= Math.ceil(1000 / engine.ackWindow));
    assert.equal(new Set(kernel.sentMessages.map((m) => m.seq)).size, 1000);
  });

  it('collects a multi-part dump until NLMSG_DONE', async () => {
    const { kernel, engine } = setup();
    kernel.respond = (m) => [Buffer.concat([dataMsg(m.seq, kernel.portId), dataMsg(m.seq, kernel.portId)]), Buffer.concat([dataMsg(m.seq, kernel.portId), encodeDoneMessage(m.seq, 0, kernel.portId)])];
    const p = engine.request(linkDumpRequest());
    await tick();
    assert.equal(kernel.sentMessages[0]!.flags & NlmF.DUMP, NlmF.DUMP);
    kernel.deliver();
    assert.equal((await p).length, 3);
  });

  it('repeats a dump the kernel marked inconsistent (NLM_F_DUMP_INTR)', async () => {
    const { kernel, engine } = setup();
    let calls = 0;
    kernel.respond = (m) => {
      calls++;
      const flags = NlmF.MULTI | (calls === 1 ? NlmF.DUMP_INTR : 0);
      return [Buffer.concat([dataMsg(m.seq, kernel.portId, flags), encodeDoneMessage(m.seq, 0, kernel.portId)])];
    };
    const p = engine.request(linkDumpRequest());
    await tick(); kernel.deliver(); await tick(); kernel.deliver();
    assert.equal((await p).length, 1);
    assert.equal(calls, 2);
    assert.equal(engine.stats.dumpRestarts, 1);
  });

  it('runs one dump at a time on a socket', async () => {
    const { kernel, engine } = setup();
    kernel.respond = (m) => [encodeDoneMessage(m.seq, 0, kernel.portId)];
    const a = engine.request(linkDumpRequest());
    const b = engine.request(linkDumpRequest());
    await tick();
    assert.equal(kernel.sentMessages.length, 1);
    kernel.deliver(); await tick();
    assert.equal(kernel.sentMessages.length, 2);
    kernel.deliver();
    await Promise.all([a, b]);
  });

  it('times out unanswered requests with ETIMEDOUT and drops the late answer', async () => {
    const { kernel, engine, timers } = setup({ timeoutMs: 500 });
    const p = engine.request(req(1));
    await tick();
    timers.advance(499);
    assert.equal(engine.pending, 1);
    timers.advance(1);
    const err = await rejection(p);
    assert.equal(err.code, 'ETIMEDOUT');
    assert.match(err.message, /no answer from the kernel within 500 ms/);
    kernel.deliver();
    assert.equal(engine.stats.dropped.unmatched, 1);
    assert.equal(timers.pending, 0);
  });

  it('fails the whole batch when sendmsg fails, with the errno name', async () => {
    const { kernel, engine } = setup();
    kernel.failNextSend = Object.assign(new Error('sendmsg EMSGSIZE'), { code: 'EMSGSIZE', errno: 90, syscall: 'sendmsg' });
    const outcomes = await (async () => { const o = engine.batch([req(1), req(2)]); await tick(); return o; })();
    assert.deepEqual(outcomes.map((o) => (o.ok ? 'ok' : o.error.code)), ['EMSGSIZE', 'EMSGSIZE']);
  });

  it('tells notifications from answers by port id, even when the seq matches', async () => {
    const { kernel, engine } = setup();
    const seen: NetlinkMessage[] = [];
    engine.onNotification = (m) => seen.push(m);
    kernel.respond = () => [];
    const p = engine.request(req(1));
    await tick();
    // `ip` in another process used seq 1 too; its notification carries its own pid.
    kernel.handlers!.datagram(dataMsg(1, 777, 0));
    kernel.handlers!.datagram(dataMsg(0, 0, 0));
    kernel.handlers!.datagram(ack(kernel.sentMessages[0]!, 0, kernel.portId));
    assert.deepEqual(await p, []);
    assert.deepEqual(seen.map((m) => [m.seq, m.pid]), [[1, 777], [0, 0]]);
  });

  it('counts garbled datagrams instead of throwing', async () => {
    const { kernel, engine } = setup();
    const drops: string[] = [];
    engine.onDrop = (reason) => drops.push(reason);
    kernel.handlers!.datagram(Buffer.from('00ff00ff', 'hex'));
    kernel.handlers!.datagram(encodeMessage({ type: 2, flags: 0, seq: 5, pid: kernel.portId, payload: Buffer.alloc(3) }));
    assert.deepEqual(drops, ['garbled', 'unmatched']);
    assert.equal(engine.pending, 0);
  });

  it('on close, rejects what is pending with ECANCELED and closes the socket', async () => {
    const { kernel, engine } = setup();
    kernel.respond = () => [];
    const p = engine.request(req(1));
    await tick();
    engine.close();
    assert.equal((await rejection(p)).code, 'ECANCELED');
    assert.equal(kernel.closed, true);
    assert.equal((await rejection(engine.request(req(2)))).code, 'ECANCELED');
  });

  it('marks requests that wait through an overrun and redoes a running dump', async () => {
    const { kernel, engine, timers } = setup();
    let calls = 0;
    kernel.respond = (m) => (m.type === 18 ? [Buffer.concat([dataMsg(m.seq, kernel.portId), encodeDoneMessage(m.seq, 0, kernel.portId)])] : []);
    const dump = engine.request(linkDumpRequest());
    const add = engine.request(req(1));
    await tick();
    kernel.handlers!.overrun();
    kernel.deliver(); await tick(); calls = kernel.sentMessages.filter((m) => m.type === 18).length;
    kernel.deliver();
    assert.equal((await dump).length, 1);
    assert.equal(calls, 2);
    timers.advance(1000);
    assert.match((await rejection(add)).message, /receive queue overflowed meanwhile/);
  });
});
