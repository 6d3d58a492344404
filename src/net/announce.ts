/**
 * Sending gratuitous ARPs and unsolicited neighbour advertisements.
 *
 * Like keepalived (vrrp_arp.c, vrrp_ndisc.c), one shared send-only AF_PACKET
 * socket per protocol (EtherType ARP, EtherType IPv6) carries the frames built
 * by arp.ts and ndp.ts to any interface, addressed by ifindex. A classic BPF
 * filter that accepts nothing keeps the kernel from queueing the host's ARP and
 * IPv6 traffic on them. Opening needs CAP_NET_RAW.
 *
 * Only Ethernet-like interfaces (6-byte MACs) are supported; keepalived's
 * InfiniBand GARP variant is not. Pacing (garp_master_delay, repeats,
 * garp_interval) is the VRRP layer's job: each call sends exactly one frame.
 */
import { readFileSync } from 'node:fs';
import { AF_PACKET, ARPHRD_ETHER, ETH_P_ARP, ETH_P_IPV6, SOCK_RAW } from './constants.js';
import { htons } from './byte-order.js';
import { encodeGratuitousArpFrame } from './arp.js';
import { ALL_NODES, encodeUnsolicitedNaFrame } from './ndp.js';
import { BROADCAST_MAC, ipv6MulticastMac, macBytes } from './ethernet.js';
import { sockaddrLl } from './sockaddr.js';
import { bpfRejectAll } from './sockopt.js';
import { RawSocket } from './socket.js';

/** The interface a frame leaves by: its index and its MAC (the frames' source). */
export interface LinkInterface {
  ifindex: number;
  mac: string | Uint8Array;
}

function openSendOnly(etherType: number): RawSocket {
  const socket = RawSocket.open({ family: AF_PACKET, type: SOCK_RAW, protocol: htons(etherType) });
  try {
    socket.attachFilter(bpfRejectAll());
  } catch (error) {
    socket.close();
    throw error;
  }
  return socket;
}

/** A frame ready to send and the sockaddr_ll it goes to. */
interface ReadyFrame {
  readonly frame: Buffer;
  readonly to: Buffer;
}

/** Bound on kept frames: a few per virtual address (ARP or NA with or without the Router flag). */
const MAX_KEPT_FRAMES = 4096;

export class NeighbourAnnouncer {
  #arp: RawSocket | null = null;
  #ndisc: RawSocket | null = null;
  /**
   * Frames built before, by kind, interface, MAC and address. A frame depends on nothing
   * else, and the same few are sent again and again (repeats, refresh bursts, takeovers), so
   * each is encoded once; `prepare*` builds them before they are needed, as a BACKUP does for
   * the GARPs it will send on taking over.
   */
  readonly #frames = new Map<string, ReadyFrame>();

  /**
   * Opens both sockets now, as keepalived does at start-up (gratuitous_arp_init,
   * ndisc_init), so a takeover's first GARP does not pay for socket, filter and epoll
   * set-up. A socket that cannot be opened yet is left to the first send, which then
   * throws its error where it matters.
   */
  prepare(): void {
    try {
      this.#arp ??= openSendOnly(ETH_P_ARP);
      this.#ndisc ??= openSendOnly(ETH_P_IPV6);
    } catch {
      // Reported by the send that needs it.
    }
  }

  /** Sends one gratuitous ARP for `address`; returns the bytes sent (42). Throws an ErrnoError. */
  sendGratuitousArp(link: LinkInterface, address: string): number {
    const { frame, to } = this.#gratuitousArp(link, address);
    this.#arp ??= openSendOnly(ETH_P_ARP);
    return this.#arp.send(frame, to);
  }

  /**
   * Sends one unsolicited NA for `address`; `router` sets the Router flag, which
   * keepalived sets when IPv6 forwarding is on (ipv6ForwardingEnabled()).
   * Returns the bytes sent (86).
   */
  sendUnsolicitedNa(link: LinkInterface, address: string, options: { router: boolean }): number {
    const { frame, to } = this.#unsolicitedNa(link, address, options.router);
    this.#ndisc ??= openSendOnly(ETH_P_IPV6);
    return this.#ndisc.send(frame, to);
  }

  /** Builds the gratuitous ARP `sendGratuitousArp` would send, ahead. Throws on a bad address. */
  prepareGratuitousArp(link: LinkInterface, address: string): void {
    this.#gratuitousArp(link, address);
  }

  /** Builds the NA `sendUnsolicitedNa` would send, ahead. Throws on a bad address. */
  prepareUnsolicitedNa(link: LinkInterface, address: string, options: { router: boolean }): void {
    this.#unsolicitedNa(link, address, options.router);
  }

  #gratuitousArp(link: LinkInterface, address: string): ReadyFrame {
    return this.#kept(`arp ${link.ifindex} ${macKey(link.mac)} ${address}`, () => ({
      frame: encodeGratuitousArpFrame(link.mac, address),
      to: sockaddrLl({ protocol: ETH_P_ARP, ifindex: link.ifindex, hatype: ARPHRD_ETHER, address: BROADCAST_MAC }),
    }));
  }

  #unsolicitedNa(link: LinkInterface, address: string, router: boolean): ReadyFrame {
    return this.#kept(`na ${link.ifindex} ${macKey(link.mac)} ${address} ${router ? 'R' : '-'}`, () => ({
      frame: encodeUnsolicitedNaFrame({ mac: link.mac, address, router }),
      to: sockaddrLl({ protocol: ETH_P_IPV6, ifindex: link.ifindex, hatype: ARPHRD_ETHER, address: ipv6MulticastMac(ALL_NODES) }),
    }));
  }

  #kept(key: string, build: () => ReadyFrame): ReadyFrame {
    let ready = this.#frames.get(key);
    if (ready === undefined) {
      ready = build();
      if (this.#frames.size >= MAX_KEPT_FRAMES) this.#frames.clear();
      this.#frames.set(key, ready);
    }
    return ready;
  }

  close(): void {
    this.#arp?.close();
    this.#ndisc?.close();
    this.#arp = null;
    this.#ndisc = null;
  }
}

function macKey(mac: string | Uint8Array): string {
  return typeof mac === 'string' ? mac.toLowerCase() : Buffer.from(mac).toString('hex');
}

/**
 * The hardware address of an interface, from the kernel: an AF_PACKET socket
 * bound to the interface reports it in getsockname's sockaddr_ll. (The interface
 * table from rtnetlink has it too; this is for code that has only an ifindex.)
 */
export function hardwareAddress(ifindex: number): Buffer {
  const socket = RawSocket.open({ family: AF_PACKET, type: SOCK_RAW, protocol: 0 });
  try {
    socket.bind(sockaddrLl({ protocol: 0, ifindex }));
    const address = socket.localAddress();
    if (address.family !== 'packet') throw new Error(`getsockname on a packet socket returned ${address.family}`);
    return macBytes(address.address);
  } finally {
    socket.close();
  }
}

/**
 * Whether IPv6 forwarding is on for an interface (its Router flag in NAs), read
 * from /proc/sys/net/ipv6/conf/<ifname>/forwarding as keepalived does. The file
 * shows the network namespace of the process that opens it.
 */
export function ipv6ForwardingEnabled(ifname: string): boolean {
  if (!/^[^/\s]{1,15}$/.test(ifname) || ifname === '.' || ifname === '..') throw new RangeError(`invalid interface name '${ifname}'`);
  return readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`, 'utf8').trim() !== '0';
}
