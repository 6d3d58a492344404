/**
 * The VRRP adapter: the compiled Config → the domain inputs of every VRRP layer (planVrrp),
 * and two plans → what a reload changes (diffVrrpPlans, formatVrrpPlanDiff for `--diff`).
 *
 *   const env = systemPlanEnvironment({ checkerRunning });     // or interfaceTableFacts(table)
 *   const result = planVrrp(config, env);
 *   if (!result.ok) → result.diagnostics (errors) ; else result.plan, result.diagnostics
 *   plan.instances[i].params      → new VrrpInstance(params, host)        (src/vrrp/fsm)
 *   plan.instances[i].transport   → the socket pool's TransportSpec       (src/vrrp/io)
 *   plan.instances[i].definition  → VrrpActions.addInstance(definition)   (src/vrrp/actions)
 *   plan.syncGroups               → new SyncGroup(name, members, host)
 *   plan.trackers, plan.tracking  → trackers; resolveTracking(...tracking) (src/vrrp/track)
 *   plan.notify                   → NotifyDispatcher / NotifyFifo          (src/vrrp/notify)
 *   plan.statics, plan.actions    → VrrpActions.setStatics / its options
 */
export type {
  AdvertProtocol, AdvertTransport, InterfaceFacts, NameFileReader, PlanDiagnostic, PlanEnvironment, PlanResult,
  PlannedInstance, PlannedNotify, PlannedSocket, PlannedSyncGroup, PlannedTrackers, StaticTrackGroup, VrrpPlan,
} from './types.js';
export { planVrrp } from './plan.js';
export {
  diffVrrpPlans, formatVrrpPlanDiff, matchInstance, stableKey,
  type KeptInstance, type ListDiff, type NamedDiff, type RemovedInstance, type SettingChange, type VrrpPlanDiff,
} from './diff.js';
export {
  DEFAULT_IPROUTE_ETC_DIR, DEFAULT_IPROUTE_USR_DIR, IprouteNames, interfaceTableFacts, systemFiles, systemInterfaceFacts,
  systemPlanEnvironment, vrfTableFromIp, type SystemPlanOptions,
} from './host.js';
