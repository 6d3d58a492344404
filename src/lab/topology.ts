/**
 * The lab's network: one LAN of two routers and a client, in namespaces.
 *
 *          kalab-<pid>-sw: bridge br0 (the switch)
 *            port r1        port r2        port client
 *              |              |               |
 *   kalab-<pid>-r1       kalab-<pid>-r2    kalab-<pid>-client
 *   eth0 192.0.2.1       eth0 192.0.2.2    eth0 192.0.2.100
 *        2001:db8::1          2001:db8::2       2001:db8::100
 *
 *   VIP 192.0.2.254 (and 2001:db8::254), held by whichever router is MASTER.
 *
 * The switch is a namespace too, so nothing at all is created in the host's
 * namespace: every interface is made directly inside its namespace (`ip -n`),
 * and the host's interfaces, routes and firewall are never touched. Addresses
 * come from the documentation ranges (RFC 5737 192.0.2.0/24, RFC 3849
 * 2001:db8::/32). MACs are fixed, locally administered (02:…), and end in the
 * router's number, so the client's ARP entry for the VIP tells at a glance
 * which router answers.
 *
 * The bridge has multicast snooping off, so VRRP adverts (224.0.0.18,
 * ff02::12) are flooded to every port whatever MLD/IGMP the hosts send, and
 * STP off, so a port forwards as soon as it is up. IPv6 duplicate address
 * detection is off in every namespace, so addresses work at once.
 *
 * Pulling a router's "cable" sets its bridge port down: the router sees its
 * eth0 lose carrier, as with a real unplugged cable.
 */
import { namespaceName, removeNamespaceSync, type NamespaceRole } from './cleanup.js';
import { made, run, tryRun } from './process.js';

export type RouterName = 'r1' | 'r2';
export const ROUTER_NAMES: readonly RouterName[] = ['r1', 'r2'];

export interface HostPlan {
  readonly role: Exclude<NamespaceRole, 'sw'>;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly mac: string;
}

export const LAN = {
  prefix4: 24,
  prefix6: 64,
  vip4: '192.0.2.254',
  vip6: '2001:db8::254',
  bridge: 'br0',
  /** The interface name of every host on the LAN. */
  hostInterface: 'eth0',
  hosts: {
    r1: { role: 'r1', ipv4: '192.0.2.1', ipv6: '2001:db8::1', mac: '02:4b:41:00:00:01' },
    r2: { role: 'r2', ipv4: '192.0.2.2', ipv6: '2001:db8::2', mac: '02:4b:41:00:00:02' },
    client: { role: 'client', ipv4: '192.0.2.100', ipv6: '2001:db8::100', mac: '02:4b:41:00:00:64' },
  } satisfies Record<string, HostPlan>,
} as const;

/** The router whose eth0 has this MAC, if any (case-insensitive). */
export function routerByMac(mac: string | undefined): RouterName | undefined {
  if (!mac) return undefined;
  return ROUTER_NAMES.find((name) => LAN.hosts[name].mac === mac.toLowerCase());
}

export class Topology {
  readonly namespaces: Record<NamespaceRole, string>;

  constructor(pid = process.pid) {
    this.namespaces = {
      sw: namespaceName('sw', pid),
      r1: namespaceName('r1', pid),
      r2: namespaceName('r2', pid),
      client: namespaceName('client', pid),
    };
  }

  /** `ip -n <namespace> ...`. */
  async ip(role: NamespaceRole, ...args: string[]): Promise<void> {
    await run(['ip', '-n', this.namespaces[role], ...args]);
  }

  /** `ip -j -n <namespace> ...`, parsed. */
  async ipJson<T>(role: NamespaceRole, ...args: string[]): Promise<T> {
    const { stdout } = await run(['ip', '-j', '-n', this.namespaces[role], ...args]);
    return JSON.parse(stdout.trim() || '[]') as T;
  }

  /** The argv prefix that runs a program inside a namespace. */
  exec(role: NamespaceRole): string[] {
    return ['ip', 'netns', 'exec', this.namespaces[role]];
  }

  /** Builds the whole LAN. On failure, what was made stays registered for destroy(). */
  async create(): Promise<void> {
    for (const role of Object.keys(this.namespaces) as NamespaceRole[]) await this.#namespace(role);
    await this.ip('sw', 'link', 'add', LAN.bridge, 'type', 'bridge', 'stp_state', '0', 'mcast_snooping', '0');
    await this.ip('sw', 'link', 'set', LAN.bridge, 'up');
    for (const host of Object.values(LAN.hosts)) await this.#plug(host);
  }

  async #namespace(role: NamespaceRole): Promise<void> {
    const name = this.namespaces[role];
    // Registered before it exists, so an interruption right after `ip netns add` still removes it.
    made.namespaces.add(name);
    await run(['ip', 'netns', 'add', name]);
    await this.ip(role, 'link', 'set', 'lo', 'up');
    // "default" covers interfaces created later, "all" the existing ones.
    for (const scope of ['all', 'default']) {
      await run([...this.exec(role), 'sysctl', '-q', '-w', `net.ipv6.conf.${scope}.accept_dad=0`]);
    }
  }

  /** A veth from the host's eth0 to its port on the bridge, then the host's addresses. */
  async #plug(host: HostPlan): Promise<void> {
    const eth = LAN.hostInterface;
    await this.ip(host.role, 'link', 'add', eth, 'address', host.mac, 'type', 'veth',
      'peer', 'name', host.role, 'netns', this.namespaces.sw);
    await this.ip('sw', 'link', 'set', host.role, 'master', LAN.bridge);
    await this.ip('sw', 'link', 'set', host.role, 'up');
    await this.ip(host.role, 'link', 'set', eth, 'up');
    await this.ip(host.role, 'address', 'add', `${host.ipv4}/${LAN.prefix4}`, 'dev', eth);
    await this.ip(host.role, 'address', 'add', `${host.ipv6}/${LAN.prefix6}`, 'dev', eth, 'nodad');
  }

  /** Plugs (true) or unplugs (false) a router's cable: its port on the switch goes up or down. */
  async setCable(router: RouterName, plugged: boolean): Promise<void> {
    await this.ip('sw', 'link', 'set', router, plugged ? 'up' : 'down');
  }

  async cablePlugged(router: RouterName): Promise<boolean> {
    const [port] = await this.ipJson<Array<{ flags: string[] }>>('sw', 'link', 'show', 'dev', router);
    return port?.flags.includes('UP') ?? false;
  }

  /** The addresses on a host's eth0, without prefix length. */
  async addresses(role: Exclude<NamespaceRole, 'sw'>): Promise<string[]> {
    const links = await this.ipJson<Array<{ addr_info?: Array<{ local: string }> }>>(
      role, 'address', 'show', 'dev', LAN.hostInterface);
    return links.flatMap((link) => (link.addr_info ?? []).map((a) => a.local));
  }

  /** The client's neighbour entry for an address: MAC (if known) and NUD state. */
  async clientNeighbour(address: string): Promise<{ mac?: string; state: string } | undefined> {
    const entries = await this.ipJson<Array<{ dst: string; lladdr?: string; state?: string[] }>>(
      'client', 'neigh', 'show', 'to', address, 'dev', LAN.hostInterface);
    const entry = entries.find((e) => e.dst === address);
    return entry ? { mac: entry.lladdr, state: (entry.state ?? []).join(',') } : undefined;
  }

  /** Deletes every namespace (which takes their interfaces along), killing anything left inside. */
  async destroy(): Promise<void> {
    for (const name of Object.values(this.namespaces)) {
      if (!made.namespaces.has(name)) continue;
      removeNamespaceSync(name);
    }
    // Make sure: a namespace that `ip netns delete` could not remove is reported.
    const { stdout } = await tryRun(['ip', 'netns', 'list']);
    const left = Object.values(this.namespaces).filter((name) => new RegExp(`^${name}( |$)`, 'm').test(stdout));
    if (left.length) throw new Error(`namespaces still present after cleanup: ${left.join(', ')}`);
  }
}
