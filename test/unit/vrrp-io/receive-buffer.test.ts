/**
 * The receive socket's SO_RCVBUF is the sum of the instances' shares (keepalived
 * vrrp_create_sockpool): fixed bytes (kernel_rx_buf_size, vrrp_rx_bufs_policy ADVERT or a
 * size) or a multiple of the instance's interface MTU (policy MTU), read from the directory
 * when the instance binds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import { VrrpRuntime, staticDirectory, type InstanceSpec } from '../../../src/vrrp/io/index.js';
import { ETH0, FakeClock, FakeFactory, spec } from './fakes.js';

function run(instances: InstanceSpec[], mtu = 1500) {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock);
  const runtime = new VrrpRuntime({
    instances, clock, socketFactory: factory, log: new RecordingLog(), onEvent: () => undefined,
    directory: staticDirectory({ eth0: { index: 2, inet: '192.0.2.1', mtu } }),
  });
  runtime.start();
  return { factory, runtime };
}

describe('receive buffer shares', () => {
  it('MTU policy: multiplier × MTU per instance, summed on the shared socket, plus fixed shares', () => {
    const { factory, runtime } = run([
      spec({ name: 'A', vrid: 1 }, { interface: 'eth0', receiveBuffer: { mtuMultiple: 3 } }),
      spec({ name: 'B', vrid: 2 }, { interface: 'eth0', receiveBuffer: { mtuMultiple: 3 } }),
      spec({ name: 'C', vrid: 3 }, { interface: 'eth0', receiveBuffer: { bytes: 1000 } }),
    ], 9000);
    assert.equal(factory.receivers.get(ETH0)!.receiveBuffer, 3 * 9000 + 3 * 9000 + 1000);
    assert.equal(runtime.status().sockets[0]!.receiveBufferBytes, 55000);
    runtime.stop();
  });

  it('receiveBuffer overrides kernelRxBufSize; kernelRxBufSize alone still counts', () => {
    const { factory, runtime } = run([
      spec({ name: 'A', vrid: 1 }, { interface: 'eth0', kernelRxBufSize: 700, receiveBuffer: { bytes: 700 } }),
      spec({ name: 'B', vrid: 2 }, { interface: 'eth0', kernelRxBufSize: 300 }),
    ]);
    assert.equal(factory.receivers.get(ETH0)!.receiveBuffer, 1000);
    runtime.stop();
  });

  it('a share that is not whole bytes or a positive multiple is a configuration error', () => {
    assert.throws(() => run([spec({ name: 'A', vrid: 1 }, { interface: 'eth0', receiveBuffer: { mtuMultiple: 0 } })]), /receive buffer share/);
  });
});
