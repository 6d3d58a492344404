/**
 * The VRRP lab: the project's namespace harness (test/harness) plus what VRRP tests run in
 * it — our runtime (driver.ts), Debian's keepalived, the forged-packet injector — and the
 * wire decoded by tshark into one record per advert.
 *
 *   const lab = await VrrpLab.create(t);           // torn down by t.after, even on failure
 *   const { a, b } = await lab.twoRouters();       // two namespaces on one cable
 *   const capture = await lab.capture(b);          // tcpdump on b's vx0 (VRRP and AH)
 *   const router = await lab.driver(a, config);    // our runtime in a
 *   ...
 *   const adverts = await decodeAdverts(capture);  // tshark's view of every advert
 *
 * The harness names every namespace uniquely, creates interfaces only inside them, and
 * removes namespaces, processes (by pid) and files when the test ends or is interrupted.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topology, type Capture, type Namespace, type TestHooks } from '../../harness/index.js';
import { namespacePidsSync } from '../../harness/cleanup.js';
import { delay } from '../../harness/wait.js';
import type { DriverConfig } from './driver.js';
import { Driver, Injector, Keepalived } from './lab-processes.js';

export const IFNAME = 'vx0';

export interface RouterAddresses { readonly v4: string; readonly v6: string; readonly ll: string }
/** Fixed MACs give fixed EUI-64 link-local addresses. */
export const ROUTER_A: RouterAddresses = { v4: '10.9.0.1', v6: '2001:db8:9::1', ll: 'fe80::ff:fe00:a01' };
export const ROUTER_B: RouterAddresses = { v4: '10.9.0.2', v6: '2001:db8:9::2', ll: 'fe80::ff:fe00:b01' };

/** The MACs of router A's and router B's vx0 (fixed, so the wire shows who sent a frame). */
export const ROUTER_MAC = { a: '02:00:00:00:0a:01', b: '02:00:00:00:0b:01' } as const;

/** tcpdump's filter for VRRP adverts, bare or inside AH, IPv4 and IPv6. */
export const VRRP_CAPTURE_FILTER = 'ip proto 112 or ip proto 51 or ip6 proto 112';

/**
 * Router A and router B in `topology`: two namespaces, one cable (vx0 <-> vx0), the IPv4
 * and IPv6 addresses of ROUTER_A and ROUTER_B. Shared with the daemon-level lab.
 */
export async function twoRouters(topology: Topology): Promise<{ a: Namespace; b: Namespace }> {
  const a = await topology.namespace('a');
  const b = await topology.namespace('b');
  await topology.veth(a, IFNAME, b, IFNAME, { aMac: ROUTER_MAC.a, bMac: ROUTER_MAC.b });
  for (const [ns, r] of [[a, ROUTER_A], [b, ROUTER_B]] as const) {
    await ns.addAddress(IFNAME, `${r.v4}/24`);
    await ns.addAddress(IFNAME, `${r.v6}/64`, { nodad: true });
  }
  return { a, b };
}

export class VrrpLab {
  private constructor(readonly topology: Topology) {}

  static async create(t: TestHooks): Promise<VrrpLab> {
    return new VrrpLab(await Topology.create(t));
  }

  /** Router A and router B, one cable (vx0 <-> vx0), IPv4 and IPv6 addresses on both. */
  twoRouters(): Promise<{ a: Namespace; b: Namespace }> {
    return twoRouters(this.topology);
  }

  /** tcpdump on `ifname`, VRRP and AH only (IPv4 and IPv6). */
  capture(ns: Namespace, ifname = IFNAME): Promise<Capture> {
    return ns.capture(ifname, VRRP_CAPTURE_FILTER);
  }

  /** Our VRRP runtime in `ns`, started from literal parameters. */
  async driver(ns: Namespace, config: DriverConfig): Promise<Driver> {
    const script = new URL('./driver.js', import.meta.url).pathname;
    const driver = new Driver(ns.spawn([process.execPath, script, JSON.stringify(config)], { stdin: true }));
    await driver.ready();
    return driver;
  }

  /** injector.ts in `ns`, sending out of `ifname`. */
  async injector(ns: Namespace, ifname = IFNAME): Promise<Injector> {
    const script = new URL('./injector.js', import.meta.url).pathname;
    const injector = new Injector(ns.spawn([process.execPath, script, ifname], { stdin: true }));
    await injector.ready();
    return injector;
  }

  /**
   * Debian's keepalived in `ns` (`keepalived -n -l -f CONF -p P -r R -c C -b B`, VRRP only,
   * detailed log), with pid files of its own so a stale one never stops it from starting.
   */
  keepalived(ns: Namespace, label: string, conf: string): Keepalived {
    const path = (ext: string): string => join(this.topology.directory, `${label}.${ext}`);
    writeFileSync(path('conf'), conf);
    return new Keepalived(ns.spawn([
      'keepalived', '-n', '-l', '-D', '-P', '-f', path('conf'), '-p', path('pid'), '-r', path('vrrp.pid'), '-c', path('check.pid'), '-b', path('bfd.pid'),
    ]));
  }

  /**
   * Crashes everything running in `ns`. SIGKILL of keepalived's parent alone is not a crash
   * (its VRRP child gets SIGTERM and sends priority 0), so every process of the namespace is
   * stopped first, then killed. Only for namespaces holding nothing but the router.
   */
  async crash(ns: Namespace): Promise<void> {
    const pids = namespacePidsSync(ns.name);
    for (const pid of pids) { try { process.kill(pid, 'SIGSTOP'); } catch { /* gone */ } }
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    await delay(50);
  }
}
