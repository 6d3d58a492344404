/**
 * The two text dumps of the vrrp child:
 *
 * - keepalived.data (SIGUSR1; keepalived vrrp_data.c dump_data_vrrp): the global definitions
 *   as the vrrp process sees them, the GARP delay groups, the static addresses/routes/rules
 *   and track groups, then "VRRP Topology" (every instance), "VRRP Sockpool", "VRRP Sync
 *   groups", "VRRP Scripts", "VRRP Track files", "VRRP Track processes", "VRRP Track BFDs"
 *   and "Interfaces" — each section only when it has something in it, as keepalived does.
 * - keepalived.stats (SIGUSR2 and STATS_CLEAR; vrrp_print.c vrrp_print_stats): one block
 *   per instance in configuration order, written by stats.ts's formatStatsBlock. Clearing
 *   the counters after writing them (STATS_CLEAR) is the caller's job: the renderer is pure.
 *
 * Both return the whole file; every line ends in "\n" as keepalived's conf_write/fprintf do.
 * The section renderers live in global-data.ts, instance-data.ts, objects-data.ts and
 * interface-data.ts; what each cannot reproduce is listed at the top of its file.
 */
import { formatStatsBlock } from '../stats.js';
import { globalDefinitionLines } from './global-data.js';
import { instanceLines, type DumpOptions } from './instance-data.js';
import { garpDelayLines, interfacesSection } from './interface-data.js';
import { scriptLines, socketPoolLines, staticLines, syncGroupLines, trackBfdLines, trackFileLines, trackProcessLines } from './objects-data.js';
import type { VrrpDumpSnapshot } from './snapshot.js';

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
