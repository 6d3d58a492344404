/**
 * Rtnl: the rtnetlink operations the daemon performs, as async methods over one
 * request engine (one NETLINK_ROUTE socket, no multicast groups).
 *
 * Single operations resolve or reject with a NetlinkError whose `code` is the errno
 * name: adding an address twice gives EEXIST, deleting a missing one
 * EADDRNOTAVAIL, naming a missing interface ENODEV. Plural operations (addAddresses,
 * deleteRoutes, ...) go out as one batch and resolve with one outcome per item, in
 * order, so a caller installing 255 VIPs learns exactly which ones failed and why
 * while the others are in place — the kernel keeps processing a batch after an error.
 *
 * Encoding problems (a malformed address in the spec) are thrown synchronously by the
 * request builders as NetlinkEncodeError, before anything is sent; in the plural
 * forms they become that item's outcome so one bad line cannot sink a batch.
 */

import { ENODEV, NetlinkEncodeError, NetlinkError } from '../errors.js';
import type { IpFamily } from '../inet.js';
import type { NetlinkMessage, NetlinkRequest } from '../message.js';
import type { BatchOutcome, RequestEngine } from '../request-engine.js';
import { addressAddRequest, addressDeleteRequest, addressDumpRequest, decodeAddress, type Address, type AddressSpec } from './address.js';
import { RTM, type AddrGenMode } from './constants.js';
import {
  decodeLink, linkDeleteRequest, linkDumpRequest, linkGetRequest, linkSetAddrGenModeRequest, linkSetRequest,
  macvlanCreateRequest, type Link, type LinkChanges, type LinkRef, type MacvlanSpec,
} from './link.js';
import { decodeRoute, routeAddRequest, routeDeleteRequest, routeDumpRequest, type Route, type RouteAddMode, type RouteSpec } from './route.js';
import { decodeRule, ruleAddRequest, ruleDeleteRequest, ruleDumpRequest, type Rule, type RuleSpec } from './rule.js';

/** The outcome of one item of a batch: `error` is set when it failed. */
export type ItemOutcome<T> = { readonly item: T; readonly ok: true } | { readonly item: T; readonly ok: false; readonly error: NetlinkError | NetlinkEncodeError };

export class Rtnl {
  readonly #engine: RequestEngine;

  constructor(engine: RequestEngine) {
    this.#engine = engine;
  }

  get engine(): RequestEngine {
    return this.#engine;
  }

  close(): void {
    this.#engine.close();
  }

  // ---- links

  async links(): Promise<Link[]> {
    return decodeAll(await this.#engine.request(linkDumpRequest()), RTM.NEWLINK, decodeLink);
  }

  /** One link by index or name; rejects with ENODEV if there is none. */
  async link(ref: LinkRef): Promise<Link> {
    const [link] = decodeAll(await this.#engine.request(linkGetRequest(ref)), RTM.NEWLINK, decodeLink);
    if (!link) throw new NetlinkError(ENODEV, undefined, undefined, `no link answered the request for ${JSON.stringify(ref)}`);
    return link;
  }

  async setLink(ref: LinkRef, changes: LinkChanges): Promise<void> {
    await this.#engine.request(linkSetRequest(ref, changes));
  }

  async setLinkUp(ref: LinkRef, up: boolean): Promise<void> {
    await this.setLink(ref, { up });
  }

  /** Creates a macvlan (VMAC) and returns it as the kernel reports it. */
  async createMacvlan(spec: MacvlanSpec): Promise<Link> {
    await this.#engine.request(macvlanCreateRequest(spec));
    return this.link({ name: spec.name });
  }

  async deleteLink(ref: LinkRef): Promise<void> {
    await this.#engine.request(linkDeleteRequest(ref));
  }

  async setAddrGenMode(index: number, mode: AddrGenMode): Promise<void> {
    await this.#engine.request(linkSetAddrGenModeRequest(index, mode));
  }

  // ---- addresses

  async addresses(family?: IpFamily): Promise<Address[]> {
    return decodeAll(await this.#engine.request(addressDumpRequest(family)), RTM.NEWADDR, decodeAddress);
  }

  async addAddress(spec: AddressSpec, opts: { replace?: boolean } = {}): Promise<void> {
    await this.#engine.request(addressAddRequest(spec, opts));
  }

  async deleteAddress(spec: AddressSpec): Promise<void> {
    await this.#engine.request(addressDeleteRequest(spec));
  }

  addAddresses(specs: readonly AddressSpec[], opts: { replace?: boolean } = {}): Promise<ItemOutcome<AddressSpec>[]> {
    return this.#batch(specs, (s) => addressAddRequest(s, opts));
  }

  deleteAddresses(specs: readonly AddressSpec[]): Promise<ItemOutcome<AddressSpec>[]> {
    return this.#batch(specs, addressDeleteRequest);
  }

  // ---- routes

  async routes(family?: IpFamily): Promise<Route[]> {
    return decodeAll(await this.#engine.request(routeDumpRequest(family)), RTM.NEWROUTE, decodeRoute);
  }

  async addRoute(spec: RouteSpec, opts: RouteAddMode = {}): Promise<void> {
    await this.#engine.request(routeAddRequest(spec, opts));
  }

  async deleteRoute(spec: RouteSpec): Promise<void> {
    await this.#engine.request(routeDeleteRequest(spec));
  }

  addRoutes(specs: readonly RouteSpec[], opts: RouteAddMode = {}): Promise<ItemOutcome<RouteSpec>[]> {
    return this.#batch(specs, (s) => routeAddRequest(s, opts));
  }

  deleteRoutes(specs: readonly RouteSpec[]): Promise<ItemOutcome<RouteSpec>[]> {
    return this.#batch(specs, routeDeleteRequest);
  }

  // ---- rules

  async rules(family?: IpFamily): Promise<Rule[]> {
    return decodeAll(await this.#engine.request(ruleDumpRequest(family)), RTM.NEWRULE, decodeRule);
  }

  async addRule(spec: RuleSpec): Promise<void> {
    await this.#engine.request(ruleAddRequest(spec));
  }

  async deleteRule(spec: RuleSpec): Promise<void> {
    await this.#engine.request(ruleDeleteRequest(spec));
  }

  addRules(specs: readonly RuleSpec[]): Promise<ItemOutcome<RuleSpec>[]> {
    return this.#batch(specs, ruleAddRequest);
  }

  deleteRules(specs: readonly RuleSpec[]): Promise<ItemOutcome<RuleSpec>[]> {
    return this.#batch(specs, ruleDeleteRequest);
  }

  /** Any prepared requests, batched; for mixing kinds in one sendmsg. `onSettled`: RequestEngine.batch. */
  batch(requests: readonly NetlinkRequest[], options: { onSettled?: (outcomes: BatchOutcome[]) => void } = {}): Promise<BatchOutcome[]> {
    return this.#engine.batch(requests, options);
  }

  /** Sends what was asked in this tick now and reads the answers already there (RequestEngine.flush). */
  flush(): void {
    this.#engine.flush();
  }

  async #batch<T>(items: readonly T[], build: (item: T) => NetlinkRequest): Promise<ItemOutcome<T>[]> {
    type Built = { item: T; request: NetlinkRequest; error?: undefined } | { item: T; request?: undefined; error: NetlinkEncodeError };
    const built = items.map((item): Built => {
      try {
        return { item, request: build(item) };
      } catch (err) {
        if (err instanceof NetlinkEncodeError) return { item, error: err };
        throw err;
      }
    });
    const requests = built.flatMap((b) => (b.request ? [b.request] : []));
    const outcomes = await this.#engine.batch(requests);
    let next = 0;
    return built.map((b): ItemOutcome<T> => {
      if (b.error) return { item: b.item, ok: false, error: b.error };
      const outcome = outcomes[next++]!;
      return outcome.ok ? { item: b.item, ok: true } : { item: b.item, ok: false, error: outcome.error };
    });
  }
}

/** Decodes the data messages of one type, skipping families the decoder declines (null). */
function decodeAll<T>(messages: readonly NetlinkMessage[], type: number, decode: (m: NetlinkMessage) => T | null): T[] {
  const out: T[] = [];
  for (const m of messages) {
    if (m.type !== type) continue;
    const value = decode(m);
    if (value !== null) out.push(value);
  }
  return out;
}
