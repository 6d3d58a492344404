/**
 * The vocabulary of the VRRP actions layer: what an instance asks the kernel for when it
 * becomes MASTER (virtual addresses, routes and rules), how it announces itself (GARP/NA
 * timings), and the small clock interface every timed part of this layer is given.
 *
 * These are domain types, deliberately independent of keepalived.conf's model: an adapter
 * maps a compiled `vrrp_instance` (virtual_ipaddress, virtual_ipaddress_excluded,
 * virtual_routes, virtual_rules, garp_* and the global vrrp_garp_* keywords) onto them.
 * Units are the domain's: milliseconds for time, seconds for address lifetimes (the
 * kernel's unit), interface *names* rather than indexes (an index is looked up when a
 * request is built, because interfaces come and go; keepalived does the same).
 */

import type { RouteSpec, RuleSpec } from '../../net/netlink/index.js';

/** 4 or 6. */
export type IpFamily = 4 | 6;

/** Scopes as `ip address add ... scope X` names them, or the raw RT_SCOPE number. */
export type AddressScope = 'universe' | 'global' | 'site' | 'link' | 'host' | 'nowhere' | number;

/**
 * One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress:
 * `ADDR[/LEN] [brd ADDR|+|-] [dev IF] [scope S] [label L] [peer ADDR] [home] [-nodad]
 *  [mngtmpaddr] [noprefixroute] [autojoin] [no_track] [preferred_lft N|forever]`.
 */
export interface VipSpec {
  readonly address: string;
  /** Default 32 (IPv4) / 128 (IPv6). With `peer`, the peer's prefix length. */
  readonly prefixLength?: number;
  /** `dev IF`; default: the instance's interface (its VMAC when use_vmac). */
  readonly dev?: string;
  readonly scope?: AddressScope;
  /** IPv4 only; keepalived drops labels given to IPv6 addresses. */
  readonly label?: string;
  /** `brd ADDR`, or '+' / '-' for the prefix's all-ones / all-zeros host part. */
  readonly broadcast?: string;
  readonly peer?: string;
  readonly home?: boolean;
  /**
   * IFA_F_NODAD. keepalived sets it on every IPv6 VIP unless the line says `-nodad`
   * (then DAD runs); undefined means "keepalived's default".
   */
  readonly nodad?: boolean;
  readonly mngtmpaddr?: boolean;
  readonly noPrefixRoute?: boolean;
  readonly autojoin?: boolean;
  /**
   * IPv6 preferred lifetime, seconds, or Infinity (`forever`). Undefined means keepalived's
   * default: 0 (deprecated, so never chosen as a source address) for a /128, forever otherwise.
   */
  readonly preferredLifetime?: number;
  /** `no_track`: deleting it from outside does not make the instance leave MASTER. */
  readonly noTrack?: boolean;
}

/** How a route is added when one with the same key exists (`ip route add|append|prepend|replace`). */
export type RouteAddVerb = 'add' | 'append' | 'prepend' | 'replace';

/**
 * One line of virtual_routes / static_routes. `route` carries the netlink route fields
 * (dst, table, metric, gateway, ...) except the output interface, which is named by `dev`
 * and resolved to an index when the request is built.
 */
export interface RouteEntry {
  readonly route: Omit<RouteSpec, 'oif'>;
  readonly dev?: string;
  /**
   * Output interfaces of `route.nexthops`, by position (`nexthop ... dev IF`), resolved to
   * indexes when the request is built as `dev` is; an entry left undefined keeps the next
   * hop's own `oif`.
   */
  readonly nexthopDevs?: readonly (string | undefined)[];
  /**
   * Default 'prepend': keepalived adds routes with NLM_F_CREATE alone (vrrp_iproute.c:
   * "the equivalent ip route command to add a route is: ip route prepend").
   */
  readonly verb?: RouteAddVerb;
  readonly noTrack?: boolean;
}

/** One line of virtual_rules / static_rules (rules name their interfaces themselves). */
export interface RuleEntry {
  readonly rule: RuleSpec;
  readonly noTrack?: boolean;
}

/**
 * An instance's GARP / unsolicited NA timings, resolved from the instance and global_defs
 * by the config compiler (garp_master_*, garp_lower_prio_*, garp_extra_if, their vrrp_*
 * globals, vrrp_min_garp, strict mode). Times in ms.
 */
export interface GarpTimings {
  /** garp_master_delay: a second burst this long after becoming MASTER; 0 = none. */
  readonly masterDelayMs: number;
  /** garp_master_repeat: messages per address in each burst (>= 1). */
  readonly masterRepeat: number;
  /** garp_master_refresh: re-announce this often while MASTER; 0 = never. */
  readonly masterRefreshMs: number;
  /** garp_master_refresh_repeat: messages per address in each refresh. */
  readonly masterRefreshRepeat: number;
  /** garp_lower_prio_delay: a second burst this long after a lower-priority advert; 0 = none. */
  readonly lowerPrioDelayMs: number;
  /** garp_lower_prio_repeat: messages per address after a lower-priority advert; 0 = none. */
  readonly lowerPrioRepeat: number;
  /** garp_extra_if: one GARP/NA per extra interface this often while MASTER; 0 = never. */
  readonly extraIfIntervalMs: number;
  /** garp_extra_if all: every interface carrying a VIP, not only our VMACs. */
  readonly extraIfAll: boolean;
}

/**
 * What an instance gets when neither it nor global_defs says anything (keepalived
 * vrrp.h VRRP_GARP_*: 5 messages at once and 5 more after 5 s; the lower-priority values
 * follow the master ones). The config compiler resolves the real values
 * (src/vrrp/config/instance-resolve.ts); this is for tests and tools.
 */
export const KEEPALIVED_GARP_DEFAULTS: GarpTimings = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  masterRefreshRepeat: 1,
  lowerPrioDelayMs: 5000,
  lowerPrioRepeat: 5,
  extraIfIntervalMs: 0,
  extraIfAll: false,
};

/**
 * Rate limits for GARPs / NAs on an interface, shared by every interface of a garp_group
 * (or per interface, from the global vrrp_garp_interval / vrrp_gna_interval). Times in ms;
 * 0 = no limit.
 */
export interface PacingDomain {
  /** Identifies the shared timer: the garp_group, or the interface. */
  readonly key: string;
  readonly garpIntervalMs: number;
  readonly gnaIntervalMs: number;
}

/** The timers every timed part of this layer runs on; tests pass a fake. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Whatever the clock returns from setTimeout (a Node Timeout, a fake's token). */
export type TimerHandle = object | number;

/** The real clock: performance.now() and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
