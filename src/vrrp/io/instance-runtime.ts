/**
 * One VRRP instance running for real: the pure VrrpInstance FSM wired to a clock, a timer,
 * the socket pool and an event sink. This is the `InstanceHost` the FSM was written against:
 *
 *   now()        the runtime clock (performance.now(): monotonic, sub-millisecond)
 *   setTimer()   one setTimeout per instance, re-armed whenever the FSM asks (keepalived's
 *                "sands"); an early wake-up is handled by the FSM, which re-arms
 *   sendAdvert() AdvertSender: build the datagram(s), send through the pooled socket
 *   emit()       drops go to the one drop log, everything goes to the runtime's sink
 *
 * and the VridEndpoint the pool and dispatcher deliver to.
 *
 * Binding (interfaces, source address, socket) is a state that can fail and recover, not a
 * precondition: if the interface is missing, IPv4 has no source address yet, or the kernel
 * refuses the socket, the instance goes to FAULT with that reason (its own fault source, like
 * a tracker's) and the binding is retried; when it succeeds the fault clears and the FSM
 * leaves FAULT as after any tracker recovery. Configuration errors (a VRID clash on a shared
 * socket, a unicast_ttl out of range) throw from the constructor or start().
 *
 * An empty but configured unicast_peer list sends nothing and says so once; with
 * unicast_fault_no_peer it is also a permanent fault (keepalived 2.2.5+).
 */

import { VrrpInstance, type StartOptions } from '../fsm/instance.js';
import { InstanceConfigError } from '../fsm/timers.js';
import type { InstanceEvent, InstanceHost, InstanceStatus, OutgoingAdvert } from '../fsm/types.js';
import { familyOf, isIpv6LinkLocal, isMulticast } from '../packet/index.js';
import type { ReceivedPacket } from '../receive-checks.js';
import { AdvertSender, oldChecksumGroup, type SenderCounters } from './wire.js';
import { PeerSilenceDetector, type PeerSilenceStatus } from './peer-silence.js';
import { peerKey, type PooledSocket, type SocketPool, type VridEndpoint } from './socket-pool.js';
import {
  advertLinkOf, type DropRecord, type InstanceLinks, type InstanceSpec, type InterfaceDirectory, type LinkRef,
  type RuntimeClock, type RuntimeEvent, type SocketKey,
} from './types.js';

export interface InstanceRuntimeDeps {
  readonly pool: SocketPool;
  readonly directory: InterfaceDirectory;
  readonly clock: RuntimeClock;
  readonly emit: (event: RuntimeEvent) => void;
  readonly drop: (record: DropRecord) => void;
  /** How often a failed binding (interface, address) is retried, ms. */
  readonly retryMs: number;
}

export interface InstanceRuntimeStatus extends InstanceStatus {
  readonly link?: LinkRef;
  readonly socket?: string;
  /** Why adverts cannot be sent or received (undefined when bound). */
  readonly bindError?: string;
  readonly source?: string;
  readonly destinations: readonly string[];
  readonly sends: Readonly<SenderCounters>;
  readonly unicastPeers?: PeerSilenceStatus;
}

const NO_PEER_FAULT = 'unicast_fault_no_peer: no unicast peers';

/** Checks what the socket layer relies on; the FSM checks its own parameters. */
function validateTransport(spec: InstanceSpec): void {
  const { params: p, transport: t } = spec;
  const fail = (msg: string): never => { throw new InstanceConfigError(p.name, msg); };
  if (!p.unicast && t.interface === undefined) fail('a multicast instance needs an interface');
  if (p.unicast && t.interface === undefined && t.sourceAddress === undefined) fail('unicast instances must have unicast_src_ip or interface');
  if (t.unicastTtl !== undefined && (!Number.isInteger(t.unicastTtl) || t.unicastTtl < 0 || t.unicastTtl > 255)) fail(`unicast_ttl must be 0..255, got ${t.unicastTtl}`);
  if (t.kernelRxBufSize !== undefined && (!Number.isInteger(t.kernelRxBufSize) || t.kernelRxBufSize < 0)) fail(`kernel_rx_buf_size must be a whole number of bytes, got ${t.kernelRxBufSize}`);
  const share = t.receiveBuffer;
  if (share && !('bytes' in share ? Number.isInteger(share.bytes) && share.bytes >= 0 : Number.isInteger(share.mtuMultiple) && share.mtuMultiple >= 1)) {
    fail(`the receive buffer share must be whole bytes or a positive MTU multiple, got ${JSON.stringify(share)}`);
  }
  const address = (what: string, a: string): void => {
    try {
      if (familyOf(a) !== p.family) fail(`${what} ${a} is not ${p.family}`);
    } catch (e) {
      if (e instanceof InstanceConfigError) throw e;
      fail(`${what}: ${(e as Error).message}`);
    }
  };
  if (t.sourceAddress !== undefined) address(p.unicast ? 'unicast_src_ip' : 'mcast_src_ip', t.sourceAddress);
  if (t.multicastGroup !== undefined) {
    address('mcast_dst_ip', t.multicastGroup);
    if (!isMulticast(t.multicastGroup)) fail(`mcast_dst_ip ${t.multicastGroup} is not a multicast address`);
    // keepalived: IPv6 groups must be link-local scope (ffX2::), as RFC 5798's ff02::12.
    if (p.family === 'inet6' && !/^ff[0-9a-f]2:/i.test(t.multicastGroup)) fail(`mcast_dst_ip ${t.multicastGroup} must be link-local scope (ffX2::)`);
  }
  if (p.unicast && p.family === 'inet6' && t.interface === undefined && t.sourceAddress !== undefined && isIpv6LinkLocal(t.sourceAddress)) {
    fail('non link-local unicast_src_ip required if interface omitted');
  }
}

export class InstanceRuntime implements VridEndpoint {
  readonly fsm: VrrpInstance;
  readonly sender: AdvertSender;
  readonly silence: PeerSilenceDetector | undefined;
  readonly peerKeys: ReadonlySet<string>;
  readonly #spec: InstanceSpec;
  readonly #deps: InstanceRuntimeDeps;
  #vmac: LinkRef | undefined;
  #link: LinkRef | undefined;
  #socket: PooledSocket | undefined;
  #bindError: string | undefined;
  /** The fault source standing for the binding problem (so it can be cleared by name). */
  #ioFault: string | undefined;
  #timer: unknown;
  #retryTimer: unknown;
  #active = false;

  constructor(spec: InstanceSpec, deps: InstanceRuntimeDeps) {
    validateTransport(spec);
    this.#spec = spec;
    this.#deps = deps;
    this.#vmac = spec.transport.vmac;
    const p = spec.params;
    this.peerKeys = new Set(p.unicastPeers.map((x) => peerKey(x.address)));
    this.sender = new AdvertSender(p, spec.transport, (f) => deps.emit({ type: 'sendError', instance: p.name, destination: f.destination, detail: f.detail }));
    const host: InstanceHost = {
      now: () => deps.clock.now(),
      setTimer: (atMs) => this.#setTimer(atMs),
      clearTimer: () => this.#clearTimer(),
      sendAdvert: (advert) => this.#send(advert),
      emit: (event) => this.#onFsmEvent(event),
    };
    this.fsm = new VrrpInstance(p, host);
    this.silence = p.unicast && p.unicastPeers.length > 0
      ? new PeerSilenceDetector(p.unicastPeers.map((x) => x.address), deps.clock, () => this.#silenceThresholdMs(), {
        silent: (silentForMs, droppedFromPeers) => deps.emit({
          type: 'unicastPeersSilent', instance: p.name, peers: p.unicastPeers.map((x) => x.address), silentForMs, state: this.fsm.state, droppedFromPeers,
        }),
        heard: (peer, silentForMs) => deps.emit({ type: 'unicastPeerHeard', instance: p.name, peer, silentForMs }),
      })
      : undefined;
  }

  // --- VridEndpoint --------------------------------------------------------------------------

  get name(): string { return this.#spec.params.name; }
  get vrid(): number { return this.#spec.params.vrid; }
  get unicast(): boolean { return this.#spec.params.unicast; }
  get running(): boolean { return this.fsm.state === 'BACKUP' || this.fsm.state === 'MASTER'; }

  deliver(packet: ReceivedPacket): void {
    const valid = this.fsm.receive(packet);
    this.silence?.observe(packet.source, valid);
  }

  socketStateChanged(socket: PooledSocket, error: string | undefined): void {
    this.#setIoFault(error === undefined ? undefined : `socket ${socket.id}: ${error}`);
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** Binds to the wire and starts the FSM. Throws on a configuration error (VRID clash). */
  start(options: StartOptions = {}): void {
    if (this.#active) throw new Error(`(${this.name}) already started`);
    this.#active = true;
    if (this.sender.hasNoPeers) {
      const fault = this.#spec.transport.unicastFaultNoPeer === true;
      this.#deps.emit({ type: 'noUnicastPeers', instance: this.name, fault });
      if (fault) this.fsm.setFault(NO_PEER_FAULT, true);
    }
    try {
      this.#bind();
    } catch (error) {
      this.#active = false;
      this.#unbind();
      throw error;
    }
    this.fsm.start(options);
    this.silence?.start();
  }

  /** Leaves the wire: a MASTER sends priority 0 first (RFC 5798 §6.4.3 Shutdown). */
  stop(): void {
    if (!this.#active) return;
    this.fsm.stop();
    this.#active = false;
    this.#clearTimer();
    this.silence?.stop();
    this.#unbind();
  }

  /** The VMAC code created (or removed) this instance's VMAC: move to the right socket. */
  setVmac(vmac: LinkRef | undefined): void {
    this.#vmac = vmac;
    this.rebind();
  }

  /**
   * Resolves interfaces and the source address again and re-attaches (the interface was
   * renamed or re-created, the primary address changed). The FSM keeps its state.
   */
  rebind(): void {
    if (!this.#active) return;
    this.#unbind();
    try {
      this.#bind();
    } catch (error) {
      this.#bindFailed((error as Error).message);
    }
  }

  get links(): InstanceLinks {
    const t = this.#spec.transport;
    const index = t.interface === undefined ? undefined : this.#deps.directory.indexOf(t.interface);
    return {
      ...(t.interface !== undefined && index !== undefined ? { configured: { name: t.interface, index } } : {}),
      ...(this.#vmac ? { vmac: this.#vmac } : {}),
      xmitBase: t.vmacXmitBase === true,
    };
  }

  status(): InstanceRuntimeStatus {
    return {
      ...this.fsm.status(),
      ...(this.#link ? { link: this.#link } : {}),
      ...(this.#socket ? { socket: this.#socket.id } : {}),
      ...(this.#bindError !== undefined ? { bindError: this.#bindError } : {}),
      ...(this.sender.source !== undefined ? { source: this.sender.source } : {}),
      destinations: this.sender.destinations,
      sends: { ...this.sender.counters },
      ...(this.silence ? { unicastPeers: this.silence.status() } : {}),
    };
  }

  /** Master_Down_Interval plus one advert interval (see peer-silence.ts). */
  #silenceThresholdMs(): number {
    return this.fsm.masterDownIntervalMs + this.fsm.status().masterAdvertIntervalMs;
  }

  // --- binding -------------------------------------------------------------------------------

  /** keepalived's source choice: unicast_src_ip/mcast_src_ip, else the interface's address. */
  #resolveSource(links: InstanceLinks, link: LinkRef | undefined): string | undefined {
    const t = this.#spec.transport;
    if (t.sourceAddress !== undefined) return t.sourceAddress;
    const family = this.#spec.params.family;
    // IPv4: the configured (base) interface's primary address; IPv6: the advert link's link-local.
    const from = family === 'inet' ? links.configured : link;
    return from ? this.#deps.directory.primaryAddress(from.index, family) : undefined;
  }

  #bind(): void {
    this.#clearRetry();
    const p = this.#spec.params;
    const t = this.#spec.transport;
    const links = this.links;
    if (t.interface !== undefined && !links.configured) return this.#bindFailed(`interface ${t.interface} not found`);
    const link = advertLinkOf(links);
    const source = this.#resolveSource(links, link);
    if (source === undefined && (p.unicast || p.family === 'inet')) {
      return this.#bindFailed(`no ${p.family === 'inet' ? 'IPv4' : 'IPv6'} source address on ${link?.name ?? 'any interface'}`);
    }
    const protocol = p.auth.type === 'ah' ? 51 : 112;
    const key: SocketKey = p.unicast
      ? { family: p.family, protocol, link, mode: 'unicast', source: source as string }
      : { family: p.family, protocol, link: link as LinkRef, mode: 'multicast', group: this.sender.destinations[0] as string };
    this.#link = link;
    this.sender.source = source;
    this.fsm.setPrimaryAddress(source);
    this.#bindError = undefined;
    // attach() reports the socket's state through socketStateChanged (and may throw a VRID clash).
    this.#socket = this.#deps.pool.attach(key, this, this.#receiveBufferBytes(links));
    this.sender.socket = this.#socket;
    if (this.fsm.state === 'BACKUP') this.sender.prepare(this.fsm.effectivePriority);
  }

  /**
   * This instance's share of the socket's SO_RCVBUF, bytes. The MTU policy uses the MTU of
   * the instance's own interface (its VMAC if it has one), as keepalived's vrrp->ifp; an
   * instance without an interface adds nothing then.
   */
  #receiveBufferBytes(links: InstanceLinks): number {
    const t = this.#spec.transport;
    const share = t.receiveBuffer ?? (t.kernelRxBufSize ? { bytes: t.kernelRxBufSize } : undefined);
    if (!share) return 0;
    if ('bytes' in share) return share.bytes;
    const own = links.vmac ?? links.configured;
    const mtu = own ? this.#deps.directory.mtuOf?.(own.index) : undefined;
    return mtu === undefined ? 0 : share.mtuMultiple * mtu;
  }

  #bindFailed(detail: string): void {
    this.#bindError = detail;
    this.#setIoFault(detail);
    this.#retryTimer = this.#deps.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#active) return;
      try {
        this.#bind();
      } catch (error) {
        // A clash found only now (the interface appeared): report it as the fault, keep trying.
        this.#bindFailed((error as Error).message);
      }
    }, this.#deps.retryMs);
  }

  #unbind(): void {
    this.#clearRetry();
    if (this.#socket) this.#deps.pool.detach(this.#socket, this);
    this.#socket = undefined;
    this.sender.socket = undefined;
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) this.#deps.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #setIoFault(detail: string | undefined): void {
    if (detail === undefined) this.#bindError = undefined;
    else this.#bindError = detail;
    if (detail === this.#ioFault) return;
    const previous = this.#ioFault;
    this.#ioFault = detail;
    // Set the new reason before clearing the old, so the instance does not leave FAULT between.
    if (detail !== undefined) this.fsm.setFault(detail, true);
    if (previous !== undefined) this.fsm.setFault(previous, false);
  }

  // --- InstanceHost --------------------------------------------------------------------------

  #setTimer(atMs: number): void {
    this.#clearTimer();
    // In BACKUP (and INIT) the timer is the Master_Down_Timer: its expiry is the failover.
    const precise = this.fsm.state !== 'MASTER';
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      this.fsm.onTimer();
    }, atMs - this.#deps.clock.now(), precise);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #send(advert: OutgoingAdvert): void {
    this.sender.send(advert);
  }

  #onFsmEvent(event: InstanceEvent): void {
    // Both directions follow: ours go out with the old checksum too (keepalived vrrp_csum_mcast).
    if (event.type === 'oldChecksumDetected') this.sender.builder.checksumDestination = oldChecksumGroup(this.#spec.params);
    // A BACKUP keeps the advert it would send on taking over ready (AdvertSender.prepare).
    if ((event.type === 'transition' && event.to === 'BACKUP') || (event.type === 'priorityChanged' && event.state === 'BACKUP')) {
      this.sender.prepare(this.fsm.effectivePriority);
    }
    if (event.type === 'advertDropped') {
      this.#deps.drop({ where: event.instance, source: event.source, reason: event.reason, detail: event.detail });
    }
    this.#deps.emit(event);
  }
}
