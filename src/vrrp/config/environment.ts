/**
 * The vrrp fragment's hooks outside the pure compiler (config/fragment.ts):
 * the scripts it configures, for script security, and the checks against the
 * running system that `-t` and start-up make.
 *
 * Interfaces: keepalived looks up every interface a VRRP keyword names —
 * the instance's interface and VRF, track_interface entries, the dev of
 * VIPs/eVIPs/static addresses, routes (dev, nexthop dev) and rules (iif,
 * oif), and default_interface for static addresses without one. Unless
 * global dynamic_interfaces is set, each missing one is an error naming the
 * item, and the VRRP process then refuses the configuration with
 * "Non-existent interface specified in configuration" (keepalived's
 * CONFIG_BAD_IF: `-t` fails as for a fatal error). With dynamic_interfaces
 * keepalived only logs that it will use the interface once it appears.
 * What the interfaces are (loopback, Ethernet for a VMAC, multicast-capable,
 * their MTU, a VRF) is for the VRRP process to check when it sets them up.
 */
import type { EnvironmentContext, ScriptUse } from '../../config/fragment.js';
import type { GlobalFragment } from '../../config/global/index.js';
import type { SourceLocation } from '../../config/diagnostics.js';
import type { VrrpFragment } from './index.js';
import type { NotifyScripts } from './notify.js';

/** The keyword of each notify script field, for messages. */
export const NOTIFY_KEYWORDS: Readonly<Record<keyof NotifyScripts, string>> = {
  master: 'notify_master',
  backup: 'notify_backup',
  fault: 'notify_fault',
  stop: 'notify_stop',
  deleted: 'notify_deleted',
  masterRxLowerPri: 'notify_master_rx_lower_pri',
  any: 'notify',
};

function notifyUses(notify: NotifyScripts, owner: string, holder: object): ScriptUse[] {
  const out: ScriptUse[] = [];
  for (const key of Object.keys(NOTIFY_KEYWORDS) as (keyof NotifyScripts)[]) {
    const script = notify[key];
    if (!script) continue;
    // notify_deleted records its location on the instance; the others on the notify object.
    const located = key === 'deleted' ? { owner: holder, field: 'notifyDeleted' } : { owner: notify as object, field: key };
    out.push({ script, ...located, what: `${NOTIFY_KEYWORDS[key]} of ${owner}` });
  }
  return out;
}

/** Every script the VRRP side runs: tracking scripts and notify scripts. */
export function listScripts(c: VrrpFragment): ScriptUse[] {
  return [
    // vrrp_script's own `user` keyword says who runs it.
    ...c.vrrpScripts.flatMap((s) =>
      s.script
        ? [{ script: { ...s.script, ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}) }, owner: s, field: 'script', what: `vrrp_script ${s.name}` }]
        : [],
    ),
    ...c.vrrpInstances.flatMap((v) => notifyUses(v.notify, v.name, v)),
    ...c.vrrpSyncGroups.flatMap((g) => notifyUses(g.notify, g.name, g)),
  ];
}

interface InterfaceUse {
  readonly name: string;
  readonly keyword: string;
  readonly message: string;
  readonly loc: SourceLocation | undefined;
}

function interfaceUses(c: VrrpFragment, ctx: EnvironmentContext): InterfaceUse[] {
  const uses: InterfaceUse[] = [];
  const at = (obj: object, field?: string) => (field === undefined ? ctx.locations.get(obj) : ctx.locations.get(obj, field) ?? ctx.locations.get(obj));
  const addresses = (list: readonly { dev?: string; address: string }[], keyword: string) => {
    for (const a of list) {
      if (a.dev !== undefined) uses.push({ name: a.dev, keyword, message: `WARNING - interface ${a.dev} for ip address ${a.address} doesn't exist`, loc: at(a) });
    }
  };
  const routes = (list: VrrpFragment['staticRoutes'], keyword: string) => {
    for (const r of list) {
      for (const dev of [r.dev, ...r.nexthops.map((nh) => nh.dev)]) {
        if (dev !== undefined) uses.push({ name: dev, keyword, message: `WARNING - interface ${dev} for VROUTE nexthop doesn't exist`, loc: at(r) });
      }
    }
  };
  const rules = (list: VrrpFragment['staticRules'], keyword: string) => {
    for (const r of list) {
      for (const dev of [r.iif, r.oif]) {
        if (dev !== undefined) uses.push({ name: dev, keyword, message: `WARNING - interface ${dev} for rule doesn't exist`, loc: at(r) });
      }
    }
  };
  for (const v of c.vrrpInstances) {
    if (v.interface !== undefined) uses.push({ name: v.interface, keyword: 'interface', message: `WARNING - interface ${v.interface} for vrrp_instance ${v.name} doesn't exist`, loc: at(v, 'interface') });
    if (v.vrf !== undefined) uses.push({ name: v.vrf, keyword: 'vrf', message: `(${v.name}) WARNING - VRF interface ${v.vrf} doesn't exist`, loc: at(v, 'vrf') });
    for (const t of v.trackInterfaces) uses.push({ name: t.name, keyword: 'track_interface', message: `(${v.name}) tracked interface ${t.name} doesn't exist`, loc: at(t) });
    addresses(v.vips, 'virtual_ipaddress');
    addresses(v.evips, 'virtual_ipaddress_excluded');
    routes(v.vroutes, 'virtual_routes');
    rules(v.vrules, 'virtual_rules');
  }
  for (const g of c.vrrpSyncGroups) {
    for (const t of g.trackInterfaces) uses.push({ name: t.name, keyword: 'track_interface', message: `(${g.name}) tracked interface ${t.name} doesn't exist`, loc: at(t) });
  }
  addresses(c.staticAddresses, 'static_ipaddress');
  routes(c.staticRoutes, 'static_routes');
  rules(c.staticRules, 'static_rules');
  return uses;
}

export function checkEnvironment(c: VrrpFragment, ctx: EnvironmentContext): void {
  const global = (c as VrrpFragment & Partial<GlobalFragment>).global;
  const dynamic = global?.dynamicInterfaces ?? false;
  let missing = false;
  const seen = new Set<string>();
  for (const use of interfaceUses(c, ctx)) {
    if (ctx.host.interfaceExists(use.name)) continue;
    if (dynamic) {
      if (!seen.has(use.name)) ctx.diags.notice(`Configuration specifies interface ${use.name} which doesn't currently exist - will use if created`, use.loc, use.keyword);
      seen.add(use.name);
      continue;
    }
    // keepalived's own words say WARNING; the fatal line after them is what stops it.
    ctx.diags.warning(use.message, use.loc, use.keyword);
    missing = true;
  }
  if (missing) ctx.diags.fatal('Non-existent interface specified in configuration');
}
