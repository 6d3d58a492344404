/**
 * Ready-made netlink endpoints on real sockets, for the daemon's children:
 *
 *   openRtnl()            a request socket for links, addresses, routes and rules
 *   openInterfaceTable()  a monitor socket on the link and address groups, read once
 *                         and kept current (resolves when the first read is done)
 *   openGenericNetlink()  a NETLINK_GENERIC request socket with family resolution
 *   openRtnlMonitor()     a monitor on any rtnetlink groups (routes, rules, ...)
 *
 * Each opens its own socket: requests and notifications never share one, so a storm
 * of events cannot delay an ACK and an ACK window cannot overflow a monitor. Sockets
 * are created in the network namespace the process is in when these are called.
 */

import { NETLINK_GENERIC, NETLINK_ROUTE } from './constants.js';
import { GenericNetlink } from './genl/client.js';
import { InterfaceTable } from './interface-table.js';
import { NetlinkMonitor } from './monitor.js';
import { RequestEngine, type RequestEngineOptions } from './request-engine.js';
import { Rtnl } from './rtnl/client.js';
import { RTNLGRP } from './rtnl/constants.js';
import { openNetlinkSocket, type ReceiveBufferMode } from './socket-transport.js';

export interface OpenOptions extends RequestEngineOptions {
  /** Receive queue to request, bytes (SO_RCVBUFFORCE unless receiveBufferMode is 'plain'). */
  readonly receiveBufferBytes?: number;
  readonly receiveBufferMode?: ReceiveBufferMode;
}

function bufferOptions(options: OpenOptions, defaultBytes: number): { receiveBufferBytes: number; receiveBufferMode?: ReceiveBufferMode } {
  return {
    receiveBufferBytes: options.receiveBufferBytes ?? defaultBytes,
    ...(options.receiveBufferMode !== undefined ? { receiveBufferMode: options.receiveBufferMode } : {}),
  };
}

export function openRtnl(options: OpenOptions = {}): Rtnl {
  const transport = openNetlinkSocket({ protocol: NETLINK_ROUTE, ...bufferOptions(options, 1 << 20) });
  return new Rtnl(new RequestEngine(transport, options));
}

export function openRtnlMonitor(groups: readonly number[], options: OpenOptions = {}): NetlinkMonitor {
  // Monitors get a bigger queue: events arrive in storms (a link going down takes its
  // addresses and routes with it) and every lost one costs a full re-read.
  const transport = openNetlinkSocket({ protocol: NETLINK_ROUTE, groups, ...bufferOptions(options, 4 << 20) });
  return new NetlinkMonitor(transport, options);
}

export async function openInterfaceTable(options: OpenOptions = {}): Promise<InterfaceTable> {
  const monitor = openRtnlMonitor([RTNLGRP.LINK, RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR], options);
  const table = new InterfaceTable(monitor);
  try {
    await table.start();
  } catch (err) {
    table.close();
    throw err;
  }
  return table;
}

export function openGenericNetlink(options: OpenOptions = {}): GenericNetlink {
  const transport = openNetlinkSocket({ protocol: NETLINK_GENERIC, ...bufferOptions(options, 1 << 20) });
  return new GenericNetlink(new RequestEngine(transport, options));
}
