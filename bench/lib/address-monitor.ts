/**
 * When an address really appeared in a namespace's kernel: `ip -tshort
 * monitor address` run there, its lines parsed into (time, address, added or
 * deleted).
 *
 * The failover benchmark uses it to split a takeover into its parts: the
 * backup's first advert (wire), its VIP installed (this), its first GARP
 * (wire). The timestamp is the one iproute2 prints, taken with
 * gettimeofday() when `ip` read the netlink notification — a little after the
 * kernel made the change, never before. TZ=UTC makes it print UTC, so it can
 * be compared with the capture's CLOCK_REALTIME stamps; it has microsecond
 * resolution.
 *
 *   [2026-11-22T03:40:17.575135] 3: eth0    inet 192.0.2.100/24 scope global eth0
 *   [2026-11-22T03:40:18.101010] Deleted 3: eth0    inet 192.0.2.100/24 ...
 */
import type { LabProcess, Namespace } from '../../test/harness/index.js';

export interface AddressChange {
  /** Nanoseconds since the epoch. */
  readonly t: bigint;
  readonly address: string;
  readonly added: boolean;
}

const LINE = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\] (Deleted )?\d+: \S+\s+inet6? ([0-9a-f.:]+)\//;

/** Parses one line of `ip -ts monitor address` (TZ=UTC); undefined for continuation lines. */
export function parseMonitorLine(line: string): AddressChange | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const seconds = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  return { t: seconds * 1_000_000_000n + BigInt(m[2]!) * 1000n, address: m[4]!, added: m[3] === undefined };
}

export class AddressMonitor {
  private constructor(private readonly process: LabProcess) {}

  static async start(ns: Namespace): Promise<AddressMonitor> {
    const process = ns.spawn(['ip', '-tshort', 'monitor', 'address'], { env: { ...globalThis.process.env, TZ: 'UTC' } });
    // ip monitor prints nothing when ready; give it a moment to subscribe before anything changes.
    await new Promise((r) => setTimeout(r, 200));
    if (!process.running) throw new Error(`ip monitor address failed in ${ns.name}: ${process.stderr}`);
    return new AddressMonitor(process);
  }

  /** Every change seen so far. */
  changes(): AddressChange[] {
    return this.process.stdout.split('\n').map(parseMonitorLine).filter((c): c is AddressChange => c !== undefined);
  }

  async stop(): Promise<void> {
    await this.process.kill('SIGTERM', 1000);
  }
}
