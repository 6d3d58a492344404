/**
 * The keepalived.data sections about objects other than instances, line for line as
 * keepalived 2.2.7 prints them: the socket pool (vrrp_data.c dump_sock_pool), sync groups
 * (dump_sync_group), vrrp_scripts (dump_vscript), track files (trackers/track_file.c
 * dump_track_file), tracked processes (dump_vprocess), tracked BFDs (dump_vrrp_tracked_bfd)
 * and the static addresses, routes, rules and track groups (dump_vrrp_data,
 * vrrp_static_track.c).
 *
 * keepalived's quirks are kept: a vrrp_script prints "VRRP instances :" and then, when
 * anything tracks it, "Tracking instances :" again; a sync group says "Tracked process :"
 * where an instance says "Tracked processes :"; a script's "Init state" is "unknown" once
 * its first result is in.
 */
import { cF, cmdStr, formatAddress, trackRefColonLine, trackRefCommaLine, trackRefLine, trackingList, trueFalse, yesNo } from './format.js';
import { notifyLine, stateName } from './instance-data.js';
import { formatRoute, formatRule } from './route-format.js';
import type { ScriptDump, SocketDump, SyncGroupDump, TrackBfdDump, TrackFileDump, TrackProcessDump, VrrpDumpSnapshot } from './snapshot.js';

/** dump_sock_pool. */
export function socketPoolLines(sockets: readonly SocketDump[]): string[] {
  return sockets.flatMap((s) => {
    const out = [` fd_in ${s.fdIn} fd_out = ${s.fdOut}`, `   Interface = ${s.ifname}`];
    if (s.vrf !== undefined) out.push(`   VRF = ${s.vrf}`);
    out.push(
      `   Family = IPv${s.family}`,
      `   Protocol = ${s.protocol}`,
      `   Type = ${s.unicastSource !== undefined ? 'Unicast' : 'Multicast'}`,
    );
    if (s.unicastSource !== undefined) out.push(`   Address = ${s.unicastSource}`);
    out.push(`   Rx buf size = ${s.rxBufSize}`, '   VRRP instances', ...s.instances.map((i) => `     ${i.name} vrid ${i.vrid}`));
    return out;
  });
}

const GROUP_NOTIFY: readonly [keyof SyncGroupDump['notify'], string][] = [
  ['backup', 'Backup'], ['master', 'Master'], ['fault', 'Fault'], ['stop', 'Stop'], ['any', 'Generic'],
];

/** dump_sync_group. */
export function syncGroupLines(groups: readonly SyncGroupDump[]): string[] {
  return groups.flatMap((g) => {
    const c = g.config;
    const out = [` VRRP Sync Group = ${c.name}, ${stateName(g.state)}`, `   Num member fault ${g.numMemberFault}, num member init ${g.numMemberInit}`];
    if (c.members && c.members.length > 0) out.push('   VRRP member instances :', ...c.members.map((m) => `     ${m}`));
    if (c.trackingWeight) out.push('   sync group tracking weight set');
    out.push(`   Using smtp notification = ${yesNo(c.smtpAlert)}`);
    if (g.notifyPriorityChangesSet) out.push(`   Notify priority changes = ${yesNo(c.notifyPriorityChanges)}`);
    if (c.trackInterfaces.length > 0) out.push('   Tracked interfaces :', ...c.trackInterfaces.map(trackRefLine));
    if (c.trackScripts.length > 0) out.push('   Tracked scripts :', ...c.trackScripts.map(trackRefLine));
    if (c.trackFiles.length > 0) out.push('   Tracked files :', ...c.trackFiles.map(trackRefCommaLine));
    if (c.trackProcesses.length > 0) out.push('   Tracked process :', ...c.trackProcesses.map(trackRefCommaLine));
    if (c.trackBfds.length > 0) out.push('   Tracked BFDs :', ...c.trackBfds.map(trackRefColonLine));
    for (const [key, label] of GROUP_NOTIFY) if (g.notify[key]) out.push(notifyLine(label, g.notify[key]!));
    return out;
  });
}

function weightText(w: { weight: number; reverse: boolean }): string {
  return `${w.weight}${w.reverse ? ' reverse' : ''}`;
}

/** keepalived's status of a script: GOOD once the rise/fall counter reaches rise. */
export function scriptGood(s: ScriptDump): boolean {
  return s.result >= s.config.rise;
}

/** dump_vscript. */
export function scriptLines(scripts: readonly ScriptDump[]): string[] {
  return scripts.flatMap((s) => {
    const c = s.config;
    return [
      ` VRRP Script = ${c.name}`,
      `   Command = ${cmdStr(s.command.argv)}`,
      `   Interval = ${Math.floor(c.intervalMs / 1000)} sec`,
      `   Timeout = ${Math.floor(c.timeoutMs / 1000)} sec`,
      `   Weight = ${weightText(c.weight)}`,
      `   Rise = ${c.rise}`,
      `   Fall = ${c.fall}`,
      `   Result = ${s.result}`,
      `   Insecure = ${yesNo(s.insecure)}`,
      `   Init state = ${s.initState === 'done' ? 'unknown' : s.initState}`,
      `   Status = ${scriptGood(s) ? 'GOOD' : 'BAD'}`,
      `   Script uid:gid = ${s.command.uid}:${s.command.gid}`,
      '   VRRP instances :',
      ...trackingList(s.tracking),
      `   State = ${s.runState}`,
    ];
  });
}

/** dump_track_file. */
export function trackFileLines(files: readonly TrackFileDump[]): string[] {
  return files.flatMap((f) => [
    ` Track file = ${f.config.name}`,
    `   File = ${f.path}`,
    `   Status = ${f.value}`,
    `   Weight = ${weightText(f.config.weight)}`,
    ...trackingList(f.tracking),
  ]);
}

/** dump_vprocess. */
export function trackProcessLines(processes: readonly TrackProcessDump[]): string[] {
  return processes.flatMap((p) => {
    const c = p.config;
    const out = [` VRRP Track process = ${c.name}`, `   Process = ${c.process ?? ''}`];
    if (c.params.length > 0) out.push(`   Parameters = ${c.params.join(' ')}`);
    if (c.paramMatch !== 'none') out.push(`   Param match${c.paramMatch === 'exact' ? '' : ` = ${c.paramMatch}`}`);
    out.push(`   Min processes = ${c.quorum}`);
    if (c.quorumMax !== undefined) out.push(`   Max processes = ${c.quorumMax}`);
    out.push(
      `   Current processes = ${p.currentProcesses}`,
      `   Have quorum = ${trueFalse(p.haveQuorum)}`,
      `   Weight = ${weightText(c.weight)}`,
      `   Terminate delay = ${cF(c.terminateDelayMs / 1000)}s`,
      `   Fork delay = ${cF(c.forkDelayMs / 1000)}s`,
      `   Fork delay timer ${p.forkDelayTimerRunning ? '' : 'not '}running`,
      `   Terminate delay timer ${p.terminateDelayTimerRunning ? '' : 'not '}running`,
      `   Full command = ${trueFalse(c.fullCommand)}`,
      ...trackingList(p.tracking),
    );
    return out;
  });
}

/** dump_vrrp_tracked_bfd. */
export function trackBfdLines(bfds: readonly TrackBfdDump[]): string[] {
  return bfds.flatMap((b) => [
    ` VRRP Track BFD = ${b.name}`,
    `   Weight = ${weightText(b)}`,
    `   Bfd is ${b.up ? 'up' : 'down'}`,
    '   Tracking VRRP instances :',
    ...trackingList(b.tracking),
  ]);
}

/** The static_* sections that come before the VRRP topology. */
export function staticLines(snap: VrrpDumpSnapshot): string[] {
  const out: string[] = [];
  if (snap.staticAddresses.length > 0) out.push('------< Static Addresses >------', ...snap.staticAddresses.map((a) => `     ${formatAddress(a)}`));
  if (snap.staticRoutes.length > 0) out.push('------< Static Routes >------', ...snap.staticRoutes.map((r) => `     ${formatRoute(r)}`));
  if (snap.staticRules.length > 0) out.push('------< Static Rules >------', ...snap.staticRules.map((r) => `     ${formatRule(r)}`));
  if (snap.staticTrackGroups.length > 0) {
    out.push('------< Static Track groups >------');
    for (const g of snap.staticTrackGroups) {
      out.push(` Static Track Group = ${g.name}`);
      if (g.instances.length > 0) out.push('   VRRP member instances :', ...g.instances.map((i) => `     ${i}`));
    }
  }
  return out;
}
