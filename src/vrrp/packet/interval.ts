/**
 * Advertisement interval units: the one place where wire units meet domain milliseconds.
 *
 * On the wire, VRRPv2 carries "Adver Int" as 8 bits of whole seconds (RFC 3768 §5.3.7) and
 * VRRPv3 carries "Max Adver Int" as 12 bits of centiseconds (RFC 5798 §5.2.7, so at most
 * 4095 cs = 40.95 s). Everything above the codec (the instance FSM, timers, config) speaks
 * milliseconds. The exact converters below refuse values the wire cannot carry; the
 * `round*` helpers reproduce keepalived's config-time rounding (vrrp.c
 * vrrp_complete_instance: v2 rounds half up to whole seconds within 1..255, v3 rounds half up
 * to 10 ms within 10 ms..40.95 s) for the config adapter, which should warn when they change
 * a value.
 */

import { PacketError } from './inet.js';

export const V2_MAX_ADVERT_SECONDS = 255; // 8-bit field
export const V3_MAX_ADVERT_CENTISECONDS = 4095; // 12-bit field

/** Domain milliseconds -> VRRPv2 wire seconds. Throws unless a whole number in 1..255 s. */
export function msToV2Seconds(ms: number): number {
  if (!Number.isFinite(ms) || ms % 1000 !== 0) {
    throw new PacketError(`VRRPv2 advertisement interval must be whole seconds, got ${ms} ms`);
  }
  const s = ms / 1000;
  if (s < 1 || s > V2_MAX_ADVERT_SECONDS) {
    throw new PacketError(`VRRPv2 advertisement interval must be 1..${V2_MAX_ADVERT_SECONDS} s, got ${s} s`);
  }
  return s;
}

/** VRRPv2 wire seconds -> milliseconds (any 8-bit value, including 0 from a peer). */
export function v2SecondsToMs(seconds: number): number {
  return seconds * 1000;
}

/** Domain milliseconds -> VRRPv3 wire centiseconds. Throws unless a multiple of 10 ms in 10..40950. */
export function msToV3Centiseconds(ms: number): number {
  if (!Number.isFinite(ms) || ms % 10 !== 0) {
    throw new PacketError(`VRRPv3 advertisement interval must be a multiple of 10 ms, got ${ms} ms`);
  }
  const cs = ms / 10;
  if (cs < 1 || cs > V3_MAX_ADVERT_CENTISECONDS) {
    throw new PacketError(`VRRPv3 advertisement interval must be 10..${V3_MAX_ADVERT_CENTISECONDS * 10} ms, got ${ms} ms`);
  }
  return cs;
}

/** VRRPv3 wire centiseconds -> milliseconds (any 12-bit value, including 0 from a peer). */
export function v3CentisecondsToMs(centiseconds: number): number {
  return centiseconds * 10;
}

/** Wire value of an interval for either version. */
export function msToWireInterval(version: 2 | 3, ms: number): number {
  return version === 2 ? msToV2Seconds(ms) : msToV3Centiseconds(ms);
}

export function wireIntervalToMs(version: 2 | 3, wire: number): number {
  return version === 2 ? v2SecondsToMs(wire) : v3CentisecondsToMs(wire);
}

export interface RoundedInterval {
  /** The interval the wire can carry, in milliseconds. */
  readonly ms: number;
  /** Why the value changed, for a config warning; absent when it did not. */
  readonly adjustment?: string;
}

/**
 * keepalived's config-time fit of an advert_int (given in ms) to the version's wire field.
 * Out-of-range values are clamped to the largest wire value, fractions are rounded half up,
 * a result of zero becomes the smallest unit.
 */
export function roundAdvertInterval(version: 2 | 3, ms: number): RoundedInterval {
  const unit = version === 2 ? 1000 : 10;
  const maxUnits = version === 2 ? V2_MAX_ADVERT_SECONDS : V3_MAX_ADVERT_CENTISECONDS;
  const name = version === 2 ? 'VRRPv2' : 'VRRPv3';
  if (!Number.isFinite(ms) || ms < 0) throw new PacketError(`advertisement interval must be a positive number of ms, got ${ms}`);
  if (ms >= (maxUnits + 1) * unit) {
    return { ms: maxUnits * unit, adjustment: `${name} advertisement interval ${ms / 1000}s is out of range; using ${(maxUnits * unit) / 1000}s` };
  }
  if (ms % unit === 0 && ms > 0) return { ms };
  let units = Math.floor((ms + unit / 2) / unit);
  if (units === 0) units = 1;
  return { ms: units * unit, adjustment: `${name} advertisement interval ${ms / 1000}s rounded to ${(units * unit) / 1000}s` };
}
