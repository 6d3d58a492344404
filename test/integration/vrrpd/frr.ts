/**
 * FRR's vrrpd as the other router of a daemon-level VRRP test (Debian's frr 8.4).
 *
 * FRR's VRRP is two daemons: zebra (the kernel interface) and vrrpd (the protocol), talking
 * over a zserv socket. Installing the package starts a system-wide FRR; a test never uses it.
 * FrrRouter.start() runs its own pair inside a lab namespace, each as a lab process (pid
 * tracked, killed by the lab), with every path under the lab's directory: configuration
 * files, pid files, the zserv socket and the vty socket directory that `vtysh --vty_socket`
 * talks to. FRR also writes per-pid folders under /var/tmp/frr that a SIGKILL leaves
 * behind, so each daemon mounts a private tmpfs on /var/tmp first, inside the mount
 * namespace that `ip netns exec` gives every command (the mount never reaches the host).
 *
 * FRR does not add virtual addresses itself: a virtual router needs a macvlan on the VRRP
 * interface (bridge mode, MAC 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6)
 * holding the VIP, and vrrpd switches the macvlan's protodown flag through zebra: off while
 * Master, on otherwise. So the VIP is always configured there; whether FRR serves it is
 * `protodown` (and `show vrrp json`), not the presence of the address.
 *
 * FRR's log (`log stdout debugging` + `debug vrrp`) goes to the process's stdout, where a
 * test reads what FRR thought of our packets: its drop messages all say "Datagram invalid"
 * (vrrp_packet.c parse errors, VRID/interval mismatches) or "Discarding advertisement".
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil, type LabProcess, type Namespace } from '../../harness/index.js';

export const FRR_ZEBRA = '/usr/lib/frr/zebra';
export const FRR_VRRPD = '/usr/lib/frr/vrrpd';
export const VTYSH = '/usr/bin/vtysh';

/** Why the FRR tests cannot run here, or undefined when they can. */
export function frrMissing(): string | undefined {
  const missing = [FRR_ZEBRA, FRR_VRRPD, VTYSH].filter((path) => !existsSync(path));
  return missing.length > 0 ? `FRR is not installed (missing ${missing.join(', ')}; scripts/setup installs the frr package)` : undefined;
}

/** FRR's words when it rejects or ignores a VRRP packet (vrrpd 8.4). */
export const FRR_COMPLAINTS = /Datagram invalid|Discarding advertisement|Bad (VRRP checksum|version|type|authentication|IP address)|does not match # received bytes/;

export type FrrFamily = 'v4' | 'v6';

/** One address family of one virtual router, as `show vrrp json` reports it. */
export interface FrrRouterFamily {
  readonly interface: string;
  readonly vmac: string;
  readonly primaryAddress: string;
  readonly status: 'Initialize' | 'Backup' | 'Master';
  readonly effectivePriority: number;
  readonly masterAdverInterval: number; // milliseconds
  readonly masterDownInterval: number; // milliseconds
  readonly stats: { readonly adverTx: number; readonly adverRx: number; readonly transitions: number };
  readonly addresses: readonly string[];
}

export interface FrrVirtualRouter {
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly v4: FrrRouterFamily;
  readonly v6: FrrRouterFamily;
}

/** The macvlan FRR wants for VRID `vrid` in `family`, holding `cidr` (the VIP). */
export interface FrrMacvlan {
  readonly name: string;
  readonly vrid: number;
  readonly family: FrrFamily;
  readonly cidr: string;
}

/** RFC 5798 §7.3 virtual router MAC: 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6). */
export function virtualMac(vrid: number, family: FrrFamily): string {
  return `00:00:5e:00:0${family === 'v4' ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
}

/**
 * Creates (or recreates, after a crash left them behind) FRR's macvlans on `parent` in `ns`,
 * each up with its VIP. addrgenmode must be set after creation (`ip link add … addrgenmode`
 * fails with "Address family not supported" here); random gives the IPv6 macvlan a
 * link-local of its own, the source of FRR's IPv6 adverts.
 */
export async function frrMacvlans(ns: Namespace, parent: string, macvlans: readonly FrrMacvlan[]): Promise<void> {
  const existing = (await ns.ipJson<{ ifname: string }[]>('link', 'show')).map((l) => l.ifname);
  for (const m of macvlans) {
    if (existing.includes(m.name)) await ns.ip('link', 'del', m.name);
    await ns.ip('link', 'add', m.name, 'link', parent, 'address', virtualMac(m.vrid, m.family), 'type', 'macvlan', 'mode', 'bridge');
    await ns.ip('link', 'set', 'dev', m.name, 'addrgenmode', 'random');
    await ns.up(m.name);
    await ns.addAddress(m.name, m.cidr, m.family === 'v6' ? { nodad: true } : {});
  }
}

/** Whether FRR holds `ifname` protodown (its macvlan of a virtual router it is not Master of). */
export async function protodown(ns: Namespace, ifname: string): Promise<boolean> {
  const [link] = await ns.ipJson<{ proto_down?: boolean }[]>('-d', 'link', 'show', 'dev', ifname);
  return link?.proto_down === true;
}

export class FrrRouter {
  private constructor(
    readonly ns: Namespace,
    readonly label: string,
    readonly zebra: LabProcess,
    readonly vrrpd: LabProcess,
    private readonly dir: string,
  ) {}

  /**
   * zebra, then vrrpd once zebra's zserv socket exists, in `ns`, with `vrrpConfig` (FRR
   * configuration text: `interface eth0` / ` vrrp 51 …`) as vrrpd's configuration.
   */
  static async start(ns: Namespace, labDir: string, label: string, vrrpConfig: string): Promise<FrrRouter> {
    const dir = join(labDir, label);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vtysh.conf'), '');
    writeFileSync(join(dir, 'zebra.conf'), `hostname ${label}\nlog stdout debugging\n`);
    writeFileSync(join(dir, 'vrrpd.conf'), `hostname ${label}\nlog stdout debugging\ndebug vrrp\n!\n${vrrpConfig}`);
    const zserv = join(dir, 'zserv.api');
    const daemon = (binary: string, name: string): LabProcess => ns.spawn([
      // A private /var/tmp (see the module comment), then the daemon itself: `exec` keeps the
      // pid, so the lab process is the daemon. -P 0: no vty TCP port; -u/-g: stay root.
      'sh', '-c', 'mount -t tmpfs tmpfs /var/tmp && exec "$0" "$@"', binary,
      '-u', 'root', '-g', 'frrvty', '-P', '0', '-f', join(dir, `${name}.conf`), '-i', join(dir, `${name}.pid`),
      '-z', zserv, '--vty_socket', dir,
    ]);
    const zebra = daemon(FRR_ZEBRA, 'zebra');
    await waitUntil(`${label}: zebra's zserv socket`, () => existsSync(zserv) || exitedEarly(zebra), { timeoutMs: 10_000 });
    const vrrpd = daemon(FRR_VRRPD, 'vrrpd');
    const router = new FrrRouter(ns, label, zebra, vrrpd, dir);
    await waitUntil(`${label}: vrrpd's vty socket`, () => existsSync(join(dir, 'vrrpd.vty')) || exitedEarly(vrrpd), { timeoutMs: 10_000 });
    if (!zebra.running || !vrrpd.running) throw new Error(`${label}: FRR exited at start-up\n${zebra.stderr}\n${vrrpd.stderr}`);
    return router;
  }

  /** vrrpd's log, line by line. */
  get lines(): string[] {
    return `${this.vrrpd.stdout}\n${this.vrrpd.stderr}`.split('\n').filter(Boolean);
  }

  /** vrrpd's complaints about packets it received (FRR_COMPLAINTS), from line `from` on. */
  complaints(from = 0): string[] {
    return this.lines.slice(from).filter((l) => FRR_COMPLAINTS.test(l));
  }

  /** Runs `commands` in one vtysh session (`-c` each, in order); returns its output. */
  async vtysh(...commands: string[]): Promise<string> {
    const { stdout } = await this.ns.exec([VTYSH, '--vty_socket', this.dir, '--config_dir', this.dir, ...commands.flatMap((c) => ['-c', c])]);
    return stdout;
  }

  /** `vtysh -c 'show vrrp json'`, parsed. */
  async show(): Promise<FrrVirtualRouter[]> {
    return JSON.parse(await this.vtysh('show vrrp json')) as FrrVirtualRouter[];
  }

  async family(vrid: number, family: FrrFamily): Promise<FrrRouterFamily> {
    const router = (await this.show()).find((r) => r.vrid === vrid);
    if (!router) throw new Error(`${this.label}: no virtual router ${vrid} in show vrrp`);
    return router[family];
  }

  /** Waits until every (vrid, family) in `which` reports `status`. */
  async waitStatus(which: readonly (readonly [number, FrrFamily])[], status: FrrRouterFamily['status'], timeoutMs: number): Promise<void> {
    const names = which.map(([vrid, family]) => `${vrid}/${family}`).join(', ');
    await waitUntil(`${this.label}: ${names} ${status}`, async () => {
      const routers = await this.show();
      return which.every(([vrid, family]) => routers.find((r) => r.vrid === vrid)?.[family].status === status);
    }, { timeoutMs, intervalMs: 100 });
  }
}

function exitedEarly(process: LabProcess): boolean {
  if (process.running) return false;
  throw new Error(`${process.argv.join(' ')} exited at start-up\n${process.stdout}\n${process.stderr}`);
}
