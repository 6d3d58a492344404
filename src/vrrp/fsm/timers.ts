/**
 * VRRP timer arithmetic and instance parameter validation.
 *
 * Timers are computed in integer microseconds exactly as keepalived computes them
 * (include/vrrp.h VRRP_TIMER_SKEW / VRRP_MS_DOWN_TIMER, TIMER_HZ = 1,000,000), so that both
 * implementations on one LAN time out at the same instant:
 *
 *   VRRPv2 (RFC 3768 §6.1):  Skew_Time = ((256 - Priority) / 256) s
 *                           = floor((256 - Priority) × 1,000,000 / 256) µs
 *   VRRPv3 (RFC 5798 §6.1):  Skew_Time = ((256 - Priority) × Master_Adver_Interval) / 256
 *                           = floor((256 - Priority) × (Master_Adver_Interval_µs / 10,000) × 625 / 16) µs
 *                             (625/16 = 10,000/256, keepalived's way of staying within 32 bits)
 *   Master_Down_Interval   = down_timer_adverts × Master_Adver_Interval + Skew_Time
 *                             (down_timer_adverts is 3 in both RFCs; keepalived makes it 1..100)
 *
 * Check against the lab: priority 160, VRRPv3, 1 s -> 3 × 1,000,000 + 96 × 100 × 625 / 16 =
 * 3,375,000 µs, the "Master down timer = 3375000 usecs" keepalived printed.
 */

import { familyOf, msToV2Seconds, msToV3Centiseconds, parseAddress } from '../packet/index.js';
import { INSTANCE_DEFAULTS, InstanceParams, PRIORITY_OWNER } from './types.js';

export const US_PER_MS = 1000;
export const US_PER_SECOND = 1_000_000;
const US_PER_CENTISECOND = 10_000;

/** Skew_Time in µs for `priority` (use 1 for keepalived's "minimal skew"). */
export function skewTimeUs(version: 2 | 3, priority: number, masterAdvertIntervalUs: number): number {
  const weight = 256 - priority;
  if (version === 3) return Math.floor((weight * Math.floor(masterAdvertIntervalUs / US_PER_CENTISECOND) * 625) / 16);
  return Math.floor((weight * US_PER_SECOND) / 256);
}

/** keepalived's VRRP_TIMER_SKEW_MIN: the skew of priority 255 (one 256th). */
export function minimalSkewUs(version: 2 | 3, masterAdvertIntervalUs: number): number {
  return skewTimeUs(version, 255, masterAdvertIntervalUs);
}

/** Master_Down_Interval in µs. */
export function masterDownIntervalUs(version: 2 | 3, priority: number, masterAdvertIntervalUs: number, downTimerAdverts: number): number {
  return downTimerAdverts * masterAdvertIntervalUs + skewTimeUs(version, priority, masterAdvertIntervalUs);
}

/** Master_Down_Interval in ms, for callers that think in the domain unit. */
export function masterDownIntervalMs(version: 2 | 3, priority: number, masterAdvertIntervalMs: number, downTimerAdverts = 3): number {
  return masterDownIntervalUs(version, priority, Math.round(masterAdvertIntervalMs * US_PER_MS), downTimerAdverts) / US_PER_MS;
}

/** A parameter an instance cannot run with; the message says which and why. */
export class InstanceConfigError extends Error {
  readonly code = 'EVRRPCONFIG';
  constructor(instance: string, message: string) {
    super(`(${instance}) ${message}`);
    this.name = 'InstanceConfigError';
  }
}

/** Params with every optional knob filled in from keepalived's defaults. */
export function withDefaults(p: Partial<InstanceParams> & Pick<InstanceParams, 'name' | 'vrid' | 'version' | 'family'>): InstanceParams {
  return { ...INSTANCE_DEFAULTS, ...p } as InstanceParams;
}

/**
 * Checks what the FSM relies on; throws InstanceConfigError. (keepalived's config checks —
 * strict mode, AH with state MASTER, sync-group consistency — belong to the config compiler.)
 */
export function validateInstanceParams(p: InstanceParams): void {
  const fail = (msg: string): never => { throw new InstanceConfigError(p.name, msg); };
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int('virtual_router_id', p.vrid, 1, 255);
  int('priority', p.priority, 1, 255);
  int('down_timer_adverts', p.downTimerAdverts, 1, 100);
  if (p.version !== 2 && p.version !== 3) fail(`version must be 2 or 3, got ${String(p.version)}`);
  if (p.family !== 'inet' && p.family !== 'inet6') fail(`family must be inet or inet6, got ${String(p.family)}`);
  if (p.family === 'inet6' && p.version !== 3) fail('IPv6 instances use VRRPv3 (RFC 5798); VRRPv2 is IPv4 only');
  try {
    if (p.version === 2) msToV2Seconds(p.advertIntervalMs);
    else msToV3Centiseconds(p.advertIntervalMs);
  } catch (e) {
    fail((e as Error).message);
  }
  if (!Number.isFinite(p.preemptDelayMs) || p.preemptDelayMs < 0 || p.preemptDelayMs > 1000 * US_PER_MS) {
    fail(`preempt_delay must be 0..1000 s, got ${p.preemptDelayMs} ms`);
  }
  if (p.auth.type !== 'none' && (p.version !== 2 || p.family !== 'inet')) fail('authentication exists only for VRRPv2 over IPv4');
  const checkAddr = (what: string, a: string): void => {
    try {
      if (familyOf(a) !== p.family) fail(`${what} ${a} is not ${p.family}`);
      parseAddress(a, p.family);
    } catch (e) {
      if (e instanceof InstanceConfigError) throw e;
      fail(`${what}: ${(e as Error).message}`);
    }
  };
  if (p.addresses.length > 255) fail(`at most 255 virtual addresses fit in an advert, got ${p.addresses.length}`);
  p.addresses.forEach((a) => checkAddr('virtual address', a));
  p.unicastPeers.forEach((peer) => {
    checkAddr('unicast_peer', peer.address);
    if (peer.minTtl !== undefined) int('min_ttl', peer.minTtl, 0, 255);
    if (peer.maxTtl !== undefined) int('max_ttl', peer.maxTtl, 0, 255);
  });
  if (p.primaryAddress !== undefined) checkAddr('source address', p.primaryAddress);
  if (p.nopreempt && p.initialState === 'MASTER' && p.priority !== PRIORITY_OWNER) {
    fail('nopreempt requires state BACKUP (a non-owner with state MASTER would preempt at startup)');
  }
}
