/**
 * The interface table (keepalived's "netlink reflector", seeds/): every link and
 * address of the namespace, read once at start and kept current from RTNLGRP_LINK,
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR notifications. VRRP instances,
 * track_interface, VMAC handling and checkers ask it "is eth0 up?", "what is the
 * index of eth0?", "is 192.0.2.10 configured?" without a syscall, and subscribe to its
 * typed events to react to changes.
 *
 * Events (emitted only for real changes, never for the initial read):
 *   linkAdded / linkRemoved          a link appeared or vanished
 *   linkChanged (link, previous)     any attribute changed (name, MTU, MAC, flags...)
 *   linkUp / linkDown                `up` (IFF_UP and IFF_RUNNING, keepalived's test)
 *                                    changed; emitted after linkChanged
 *   addressAdded / addressRemoved    an address appeared or vanished
 *   addressChanged (addr, previous)  flags or lifetimes changed (DAD finished, ...)
 *   resync (report)                  the table was re-read after lost notifications
 *   resyncFailed (error, attempt)    a re-read failed; it is retried
 *   dropped (reason, detail)         a notification could not be decoded
 *
 * Consistency after an overrun follows monitor.ts: the dump runs on the monitor
 * socket, entries and notifications are applied in arrival order, and whatever the
 * dump did not mention is swept away at its end, with the events that implies.
 */

import { EventEmitter } from 'node:events';
import { NetlinkDecodeError } from './errors.js';
import type { NetlinkMessage } from './message.js';
import { ResyncScheduler, type NetlinkMonitor, type ResyncReport, type ResyncSchedulerOptions } from './monitor.js';
import { addressDumpRequest, addressKey, decodeAddress, type Address } from './rtnl/address.js';
import { RTM } from './rtnl/constants.js';
import { decodeLink, linkDumpRequest, type Link } from './rtnl/link.js';
import type { IpFamily } from './inet.js';

export interface InterfaceTableEvents {
  linkAdded: [Link];
  linkRemoved: [Link];
  linkChanged: [Link, Link];
  linkUp: [Link];
  linkDown: [Link];
  addressAdded: [Address];
  addressRemoved: [Address];
  addressChanged: [Address, Address];
  resync: [ResyncReport];
  resyncFailed: [Error, number];
  dropped: [string, string];
}

/** Per-kind mark-and-sweep state while a dump runs. */
interface Sweep { links?: Set<number>; addresses?: Set<string> }

export class InterfaceTable extends EventEmitter<InterfaceTableEvents> {
  readonly #monitor: NetlinkMonitor;
  readonly #links = new Map<number, Link>();
  readonly #indexByName = new Map<string, number>();
  readonly #addresses = new Map<string, Address>();
  readonly #resync: ResyncScheduler;
  readonly #sweep: Sweep = {};
  /** True during the first read: the table fills silently. */
  #initialising = false;
  #started = false;
  readonly stats = { notifications: 0, dropped: 0, resyncs: 0 };

  constructor(monitor: NetlinkMonitor, options: Omit<ResyncSchedulerOptions, 'onDone' | 'onFailure'> = {}) {
    super();
    this.#monitor = monitor;
    this.#resync = new ResyncScheduler(() => this.#readAll(), {
      ...options,
      onDone: (report) => {
        this.stats.resyncs++;
        if (report.reason !== 'start') this.emit('resync', report);
      },
      onFailure: (error, attempt) => this.emit('resyncFailed', error, attempt),
    });
    monitor.on('notification', (msg) => {
      this.stats.notifications++;
      this.#apply(msg);
    });
    monitor.on('overrun', () => {
      if (this.#started) void this.#resync.request('overrun');
    });
  }

  /** Reads every link and address; resolves when the table is complete. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#initialising = true;
    try {
      await this.#resync.request('start');
    } finally {
      this.#initialising = false;
    }
  }

  close(): void {
    this.#resync.stop();
    this.#monitor.close();
  }

  link(index: number): Link | undefined {
    return this.#links.get(index);
  }

  linkByName(name: string): Link | undefined {
    const index = this.#indexByName.get(name);
    return index === undefined ? undefined : this.#links.get(index);
  }

  indexOf(name: string): number | undefined {
    return this.#indexByName.get(name);
  }

  links(): Link[] {
    return [...this.#links.values()].sort((a, b) => a.index - b.index);
  }

  /** Addresses, optionally only those of one link and/or family. */
  addresses(filter: { index?: number; family?: IpFamily } = {}): Address[] {
    return [...this.#addresses.values()].filter((a) =>
      (filter.index === undefined || a.index === filter.index) && (filter.family === undefined || a.family === filter.family));
  }

  /** Is `address` configured (on `index`, if given)? Prefix length is not compared. */
  hasAddress(address: string, index?: number): boolean {
    for (const a of this.#addresses.values()) {
      if (a.address === address && (index === undefined || a.index === index)) return true;
    }
    return false;
  }

  /** The whole state again (the monitor socket runs the dumps; see the module essay). */
  async #readAll(): Promise<void> {
    this.#sweep.links = new Set();
    try {
      await this.#monitor.dump(linkDumpRequest(), (msg) => this.#apply(msg));
      for (const link of [...this.#links.values()]) {
        if (!this.#sweep.links.has(link.index)) this.#removeLink(link);
      }
    } finally {
      delete this.#sweep.links;
    }
    this.#sweep.addresses = new Set();
    try {
      await this.#monitor.dump(addressDumpRequest(), (msg) => this.#apply(msg));
      for (const [key, address] of [...this.#addresses]) {
        if (!this.#sweep.addresses.has(key)) this.#removeAddress(key, address);
      }
    } finally {
      delete this.#sweep.addresses;
    }
  }

  #apply(msg: NetlinkMessage): void {
    try {
      switch (msg.type) {
        case RTM.NEWLINK: {
          const link = decodeLink(msg);
          if (link) this.#upsertLink(link);
          return;
        }
        case RTM.DELLINK: {
          const link = decodeLink(msg);
          const known = link && this.#links.get(link.index);
          if (known) this.#removeLink(known);
          return;
        }
        case RTM.NEWADDR: {
          const address = decodeAddress(msg);
          if (address) this.#upsertAddress(address);
          return;
        }
        case RTM.DELADDR: {
          const address = decodeAddress(msg);
          if (!address) return;
          const key = addressKey(address);
          const known = this.#addresses.get(key);
          if (known) this.#removeAddress(key, known);
          return;
        }
        default:
          this.#drop('unexpected', `message type ${msg.type} on the link/address monitor`);
      }
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      this.#drop('garbled', err.message);
    }
  }

  #drop(reason: string, detail: string): void {
    this.stats.dropped++;
    this.emit('dropped', reason, detail);
  }

  #upsertLink(link: Link): void {
    this.#sweep.links?.add(link.index);
    const previous = this.#links.get(link.index);
    this.#links.set(link.index, link);
    if (previous && previous.name !== link.name && this.#indexByName.get(previous.name) === link.index) {
      this.#indexByName.delete(previous.name);
    }
    this.#indexByName.set(link.name, link.index);
    if (this.#initialising) return;
    if (!previous) {
      this.emit('linkAdded', link);
      return;
    }
    if (!sameLink(previous, link)) this.emit('linkChanged', link, previous);
    if (previous.up !== link.up) this.emit(link.up ? 'linkUp' : 'linkDown', link);
  }

  #removeLink(link: Link): void {
    this.#links.delete(link.index);
    if (this.#indexByName.get(link.name) === link.index) this.#indexByName.delete(link.name);
    // The kernel announces each address's removal first; sweep any it did not.
    for (const [key, address] of [...this.#addresses]) {
      if (address.index === link.index) this.#removeAddress(key, address);
    }
    if (!this.#initialising) this.emit('linkRemoved', link);
  }

  #upsertAddress(address: Address): void {
    const key = addressKey(address);
    this.#sweep.addresses?.add(key);
    const previous = this.#addresses.get(key);
    this.#addresses.set(key, address);
    if (this.#initialising) return;
    if (!previous) this.emit('addressAdded', address);
    else if (!sameAddress(previous, address)) this.emit('addressChanged', address, previous);
  }

  #removeAddress(key: string, address: Address): void {
    this.#addresses.delete(key);
    if (!this.#initialising) this.emit('addressRemoved', address);
  }
}

function sameLink(a: Link, b: Link): boolean {
  return a.name === b.name && a.flags === b.flags && a.operState === b.operState && a.mtu === b.mtu
    && a.mac === b.mac && a.masterIndex === b.masterIndex && a.parentIndex === b.parentIndex
    && a.alias === b.alias && a.kind === b.kind && a.macvlanMode === b.macvlanMode
    && a.addrGenMode === b.addrGenMode && a.altNames.join(',') === b.altNames.join(',');
}

/** Lifetimes count down, so they alone do not make an address "changed". */
function sameAddress(a: Address, b: Address): boolean {
  return a.flags === b.flags && a.scope === b.scope && a.label === b.label && a.broadcast === b.broadcast
    && (a.preferredLifetime === 0) === (b.preferredLifetime === 0);
}
