/** Small helpers shared by the VRRP unit tests. */
import type { DecodeResult } from '../../../src/vrrp/packet/index.js';

/** The value of a successful decode; fails the test with the decoder's reason otherwise. */
export function must<T>(r: DecodeResult<T>): T {
  if (!r.ok) throw new Error(`decode failed: ${r.error}`);
  return r.value;
}
