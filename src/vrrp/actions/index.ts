/**
 * The VRRP actions layer: what instances do to the kernel and the wire when their state
 * machines change state (issue 5, "Actions"; keepalived's vrrp_state_become_master,
 * vrrp_restore_interface, vrrp_send_link_update and their helpers).
 *
 *   vrrp-actions.ts       VrrpActions: one per vrrp process; the shared parts and the
 *                         order of set-up and shutdown
 *   instance-actions.ts   InstanceActions: FSM events -> install/remove + announcements
 *   net-actions.ts        NetObjectSet (one-batch install/remove, deletion watch), NetWatch
 *   net-plan.ts           pure: VIP/route/rule lines -> netlink requests, answers, matching
 *   announcer.ts          InstanceAnnouncer: when an instance sends GARPs/NAs
 *   garp-pacer.ts         GarpPacer: per-interface / garp_group rate limits, shared
 *   announce-sink.ts      the pacer's sink onto the AF_PACKET neighbour announcer
 *   open.ts               openVrrpActions(): the same on real sockets
 *   types.ts              domain inputs (VipSpec, RouteEntry, RuleEntry, GarpTimings), Clock
 *
 * The VMAC manager lives in ../vmac, the nftables firewall in ../firewall.
 */
export * from './types.js';
export * from './garp-pacer.js';
export * from './announcer.js';
export * from './announce-sink.js';
export * from './net-plan.js';
export * from './net-actions.js';
export * from './instance-actions.js';
export * from './vrrp-actions.js';
export * from './open.js';
export * from '../vmac/vmac-plan.js';
export * from '../vmac/vmac-manager.js';
export * from '../vmac/sysctl.js';
export * from '../firewall/ruleset.js';
export * from '../firewall/nft-runner.js';
export * from '../firewall/vrrp-firewall.js';
