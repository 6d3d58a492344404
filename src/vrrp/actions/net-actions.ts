/**
 * Addresses, routes and rules in the kernel: one set per VRRP instance (its VIPs, eVIPs,
 * virtual_routes and virtual_rules) and one for the static_* blocks, each installed and
 * removed in ONE netlink batch (one sendmsg for the whole set; the kernel answers each
 * item, so one failure does not hide the others), and watched for deletions from outside.
 *
 * State per item is just "installed or not", as keepalived's `set` flag: an item is
 * installed when its add succeeded (or found it already there), and only installed items
 * are deleted when the set is removed — unless the removal is forced (keepalived `-V`
 * dont_release_vrrp, or clearing leftovers), which deletes everything and takes "already
 * gone" for success. Operations on one set run one after another in the order asked, so
 * a MASTER -> BACKUP -> MASTER flap issues add, delete, add, never a mix.
 *
 * Deletions from outside. keepalived's netlink reflector (core/keepalived_netlink.c): if a
 * tracked VIP, eVIP, virtual route or virtual rule of a MASTER instance disappears, the
 * instance gives up MASTER (set_vrrp_backup) — here the set emits `externalRemoval` and
 * the instance's owner decides; `no_track` items are merely marked not installed. A
 * deleted static address, route or rule is put back (reinstate_static_*), unless
 * `no_track`. Our own deletions never trigger this: items are marked not installed
 * before their delete is sent, so the notification finds nothing of ours.
 *
 * The watch: the interface table's `addressRemoved` events, and a route/rule monitor
 * whose RTM_DELROUTE / RTM_DELRULE notifications are decoded here. If that monitor
 * loses notifications (overrun), the routes and rules are dumped and every installed
 * item that is missing is handled as deleted.
 */

import { EventEmitter } from 'node:events';
import type { Address, BatchOutcome, NetlinkMessage, NetlinkRequest, Route, Rule } from '../../net/netlink/index.js';
import { NetlinkDecodeError, RTNLGRP } from '../../net/netlink/index.js';
import { RTM } from '../../net/netlink/rtnl/constants.js';
import { decodeRoute } from '../../net/netlink/rtnl/route.js';
import { decodeRule } from '../../net/netlink/rtnl/rule.js';
import {
  AddPlanCache, addressItem, addressMatches, classify, plan, routeItem, routeMatches, ruleItem, ruleMatches,
  type AddressItem, type IndexOf, type ItemResult, type NetItem,
} from './net-plan.js';
import type { RouteEntry, RuleEntry, VipSpec } from './types.js';

/** The netlink operations this module needs (an Rtnl, or a fake in tests). */
export interface RtnlPort {
  /** `onSettled`: the outcomes, synchronously, as soon as the last answer is read (RequestEngine.batch). */
  batch(requests: readonly NetlinkRequest[], options?: { onSettled?: (outcomes: BatchOutcome[]) => void }): Promise<BatchOutcome[]>;
  /** Sends the batch asked for now instead of at the end of the tick (latency-critical installs). */
  flush?(): void;
  routes(family?: 4 | 6): Promise<Route[]>;
  rules(family?: 4 | 6): Promise<Rule[]>;
}

/** What this module needs of the interface table. */
export interface InterfacesPort {
  indexOf(name: string): number | undefined;
}

export interface ApplyReport {
  readonly op: 'add' | 'delete';
  readonly results: readonly { readonly item: NetItem; readonly outcome: ItemResult }[];
  readonly skipped: readonly { readonly item: NetItem; readonly reason: string }[];
  /** Netlink messages sent (all in one batch). */
  readonly sent: number;
}

export interface ExternalRemoval {
  readonly set: string;
  readonly item: NetItem;
  /** false for `no_track` items: nothing else happens. */
  readonly tracked: boolean;
}

export interface NetSetEvents {
  /** A batch finished; failures are in the report (log them). */
  applied: [ApplyReport];
  /** One of our installed objects was deleted from outside. */
  externalRemoval: [ExternalRemoval];
  /** A static object deleted from outside was put back (or failed to be). */
  reinstated: [ApplyReport];
}

/** The instance's share: what it installs on becoming MASTER. */
export interface InstanceNetConfig {
  readonly name: string;
  /** Where VIPs without `dev` go: the instance's interface, or its VMAC. */
  readonly interface: string | undefined;
  readonly vips: readonly VipSpec[];
  readonly evips: readonly VipSpec[];
  readonly routes: readonly RouteEntry[];
  readonly rules: readonly RuleEntry[];
}

export interface StaticNetConfig {
  readonly addresses: readonly VipSpec[];
  readonly routes: readonly RouteEntry[];
  readonly rules: readonly RuleEntry[];
  /** default_interface, for static addresses without `dev`. */
  readonly defaultInterface?: string;
}

export class NetObjectSet extends EventEmitter<NetSetEvents> {
  readonly name: string;
  readonly items: readonly NetItem[];
  /** What to do when a tracked item is deleted from outside. */
  readonly onRemoval: 'report' | 'reinstate';
  readonly #rtnl: RtnlPort;
  readonly #interfaces: InterfacesPort;
  readonly #installed = new Set<NetItem>();
  /** Between install() and remove(): deletions from outside matter. */
  #active = false;
  #chain: Promise<unknown> = Promise.resolve();
  /** Operations enqueued and not finished. */
  #outstanding = 0;
  readonly #addPlans = new AddPlanCache();

  constructor(name: string, items: readonly NetItem[], onRemoval: 'report' | 'reinstate', rtnl: RtnlPort, interfaces: InterfacesPort) {
    super();
    this.name = name;
    this.items = items;
    this.onRemoval = onRemoval;
    this.#rtnl = rtnl;
    this.#interfaces = interfaces;
  }

  /** An instance's VIPs, eVIPs, virtual routes and rules (checked now: bad input throws). */
  static forInstance(config: InstanceNetConfig, rtnl: RtnlPort, interfaces: InterfacesPort): NetObjectSet {
    const items: NetItem[] = [
      ...config.vips.map((v, i) => addressItem(v, 'vip', i + 1, config.interface)),
      ...config.evips.map((v, i) => addressItem(v, 'evip', i + 1, config.interface)),
      ...config.routes.map((r, i) => routeItem(r, 'route', i + 1)),
      ...config.rules.map((r, i) => ruleItem(r, 'rule', i + 1)),
    ];
    return new NetObjectSet(config.name, items, 'report', rtnl, interfaces);
  }

  /** static_ipaddress, static_routes, static_rules. */
  static forStatics(config: StaticNetConfig, rtnl: RtnlPort, interfaces: InterfacesPort): NetObjectSet {
    const items: NetItem[] = [
      ...config.addresses.map((v, i) => addressItem(v, 'static-address', i + 1, config.defaultInterface)),
      ...config.routes.map((r, i) => routeItem(r, 'static-route', i + 1)),
      ...config.rules.map((r, i) => ruleItem(r, 'static-rule', i + 1)),
    ];
    return new NetObjectSet('static', items, 'reinstate', rtnl, interfaces);
  }

  get active(): boolean {
    return this.#active;
  }

  isInstalled(item: NetItem): boolean {
    return this.#installed.has(item);
  }

  /** Installed addresses in configuration order (VIPs, then eVIPs): what GARPs announce. */
  installedAddresses(): AddressItem[] {
    return this.items.filter((i): i is AddressItem => i.category === 'address' && this.#installed.has(i));
  }

  /**
   * Plans the install of every item now, so that a takeover, which installs them all, sends
   * requests encoded in advance (AddPlanCache).
   */
  prepareInstall(): void {
    // Everything: what a BACKUP installs on taking over (its removal may still be queued now).
    this.#addPlans.plan(this.items, this.#indexOf);
  }

  /**
   * Adds every item not installed yet, in one batch. `onApplied` gets the report synchronously
   * as soon as the kernel's answers are read — for a takeover, inside this very call when
   * nothing was queued before it — so a new MASTER's first GARP does not wait for promise
   * jobs; the returned promise resolves with the same report.
   */
  install(options: { onApplied?: (report: ApplyReport) => void } = {}): Promise<ApplyReport> {
    this.#active = true;
    return this.#enqueue(() => this.#apply('add', this.#notInstalled(), options.onApplied));
  }

  #notInstalled(): NetItem[] {
    return this.items.filter((i) => !this.#installed.has(i));
  }

  /**
   * Deletes what is installed, in one batch; `force` deletes every item whether or not
   * we installed it (keepalived -V, or leftovers of a previous run). `categories` limits
   * the removal to those kinds of item (keepalived's start-up clean-up leaves routes alone).
   */
  remove(options: { force?: boolean; categories?: readonly NetItem['category'][] } = {}): Promise<ApplyReport> {
    this.#active = false;
    return this.#enqueue(() => {
      const kinds = options.categories;
      const items = (options.force ? [...this.items] : this.items.filter((i) => this.#installed.has(i)))
        .filter((i) => kinds === undefined || kinds.includes(i.category));
      for (const i of items) this.#installed.delete(i);
      return this.#apply('delete', items);
    });
  }

  /** Resolves when every operation asked for so far has finished. */
  settled(): Promise<void> {
    return this.#chain.then(() => undefined, () => undefined);
  }

  // --- notifications (from NetWatch) ------------------------------------------------------

  addressRemoved(removed: Address): void {
    this.#removed((item) => item.category === 'address' && addressMatches(item, removed, this.#indexOf));
  }

  routeRemoved(removed: Route): void {
    this.#removed((item) => item.category === 'route' && routeMatches(item, removed, this.#indexOf));
  }

  ruleRemoved(removed: Rule): void {
    this.#removed((item) => item.category === 'rule' && ruleMatches(item, removed));
  }

  /** After lost notifications: every installed route or rule that is not in the dump was deleted. */
  async verifyRoutesAndRules(): Promise<void> {
    const wanted = [...this.#installed].filter((i) => i.category !== 'address');
    if (!this.#active || wanted.length === 0) return;
    const [routes, rules] = await Promise.all([this.#rtnl.routes(), this.#rtnl.rules()]);
    for (const item of wanted) {
      const present = item.category === 'route'
        ? routes.some((r) => routeMatches(item, r, this.#indexOf))
        : item.category === 'rule' && rules.some((r) => ruleMatches(item, r));
      if (!present) this.#removed((i) => i === item);
    }
  }

  readonly #indexOf: IndexOf = (dev) => this.#interfaces.indexOf(dev);

  #removed(matches: (item: NetItem) => boolean): void {
    if (!this.#active) return;
    const item = [...this.#installed].find(matches);
    if (!item) return;
    this.#installed.delete(item);
    this.emit('externalRemoval', { set: this.name, item, tracked: !item.noTrack });
    if (this.onRemoval === 'reinstate' && !item.noTrack) {
      void this.#enqueue(() => this.#apply('add', [item])).then((report) => this.emit('reinstated', report));
    }
  }

  /**
   * Runs `op` after every operation asked for before it. With nothing outstanding it starts
   * at once, in the caller's tick, so a takeover's netlink batch leaves before the rest of
   * the transition's work (logging, notify) rather than after it.
   */
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#outstanding === 0 ? startNow(op) : this.#chain.then(op, op);
    this.#outstanding += 1;
    const done = (): void => { this.#outstanding -= 1; };
    this.#chain = next.then(done, done);
    return next;
  }

  async #apply(op: 'add' | 'delete', items: readonly NetItem[], onApplied?: (report: ApplyReport) => void): Promise<ApplyReport> {
    const { requests, skipped } = op === 'add' ? this.#addPlans.plan(items, this.#indexOf) : plan(items, op, this.#indexOf);
    let report: ApplyReport | undefined;
    const finish = (outcomes: readonly BatchOutcome[]): ApplyReport => {
      if (report) return report;
      const results = requests.map((r, i) => {
        const outcome = classify(r.item, op, outcomes[i]!);
        // Installed means "in the kernel", even if a removal is already queued behind us.
        if (op === 'add' && outcome.result !== 'failed') this.#installed.add(r.item);
        return { item: r.item, outcome };
      });
      report = { op, results, skipped, sent: requests.length };
      this.emit('applied', report);
      onApplied?.(report);
      return report;
    };
    if (requests.length === 0) return finish([]);
    const sending = this.#rtnl.batch(requests.map((r) => r.request), { onSettled: finish });
    // Addresses going in are what a new MASTER's GARPs wait for: send them now.
    if (op === 'add') this.#rtnl.flush?.();
    return finish(await sending);
  }
}

/** Calls `op` now; a synchronous throw becomes a rejection, as it would inside a then(). */
function startNow<T>(op: () => Promise<T>): Promise<T> {
  try {
    return op();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Feeds kernel notifications to the sets: address removals from the interface table,
 * route and rule removals from a monitor on the route and rule groups.
 */
export class NetWatch {
  readonly #sets = new Set<NetObjectSet>();
  #dropped = 0;

  constructor(
    interfaces: { on(event: 'addressRemoved', listener: (a: Address) => void): unknown },
    monitor?: { on(event: 'notification', l: (m: NetlinkMessage) => void): unknown; on(event: 'overrun', l: () => void): unknown },
  ) {
    interfaces.on('addressRemoved', (a) => {
      for (const set of this.#sets) set.addressRemoved(a);
    });
    if (monitor) {
      monitor.on('notification', (m) => this.notification(m));
      monitor.on('overrun', () => {
        for (const set of this.#sets) void set.verifyRoutesAndRules().catch(() => undefined);
      });
    }
  }

  /** Monitor groups to subscribe to (openRtnlMonitor). */
  static readonly groups = [RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE, RTNLGRP.IPV4_RULE, RTNLGRP.IPV6_RULE] as const;

  add(set: NetObjectSet): void {
    this.#sets.add(set);
  }

  delete(set: NetObjectSet): void {
    this.#sets.delete(set);
  }

  /** Notifications that did not decode. */
  get dropped(): number {
    return this.#dropped;
  }

  notification(msg: NetlinkMessage): void {
    try {
      if (msg.type === RTM.DELROUTE) {
        const route = decodeRoute(msg);
        if (route) for (const set of this.#sets) set.routeRemoved(route);
      } else if (msg.type === RTM.DELRULE) {
        const rule = decodeRule(msg);
        if (rule) for (const set of this.#sets) set.ruleRemoved(rule);
      }
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      this.#dropped += 1;
    }
  }
}
