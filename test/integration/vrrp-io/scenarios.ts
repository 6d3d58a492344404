/**
 * The VRRP variants the interop tests run, as literal parameters for two routers on one
 * cable, and the wire assertions they share.
 *
 * Router A is 10.9.0.1 / 2001:db8:9::1 / fe80::ff:fe00:a01 on vx0 in its namespace, router B
 * 10.9.0.2 / 2001:db8:9::2 / fe80::ff:fe00:b01 on vx0 in its. Each variant is one VRID, so
 * all of them run side by side in one process per router (which also exercises the socket
 * pool: several instances per socket, multicast and unicast sockets on one interface, VRRP
 * and AH sockets, IPv4 and IPv6).
 */

import assert from 'node:assert/strict';
import { masterDownIntervalMs } from '../../../src/vrrp/index.js';
import type { DriverInstance } from './driver.js';
import { IFNAME, type RouterAddresses } from './lab.js';
import type { WireAdvert } from './lab-processes.js';

export interface Variant {
  readonly label: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: 'inet' | 'inet6';
  readonly auth: 'none' | 'pass' | 'ah';
  readonly unicast: boolean;
  /** ms */
  readonly advertIntervalMs: number;
}

export const VARIANTS: readonly Variant[] = [
  { label: 'VRRPv2 IPv4 multicast PASS', vrid: 11, version: 2, family: 'inet', auth: 'pass', unicast: false, advertIntervalMs: 1000 },
  { label: 'VRRPv2 IPv4 multicast AH', vrid: 12, version: 2, family: 'inet', auth: 'ah', unicast: false, advertIntervalMs: 1000 },
  { label: 'VRRPv2 IPv4 unicast AH', vrid: 13, version: 2, family: 'inet', auth: 'ah', unicast: true, advertIntervalMs: 1000 },
  { label: 'VRRPv2 IPv4 unicast PASS', vrid: 14, version: 2, family: 'inet', auth: 'pass', unicast: true, advertIntervalMs: 1000 },
  { label: 'VRRPv3 IPv4 multicast', vrid: 15, version: 3, family: 'inet', auth: 'none', unicast: false, advertIntervalMs: 1000 },
  { label: 'VRRPv3 IPv4 unicast', vrid: 16, version: 3, family: 'inet', auth: 'none', unicast: true, advertIntervalMs: 1000 },
  { label: 'VRRPv3 IPv6 multicast', vrid: 17, version: 3, family: 'inet6', auth: 'none', unicast: false, advertIntervalMs: 1000 },
  { label: 'VRRPv3 IPv6 unicast', vrid: 18, version: 3, family: 'inet6', auth: 'none', unicast: true, advertIntervalMs: 1000 },
];

/** keepalived's log lines that mean it rejected a packet (its vrrp_check_packet wording). */
export const KEEPALIVED_PACKET_ERRORS = /invalid|mismatch|wrong|too (short|long)|expecting|already processed|not present|discard/i;

export const instanceName = (v: Variant): string => `VI_${v.vrid}`;
export const vipOf = (v: Variant): string => (v.family === 'inet' ? `10.9.1.${v.vrid}` : `2001:db8:9:1::${v.vrid}`);
export const PASSWORD = 'secret12';

/** Our runtime's parameters for one variant on one router. */
export function ourInstance(v: Variant, me: RouterAddresses, peer: RouterAddresses, priority: number): DriverInstance {
  const unicastAddress = (r: RouterAddresses): string => (v.family === 'inet' ? r.v4 : r.v6);
  return {
    params: {
      name: instanceName(v), vrid: v.vrid, version: v.version, family: v.family, priority,
      advertIntervalMs: v.advertIntervalMs, addresses: [vipOf(v)],
      auth: v.auth === 'none' ? { type: 'none' } : { type: v.auth, password: PASSWORD },
      unicast: v.unicast,
      unicastPeers: v.unicast ? [{ address: unicastAddress(peer) }] : [],
    },
    transport: {
      interface: IFNAME,
      ...(v.unicast ? { sourceAddress: unicastAddress(me) } : {}),
    },
  };
}

/** keepalived.conf's vrrp_instance for one variant. */
export function keepalivedInstance(v: Variant, me: RouterAddresses, peer: RouterAddresses, priority: number): string {
  const unicastAddress = (r: RouterAddresses): string => (v.family === 'inet' ? r.v4 : r.v6);
  const lines = [
    `vrrp_instance ${instanceName(v)} {`,
    `  interface ${IFNAME}`,
    '  state BACKUP',
    `  version ${v.version}`,
    `  virtual_router_id ${v.vrid}`,
    `  priority ${priority}`,
    `  advert_int ${v.advertIntervalMs / 1000}`,
  ];
  if (v.auth !== 'none') lines.push(`  authentication {\n    auth_type ${v.auth.toUpperCase()}\n    auth_pass ${PASSWORD}\n  }`);
  if (v.unicast) lines.push(`  unicast_src_ip ${unicastAddress(me)}`, `  unicast_peer {\n    ${unicastAddress(peer)}\n  }`);
  lines.push(`  virtual_ipaddress {\n    ${vipOf(v)}${v.family === 'inet' ? '/32' : '/128'}\n  }`, '}');
  return lines.join('\n');
}

export function keepalivedConfig(variants: readonly Variant[], me: RouterAddresses, peer: RouterAddresses, priority: number): string {
  return ['global_defs {\n  router_id ka_interop\n  vrrp_garp_master_repeat 1\n}', ...variants.map((v) => keepalivedInstance(v, me, peer, priority))].join('\n');
}

const sourceOf = (v: Variant, r: RouterAddresses): string => (v.family === 'inet' ? r.v4 : v.unicast ? r.v6 : r.ll);
/** Where an advert to router `to` goes: `to` itself for unicast, else the VRRP group (RFC 5798 §5.1.1.2, §5.1.2.2). */
const destinationOf = (v: Variant, to: RouterAddresses): string =>
  (v.unicast ? (v.family === 'inet' ? to.v4 : to.v6) : v.family === 'inet' ? '224.0.0.18' : 'ff02::12');
/** VRRPv2's Auth Type field (RFC 2338 §5.3.6; 2 is AH, which keepalived still writes there). */
const AUTH_TYPE_FIELD = { none: 0, pass: 1, ah: 2 } as const;

export interface FailoverFacts {
  readonly lastFromOld: WireAdvert;
  readonly firstFromNew: WireAdvert;
  /** ms between the old master's last advert and the new one's first. */
  readonly gapMs: number;
  readonly expectedGapMs: number;
}

/**
 * Asserts, for one VRID, from the wire: `oldMaster` advertised at `oldPriority` every
 * interval and the other router said nothing until `oldMaster` fell silent; then the other
 * router advertised at `newPriority` after its Master_Down_Interval.
 */
export function assertFailoverOnWire(adverts: readonly WireAdvert[], v: Variant, oldMaster: RouterAddresses, newMaster: RouterAddresses,
  oldPriority: number, newPriority: number, toleranceMs = 250): FailoverFacts {
  const mine = adverts.filter((a) => a.vrid === v.vrid && a.priority !== 0);
  const fromOld = mine.filter((a) => a.source === sourceOf(v, oldMaster));
  const fromNew = mine.filter((a) => a.source === sourceOf(v, newMaster));
  assert.ok(fromOld.length >= 2, `${v.label}: old master ${sourceOf(v, oldMaster)} sent ${fromOld.length} adverts (${JSON.stringify(mine.slice(0, 4))})`);
  assert.ok(fromNew.length >= 2, `${v.label}: new master ${sourceOf(v, newMaster)} sent ${fromNew.length} adverts`);
  for (const a of fromOld) assert.equal(a.priority, oldPriority, `${v.label}: old master priority`);
  for (const a of fromNew) assert.equal(a.priority, newPriority, `${v.label}: new master priority`);
  const wireInterval = v.version === 2 ? v.advertIntervalMs / 1000 : v.advertIntervalMs / 10;
  for (const [a, to] of [...fromOld.map((a) => [a, newMaster] as const), ...fromNew.map((a) => [a, oldMaster] as const)]) {
    assert.equal(a.version, v.version, `${v.label}: version`);
    assert.equal(a.interval, wireInterval, `${v.label}: advert interval field`);
    assert.equal(a.destination, destinationOf(v, to), `${v.label}: ${v.unicast ? 'unicast to the peer' : 'multicast'}`);
    if (!v.unicast) assert.equal(a.ttl, 255, `${v.label}: TTL/hop limit`);
    assert.equal(a.ahSequence !== undefined, v.auth === 'ah', `${v.label}: ${v.auth === 'ah' ? 'inside' : 'not inside'} IPsec AH`);
    if (v.version === 2) assert.equal(a.authType, AUTH_TYPE_FIELD[v.auth], `${v.label}: auth type field`);
  }
  const lastFromOld = fromOld.at(-1) as WireAdvert;
  const firstFromNew = fromNew[0] as WireAdvert;
  assert.ok(firstFromNew.time > lastFromOld.time, `${v.label}: the new master spoke only after the old one fell silent`);
  // Spacing of the old master's adverts: the configured interval.
  for (let i = 1; i < fromOld.length; i++) {
    const gap = (fromOld[i] as WireAdvert).time - (fromOld[i - 1] as WireAdvert).time;
    assert.ok(Math.abs(gap - v.advertIntervalMs) < toleranceMs, `${v.label}: old master advert spacing ${gap} ms`);
  }
  const expectedGapMs = masterDownIntervalMs(v.version, newPriority, v.advertIntervalMs);
  const gapMs = firstFromNew.time - lastFromOld.time;
  assert.ok(Math.abs(gapMs - expectedGapMs) < toleranceMs,
    `${v.label}: takeover ${gapMs} ms after the last advert, Master_Down_Interval is ${expectedGapMs} ms`);
  if (v.auth === 'ah') {
    assert.ok((firstFromNew.ahSequence ?? 0) > (lastFromOld.ahSequence ?? Infinity), `${v.label}: AH sequence continues above the old master's`);
  }
  return { lastFromOld, firstFromNew, gapMs, expectedGapMs };
}
