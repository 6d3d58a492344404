/**
 * The checker subsystem's share of keepalived.conf (see config/fragment.ts):
 * `virtual_server_group`, `virtual_server` and `SSL` at the top level, and the
 * checks that need more than one block:
 *  - a `virtual_server group NAME` and its group: the group must exist, and
 *    its entries decide the service's family, protocol and port rules
 *    (ipwrapper.c link_vsg_to_vs, check_data.c validate_check_config);
 *  - a virtual server without real servers is dropped, as keepalived does;
 *  - FILE_CHECK names a track_file, BFD_CHECK a bfd_instance, and global
 *    lvs_sync_daemon a vrrp_instance, whose VRID is its default sync id;
 *  - the global checker_log_all_failures switches every checker's on, and the
 *    global smtp_alert_checker / smtp_alert give the smtp_alert defaults.
 */
import type { SourceLocation } from '../../config/diagnostics.js';
import { defineFragment, type ScriptUse } from '../../config/fragment.js';
import type { IdentityGlobals } from '../../config/global/identity.js';
import type { LvsGlobals } from '../../config/global/lvs.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { BlockSpec, CompileContext } from '../../config/schema/types.js';
import {
  applyVirtualServerGroup,
  groupFamilies,
  printVirtualServerGroups,
  virtualServerGroupBlock,
  type VirtualServerGroup,
} from './group.js';
import { applySsl, printSsl, sslBlock, type SslContext } from './ssl.js';
import { virtualServerBlock, virtualServerHead, type VirtualServer } from './virtual-server.js';
import { familyFromGroup, formatVirtualServer } from './vs-finish.js';
import type { TrackWeight } from './file.js';
import type { BfdInstance } from '../../bfd/config/index.js';
import type { Config } from '../../config/model.js';
import type { VrrpInstance } from '../../vrrp/config/instance-model.js';

export type { VirtualServer, VsService, SorryServer, Scheduler, Protocol, Granularity } from './virtual-server.js';
export type { RealServer } from './real-server.js';
export type { Checker, CheckerType } from './checkers.js';
export type { VirtualServerGroup, VsgEntry } from './group.js';
export type { SslContext } from './ssl.js';

export interface CheckFragment {
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
  /** Absent: SSL_GET checkers use keepalived's default TLS context. */
  ssl?: SslContext;
}

/**
 * What the cross-references read from other fragments, by the names those
 * fragments use (VRRP: src/vrrp/config, BFD: src/bfd/config, global_defs). The
 * type assertion below breaks the build if any of them is renamed.
 */
interface CrossReferenceSources {
  global: Partial<LvsGlobals & Pick<IdentityGlobals, 'smtpAlert' | 'smtpAlertChecker'>>;
  trackFiles: readonly { name: string; weight: TrackWeight }[];
  bfdInstances: readonly Pick<BfdInstance, 'name' | 'eventsToVrrp' | 'eventsToChecker'>[];
  vrrpInstances: readonly Pick<VrrpInstance, 'name' | 'virtualRouterId' | 'lvsSyncDaemonInterface'>[];
}

/** Compile-time check that Config still provides what the cross-references read. */
type Provides<T extends CrossReferenceSources> = T;
export type CrossReferencesAvailable = Provides<Pick<Config, 'global' | 'trackFiles' | 'bfdInstances' | 'vrrpInstances'>>;

const k = keywordsFor<CheckFragment>();

export const checkFragment = defineFragment<CheckFragment>({
  name: 'check',
  create: () => ({ virtualServerGroups: [], virtualServers: [] }),
  keywords: [
    k.custom(
      'SSL',
      { tag: 'RARE', syntax: '{ … }', block: sslBlock as BlockSpec<unknown>, doc: sslBlock.doc },
      (m, stmt, ctx) => applySsl(m, stmt, ctx),
      (m) => printSsl(m.ssl),
    ),
    k.custom(
      'virtual_server_group',
      { tag: 'COMMON', syntax: 'NAME { … }', block: virtualServerGroupBlock as BlockSpec<unknown>, repeatable: true, doc: virtualServerGroupBlock.doc },
      (m, stmt, ctx) => applyVirtualServerGroup(m.virtualServerGroups, stmt, ctx),
      (m) => printVirtualServerGroups(m.virtualServerGroups),
    ),
    k.blocks('virtual_server', virtualServerBlock, 'virtualServers', { tag: 'CORE', head: virtualServerHead, doc: virtualServerBlock.doc }),
  ],
  finish(config, ctx) {
    const groups = new Map(config.virtualServerGroups.map((g) => [g.name, g]));
    config.virtualServers = config.virtualServers.filter((vs) => {
      const loc = ctx.locations.get(vs);
      if (vs.service.type === 'group' && !linkGroup(vs, groups.get(vs.service.name), ctx, loc)) return false;
      if (vs.realServers.length === 0) {
        ctx.diags.warning(`Virtual server ${formatVirtualServer(vs)} has no real servers - ignoring`, loc, 'virtual_server');
        return false;
      }
      return true;
    });
    warnDuplicateServices(config.virtualServers, ctx);
    crossReferences(config as CheckFragment & Partial<CrossReferenceSources>, ctx);
  },
  scripts(config) {
    const out: ScriptUse[] = [];
    for (const vs of config.virtualServers) {
      const name = formatVirtualServer(vs);
      if (vs.quorumUp) out.push({ script: vs.quorumUp, owner: vs, field: 'quorumUp', what: `quorum_up of virtual server ${name}` });
      if (vs.quorumDown) out.push({ script: vs.quorumDown, owner: vs, field: 'quorumDown', what: `quorum_down of virtual server ${name}` });
      for (const rs of vs.realServers) {
        if (rs.notifyUp) out.push({ script: rs.notifyUp, owner: rs, field: 'notifyUp', what: `notify_up of real server ${rs.address}` });
        if (rs.notifyDown) out.push({ script: rs.notifyDown, owner: rs, field: 'notifyDown', what: `notify_down of real server ${rs.address}` });
        for (const c of rs.checkers) {
          if (c.type === 'MISC_CHECK' && c.script) {
            // MISC_CHECK's own `user` keyword says who runs it.
            const script = { ...c.script, ...(c.user !== undefined ? { user: c.user } : {}), ...(c.group !== undefined ? { group: c.group } : {}) };
            out.push({ script, owner: c, field: 'script', what: `MISC_CHECK of real server ${rs.address}` });
          }
        }
      }
    }
    const global = (config as CheckFragment & Partial<CrossReferenceSources>).global;
    if (global?.lvsNotifyFifoScript) out.push({ script: global.lvsNotifyFifoScript, owner: global, field: 'lvsNotifyFifoScript', what: 'lvs_notify_fifo_script' });
    return out;
  },
  checkEnvironment(config, env) {
    // keepalived resolves these names when it reads the config; a missing user
    // or interface is reported the same way here, at start-up and by -t.
    for (const vs of config.virtualServers) {
      for (const rs of vs.realServers) {
        for (const c of rs.checkers) {
          if (c.type === 'MISC_CHECK' && c.user !== undefined && !env.host.userExists(c.user)) {
            env.diags.error(`Failed to set uid/gid for misc checker script: unknown user ${c.user}`, env.locations.get(c, 'user'), 'user');
          }
          if ('connection' in c.effective && c.effective.connection.bindIf !== undefined && !env.host.interfaceExists(c.effective.connection.bindIf)) {
            env.diags.notice(`bind_if interface ${c.effective.connection.bindIf} does not exist`, env.locations.get(c, 'bindIf'), 'bind_if');
          }
        }
      }
    }
  },
});

/**
 * keepalived's link_vsg_to_vs() and the group parts of validate_check_config():
 * the group must exist and agree with the service's family; addresses in it
 * need a protocol, and a port unless the service is persistent.
 */
function linkGroup(vs: VirtualServer, g: VirtualServerGroup | undefined, ctx: CompileContext, loc: SourceLocation | undefined): boolean {
  const name = formatVirtualServer(vs);
  if (!g) {
    ctx.diags.warning(`Virtual server group ${(vs.service as { name: string }).name} specified but not configured - ignoring virtual server ${name}`, loc, 'virtual_server');
    return false;
  }
  const f = groupFamilies(g);
  const known = !familyFromGroup.has(vs);
  if (f.v4 && f.v6 && known) {
    ctx.diags.warning(`${g.name}: virtual server group with IPv4 & IPv6 doesn't match virtual server ${name} - ignoring`, loc, 'virtual_server');
    return false;
  }
  if (known && ((f.v4 && vs.family === 6) || (f.v6 && vs.family === 4))) {
    ctx.diags.warning(`${g.name}: address family doesn't match virtual server ${name} - ignoring`, loc, 'virtual_server');
    return false;
  }
  if (!known) {
    // Only tunnelled servers: the group's addresses decide; a group mixing both keeps no single family.
    if (f.v4 !== f.v6) vs.family = f.v4 ? 4 : 6;
    else if (!f.v4) {
      // Only fwmarks without a family: nothing says, keepalived takes IPv4.
      vs.family = 4;
      ctx.diags.notice(`${g.name}: Virtual server ${name} address family cannot be determined, defaulting to IPv4`, loc, 'virtual_server');
    }
    familyFromGroup.delete(vs);
  }

  const ranges = g.entries.filter((e) => e.kind === 'range');
  const fwmarks = g.entries.length - ranges.length;
  if (ranges.length > 0) {
    if (vs.protocol === undefined) {
      ctx.diags.error(`Virtual server ${name}: no protocol set (keepalived would default to UDP)`, loc, 'virtual_server');
      vs.protocol = 'UDP';
    }
    if (vs.ops && vs.protocol !== 'UDP') {
      ctx.diags.warning(`Virtual server ${name}: one packet scheduling requires UDP - resetting`, ctx.locations.get(vs, 'ops'), 'virtual_server');
      vs.ops = false;
    }
    if (vs.persistenceTimeoutMs === 0 && ranges.some((e) => e.port === undefined)) {
      ctx.diags.warning(`Virtual server ${name}: zero port only valid for persistent services - setting`, loc, 'virtual_server');
      vs.persistenceTimeoutMs = 360_000;
    }
  } else if (vs.protocol !== undefined) {
    ctx.diags.warning(`Virtual server ${name}: protocol specified for fwmark - protocol will be ignored`, ctx.locations.get(vs, 'protocol'), 'virtual_server');
    delete vs.protocol;
  }
  if (vs.haSuspend && fwmarks > 0) {
    ctx.diags.warning(`Virtual server ${name}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, ctx.locations.get(vs, 'haSuspend'), 'virtual_server');
    vs.haSuspend = false;
  }
  // Direct-routed and tunnelled servers use the service's port; keepalived only warns here.
  for (const rs of vs.realServers) {
    if (rs.effective.forwarding.method === 'NAT' || rs.port === undefined) continue;
    if (fwmarks > 0) ctx.diags.warning(`fwmark virtual server ${name}, real server ${rs.address} has port specified - port will be ignored`, ctx.locations.get(rs), 'real_server');
    for (const e of ranges) {
      if (e.port !== undefined && e.port !== rs.port) {
        ctx.diags.warning(`virtual server ${name} and real server ${rs.address} ports don't match (${e.first}: ${e.port}, real server: ${rs.port})`, ctx.locations.get(rs), 'real_server');
        break;
      }
    }
  }
  return true;
}

/**
 * Two virtual servers for one IPVS service collide in the kernel; keepalived
 * only finds out at run time and its -t passes, so this is a notice.
 */
function warnDuplicateServices(list: readonly VirtualServer[], ctx: CompileContext): void {
  const seen = new Set<string>();
  for (const vs of list) {
    const s = vs.service;
    const key =
      s.type === 'address' ? `a ${s.address} ${s.port ?? 0} ${vs.protocol}` : s.type === 'fwmark' ? `f ${s.fwmark} ${vs.family}` : `g ${s.name} ${vs.protocol} ${vs.family}`;
    if (seen.has(key)) ctx.diags.notice(`virtual server ${formatVirtualServer(vs)} is defined more than once; IPVS accepts only the first`, ctx.locations.get(vs), 'virtual_server');
    seen.add(key);
  }
}

/** Names that point into other fragments; see CrossReferenceSources. */
function crossReferences(config: CheckFragment & Partial<CrossReferenceSources>, ctx: CompileContext): void {
  const trackFiles = config.trackFiles ? new Map(config.trackFiles.map((t) => [t.name, t])) : undefined;
  const bfds = config.bfdInstances ? new Map(config.bfdInstances.map((b) => [b.name, b])) : undefined;
  const logAll = config.global?.checkerLogAllFailures === true;
  // smtp_alert: the block's, else global smtp_alert_checker, else global smtp_alert, else
  // off for virtual servers and on for real servers (keepalived keeps that old asymmetry).
  const globalAlert = config.global?.smtpAlertChecker ?? config.global?.smtpAlert;
  const dropped = new Set<object>();
  for (const vs of config.virtualServers) {
    vs.effective.smtpAlert = vs.smtpAlert ?? globalAlert ?? false;
    for (const rs of vs.realServers) {
      rs.effective.smtpAlert = rs.smtpAlert ?? globalAlert ?? true;
      const before = dropped.size;
      for (const c of rs.checkers) {
        if (c.type === 'FILE_CHECK') {
          const t = trackFiles?.get(c.trackFile);
          if (trackFiles && !t) {
            ctx.diags.warning(`track_file ${c.trackFile} not found - removing FILE_CHECK`, ctx.locations.get(c), 'FILE_CHECK');
            dropped.add(c);
          }
          c.effective = { weight: c.weight ?? t?.weight ?? { weight: 1, reverse: false } };
        } else if (c.type === 'BFD_CHECK') {
          const b = bfds?.get(c.name);
          // A bfd_instance marked `vrrp` but not `checker` is not sent to the checker process.
          if (bfds && (!b || !b.eventsToChecker)) {
            ctx.diags.warning(`(${rs.address}) BFD_CHECK - BFD ${c.name} not configured${b ? ' for the checker process' : ''} - removing`, ctx.locations.get(c), 'BFD_CHECK');
            dropped.add(c);
          }
        } else if (logAll) {
          c.effective.logAllFailures = true;
        }
      }
      if (dropped.size > before) rs.checkers = rs.checkers.filter((c) => !dropped.has(c));
    }
  }
  syncDaemonInstance(config, ctx);
}

/**
 * lvs_sync_daemon follows a vrrp_instance: it must exist, and its VRID is the
 * default sync id. The old per-instance lvs_sync_daemon_interface sets the same
 * daemon; keepalived refuses the second of the two, in either order.
 */
function syncDaemonInstance(config: CheckFragment & Partial<CrossReferenceSources>, ctx: CompileContext): void {
  const global = config.global;
  const syncd = global?.lvsSyncDaemon;
  if (!global || !syncd || !config.vrrpInstances) return;
  const where = ctx.locations.get(global, 'lvsSyncDaemon');
  for (const v of config.vrrpInstances) {
    if (v.lvsSyncDaemonInterface !== undefined) {
      ctx.diags.warning(`(${v.name}) lvs_sync_daemon_interface has already been specified as ${syncd.interface} (global lvs_sync_daemon) - ignoring`, ctx.locations.get(v, 'lvsSyncDaemonInterface'), 'lvs_sync_daemon_interface');
      delete v.lvsSyncDaemonInterface;
    }
  }
  if (syncd.instance === undefined) return;
  const inst = config.vrrpInstances.find((v) => v.name === syncd.instance);
  if (!inst) {
    ctx.diags.warning(`Unable to find vrrp instance ${syncd.instance} for lvs_syncd - clearing lvs_syncd config`, where, 'lvs_sync_daemon');
    delete global.lvsSyncDaemon;
    return;
  }
  syncd.syncId ??= inst.virtualRouterId;
}
