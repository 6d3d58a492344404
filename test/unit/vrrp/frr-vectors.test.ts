/**
 * Golden vectors from FRR's vrrpd (Debian's frr 8.4.4) on this machine: zebra and vrrpd in a
 * namespace on 10.77.0.2, the macvlans FRR needs (random link-local), tcpdump on the peer's
 * end of the veth; each vector is the IP datagram as captured (Ethernet header removed).
 *
 *   interface eth0
 *    vrrp 21 version 3 / priority 120 / advertisement-interval 500
 *    vrrp 21 ip 10.77.0.21 / ipv6 2001:db8:77::21
 *    vrrp 22 version 2 / priority 130 / advertisement-interval 1000
 *    vrrp 22 ip 10.77.0.22 / ip 10.77.0.122
 *
 * The priority-0 adverts are what vrrpd sent on SIGTERM. What sets FRR's packets apart from
 * keepalived's: the IPv4 header has DF set; its VRRPv3 IPv4 checksum covers the pseudo-header
 * (RFC 5798 §5.2.8; FRR 8.4 has no option to leave it out); the VRRPv3 interval is in
 * centiseconds (50 here); its VRRPv2 adverts carry 8 zero bytes of authentication data;
 * its IPv6 adverts come from the macvlan's own link-local address, not the parent's.
 * keepalived-ts must take all of them as they are (test/integration/vrrpd/frr-interop.test.ts
 * runs the two daemons against each other).
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import {
  VRRP_MULTICAST_IPV6, computeAdvertChecksum, decodeAdvert, decodeIpv4Header, decodeIpv6Header, encodeAdvert, locateVrrp,
} from '../../../src/vrrp/packet/index.js';
import { checkReceivedAdvert, prepareGuardConfig, type ReceiveGuardConfig } from '../../../src/vrrp/receive-checks.js';
import { must } from './helpers.js';
import { hex } from './vectors.js';

const FRR_SOURCE = '10.77.0.2';
const FRR_SOURCE6 = 'fe80::8235:cfab:cc7d:e2d0';

const FRR = {
  v3v4: hex('45c00020e4c74000ff70ab840a4d0002e000001231157801003261770a4d0015'),
  v3v4Stop: hex('45c00020e5dd4000ff70aa6e0a4d0002e0000012311500010032d9770a4d0015'),
  /** IPv6 header included. */
  v3v6: hex('6c0c2dca001870fffe800000000000008235cfabcc7de2d0ff020000000000000000000000000012311578010032291820010db8007700000000000000000021'),
  v3v6Stop: hex('6c0c2dca001870fffe800000000000008235cfabcc7de2d0ff020000000000000000000000000012311500010032a11820010db8007700000000000000000021'),
  v2v4: hex('45c0002ce4ab4000ff70ab940a4d0002e000001221168202000147bc0a4d00160a4d007a0000000000000000'),
  v2v4Stop: hex('45c0002ce5dc4000ff70aa630a4d0002e0000012211600020001c9bc0a4d00160a4d007a0000000000000000'),
};

/** keepalived-ts instances as a user would write them against that FRR (advert_int 1). */
const CFG = {
  v3v4: { family: 'inet', version: 3, vrid: 21, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['10.77.0.21'], unicast: false, unicastPeers: [], checkUnicastSource: false },
  v3v6: { family: 'inet6', version: 3, vrid: 21, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['2001:db8:77::21'], unicast: false, unicastPeers: [], checkUnicastSource: false },
  v2v4: { family: 'inet', version: 2, vrid: 22, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['10.77.0.22', '10.77.0.122'], unicast: false, unicastPeers: [], checkUnicastSource: false },
} satisfies Record<string, ReceiveGuardConfig>;

const FRESH = { ahLastSequence: 0, checkAddresses: true };

function ipv4Message(bytes: Buffer): { vrrp: Buffer; source: string; destination: string; ttl: number; dontFragment: boolean } {
  const ip = must(decodeIpv4Header(bytes));
  const loc = locateVrrp(bytes, 'inet');
  assert.ok(loc.ok);
  return { vrrp: bytes.subarray(loc.vrrpOffset), source: ip.source, destination: ip.destination, ttl: ip.ttl, dontFragment: (bytes[6]! & 0x40) !== 0 };
}

test('FRR\'s VRRPv3 IPv4 advert: 50 cs, checksum over the pseudo-header, re-encoded byte for byte', () => {
  for (const [bytes, priority] of [[FRR.v3v4, 120], [FRR.v3v4Stop, 0]] as const) {
    const { vrrp, source, destination, ttl, dontFragment } = ipv4Message(bytes);
    assert.deepEqual({ source, ttl, dontFragment }, { source: FRR_SOURCE, ttl: 255, dontFragment: true });
    const d = must(decodeAdvert(vrrp, 'inet'));
    assert.equal(d.version, 3);
    if (d.version !== 3) return;
    assert.deepEqual({ vrid: d.vrid, priority: d.priority, cs: d.advertIntervalCentiseconds, addresses: d.addresses },
      { vrid: 21, priority, cs: 50, addresses: ['10.77.0.21'] });
    const ctx = { family: 'inet', source, destination } as const;
    assert.equal(computeAdvertChecksum(vrrp, 3, ctx), d.checksum);
    assert.notEqual(computeAdvertChecksum(vrrp, 3, { ...ctx, v3ChecksumAsV2: true }), d.checksum, 'not the v2-style sum');
    const { checksum: _checksum, ...fields } = d;
    assert.deepEqual(encodeAdvert(fields, ctx), vrrp);
  }
});

test('FRR\'s VRRPv3 IPv6 advert from its macvlan\'s link-local decodes and checksums as ours', () => {
  for (const [bytes, priority] of [[FRR.v3v6, 120], [FRR.v3v6Stop, 0]] as const) {
    const ip = must(decodeIpv6Header(bytes));
    assert.deepEqual({ source: ip.source, destination: ip.destination, hopLimit: ip.hopLimit }, { source: FRR_SOURCE6, destination: VRRP_MULTICAST_IPV6, hopLimit: 255 });
    const vrrp = bytes.subarray(40);
    const d = must(decodeAdvert(vrrp, 'inet6'));
    assert.equal(d.version, 3);
    if (d.version !== 3) return;
    assert.deepEqual({ priority: d.priority, cs: d.advertIntervalCentiseconds, addresses: d.addresses }, { priority, cs: 50, addresses: ['2001:db8:77::21'] });
    const ctx = { family: 'inet6', source: ip.source, destination: ip.destination } as const;
    assert.equal(computeAdvertChecksum(vrrp, 3, ctx), d.checksum);
    const { checksum: _checksum, ...fields } = d;
    assert.deepEqual(encodeAdvert(fields, ctx), vrrp);
  }
});

test('FRR\'s VRRPv2 advert: 1 s, no authentication, two addresses, eight zero auth bytes', () => {
  for (const [bytes, priority] of [[FRR.v2v4, 130], [FRR.v2v4Stop, 0]] as const) {
    const { vrrp, source, destination } = ipv4Message(bytes);
    const d = must(decodeAdvert(vrrp, 'inet'));
    assert.equal(d.version, 2);
    if (d.version !== 2) return;
    assert.deepEqual({ vrid: d.vrid, priority: d.priority, s: d.advertIntervalSeconds, auth: d.authType, addresses: d.addresses },
      { vrid: 22, priority, s: 1, auth: 0, addresses: ['10.77.0.22', '10.77.0.122'] });
    assert.deepEqual(d.authData, Buffer.alloc(8));
    assert.equal(computeAdvertChecksum(vrrp, 2, { family: 'inet', source, destination }), d.checksum);
  }
});

test('every FRR advert passes the receive guards of the matching keepalived-ts instance, with no warning', () => {
  const cases = [
    { cfg: CFG.v3v4, bytes: FRR.v3v4, source: FRR_SOURCE, priority: 120, ms: 500 },
    { cfg: CFG.v3v4, bytes: FRR.v3v4Stop, source: FRR_SOURCE, priority: 0, ms: 500 },
    { cfg: CFG.v2v4, bytes: FRR.v2v4, source: FRR_SOURCE, priority: 130, ms: 1000 },
    { cfg: CFG.v2v4, bytes: FRR.v2v4Stop, source: FRR_SOURCE, priority: 0, ms: 1000 },
    { cfg: CFG.v3v6, bytes: FRR.v3v6.subarray(40), source: FRR_SOURCE6, priority: 120, ms: 500, v6: true },
    { cfg: CFG.v3v6, bytes: FRR.v3v6Stop.subarray(40), source: FRR_SOURCE6, priority: 0, ms: 500, v6: true },
  ];
  for (const c of cases) {
    const ancillary = c.v6 ? { destination: VRRP_MULTICAST_IPV6, hopLimit: 255 } : {};
    const v = checkReceivedAdvert(prepareGuardConfig(c.cfg), { bytes: c.bytes, source: c.source, ...ancillary }, FRESH);
    assert.ok(v.ok, v.ok ? '' : `${c.cfg.family} v${c.cfg.version}: ${v.guard}: ${v.detail}`);
    if (!v.ok) continue;
    assert.deepEqual(v.warnings, []);
    // VRRPv3: FRR's 50 cs is the master interval a backup learns (RFC 5798 §6.4.2), in ms.
    assert.deepEqual({ priority: v.advert.priority, ms: v.advert.advertIntervalMs, source: v.advert.source },
      { priority: c.priority, ms: c.ms, source: c.source });
  }
});

test('a VRRPv2 instance at another advert_int drops FRR\'s v2 advert (RFC 3768 §7.1), a v3 one learns', () => {
  const v2 = checkReceivedAdvert(prepareGuardConfig({ ...CFG.v2v4, advertIntervalMs: 2000 }), { bytes: FRR.v2v4, source: FRR_SOURCE }, FRESH);
  assert.equal(v2.ok, false);
  if (!v2.ok) assert.equal(v2.reason, 'advert_interval_err');
  const v3 = checkReceivedAdvert(prepareGuardConfig({ ...CFG.v3v4, advertIntervalMs: 2000 }), { bytes: FRR.v3v4, source: FRR_SOURCE }, FRESH);
  assert.ok(v3.ok && v3.advert.advertIntervalMs === 500);
});
