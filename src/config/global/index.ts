/**
 * The global_defs block, assembled from its areas (see area.ts). To add an
 * area: write its file exporting a GlobalArea, add its type to GlobalDefs and
 * the area to `areas` below.
 */
import { defineFragment } from '../fragment.js';
import { defineBlock, keywordsFor } from '../schema/define.js';
import type { Keyword } from '../schema/types.js';
import type { GlobalArea } from './area.js';
import { fifoArea, type FifoGlobals } from './fifo.js';
import { identityArea, type IdentityGlobals } from './identity.js';
import { netlinkArea, type NetlinkGlobals } from './netlink.js';
import { processArea, type ProcessGlobals } from './process.js';
import { reloadArea, type ReloadGlobals } from './reload.js';
import { scriptsArea, type ScriptGlobals } from './scripts.js';
import { snmpArea, type SnmpGlobals } from './snmp.js';
import { vrrpDefaultsArea, type VrrpProtocolDefaults } from './vrrp-defaults.js';
import { vrrpFirewallArea, type VrrpFirewallDefaults } from './vrrp-firewall.js';
import { vrrpGarpArea, type VrrpGarpDefaults } from './vrrp-garp.js';
import { lvsArea, type LvsGlobals } from './lvs.js';

/** Every global_defs setting; one slice per area file. */
export type GlobalDefs = Record<never, never>
  & IdentityGlobals
  & ScriptGlobals
  & FifoGlobals
  & ProcessGlobals
  & NetlinkGlobals
  & SnmpGlobals
  & ReloadGlobals
  & VrrpProtocolDefaults
  & VrrpGarpDefaults
  & VrrpFirewallDefaults
  & LvsGlobals;

/** Areas are typed on their own slice of GlobalDefs; the block applies them to the whole. */
export function area<A>(a: GlobalArea<A> & (GlobalDefs extends A ? unknown : never)): GlobalArea<GlobalDefs> {
  return a as unknown as GlobalArea<GlobalDefs>;
}

const areas: readonly GlobalArea<GlobalDefs>[] = [
  // one line per area file
  area(identityArea),
  area(scriptsArea),
  area(fifoArea),
  area(processArea),
  area(netlinkArea),
  area(snmpArea),
  area(reloadArea),
  area(vrrpDefaultsArea),
  area(vrrpGarpArea),
  area(vrrpFirewallArea),
  area(lvsArea),
];

export const globalDefsBlock = defineBlock<GlobalDefs>({
  name: 'global_defs',
  doc: 'Settings that apply to the whole daemon: identity, mail alerts, script security, protocol defaults, process tuning.',
  keywords: areas.flatMap((a) => a.keywords as readonly Keyword<GlobalDefs>[]),
  create: () => Object.assign({}, ...areas.map((a) => a.create())) as GlobalDefs,
  finish(globals, ctx, loc) {
    for (const a of areas) a.finish?.(globals, ctx, loc);
  },
});

export interface GlobalFragment {
  global: GlobalDefs;
}

const k = keywordsFor<GlobalFragment>();

export const globalFragment = defineFragment<GlobalFragment>({
  name: 'global',
  create: () => ({ global: globalDefsBlock.create() }),
  keywords: [k.child('global_defs', globalDefsBlock, 'global', { tag: 'CORE', doc: globalDefsBlock.doc })],
  scripts: (c) => areas.flatMap((a) => a.scripts?.(c.global) ?? []),
  checkEnvironment(c, ctx) {
    for (const a of areas) a.checkEnvironment?.(c.global, ctx);
  },
});
