/**
 * Interface addresses over rtnetlink: the ifaddrmsg codec, the Address domain object
 * and the add/delete/dump requests used for VIPs, eVIPs and static_ipaddress.
 *
 * IFA_LOCAL versus IFA_ADDRESS (linux/if_addr.h): on a broadcast link both carry the
 * interface's own address. On a point-to-point address (`ip addr add A peer P`)
 * IFA_LOCAL is A and IFA_ADDRESS is the peer P. IPv6 follows the same rule on the
 * way in (the kernel takes IFA_LOCAL when both differ and treats IFA_ADDRESS as the
 * peer) but usually reports only IFA_ADDRESS. So:
 *   decode: address = IFA_LOCAL ?? IFA_ADDRESS; peer = IFA_ADDRESS when it differs;
 *   encode: IFA_LOCAL = address; IFA_ADDRESS = peer ?? address (what `ip` sends).
 *
 * Flags: ifa_flags is a u8; nodad/home fit there, but mngtmpaddr, noprefixroute and
 * autojoin are above bit 7 and travel only in the u32 IFA_FLAGS attribute. We always
 * send both (low byte in the header, all bits in IFA_FLAGS) and read IFA_FLAGS first.
 *
 * Lifetimes (IFA_CACHEINFO) are seconds; the kernel's all-ones value means forever
 * and is mapped to Infinity. `preferred_lft 0` makes an address deprecated, so it
 * is not picked as a source address (keepalived uses it for IPv6 VIPs).
 */

import { defineSchema, structAttr, type AttrValues } from '../attributes.js';
import { NlmF } from '../constants.js';
import { NetlinkDecodeError, NetlinkEncodeError } from '../errors.js';
import { formatIPv4, ipFamilyOf, parseIpOfFamily, type IpFamily } from '../inet.js';
import { defineBody, type NetlinkMessage, type NetlinkRequest } from '../message.js';
import { defineStruct } from '../struct.js';
import { AF_INET, AF_INET6, AF_UNSPEC, IFA, IFA_F, INFINITY_LIFETIME, RTM, RT_SCOPE, type ScopeName } from './constants.js';

export const ifaddrmsg = defineStruct('ifaddrmsg', [
  ['family', 'u8'], ['prefixLength', 'u8'], ['flags', 'u8'], ['scope', 'u8'], ['index', 'u32'],
]);

const cacheinfoStruct = defineStruct('ifa_cacheinfo', [
  ['preferred', 'u32'], ['valid', 'u32'], ['created', 'u32'], ['updated', 'u32'],
]);
type Cacheinfo = ReturnType<typeof cacheinfoStruct.decode>;

export const addressSchema = defineSchema('address', {
  address: { type: IFA.ADDRESS, kind: 'ipaddr' },
  local: { type: IFA.LOCAL, kind: 'ipaddr' },
  label: { type: IFA.LABEL, kind: 'string', maxLength: 15 },
  broadcast: { type: IFA.BROADCAST, kind: 'ipaddr' },
  anycast: { type: IFA.ANYCAST, kind: 'ipaddr' },
  cacheinfo: { type: IFA.CACHEINFO, kind: 'custom', codec: structAttr<Cacheinfo>(cacheinfoStruct) },
  multicast: { type: IFA.MULTICAST, kind: 'ipaddr' },
  flags: { type: IFA.FLAGS, kind: 'u32' },
  routePriority: { type: IFA.RT_PRIORITY, kind: 'u32' },
  targetNetnsid: { type: IFA.TARGET_NETNSID, kind: 's32' },
  protocol: { type: IFA.PROTO, kind: 'u8' },
});

export const addressBody = defineBody(ifaddrmsg, addressSchema);
export type AddressAttrs = AttrValues<typeof addressSchema>;

export interface Address {
  readonly family: IpFamily;
  readonly index: number;
  /** The interface's own address (IFA_LOCAL, or IFA_ADDRESS when alone). */
  readonly address: string;
  readonly prefixLength: number;
  /** The far end of a point-to-point address. */
  readonly peer: string | undefined;
  readonly broadcast: string | undefined;
  /** IPv4 only: "eth0:vip". */
  readonly label: string | undefined;
  /** RT_SCOPE_*: 0 global, 253 link, 254 host. */
  readonly scope: number;
  /** IFA_F_* bits (all 32). */
  readonly flags: number;
  /** Seconds; Infinity for forever. */
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  readonly routePriority: number | undefined;
}

const familyOfAf = (af: number): IpFamily | undefined => (af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined);
const afOfFamily = (family: IpFamily): number => (family === 4 ? AF_INET : AF_INET6);
const lifetime = (seconds: number): number => (seconds === INFINITY_LIFETIME ? Infinity : seconds);

/** RTM_NEWADDR / RTM_DELADDR -> Address; null for families other than IPv4/IPv6. */
export function decodeAddress(msg: NetlinkMessage): Address | null {
  const { header, attrs } = addressBody.decode(msg.payload);
  const family = familyOfAf(header.family);
  if (family === undefined) return null;
  const a = attrs.values;
  const address = a.local ?? a.address;
  if (address === undefined) throw new NetlinkDecodeError('address', `ifindex ${header.index}: neither IFA_LOCAL nor IFA_ADDRESS`);
  if (ipFamilyOf(address) !== family) {
    throw new NetlinkDecodeError('address', `ifa_family ${header.family} but the address is ${address}`);
  }
  const peer = a.local !== undefined && a.address !== undefined && a.address !== a.local ? a.address : undefined;
  return {
    family,
    index: header.index,
    address,
    prefixLength: header.prefixLength,
    peer,
    broadcast: a.broadcast,
    label: a.label,
    scope: header.scope,
    flags: a.flags ?? header.flags,
    preferredLifetime: a.cacheinfo ? lifetime(a.cacheinfo.preferred) : Infinity,
    validLifetime: a.cacheinfo ? lifetime(a.cacheinfo.valid) : Infinity,
    routePriority: a.routePriority,
  };
}

/** The identity the kernel uses to find an address: a table key for Address objects. */
export function addressKey(a: { family: IpFamily; index: number; address: string; prefixLength: number; peer?: string | undefined }): string {
  return `${a.family}|${a.index}|${a.address}/${a.prefixLength}|${a.peer ?? ''}`;
}

/** What to add or delete: the options of keepalived's virtual_ipaddress lines. */
export interface AddressSpec {
  readonly index: number;
  readonly address: string;
  /** Default: 32 for IPv4, 128 for IPv6. */
  readonly prefixLength?: number;
  readonly peer?: string;
  readonly broadcast?: string;
  readonly label?: string;
  readonly scope?: ScopeName | number;
  /** IFA_F_NODAD (IPv6: skip duplicate address detection). */
  readonly nodad?: boolean;
  /** IFA_F_NOPREFIXROUTE: do not add the prefix route. */
  readonly noPrefixRoute?: boolean;
  /** IFA_F_HOMEADDRESS (Mobile IPv6 home address). */
  readonly home?: boolean;
  /** IFA_F_MANAGETEMPADDR: let the kernel make privacy addresses from this prefix. */
  readonly mngtmpaddr?: boolean;
  /** IFA_F_MCAUTOJOIN: join the multicast group the address names. */
  readonly autojoin?: boolean;
  /** Seconds; Infinity (default) for forever. */
  readonly preferredLifetime?: number;
  readonly validLifetime?: number;
  /** IFA_RT_PRIORITY: the metric of the prefix route. */
  readonly routePriority?: number;
}

export function scopeNumber(scope: ScopeName | number | undefined, path: string): number {
  if (scope === undefined) return RT_SCOPE.universe;
  if (typeof scope === 'number') {
    if (!Number.isInteger(scope) || scope < 0 || scope > 255) throw new NetlinkEncodeError(path, `scope ${scope} is not 0..255`);
    return scope;
  }
  const n = RT_SCOPE[scope];
  if (n === undefined) throw new NetlinkEncodeError(path, `unknown scope '${String(scope)}'`);
  return n;
}

function lifetimeWire(seconds: number, path: string): number {
  if (seconds === Infinity) return INFINITY_LIFETIME;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds >= INFINITY_LIFETIME) {
    throw new NetlinkEncodeError(path, `lifetime ${seconds} is not a whole number of seconds below 2^32-1 (or Infinity)`);
  }
  return seconds;
}

/** `ip addr add 192.0.2.10/24 dev eth0` as text, for errors and logs. */
export function describeAddress(spec: AddressSpec): string {
  const len = spec.prefixLength ?? (String(spec.address).includes(':') ? 128 : 32);
  return `${spec.address}/${len}${spec.peer ? ` peer ${spec.peer}` : ''} ifindex ${spec.index}${spec.label ? ` label ${spec.label}` : ''}`;
}

function encodeSpec(spec: AddressSpec, forDelete: boolean): Buffer {
  const path = 'address';
  let family: IpFamily;
  try {
    family = ipFamilyOf(spec.address);
  } catch (err) {
    throw new NetlinkEncodeError(`${path}.address`, (err as Error).message);
  }
  const max = family === 4 ? 32 : 128;
  const prefixLength = spec.prefixLength ?? max;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    throw new NetlinkEncodeError(`${path}.prefixLength`, `${prefixLength} is not 0..${max}`);
  }
  const sameFamily = (text: string | undefined, what: string): void => {
    if (text === undefined) return;
    try {
      parseIpOfFamily(text, family);
    } catch (err) {
      throw new NetlinkEncodeError(`${path}.${what}`, (err as Error).message);
    }
  };
  sameFamily(spec.peer, 'peer');
  sameFamily(spec.broadcast, 'broadcast');
  if (family === 6 && spec.broadcast !== undefined) throw new NetlinkEncodeError(`${path}.broadcast`, 'IPv6 has no broadcast address');
  const flags = (spec.nodad ? IFA_F.NODAD : 0) | (spec.home ? IFA_F.HOMEADDRESS : 0)
    | (spec.mngtmpaddr ? IFA_F.MANAGETEMPADDR : 0) | (spec.noPrefixRoute ? IFA_F.NOPREFIXROUTE : 0)
    | (spec.autojoin ? IFA_F.MCAUTOJOIN : 0);
  const values: AddressAttrs = { local: spec.address, address: spec.peer ?? spec.address };
  if (!forDelete) {
    if (spec.label !== undefined) {
      if (family === 6) throw new NetlinkEncodeError(`${path}.label`, 'labels exist only for IPv4 addresses');
      values.label = spec.label;
    }
    if (spec.broadcast !== undefined) values.broadcast = spec.broadcast;
    values.flags = flags;
    if (spec.preferredLifetime !== undefined || spec.validLifetime !== undefined) {
      const valid = lifetimeWire(spec.validLifetime ?? Infinity, `${path}.validLifetime`);
      const preferred = lifetimeWire(spec.preferredLifetime ?? Infinity, `${path}.preferredLifetime`);
      // The kernel refuses preferred > valid and a zero valid lifetime (EINVAL); say so first.
      if (valid === 0) throw new NetlinkEncodeError(`${path}.validLifetime`, 'a valid lifetime of 0 would delete the address at once');
      if (preferred !== INFINITY_LIFETIME && valid !== INFINITY_LIFETIME && preferred > valid) {
        throw new NetlinkEncodeError(`${path}.preferredLifetime`, `preferred ${preferred} s exceeds valid ${valid} s`);
      }
      if (preferred === INFINITY_LIFETIME && valid !== INFINITY_LIFETIME) {
        throw new NetlinkEncodeError(`${path}.preferredLifetime`, `preferred forever exceeds valid ${valid} s`);
      }
      values.cacheinfo = { preferred, valid, created: 0, updated: 0 };
    }
    if (spec.routePriority !== undefined) values.routePriority = spec.routePriority;
  }
  return addressBody.encode({
    family: afOfFamily(family), prefixLength, flags: flags & 0xff,
    scope: forDelete ? 0 : scopeNumber(spec.scope, `${path}.scope`), index: spec.index,
  }, values);
}

/** RTM_NEWADDR with CREATE|EXCL: adding an address that exists fails with EEXIST. */
export function addressAddRequest(spec: AddressSpec, opts: { replace?: boolean } = {}): NetlinkRequest {
  return {
    type: RTM.NEWADDR, flags: NlmF.CREATE | (opts.replace ? NlmF.REPLACE : NlmF.EXCL),
    typeName: 'RTM_NEWADDR', payload: encodeSpec(spec, false), description: describeAddress(spec),
  };
}

/** RTM_DELADDR: a missing address fails with EADDRNOTAVAIL. */
export function addressDeleteRequest(spec: AddressSpec): NetlinkRequest {
  return { type: RTM.DELADDR, flags: 0, typeName: 'RTM_DELADDR', payload: encodeSpec(spec, true), description: describeAddress(spec) };
}

export function addressDumpRequest(family?: IpFamily): NetlinkRequest {
  return {
    type: RTM.GETADDR, flags: NlmF.DUMP, dump: true, typeName: 'RTM_GETADDR', description: family ? `dump IPv${family}` : 'dump',
    payload: addressBody.encode({ family: family ? afOfFamily(family) : AF_UNSPEC }, {}),
  };
}

/** The directed broadcast address of an IPv4 prefix (keepalived's `brd +`). */
export function ipv4Broadcast(address: string, prefixLength: number): string {
  const bytes = parseIpOfFamily(address, 4);
  const hostBits = 32 - prefixLength;
  const value = (bytes.readUInt32BE(0) | (hostBits >= 32 ? 0xffffffff : (2 ** hostBits) - 1)) >>> 0;
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return formatIPv4(out);
}
