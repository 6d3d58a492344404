/**
 * Test harness for the VRRP state machines: a fake clock that runs timers in time order, and
 * a fake LAN of routers whose instances exchange *real* adverts — encoded by AdvertBuilder,
 * checked by the receive guards — delivered through the clock (never re-entrantly), so an
 * election, a failover or a sync-group fault can be stepped in virtual time with no sockets
 * and no sleeps.
 */

import {
  AdvertBuilder, InstanceEvent, InstanceHost, InstanceParams, OutgoingAdvert, SyncGroup, SyncGroupEvent,
  VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6, VrrpInstance, withDefaults,
} from '../../../src/vrrp/index.js';

interface Scheduled { at: number; seq: number; id: number; run: () => void }

export class FakeClock {
  now = 0;
  private seq = 0;
  private nextId = 1;
  private queue: Scheduled[] = [];

  schedule(at: number, run: () => void): number {
    const id = this.nextId++;
    this.queue.push({ at: Math.max(at, this.now), seq: this.seq++, id, run });
    return id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    this.queue = this.queue.filter((e) => e.id !== id);
  }

  /** Runs everything due up to `t` in time order, then sets the clock to `t`. */
  advanceTo(t: number): void {
    for (;;) {
      let best: Scheduled | undefined;
      for (const e of this.queue) if (e.at <= t && (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq))) best = e;
      if (!best) break;
      this.queue = this.queue.filter((e) => e !== best);
      this.now = best.at;
      best.run();
    }
    this.now = t;
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }
}

export interface SentAdvert { atMs: number; router: string; instance: string; vrid: number; priority: number; ahSequence?: number }

export interface LoggedEvent { atMs: number; router: string; event: InstanceEvent | SyncGroupEvent }

type Params = Partial<InstanceParams> & Pick<InstanceParams, 'name' | 'vrid'>;

/** One router: a set of instances on named segments, each segment with one address. */
export class Router {
  readonly instances = new Map<string, VrrpInstance>();
  readonly segmentOf = new Map<VrrpInstance, string>();
  readonly groups: SyncGroup[] = [];
  private crashed = false;

  constructor(readonly lan: FakeLan, readonly name: string, readonly addresses: Readonly<Record<string, string>>) {}

  add(params: Params, segment = 'lan'): VrrpInstance {
    const address = this.addresses[segment];
    if (!address) throw new Error(`${this.name} has no address on ${segment}`);
    const family = address.includes(':') ? 'inet6' : 'inet';
    const full = withDefaults({ version: 3, family, primaryAddress: address, ...params });
    const lan = this.lan;
    const clock = lan.clock;
    const router = this;
    let timer: number | undefined;
    const builder = new AdvertBuilder({
      version: full.version, family: full.family, vrid: full.vrid, addresses: full.addresses,
      advertIntervalMs: full.advertIntervalMs, auth: full.auth, ttl: 255, unicast: full.unicast,
      v3ChecksumAsV2: full.v3ChecksumAsV2,
    });
    const host: InstanceHost = {
      now: () => clock.now,
      setTimer: (atMs) => { clock.cancel(timer); timer = clock.schedule(atMs, () => { timer = undefined; if (!router.crashed) inst.onTimer(); }); },
      clearTimer: () => { clock.cancel(timer); timer = undefined; },
      sendAdvert: (a: OutgoingAdvert) => lan.transmit(router, inst, builder, a),
      emit: (event) => lan.events.push({ atMs: clock.now, router: router.name, event }),
    };
    const inst = new VrrpInstance(full, host);
    this.instances.set(full.name, inst);
    this.segmentOf.set(inst, segment);
    return inst;
  }

  group(name: string, members: VrrpInstance[]): SyncGroup {
    const g = new SyncGroup(name, members, { emit: (event) => this.lan.events.push({ atMs: this.lan.clock.now, router: this.name, event }) });
    this.groups.push(g);
    return g;
  }

  get(name: string): VrrpInstance {
    const i = this.instances.get(name);
    if (!i) throw new Error(`no instance ${name} on ${this.name}`);
    return i;
  }

  startAll(options: Parameters<VrrpInstance['start']>[0] = {}): void {
    for (const i of this.instances.values()) i.start(options);
  }

  /** A crash: no more adverts, no timers, no priority 0. */
  crash(): void {
    this.crashed = true;
  }

  get isCrashed(): boolean {
    return this.crashed;
  }
}

export class FakeLan {
  readonly clock = new FakeClock();
  readonly routers: Router[] = [];
  readonly sent: SentAdvert[] = [];
  readonly events: LoggedEvent[] = [];
  /** Down NICs, as "router/segment". */
  private readonly down = new Set<string>();
  /** One-way delivery delay, ms. */
  latencyMs = 0;

  router(name: string, addresses: string | Record<string, string>): Router {
    const r = new Router(this, name, typeof addresses === 'string' ? { lan: addresses } : addresses);
    this.routers.push(r);
    return r;
  }

  setNic(router: Router, segment: string, up: boolean): void {
    if (up) this.down.delete(`${router.name}/${segment}`);
    else this.down.add(`${router.name}/${segment}`);
  }

  private nicUp(router: Router, segment: string): boolean {
    return !this.down.has(`${router.name}/${segment}`) && !router.isCrashed;
  }

  /** An instance sends: encode for real, deliver to every other router's instance of that VRID on the segment. */
  transmit(from: Router, inst: VrrpInstance, builder: AdvertBuilder, advert: OutgoingAdvert): void {
    if (from.isCrashed) return;
    const segment = from.segmentOf.get(inst) as string;
    this.sent.push({ atMs: this.clock.now, router: from.name, instance: inst.name, vrid: inst.params.vrid, priority: advert.priority, ...(advert.ahSequence !== undefined ? { ahSequence: advert.ahSequence } : {}) });
    if (!this.nicUp(from, segment)) return;
    const p = inst.params;
    const source = from.addresses[segment] as string;
    const destinations = p.unicast ? p.unicastPeers.map((u) => u.address) : [p.family === 'inet' ? VRRP_MULTICAST_IPV4 : VRRP_MULTICAST_IPV6];
    for (const dgram of builder.build({ priority: advert.priority, source, destinations, ...(advert.ahSequence !== undefined ? { ahSequence: advert.ahSequence } : {}) })) {
      for (const r of this.routers) {
        if (r === from || !this.nicUp(r, segment)) continue;
        if (p.unicast && r.addresses[segment] !== dgram.destination) continue;
        for (const [other, seg] of r.segmentOf) {
          if (seg !== segment || other.params.vrid !== p.vrid || other.params.family !== p.family) continue;
          const packet = p.family === 'inet'
            ? { bytes: dgram.bytes, source }
            : { bytes: dgram.bytes, source, destination: dgram.destination, hopLimit: 255 };
          this.clock.schedule(this.clock.now + this.latencyMs, () => { if (this.nicUp(r, segment)) other.receive(packet); });
        }
      }
    }
  }

  /** Transitions seen so far, as "router/instance FROM->TO". */
  transitions(filter?: (e: LoggedEvent) => boolean): string[] {
    return this.events
      .filter((e) => e.event.type === 'transition' && (!filter || filter(e)))
      .map((e) => (e.event.type === 'transition' ? `${e.router}/${e.event.instance} ${e.event.from}->${e.event.to}` : ''));
  }

  /** Time of the first transition of `instance` on `router` into `to` at or after `sinceMs`. */
  transitionTime(router: string, instance: string, to: string, sinceMs = 0): number | undefined {
    const e = this.events.find((x) => x.atMs >= sinceMs && x.router === router && x.event.type === 'transition' && x.event.instance === instance && x.event.to === to);
    return e?.atMs;
  }

  eventsOf(type: string): LoggedEvent[] {
    return this.events.filter((e) => e.event.type === type);
  }
}
