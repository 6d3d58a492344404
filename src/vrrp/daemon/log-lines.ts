/**
 * What the vrrp child writes to the log for each runtime event, in keepalived 2.2.7's words
 * (vrrp.c vrrp_state_become_master / leave_master / leave_fault / master_rx / backup,
 * vrrp_scheduler.c vrrp_init_state, vrrp_sync.c, vrrp_track.c vrrp_set_effective_priority),
 * so that operators' greps and log-watching tools keep working after the swap:
 *
 *   (VI_1) Entering BACKUP STATE (init)              start-up
 *   (VI_1) Entering MASTER STATE                     any way into MASTER
 *   (VI_1) Master received advert from 10.0.0.2 with higher priority 200, ours 100
 *   (VI_1) Entering BACKUP STATE
 *   (VI_1) sent 0 priority                           with -D, a MASTER giving up on purpose
 *   (VI_1) setting VIPs. / (VI_1) removing VIPs.     with -D, when the addresses go in or out
 *                                                    (and, with -V or -X, when an instance
 *                                                    starts or resumes in BACKUP or FAULT)
 *   (VI_1) received lower priority (90) advert from 10.0.0.2 - discarding
 *   (VI_1) Received advert from 10.0.0.2 with lower priority 90, ours 100, forcing new election
 *   VRRP_Group(G1) Syncing instances to MASTER state
 *
 * keepalived logs nothing when an instance stops (besides "sent 0 priority" with -D) and
 * nothing when a reload leaves an instance in the state it had; neither do we. Where
 * keepalived says nothing about why an instance entered FAULT (a tracker's own line comes
 * from the tracker), we add one line naming the reason the state machine was given
 * ("(VI_1) interface eth0 down"), before keepalived's. Events keepalived has no line for
 * (sockets, unicast peers, split-brain re-announcement) keep the socket layer's wording
 * (src/vrrp/io/reporting.ts describeEvent), and so does everything noisy: those lines carry
 * a rate-limit key for the drop log.
 *
 * Pure: the caller supplies the instance's status at the time of the event (the master it
 * just heard) and whether a reload left the state unchanged.
 */
import type { InstanceStatus, TransitionCause, VrrpState } from '../fsm/types.js';
import { describeEvent, type EventLine } from '../io/reporting.js';
import type { RuntimeEvent } from '../io/types.js';

export interface LogLineContext {
  /** -D (log_detail): keepalived's detail lines. */
  readonly logDetail: boolean;
  readonly logUnknownVrids: boolean;
  /** The instance's FSM status now (after the event was emitted). */
  status(instance: string): InstanceStatus | undefined;
  /** For a transition caused by a reload: the state the instance had before it. */
  stateBeforeReload(instance: string): VrrpState | undefined;
  /** How many VIPs and eVIPs the instance has (for -D's "setting VIPs." lines). */
  addressCounts(instance: string): { readonly vips: number; readonly evips: number };
  /** -V: a MASTER stopping keeps its addresses. */
  readonly keepAddressesOnStop: boolean;
  /** -X (--release-vips). */
  readonly releaseVips: boolean;
}

/** Leaving MASTER for these reasons sends a priority-0 advert on purpose (keepalived advF). */
const PRIORITY_ZERO_CAUSES: ReadonlySet<TransitionCause> = new Set<TransitionCause>(['shutdown', 'released', 'fault', 'deleted']);

const info = (text: string): EventLine => ({ level: 'info', text });

/** keepalived vrrp_handle_ipaddress, with -D: "(VI_1) setting VIPs." / "(VI_1) removing E-VIPs." */
function addressLines(instance: string, verb: 'sett' | 'remov', ctx: LogLineContext): EventLine[] {
  const counts = ctx.addressCounts(instance);
  const out: EventLine[] = [];
  if (counts.vips > 0) out.push(info(`(${instance}) ${verb}ing VIPs.`));
  if (counts.evips > 0) out.push(info(`(${instance}) ${verb}ing E-VIPs.`));
  return out;
}

/**
 * keepalived vrrp_init_state calls vrrp_restore_interface for every instance that does not
 * go straight to MASTER, at start-up and at each reload; it goes through the address
 * removal (and logs it) when the instance had its VIPs set (a reloaded MASTER), with -V, or
 * with -X — the only trace -X leaves in 2.2.7, whose removal still deletes only addresses
 * it had set (or every one with -V).
 */
function initRestoreLines(event: Extract<RuntimeEvent, { type: 'transition' }>, ctx: LogLineContext): EventLine[] {
  if (!ctx.logDetail || event.from !== 'INIT' || (event.to !== 'BACKUP' && event.to !== 'FAULT')) return [];
  const hadVips = event.cause === 'reload' && ctx.stateBeforeReload(event.instance) === 'MASTER';
  return hadVips || ctx.releaseVips || ctx.keepAddressesOnStop ? addressLines(event.instance, 'remov', ctx) : [];
}

function transitionLines(event: Extract<RuntimeEvent, { type: 'transition' }>, ctx: LogLineContext): EventLine[] {
  const who = `(${event.instance})`;
  const out: EventLine[] = initRestoreLines(event, ctx);
  if (event.cause === 'reload') {
    // keepalived vrrp_init_state: a reloaded instance logs only if its state changed.
    const before = ctx.stateBeforeReload(event.instance);
    if (before === event.to) return out;
    if (event.to === 'MASTER') return [...out, info(`${who} Entering MASTER STATE`)];
    if (event.to === 'BACKUP' || event.to === 'FAULT') return [...out, info(`${who} Entering ${event.to} STATE (init)`)];
    return out;
  }
  if (event.cause === 'higher-priority') {
    const s = ctx.status(event.instance);
    if (s?.masterAddress !== undefined && s.masterPriority !== undefined) {
      out.push(info(s.masterPriority > event.priority
        ? `${who} Master received advert from ${s.masterAddress} with higher priority ${s.masterPriority}, ours ${event.priority}`
        : `${who} Master received advert from ${s.masterAddress} with same priority ${s.masterPriority} but higher IP address than ours`));
    }
  }
  switch (event.to) {
    case 'MASTER':
      out.push(info(`${who} Entering MASTER STATE`));
      break;
    case 'BACKUP':
      out.push(info(`${who} Entering BACKUP STATE${event.cause === 'startup' ? ' (init)' : ''}`));
      break;
    case 'FAULT':
      if (event.detail !== undefined && event.cause !== 'sync-group') out.push(info(`${who} ${event.detail}`));
      out.push({ level: 'warn', text: `${who} Entering FAULT STATE${event.cause === 'startup' ? ' (init)' : ''}` });
      break;
    case 'STOP':
    case 'DELETED':
    case 'INIT':
      break;
  }
  if (!ctx.logDetail) return out;
  if (event.from === 'MASTER' && PRIORITY_ZERO_CAUSES.has(event.cause)) out.push(info(`${who} sent 0 priority`));
  const verb = event.to === 'MASTER' ? 'sett' : event.from === 'MASTER' && !(event.to === 'STOP' && ctx.keepAddressesOnStop) ? 'remov' : undefined;
  if (verb !== undefined) out.push(...addressLines(event.instance, verb, ctx));
  return out;
}

/** keepalived's words for the two configuration conflicts the FSM reports. */
function conflictLine(event: Extract<RuntimeEvent, { type: 'configurationConflict' }>): EventLine | undefined {
  const who = `(${event.instance})`;
  if (event.detail.startsWith('equal priority advert received from remote host with our IP address')) {
    return { level: 'warn', text: `${who} WARNING - equal priority advert received from remote host with our IP address.`, rateLimitKey: `${event.instance}|conflict|${event.source}` };
  }
  if (event.detail.startsWith('local and remote instances are both configured as address owner')) {
    return { level: 'warn', text: `${who} CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority` };
  }
  return undefined;
}

/** The lines for one event (possibly none). Drops are not here: they go to the drop log. */
export function eventLines(event: RuntimeEvent, ctx: LogLineContext): EventLine[] {
  switch (event.type) {
    case 'transition':
      return transitionLines(event, ctx);
    case 'groupTransition':
      return event.to === 'MASTER' || event.to === 'BACKUP' || event.to === 'FAULT'
        ? [info(`VRRP_Group(${event.group}) Syncing instances to ${event.to} state`)]
        : [];
    case 'advertIntervalLearned':
      return [info(`(${event.instance}) advertisement interval updated from ${Math.round(event.fromMs)}ms to ${Math.round(event.toMs)}ms by master`)];
    case 'configurationConflict': {
      const line = conflictLine(event);
      if (line) return [line];
      break;
    }
    case 'advertDropped':
    case 'datagramDropped':
      return [];
    default:
      break;
  }
  const line = describeEvent(event, { logUnknownVrids: ctx.logUnknownVrids });
  return line ? [line] : [];
}
