/**
 * VRRP trackers and the priority/fault calculator.
 *
 * Typical wiring in the vrrp child, once the config is compiled:
 *
 *   const { instances, messages } = resolveTracking(instanceSpecs, groupSpecs);
 *   messages.forEach(log.info);
 *   const calc = new PriorityCalculator(instances);
 *   const feed = (c: TrackerChange) => {
 *     for (const u of calc.update(c)) fsm(u.instance).apply(u.current); // setPriorityAdjustment + setFault
 *   };
 *   for each tracker named by calc.trackerKeys(): tracker.on('change', feed); tracker.start();
 *
 * Trackers: VrrpScriptTracker (vrrp_script), TrackFileTracker (track_file),
 * ProcessMonitor → ProcessTracker (vrrp_track_process), InterfaceTracker
 * (track_interface, over a LinkSource such as InterfaceTableLinks(table)),
 * BfdHook → BfdTracker (track_bfd).
 *
 * The proc connector's socket (proc-connector-socket.ts, ProcConnectorSource)
 * is not re-exported: it loads the native addon, and ProcessMonitor imports it
 * on demand so that a missing addon only means /proc rescans.
 */
export {
  TRACKER_KINDS,
  TrackerSetupError,
  realTimers,
  type TimerHandle,
  type TimerHost,
  type Tracker,
  type TrackerChange,
  type TrackerEvents,
  type TrackerKind,
  type TrackerStatus,
  type TrackerWeight,
} from './types.js';
export { RiseFallCounter, VrrpScriptTracker, type VrrpScriptSpec } from './script.js';
export { parseTrackFileValue, strtol0, formatTrackFileValue, type FileValue } from './file-value.js';
export { TrackFileTracker, initialiseTrackFile, resolveTrackFilePath, readTrackFile, type TrackFileSpec, type TrackFileOptions } from './file.js';
export {
  COMM_MAX,
  matchRule,
  paramsMatch,
  parseProcStat,
  processMatches,
  ruleWarnings,
  type MatchRule,
  type ParamMatch,
  type ProcessInfo,
  type TrackProcessSpec,
} from './process-match.js';
export { ProcessQuorum, type AddCause, type RemoveCause } from './process-quorum.js';
export { ProcFs, type ProcReader } from './process-scan.js';
export { ProcessMonitor, ProcessTracker, type MonitorMode, type ProcEventHandlers, type ProcEventSource, type ProcessMonitorOptions } from './process.js';
export {
  CN_IDX_PROC,
  CN_VAL_PROC,
  NETLINK_CONNECTOR,
  PROC_EVENT,
  decodeProcEvent,
  encodeListen,
  encodeProcEvent,
  type DecodeResult,
  type ProcEvent,
} from './proc-connector.js';
export { InterfaceTracker, type LinkEvent, type LinkSource, type TrackInterfaceSpec } from './interface.js';
export { InterfaceTableLinks, type LinkTable } from './link-source.js';
export { BfdHook, BfdTracker, type BfdSessionEvent } from './bfd.js';
export {
  PRIORITY_OWNER,
  resolveTracking,
  trackerKey,
  type InstanceTrackingSpec,
  type ResolvedInstance,
  type ResolvedTracker,
  type SyncGroupTrackingSpec,
  type TrackingResolution,
} from './resolve.js';
export {
  FILE_FAULT_STATUS,
  PRIORITY_MAX_TRACKED,
  PRIORITY_MIN,
  PriorityCalculator,
  computeTracking,
  sameResult,
  trackerEffect,
  type StateLookup,
  type TrackerEffect,
  type TrackerFault,
  type TrackingResult,
  type TrackingUpdate,
} from './calculator.js';
