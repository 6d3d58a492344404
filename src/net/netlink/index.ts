/**
 * Netlink: the public surface.
 *
 * Layers, bottom up (each usable on its own, each tested on its own):
 *   struct.ts, attributes.ts, message.ts   pure codecs: C structs, schema-described
 *                                          attributes, nlmsghdr/ACK/DONE
 *   rtnl/{link,address,route,rule}.ts      pure rtnetlink codecs and request builders
 *   genl/family.ts                         pure generic-netlink controller codec
 *   request-engine.ts                      seq/ACK matching, dumps, timeouts, batching
 *   monitor.ts                             multicast notifications and resync policy
 *   interface-table.ts                     the live link/address table with events
 *   rtnl/client.ts, genl/client.ts         async operations over an engine
 *   socket-transport.ts, open.ts           the real sockets (native addon)
 */

export * from './errors.js';
export type { NetlinkMessage, NetlinkRequest } from './message.js';
export { RequestEngine, type BatchOutcome, type RequestEngineOptions } from './request-engine.js';
export { NetlinkMonitor, ResyncScheduler, type ResyncReport } from './monitor.js';
export { InterfaceTable, type InterfaceTableEvents } from './interface-table.js';
export type { NetlinkTransport, TransportHandlers, Timers } from './transport.js';
export { Rtnl, type ItemOutcome } from './rtnl/client.js';
export type { Link, LinkRef, LinkChanges, MacvlanSpec } from './rtnl/link.js';
export { addressKey, ipv4Broadcast, type Address, type AddressSpec } from './rtnl/address.js';
export type { Route, RouteAddMode, RouteSpec } from './rtnl/route.js';
export type { Nexthop, RouteMetrics, Via } from './rtnl/route-parts.js';
export type { Rule, RuleSpec, Range } from './rtnl/rule.js';
export {
  IFA_F, IFF, MACVLAN_MODE, RTNLGRP, RTPROT, RT_SCOPE, RT_TABLE,
  type AddrGenMode, type MacvlanMode, type OperState, type RouteTypeName, type RouterPref, type RuleActionName, type ScopeName,
} from './rtnl/constants.js';
export { GenericNetlink } from './genl/client.js';
export { GENL_ID_CTRL, defineGenlBody, type GenlFamily } from './genl/family.js';
export { openGenericNetlink, openInterfaceTable, openRtnl, openRtnlMonitor, type OpenOptions } from './open.js';
