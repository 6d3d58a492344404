/**
 * Packet capture in a lab namespace: tcpdump writes a pcap file, tshark decodes it.
 *
 * tcpdump starts in a fraction of a second and says "listening on" once the
 * capture is armed, so start() returns only when nothing can be missed. stop()
 * sends SIGINT, which makes tcpdump flush and close the file. Decoding is
 * tshark's job (its dissectors are the reference the tests check against):
 * decode() returns tshark's JSON layers, fields() selected fields as strings.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LabProcess, run, tryRun } from './process.js';
import { delay, waitUntil } from './wait.js';

/** tshark -T json output: one object per packet, layers keyed by protocol. */
export interface DecodedPacket {
  layers: Record<string, unknown>;
}

export class Capture {
  readonly file: string;
  #process: LabProcess;
  #stopped = false;

  private constructor(file: string, process: LabProcess) {
    this.file = file;
    this.#process = process;
  }

  /** Starts tcpdump in `namespace` on `ifname` with an optional BPF filter expression. */
  static async start(namespace: string, ifname: string, directory: string, filter?: string): Promise<Capture> {
    const file = join(directory, `capture-${namespace}-${ifname}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.pcap`);
    // -Z root: Debian's tcpdump would otherwise drop to user tcpdump, which cannot write into the lab's private directory.
    // --immediate-mode: libpcap would otherwise hold packets in its ring until a block
    // fills or times out (about a second), and a quick stop would lose them.
    const argv = ['ip', 'netns', 'exec', namespace, 'tcpdump', '-Z', 'root', '--immediate-mode', '-i', ifname, '-n', '-U', '-w', file,
      ...(filter ? [filter] : [])];
    const process = new LabProcess(argv);
    const capture = new Capture(file, process);
    try {
      await process.waitForOutput(/listening on/, { stream: 'stderr', timeoutMs: 10_000 });
    } catch (error) {
      await process.kill('SIGKILL');
      throw error;
    }
    return capture;
  }

  /** Stops the capture; the pcap file is complete afterwards. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    // Packets already on the wire may still be on their way through tcpdump: let the
    // file settle (no growth for 100 ms, at most 1 s) before asking it to finish.
    let size = -1;
    for (let waited = 0; waited < 1000; waited += 100) {
      const now = existsSync(this.file) ? statSync(this.file).size : 0;
      if (now === size) break;
      size = now;
      await delay(100);
    }
    await this.#process.kill('SIGINT');
  }

  /**
   * Waits until the capture holds at least `count` packets matching the BPF
   * `filter` (all packets if omitted), reading the file while tcpdump writes it.
   */
  async waitForPackets(count: number, filter?: string, timeoutMs = 5000): Promise<void> {
    await waitUntil(`${count} captured packet(s)${filter ? ` matching '${filter}'` : ''}`, async () => {
      const result = await tryRun(['tcpdump', '-r', this.file, '-n', ...(filter ? [filter] : [])]);
      return result.stdout.split('\n').filter(Boolean).length >= count;
    }, { timeoutMs, intervalMs: 50 });
  }

  /** Every packet (or those matching a tshark display filter), fully decoded. */
  async decode(displayFilter?: string): Promise<DecodedPacket[]> {
    await this.stop();
    const { stdout } = await run(['tshark', '-r', this.file, '-T', 'json', ...(displayFilter ? ['-Y', displayFilter] : [])]);
    const packets = JSON.parse(stdout || '[]') as Array<{ _source: { layers: Record<string, unknown> } }>;
    return packets.map((p) => ({ layers: p._source.layers }));
  }

  /** Selected tshark fields, one row per packet, in the order asked. */
  async fields(names: readonly string[], displayFilter?: string): Promise<string[][]> {
    await this.stop();
    const argv = ['tshark', '-r', this.file, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,',
      ...names.flatMap((name) => ['-e', name]), ...(displayFilter ? ['-Y', displayFilter] : [])];
    const { stdout } = await run(argv);
    return stdout.split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
  }

  /** The raw captured frames, read from the pcap file (libpcap format, any byte order). */
  async frames(): Promise<Buffer[]> {
    await this.stop();
    return parsePcap(readFileSync(this.file));
  }

  /** tcpdump's one-line-per-packet text (-v), handy in assertion messages. */
  async text(): Promise<string> {
    await this.stop();
    return (await run(['tcpdump', '-r', this.file, '-n', '-v'])).stdout;
  }
}

/** Splits a classic pcap file (24-byte file header, 16-byte record headers) into frames. */
export function parsePcap(file: Buffer): Buffer[] {
  if (file.length < 24) throw new RangeError('pcap file shorter than its header');
  const magic = file.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new RangeError('not a pcap file');
  const u32 = (offset: number) => (little ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const frames: Buffer[] = [];
  for (let offset = 24; offset + 16 <= file.length;) {
    const length = u32(offset + 8);
    if (offset + 16 + length > file.length) break; // a record still being written
    frames.push(Buffer.from(file.subarray(offset + 16, offset + 16 + length)));
    offset += 16 + length;
  }
  return frames;
}
