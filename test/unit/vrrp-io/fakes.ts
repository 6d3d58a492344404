/**
 * In-memory stand-ins for the runtime's kernel and clock: a SocketFactory whose channels
 * record what was sent and let a test push datagrams in, and a RuntimeClock stepped by hand.
 * With them the socket pool, dispatcher and runtime run their real code with no sockets, no
 * root and no sleeps.
 */

import {
  AdvertBuilder, VRRP_MULTICAST_IPV4, withDefaults, type AdvertTemplate, type InstanceParams,
} from '../../../src/vrrp/index.js';
import {
  socketKeyId, type IncomingDatagram, type InstanceSpec, type ReceiveChannel, type RuntimeClock, type SendChannel,
  type SendOptions, type SocketFactory, type SocketKey, type TransportSpec,
} from '../../../src/vrrp/io/index.js';

interface Timer { at: number; seq: number; run: () => void; cancelled: boolean }

export class FakeClock implements RuntimeClock {
  t = 1000;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(run: () => void, delayMs: number): unknown {
    const timer: Timer = { at: this.t + Math.max(0, delayMs), seq: this.#seq++, run, cancelled: false };
    this.#timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    (handle as Timer).cancelled = true;
  }

  /** Runs every timer due up to now + ms, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.#timers = this.#timers.filter((x) => !x.cancelled);
      const due = this.#timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.run();
    }
    this.t = end;
  }

  get pending(): number {
    return this.#timers.filter((x) => !x.cancelled).length;
  }
}

export interface SentDatagram { socket: string; bytes: Buffer; destination: string; options: SendOptions; at: number }

export class FakeReceiver implements ReceiveChannel {
  onDatagram: ((d: IncomingDatagram) => void) | undefined;
  onError: ((e: Error, fatal: boolean) => void) | undefined;
  receiveBuffer: number;
  closed = false;

  constructor(readonly id: string, receiveBuffer: number) {
    this.receiveBuffer = receiveBuffer;
  }

  start(onDatagram: (d: IncomingDatagram) => void, onError: (e: Error, fatal: boolean) => void): void {
    this.onDatagram = onDatagram;
    this.onError = onError;
  }

  setReceiveBuffer(bytes: number): void {
    this.receiveBuffer = bytes;
  }

  close(): void {
    this.closed = true;
  }
}

/** A SocketFactory in memory. `refuse` makes opens fail for a key id (until deleted). */
export class FakeFactory implements SocketFactory {
  readonly receivers = new Map<string, FakeReceiver>();
  readonly sent: SentDatagram[] = [];
  readonly opened: string[] = [];
  readonly refuse = new Map<string, string>();
  /** Makes every send fail with this message. */
  sendError: string | undefined;

  constructor(private readonly clock: FakeClock) {}

  openReceive(key: SocketKey, name: string, receiveBufferBytes: number) {
    const why = this.refuse.get(socketKeyId(key));
    if (why) throw new Error(why);
    const r = new FakeReceiver(name, receiveBufferBytes);
    this.receivers.set(name, r);
    this.opened.push(name);
    return { channel: r, warnings: [] };
  }

  openSend(_key: SocketKey, name: string) {
    const channel: SendChannel = {
      send: (bytes, destination, options) => {
        if (this.sendError !== undefined) throw new Error(this.sendError);
        this.sent.push({ socket: name, bytes, destination, options, at: this.clock.now() });
      },
      close: () => undefined,
    };
    return { channel, warnings: [] };
  }

  /** Delivers a datagram on the socket `id`, as the kernel would. */
  deliver(id: string, datagram: IncomingDatagram): void {
    const r = this.receivers.get(id);
    if (!r || r.closed || !r.onDatagram) throw new Error(`no open receive socket ${id} (have ${[...this.receivers.keys()].join(', ')})`);
    r.onDatagram(datagram);
  }

  /** VRRP priorities sent on socket `id` (decoded from the datagrams). */
  priorities(id?: string): number[] {
    return this.sent.filter((s) => id === undefined || s.socket === id).map((s) => {
      const v4 = (s.bytes[0] as number) >> 4 === 4;
      const offset = v4 ? ((s.bytes[0] as number) & 0x0f) * 4 + (s.bytes[9] === 51 ? 24 : 0) : 0;
      return s.bytes[offset + 2] as number;
    });
  }
}

type Params = Partial<InstanceParams> & Pick<InstanceParams, 'name' | 'vrid'>;

export function spec(params: Params, transport: TransportSpec = { interface: 'eth0' }): InstanceSpec {
  return { params: withDefaults({ version: 3, family: 'inet', addresses: [`192.0.2.${100 + params.vrid}`], ...params }), transport };
}

/** An IPv4 advert from a peer, as a receive socket returns it (IP header included). */
export function advertFrom(source: string, template: Partial<AdvertTemplate> & Pick<AdvertTemplate, 'vrid'>, priority: number,
  destination = VRRP_MULTICAST_IPV4, ahSequence?: number): IncomingDatagram {
  const t: AdvertTemplate = {
    version: 3, family: 'inet', addresses: [`192.0.2.${100 + template.vrid}`], advertIntervalMs: 1000,
    auth: { type: 'none' }, ttl: 255, unicast: false, ...template,
  };
  const built = new AdvertBuilder(t).build({ priority, source, destinations: [destination], ...(ahSequence !== undefined ? { ahSequence } : {}) });
  return { data: (built[0] as { bytes: Buffer }).bytes, source, truncated: false };
}

export const ETH0 = 'inet/vrrp/eth0#2/group 224.0.0.18';
