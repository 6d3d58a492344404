/**
 * tcpdump in a lab namespace, writing a nanosecond pcap that a PcapFollower
 * reads while it grows.
 *
 * `--immediate-mode` and `-U` hand every packet to the file at once (libpcap
 * would otherwise hold packets for up to a second); the kernel's receive
 * timestamp is recorded with nanosecond precision. `-B` enlarges the capture
 * buffer so a burst (a thousand instances' GARPs) is not dropped; tcpdump's
 * drop count is read from its exit message so a result can say if the
 * capture was incomplete.
 */
import { join } from 'node:path';
import type { LabProcess, Namespace } from '../../test/harness/index.js';
import { PcapFollower } from './wire.js';

let counter = 0;

export class WireCapture {
  private constructor(readonly process: LabProcess, readonly follower: PcapFollower) {}

  static async start(ns: Namespace, ifname: string, directory: string, filter: string): Promise<WireCapture> {
    const file = join(directory, `${ns.label}-${ifname}-${++counter}.pcap`);
    const process = ns.spawn(['tcpdump', '-Z', 'root', '--immediate-mode', '-U', '--time-stamp-precision', 'nano',
      '-B', '16384', '-s', '256', '-n', '-i', ifname, '-w', file, filter]);
    try {
      await process.waitForOutput(/listening on/, { stream: 'stderr', timeoutMs: 10_000 });
    } catch (error) {
      await process.kill('SIGKILL');
      throw error;
    }
    return new WireCapture(process, new PcapFollower(file));
  }

  /** Reads what arrived since the last poll. */
  poll() {
    return this.follower.poll();
  }

  /** Stops tcpdump; returns the number of packets the kernel dropped ("N packets dropped by kernel"). */
  async stop(): Promise<number> {
    await this.process.kill('SIGINT', 3000);
    this.follower.poll();
    this.follower.close();
    return Number(/(\d+) packets? dropped by kernel/.exec(this.process.stderr)?.[1] ?? 0);
  }
}
