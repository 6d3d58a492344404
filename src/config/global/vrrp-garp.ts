/**
 * global_defs, "GARP / NA" area (census §3.2; keepalived
 * core/global_parser.c): defaults for the gratuitous ARPs and unsolicited
 * neighbour adverts an instance sends on becoming MASTER, their pacing per
 * interface, and the names keepalived gives the VMAC interfaces it creates.
 *
 * Resolved in finish, as keepalived does when it completes the config:
 * - vrrp_garp_lower_prio_delay/repeat default to vrrp_garp_master_delay/repeat;
 * - vrrp_min_garp sends a single GARP with no second burst: it sets
 *   vrrp_garp_master_repeat 1 and vrrp_garp_master_delay 0 unless those are
 *   given. (keepalived compares with the built-in values instead, so an
 *   explicit "5" written after vrrp_min_garp is overridden there; it also
 *   sets the refresh repeat to 0, which only matters with a refresh, where
 *   it would send nothing — here the refresh repeat keeps its value.)
 * - vmac_addr_prefix defaults to vmac_prefix, which defaults to "vrrp".
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import type { Keyword, ValueType } from '../schema/types.js';
import { int, oneWord, timer, wholeSeconds } from '../schema/values.js';
import { defineGlobalArea } from './area.js';

export interface GarpExtraInterfaces {
  /** 0 = off. */
  readonly intervalMs: number;
  readonly allInterfaces: boolean;
}

export interface VrrpGarpDefaults {
  vrrpGarpMasterDelayMs: number;
  vrrpGarpMasterRepeat: number;
  vrrpGarpMasterRefreshMs: number;
  vrrpGarpMasterRefreshRepeat: number;
  /** Resolved: vrrpGarpMasterDelayMs unless given. */
  vrrpGarpLowerPrioDelayMs: number;
  /** Resolved: vrrpGarpMasterRepeat unless given. */
  vrrpGarpLowerPrioRepeat: number;
  /** Minimum gap between gratuitous ARPs on one interface, ms (µs resolution); 0 = none. */
  vrrpGarpIntervalMs: number;
  /** Minimum gap between unsolicited NAs on one interface, ms (µs resolution); 0 = none. */
  vrrpGnaIntervalMs: number;
  vrrpMinGarp: boolean;
  /** Default garp_extra_if of the instances. */
  vrrpGarpExtraIf: GarpExtraInterfaces;
  /** Name prefix of the VMACs keepalived creates ("vrrp" → vrrp.51). */
  vmacPrefix: string;
  /** Name prefix of VMACs created for VIPs on other interfaces; resolved to vmacPrefix unless given. */
  vmacAddrPrefix: string;
}

const k = keywordsFor<VrrpGarpDefaults>();

const UINT_MAX = 0xffff_ffff;
const GARP_DELAY_MAX_S = Math.floor(UINT_MAX / 1_000_000);
const EXTRA_IF_MAX_S = 86_400;

const extraIf: ValueType<GarpExtraInterfaces> = {
  syntax: `[all] 1..${EXTRA_IF_MAX_S}`,
  parse(words, at) {
    let allInterfaces = false;
    let seconds: number | undefined;
    for (const w of words) {
      if (w.text === 'all') allInterfaces = true;
      else if (seconds === undefined) seconds = int(1, EXTRA_IF_MAX_S).parse([w], at);
      else throw new ConfigValueError(`unexpected extra parameter '${w.text}'`, w.loc);
    }
    if (seconds === undefined) throw new ConfigValueError(`${at.text} specified without time`, at.loc);
    return { intervalMs: seconds * 1000, allInterfaces };
  },
  format: (v) => (v.allInterfaces ? ['all', String(v.intervalMs / 1000)] : [String(v.intervalMs / 1000)]),
};

const ifPrefix: ValueType<string> = {
  syntax: 'PREFIX',
  parse(words, at) {
    const w = oneWord(words, at);
    if (w.text === '' || /[/:\s]/.test(w.text)) throw new ConfigValueError(`invalid interface name prefix '${w.text}'`, w.loc);
    return w.text;
  },
  format: (v) => [v],
};

const isSet = (ctx: { locations: { get(o: object, f?: string): unknown } }, o: object, f: keyof VrrpGarpDefaults) => ctx.locations.get(o, f) !== undefined;

/** keepalived reports this deprecated spelling as a config error (`-t` fails), so warn, not just note. */
function deprecatedSpelling(kw: Keyword<VrrpGarpDefaults>, alias: string, message: string): Keyword<VrrpGarpDefaults> {
  return {
    ...kw,
    apply(m, stmt, ctx) {
      if (stmt.keyword.text === alias) ctx.diags.warning(message, stmt.keyword.loc, alias);
      kw.apply(m, stmt, ctx);
    },
  };
}

/**
 * A setting derived from another one unless given: printed only when it
 * differs from what finish would derive, so the text compiles back the same.
 */
function derivedFrom(kw: Keyword<VrrpGarpDefaults>, derived: (m: VrrpGarpDefaults) => VrrpGarpDefaults): Keyword<VrrpGarpDefaults> {
  return { ...kw, print: (m) => kw.print(m, derived(m)) };
}

export const vrrpGarpArea = defineGlobalArea<VrrpGarpDefaults>({
  name: 'GARP / NA',
  create: () => ({
    vrrpGarpMasterDelayMs: 5000,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefreshMs: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpLowerPrioDelayMs: 5000,
    vrrpGarpLowerPrioRepeat: 5,
    vrrpGarpIntervalMs: 0,
    vrrpGnaIntervalMs: 0,
    vrrpMinGarp: false,
    vrrpGarpExtraIf: { intervalMs: 0, allInterfaces: false },
    vmacPrefix: 'vrrp',
    vmacAddrPrefix: 'vrrp',
  }),
  keywords: [
    derivedFrom(k.scalar('vrrp_garp_master_delay', wholeSeconds(0, GARP_DELAY_MAX_S), 'vrrpGarpMasterDelayMs', {
      tag: 'COMMON',
      doc: 'Seconds after becoming MASTER before the second burst of gratuitous ARPs/NAs (0: none).',
      default: '5 (0 with vrrp_min_garp)',
    }), (m) => ({ ...m, vrrpGarpMasterDelayMs: m.vrrpMinGarp ? 0 : 5000 })),
    derivedFrom(k.scalar('vrrp_garp_master_repeat', int(1, UINT_MAX), 'vrrpGarpMasterRepeat', {
      tag: 'COMMON',
      doc: 'Gratuitous ARPs/NAs per burst on becoming MASTER.',
      default: '5 (1 with vrrp_min_garp)',
    }), (m) => ({ ...m, vrrpGarpMasterRepeat: m.vrrpMinGarp ? 1 : 5 })),
    k.scalar('vrrp_garp_master_refresh', wholeSeconds(0, UINT_MAX), 'vrrpGarpMasterRefreshMs', {
      tag: 'COMMON',
      doc: 'Seconds between periodic gratuitous ARPs/NAs while MASTER (0: none).',
      default: '0',
    }),
    k.scalar('vrrp_garp_master_refresh_repeat', int(1, UINT_MAX), 'vrrpGarpMasterRefreshRepeat', {
      tag: 'COMMON',
      doc: 'Gratuitous ARPs/NAs sent at each refresh.',
      default: '1',
    }),
    derivedFrom(k.scalar('vrrp_garp_lower_prio_delay', wholeSeconds(0, GARP_DELAY_MAX_S), 'vrrpGarpLowerPrioDelayMs', {
      tag: 'RARE',
      doc: 'Seconds before the second burst of gratuitous ARPs/NAs after a MASTER receives a lower-priority advert.',
      default: 'vrrp_garp_master_delay',
    }), (m) => ({ ...m, vrrpGarpLowerPrioDelayMs: m.vrrpGarpMasterDelayMs })),
    derivedFrom(k.scalar('vrrp_garp_lower_prio_repeat', int(0, 0x7fff_ffff), 'vrrpGarpLowerPrioRepeat', {
      tag: 'RARE',
      doc: 'Gratuitous ARPs/NAs per burst after a MASTER receives a lower-priority advert.',
      default: 'vrrp_garp_master_repeat',
    }), (m) => ({ ...m, vrrpGarpLowerPrioRepeat: m.vrrpGarpMasterRepeat })),
    k.scalar('vrrp_garp_interval', timer(0.001, UINT_MAX / 1000), 'vrrpGarpIntervalMs', {
      tag: 'COMMON',
      doc: 'Minimum seconds (µs resolution) between gratuitous ARPs on one interface.',
      default: '0',
    }),
    k.scalar('vrrp_gna_interval', timer(0.001, UINT_MAX / 1000), 'vrrpGnaIntervalMs', {
      tag: 'COMMON',
      doc: 'Minimum seconds (µs resolution) between unsolicited neighbour adverts on one interface.',
      default: '0',
    }),
    k.flag('vrrp_min_garp', 'vrrpMinGarp', {
      tag: 'RARE',
      doc: 'Send one gratuitous ARP/NA on becoming MASTER and no second burst (unless repeat/delay are given).',
    }),
    deprecatedSpelling(k.scalar('vrrp_garp_extra_if', extraIf, 'vrrpGarpExtraIf', {
      tag: 'RARE',
      aliases: [{ name: 'vrrp_vmac_garp_intvl', deprecated: true }],
      doc: 'Default seconds between gratuitous ARPs/NAs on the VMACs (all: every interface) of VIPs off the instance interface.',
      default: '0 (off)',
    }), 'vrrp_vmac_garp_intvl', 'Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"'),
    k.scalar('vmac_prefix', ifPrefix, 'vmacPrefix', { tag: 'RARE', doc: 'Name prefix of the VMAC interfaces keepalived creates.', default: 'vrrp' }),
    derivedFrom(k.scalar('vmac_addr_prefix', ifPrefix, 'vmacAddrPrefix', {
      tag: 'RARE',
      doc: 'Name prefix of the VMACs created for VIPs on other interfaces (use_vmac_addr).',
      default: 'vmac_prefix',
    }), (m) => ({ ...m, vmacAddrPrefix: m.vmacPrefix })),
  ],
  finish(g, ctx) {
    if (g.vrrpMinGarp) {
      if (!isSet(ctx, g, 'vrrpGarpMasterRepeat')) g.vrrpGarpMasterRepeat = 1;
      if (!isSet(ctx, g, 'vrrpGarpMasterDelayMs')) g.vrrpGarpMasterDelayMs = 0;
    }
    if (!isSet(ctx, g, 'vrrpGarpLowerPrioDelayMs')) g.vrrpGarpLowerPrioDelayMs = g.vrrpGarpMasterDelayMs;
    if (!isSet(ctx, g, 'vrrpGarpLowerPrioRepeat')) g.vrrpGarpLowerPrioRepeat = g.vrrpGarpMasterRepeat;
    if (!isSet(ctx, g, 'vmacAddrPrefix')) g.vmacAddrPrefix = g.vmacPrefix;
  },
});
