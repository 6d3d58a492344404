/**
 * How keepalived 2.2.7 arrives at an instance's GARP/NA timings and an interface's rate
 * limits from the global keywords (vrrp_garp_master_delay, _repeat, _refresh,
 * _refresh_repeat, vrrp_garp_lower_prio_delay, _repeat, vrrp_min_garp, vrrp_garp_extra_if,
 * vrrp_garp_interval, vrrp_gna_interval), the per-instance ones (garp_master_*,
 * garp_lower_prio_*, garp_extra_if), vrrp_strict, and garp_group blocks
 * (core/global_data.c, core/global_parser.c, vrrp/vrrp.c vrrp_complete_instance and
 * vrrp_complete_init, vrrp/vrrp_if.c set_default_garp_delay).
 *
 * Rules, in order:
 * - Global defaults: repeat 5, delay 5 s, refresh off, refresh repeat 1.
 * - vrrp_min_garp: one message and nothing more (repeat 1, delay 0, refresh off, refresh
 *   repeat 0), for each of those four the configuration did not set itself.
 * - The global lower-priority repeat and delay default to the global master repeat and
 *   delay (after vrrp_min_garp).
 * - An instance takes each master value from the globals unless it sets its own. Its
 *   lower-priority values default to the global ones, or to 0 under vrrp_strict /
 *   strict_mode (RFC 5798 has no such repeats); a strict instance that sets a non-zero
 *   one is reset to 0 and the compiler is told (`notes`), as keepalived logs it.
 * - garp_extra_if on the instance overrides vrrp_garp_extra_if.
 * - Pacing: an interface in a garp_group uses the group's intervals (shared by the whole
 *   group); any other interface uses vrrp_garp_interval / vrrp_gna_interval on its own,
 *   when either is set.
 *
 * Everything here is pure and in milliseconds; the config model's seconds are converted
 * by its adapter.
 */

import type { AnnounceTarget, PacingPolicy } from './garp-pacer.js';
import type { GarpTimings, PacingDomain } from './types.js';

export interface GlobalGarpSettings {
  readonly masterDelayMs?: number;
  readonly masterRepeat?: number;
  readonly masterRefreshMs?: number;
  readonly masterRefreshRepeat?: number;
  readonly lowerPrioDelayMs?: number;
  readonly lowerPrioRepeat?: number;
  /** vrrp_min_garp true. */
  readonly minGarp?: boolean;
  /** vrrp_garp_extra_if [all] SECS. */
  readonly extraIf?: { readonly intervalMs: number; readonly all: boolean };
}

export interface InstanceGarpSettings {
  readonly masterDelayMs?: number;
  readonly masterRepeat?: number;
  readonly masterRefreshMs?: number;
  readonly masterRefreshRepeat?: number;
  readonly lowerPrioDelayMs?: number;
  readonly lowerPrioRepeat?: number;
  readonly extraIf?: { readonly intervalMs: number; readonly all: boolean };
  /** vrrp_strict or strict_mode in force for this instance. */
  readonly strict?: boolean;
}

export const GARP_DEFAULTS = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  masterRefreshRepeat: 1,
} as const;

export interface ResolvedGarpTimings {
  readonly timings: GarpTimings;
  /** keepalived's "Strict mode requires no repeat garps. resetting" and the like. */
  readonly notes: readonly string[];
}

export function resolveGarpTimings(global: GlobalGarpSettings, instance: InstanceGarpSettings, name = 'instance'): ResolvedGarpTimings {
  const min = global.minGarp === true;
  const globalRepeat = global.masterRepeat ?? (min ? 1 : GARP_DEFAULTS.masterRepeat);
  const globalDelay = global.masterDelayMs ?? (min ? 0 : GARP_DEFAULTS.masterDelayMs);
  const globalRefresh = global.masterRefreshMs ?? (min ? 0 : GARP_DEFAULTS.masterRefreshMs);
  const globalRefreshRepeat = global.masterRefreshRepeat ?? (min ? 0 : GARP_DEFAULTS.masterRefreshRepeat);
  const globalLowerRepeat = global.lowerPrioRepeat ?? globalRepeat;
  const globalLowerDelay = global.lowerPrioDelayMs ?? globalDelay;

  const notes: string[] = [];
  const strict = instance.strict === true;
  let lowerPrioRepeat = instance.lowerPrioRepeat ?? (strict ? 0 : globalLowerRepeat);
  let lowerPrioDelayMs = instance.lowerPrioDelayMs ?? (strict ? 0 : globalLowerDelay);
  if (strict && instance.lowerPrioRepeat) {
    notes.push(`(${name}) Strict mode requires no repeat garps. resetting`);
    lowerPrioRepeat = 0;
  }
  if (strict && instance.lowerPrioDelayMs) {
    notes.push(`(${name}) Strict mode requires no repeat garp delay. resetting`);
    lowerPrioDelayMs = 0;
  }
  const extraIf = instance.extraIf ?? global.extraIf;
  return {
    timings: {
      masterDelayMs: instance.masterDelayMs ?? globalDelay,
      masterRepeat: instance.masterRepeat ?? globalRepeat,
      masterRefreshMs: instance.masterRefreshMs ?? globalRefresh,
      masterRefreshRepeat: instance.masterRefreshRepeat ?? globalRefreshRepeat,
      lowerPrioDelayMs,
      lowerPrioRepeat,
      extraIfIntervalMs: extraIf?.intervalMs ?? 0,
      extraIfAll: extraIf?.all ?? false,
    },
    notes,
  };
}

export interface PacingSettings {
  /** vrrp_garp_interval, ms (0 or undefined = none). */
  readonly garpIntervalMs?: number;
  /** vrrp_gna_interval, ms. */
  readonly gnaIntervalMs?: number;
  readonly garpGroups?: readonly { readonly garpIntervalMs?: number; readonly gnaIntervalMs?: number; readonly interfaces: readonly string[] }[];
}

/**
 * The pacing policy for the GarpPacer. `baseOf` maps an interface to the one its frames
 * really leave by (a VMAC's parent): keepalived paces by IF_BASE_IFP.
 */
export function pacingPolicy(settings: PacingSettings, baseOf: (dev: string) => string = (dev) => dev): PacingPolicy {
  const byInterface = new Map<string, PacingDomain>();
  (settings.garpGroups ?? []).forEach((g, i) => {
    const domain: PacingDomain = { key: `garp_group#${i + 1}`, garpIntervalMs: g.garpIntervalMs ?? 0, gnaIntervalMs: g.gnaIntervalMs ?? 0 };
    for (const name of g.interfaces) byInterface.set(name, domain);
  });
  const garp = settings.garpIntervalMs ?? 0;
  const gna = settings.gnaIntervalMs ?? 0;
  return (dev) => {
    const base = baseOf(dev);
    const group = byInterface.get(base);
    if (group) return group;
    if (garp <= 0 && gna <= 0) return undefined;
    return { key: `if:${base}`, garpIntervalMs: garp, gnaIntervalMs: gna };
  };
}

/** What the extra-interface selection needs to know about one installed address. */
export interface ExtraInterfaceCandidate extends AnnounceTarget {
  /** The address lives on a VMAC this process created. */
  readonly onOurVmac: boolean;
}

/**
 * keepalived vrrp_send_vmac_update: the first address on each interface other than the
 * instance's own (unless vmac_xmit_base), and only VMACs of ours unless `garp_extra_if all`.
 */
export function extraInterfaceTargets(
  candidates: readonly ExtraInterfaceCandidate[],
  options: { readonly instanceInterface: string; readonly xmitBase: boolean; readonly all: boolean },
): AnnounceTarget[] {
  const seen = new Set<string>();
  const out: AnnounceTarget[] = [];
  for (const c of candidates) {
    if (!c.onOurVmac && !options.all) continue;
    if (c.dev === options.instanceInterface && !options.xmitBase) continue;
    if (seen.has(c.dev)) continue;
    seen.add(c.dev);
    out.push({ address: c.address, family: c.family, dev: c.dev });
  }
  return out;
}
