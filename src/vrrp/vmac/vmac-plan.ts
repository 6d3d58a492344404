/**
 * The pure half of `use_vmac`: names, MAC addresses, what to do with an interface that
 * already carries the name, and which kernel settings the VMAC and its parent need
 * (keepalived vrrp/vrrp_vmac.c netlink_link_add_vmac, vrrp/vrrp_if_config.c,
 * doc/NOTE_vrrp_vmac.txt).
 *
 * - Name `vrrp.VRID` unless given (keepalived's default prefix "vrrp", vmac_prefix).
 * - MAC 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6 (RFC 5798 §7.3),
 *   unless the configuration gives one.
 * - A macvlan in mode private: it does not receive frames from sibling macvlans, so
 *   several VRIDs on one parent do not hear each other's traffic twice.
 * - An existing interface with the name: a macvlan on the right parent with the right MAC
 *   and mode is reused; a macvlan that differs is deleted and created again (keepalived
 *   updates MAC and mode in place, but a VMAC that differs is a leftover, and a new one
 *   is simplest to reason about); anything else is a conflict we refuse to touch.
 * - IPv4 VMACs get, on the VMAC: arp_ignore=1 (answer ARP only for addresses on the VMAC
 *   itself), accept_local=1 (hear other routers' adverts that carry our own source
 *   address), rp_filter=0 (receive on an interface without addresses),
 *   promote_secondaries=1; on the parent: arp_ignore=1 and arp_filter=1 so the parent
 *   never answers ARP for the VIPs with its own MAC. The parent's previous values are
 *   restored when its last VMAC goes. Because the kernel uses the larger of
 *   conf.all.rp_filter and the interface's, a non-zero all.rp_filter is first copied to
 *   conf.default and to every interface below it, and then all.rp_filter is set to 0
 *   (restored at exit) — keepalived's clear_rp_filter, which changes no interface's
 *   effective behaviour.
 * - IPv6 is switched off on an IPv4 VMAC unless the instance has IPv6 eVIPs; the kernel
 *   must not give the VMAC an EUI-64 link-local address (RFC 5798 §7.4: the virtual MAC
 *   is not to be used as a source for the router's own link-local address), so address
 *   generation is set to none before the link goes up. An IPv6 VMAC that sends its own
 *   adverts (no vmac_xmit_base) gets a link-local address: the configured source address,
 *   else the parent's link-local address, else the EUI-64 address of the parent's MAC.
 */

import type { IpFamily } from '../actions/types.js';

export interface VmacSpec {
  /** The instance, for logs. */
  readonly instance: string;
  readonly vrid: number;
  readonly family: IpFamily;
  /** The configured interface the VMAC sits on. */
  readonly parent: string;
  /** `use_vmac NAME`; default `${prefix}.${vrid}`. */
  readonly name?: string;
  /** `use_vmac ... MAC`; default the RFC 5798 virtual router MAC. */
  readonly mac?: string;
  /** vmac_xmit_base: adverts go out on the parent, so no link-local address on the VMAC. */
  readonly xmitBase?: boolean;
  /** The instance has eVIPs of the other family (IPv6 on an IPv4 VMAC stays on). */
  readonly otherFamilyEvips?: boolean;
  /** unicast_src_ip / mcast_src_ip for an IPv6 instance: the VMAC's link-local address. */
  readonly sourceAddress6?: string;
}

export const DEFAULT_VMAC_PREFIX = 'vrrp';

export class VmacError extends Error {
  readonly code = 'ERR_VRRP_VMAC';
  constructor(message: string) {
    super(message);
    this.name = 'VmacError';
  }
}

export function vmacName(spec: Pick<VmacSpec, 'vrid' | 'name'>, prefix: string = DEFAULT_VMAC_PREFIX): string {
  const name = spec.name ?? `${prefix}.${spec.vrid}`;
  if (!/^[^\s/:]{1,15}$/.test(name) || name === '.' || name === '..') throw new VmacError(`'${name}' is not a valid interface name (1-15 characters, no spaces, '/' or ':')`);
  return name;
}

/** RFC 5798 §7.3: 00-00-5E-00-01-{VRID} (IPv4), 00-00-5E-00-02-{VRID} (IPv6). */
export function virtualRouterMac(vrid: number, family: IpFamily): string {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new VmacError(`VRID ${vrid} is not 1..255`);
  return `00:00:5e:00:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
}

export function vmacMac(spec: Pick<VmacSpec, 'vrid' | 'family' | 'mac'>): string {
  if (spec.mac === undefined) return virtualRouterMac(spec.vrid, spec.family);
  const mac = spec.mac.toLowerCase().replace(/-/g, ':');
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new VmacError(`'${spec.mac}' is not a MAC address like 00:00:5e:00:01:33`);
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1) throw new VmacError(`${spec.mac} is a multicast MAC address`);
  return mac;
}

/** What the interface table says about an interface that carries the VMAC's name. */
export interface ExistingLink {
  readonly index: number;
  readonly kind: string | undefined;
  readonly parentIndex: number | undefined;
  readonly mac: string | undefined;
  readonly macvlanMode: string | undefined;
}

export type VmacDecision =
  | { readonly action: 'create' }
  | { readonly action: 'reuse'; readonly index: number }
  | { readonly action: 'recreate'; readonly index: number; readonly why: string }
  | { readonly action: 'conflict'; readonly why: string };

export function decideVmac(existing: ExistingLink | undefined, want: { mac: string; parentIndex: number }): VmacDecision {
  if (!existing) return { action: 'create' };
  if (existing.kind !== 'macvlan') return { action: 'conflict', why: `an interface that is not a macvlan (${existing.kind ?? 'physical'}) has the name` };
  if (existing.parentIndex !== want.parentIndex) return { action: 'recreate', index: existing.index, why: 'it sits on another interface' };
  if (existing.mac?.toLowerCase() !== want.mac) return { action: 'recreate', index: existing.index, why: `its MAC is ${existing.mac}` };
  if (existing.macvlanMode !== 'private') return { action: 'recreate', index: existing.index, why: `its mode is ${existing.macvlanMode ?? 'unknown'}` };
  return { action: 'reuse', index: existing.index };
}

/** One /proc/sys setting, as a path below /proc/sys/ and a value. */
export interface SysctlSetting {
  readonly path: string;
  readonly value: string;
}

const ipv4Conf = (dev: string, key: string): string => `net/ipv4/conf/${dev}/${key}`;

/** Settings for an IPv4 VMAC itself (vrrp_if_config.c vmac_sysctl). */
export function vmacSysctls(vmac: string): SysctlSetting[] {
  return [
    { path: ipv4Conf(vmac, 'arp_ignore'), value: '1' },
    { path: ipv4Conf(vmac, 'accept_local'), value: '1' },
    { path: ipv4Conf(vmac, 'rp_filter'), value: '0' },
    { path: ipv4Conf(vmac, 'promote_secondaries'), value: '1' },
  ];
}

/** Settings for the parent of an IPv4 VMAC (parent_sysctl); restored when its last VMAC goes. */
export function parentSysctls(parent: string): SysctlSetting[] {
  return [
    { path: ipv4Conf(parent, 'arp_ignore'), value: '1' },
    { path: ipv4Conf(parent, 'arp_filter'), value: '1' },
  ];
}

/** `disable_ipv6` for the VMAC: IPv6 only where the instance needs it. */
export function ipv6Switch(vmac: string, spec: Pick<VmacSpec, 'family' | 'otherFamilyEvips'>): SysctlSetting {
  const wanted = spec.family === 6 || spec.otherFamilyEvips === true;
  return { path: `net/ipv6/conf/${vmac}/disable_ipv6`, value: wanted ? '0' : '1' };
}

/**
 * keepalived clear_rp_filter: given all.rp_filter, default.rp_filter and each interface's,
 * the writes that let a VMAC's rp_filter 0 take effect without changing any interface's
 * effective value. Empty when all.rp_filter is already 0.
 */
export function rpFilterClearing(all: number, dflt: number, interfaces: ReadonlyMap<string, number>): SysctlSetting[] {
  if (all === 0) return [];
  const out: SysctlSetting[] = [];
  if (dflt < all) out.push({ path: ipv4Conf('default', 'rp_filter'), value: String(all) });
  for (const [name, value] of [...interfaces].sort(([a], [b]) => a.localeCompare(b))) {
    if (value < all) out.push({ path: ipv4Conf(name, 'rp_filter'), value: String(all) });
  }
  out.push({ path: ipv4Conf('all', 'rp_filter'), value: '0' });
  return out;
}

/** The EUI-64 link-local address of a MAC (keepalived make_link_local_address). */
export function eui64LinkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  if (b.length !== 6 || b.some((x) => Number.isNaN(x))) throw new VmacError(`'${mac}' is not an Ethernet MAC address`);
  const hex = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
  return `fe80::${hex(b[0]! ^ 0x02, b[1]!)}:${hex(b[2]!, 0xff)}:${hex(0xfe, b[3]!)}:${hex(b[4]!, b[5]!)}`;
}
