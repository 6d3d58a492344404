/**
 * Malformed and forged adverts injected from a neighbouring namespace at a keepalived-ts
 * router that is MASTER on five instances (VRRPv2 PASS, VRRPv2 AH, VRRPv3 IPv4, VRRPv3 IPv4
 * unicast with check_unicast_src and min_ttl, VRRPv3 IPv6). Every forgery claims priority
 * 200 against our 100, so accepting one would make us BACKUP. Each must be dropped, counted
 * under its own reason (keepalived's stats names on the instance, or the socket's counters
 * when no instance could be found) and logged once naming instance and sender, with no state
 * change. A last, valid advert proves the injection path works: it does make us BACKUP.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdvertBuilder, computeAdvertChecksum, type AdvertTemplate } from '../../../src/vrrp/index.js';
import { IFNAME, ROUTER_A, ROUTER_B, VrrpLab } from './lab.js';
import { sleep } from './lab-processes.js';
import { PASSWORD } from './scenarios.js';
import type { DriverInstance } from './driver.js';

const GROUP4 = '224.0.0.18';
const GROUP6 = 'ff02::12';
const FORGER = ROUTER_B;

function instance(name: string, vrid: number, p: Partial<DriverInstance['params']>, transport: DriverInstance['transport'] = {}): DriverInstance {
  return {
    params: { name, vrid, version: 3, family: 'inet', priority: 100, advertIntervalMs: 1000, addresses: [`10.9.1.${vrid}`], ...p },
    transport: { interface: IFNAME, ...transport },
  };
}

const ROUTER: DriverInstance[] = [
  instance('PASS2', 11, { version: 2, auth: { type: 'pass', password: PASSWORD } }),
  instance('AH2', 12, { version: 2, auth: { type: 'ah', password: PASSWORD } }),
  instance('V3', 15, {}),
  instance('UNI', 16, { unicast: true, checkUnicastSource: true, unicastPeers: [{ address: FORGER.v4, minTtl: 200, maxTtl: 255 }] }, { sourceAddress: ROUTER_A.v4 }),
  instance('V6', 17, { family: 'inet6', addresses: ['2001:db8:9:1::17'] }),
];

/** An advert as the forger builds it, before any damage. */
function advert(vrid: number, over: Partial<AdvertTemplate> = {}, send: { priority?: number; source?: string; destination?: string; ahSequence?: number } = {}): Buffer {
  const template: AdvertTemplate = {
    version: 3, family: 'inet', vrid, addresses: [`10.9.1.${vrid}`], advertIntervalMs: 1000, auth: { type: 'none' }, ttl: 255, unicast: false, ...over,
  };
  const family = template.family;
  const built = new AdvertBuilder(template).build({
    priority: send.priority ?? 200,
    source: send.source ?? (family === 'inet' ? FORGER.v4 : FORGER.ll),
    destinations: [send.destination ?? (family === 'inet' ? GROUP4 : GROUP6)],
    ...(send.ahSequence !== undefined ? { ahSequence: send.ahSequence } : {}),
  });
  return (built[0] as { bytes: Buffer }).bytes;
}

/** Rewrites the VRRP checksum of an IPv4 datagram after a change (so only the change is wrong). */
function fixChecksum(bytes: Buffer, vrrpOffset: number, version: number, destination = GROUP4): Buffer {
  const msg = bytes.subarray(vrrpOffset);
  msg.writeUInt16BE(computeAdvertChecksum(msg, version, { family: 'inet', source: bytes.subarray(12, 16).join('.'), destination }), 6);
  return bytes;
}

interface Case {
  readonly label: string;
  readonly packet: () => { family: 'inet' | 'inet6'; bytes: Buffer; destination: string; source?: string; hopLimit?: number };
  /** Where the drop must be counted: an instance's stats or the multicast VRRP socket's counters. */
  readonly expect: { instance: string; counter: string } | { socket: string; counter: string };
  /** A log line that must appear, or 'suppressed' when the drop log already spoke for this instance, reason and sender. */
  readonly log: RegExp | 'suppressed';
}

const v4 = (bytes: Buffer, destination = GROUP4) => ({ family: 'inet' as const, bytes, destination });

const CASES: readonly Case[] = [
  { label: 'TTL 64 on a multicast advert', packet: () => v4(advert(15, { ttl: 64 })), expect: { instance: 'V3', counter: 'ip_ttl_err' }, log: /\(V3\) dropped advert from 10\.9\.0\.2: invalid TTL\/HL\. Received 64 and expect 255 \[ip_ttl_err\]/ },
  {
    label: 'VRRP checksum corrupted',
    packet: () => { const b = advert(15); b[27] = (b[27] as number) ^ 0x5a; return v4(b); },
    expect: { instance: 'V3', counter: 'chk_err' }, log: /\(V3\) dropped advert from 10\.9\.0\.2: invalid VRRPv3 checksum/,
  },
  { label: 'VRRPv3 advert to a VRRPv2 instance', packet: () => v4(advert(11)), expect: { instance: 'PASS2', counter: 'vers_err' }, log: /\(PASS2\) dropped .*wrong version\. Received 3 and expect 2 \[vers_err\]/ },
  { label: 'unknown VRID 99', packet: () => v4(advert(99)), expect: { socket: 'vrrp4', counter: 'vrid_err' }, log: /Unknown VRID\(99\) received on vx0 from 10\.9\.0\.2/ },
  {
    label: 'wrong password', packet: () => v4(advert(11, { version: 2, auth: { type: 'pass', password: 'guessed!' } })),
    expect: { instance: 'PASS2', counter: 'auth_failure' }, log: /\(PASS2\) dropped .*received an invalid passwd \[auth_failure\]/,
  },
  {
    label: 'no authentication on a PASS instance', packet: () => v4(advert(11, { version: 2 })),
    expect: { instance: 'PASS2', counter: 'authtype_mismatch' }, log: /\(PASS2\) dropped .*received a none auth, expecting PASS \[authtype_mismatch\]/,
  },
  {
    label: 'auth type 3 (not defined)',
    packet: () => { const b = advert(11, { version: 2, auth: { type: 'pass', password: PASSWORD } }); b[24] = 3; return v4(fixChecksum(b, 20, 2)); },
    expect: { instance: 'PASS2', counter: 'invalid_authtype' }, log: /\(PASS2\) dropped .*invalid auth type: 3 \[invalid_authtype\]/,
  },
  {
    label: 'advert interval 2 s against our 1 s', packet: () => v4(advert(11, { version: 2, advertIntervalMs: 2000, auth: { type: 'pass', password: PASSWORD } })),
    expect: { instance: 'PASS2', counter: 'advert_interval_err' }, log: /\(PASS2\) dropped .*advertisement interval mismatch mine=1 sec rcv'd=2 sec/,
  },
  {
    label: 'packet type 2',
    packet: () => { const b = advert(15); b[20] = 0x32; return v4(fixChecksum(b, 20, 3)); },
    expect: { instance: 'V3', counter: 'invalid_type_rcvd' }, log: /\(V3\) dropped .*invalid packet type\. 2 and expect 1/,
  },
  {
    label: 'truncated (last address cut in half)', packet: () => v4(advert(15).subarray(0, 30)),
    expect: { instance: 'V3', counter: 'packet_len_err' }, log: /\(V3\) dropped .*packet too short, length 30 and expect 32 \[packet_len_err\]/,
  },
  {
    label: 'too short to hold a VRRP header', packet: () => v4(advert(15).subarray(0, 24)),
    expect: { socket: 'vrrp4', counter: 'packet_len_err' }, log: /\(vx0\) dropped advert from 10\.9\.0\.2: IPv4 VRRP packet too short - 24 bytes \[packet_len_err\]/,
  },
  {
    label: 'AH with a corrupted ICV',
    packet: () => { const b = advert(12, { version: 2, auth: { type: 'ah', password: PASSWORD } }, { ahSequence: 1_000_000 }); b[40] = (b[40] as number) ^ 1; return v4(b); },
    expect: { instance: 'AH2', counter: 'auth_failure' }, log: /\(AH2\) dropped .*invalid IPSEC HMAC-MD5 value/,
  },
  {
    label: 'AH with the wrong password', packet: () => v4(advert(12, { version: 2, auth: { type: 'ah', password: 'guessed!' } }, { ahSequence: 1_000_001 })),
    expect: { instance: 'AH2', counter: 'auth_failure' }, log: 'suppressed',
  },
  {
    label: 'AH replay (sequence number already seen)', packet: () => v4(advert(12, { version: 2, auth: { type: 'ah', password: PASSWORD } }, { ahSequence: 1 })),
    expect: { instance: 'AH2', counter: 'auth_failure' }, log: 'suppressed',
  },
  {
    label: 'unicast advert from an address not in unicast_peer',
    packet: () => v4(advert(16, { unicast: true }, { source: '10.9.0.3', destination: ROUTER_A.v4 }), ROUTER_A.v4),
    expect: { instance: 'UNI', counter: 'unknown_unicast_src' }, log: /\(UNI\) dropped advert from 10\.9\.0\.3: unicast source address 10\.9\.0\.3 not a unicast peer/,
  },
  {
    label: 'unicast advert from the peer with TTL 64, below its min_ttl 200',
    packet: () => v4(advert(16, { unicast: true, ttl: 64 }, { destination: ROUTER_A.v4 }), ROUTER_A.v4),
    expect: { instance: 'UNI', counter: 'ip_ttl_err' }, log: /\(UNI\) dropped .*TTL\/HL 64 not in range 200 - 255 \[ip_ttl_err\]/,
  },
  {
    label: 'IPv6 hop limit 64',
    packet: () => ({ family: 'inet6', bytes: advert(17, { family: 'inet6', addresses: ['2001:db8:9:1::17'] }), destination: GROUP6, source: FORGER.ll, hopLimit: 64 }),
    expect: { instance: 'V6', counter: 'ip_ttl_err' }, log: /\(V6\) dropped advert from fe80::ff:fe00:b01: invalid TTL\/HL\. Received 64 and expect 255/,
  },
];

/** The counters a forgery may move: every error counter, and the socket counters. */
const ERROR_COUNTER = /_err$|^auth|^invalid|^unknown_unicast_src$|^ah_not_vrrp$/;

function errorCounters(status: any): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of status.instances) for (const [k, n] of Object.entries(i.stats)) if (ERROR_COUNTER.test(k)) out.set(`${i.name}.${k}`, n as number);
  for (const s of status.sockets) {
    const label = s.id === `inet/vrrp/${IFNAME}#2/group ${GROUP4}` ? 'vrrp4' : s.id;
    for (const [k, n] of Object.entries(s.counters)) if (k !== 'received') out.set(`${label}.${k}`, n as number);
  }
  return out;
}

test('forged and malformed adverts are dropped, counted under their reason, logged, and change nothing', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await VrrpLab.create(t);
  const { a, b } = await lab.twoRouters();
  const router = await lab.driver(a, { instances: ROUTER, logUnknownVrids: true });
  for (const i of ROUTER) await router.waitState(i.params.name, 'MASTER', 6000);
  const injector = await lab.injector(b);
  const transitionsBefore = router.events('transition').length;

  let previous = errorCounters(await router.status());
  for (const c of CASES) {
    const logsBefore = router.logs().length;
    await injector.send(c.packet());
    await sleep(150);
    const now = errorCounters(await router.status());
    const key = 'instance' in c.expect ? `${c.expect.instance}.${c.expect.counter}` : `${c.expect.socket}.${c.expect.counter}`;
    const changed = [...now].filter(([k, n]) => n !== (previous.get(k) ?? 0)).map(([k, n]) => `${k} +${n - (previous.get(k) ?? 0)}`);
    assert.deepEqual(changed, [`${key} +1`], `${c.label}: exactly one counter moves`);
    const newLogs = router.logs().slice(logsBefore).filter((l) => !l.includes('(recovered)'));
    if (c.log === 'suppressed') assert.deepEqual(newLogs, [], `${c.label}: rate-limited`);
    else assert.ok(newLogs.some((l) => (c.log as RegExp).test(l)), `${c.label}: logged as ${c.log}; got ${JSON.stringify(newLogs)}`);
    previous = now;
  }
  assert.equal(router.events('transition').length, transitionsBefore, 'no state changed');
  for (const i of ROUTER) assert.equal(router.state(i.params.name), 'MASTER', `${i.params.name} is still MASTER`);

  // A second identical forgery inside the drop log's window is counted but not logged again.
  const logsBefore = router.logs().length;
  await injector.send(v4(advert(15, { ttl: 64 })));
  await sleep(150);
  assert.equal((await router.status()).instances.find((i: any) => i.name === 'V3').stats.ip_ttl_err, 2);
  assert.deepEqual(router.logs().slice(logsBefore), [], 'rate-limited');

  // The control: a valid advert at priority 200 does move the instance.
  await injector.send(v4(advert(15)));
  await router.waitState('V3', 'BACKUP', 2000);
  t.diagnostic(`took ${Date.now() - started} ms`);
});
