/**
 * planVrrp on the seed configurations of examples/, compiled with compileText: the FSM
 * parameters, the transport view, the actions definition, the sync groups, the trackers and
 * the notify specs each example produces, as keepalived would run them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileText } from '../../../src/config/index.js';
import { KEEPALIVED_GARP_DEFAULTS } from '../../../src/vrrp/actions/index.js';
import { plan } from './helpers.js';

function example(file: string) {
  return compileText(readFileSync(`examples/${file}`, 'utf8'), file).config;
}

test('redhat-lb1: two MASTER members of VG1 with PASS authentication', () => {
  const { plan: p, messages } = plan(example('redhat-lb1.conf'));
  assert.deepEqual(messages, []);
  assert.equal(p.routerId, 'lb1', 'no router_id: the host name');
  assert.deepEqual(p.instances.map((i) => i.name), ['RH_EXT', 'RH_INT']);
  const ext = p.instances[0]!;
  assert.deepEqual(ext.params, {
    name: 'RH_EXT', vrid: 50, version: 2, family: 'inet', priority: 100, advertIntervalMs: 1000,
    initialState: 'MASTER', nopreempt: false, preemptDelayMs: 0, downTimerAdverts: 3,
    lowerPrioNoAdvert: false, higherPrioSendAdvert: false, skipCheckAdvAddr: false,
    addresses: ['10.0.0.1'], auth: { type: 'pass', password: 'passw123' },
    unicast: false, unicastPeers: [], checkUnicastSource: false, v3ChecksumAsV2: false, oldUnicastChecksum: 'detect', checksumGroup4: '224.0.0.18',
    addressListMismatch: 'process', primaryAddress: '192.0.2.1',
  });
  assert.deepEqual(ext.transport, {
    family: 4, interface: 'eth0', mode: 'multicast', protocol: 112, multicastGroup: '224.0.0.18',
    peers: [], unicastFaultNoPeer: false, checkUnicastSource: false, vmacXmitBase: false,
  });
  assert.deepEqual(ext.definition, {
    name: 'RH_EXT', vrid: 50, family: 4, interface: 'eth0',
    vips: [{ address: '10.0.0.1', prefixLength: 32 }], evips: [], routes: [], rules: [],
    garp: KEEPALIVED_GARP_DEFAULTS, accept: true, owner: false, syncGroup: 'VG1',
  });
  assert.equal(p.instances[1]!.params.primaryAddress, '198.51.100.1', 'eth1\'s primary address');
  assert.deepEqual(p.syncGroups, [{ name: 'VG1', members: ['RH_EXT', 'RH_INT'] }]);
  assert.deepEqual(p.sockets, [
    { id: '4/vrrp/eth0/group 224.0.0.18', instances: ['RH_EXT'], vrids: [50] },
    { id: '4/vrrp/eth1/group 224.0.0.18', instances: ['RH_INT'], vrids: [2] },
  ]);
  assert.deepEqual(p.trackers.interfaces, [{ name: 'eth0' }, { name: 'eth1' }], 'the instances\' own interfaces');
  assert.deepEqual(p.tracking.instances.map((t) => [t.name, t.basePriority, t.primaryInterfaces, t.trackers.length]), [['RH_EXT', 100, ['eth0'], 0], ['RH_INT', 100, ['eth1'], 0]]);
  assert.deepEqual(p.tracking.groups, [{ name: 'VG1', members: ['RH_EXT', 'RH_INT'], trackers: [], trackingWeight: false }]);
  assert.deepEqual(p.notify.specs.map((s) => `${s.type} ${s.name} smtp=${s.smtpAlert}`), ['INSTANCE RH_EXT smtp=false', 'INSTANCE RH_INT smtp=false', 'GROUP VG1 smtp=false']);
  assert.deepEqual(p.notify.fifos, []);
  assert.deepEqual(p.statics, { addresses: [], routes: [], rules: [], defaultInterface: 'eth0', trackGroups: [] });
  assert.deepEqual(p.runtime, { startupDelayMs: 0, logUnknownVrids: false, dynamicInterfaces: false });
});

test('redhat-lb2: the backup director', () => {
  const { plan: p } = plan(example('redhat-lb2.conf'));
  assert.deepEqual(p.instances.map((i) => [i.name, i.params.initialState, i.params.priority, i.params.vrid]), [['RH_EXT', 'BACKUP', 99, 50], ['RH_INT', 'BACKUP', 99, 2]]);
});

test('userguide-vrrp-director1: AH with state MASTER starts BACKUP, as keepalived clears it; AH instances share AH sockets', () => {
  const { plan: p, messages } = plan(example('userguide-vrrp-director1.conf'));
  assert.deepEqual(messages, [], 'the compiler already cleared state MASTER, with its warning');
  assert.deepEqual(p.instances.map((i) => [i.name, i.params.initialState, i.params.priority, i.params.auth]), [
    ['VI_1', 'BACKUP', 150, { type: 'ah', password: 'k@l' }],
    ['VI_2', 'BACKUP', 150, { type: 'ah', password: 'k@l' }],
    ['VI_3', 'BACKUP', 100, { type: 'ah', password: 'k@l' }],
    ['VI_4', 'BACKUP', 100, { type: 'ah', password: 'k@l' }],
  ]);
  assert.deepEqual(p.instances.map((i) => i.transport.protocol), [51, 51, 51, 51]);
  assert.deepEqual(p.sockets, [
    { id: '4/ah/eth0/group 224.0.0.18', instances: ['VI_1', 'VI_3'], vrids: [51, 53] },
    { id: '4/ah/eth1/group 224.0.0.18', instances: ['VI_2', 'VI_4'], vrids: [52, 54] },
  ]);
  assert.deepEqual(p.syncGroups, [{ name: 'VG1', members: ['VI_1', 'VI_2'] }, { name: 'VG2', members: ['VI_3', 'VI_4'] }]);
  assert.deepEqual(p.instances[0]!.definition.vips.map((v) => v.address), ['192.168.200.10', '192.168.200.11']);
});

test('userguide-mixed-director1: VRRP and LVS in one file; PASS keeps state MASTER', () => {
  const { plan: p, messages } = plan(example('userguide-mixed-director1.conf'));
  assert.deepEqual(messages, []);
  assert.deepEqual(p.instances.map((i) => [i.name, i.params.initialState, i.params.auth.type, i.syncGroup]), [
    ['VI_1', 'MASTER', 'pass', 'VG1'], ['VI_2', 'MASTER', 'pass', 'VG1'], ['VI_3', 'BACKUP', 'pass', 'VG2'], ['VI_4', 'BACKUP', 'pass', 'VG2'],
  ]);
});

test('the health-check examples have no VRRP part: an empty plan', () => {
  for (const file of ['userguide-healthcheck.conf', 'userguide-healthcheck-ssl.conf']) {
    const { plan: p, messages } = plan(example(file));
    assert.deepEqual(messages, []);
    assert.deepEqual([p.instances, p.syncGroups, p.sockets, p.notify.specs], [[], [], [], []], file);
  }
});
