/**
 * Pure pieces of the parent's work, kept out of the Supervisor so that it
 * reads as lifecycle only: the settings a child is started with, the text
 * of the parent's own USR1 dump, and where the launch tools live.
 */
import { IP_CANDIDATES, findExecutable } from '../core/scripts/launch.js';
import { DEFAULT_RLIMIT_RTTIME_US, type LaunchTools, type ProcessTuning } from './child-launch.js';
import type { DaemonGlobals, SupervisorOptions } from './daemon-config.js';
import { dataFilePath, jsonFilePath, statsFilePath, type DumpNaming } from './dumpfiles.js';
import type { ChildSettings } from './ipc.js';
import type { PidFileNames } from './pidfile.js';
import { CHILD_ROLES, ROLE_INFO, type ChildRole } from './roles.js';

function realtimeSettings(t: ProcessTuning): Pick<ChildSettings, 'realtime'> {
  if (t.rtPriority === undefined || t.rtPriority <= 0) return {};
  return { realtime: { priority: t.rtPriority, rlimitRttimeUs: t.rlimitRttimeUs ?? DEFAULT_RLIMIT_RTTIME_US } };
}

function autoPrioritySettings(t: ProcessTuning, globals: DaemonGlobals): Pick<ChildSettings, 'autoPriority'> {
  const a = globals.autoPriority;
  if (!a) return {};
  return { autoPriority: { maxPriority: a.maxPriority, minDelayUs: a.minDelayUs, rlimitRttimeUs: t.rlimitRttimeUs ?? DEFAULT_RLIMIT_RTTIME_US } };
}

export interface ChildSettingsInput {
  readonly role: ChildRole;
  readonly options: SupervisorOptions;
  readonly globals: DaemonGlobals;
  readonly pidFiles: PidFileNames;
  readonly umask: number;
  readonly naming: DumpNaming;
}

/** What the `start` message tells a child about its process (ipc.ts ChildSettings). */
export function childSettings({ role, options, globals, pidFiles, umask, naming }: ChildSettingsInput): ChildSettings {
  const tuning = globals.tuning[role];
  return {
    role,
    pidFile: pidFiles[role],
    // -V keeps VIPs and routes, -I keeps the IPVS table
    releaseOnStop: role === 'vrrp' ? !options.dontReleaseVrrp : role === 'checker' ? !options.dontReleaseIpvs : true,
    releaseVipsOnSignal: options.releaseVips,
    noSwap: tuning.noSwap ?? false,
    ...realtimeSettings(tuning),
    ...autoPrioritySettings(tuning, globals),
    ...(tuning.processName !== undefined ? { processName: tuning.processName } : {}),
    logDetail: options.logDetail,
    ...(options.ignoreSigint ? { ignoreSigint: true } : {}),
    umask,
    dataFile: dataFilePath(role, naming),
    statsFile: statsFilePath(naming.tmpDir),
    jsonFile: jsonFilePath(naming.tmpDir),
  };
}

export interface ChildState {
  readonly pid?: number;
  readonly startedAt?: number;
  readonly waitingToRestart: boolean;
  readonly restarts: number;
}

export interface ParentDataInput {
  readonly configFile: string;
  readonly generation: number;
  readonly netns?: string;
  readonly children: Readonly<Record<ChildRole, ChildState>>;
  /** The adapter's dump of the global definitions. */
  readonly globalsText: string;
}

/** keepalived_parent.data: our process, our children, then the global definitions. */
export function parentDataText(p: ParentDataInput): string {
  const lines = [
    '------< Parent process >------',
    ` Pid = ${process.pid}`,
    ` Config file = ${p.configFile}`,
    ` Configuration generation = ${p.generation}`,
    ...(p.netns !== undefined ? [` Network namespace = ${p.netns}`] : []),
    ' Children:',
    ...CHILD_ROLES.map((r) => {
      const c = p.children[r];
      const state =
        c.pid !== undefined ? `pid ${c.pid}, started ${new Date(c.startedAt ?? 0).toISOString()}` : c.waitingToRestart ? 'waiting to restart' : 'not running';
      return `   ${ROLE_INFO[r].display}: ${state}, restarts ${c.restarts}`;
    }),
    '------< Global definitions >------',
    p.globalsText.replace(/\n$/, ''),
  ];
  return `${lines.join('\n')}\n`;
}

/** Where the programs of the child exec chain are on this machine. */
export function defaultLaunchTools(): LaunchTools {
  const find = (name: string): string | undefined => findExecutable([`/usr/bin/${name}`, `/bin/${name}`, `/usr/sbin/${name}`, `/sbin/${name}`]);
  return { node: process.execPath, ip: findExecutable(IP_CANDIDATES), taskset: find('taskset'), nice: find('nice') };
}
