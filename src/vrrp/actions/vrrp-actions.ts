/**
 * The actions layer of one vrrp process: everything the instances share, and the order
 * in which it is set up and torn down.
 *
 * Shared: the GARP/NA pacer (rate limits per interface / garp_group span instances), the
 * watch on kernel deletions, the static addresses/routes/rules, the VMAC manager, and the
 * nftables table for no_accept and VMACs.
 *
 * Start-up, per instance (addInstance): create or reuse its VMAC (use_vmac) — VIPs
 * without `dev` then live on the VMAC and are announced from the virtual MAC — register
 * its addresses with the firewall, read the NA Router flag of its interfaces, and return
 * the InstanceActions to feed with the FSM's events. The caller then awaits `ready()`
 * (firewall in place) before starting the state machines, so no instance can become
 * MASTER before its drop rules exist.
 *
 * Shutdown (stop): instances still MASTER have been sent to STOP by the FSM, which
 * removed their objects (or kept them, with -V); then statics, VMACs (restoring the
 * sysctls) and the firewall table go.
 */

import type { Address, NetlinkMessage } from '../../net/netlink/index.js';
import { announceSink, type AnnounceSinkHandle, type NeighbourAnnouncerPort } from './announce-sink.js';
import { extraInterfaceTargets, InstanceAnnouncer } from './announcer.js';
import { GarpPacer, pacingPolicy, type PacingSettings } from './garp-pacer.js';
import { InstanceActions } from './instance-actions.js';
import { describeItem } from './net-plan.js';
import { NetObjectSet, NetWatch, type ApplyReport, type InstanceNetConfig, type InterfacesPort, type RtnlPort, type StaticNetConfig } from './net-actions.js';
import type { Clock, GarpTimings, IpFamily, RouteEntry, RuleEntry, VipSpec } from './types.js';
import type { VrrpFirewall } from '../firewall/vrrp-firewall.js';
import type { SysctlPort } from '../vmac/sysctl.js';
import { PromoteSecondaries } from './promote-secondaries.js';
import { VmacManager, type VmacHandle, type VmacInterfacesPort, type VmacRtnlPort } from '../vmac/vmac-manager.js';
import { vmacName, type VmacSpec } from '../vmac/vmac-plan.js';

/** One instance, as the actions layer needs it (an adapter builds it from vrrp_instance). */
export interface InstanceDefinition {
  readonly name: string;
  readonly vrid: number;
  readonly family: IpFamily;
  /** `interface`; may be absent for unicast instances whose VIPs all name a dev. */
  readonly interface?: string;
  readonly vips: readonly VipSpec[];
  readonly evips: readonly VipSpec[];
  readonly routes: readonly RouteEntry[];
  readonly rules: readonly RuleEntry[];
  readonly garp: GarpTimings;
  /** use_vmac [NAME] [MAC], vmac_xmit_base, ... (undefined: no VMAC). */
  readonly vmac?: Omit<VmacSpec, 'instance' | 'vrid' | 'family' | 'parent'>;
  /** Accept_Mode, as the config compiler resolved it (owner, strict mode, accept/no_accept). */
  readonly accept: boolean;
  /** Configured priority 255. */
  readonly owner: boolean;
  /** The vrrp_sync_group it belongs to: a lower-priority advert heard by one member makes
   *  every MASTER member with garp_lower_prio_repeat send its bursts (keepalived). */
  readonly syncGroup?: string;
  /** promote_secondaries: net.ipv4.conf.<interface>.promote_secondaries = 1 while registered. */
  readonly promoteSecondaries?: boolean;
}

export interface VrrpActionsServices {
  readonly rtnl: RtnlPort & VmacRtnlPort;
  readonly interfaces: InterfacesPort & VmacInterfacesPort & { on(event: 'addressRemoved', listener: (a: Address) => void): unknown };
  /** A monitor on NetWatch.groups, for route and rule deletions (optional: none = not watched). */
  readonly routeMonitor?: { on(event: 'notification', l: (m: NetlinkMessage) => void): unknown; on(event: 'overrun', l: () => void): unknown };
  readonly announcer: NeighbourAnnouncerPort;
  readonly sysctl: SysctlPort;
  /** Absent: no nftables (then no_accept is not enforced; the caller should say so). */
  readonly firewall?: VrrpFirewall;
  readonly clock: Clock;
  readonly log?: (message: string) => void;
}

export interface VrrpActionsOptions {
  readonly dontRelease?: boolean;
  readonly pacing?: PacingSettings;
  readonly vmacPrefix?: string;
}

interface Registered {
  readonly actions: InstanceActions;
  readonly vmac: VmacHandle | undefined;
  readonly syncGroup: string | undefined;
  /** The interface this instance holds promote_secondaries on. */
  readonly promoteOn: string | undefined;
}

export class VrrpActions {
  readonly pacer: GarpPacer;
  readonly watch: NetWatch;
  readonly vmacs: VmacManager;
  readonly announce: AnnounceSinkHandle;
  readonly promote: PromoteSecondaries;
  readonly #services: VrrpActionsServices;
  readonly #options: VrrpActionsOptions;
  readonly #instances = new Map<string, Registered>();
  #statics: NetObjectSet | undefined;

  constructor(services: VrrpActionsServices, options: VrrpActionsOptions = {}) {
    this.#services = services;
    this.#options = options;
    const log = services.log;
    this.vmacs = new VmacManager(services.rtnl, services.interfaces, services.sysctl, {
      ...(options.vmacPrefix !== undefined ? { prefix: options.vmacPrefix } : {}),
      ...(log ? { log } : {}),
    });
    this.announce = announceSink({
      links: services.interfaces,
      announcer: services.announcer,
      sysctl: services.sysctl,
      clock: services.clock,
      onError: (target, owner, error) => log?.(`(${owner instanceof InstanceAnnouncer ? owner.name : '?'}) cannot announce ${target.address} on ${target.dev}: ${error.message}`),
    });
    this.pacer = new GarpPacer(services.clock, this.announce.sink, pacingPolicy(options.pacing ?? {}, (dev) => this.#baseOf(dev)));
    this.watch = new NetWatch(services.interfaces, services.routeMonitor);
    this.promote = new PromoteSecondaries(services.sysctl, (message) => log?.(message));
  }

  /** static_ipaddress / static_routes / static_rules: installed now, reinstated when deleted. */
  async setStatics(config: StaticNetConfig): Promise<ApplyReport> {
    if (this.#statics) throw new Error('statics are already installed; a reload replaces them through a new VrrpActions');
    const set = NetObjectSet.forStatics(config, this.#services.rtnl, this.#services.interfaces);
    this.#statics = set;
    this.watch.add(set);
    set.on('applied', (report) => this.#logReport('static', report));
    set.on('externalRemoval', (r) => this.#log(r.tracked ? `Restoring deleted ${describeItem(r.item)}` : `${describeItem(r.item)} was deleted (no_track: not restored)`));
    return set.install();
  }

  get statics(): NetObjectSet | undefined {
    return this.#statics;
  }

  /**
   * A reload: the new static set takes over the objects already installed (finding them
   * present) and adds the new ones; `removed` (what the new configuration dropped) is deleted.
   */
  async replaceStatics(config: StaticNetConfig, removed?: StaticNetConfig): Promise<ApplyReport> {
    const old = this.#statics;
    if (old) {
      await old.settled();
      this.watch.delete(old);
      this.#statics = undefined;
    }
    if (removed && (removed.addresses.length > 0 || removed.routes.length > 0 || removed.rules.length > 0)) {
      const stale = NetObjectSet.forStatics(removed, this.#services.rtnl, this.#services.interfaces);
      stale.on('applied', (report) => this.#logReport('static', report));
      await stale.remove({ force: true });
    }
    return this.setStatics(config);
  }

  async addInstance(def: InstanceDefinition): Promise<InstanceActions> {
    if (this.#instances.has(def.name)) throw new Error(`(${def.name}) is already registered`);
    return this.#register(def, undefined);
  }

  /**
   * A reload kept an instance (keepalived vrrp_exist), perhaps renamed, perhaps with other
   * addresses, routes or rules. The old registration goes without touching what it
   * installed: the new set installs the same objects again when the instance resumes as
   * MASTER, finds them present and takes them over (keepalived restore_vrrp_state). What the
   * new definition dropped (`removed`, with each address's `dev` filled in) is deleted if the
   * old set was installed. A VMAC of the same name is handed over as it is; one the new
   * definition does not use any more is released.
   */
  async replaceInstance(previous: string, def: InstanceDefinition, removed?: Omit<InstanceNetConfig, 'name' | 'interface'>): Promise<InstanceActions> {
    const reg = this.#instances.get(previous);
    if (!reg) return this.addInstance(def);
    if (previous !== def.name && this.#instances.has(def.name)) throw new Error(`(${def.name}) is already registered`);
    this.#instances.delete(previous);
    reg.actions.announcer.leftMaster();
    await reg.actions.settled();
    this.watch.delete(reg.actions.net);
    this.#services.firewall?.removeInstance(previous);
    if (removed && reg.actions.net.active) {
      const stale = NetObjectSet.forInstance({ name: previous, interface: undefined, ...removed }, this.#services.rtnl, this.#services.interfaces);
      stale.on('applied', (report) => this.#logReport(def.name, report));
      await stale.remove({ force: true });
    }
    let vmac = reg.vmac;
    const wanted = def.vmac ? vmacName({ vrid: def.vrid, ...(def.vmac.name !== undefined ? { name: def.vmac.name } : {}) }, this.#options.vmacPrefix) : undefined;
    if (vmac && vmac.name !== wanted) {
      this.#services.firewall?.removeVmac(vmac.name);
      await this.vmacs.release(vmac);
      vmac = undefined;
    }
    const actions = await this.#register(def, vmac);
    // After the new registration took its hold, so a kept setting is not switched off and on.
    if (reg.promoteOn !== undefined) await this.promote.release(reg.promoteOn);
    return actions;
  }

  async #register(def: InstanceDefinition, kept: VmacHandle | undefined): Promise<InstanceActions> {
    let vmac: VmacHandle | undefined = kept;
    if (def.vmac && !vmac) {
      if (def.interface === undefined) throw new Error(`(${def.name}) use_vmac needs an interface`);
      vmac = await this.vmacs.ensure({ ...def.vmac, instance: def.name, vrid: def.vrid, family: def.family, parent: def.interface });
      this.#services.firewall?.addVmac({ name: vmac.name, family: def.family });
    }
    const vipInterface = vmac?.name ?? def.interface;
    const net = NetObjectSet.forInstance({ name: def.name, interface: vipInterface, vips: def.vips, evips: def.evips, routes: def.routes, rules: def.rules }, this.#services.rtnl, this.#services.interfaces);
    const announcer = new InstanceAnnouncer(def.garp, this.pacer, this.#services.clock, {
      name: def.name,
      targets: () => net.installedAddresses().map((a) => ({ address: a.address, family: a.family, dev: a.dev })),
      extraTargets: () => extraInterfaceTargets(
        net.installedAddresses().map((a) => ({ address: a.address, family: a.family, dev: a.dev, onOurVmac: this.vmacs.handles.some((h) => h.name === a.dev) })),
        { instanceInterface: vipInterface ?? '', xmitBase: def.vmac?.xmitBase === true, all: def.garp.extraIfAll },
      ),
      // keepalived logs one line per address and burst (vrrp_send_update, first repeat).
      onBurst: (_reason, targets) => {
        for (const t of targets) this.#log(`(${def.name}) Sending/queueing ${t.family === 4 ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts'} on ${t.dev} for ${t.address}`);
      },
    });
    const actions = new InstanceActions(def.name, net, announcer, {
      ...(this.#options.dontRelease !== undefined ? { dontRelease: this.#options.dontRelease } : {}),
      prepareAnnouncements: () => this.announce.prepare(net.items.flatMap((i) => (i.category === 'address' ? [{ address: i.address, family: i.family, dev: i.dev }] : []))),
    });
    actions.on('applied', (report) => this.#logReport(def.name, report));
    actions.on('untrackedRemoval', (r) => this.#log(`(${def.name}) ${describeItem(r.item)} was deleted (no_track: ignored)`));
    actions.on('error', (err) => this.#log(`(${def.name}) ${err.message}`));
    this.watch.add(net);
    // A VMAC has promote_secondaries set by the VMAC code (keepalived ignores the keyword there).
    const promoteOn = def.promoteSecondaries && !def.vmac && def.interface !== undefined ? def.interface : undefined;
    if (promoteOn !== undefined) await this.promote.acquire(promoteOn);
    this.#instances.set(def.name, { actions, vmac, syncGroup: def.syncGroup, promoteOn });
    actions.on('lowerPriorityAdvert', () => {
      if (def.syncGroup === undefined) return;
      for (const [name, other] of this.#instances) {
        if (name !== def.name && other.syncGroup === def.syncGroup) other.actions.announcer.lowerPriorityAdvert();
      }
    });
    this.#services.firewall?.setInstance(def.name, def.accept, def.owner, net.items.flatMap((i) => (i.category === 'address' ? [{ address: i.address, family: i.family, dev: i.dev }] : [])));
    const devs = [...new Set(net.items.flatMap((i) => (i.category === 'address' && i.family === 6 ? [i.dev] : [])))];
    await this.announce.prime(devs);
    return actions;
  }

  instance(name: string): InstanceActions | undefined {
    return this.#instances.get(name)?.actions;
  }

  /** Applies the firewall (call after registering instances, before starting the FSMs). */
  async ready(): Promise<void> {
    await this.#services.firewall?.sync();
  }

  /** Removes one instance (a reload dropped it): its objects, its VMAC, its firewall entry. */
  async removeInstance(name: string): Promise<void> {
    const reg = this.#instances.get(name);
    if (!reg) return;
    this.#instances.delete(name);
    reg.actions.announcer.leftMaster();
    if (!this.#options.dontRelease) await reg.actions.net.remove();
    await reg.actions.settled();
    this.watch.delete(reg.actions.net);
    this.#services.firewall?.removeInstance(name);
    if (reg.promoteOn !== undefined) await this.promote.release(reg.promoteOn);
    if (reg.vmac) {
      this.#services.firewall?.removeVmac(reg.vmac.name);
      await this.vmacs.release(reg.vmac);
    }
    await this.#services.firewall?.sync();
  }

  /** Shutdown, after the FSMs have stopped. */
  async stop(): Promise<void> {
    for (const reg of this.#instances.values()) {
      reg.actions.announcer.leftMaster();
      // The FSMs' STOP transitions normally removed everything already (an empty batch
      // then); this catches instances the caller stopped without telling us.
      if (!this.#options.dontRelease) await reg.actions.net.remove();
      await reg.actions.settled();
    }
    if (this.#statics) {
      await this.#statics.remove();
      this.watch.delete(this.#statics);
      this.#statics = undefined;
    }
    for (const reg of this.#instances.values()) {
      this.watch.delete(reg.actions.net);
      if (reg.promoteOn !== undefined) await this.promote.release(reg.promoteOn);
    }
    this.#instances.clear();
    this.pacer.close();
    // With -V the VIPs stay, and so must the VMACs they live on.
    if (!this.#options.dontRelease) await this.vmacs.close();
    await this.#services.firewall?.stop();
  }

  #log(message: string): void {
    this.#services.log?.(message);
  }

  /** keepalived's wording where it has one ("Not adding address ... since interface doesn't exist"). */
  #logReport(name: string, report: ApplyReport): void {
    for (const s of report.skipped) {
      this.#log(`(${name}) Not ${report.op === 'add' ? 'adding' : 'deleting'} ${describeItem(s.item)}: ${s.reason}`);
    }
    for (const r of report.results) {
      if (r.outcome.result === 'failed') this.#log(`(${name}) Netlink: error: ${r.outcome.error.message}`);
    }
  }

  #baseOf(dev: string): string {
    const handle = this.vmacs.handles.find((h) => h.name === dev);
    return handle?.parent ?? dev;
  }
}
