/**
 * One " VRRP Instance = NAME" block of keepalived.data, line for line as keepalived 2.2.7
 * prints it (vrrp/vrrp_data.c dump_vrrp) in Debian's build (VMAC, ipvlan, VRF, nftables
 * firewall, VRRP authentication, the old unicast checksum compatibility, track_process, BFD).
 *
 * Configured lines come from the compiled vrrp_instance, run-time lines from the instance's
 * runtime part of the snapshot; the order and wording are keepalived's, including its
 * oddities ("Tracked processes" here but "Tracked process" in a sync group, STOP and DELETED
 * printed as "unknown"). Lines keepalived prints but we do not:
 * - "(using VRID)" after a configured VMAC MAC: the compiled model has already completed a
 *   5-octet MAC with the VRID and does not say it did.
 * - checksum debugging lines (a keepalived build option Debian does not enable).
 * - auth_hmac (keepalived 2.4): 2.2.7 has no such lines to copy, so none are invented here.
 *
 * Passwords: keepalived 2.2.7 prints auth_pass in clear; later keepalived (2.4) prints
 * "********". We mask by default and print the password only when asked (`showPasswords`).
 */
import type { VrrpInstance } from '../config/index.js';
import type { VrrpState } from '../fsm/types.js';
import { cG, ctimeThenUs, ctimeUs, enabledDisabled, formatAddress, scriptLine, timeval, trackRefColonLine, trackRefCommaLine, trackRefLine, trueFalse, yesNo } from './format.js';
import { formatRoute, formatRule } from './route-format.js';
import type { InstanceDump, NotifyKey, ResolvedScript, VrrpDumpSnapshot } from './snapshot.js';

export interface DumpOptions {
  /** Print auth_pass as keepalived 2.2.7 did, instead of "********". */
  readonly showPasswords?: boolean;
  /**
   * JSON only: add our fields (tracker states, track_file/track_bfd names, keepalived 2.4's
   * track_process names). Default true; false gives keepalived 2.2.7's exact shape.
   */
  readonly extensions?: boolean;
}

/** keepalived's get_state_str: only the four RFC-ish states have names. */
export function stateName(s: VrrpState): string {
  return s === 'INIT' || s === 'BACKUP' || s === 'MASTER' || s === 'FAULT' ? s : 'unknown';
}

const NOTIFY_ORDER: readonly [NotifyKey, string][] = [
  ['backup', 'Backup'], ['master', 'Master'], ['fault', 'Fault'], ['stop', 'Stop'],
  ['deleted', 'Deleted'], ['any', 'Generic'], ['masterRxLowerPri', 'Master rx lower pri'],
];

/** dump_notify_script. */
export function notifyLine(type: string, s: ResolvedScript): string {
  return `   ${type} state transition script = ${scriptLine(s)}`;
}

export function notifyLines(notify: Partial<Record<NotifyKey, ResolvedScript>>): string[] {
  return NOTIFY_ORDER.flatMap(([key, label]) => (notify[key] ? [notifyLine(label, notify[key]!)] : []));
}

/** Whether keepalived's vrrp->flags would be non-zero (it prints "Flags: none" otherwise). */
function anyFlag(c: VrrpInstance, d: InstanceDump): boolean {
  const rt = d.runtime;
  return c.unicastPeers.length > 0 || !!rt.unicastConfiguredButMulticast || !!rt.unicastDuplicateVrid || c.unicastFaultNoPeer
    || c.dontTrackPrimary || c.linkbeatUsePolling || c.skipCheckAdvAddr || c.sourceAddress !== undefined || c.trackSrcIp
    || c.checkUnicastSrc || c.promoteSecondaries || c.evips.some((a) => a.family !== c.family) || c.nopreempt
    || c.vmac !== undefined || c.vmacXmitBase || c.vmacAddr || c.ipvlan !== undefined || !!rt.duplicateVridFault
    || (c.garpExtraIf.intervalMs > 0 && c.garpExtraIf.allInterfaces);
}

function headLines(d: InstanceDump, syncGroup: string | undefined): string[] {
  const c = d.config;
  const rt = d.runtime;
  const out = [` VRRP Instance = ${c.name}`, `   VRRP Version = ${c.version}`];
  if (syncGroup !== undefined) out.push(`   Sync group = ${syncGroup}`);
  if (c.family === 6) out.push('   Using Native IPv6');
  out.push(`   State = ${stateName(rt.state)}`);
  if (rt.state === 'BACKUP') {
    const m = rt.master;
    // keepalived prints a stale buffer when no master has been heard; we say so.
    out.push(`   Master router = ${m?.address ?? '(unknown)'}`, `   Master priority = ${m?.priority ?? 0}`);
    if (c.version === 3) out.push(`   Master advert int = ${((m?.advertIntervalMs ?? c.advertIntervalMs) / 1000).toFixed(2)} sec`);
  }
  if (anyFlag(c, d)) {
    out.push('   Flags:');
    if (c.unicastPeers.length > 0) out.push(`     Using unicast${rt.unicastDuplicateVrid ? ' with VRID duplication' : ''}`);
    else if (rt.unicastConfiguredButMulticast) out.push('     Unicast config option specified but using multicast');
    if (c.unicastFaultNoPeer) out.push('     If unicast go to fault state if no peers');
  } else out.push('   Flags: none');
  out.push(
    `   Wantstate = ${stateName(rt.wantState)}`,
    `   Number of config faults = ${rt.numConfigFaults}`,
    `   Number of interface and track script faults = ${rt.numTrackerFaults}`,
  );
  if (rt.duplicateVridFault) out.push('   Duplicate VRID');
  out.push(
    `   Number of track scripts init = ${rt.numTrackersInit}`,
    `   Last transition = ${timeval(rt.lastTransitionUs)} (${ctimeUs(rt.lastTransitionUs)})`,
    rt.nextTimerUs === undefined ? '   Read timeout = DISABLED' : `   Read timeout = ${timeval(rt.nextTimerUs)} (${ctimeUs(rt.nextTimerUs)})`,
    `   Master down timer = ${Math.round(rt.masterDownTimerUs)} usecs`,
  );
  return out;
}

function interfaceLines(d: InstanceDump, snap: VrrpDumpSnapshot): string[] {
  const c = d.config;
  const rt = d.runtime;
  const v = rt.vmac;
  const out: string[] = [];
  if (v?.kind === 'vmac') {
    out.push(`   Use VMAC, i/f name ${v.ifname}, is_up = ${trueFalse(v.up)}, xmit_base = ${trueFalse(c.vmacXmitBase)}`);
    if (c.vmac?.mac !== undefined) out.push(`     MAC = ${c.vmac.mac}`);
  }
  if (c.vmacAddr) out.push('   Use VMAC for VIPs on other interfaces');
  else if (v?.kind === 'ipvlan') {
    const addr = c.ipvlan?.address;
    const addrText = addr ? `, i/f address = ${addr.address}/${addr.prefixLen}` : '';
    out.push(`   Use IPVLAN, i/f ${v.ifname}, is_up = ${trueFalse(v.up)}${addrText}, type ${c.ipvlan?.mode ?? 'bridge'}`);
  }
  if (rt.ifname !== undefined && v?.ours) {
    out.push(`   Interface = ${rt.ifname}, ${v.kind === 'vmac' ? 'vmac' : 'ipvlan'} on ${v.baseIfname}${c.vmacXmitBase ? ', xmit base i/f' : ''}`);
    if (c.interface !== undefined && c.interface !== v.baseIfname) out.push(`   Configured interface = ${c.interface}`);
  } else out.push(`   Interface = ${rt.ifname ?? 'not configured'}`);
  if (rt.vrf !== undefined) out.push(`   VRF = ${rt.vrf}`);
  if (c.dontTrackPrimary) out.push('   VRRP interface tracking disabled');
  if (c.skipCheckAdvAddr) out.push('   Skip checking advert IP addresses');
  if (c.strict) out.push('   Enforcing strict VRRP compliance');
  out.push(`   Using src_ip = ${rt.sourceAddress ?? '(none)'}${c.sourceAddress !== undefined ? ' (from configuration)' : ''}`);
  if (c.unicastPeers.length === 0) {
    const group = c.mcastGroup ?? (c.family === 4 ? snap.global.globals.vrrpMcastGroup4 : snap.global.globals.vrrpMcastGroup6);
    if (c.family === 4) out.push(`   Multicast address ${group}`);
    else {
      const ifindex = snap.interfaces.find((i) => i.name === rt.ifname)?.ifindex ?? 0;
      out.push(`   Multicast address ${group}, ifindex ${ifindex}`);
    }
  }
  return out;
}

function timingLines(d: InstanceDump): string[] {
  const c = d.config;
  const rt = d.runtime;
  const out = [
    `   Gratuitous ARP delay = ${Math.floor(c.garpMasterDelayMs / 1000)}`,
    `   Gratuitous ARP repeat = ${c.garpMasterRepeat}`,
    `   Gratuitous ARP refresh = ${Math.floor(c.garpMasterRefreshMs / 1000)}`,
    `   Gratuitous ARP refresh repeat = ${c.garpMasterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${Math.floor(c.garpLowerPrioDelayMs / 1000)}`,
    `   Gratuitous ARP lower priority repeat = ${c.garpLowerPrioRepeat}`,
    `   Down timer adverts = ${c.downTimerAdverts}`,
  ];
  if (c.garpExtraIf.intervalMs >= 1000) {
    const next = rt.garpExtraIfNextUs ?? 0;
    out.push(
      `   Gratuitous ARP for each secondary ${c.garpExtraIf.allInterfaces ? 'i/f' : 'VMAC'} = ${Math.floor(c.garpExtraIf.intervalMs / 1000)}`,
      `   Next gratuitous ARP for such secondary = ${timeval(next)} (${ctimeThenUs(next)})`,
    );
  }
  out.push(
    `   Send advert after receive lower priority advert = ${trueFalse(!c.lowerPrioNoAdvert)}`,
    `   Send advert after receive higher priority advert = ${trueFalse(c.higherPrioSendAdvert)}`,
    `   Virtual Router ID = ${c.virtualRouterId}`,
    `   Priority = ${c.priority}`,
    `   Effective priority = ${rt.effectivePriority}`,
    `   Total priority = ${rt.totalPriority}`,
    c.version === 2 ? `   Advert interval = ${Math.floor(c.advertIntervalMs / 1000)} sec` : `   Advert interval = ${Math.floor(c.advertIntervalMs)} milli-sec`,
  );
  if (rt.state === 'BACKUP' && c.version === 3) out.push(`   Master advert interval = ${Math.floor(rt.master?.advertIntervalMs ?? c.advertIntervalMs)} milli-sec`);
  out.push(`   Accept = ${enabledDisabled(c.accept)}`, `   Preempt = ${enabledDisabled(!c.nopreempt)}`);
  if (c.preemptDelayMs) out.push(`   Preempt delay = ${cG(c.preemptDelayMs / 1000)} secs`);
  out.push(`   Promote_secondaries = ${enabledDisabled(c.promoteSecondaries)}`);
  return out;
}

function authAndAddressLines(d: InstanceDump, opts: DumpOptions): string[] {
  const c = d.config;
  const rt = d.runtime;
  const out: string[] = [];
  if (c.auth?.type) {
    out.push(`   Authentication type = ${c.auth.type === 'AH' ? 'IPSEC_AH' : 'SIMPLE_PASSWORD'}`);
    if (c.auth.type === 'PASS') out.push(`   Password = ${opts.showPasswords ? (c.auth.password ?? '') : '********'}`);
  } else if (c.version === 2) out.push('   Authentication type = none');
  if (c.kernelRxBufSize) out.push(`   Kernel rx buffer size = ${c.kernelRxBufSize}`);
  if (c.debug) out.push(`   Debug level = ${c.debug}`);
  if (rt.vips.length > 0) out.push(`   Virtual IP (${rt.vips.length}):`, ...rt.vips.map((a) => `     ${formatAddress(a)}`));
  if (rt.evips.length > 0) out.push('   Virtual IP Excluded :', ...rt.evips.map((a) => `     ${formatAddress(a)}`));
  if (c.unicastPeers.length > 0) {
    // keepalived sets an IPv4 instance's TTL to 255 when none is configured; IPv6 keeps "unset".
    const ttl = c.unicastTtl ?? (c.family === 4 ? 255 : undefined);
    if (ttl !== undefined) out.push(`   Unicast TTL = ${ttl}`);
    out.push(`   Check unicast src : ${yesNo(c.checkUnicastSrc)}`, '   Unicast Peer :');
    out.push(...c.unicastPeers.map((p) => `     ${p.address} min_ttl ${p.minTtl} max_ttl ${p.maxTtl}`));
    const compat = c.unicastChecksumCompat === 'old' ? 'config' : c.unicastChecksumCompat === 'never' ? 'never' : rt.oldChecksumDetected ? 'auto' : 'no';
    out.push(`   Unicast checksum compatibility = ${compat}`);
  }
  out.push(rt.socket ? `   fd_in ${rt.socket.fdIn}, fd_out ${rt.socket.fdOut}` : '   No sockets allocated');
  if (c.vroutes.length > 0) out.push('   Virtual Routes :', ...c.vroutes.map((r) => `     ${formatRoute(r)}`));
  if (c.vrules.length > 0) out.push('   Virtual Rules :', ...c.vrules.map((r) => `     ${formatRule(r)}`));
  return out;
}

function trackerAndNotifyLines(d: InstanceDump): string[] {
  const c = d.config;
  const out: string[] = [];
  if (c.trackInterfaces.length > 0) out.push('   Tracked interfaces :', ...c.trackInterfaces.map(trackRefLine));
  if (c.trackScripts.length > 0) out.push('   Tracked scripts :', ...c.trackScripts.map(trackRefLine));
  if (c.trackFiles.length > 0) out.push('   Tracked files :', ...c.trackFiles.map(trackRefCommaLine));
  if (c.trackProcesses.length > 0) out.push('   Tracked processes :', ...c.trackProcesses.map(trackRefCommaLine));
  if (c.trackBfds.length > 0) out.push('   Tracked BFDs :', ...c.trackBfds.map(trackRefColonLine));
  out.push(
    `   Using smtp notification = ${yesNo(c.smtpAlert)}`,
    `   Notify deleted = ${c.notifyDeleted ? 'Deleted' : 'Fault'}`,
    ...notifyLines(d.runtime.notify),
    `   Notify priority changes = ${trueFalse(c.notifyPriorityChanges)}`,
  );
  return out;
}

/** dump_vrrp for one instance; `syncGroup` is the name of the group it belongs to, if any. */
export function instanceLines(d: InstanceDump, snap: VrrpDumpSnapshot, opts: DumpOptions = {}): string[] {
  const group = snap.syncGroups.find((g) => g.config.members?.includes(d.config.name))?.config.name;
  return [
    ...headLines(d, group),
    ...interfaceLines(d, snap),
    ...timingLines(d),
    ...authAndAddressLines(d, opts),
    ...trackerAndNotifyLines(d),
  ];
}
