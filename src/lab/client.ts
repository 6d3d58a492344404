/**
 * The lab's client: a host on the LAN that pings the VIP without pause and
 * whose ARP entry for the VIP shows which router answers.
 *
 * Ping: iputils `ping -n -i 0.02` inside the client namespace, 50 echo
 * requests a second, so an outage is measured to within 20 ms. ping numbers
 * its requests (icmp_seq, 16 bits, wrapping), and prints one line per reply
 * (it flushes each line, so a pipe receives them at once). PingCounter turns
 * the replies into counts and gaps: a reply whose sequence number skips ahead
 * closes an outage that started at the previous reply. It is pure (the time
 * of each reply is given), so tests feed it lines.
 *
 * ARP: `ip monitor neigh` in the client namespace reports every change of the
 * entry; a new MAC for the VIP is a gratuitous ARP from the new MASTER having
 * moved the client (Linux updates an existing entry from a gratuitous ARP
 * whatever arp_accept says; arp_accept only governs creating entries). The
 * MAC is mapped to a router by the fixed MACs of topology.ts.
 */
import type { LabEvent, Timeline } from './timeline.js';
import { LineProcess, type Line } from './process.js';
import { LAN, routerByMac, type RouterName, type Topology } from './topology.js';

/** Echo requests per second = 1000 / PING_INTERVAL_MS. */
export const PING_INTERVAL_MS = 20;

/** The sequence number of a ping reply line, or null for any other line. */
export function parsePingReply(line: string): number | null {
  const match = /^\d+ bytes from [^:]+: icmp_seq=(\d+) /.exec(line);
  return match ? Number(match[1]) : null;
}

export interface PingGap {
  /** From the last reply before the outage to the first one after, ms. */
  readonly gapMs: number;
  /** Requests that got no reply. */
  readonly lost: number;
}

export class PingCounter {
  received = 0;
  lost = 0;
  /** performance.now() of the last reply. */
  lastReplyAt: number | undefined;
  #lastSeq: number | undefined;

  /** Counts a reply; returns the outage it ends, if it ends one. */
  reply(seq: number, at: number): PingGap | null {
    const previous = this.#lastSeq;
    const previousAt = this.lastReplyAt;
    if (previous === undefined || previousAt === undefined) {
      this.#lastSeq = seq;
      this.lastReplyAt = at;
      this.received++;
      return null;
    }
    const step = (seq - previous + 65536) % 65536;
    // 0: a duplicate; more than half the space: a late reply to an old request (already counted lost).
    if (step === 0 || step > 32768) return null;
    this.#lastSeq = seq;
    this.lastReplyAt = at;
    this.received++;
    if (step === 1) return null;
    this.lost += step - 1;
    return { gapMs: at - previousAt, lost: step - 1 };
  }

  /** How long no reply has come (ms), when that is longer than a few intervals; else 0. */
  outageMs(now: number): number {
    if (this.lastReplyAt === undefined) return 0;
    const silent = now - this.lastReplyAt;
    return silent > 3 * PING_INTERVAL_MS ? silent : 0;
  }
}

export interface NeighbourLine {
  readonly deleted: boolean;
  readonly address: string;
  readonly mac?: string;
  readonly state?: string;
}

/** An `ip monitor neigh` line: "[Deleted ]ADDR dev IF [lladdr MAC] [router] STATE". */
export function parseNeighbourLine(line: string): NeighbourLine | null {
  const tokens = line.trim().split(/\s+/);
  const deleted = tokens[0] === 'Deleted';
  if (deleted) tokens.shift();
  const address = tokens[0];
  if (!address || tokens[1] !== 'dev') return null;
  const lladdr = tokens.indexOf('lladdr');
  const last = tokens[tokens.length - 1];
  const state = last && /^[A-Z_]+$/.test(last) ? last : undefined;
  return { deleted, address, mac: lladdr > 0 ? tokens[lladdr + 1]?.toLowerCase() : undefined, state };
}

export class Client {
  readonly ping = new PingCounter();
  /** The client's entry for the VIP: MAC, router it belongs to, NUD state. */
  arpMac: string | undefined;
  arpState: string | undefined;
  pidsStarted: number[] = [];
  /** The MAC the last 'arp' event named (the poll also updates arpMac; events come from the monitor only). */
  #announcedMac: string | undefined;
  #pinger: LineProcess | null = null;
  #monitor: LineProcess | null = null;

  constructor(private readonly topology: Topology, private readonly timeline: Timeline) {}

  get arpRouter(): RouterName | undefined {
    return routerByMac(this.arpMac);
  }

  start(): void {
    this.#monitor = new LineProcess(['ip', '-n', this.topology.namespaces.client, 'monitor', 'neigh'], (line) => this.#onNeighbour(line));
    this.#pinger = new LineProcess(
      [...this.topology.exec('client'), 'ping', '-n', '-i', String(PING_INTERVAL_MS / 1000), LAN.vip4],
      (line) => this.#onPing(line),
      // The C locale keeps ping's output in the format parsed here.
      { ...process.env, LC_ALL: 'C' });
    this.pidsStarted.push(this.#monitor.pid, this.#pinger.pid);
  }

  /** Re-reads the ARP entry (the monitor reports changes; this covers the state before it started). */
  async poll(): Promise<void> {
    const entry = await this.topology.clientNeighbour(LAN.vip4);
    this.arpMac = entry?.mac?.toLowerCase();
    this.arpState = entry?.state;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.#pinger?.killGroup(), this.#monitor?.killGroup()]);
    this.#pinger = null;
    this.#monitor = null;
  }

  #onPing(line: Line): void {
    const seq = parsePingReply(line.text);
    if (seq === null) return;
    const gap = this.ping.reply(seq, line.at);
    if (gap) {
      this.timeline.push({
        at: line.at, kind: 'ping-gap', gapMs: gap.gapMs, lost: gap.lost,
        text: `client: ping answered again after ${(gap.gapMs / 1000).toFixed(3)} s (${gap.lost} lost)`,
      });
    }
  }

  #onNeighbour(line: Line): void {
    const entry = parseNeighbourLine(line.text);
    if (!entry || entry.address !== LAN.vip4) return;
    if (entry.deleted) {
      this.arpMac = undefined;
      this.arpState = undefined;
      return;
    }
    this.arpState = entry.state;
    if (entry.mac) this.arpMac = entry.mac;
    if (!entry.mac || entry.mac === this.#announcedMac) return;
    this.#announcedMac = entry.mac;
    const router = routerByMac(entry.mac);
    const event: LabEvent = {
      at: line.at, kind: 'arp', router, mac: entry.mac, state: entry.state,
      text: `client: ARP ${LAN.vip4} → ${entry.mac}${router ? ` (${router})` : ''}`,
    };
    this.timeline.push(event);
  }
}
