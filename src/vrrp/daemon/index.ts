/**
 * The vrrp child process: every VRRP layer (state machines and sockets, actions, trackers,
 * notify, dumps) assembled from the compiled keepalived.conf and run as the Subsystem the
 * child runtime starts for role 'vrrp' (src/supervisor/child-main.ts).
 *
 *   subsystem.ts   VrrpSubsystem: start / reload / dumps / query / relay / stop
 *   assembly.ts    process-wide parts (interface table, actions layer, FIFOs); plan → parts
 *   generation.ts  one configuration running: runtime, actions, trackers, notify, events
 *   tracking.ts    trackers → calculator → setPriorityAdjustment / setFault / INIT holds
 *   reload.ts      a reload: plan diff applied, kept instances resumed
 *   log-lines.ts   events in keepalived 2.2.7's log wording
 *   snapshot.ts    the dump snapshot (keepalived.data / .stats / .json)
 *   status.ts      the control API's status and counters
 */
export { VrrpSubsystem } from './subsystem.js';
export { Generation, type GenerationInput, type GenerationTable, type ResumeState } from './generation.js';
export { Tracking, TrackingApplier, type TrackingDeps, type TrackingPredecessor } from './tracking.js';
export { PlanRefusedError, asConfig, planFor, type VrrpProcess } from './assembly.js';
export { reloadGeneration, type ReloadResult } from './reload.js';
export { eventLines, type LogLineContext } from './log-lines.js';
export { buildSnapshot } from './snapshot.js';
export { vrrpStatus, vrrpStats, type InstanceStatusView, type TrackerStatusView, type VrrpStatus } from './status.js';
