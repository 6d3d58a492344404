/**
 * The GARP pacer's sink for real networks: looks the interface up in the interface table
 * and hands one frame to the neighbour announcer (src/net/announce.ts: shared AF_PACKET
 * sockets, frames built by arp.ts / ndp.ts).
 *
 * keepalived's rules (vrrp_arp.c send_gratuitous_arp, vrrp_ndisc.c):
 * - The frame leaves by the interface the address lives on, with that interface's MAC as
 *   its source: a VIP on a VMAC is announced from the virtual MAC, which is the point of
 *   use_vmac. Interfaces flagged NOARP get nothing.
 * - An unsolicited NA carries the Router flag when IPv6 forwarding is on for the
 *   interface; keepalived re-reads that at most every 5 s per interface. Here the value
 *   is read asynchronously into a cache refreshed every 5 s, so sending never waits on
 *   procfs. `prime(devs)` reads it ahead (when an instance is set up), because a first
 *   burst without the flag would make hosts drop us from their default router lists
 *   (RFC 4861 §7.2.5); an interface never primed is announced without it until read.
 * - A send error is counted and reported once per burst address; it never throws into
 *   the scheduler (a vanished interface, ENOBUFS on a full queue...).
 */

import { IFF, type Link } from '../../net/netlink/index.js';
import type { AnnounceSink, AnnounceTarget } from './garp-pacer.js';
import type { SysctlPort } from '../vmac/sysctl.js';
import type { Clock } from './types.js';

/** What src/net/announce.ts NeighbourAnnouncer offers. */
export interface NeighbourAnnouncerPort {
  sendGratuitousArp(link: { ifindex: number; mac: string }, address: string): number;
  sendUnsolicitedNa(link: { ifindex: number; mac: string }, address: string, options: { router: boolean }): number;
  /** Build the frame ahead (the announcer keeps it for the send). */
  prepareGratuitousArp?(link: { ifindex: number; mac: string }, address: string): void;
  prepareUnsolicitedNa?(link: { ifindex: number; mac: string }, address: string, options: { router: boolean }): void;
}

export interface AnnounceStats {
  garpSent: number;
  naSent: number;
  skippedNoInterface: number;
  skippedNoArp: number;
  errors: number;
}

export interface AnnounceSinkOptions {
  readonly links: { linkByName(name: string): Link | undefined };
  readonly announcer: NeighbourAnnouncerPort;
  /** For the NA Router flag (net/ipv6/conf/IF/forwarding). */
  readonly sysctl?: SysctlPort;
  readonly clock: Clock;
  /** One line per failure: "(VI_1) cannot send gratuitous ARP on eth0 for 10.0.0.1: ..." */
  readonly onError?: (target: AnnounceTarget, owner: object, error: Error) => void;
  /** Every frame that left, for tests and debug logs. */
  readonly onSent?: (target: AnnounceTarget, owner: object) => void;
}

const ROUTER_FLAG_REFRESH_MS = 5000;

export interface AnnounceSinkHandle {
  readonly sink: AnnounceSink;
  readonly stats: AnnounceStats;
  /** Reads the NA Router flag of these interfaces now. */
  prime(devs: readonly string[]): Promise<void>;
  /**
   * Builds now the frames the sink would send for these targets (a BACKUP's addresses, so
   * that its first GARPs after taking over are not encoded while the LAN waits). Targets
   * whose interface is missing or NOARP are skipped, as they would be when sent.
   */
  prepare(targets: readonly AnnounceTarget[]): void;
}

export function announceSink(options: AnnounceSinkOptions): AnnounceSinkHandle {
  const stats: AnnounceStats = { garpSent: 0, naSent: 0, skippedNoInterface: 0, skippedNoArp: 0, errors: 0 };
  const routerFlag = new Map<string, { value: boolean; readAt: number; reading: boolean }>();

  /** Starts a read of the Router flag if the cached one is stale; returns the read. */
  const refresh = (dev: string): Promise<void> | undefined => {
    const sysctl = options.sysctl;
    if (!sysctl) return undefined;
    let entry = routerFlag.get(dev);
    if (!entry) {
      entry = { value: false, readAt: -Infinity, reading: false };
      routerFlag.set(dev, entry);
    }
    const e = entry;
    if (e.reading || options.clock.now() - e.readAt < ROUTER_FLAG_REFRESH_MS) return undefined;
    e.reading = true;
    return sysctl.read(`net/ipv6/conf/${dev}/forwarding`).then((text) => {
      e.value = text !== undefined && text !== '0';
      e.readAt = options.clock.now();
    }, () => undefined).finally(() => { e.reading = false; });
  };

  const router = (dev: string): boolean => {
    void refresh(dev);
    return routerFlag.get(dev)?.value ?? false;
  };

  /** Where the frame for `dev` leaves, or why it does not. */
  const linkOf = (dev: string): { ifindex: number; mac: string } | 'no-interface' | 'noarp' => {
    const link = options.links.linkByName(dev);
    if (!link || link.mac === undefined) return 'no-interface';
    if ((link.flags & IFF.NOARP) !== 0) return 'noarp';
    return { ifindex: link.index, mac: link.mac };
  };

  const sink: AnnounceSink = (target, owner) => {
    const l = linkOf(target.dev);
    if (l === 'no-interface') {
      stats.skippedNoInterface += 1;
      return;
    }
    if (l === 'noarp') {
      stats.skippedNoArp += 1;
      return;
    }
    try {
      if (target.family === 4) {
        options.announcer.sendGratuitousArp(l, target.address);
        stats.garpSent += 1;
      } else {
        options.announcer.sendUnsolicitedNa(l, target.address, { router: router(target.dev) });
        stats.naSent += 1;
      }
      options.onSent?.(target, owner);
    } catch (err) {
      stats.errors += 1;
      options.onError?.(target, owner, err as Error);
    }
  };
  const prime = async (devs: readonly string[]): Promise<void> => {
    await Promise.all(devs.map((d) => refresh(d)));
  };
  const prepare = (targets: readonly AnnounceTarget[]): void => {
    const announcer = options.announcer;
    for (const target of targets) {
      const l = linkOf(target.dev);
      if (typeof l === 'string') continue;
      try {
        if (target.family === 4) announcer.prepareGratuitousArp?.(l, target.address);
        else announcer.prepareUnsolicitedNa?.(l, target.address, { router: routerFlag.get(target.dev)?.value ?? false });
      } catch {
        // The send reports it, where it matters.
      }
    }
  };
  return { sink, stats, prime, prepare };
}
