/** Public surface of the VRRP state machines: instance, sync group, timer arithmetic, types. */
export * from './types.js';
export * from './timers.js';
export { VrrpInstance } from './instance.js';
export type { StartOptions, SyncGroupLink } from './instance.js';
export { SyncGroup } from './sync-group.js';
export type { SyncGroupEvent, SyncGroupHost } from './sync-group.js';
