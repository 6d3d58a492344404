/**
 * old_unicast_checksum (keepalived 2.2.7 built with OLD_CHKSUM_COMPAT, as Debian's is):
 * keepalived ≤ 1.3.6 put the IPv4 multicast group, not the unicast peer, in the VRRPv3
 * pseudo-header. The sender writes that form when asked; the guards accept it on a unicast
 * instance by default and report it once ("detect": keepalived's NONE → AUTO), never with
 * 'never', and only it once it is in use. The runtime then sends the old form too.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import {
  AdvertBuilder, IPPROTO_VRRP, VRRP_MULTICAST_IPV4, encodeAdvert, encodeIpv4Header, internetChecksum, type VrrpAdvert,
} from '../../../src/vrrp/packet/index.js';
import { checkReceivedAdvert, prepareGuardConfig, type ReceiveGuardConfig } from '../../../src/vrrp/receive-checks.js';
import { VrrpRuntime, staticDirectory, type RuntimeEvent } from '../../../src/vrrp/io/index.js';
import { FakeClock, FakeFactory, spec } from '../vrrp-io/fakes.js';

const US = '10.77.0.2';
const PEER = '10.77.0.1';

/** The VRRPv3/IPv4 checksum over a pseudo-header naming `pseudoDst`, computed by hand (RFC 5798 §5.2.8). */
function handChecksum(message: Buffer, source: string, pseudoDst: string): number {
  const pseudo = Buffer.alloc(12);
  Buffer.from(source.split('.').map(Number)).copy(pseudo, 0);
  Buffer.from(pseudoDst.split('.').map(Number)).copy(pseudo, 4);
  pseudo[9] = IPPROTO_VRRP;
  pseudo.writeUInt16BE(message.length, 10);
  const zeroed = Buffer.from(message);
  zeroed.writeUInt16BE(0, 6);
  return internetChecksum(Buffer.concat([pseudo, zeroed]));
}

const advert: VrrpAdvert = { version: 3, vrid: 16, priority: 150, addresses: ['10.77.0.16'], advertIntervalCentiseconds: 100 };

/** A unicast advert from PEER to US, with the checksum's pseudo-header naming `pseudoDst`. */
function datagram(pseudoDst: string): Buffer {
  const vrrp = encodeAdvert(advert, { family: 'inet', source: PEER, destination: pseudoDst });
  const out = Buffer.alloc(20 + vrrp.length);
  encodeIpv4Header({ tos: 0xc0, totalLength: out.length, id: 7, ttl: 255, protocol: IPPROTO_VRRP, source: PEER, destination: US }, out);
  vrrp.copy(out, 20);
  return out;
}

const CFG: ReceiveGuardConfig = {
  family: 'inet', version: 3, vrid: 16, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['10.77.0.16'],
  unicast: true, unicastPeers: [{ address: PEER }], checkUnicastSource: true,
};
const check = (cfg: ReceiveGuardConfig, bytes: Buffer, oldChecksum = false) =>
  checkReceivedAdvert(prepareGuardConfig(cfg), { bytes, source: PEER }, { ahLastSequence: 0, checkAddresses: true, oldChecksum });

test('the sender: checksumDestination puts the group in the pseudo-header, the IP header still names the peer', () => {
  const b = new AdvertBuilder({
    version: 3, family: 'inet', vrid: 16, addresses: ['10.77.0.16'], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: true,
    checksumDestination: VRRP_MULTICAST_IPV4,
  });
  const [d] = b.build({ priority: 150, source: PEER, destinations: [US] });
  const bytes = d!.bytes;
  assert.equal(bytes.subarray(16, 20).join('.'), US);
  const message = bytes.subarray(20);
  assert.equal(message.readUInt16BE(6), handChecksum(message, PEER, VRRP_MULTICAST_IPV4));
  assert.notEqual(message.readUInt16BE(6), handChecksum(message, PEER, US));
  b.checksumDestination = undefined;
  const rfc = b.build({ priority: 150, source: PEER, destinations: [US] })[0]!.bytes.subarray(20);
  assert.equal(rfc.readUInt16BE(6), handChecksum(rfc, PEER, US));
});

test('the guards: RFC form accepted; the old form detected by default, refused with never', () => {
  const rfc = check(CFG, datagram(US));
  assert.ok(rfc.ok && !rfc.oldChecksumDetected);
  const detected = check(CFG, datagram(VRRP_MULTICAST_IPV4));
  assert.ok(detected.ok && detected.oldChecksumDetected === true);
  const never = check({ ...CFG, oldUnicastChecksum: 'never' }, datagram(VRRP_MULTICAST_IPV4));
  assert.ok(!never.ok && never.reason === 'chk_err');
  // A multicast instance does not detect (keepalived: only VRRP_FLAG_UNICAST instances).
  assert.ok(!check({ ...CFG, unicast: false, unicastPeers: [] }, datagram(VRRP_MULTICAST_IPV4)).ok);
});

test('the guards: once the old form is in use, only it is accepted; vrrp_mcast_group4 is the group it names', () => {
  const old = check(CFG, datagram(VRRP_MULTICAST_IPV4), true);
  assert.ok(old.ok && !old.oldChecksumDetected);
  const rfc = check(CFG, datagram(US), true);
  assert.ok(!rfc.ok && rfc.reason === 'chk_err');
  const group = '224.0.0.77';
  assert.ok(check({ ...CFG, checksumGroup4: group }, datagram(group)).ok);
  assert.ok(!check({ ...CFG, checksumGroup4: group }, datagram(VRRP_MULTICAST_IPV4)).ok);
});

test('the runtime: an old-form advert switches our adverts to the old form, logged once', () => {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock);
  const events: RuntimeEvent[] = [];
  const log = new RecordingLog();
  const runtime = new VrrpRuntime({
    instances: [spec({ name: 'U', vrid: 16, priority: 200, addresses: ['10.77.0.16'], unicast: true, unicastPeers: [{ address: PEER }] }, { interface: 'eth0', sourceAddress: US })],
    clock, socketFactory: factory, log, onEvent: (e) => events.push(e),
    directory: staticDirectory({ eth0: { index: 2, inet: US } }),
  });
  runtime.start();
  clock.advance(4000);
  const sent = () => factory.sent.at(-1)!.bytes.subarray(20);
  assert.equal(sent().readUInt16BE(6), handChecksum(sent(), US, PEER), 'MASTER sends the RFC form first');
  const id = 'inet/vrrp/eth0#2/unicast 10.77.0.2';
  factory.deliver(id, { data: datagram(VRRP_MULTICAST_IPV4), source: PEER, truncated: false });
  factory.deliver(id, { data: datagram(VRRP_MULTICAST_IPV4), source: PEER, truncated: false });
  assert.equal(events.filter((e) => e.type === 'oldChecksumDetected').length, 1);
  assert.deepEqual(log.lines.filter((l) => /checksum/.test(l)), ['(U) Setting unicast VRRPv3 checksum to old version']);
  assert.equal(runtime.status().instances[0]!.oldChecksum, true);
  clock.advance(1000);
  assert.equal(sent().readUInt16BE(6), handChecksum(sent(), US, VRRP_MULTICAST_IPV4), 'then the old form');
  runtime.stop();
});
