/**
 * Creates, reuses and removes VMAC interfaces (keepalived netlink_link_add_vmac /
 * netlink_link_del_vmac), carrying out the plan of vmac-plan.ts over rtnetlink and
 * /proc/sys. One manager per vrrp process: it counts VMACs per parent so the parent's
 * ARP settings are restored only when its last VMAC goes, and it clears and later
 * restores conf.all.rp_filter once for the whole process.
 *
 * ensure(), in keepalived's order:
 *   1. find the parent; decide about an existing interface with the name (reuse,
 *      recreate, or refuse to touch a non-macvlan);
 *   2. create the macvlan (mode private, the virtual MAC, on the parent);
 *   3. IPv4: rp_filter clearing (first VMAC only), the VMAC's sysctls, the parent's
 *      (saved first);
 *   4. disable_ipv6 as the family needs; IPv6 address generation `none`;
 *   5. link up;
 *   6. IPv6 without vmac_xmit_base: the link-local address the adverts come from.
 * A failure after the link exists removes the link again, so no half-made VMAC stays.
 *
 * release() restores the parent's settings when its last VMAC goes and deletes the link
 * (a link that is already gone is fine). close() restores rp_filter, but only the values
 * still as we left them, so an operator's later change wins.
 */

import type { Address, AddressSpec, Link, LinkRef, MacvlanSpec } from '../../net/netlink/index.js';
import { readInt, type SysctlPort } from './sysctl.js';
import {
  decideVmac, eui64LinkLocal, ipv6Switch, parentSysctls, rpFilterClearing, vmacMac, vmacName, vmacSysctls, VmacError,
  type SysctlSetting, type VmacSpec,
} from './vmac-plan.js';

export interface VmacRtnlPort {
  createMacvlan(spec: MacvlanSpec): Promise<Link>;
  deleteLink(ref: LinkRef): Promise<void>;
  setLinkUp(ref: LinkRef, up: boolean): Promise<void>;
  setAddrGenMode(index: number, mode: 'none'): Promise<void>;
  addAddress(spec: AddressSpec): Promise<void>;
}

export interface VmacInterfacesPort {
  linkByName(name: string): Link | undefined;
  links(): Link[];
  addresses(filter: { index?: number; family?: 4 | 6 }): Address[];
}

export interface VmacHandle {
  readonly instance: string;
  readonly name: string;
  readonly index: number;
  readonly mac: string;
  readonly parent: string;
  readonly family: 4 | 6;
  /** The IPv6 link-local address given to the VMAC, if any. */
  readonly linkLocal?: string;
  readonly reused: boolean;
}

export interface VmacManagerOptions {
  /** vmac_prefix; default "vrrp". */
  readonly prefix?: string;
  /** Told about things worth a log line (reuse, recreation, restored settings). */
  readonly log?: (message: string) => void;
}

interface ParentState {
  count: number;
  saved: SysctlSetting[];
}

export class VmacManager {
  readonly #rtnl: VmacRtnlPort;
  readonly #interfaces: VmacInterfacesPort;
  readonly #sysctl: SysctlPort;
  readonly #options: VmacManagerOptions;
  readonly #parents = new Map<string, ParentState>();
  /** What clear_rp_filter changed: path -> [old value, value we wrote]. */
  #rpFilter: Map<string, [string, string]> | undefined;
  readonly #handles = new Set<VmacHandle>();

  constructor(rtnl: VmacRtnlPort, interfaces: VmacInterfacesPort, sysctl: SysctlPort, options: VmacManagerOptions = {}) {
    this.#rtnl = rtnl;
    this.#interfaces = interfaces;
    this.#sysctl = sysctl;
    this.#options = options;
  }

  get handles(): readonly VmacHandle[] {
    return [...this.#handles];
  }

  async ensure(spec: VmacSpec): Promise<VmacHandle> {
    const name = vmacName(spec, this.#options.prefix);
    const mac = vmacMac(spec);
    const parent = this.#interfaces.linkByName(spec.parent);
    if (!parent) throw new VmacError(`(${spec.instance}) cannot create VMAC ${name}: interface ${spec.parent} does not exist`);
    const decision = decideVmac(this.#interfaces.linkByName(name), { mac, parentIndex: parent.index });
    let link: Link;
    switch (decision.action) {
      case 'conflict':
        throw new VmacError(`(${spec.instance}) VMAC ${name} conflicts with an existing interface: ${decision.why}`);
      case 'reuse':
        link = this.#interfaces.linkByName(name)!;
        this.#log(`(${spec.instance}) reusing existing VMAC interface ${name}`);
        break;
      case 'recreate':
        this.#log(`(${spec.instance}) removing old VMAC interface ${name} because ${decision.why}`);
        await this.#rtnl.deleteLink({ index: decision.index });
        link = await this.#rtnl.createMacvlan({ name, parentIndex: parent.index, mac, mode: 'private' });
        break;
      case 'create':
        link = await this.#rtnl.createMacvlan({ name, parentIndex: parent.index, mac, mode: 'private' });
        break;
    }
    try {
      if (spec.family === 4) {
        await this.#clearRpFilter();
        await this.#apply(vmacSysctls(name));
        await this.#holdParent(parent.name);
      }
      await this.#apply([ipv6Switch(name, spec)], true);
      await this.#rtnl.setAddrGenMode(link.index, 'none');
      await this.#rtnl.setLinkUp({ index: link.index }, true);
      let linkLocal: string | undefined;
      if (spec.family === 6 && !spec.xmitBase) {
        linkLocal = spec.sourceAddress6 ?? this.#parentLinkLocal(parent) ?? eui64LinkLocal(parent.mac ?? '');
        await this.#rtnl.addAddress({ index: link.index, address: linkLocal, prefixLength: 64, nodad: true }).catch((err: { code?: string }) => {
          if (err.code !== 'EEXIST') throw err;
        });
      }
      const handle: VmacHandle = {
        instance: spec.instance, name, index: link.index, mac, parent: parent.name, family: spec.family,
        ...(linkLocal !== undefined ? { linkLocal } : {}), reused: decision.action === 'reuse',
      };
      this.#handles.add(handle);
      return handle;
    } catch (err) {
      if (spec.family === 4 && this.#parents.has(parent.name)) await this.#releaseParent(parent.name).catch(() => undefined);
      await this.#rtnl.deleteLink({ index: link.index }).catch(() => undefined);
      throw err;
    }
  }

  async release(handle: VmacHandle): Promise<void> {
    if (!this.#handles.delete(handle)) return;
    if (handle.family === 4) await this.#releaseParent(handle.parent);
    await this.#rtnl.deleteLink({ index: handle.index }).catch((err: { code?: string }) => {
      if (err.code !== 'ENODEV') throw err;
    });
  }

  /** Releases every VMAC, then restores rp_filter (process shutdown). */
  async close(): Promise<void> {
    for (const handle of [...this.#handles]) await this.release(handle);
    if (!this.#rpFilter) return;
    for (const [path, [old, ours]] of this.#rpFilter) {
      if ((await this.#sysctl.read(path)) === ours) await this.#sysctl.write(path, old);
    }
    this.#log('restored net.ipv4.conf rp_filter settings');
    this.#rpFilter = undefined;
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }

  async #apply(settings: readonly SysctlSetting[], optional = false): Promise<void> {
    for (const s of settings) {
      if (optional && (await this.#sysctl.read(s.path)) === undefined) {
        this.#log(`${s.path} does not exist (IPv6 disabled in this kernel?); not set`);
        continue;
      }
      await this.#sysctl.write(s.path, s.value);
    }
  }

  async #holdParent(parent: string): Promise<void> {
    const state = this.#parents.get(parent);
    if (state) {
      state.count += 1;
      return;
    }
    const wanted = parentSysctls(parent);
    const saved: SysctlSetting[] = [];
    for (const s of wanted) {
      const old = await this.#sysctl.read(s.path);
      if (old !== undefined && old !== s.value) saved.push({ path: s.path, value: old });
    }
    this.#parents.set(parent, { count: 1, saved });
    await this.#apply(wanted);
  }

  async #releaseParent(parent: string): Promise<void> {
    const state = this.#parents.get(parent);
    if (!state) return;
    state.count -= 1;
    if (state.count > 0) return;
    this.#parents.delete(parent);
    // The parent may be gone too; then there is nothing to restore.
    if (!this.#interfaces.linkByName(parent)) return;
    await this.#apply(state.saved);
  }

  /** keepalived clear_rp_filter, once per process. */
  async #clearRpFilter(): Promise<void> {
    if (this.#rpFilter) return;
    const all = await readInt(this.#sysctl, 'net/ipv4/conf/all/rp_filter');
    const dflt = await readInt(this.#sysctl, 'net/ipv4/conf/default/rp_filter');
    this.#rpFilter = new Map();
    if (all === undefined || all === 0) return;
    const perInterface = new Map<string, number>();
    for (const link of this.#interfaces.links()) {
      const v = await readInt(this.#sysctl, `net/ipv4/conf/${link.name}/rp_filter`);
      if (v !== undefined) perInterface.set(link.name, v);
    }
    for (const s of rpFilterClearing(all, dflt ?? all, perInterface)) {
      const old = await this.#sysctl.read(s.path);
      if (old !== undefined) this.#rpFilter.set(s.path, [old, s.value]);
      await this.#sysctl.write(s.path, s.value);
    }
    this.#log(`set net.ipv4.conf.all.rp_filter from ${all} to 0 (each interface keeps its effective value) so VMACs can receive`);
  }

  #parentLinkLocal(parent: Link): string | undefined {
    // RT_SCOPE_LINK = 253
    return this.#interfaces.addresses({ index: parent.index, family: 6 }).find((a) => a.scope === 253)?.address;
  }
}
