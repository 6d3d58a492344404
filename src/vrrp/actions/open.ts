/**
 * The actions layer on real sockets, for the vrrp child: rtnetlink requests, the
 * interface table, a route/rule monitor, the AF_PACKET neighbour announcer, /proc/sys
 * and nft — all opened in the network namespace the process is in.
 *
 * The child may already have an Rtnl and an interface table (trackers use them too);
 * it passes them in and keeps owning them. What this function opens itself, close()
 * closes, after VrrpActions.stop() has run.
 */

import { NeighbourAnnouncer } from '../../net/announce.js';
import { openInterfaceTable, openRtnl, openRtnlMonitor, type InterfaceTable, type OpenOptions, type Rtnl } from '../../net/netlink/index.js';
import { NftRunner, nftProcess, type NftProcessOptions } from '../firewall/nft-runner.js';
import { VrrpFirewall, type VrrpFirewallOptions } from '../firewall/vrrp-firewall.js';
import { procSysctl } from '../vmac/sysctl.js';
import { NetWatch } from './net-actions.js';
import { systemClock } from './types.js';
import { VrrpActions, type VrrpActionsOptions, type VrrpActionsServices } from './vrrp-actions.js';

export interface OpenVrrpActionsOptions extends VrrpActionsOptions {
  readonly rtnl?: Rtnl;
  readonly interfaces?: InterfaceTable;
  /** nftables for no_accept and VMACs; `false` = none (no_accept then not enforced). */
  readonly firewall?: (VrrpFirewallOptions & NftProcessOptions) | false;
  readonly log?: (message: string) => void;
  /** Queue sizes of the request socket and of the monitors (vrrp_netlink_*_rcv_bufs). */
  readonly netlink?: { readonly command?: OpenOptions; readonly monitor?: OpenOptions };
}

export interface OpenedVrrpActions {
  readonly actions: VrrpActions;
  readonly rtnl: Rtnl;
  readonly interfaces: InterfaceTable;
  /** Closes what was opened here (stop the actions first). */
  close(): void;
}

export async function openVrrpActions(options: OpenVrrpActionsOptions = {}): Promise<OpenedVrrpActions> {
  const opened: { close(): void }[] = [];
  try {
    const rtnl = options.rtnl ?? remember(opened, openRtnl(options.netlink?.command));
    const interfaces = options.interfaces ?? remember(opened, await openInterfaceTable(options.netlink?.monitor));
    const routeMonitor = remember(opened, openRtnlMonitor(NetWatch.groups, options.netlink?.monitor));
    const announcer = remember(opened, new NeighbourAnnouncer());
    announcer.prepare();
    const fw = options.firewall;
    const firewall = fw === false ? undefined : new VrrpFirewall(new NftRunner(nftProcess(fw ?? {})), fw ?? {});
    const services: VrrpActionsServices = {
      rtnl, interfaces, routeMonitor, announcer, sysctl: procSysctl(), clock: systemClock,
      ...(firewall ? { firewall } : {}),
      ...(options.log ? { log: options.log } : {}),
    };
    const actions = new VrrpActions(services, options);
    return {
      actions, rtnl, interfaces,
      close: () => {
        for (const o of opened.reverse()) o.close();
      },
    };
  } catch (err) {
    for (const o of opened.reverse()) o.close();
    throw err;
  }
}

function remember<T extends { close(): void }>(list: { close(): void }[], value: T): T {
  list.push(value);
  return value;
}
