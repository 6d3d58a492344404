/**
 * The two text dumps of the vrrp child, and the keepalived.data sections about objects other
 * than instances, interfaces and the global definitions:
 *
 * - keepalived.data (SIGUSR1; keepalived 2.2.7 vrrp_data.c dump_data_vrrp): the global
 *   definitions as the vrrp process sees them, the GARP delay groups, the static
 *   addresses/routes/rules and track groups, then "VRRP Topology" (every instance), "VRRP
 *   Sockpool", "VRRP Sync groups", "VRRP Scripts", "VRRP Track files", "VRRP Track
 *   processes", "VRRP Track BFDs" and "Interfaces", each only when it has something in it.
 * - keepalived.stats (SIGUSR2 and STATS_CLEAR; vrrp_print.c vrrp_print_stats): one block per
 *   instance in configuration order, written by stats.ts's formatStatsBlock. Clearing the
 *   counters after writing them (STATS_CLEAR) is the caller's job: the renderer is pure.
 *
 * The object sections here, line for line as keepalived prints them: the socket pool
 * (dump_sock_pool), sync groups (dump_sync_group), vrrp_scripts (dump_vscript), track files
 * (trackers/track_file.c dump_track_file), tracked processes (dump_vprocess), tracked BFDs
 * (dump_vrrp_tracked_bfd) and the static addresses, routes, rules and track groups
 * (dump_vrrp_data, vrrp_static_track.c). keepalived's quirks are kept: a vrrp_script prints
 * "VRRP instances :" and then, when anything tracks it, "Tracking instances :" again; a sync
 * group says "Tracked process :" where an instance says "Tracked processes :"; a script's
 * "Init state" is "unknown" once its first result is in.
 *
 * Every line ends in "\n" as keepalived's conf_write/fprintf do. The other sections live in
 * global-data.ts, instance-data.ts and interface-data.ts; what each cannot reproduce is listed
 * at the top of its file.
 */
import { formatStatsBlock } from '../stats.js';
import { cF, cmdStr, formatAddress, trackRefColonLine, trackRefCommaLine, trackRefLine, trackingList, trueFalse, yesNo } from './format.js';
import { globalDefinitionLines } from './global-data.js';
import { instanceLines, notifyLine, stateName, type DumpOptions } from './instance-data.js';
import { garpDelayLines, interfacesSection } from './interface-data.js';
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

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`------< ${title} >------`, ...lines];
}

/** keepalived.data as the vrrp child writes it on SIGUSR1. */
export function renderVrrpData(snapshot: VrrpDumpSnapshot, options: DumpOptions = {}): string {
  const lines = [
    ...globalDefinitionLines(snapshot.global, 'vrrp'),
    ...garpDelayLines(snapshot.garpDelays),
    ...staticLines(snapshot),
    ...section('VRRP Topology', snapshot.instances.flatMap((i) => instanceLines(i, snapshot, options))),
    ...section('VRRP Sockpool', socketPoolLines(snapshot.sockets)),
    ...section('VRRP Sync groups', syncGroupLines(snapshot.syncGroups)),
    ...section('VRRP Scripts', scriptLines(snapshot.scripts)),
    ...section('VRRP Track files', trackFileLines(snapshot.trackFiles)),
    ...section('VRRP Track processes', trackProcessLines(snapshot.trackProcesses)),
    ...section('VRRP Track BFDs', trackBfdLines(snapshot.trackBfds)),
    ...interfacesSection(snapshot.interfaces),
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/** keepalived.stats as the vrrp child writes it on SIGUSR2 (and before clearing, on STATS_CLEAR). */
export function renderVrrpStats(snapshot: Pick<VrrpDumpSnapshot, 'instances'>): string {
  return snapshot.instances.map((i) => formatStatsBlock(i.config.name, i.runtime.stats)).join('');
}
