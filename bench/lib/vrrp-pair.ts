/**
 * Two VRRP routers on one LAN, watched by a third host: the stage of the
 * failover benchmark.
 *
 *        r1 (eth0 192.0.2.1, priority 150)     r2 (eth0 192.0.2.2, priority 100)
 *                  \                              /
 *                   +--------- br0 (in sw) ------+
 *                                 |
 *                        obs (eth0, tcpdump only)
 *
 * One VRRP instance, one VIP (192.0.2.100/24). r1 is the master whenever it
 * runs (higher priority, preemption on), r2 the backup; each side runs either
 * implementation, so keepalived-ts, keepalived and mixed pairs are built the
 * same way. The observer has no address and sends nothing: it captures VRRP
 * and ARP on its port of the bridge, so every timestamp comes from one
 * interface of one host, with the bridge's forwarding delay in every sample
 * alike.
 *
 * `ip monitor address` in r2 adds when the backup's VIP reached the kernel.
 *
 * The wire is the source of truth: "r1 is master" means the capture shows r1
 * advertising and r2 silent, not a log line of either daemon.
 */
import type { Namespace, Topology } from '../../test/harness/index.js';
import { AddressMonitor } from './address-monitor.js';
import { WireCapture } from './capture.js';
import { Daemon, SHORT_NAME, type Implementation } from './daemons.js';
import { keepalivedConf, type VrrpVersion } from './vrrp.js';
import type { GarpEvent, WireEvent } from './wire.js';

export const MASTER_PRIORITY = 150;
export const BACKUP_PRIORITY = 100;
const VRID = 51;
const VIP = '192.0.2.100';
const R1_ADDRESS = '192.0.2.1';
const R2_ADDRESS = '192.0.2.2';

export interface PairOptions {
  readonly master: Implementation;
  readonly backup: Implementation;
  readonly version: VrrpVersion;
  /** Seconds. */
  readonly advertInt: number;
  /** notify_master for both routers (a path). */
  readonly notifyMaster?: string;
}

export class VrrpPair {
  readonly name: string;
  r1Daemon: Daemon | undefined;
  r2Daemon: Daemon | undefined;
  r2Mac = '';
  #capture: WireCapture | undefined;
  /** Address changes in r2's kernel: when the backup's VIP really went in. */
  r2Addresses: AddressMonitor | undefined;

  private constructor(
    readonly options: PairOptions,
    private readonly lab: Topology,
    readonly r1: Namespace,
    readonly r2: Namespace,
    readonly observer: Namespace,
  ) {
    this.name = `${SHORT_NAME[options.master]}/${SHORT_NAME[options.backup]}`;
  }

  /** Builds the namespaces of pair number `index` (labels p<index>r1 etc.) and starts the capture. */
  static async create(lab: Topology, index: number, options: PairOptions): Promise<VrrpPair> {
    const sw = await lab.namespace(`p${index}sw`);
    const r1 = await lab.namespace(`p${index}r1`);
    const r2 = await lab.namespace(`p${index}r2`);
    const obs = await lab.namespace(`p${index}obs`);
    await lab.bridge(sw, 'br0');
    await lab.attach(r1, 'eth0', sw, 'br0', 'r1');
    await lab.attach(r2, 'eth0', sw, 'br0', 'r2');
    await lab.attach(obs, 'eth0', sw, 'br0', 'obs');
    await r1.addAddress('eth0', `${R1_ADDRESS}/24`);
    await r2.addAddress('eth0', `${R2_ADDRESS}/24`);
    const pair = new VrrpPair(options, lab, r1, r2, obs);
    pair.r2Mac = await r2.mac('eth0');
    pair.#capture = await WireCapture.start(obs, 'eth0', lab.directory, 'vrrp or arp or (ip proto 51)');
    pair.r2Addresses = await AddressMonitor.start(r2);
    return pair;
  }

  get vrid(): number {
    return VRID;
  }

  get vip(): string {
    return VIP;
  }

  /** Every decoded event of this pair's capture so far (call poll() first for the newest). */
  get events(): readonly WireEvent[] {
    return this.#capture!.follower.events;
  }

  poll(): void {
    this.#capture!.poll();
  }

  config(router: 'r1' | 'r2'): string {
    return keepalivedConf({
      routerId: `bench-${router}`,
      version: this.options.version,
      instances: [{
        name: 'VI_BENCH', iface: 'eth0', vrid: VRID, advertInt: this.options.advertInt, vips: [`${VIP}/24`],
        priority: router === 'r1' ? MASTER_PRIORITY : BACKUP_PRIORITY,
        ...(this.options.notifyMaster !== undefined ? { notifyMaster: this.options.notifyMaster } : {}),
      }],
    });
  }

  startR1(): void {
    this.r1Daemon = Daemon.start(this.options.master, this.r1, this.lab.directory, this.config('r1'));
  }

  startR2(): void {
    this.r2Daemon = Daemon.start(this.options.backup, this.r2, this.lab.directory, this.config('r2'));
  }

  /** Removes the VIP a crashed r1 left on its interface, as a reboot would. */
  async clearR1Vip(): Promise<void> {
    await this.r1.ip('address', 'flush', 'dev', 'eth0', 'to', `${VIP}/32`);
  }

  isR1(e: WireEvent): boolean {
    return e.kind === 'advert' && e.vrid === VRID && e.src === R1_ADDRESS;
  }

  isR2(e: WireEvent): boolean {
    return e.kind === 'advert' && e.vrid === VRID && e.src === R2_ADDRESS;
  }

  isR2Garp(e: WireEvent): e is GarpEvent {
    return e.kind === 'garp' && e.ip === VIP && e.senderMac === this.r2Mac;
  }

  /**
   * Waits until r1 is the master on the wire: at least `adverts` adverts of
   * priority > 0 from r1 after r2's last advert, the newest no older than
   * 1.5 advert intervals. Throws (with both daemons' output) after timeoutMs.
   */
  async waitR1Master(timeoutMs: number, adverts = 3): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const intervalNs = BigInt(Math.round(this.options.advertInt * 1.5e9));
    for (;;) {
      this.poll();
      const events = this.events;
      let sinceR2 = 0;
      let newest: bigint | undefined;
      for (let i = events.length - 1; i >= 0; i--) {
        const e = events[i]!;
        if (this.isR2(e)) break;
        if (e.kind === 'advert' && this.isR1(e) && e.priority > 0) {
          sinceR2++;
          newest ??= e.t;
        }
      }
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      if (sinceR2 >= adverts && newest !== undefined && nowNs - newest < intervalNs + 50_000_000n) return;
      for (const d of [this.r1Daemon, this.r2Daemon]) {
        if (d && !d.running) throw new Error(`${this.name}: ${d.implementation} in ${d.process.argv[3]} exited\n${d.output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: r1 not master on the wire after ${timeoutMs} ms (${sinceR2} adverts since r2's last)\n` +
          `r1: ${this.r1Daemon?.output ?? ''}\nr2: ${this.r2Daemon?.output ?? ''}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the first event after index `from` matching `match`; undefined after timeoutMs. */
  async waitEvent<T extends WireEvent>(from: number, match: (e: WireEvent) => e is T, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.poll();
      const events = this.events;
      for (let i = from; i < events.length; i++) {
        const e = events[i]!;
        if (match(e)) return e;
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** When the VIP was added in r2's kernel, the first time after `after` (ns since the epoch). */
  r2VipAdded(after: bigint): bigint | undefined {
    return this.r2Addresses?.changes().find((c) => c.added && c.address === VIP && c.t > after)?.t;
  }

  async stopCapture(): Promise<number> {
    await this.r2Addresses?.stop();
    return this.#capture ? this.#capture.stop() : 0;
  }
}
