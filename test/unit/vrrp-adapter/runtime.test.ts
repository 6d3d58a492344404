/**
 * The plan is what the layers consume: the seed example's instances and sync group run
 * unchanged in the VRRP runtime (src/vrrp/io, in-memory sockets and a stepped clock), and the
 * I/O layer's own types accept the plan's instances as they are.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileText } from '../../../src/config/index.js';
import { VrrpRuntime, staticDirectory, type InstanceSpec, type RuntimeEvent, type SyncGroupSpec } from '../../../src/vrrp/io/index.js';
import { passwordAuthData } from '../../../src/vrrp/packet/index.js';
import { FakeClock, FakeFactory } from '../vrrp-io/fakes.js';
import { plan } from './helpers.js';

test('redhat-lb1 runs in the VRRP runtime from its plan: both members of VG1 become MASTER together, with PASS adverts', () => {
  const { plan: p } = plan(compileText(readFileSync('examples/redhat-lb1.conf', 'utf8'), 'redhat-lb1.conf').config);
  // The I/O layer's input types take the plan's objects as they are.
  const instances: InstanceSpec[] = [...p.instances];
  const syncGroups: SyncGroupSpec[] = [...p.syncGroups];
  const clock = new FakeClock();
  const factory = new FakeFactory(clock);
  const events: RuntimeEvent[] = [];
  const runtime = new VrrpRuntime({
    instances, syncGroups, clock, socketFactory: factory, onEvent: (e) => events.push(e),
    directory: staticDirectory({ eth0: { index: 2, inet: '192.0.2.1' }, eth1: { index: 3, inet: '198.51.100.1' } }),
  });
  runtime.start();
  clock.advance(5000);
  const line = (e: RuntimeEvent) => (e.type === 'transition' ? `${e.instance} ${e.to}` : e.type === 'groupTransition' ? `GROUP ${e.group} ${e.to}` : undefined);
  assert.deepEqual(events.map(line).filter((x) => x !== undefined), [
    'GROUP VG1 BACKUP', 'RH_EXT BACKUP', 'RH_INT BACKUP',
    // state MASTER in a group that starts BACKUP: one advert interval and a minimal skew, then together.
    'RH_EXT MASTER', 'RH_INT MASTER', 'GROUP VG1 MASTER',
  ]);
  assert.deepEqual(runtime.status().sockets.map((s) => s.id), ['inet/vrrp/eth0#2/group 224.0.0.18', 'inet/vrrp/eth1#3/group 224.0.0.18']);
  const first = factory.sent[0]!;
  assert.equal(first.destination, '224.0.0.18');
  // VRRPv2 over IPv4: 20-byte IP header, 8-byte VRRP header, one address, then the 8 bytes of auth data.
  assert.equal(first.bytes[20 + 4], 1, 'auth type PASS');
  assert.deepEqual(first.bytes.subarray(20 + 12, 20 + 20), passwordAuthData('passw123'));
  runtime.stop();
});
