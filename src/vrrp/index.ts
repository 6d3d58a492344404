/**
 * The pure core of keepalived-ts's VRRP: packet codecs (./packet), the receive guard ladder,
 * per-instance counters, and the instance / sync-group state machines (./fsm). No sockets,
 * clocks or logging live here; the vrrp child wires these to the native sockets, netlink and
 * the actions layer.
 */
export * from './packet/index.js';
export * from './receive-checks.js';
export * from './stats.js';
export * from './fsm/index.js';
