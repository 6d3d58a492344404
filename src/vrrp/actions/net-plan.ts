/**
 * The pure half of address, route and rule handling: from an instance's configuration to
 * netlink requests, from the kernel's answers to "is it installed?", and from a kernel
 * notification to "was that one of ours?". No sockets; the glue is net-actions.ts.
 *
 * keepalived's details (vrrp/vrrp_ipaddress.c, vrrp_iproute.c, vrrp_iprule.c,
 * core/keepalived_netlink.c), kept here:
 * - A VIP without `dev` goes on the instance's interface (its VMAC with use_vmac).
 * - IPv6 VIPs get IFA_F_NODAD unless the line says `-nodad`, and a /128 gets preferred
 *   lifetime 0 (deprecated: never picked as a source address, so health checks do not
 *   start from the VIP) unless `preferred_lft` says otherwise.
 * - `brd +` / `brd -` become the prefix's all-ones / all-zeros address for prefixes up to
 *   /30 (of the peer when there is one), as keepalived computes them.
 * - Routes are added with NLM_F_CREATE alone ("prepend") unless the line says
 *   add/append/replace; they carry protocol `keepalived` (netlink's default).
 * - Idempotence, as keepalived's netlink_parse_info: adding an address or a route that
 *   exists (EEXIST) counts as done; deleting an address that is gone (EADDRNOTAVAIL, or
 *   ENODEV because its interface is gone) counts as done. We extend the same courtesy to
 *   rules (EEXIST / ENOENT) and to routes that are gone (ESRCH / ENOENT / ENODEV), which
 *   keepalived merely logs.
 * - Order: addresses (VIPs, then eVIPs), routes, rules when adding — a route may use a
 *   VIP as its source; the reverse when deleting.
 * - Recognising our objects in notifications: an address by its interface and address
 *   (keepalived addr_is_equal); a route by family, table, destination, metric, TOS, type
 *   and, when configured, its interface (route_is_ours); a rule by family, priority,
 *   action, table and selectors (compare_rule). keepalived 2.2.7 ignores rule deletions
 *   unless the rule carries protocol `keepalived`, which its own rules never do unless
 *   configured, so in practice it never notices; we follow the evident intent and do.
 */

import type { Address, AddressSpec, BatchOutcome, NetlinkError, NetlinkRequest, Route, RouteSpec, Rule } from '../../net/netlink/index.js';
import { formatIPv4, parseIpOfFamily, parsePrefix } from '../../net/netlink/inet.js';
import { addressAddRequest, addressDeleteRequest } from '../../net/netlink/rtnl/address.js';
import { routeAddRequest, routeDeleteRequest } from '../../net/netlink/rtnl/route.js';
import { ruleAddRequest, ruleDeleteRequest } from '../../net/netlink/rtnl/rule.js';
import type { IpFamily, RouteEntry, RuleEntry, VipSpec } from './types.js';

/** A configuration the actions layer cannot carry out as written. */
export class ActionsConfigError extends Error {
  readonly code = 'ERR_VRRP_ACTIONS_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ActionsConfigError';
  }
}

/** Which list an object came from; statics belong to no instance. */
export type ItemRole = 'vip' | 'evip' | 'route' | 'rule' | 'static-address' | 'static-route' | 'static-rule';

export interface AddressItem {
  readonly category: 'address';
  readonly role: 'vip' | 'evip' | 'static-address';
  /** Position in its list, for logs ("VIP 3"). */
  readonly position: number;
  readonly family: IpFamily;
  /** Canonical address text (RFC 5952 for IPv6), as the kernel reports it. */
  readonly address: string;
  readonly prefixLength: number;
  readonly dev: string;
  readonly noTrack: boolean;
  /** Everything but the interface index, with keepalived's defaults applied. */
  readonly spec: Omit<AddressSpec, 'index'>;
}

export interface RouteItem {
  readonly category: 'route';
  readonly role: 'route' | 'static-route';
  readonly position: number;
  readonly family: IpFamily;
  readonly dev: string | undefined;
  readonly noTrack: boolean;
  readonly entry: RouteEntry;
}

export interface RuleItem {
  readonly category: 'rule';
  readonly role: 'rule' | 'static-rule';
  readonly position: number;
  readonly family: IpFamily;
  readonly noTrack: boolean;
  readonly entry: RuleEntry;
}

export type NetItem = AddressItem | RouteItem | RuleItem;

// --- from configuration to items ------------------------------------------------------------

/** Applies keepalived's defaults to one virtual_ipaddress line and checks it. */
export function addressItem(vip: VipSpec, role: AddressItem['role'], position: number, defaultDev: string | undefined): AddressItem {
  const where = `${role} ${vip.address}`;
  let parsed: ReturnType<typeof parsePrefix>;
  try {
    parsed = parsePrefix(vip.address);
  } catch (err) {
    throw new ActionsConfigError(`${where}: ${(err as Error).message}`);
  }
  if (vip.address.includes('/')) throw new ActionsConfigError(`${where}: give the prefix length as prefixLength, not in the address`);
  const family = parsed.family;
  const max = family === 4 ? 32 : 128;
  const prefixLength = vip.prefixLength ?? max;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) throw new ActionsConfigError(`${where}: prefix length ${prefixLength} is not 0..${max}`);
  const dev = vip.dev ?? defaultDev;
  if (dev === undefined) throw new ActionsConfigError(`${where}: no dev given and no interface to default to`);
  if (family === 6 && vip.label !== undefined) throw new ActionsConfigError(`${where}: labels exist only for IPv4 addresses`);
  if (family === 6 && vip.scope !== undefined) throw new ActionsConfigError(`${where}: IPv6 addresses take no scope (the kernel derives it)`);
  if (family === 6 && vip.broadcast !== undefined) throw new ActionsConfigError(`${where}: IPv6 has no broadcast address`);
  if (vip.label !== undefined && vip.label.length > 15) throw new ActionsConfigError(`${where}: label '${vip.label}' is longer than 15 characters`);
  if (vip.peer !== undefined && vip.broadcast !== undefined) throw new ActionsConfigError(`${where}: give either a peer or a broadcast address, not both`);
  let peer: string | undefined;
  if (vip.peer !== undefined) {
    try {
      const p = parsePrefix(vip.peer);
      if (p.family !== family) throw new Error(`peer ${vip.peer} is not IPv${family}`);
      peer = p.address;
    } catch (err) {
      throw new ActionsConfigError(`${where}: ${(err as Error).message}`);
    }
  }
  const spec: { -readonly [K in keyof Omit<AddressSpec, 'index'>]: Omit<AddressSpec, 'index'>[K] } = { address: parsed.address, prefixLength };
  if (peer !== undefined) spec.peer = peer;
  if (vip.broadcast !== undefined) spec.broadcast = broadcastFor(vip.broadcast, peer ?? parsed.address, prefixLength, where);
  if (vip.label !== undefined) spec.label = vip.label;
  if (vip.scope !== undefined) spec.scope = vip.scope === 'global' ? 'universe' : vip.scope;
  if (vip.home) spec.home = true;
  if (vip.mngtmpaddr) spec.mngtmpaddr = true;
  if (vip.noPrefixRoute) spec.noPrefixRoute = true;
  if (vip.autojoin) spec.autojoin = true;
  if (family === 6) {
    if (vip.nodad ?? true) spec.nodad = true;
    const preferred = vip.preferredLifetime ?? (prefixLength === 128 ? 0 : Infinity);
    if (preferred !== Infinity) spec.preferredLifetime = preferred;
  } else if (vip.nodad) {
    spec.nodad = true;
  }
  return { category: 'address', role, position, family, address: parsed.address, prefixLength, dev, noTrack: vip.noTrack === true, spec };
}

function broadcastFor(text: string, base: string, prefixLength: number, where: string): string {
  if (text !== '+' && text !== '-') {
    try {
      const p = parsePrefix(text);
      if (p.family !== 4 || text.includes('/')) throw new Error(`'${text}' is not an IPv4 address`);
      return p.address;
    } catch (err) {
      throw new ActionsConfigError(`${where}: broadcast ${(err as Error).message}`);
    }
  }
  if (prefixLength > 30) throw new ActionsConfigError(`${where}: prefix length ${prefixLength} is too long for a broadcast address`);
  const value = parseIpOfFamily(base, 4).readUInt32BE(0);
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const out = Buffer.alloc(4);
  out.writeUInt32BE(text === '+' ? (value | ~mask) >>> 0 : (value & mask) >>> 0, 0);
  return formatIPv4(out);
}

export function routeItem(entry: RouteEntry, role: RouteItem['role'], position: number): RouteItem {
  const r = entry.route;
  let family: IpFamily;
  if (r.dst === 'default') {
    if (r.family === undefined) throw new ActionsConfigError(`${role} default: needs a family (4 or 6)`);
    family = r.family;
  } else {
    try {
      family = parsePrefix(r.dst).family;
    } catch (err) {
      throw new ActionsConfigError(`${role} ${r.dst}: ${(err as Error).message}`);
    }
  }
  return { category: 'route', role, position, family, dev: entry.dev, noTrack: entry.noTrack === true, entry };
}

export function ruleItem(entry: RuleEntry, role: RuleItem['role'], position: number): RuleItem {
  const family = entry.rule.family;
  if (family !== 4 && family !== 6) throw new ActionsConfigError(`${role} ${position}: family must be 4 or 6`);
  for (const [what, text] of [['from', entry.rule.src], ['to', entry.rule.dst]] as const) {
    if (text === undefined) continue;
    let p: ReturnType<typeof parsePrefix>;
    try {
      p = parsePrefix(text);
    } catch (err) {
      throw new ActionsConfigError(`${role} ${position}: ${what} ${(err as Error).message}`);
    }
    if (p.family !== family) throw new ActionsConfigError(`${role} ${position}: ${what} ${text} is not IPv${family}`);
  }
  return { category: 'rule', role, position, family: entry.rule.family, noTrack: entry.noTrack === true, entry };
}

// --- from items to requests ----------------------------------------------------------------

export type IndexOf = (dev: string) => number | undefined;

export interface PlannedRequest {
  readonly item: NetItem;
  readonly request: NetlinkRequest;
}

export interface Plan {
  readonly requests: PlannedRequest[];
  /** Items that cannot be sent now (their interface does not exist), with why. */
  readonly skipped: { readonly item: NetItem; readonly reason: string }[];
}

const ADD_ORDER: Record<NetItem['category'], number> = { address: 0, route: 1, rule: 2 };

/** Sorts items for adding (addresses, routes, rules) or deleting (the reverse), stably. */
export function ordered(items: readonly NetItem[], op: 'add' | 'delete'): NetItem[] {
  const sign = op === 'add' ? 1 : -1;
  return items.map((item, i) => ({ item, i })).sort((a, b) => sign * (ADD_ORDER[a.item.category] - ADD_ORDER[b.item.category]) || a.i - b.i).map((x) => x.item);
}

export function addressSpec(item: AddressItem, index: number): AddressSpec {
  return { ...item.spec, index };
}

export function routeSpec(item: RouteItem, indexOf: IndexOf): RouteSpec | string {
  const { route, nexthopDevs } = item.entry;
  let nexthops = route.nexthops;
  if (nexthops && nexthopDevs?.some((d) => d !== undefined)) {
    const resolved = [];
    for (const [i, hop] of nexthops.entries()) {
      const dev = nexthopDevs[i];
      if (dev === undefined) {
        resolved.push(hop);
        continue;
      }
      const oif = indexOf(dev);
      if (oif === undefined) return `interface ${dev} does not exist`;
      resolved.push({ ...hop, oif });
    }
    nexthops = resolved;
  }
  const withHops = nexthops === route.nexthops ? { ...route } : { ...route, nexthops };
  if (item.dev === undefined) return withHops;
  const oif = indexOf(item.dev);
  if (oif === undefined) return `interface ${item.dev} does not exist`;
  return { ...withHops, oif };
}

export function plan(items: readonly NetItem[], op: 'add' | 'delete', indexOf: IndexOf): Plan {
  const requests: PlannedRequest[] = [];
  const skipped: Plan['skipped'] = [];
  for (const item of ordered(items, op)) {
    switch (item.category) {
      case 'address': {
        const index = indexOf(item.dev);
        if (index === undefined) {
          // keepalived: "Not adding address ... since interface doesn't exist"; a delete
          // is pointless because the kernel took the address with the interface.
          skipped.push({ item, reason: `interface ${item.dev} does not exist` });
          break;
        }
        const spec = addressSpec(item, index);
        requests.push({ item, request: op === 'add' ? addressAddRequest(spec) : addressDeleteRequest(spec) });
        break;
      }
      case 'route': {
        const spec = routeSpec(item, indexOf);
        if (typeof spec === 'string') {
          skipped.push({ item, reason: spec });
          break;
        }
        const verb = item.entry.verb ?? 'prepend';
        requests.push({ item, request: op === 'add' ? routeAddRequest(spec, { [verb]: true }) : routeDeleteRequest(spec) });
        break;
      }
      case 'rule':
        requests.push({ item, request: op === 'add' ? ruleAddRequest(item.entry.rule) : ruleDeleteRequest(item.entry.rule) });
        break;
    }
  }
  return { requests, skipped };
}

/**
 * The last `add` plan of a set, kept with the interface indexes it was computed from. A BACKUP
 * plans its install ahead (NetObjectSet.prepareInstall), so taking over sends requests encoded
 * earlier instead of encoding them while the first GARP waits (RFC 5798 §6.4.2 wants the
 * addresses up at once). The plan depends on nothing but the items and `indexOf`, so it is
 * reused while the same items are asked for and every interface it looked up still has the
 * index it had; anything else plans again.
 */
export class AddPlanCache {
  #kept: { readonly items: readonly NetItem[]; readonly lookups: ReadonlyMap<string, number | undefined>; readonly plan: Plan } | undefined;

  plan(items: readonly NetItem[], indexOf: IndexOf): Plan {
    const kept = this.#kept;
    if (kept && sameItems(kept.items, items) && [...kept.lookups].every(([dev, index]) => indexOf(dev) === index)) return kept.plan;
    const lookups = new Map<string, number | undefined>();
    const planned = plan(items, 'add', (dev) => {
      const index = indexOf(dev);
      lookups.set(dev, index);
      return index;
    });
    this.#kept = { items: [...items], lookups, plan: planned };
    return planned;
  }
}

function sameItems(a: readonly NetItem[], b: readonly NetItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

// --- from answers to state -----------------------------------------------------------------

export type ItemResult =
  | { readonly result: 'done' }
  /** Added but it was there already / deleted but it was gone already: fine, as keepalived. */
  | { readonly result: 'already'; readonly code: string }
  | { readonly result: 'failed'; readonly error: NetlinkError };

const ALREADY: Record<'add' | 'delete', Record<NetItem['category'], readonly string[]>> = {
  add: { address: ['EEXIST'], route: ['EEXIST'], rule: ['EEXIST'] },
  delete: { address: ['EADDRNOTAVAIL', 'ENODEV'], route: ['ESRCH', 'ENOENT', 'ENODEV'], rule: ['ENOENT'] },
};

export function classify(item: NetItem, op: 'add' | 'delete', outcome: BatchOutcome): ItemResult {
  if (outcome.ok) return { result: 'done' };
  if (ALREADY[op][item.category].includes(outcome.error.code)) return { result: 'already', code: outcome.error.code };
  return { result: 'failed', error: outcome.error };
}

// --- recognising our objects in notifications -----------------------------------------------

/** keepalived addr_is_equal: same interface, same address. */
export function addressMatches(item: AddressItem, removed: Address, indexOf: IndexOf): boolean {
  return removed.family === item.family && removed.address === item.address && indexOf(item.dev) === removed.index;
}

/** keepalived route_is_ours, with the kernel's default IPv6 metric (1024) taken for "none". */
export function routeMatches(item: RouteItem, removed: Route, indexOf: IndexOf): boolean {
  const r = item.entry.route;
  if (removed.family !== item.family) return false;
  if (removed.table !== (r.table ?? 254)) return false;
  if (removed.tos !== (r.tos ?? 0)) return false;
  if (removed.type !== (r.type ?? 'unicast')) return false;
  const want = r.dst === 'default' ? (item.family === 4 ? '0.0.0.0/0' : '::/0') : canonicalPrefix(r.dst);
  if (removed.dst !== want) return false;
  const defaultMetrics = item.family === 6 ? [undefined, 0, 1024] : [undefined, 0];
  if (r.metric !== undefined ? removed.metric !== r.metric : !defaultMetrics.includes(removed.metric)) return false;
  if (item.dev !== undefined && removed.oif !== indexOf(item.dev)) return false;
  return true;
}

/** keepalived compare_rule. */
export function ruleMatches(item: RuleItem, removed: Rule): boolean {
  const r = item.entry.rule;
  if (removed.family !== r.family) return false;
  if (r.priority !== undefined && removed.priority !== r.priority) return false;
  const action = r.action ?? (r.goto !== undefined ? 'goto' : 'to_tbl');
  if (removed.action !== action) return false;
  if (action === 'to_tbl' && !r.l3mdev && removed.table !== (r.table ?? 254)) return false;
  if ((r.src === undefined ? undefined : canonicalPrefix(r.src)) !== removed.src) return false;
  if ((r.dst === undefined ? undefined : canonicalPrefix(r.dst)) !== removed.dst) return false;
  if (r.fwmark !== undefined && removed.fwmark !== r.fwmark) return false;
  if ((r.iif ?? undefined) !== removed.iif || (r.oif ?? undefined) !== removed.oif) return false;
  if ((r.not ?? false) !== removed.not) return false;
  return true;
}

function canonicalPrefix(text: string): string {
  const p = parsePrefix(text);
  return `${p.address}/${p.prefixLength}`;
}

/** `ip addr` style text for logs: "10.0.0.1/24 dev eth0". */
export function describeItem(item: NetItem): string {
  switch (item.category) {
    case 'address':
      return `${item.address}/${item.prefixLength}${item.spec.peer ? ` peer ${item.spec.peer}` : ''} dev ${item.dev}${item.spec.label ? ` label ${item.spec.label}` : ''}`;
    case 'route': {
      const r = item.entry.route;
      return `${r.type && r.type !== 'unicast' ? `${r.type} ` : ''}${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${item.dev ? ` dev ${item.dev}` : ''}${r.table !== undefined ? ` table ${r.table}` : ''}${r.metric !== undefined ? ` metric ${r.metric}` : ''}`;
    }
    case 'rule': {
      const r = item.entry.rule;
      return `${r.priority !== undefined ? `priority ${r.priority} ` : ''}from ${r.src ?? 'all'}${r.dst ? ` to ${r.dst}` : ''}${r.table !== undefined ? ` lookup ${r.table}` : ''}`;
    }
  }
}
