import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import {
  AdvertBuilder, AdvertTemplate, IPPROTO_VRRP, VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6, VrrpAdvert,
  computeAhIcv, encodeAdvert, encodeIpv4Header, internetChecksum,
} from '../../../src/vrrp/packet/index.js';
import {
  GuardVerdict, RECEIVE_GUARDS, ReceiveGuardConfig, ReceivedPacket, checkReceivedAdvert, prepareGuardConfig,
} from '../../../src/vrrp/receive-checks.js';
import { AH2, AH2U, KEEPALIVED_SOURCE, KEEPALIVED_SOURCE6, PASS2, PEER, V3V4, V3V4U, V3V6 } from './vectors.js';

const FRESH = { ahLastSequence: 0, checkAddresses: true };

/** Guard configs matching the instances the vectors were captured from. */
const CFG = {
  pass2: { family: 'inet', version: 2, vrid: 11, auth: { type: 'pass', password: 'secret12345' }, advertIntervalMs: 1000, addresses: ['10.77.0.11', '10.77.0.111'], unicast: false, unicastPeers: [], checkUnicastSource: false },
  ah2: { family: 'inet', version: 2, vrid: 12, auth: { type: 'ah', password: 'ahsecret' }, advertIntervalMs: 1000, addresses: ['10.77.0.12'], unicast: false, unicastPeers: [], checkUnicastSource: false },
  ah2u: { family: 'inet', version: 2, vrid: 15, auth: { type: 'ah', password: 'uniAH' }, advertIntervalMs: 1000, addresses: ['10.77.0.15'], unicast: true, unicastPeers: [{ address: KEEPALIVED_SOURCE }], checkUnicastSource: true },
  v3v4: { family: 'inet', version: 3, vrid: 13, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['10.77.0.13'], unicast: false, unicastPeers: [], checkUnicastSource: false },
  v3v4u: { family: 'inet', version: 3, vrid: 16, auth: { type: 'none' }, advertIntervalMs: 500, addresses: ['10.77.0.16', '10.77.0.116'], unicast: true, unicastPeers: [{ address: KEEPALIVED_SOURCE, minTtl: 250, maxTtl: 255 }], checkUnicastSource: true },
  v3v6: { family: 'inet6', version: 3, vrid: 14, auth: { type: 'none' }, advertIntervalMs: 1000, addresses: ['fe80::14', 'fd77::14'], unicast: false, unicastPeers: [], checkUnicastSource: false },
} satisfies Record<string, ReceiveGuardConfig>;

function check(cfg: ReceiveGuardConfig, bytes: Uint8Array, extra: Partial<ReceivedPacket> = {}, state = FRESH): GuardVerdict {
  const source = cfg.family === 'inet' ? KEEPALIVED_SOURCE : KEEPALIVED_SOURCE6;
  return checkReceivedAdvert(prepareGuardConfig(cfg), { bytes, source, ...extra }, state);
}

/** The ancillary data a raw IPv6 socket would report for a captured IPv6 datagram. */
function v6(bytes: Buffer): { destination: string; hopLimit: number } {
  return { destination: VRRP_MULTICAST_IPV6, hopLimit: bytes[7] as number };
}

function dropped(v: GuardVerdict, reason: string, guard?: string): void {
  assert.equal(v.ok, false, `expected a drop for ${reason}`);
  if (v.ok) return;
  assert.equal(v.reason, reason, v.detail);
  if (guard) assert.equal(v.guard, guard);
  assert.ok(v.detail.length > 0);
}

/** Copies `bytes` and lets `edit` change it; optionally fixes the IPv4 header checksum. */
function mutate(bytes: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(bytes);
  edit(b);
  return b;
}

/** A hand-made IPv4 datagram: header fields and VRRP message both forgeable. */
function forge(advert: VrrpAdvert, ip: { ttl?: number; source?: string; destination?: string; totalLength?: number } = {}): Buffer {
  const source = ip.source ?? KEEPALIVED_SOURCE;
  const destination = ip.destination ?? VRRP_MULTICAST_IPV4;
  const vrrp = encodeAdvert(advert, { family: 'inet', source, destination });
  const out = Buffer.alloc(20 + vrrp.length);
  encodeIpv4Header({ tos: 0xc0, totalLength: ip.totalLength ?? out.length, id: 9, ttl: ip.ttl ?? 255, protocol: IPPROTO_VRRP, source, destination }, out);
  vrrp.copy(out, 20);
  return out;
}

const v3advert = (over: Partial<VrrpAdvert> = {}): VrrpAdvert => ({ version: 3, vrid: 13, priority: 160, addresses: ['10.77.0.13'], advertIntervalCentiseconds: 100, ...over } as VrrpAdvert);

test('every captured keepalived advert passes its instance\'s guards', () => {
  const cases: [ReceiveGuardConfig, Buffer, Partial<ReceivedPacket>?][] = [
    [CFG.pass2, PASS2.ipId1], [CFG.pass2, PASS2.stopIpId3],
    [CFG.ah2, AH2.seq1], [CFG.ah2u, AH2U.seq1],
    [CFG.v3v4, V3V4.ipId1], [CFG.v3v4u, V3V4U.ipId1, { source: KEEPALIVED_SOURCE }],
  ];
  for (const [cfg, bytes, extra] of cases) {
    const v = check(cfg, bytes, extra);
    assert.ok(v.ok, v.ok ? '' : `${v.guard}: ${v.detail}`);
    assert.deepEqual(v.warnings, []);
  }
  const v = check(CFG.v3v6, V3V6.advert.subarray(40), v6(V3V6.advert));
  assert.ok(v.ok);
  if (!v.ok) return;
  assert.deepEqual(
    { prio: v.advert.priority, ms: v.advert.advertIntervalMs, addrs: v.advert.addresses, src: v.advert.source },
    { prio: 200, ms: 1000, addrs: ['fe80::14', 'fd77::14'], src: KEEPALIVED_SOURCE6 },
  );
  const u = check(CFG.v3v4u, V3V4U.ipId1);
  assert.ok(u.ok && u.advert.advertIntervalMs === 500 && u.advert.ttl === 255);
  const a = check(CFG.ah2, AH2.seq2);
  assert.ok(a.ok && a.ahSequence === 2);
});

test('the ladder is in keepalived\'s order and every guard states its rule', () => {
  assert.deepEqual(RECEIVE_GUARDS.map((g) => g.name), [
    'frame', 'ah-presence', 'length', 'ttl', 'version', 'auth-type-valid', 'auth-type-match', 'password', 'ah',
    'advert-interval', 'type', 'ip-total-length', 'checksum', 'vrid', 'cast', 'address-list', 'unicast-source',
  ]);
  for (const g of RECEIVE_GUARDS) assert.ok(g.rule.length > 20, g.name);
});

test('wrong TTL / hop limit: multicast must be 255; unicast uses the peer\'s min_ttl..max_ttl', () => {
  dropped(check(CFG.v3v4, mutate(V3V4.ipId1, (b) => { b[8] = 254; })), 'ip_ttl_err', 'ttl');
  dropped(check(CFG.v3v6, V3V6.advert.subarray(40), { ...v6(V3V6.advert), hopLimit: 1 }), 'ip_ttl_err', 'ttl');
  // Unicast: 254 is inside 250..255, 64 is not.
  assert.ok(check(CFG.v3v4u, mutate(V3V4U.ipId1, (b) => { b[8] = 254; })).ok);
  dropped(check(CFG.v3v4u, mutate(V3V4U.ipId1, (b) => { b[8] = 64; })), 'ip_ttl_err', 'unicast-source');
});

test('wrong version, type, VRID, interval and checksum each drop under their own reason', () => {
  dropped(check(CFG.v3v4, PASS2.ipId1), 'vers_err', 'version');
  dropped(check({ ...CFG.pass2, version: 3 }, PASS2.ipId1), 'vers_err');
  dropped(check(CFG.v3v4, forge(v3advert({ type: 2 }))), 'invalid_type_rcvd', 'type');
  dropped(check({ ...CFG.v3v4, vrid: 99 }, V3V4.ipId1), 'vrid_err', 'vrid');
  dropped(check({ ...CFG.pass2, advertIntervalMs: 2000 }, PASS2.ipId1), 'advert_interval_err', 'advert-interval');
  // VRRPv3 learns the interval instead: a different one is fine.
  assert.ok(check({ ...CFG.v3v4, advertIntervalMs: 3000 }, V3V4.ipId1).ok);
  dropped(check(CFG.v3v4, mutate(V3V4.ipId1, (b) => { b[27] ^= 0x01; })), 'chk_err', 'checksum');
  dropped(check(CFG.pass2, mutate(PASS2.ipId1, (b) => { b[26] ^= 0x80; })), 'chk_err', 'checksum');
  dropped(check(CFG.v3v6, V3V6.advert.subarray(40).map((x, i) => (i === 7 ? x ^ 1 : x)), v6(V3V6.advert)), 'chk_err');
  // A VRRPv3 checksum computed without the pseudo-header only passes with v3_checksum_as_v2.
  const asV2 = Buffer.from(V3V4.ipId1);
  const msg = asV2.subarray(20);
  msg.writeUInt16BE(0, 6);
  msg.writeUInt16BE(internetChecksum(msg), 6);
  dropped(check(CFG.v3v4, asV2), 'chk_err');
  assert.ok(check({ ...CFG.v3v4, v3ChecksumAsV2: true }, asV2).ok);
  assert.ok(check({ ...CFG.v3v4, v3ChecksumAsV2: true }, V3V4.ipId1).ok, 'the standard form is still accepted');
});

test('truncated, padded and inconsistent lengths are length errors, never exceptions', () => {
  dropped(check(CFG.v3v4, V3V4.ipId1.subarray(0, V3V4.ipId1.length - 1)), 'packet_len_err', 'length');
  dropped(check(CFG.v3v4, Buffer.concat([V3V4.ipId1, Buffer.alloc(4)])), 'packet_len_err', 'length');
  dropped(check(CFG.v3v4, V3V4.ipId1.subarray(0, 24)), 'packet_len_err', 'frame');
  dropped(check(CFG.v3v4, V3V4.ipId1.subarray(0, 12)), 'packet_len_err', 'frame');
  dropped(check(CFG.v3v6, Buffer.alloc(3)), 'packet_len_err', 'frame');
  dropped(check(CFG.v3v4, forge(v3advert(), { totalLength: 99 })), 'packet_len_err', 'ip-total-length');
  // A count byte that promises more addresses than were sent.
  dropped(check(CFG.v3v4, mutate(V3V4.ipId1, (b) => { b[23] = 5; })), 'packet_len_err', 'length');
  // Pure noise, of every length: a verdict each time.
  let seed = 11;
  for (let n = 0; n < 3000; n++) {
    const buf = Buffer.alloc(n % 80);
    for (let i = 0; i < buf.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; buf[i] = seed >> 16; }
    if (n % 3 === 0 && buf.length > 0) buf[0] = 0x45;
    for (const cfg of [CFG.v3v4, CFG.ah2, CFG.pass2, CFG.v3v6, CFG.ah2u]) {
      const v = check(cfg, buf, cfg.family === 'inet6' ? { destination: VRRP_MULTICAST_IPV6, hopLimit: 255 } : {});
      assert.equal(typeof v.ok, 'boolean');
    }
  }
});

test('PASS authentication: wrong password, wrong type, invalid type', () => {
  const builder = (password: string): Buffer => new AdvertBuilder({
    version: 2, family: 'inet', vrid: 11, addresses: ['10.77.0.11', '10.77.0.111'], advertIntervalMs: 1000,
    auth: { type: 'pass', password }, ttl: 255, unicast: false,
  }).build({ priority: 150, source: KEEPALIVED_SOURCE, destinations: [VRRP_MULTICAST_IPV4] })[0]?.bytes as Buffer;
  dropped(check(CFG.pass2, builder('secret13')), 'auth_failure', 'password');
  assert.ok(check(CFG.pass2, builder('secret12-and-more')).ok, 'only the first 8 characters count');
  dropped(check({ ...CFG.pass2, auth: { type: 'none' } }, PASS2.ipId1), 'authtype_mismatch', 'auth-type-match');
  const invalid = forge({ version: 2, vrid: 11, priority: 150, addresses: ['10.77.0.11', '10.77.0.111'], authType: 7, advertIntervalSeconds: 1 });
  dropped(check(CFG.pass2, invalid), 'invalid_authtype', 'auth-type-valid');
});

test('IPsec-AH: bad ICV, wrong key, replayed sequence, forged SPI, missing or unexpected AH', () => {
  dropped(check(CFG.ah2, mutate(AH2.seq1, (b) => { b[34] ^= 0x01; })), 'auth_failure', 'ah'); // ICV byte
  dropped(check(CFG.ah2, mutate(AH2.seq1, (b) => { b[46] = 200; })), 'auth_failure', 'ah'); // priority changed in flight
  dropped(check({ ...CFG.ah2, auth: { type: 'ah', password: 'wrong' } }, AH2.seq1), 'auth_failure', 'ah');
  // Replay: keepalived's counter already at 2.
  dropped(check(CFG.ah2, AH2.seq2, {}, { ahLastSequence: 2, checkAddresses: true }), 'auth_failure', 'ah');
  assert.ok(check(CFG.ah2, AH2.seq2, {}, { ahLastSequence: 1, checkAddresses: true }).ok);
  // Mutable fields (TOS, fragment bits, checksum) do not matter...
  assert.ok(check(CFG.ah2, mutate(AH2.seq1, (b) => { b[1] = 0; b[10] = 0; b[11] = 0; })).ok);
  // ...but for unicast the TTL is zeroed, so any TTL verifies; for multicast it is covered.
  assert.ok(check({ ...CFG.ah2u, unicastPeers: [{ address: KEEPALIVED_SOURCE, minTtl: 1, maxTtl: 255 }] }, mutate(AH2U.seq1, (b) => { b[8] = 63; })).ok);
  dropped(check(CFG.ah2, mutate(AH2.seq1, (b) => { b[27] ^= 1; })), 'auth_failure', 'ah'); // SPI changed in flight
  // SPI differing from the source but a correct ICV (a peer that signs properly but lies about its SPI).
  const lying = mutate(AH2.seq1, (b) => { b[24] = 10; b[25] = 9; });
  computeAhIcv(lying, Buffer.from('ahsecret'), false).copy(lying, 32);
  dropped(check(CFG.ah2, lying), 'auth_failure', 'ah');
  // AH protecting something else.
  dropped(check(CFG.ah2, mutate(AH2.seq1, (b) => { b[20] = 6; })), 'ah_not_vrrp', 'ah');
  // AH where none is configured, and none where AH is.
  dropped(check(CFG.v3v4, AH2.seq1), 'authtype_mismatch', 'ah-presence');
  dropped(check(CFG.ah2, PASS2.ipId1), 'authtype_mismatch', 'ah-presence');
  // A later drop still reports the accepted sequence number (keepalived raises its counter there).
  const late = check({ ...CFG.ah2, advertIntervalMs: 3000 }, AH2.seq2);
  dropped(late, 'advert_interval_err');
  assert.ok(!late.ok && late.ahSequence === 2);
});

test('address list: a mismatch is counted as a warning and processed; \'drop\' restores keepalived 2.2.7', () => {
  const other = forge(v3advert({ addresses: ['10.77.0.99'] }));
  const v = check(CFG.v3v4, other);
  assert.ok(v.ok);
  assert.deepEqual(v.ok && v.warnings.map((w) => w.reason), ['addr_list_err']);
  dropped(check({ ...CFG.v3v4, addressListMismatch: 'drop' }, other), 'addr_list_err', 'address-list');
  const fewer = check(CFG.v3v4, forge(v3advert({ addresses: [] })));
  assert.ok(fewer.ok && /expected 1 VIPs but received 0/.test(fewer.warnings[0]?.detail ?? ''));
  // skip_check_adv_addr: the per-address comparison is skipped, the count check is not.
  assert.ok(check(CFG.v3v4, other, {}, { ahLastSequence: 0, checkAddresses: false }).ok);
  const noCheck = check(CFG.v3v4, other, {}, { ahLastSequence: 0, checkAddresses: false });
  assert.ok(noCheck.ok && noCheck.warnings.length === 0);
  // Order does not matter.
  const two = forge({ version: 3, vrid: 16, priority: 100, addresses: ['10.77.0.116', '10.77.0.16'], advertIntervalCentiseconds: 50 }, { destination: PEER });
  const r = check(CFG.v3v4u, two);
  assert.ok(r.ok && r.warnings.length === 0);
});

test('unicast and multicast do not mix; check_unicast_src accepts only configured peers', () => {
  dropped(check({ ...CFG.v3v4, unicast: true }, V3V4.ipId1), 'addr_list_err', 'cast');
  dropped(check({ ...CFG.v3v4u, unicast: false }, V3V4U.ipId1), 'addr_list_err', 'cast');
  const v6unicast = encodeAdvert({ version: 3, vrid: 14, priority: 200, addresses: ['fe80::14', 'fd77::14'], advertIntervalCentiseconds: 100 },
    { family: 'inet6', source: KEEPALIVED_SOURCE6, destination: 'fe80::2' });
  dropped(check(CFG.v3v6, v6unicast, { destination: 'fe80::2', hopLimit: 255 }), 'addr_list_err', 'cast');
  assert.ok(check({ ...CFG.v3v6, unicast: true }, v6unicast, { destination: 'fe80::2', hopLimit: 255 }).ok);
  const stranger = forge({ version: 3, vrid: 16, priority: 100, addresses: ['10.77.0.16', '10.77.0.116'], advertIntervalCentiseconds: 50 }, { source: '10.77.0.9', destination: PEER });
  dropped(check(CFG.v3v4u, stranger, { source: '10.77.0.9' }), 'unknown_unicast_src', 'unicast-source');
  assert.ok(check({ ...CFG.v3v4u, checkUnicastSource: false }, stranger, { source: '10.77.0.9' }).ok);
  const v = check(CFG.v3v4u, stranger, { source: '10.77.0.9' });
  assert.ok(!v.ok && v.countedAsReceived, 'keepalived counts it as a received advert before dropping it');
});

test('the guards reject a forged v2 advert built with our own builder only where it differs', () => {
  const t: AdvertTemplate = { version: 2, family: 'inet', vrid: 12, addresses: ['10.77.0.12'], advertIntervalMs: 1000, auth: { type: 'ah', password: 'ahsecret' }, ttl: 255, unicast: false };
  const [ours] = new AdvertBuilder(t).build({ priority: 150, source: KEEPALIVED_SOURCE, destinations: [VRRP_MULTICAST_IPV4], ahSequence: 5 });
  assert.ok(ours);
  const v = check(CFG.ah2, ours.bytes, {}, { ahLastSequence: 4, checkAddresses: true });
  assert.ok(v.ok && v.ahSequence === 5);
  dropped(check(CFG.ah2, ours.bytes, {}, { ahLastSequence: 5, checkAddresses: true }), 'auth_failure');
});

test('keepalived taking over from us continues our AH sequence, and our guards accept it exactly then', () => {
  // We had sent sequence numbers 1..8 as MASTER, so our counter stands at 8.
  const v = check(CFG.ah2, AH2.takeoverSeq9, {}, { ahLastSequence: 8, checkAddresses: true });
  assert.ok(v.ok && v.ahSequence === 9 && v.advert.priority === 100);
  dropped(check(CFG.ah2, AH2.takeoverSeq9, {}, { ahLastSequence: 9, checkAddresses: true }), 'auth_failure', 'ah');
});
