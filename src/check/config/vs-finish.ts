/**
 * What keepalived does once a virtual_server block is complete
 * (check_parser.c vs_end_handler / rs_end_handler, check_data.c
 * validate_check_config), for everything that needs only the block itself.
 * Checks that need a virtual_server_group run in the fragment's finish
 * (index.ts), because groups may be defined after the virtual server.
 *
 * Where keepalived reports a problem and carries on with a substitute
 * (protocol UDP, scheduler wlc, NAT, a reset port, a dropped real server) we
 * report the same problem and make the same substitution, so the model is
 * what keepalived would run; the printed text then states the substitute
 * explicitly, which keeps compile → print → compile stable.
 *
 * Per real server the work is constant (a Set for duplicates), so large pools
 * stay linear.
 */
import type { SourceLocation } from '../../config/diagnostics.js';
import type { CompileContext } from '../../config/schema/types.js';
import { resolveChecker, type CheckerContext } from './checkers.js';
import type { RealServer } from './real-server.js';
import { formatServer, type Family, type Forwarding } from './values.js';
import type { VirtualServer } from './virtual-server.js';

/** keepalived's FMT_VS: "[10.0.0.1]:tcp:80", "FWM 5", "[GROUP]:0". */
export function formatVirtualServer(vs: VirtualServer): string {
  const s = vs.service;
  if (s.type === 'fwmark') return `FWM ${s.fwmark}`;
  if (s.type === 'group') return `[${s.name}]:0`;
  return formatServer(s, vs.protocol ?? 'none');
}

/** Virtual servers whose family finish() could not decide: a group's decides (index.ts). */
export const familyFromGroup = new WeakSet<VirtualServer>();

const isTunnel = (f: Forwarding) => f.method === 'TUN';

export function finishVirtualServer(vs: VirtualServer, ctx: CompileContext, loc: SourceLocation): void {
  const err = (msg: string, at: SourceLocation | undefined = loc, kw = 'virtual_server') => ctx.diags.error(msg, at, kw);
  const warn = (msg: string, at: SourceLocation | undefined = loc, kw = 'virtual_server') => ctx.diags.warning(msg, at, kw);
  const svc = vs.service;
  const isSet = (field: string) => ctx.locations.get(vs, field) !== undefined;

  // Protocol first: keepalived's messages name the service with it.
  if (svc.type === 'address' && vs.protocol === undefined) {
    err(`Virtual server ${formatVirtualServer(vs)}: no protocol set (keepalived would default to UDP)`);
    vs.protocol = 'UDP';
  }
  if (svc.type === 'fwmark' && vs.protocol !== undefined) {
    warn(`Virtual server ${formatVirtualServer(vs)}: protocol specified for fwmark - protocol will be ignored`, ctx.locations.get(vs, 'protocol'));
    delete vs.protocol;
  }
  const name = formatVirtualServer(vs);
  if (!isSet('scheduler')) err(`Virtual server ${name}: no scheduler set (keepalived would use '${vs.scheduler}')`);
  checkSchedulerFlags(vs, name, warn);
  if (svc.type === 'address' && vs.ops && vs.protocol !== 'UDP') {
    warn(`Virtual server ${name}: one packet scheduling requires UDP - resetting`, ctx.locations.get(vs, 'ops'));
    vs.ops = false;
  }
  if (vs.persistenceGranularity && vs.persistenceTimeoutMs === 0) vs.persistenceTimeoutMs = 360_000;
  if (svc.type === 'address' && svc.port === undefined && vs.persistenceTimeoutMs === 0) {
    warn(`Virtual server ${name}: zero port only valid for persistent services - setting`);
    vs.persistenceTimeoutMs = 360_000;
  }
  if (svc.type === 'fwmark' && vs.haSuspend) {
    warn(`Virtual server ${name}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, ctx.locations.get(vs, 'haSuspend'));
    vs.haSuspend = false;
  }

  // Forwarding: a real/sorry server without its own uses the virtual server's.
  const needsDefault = vs.realServers.some((rs) => !rs.forwarding) || (vs.sorryServer !== undefined && !vs.sorryServer.forwarding);
  if (needsDefault && !isSet('forwarding')) err(`Virtual server ${name}: no forwarding method set (keepalived would use NAT)`);
  for (const rs of vs.realServers) rs.effective.forwarding = rs.forwarding ?? vs.forwarding;
  if (vs.sorryServer) vs.sorryServer.effective = { forwarding: vs.sorryServer.forwarding ?? vs.forwarding };

  resolveFamily(vs, ctx, warn);
  dropDuplicateServers(vs, ctx, name);
  fixPorts(vs, ctx, name, warn);

  let weightSum = 0;
  for (const rs of vs.realServers) {
    rs.effective.weight = rs.weight ?? vs.weight;
    rs.effective.inhibitOnFailure = rs.inhibitOnFailure ?? vs.inhibitOnFailure;
    weightSum += rs.effective.weight;
    const s = vs.sorryServer;
    if (s && s.address === rs.address && (s.port ?? 0) === (rs.port ?? 0) && s.inhibit !== rs.effective.inhibitOnFailure) {
      warn(`Virtual server ${name}: real server ${formatServer(rs, vs.protocol ?? 'none')} matches sorry server, but inhibit setting differs, ${rs.effective.inhibitOnFailure ? 'setting' : 'clearing'} on sorry server`, ctx.locations.get(s));
      s.inhibit = rs.effective.inhibitOnFailure;
    }
    resolveCheckers(vs, rs, ctx);
  }
  if (vs.realServers.length > 0 && vs.quorum > weightSum && weightSum >= 1) {
    warn(`quorum ${vs.quorum} for ${name} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`, ctx.locations.get(vs, 'quorum'));
    vs.quorum = weightSum;
  }
  if (vs.hysteresis >= vs.quorum) {
    warn(`Virtual server ${name}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${vs.quorum - 1}`, ctx.locations.get(vs, 'hysteresis'));
    vs.hysteresis = vs.quorum - 1;
  }
}

function checkSchedulerFlags(vs: VirtualServer, name: string, warn: (m: string) => void): void {
  const check = (on: boolean, flag: string, scheds: readonly string[], clear: () => void) => {
    if (on && !scheds.includes(vs.scheduler)) {
      warn(`Virtual server ${name}: ${flag} only applies to ${scheds.join('/')} scheduler - ignoring`);
      clear();
    }
  };
  check(vs.shPort, 'sh-port', ['sh'], () => (vs.shPort = false));
  check(vs.shFallback, 'sh-fallback', ['sh'], () => (vs.shFallback = false));
  check(vs.mhPort, 'mh-port', ['mh'], () => (vs.mhPort = false));
  check(vs.mhFallback, 'mh-fallback', ['mh'], () => (vs.mhFallback = false));
  check(vs.hashed, 'hashed', ['sh', 'mh'], () => (vs.hashed = false));
}

/**
 * The service's address family: the address's; else ip_family or the
 * granularity's; else the first non-tunnelled real/sorry server's. A
 * non-tunnelled server of another family is dropped (keepalived: "don't match
 * - skipping"). Tunnelled servers may differ; if only they are left, their
 * common family (or IPv4) is used, except for groups, whose entries decide.
 */
function resolveFamily(vs: VirtualServer, ctx: CompileContext, warn: (m: string, at?: SourceLocation) => void): void {
  const svc = vs.service;
  const explicit = ctx.locations.get(vs, 'family') !== undefined;
  let family: Family | undefined;
  if (svc.type === 'address') {
    if (explicit && vs.family !== svc.family) {
      warn(`Virtual server specified family ${vs.family === 4 ? 'inet' : 'inet6'} conflicts with server family`, ctx.locations.get(vs, 'family'));
    }
    family = svc.family;
  } else if (explicit) family = vs.family;
  else if (vs.persistenceGranularity) family = vs.persistenceGranularity.family;

  vs.realServers = vs.realServers.filter((rs) => {
    if (isTunnel(rs.effective.forwarding)) return true;
    if (family === undefined) family = rs.family;
    if (rs.family === family) return true;
    warn(`Address family of virtual server and real server ${rs.address} don't match - skipping real server`, ctx.locations.get(rs));
    return false;
  });
  const s = vs.sorryServer;
  if (s && !isTunnel(s.effective.forwarding)) {
    if (family === undefined) family = s.family;
    else if (s.family !== family) {
      warn(`Address family of virtual server and sorry server ${s.address} don't match - skipping sorry server`, ctx.locations.get(s));
      delete vs.sorryServer;
    }
  }
  if (family === undefined && svc.type === 'group') {
    familyFromGroup.add(vs);
    return;
  }
  if (family === undefined) {
    // All servers tunnelled: their family if they agree, else IPv4 (keepalived's compromise).
    const families = new Set<Family>([...vs.realServers.map((rs) => rs.family), ...(vs.sorryServer ? [vs.sorryServer.family] : [])]);
    family = families.size === 1 ? [...families][0]! : 4;
  }
  vs.family = family;
  if (vs.persistenceGranularity && vs.persistenceGranularity.family !== family) {
    warn(`Invalid IPv${family} persistence_granularity specified - ${vs.persistenceGranularity.family === 4 ? vs.persistenceGranularity.netmask : vs.persistenceGranularity.prefixLen}`, ctx.locations.get(vs, 'persistenceGranularity'));
    delete vs.persistenceGranularity;
  }
}

/** keepalived keeps the first of two real servers with the same address and port. */
function dropDuplicateServers(vs: VirtualServer, ctx: CompileContext, name: string): void {
  const seen = new Set<string>();
  vs.realServers = vs.realServers.filter((rs) => {
    const key = `${rs.address} ${rs.port ?? 0}`;
    if (!seen.has(key)) return seen.add(key), true;
    ctx.diags.warning(`VS ${name}: real server ${formatServer(rs, vs.protocol ?? 'none')} is duplicated - removing second rs`, ctx.locations.get(rs), 'real_server');
    return false;
  });
}

/**
 * Real and sorry server ports. NAT servers without a port take the service's;
 * direct-routed and tunnelled servers must use the service's port (fwmark
 * services: none), and keepalived resets them with a warning.
 */
function fixPorts(vs: VirtualServer, ctx: CompileContext, name: string, warn: (m: string, at?: SourceLocation) => void): void {
  const svc = vs.service;
  if (svc.type === 'group') return; // index.ts checks group ports, which it can only warn about
  // The server's description and location are only worked out for a warning
  // (a string and a table lookup per real server otherwise: 40,000 in the benchmark).
  const fix = (srv: { port?: number; effective: { forwarding: Forwarding } } | RealServer, what: () => string, at: () => SourceLocation | undefined) => {
    if (svc.type === 'fwmark') {
      if (srv.effective.forwarding.method !== 'NAT' && srv.port !== undefined) {
        warn(`fwmark virtual server ${name}, ${what()} has port specified - clearing`, at());
        delete srv.port;
      }
      return;
    }
    if (svc.port === undefined) return;
    if (srv.port === undefined) srv.port = svc.port;
    else if (srv.effective.forwarding.method !== 'NAT' && srv.port !== svc.port) {
      warn(`virtual server ${name} and ${what()} ports don't match - resetting`, at());
      srv.port = svc.port;
    }
  };
  for (const rs of vs.realServers) {
    fix(rs, () => `real server ${formatServer(rs, vs.protocol ?? 'none')}`, () => ctx.locations.get(rs));
  }
  const sorry = vs.sorryServer;
  if (sorry) fix(sorry, () => 'sorry server', () => ctx.locations.get(sorry));
}

function resolveCheckers(vs: VirtualServer, rs: RealServer, ctx: CompileContext): void {
  const from: CheckerContext = {
    retry: rs.retry ?? vs.retry,
    delayBeforeRetryMs: rs.delayBeforeRetryMs ?? vs.delayBeforeRetryMs,
    warmupMs: rs.warmupMs ?? vs.warmupMs,
    alpha: rs.alpha ?? vs.alpha,
    connectTimeoutMs: rs.connectTimeoutMs ?? vs.connectTimeoutMs,
    delayLoopMs: rs.delayLoopMs ?? vs.delayLoopMs,
    vsDelayLoopMs: vs.delayLoopMs,
    ...(rs.virtualhost !== undefined || vs.virtualhost !== undefined ? { virtualhost: rs.virtualhost ?? vs.virtualhost } : {}),
  };
  // resolveChecker reports and returns false for a checker keepalived would drop.
  const kept = rs.checkers.filter((c) => resolveChecker(c, from, rs, ctx));
  if (kept.length !== rs.checkers.length) rs.checkers = kept;
}
