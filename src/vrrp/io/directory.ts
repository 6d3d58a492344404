/**
 * Where the VRRP runtime learns interface indexes and source addresses.
 *
 * Two implementations of one small interface (types.ts InterfaceDirectory):
 * - `interfaceTableDirectory(table)`: the netlink interface table the vrrp child keeps current
 *   (src/net/netlink InterfaceTable), with no syscall per question. The daemon uses this.
 * - `systemDirectory()`: if_nametoindex(3) and getifaddrs(3) (Node's os.networkInterfaces),
 *   asked afresh each time. For tools and test drivers that run a runtime from literal
 *   parameters without a netlink monitor.
 *
 * The source address keepalived picks when none is configured:
 * - IPv4: the interface's primary address. The kernel lists an interface's primary
 *   addresses before its secondaries (IFA_F_SECONDARY), in the order they were added, so the
 *   first non-secondary one is the one `ip addr` shows first.
 * - IPv6: the interface's link-local address (RFC 5798 §5.1.2.1: "the IPv6 link-local address
 *   of the interface over which the packet is transmitted"), skipping one still tentative
 *   (duplicate address detection not finished: the kernel will not send from it) or failed.
 */

import { networkInterfaces } from 'node:os';
import { native } from '../../net/native.js';
import { IFA_F, RT_SCOPE, type InterfaceTable } from '../../net/netlink/index.js';
import { isIpv6LinkLocal, type AddressFamily } from '../packet/index.js';
import type { InterfaceDirectory } from './types.js';

function ipFamily(family: AddressFamily): 4 | 6 {
  return family === 'inet' ? 4 : 6;
}

/** The live netlink interface table. */
export function interfaceTableDirectory(table: Pick<InterfaceTable, 'indexOf' | 'addresses'> & Partial<Pick<InterfaceTable, 'link'>>): InterfaceDirectory {
  return {
    indexOf: (name) => table.indexOf(name),
    mtuOf: (index) => table.link?.(index)?.mtu,
    primaryAddress(index, family) {
      const candidates = table.addresses({ index, family: ipFamily(family) });
      if (family === 'inet') return candidates.find((a) => (a.flags & IFA_F.SECONDARY) === 0)?.address;
      const unusable = IFA_F.TENTATIVE | IFA_F.DADFAILED;
      return candidates.find((a) => a.scope === RT_SCOPE.link && (a.flags & unusable) === 0)?.address;
    },
  };
}

/** The system's view through libc, asked afresh on every call. */
export function systemDirectory(): InterfaceDirectory {
  return {
    indexOf(name) {
      try {
        return native.ifNameToIndex(name);
      } catch {
        return undefined;
      }
    },
    primaryAddress(index, family) {
      let name: string;
      try {
        name = native.ifIndexToName(index);
      } catch {
        return undefined;
      }
      const addresses = networkInterfaces()[name] ?? [];
      if (family === 'inet') return addresses.find((a) => a.family === 'IPv4')?.address;
      // getifaddrs lists no DAD state; a tentative link-local is rare once a link has been up.
      return addresses.find((a) => a.family === 'IPv6' && isIpv6LinkLocal(a.address))?.address;
    },
  };
}

/** A fixed table, for tests and for callers that already resolved everything. */
export function staticDirectory(links: Readonly<Record<string, { readonly index: number; readonly inet?: string; readonly inet6?: string; readonly mtu?: number }>>): InterfaceDirectory {
  return {
    indexOf: (name) => links[name]?.index,
    mtuOf: (index) => Object.values(links).find((l) => l.index === index)?.mtu,
    primaryAddress(index, family) {
      const entry = Object.values(links).find((l) => l.index === index);
      return family === 'inet' ? entry?.inet : entry?.inet6;
    },
  };
}
