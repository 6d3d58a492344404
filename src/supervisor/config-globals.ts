/**
 * The compiled keepalived.conf (config/model.ts Config) → the settings the
 * parent acts on (DaemonGlobals). One pure function, so the keepalived.conf
 * adapter and its tests share it.
 *
 * Mapping rules that are not plain renames:
 *   - `*_priority` 0 means "leave the nice value alone" (keepalived only
 *     calls setpriority() for a non-zero value);
 *   - `*_rlimit_rttime` is carried for every child: it applies with
 *     `*_rt_priority` and with the first max_auto_priority step;
 *   - `max_auto_priority -1` is 0 (never step) without the start-up NOTICE;
 *     `min_auto_priority_delay` goes from the model's ms back to keepalived's µs.
 *   - an empty `*_cpu_affinity` means any CPU.
 */
import type { ChildProcess } from '../config/global/process.js';
import type { Config } from '../config/model.js';
import type { ProcessTuning } from './child-launch.js';
import type { ConfiguredScript, DaemonGlobals } from './daemon-config.js';

function tuning(p: ChildProcess): ProcessTuning {
  return {
    ...(p.priority !== 0 ? { nice: p.priority } : {}),
    ...(p.rtPriority !== undefined ? { rtPriority: p.rtPriority } : {}),
    rlimitRttimeUs: p.rlimitRttimeUs,
    noSwap: p.noSwap,
    ...(p.cpuAffinity.length > 0 ? { cpuAffinity: [...p.cpuAffinity] } : {}),
    ...(p.name !== undefined ? { processName: p.name } : {}),
  };
}

function script(s: { argv: readonly string[]; user?: string; group?: string } | undefined): ConfiguredScript | undefined {
  if (!s) return undefined;
  return { argv: [...s.argv], ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}) };
}

export function daemonGlobals(c: Config): DaemonGlobals {
  const g = c.global;
  const startupScript = script(g.startupScript);
  const shutdownScript = script(g.shutdownScript);
  return {
    ...(c.instanceName !== undefined ? { instance: c.instanceName } : {}),
    ...(c.netNamespace !== undefined ? { netns: c.netNamespace } : {}),
    usePidDir: c.usePidDir,
    childWaitTimeMs: c.childWaitTimeMs,
    ...(startupScript ? { startupScript } : {}),
    startupScriptTimeoutMs: g.startupScriptTimeoutMs,
    ...(shutdownScript ? { shutdownScript } : {}),
    shutdownScriptTimeoutMs: g.shutdownScriptTimeoutMs,
    umask: g.umask,
    dataUseInstance: g.dataUseInstance,
    ...(g.stateDumpFile !== undefined ? { stateDumpFile: g.stateDumpFile } : {}),
    ...(g.reloadCheckConfig !== undefined ? { reloadCheckLog: g.reloadCheckConfig } : {}),
    scriptSecurity: g.enableScriptSecurity,
    ...(g.scriptUser !== undefined ? { scriptUser: { ...g.scriptUser } } : {}),
    ...(g.processName !== undefined ? { processName: g.processName } : {}),
    tuning: { vrrp: tuning(g.vrrpProcess), checker: tuning(g.checkerProcess), bfd: tuning(g.bfdProcess) },
    autoPriority: {
      maxPriority: Math.max(0, g.maxAutoPriority),
      minDelayUs: Math.round(g.minAutoPriorityDelayMs * 1000),
      notice: g.maxAutoPriority === 0,
    },
  };
}
