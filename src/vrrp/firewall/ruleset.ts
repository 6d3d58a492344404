/**
 * The nftables table of the VRRP process, rendered as `nft -f` text (pure: no processes,
 * no I/O). It does two jobs keepalived's vrrp_nftables.c does:
 *
 * 1. Accept_Mode (RFC 5798 §6.4.3: a MASTER that is not the address owner "MUST NOT
 *    accept" packets addressed to the virtual addresses unless Accept_Mode is True; in
 *    BACKUP (§6.4.2) they must not be accepted either). For every instance with
 *    `no_accept` (or vrrp_strict's default) that is not an address owner, its VIPs and
 *    eVIPs are in a drop set: the input chain drops packets to them and the output chain
 *    drops packets from them. Neighbour Solicitations and Advertisements are accepted
 *    first, so the MASTER still answers ND for the address (ARP is not IP and is never
 *    filtered here). IPv6 link-local VIPs are matched together with their interface.
 *
 * 2. VMAC hygiene: IGMP and MLD reports and Router Solicitations leaving one of our VMAC
 *    interfaces are dropped, so a BACKUP's VMAC never teaches switches that the virtual
 *    MAC lives behind its port. keepalived re-sends those reports on the parent with nft's
 *    `dup`, which only exists in the ip/ip6 families; in our inet table they are dropped,
 *    which is what keepalived does where `dup` is unavailable.
 *
 * Decisions:
 * - One `inet` table (IPv4 and IPv6 in one atomic transaction) named `keepalived_ts` by
 *   default, not keepalived's `ip keepalived` + `ip6 keepalived`: keepalived deletes
 *   tables with its name at startup, so sharing the name would let either daemon wipe the
 *   other's rules when both run on one host (interop labs, migrations). The name is
 *   configurable (keepalived's `nftables NAME`).
 * - The drop set holds the addresses permanently, not only while MASTER. Traffic to an
 *   address that is not local never reaches the input hook, so membership while BACKUP
 *   changes nothing, and the MASTER transition no longer has to wait for a firewall
 *   update before the VIPs go up (keepalived updates the set on every transition, and an
 *   update racing the address add leaves a window where the VIP accepts traffic).
 * - Chains hook at priority -1 (keepalived's default `nftables_priority`), before the
 *   usual filter tables. Link-local pairs use interface names (keepalived uses indexes
 *   unless told otherwise), so a recreated interface needs no new rules.
 * - The text replaces the whole table atomically: `table X {}` makes sure it exists,
 *   `delete table X` empties it, and the full definition follows, all in one
 *   transaction, so applying the same text twice is harmless.
 */

import type { IpFamily } from '../actions/types.js';

export interface FirewallAddress {
  readonly address: string;
  readonly family: IpFamily;
  /** The interface the address lives on (used for IPv6 link-local addresses). */
  readonly dev: string;
}

export interface FirewallInstance {
  readonly name: string;
  /** `accept`: nothing to drop. */
  readonly accept: boolean;
  /** Priority 255: the owner always accepts (RFC 5798 §6.4.3). */
  readonly owner: boolean;
  /** VIPs and eVIPs. */
  readonly addresses: readonly FirewallAddress[];
}

export interface FirewallVmac {
  readonly name: string;
  readonly family: IpFamily;
}

export interface FirewallModel {
  /** Default 'keepalived_ts'. */
  readonly table?: string;
  /** Base chain priority; default -1. */
  readonly priority?: number;
  /** Count matches (keepalived's `nftables_counters`). */
  readonly counters?: boolean;
  readonly instances: readonly FirewallInstance[];
  readonly vmacs: readonly FirewallVmac[];
}

export const DEFAULT_TABLE = 'keepalived_ts';

export class FirewallModelError extends Error {
  readonly code = 'ERR_VRRP_FIREWALL_MODEL';
  constructor(message: string) {
    super(message);
    this.name = 'FirewallModelError';
  }
}

/** The addresses to drop: those of non-owner instances without accept, deduplicated, sorted. */
export function droppedAddresses(model: FirewallModel): { v4: string[]; v6: string[]; v6LinkLocal: { address: string; dev: string }[] } {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const ll = new Map<string, { address: string; dev: string }>();
  for (const inst of model.instances) {
    if (inst.accept || inst.owner) continue;
    for (const a of inst.addresses) {
      if (a.family === 4) v4.add(a.address);
      else if (isLinkLocal(a.address)) ll.set(`${a.address}|${a.dev}`, { address: a.address, dev: a.dev });
      else v6.add(a.address);
    }
  }
  return { v4: [...v4].sort(), v6: [...v6].sort(), v6LinkLocal: [...ll.values()].sort((a, b) => a.address.localeCompare(b.address) || a.dev.localeCompare(b.dev)) };
}

/** True when the model needs no table at all. */
export function isEmpty(model: FirewallModel): boolean {
  const d = droppedAddresses(model);
  return d.v4.length + d.v6.length + d.v6LinkLocal.length === 0 && model.vmacs.length === 0;
}

/** The full table, replacing any previous one atomically. */
export function renderRuleset(model: FirewallModel): string {
  const table = checkName(model.table ?? DEFAULT_TABLE, 'table');
  const priority = model.priority ?? -1;
  if (!Number.isInteger(priority) || priority < -2147483648 || priority > 2147483647) throw new FirewallModelError(`chain priority ${priority} is not a 32-bit integer`);
  const counter = model.counters ? 'counter ' : '';
  const d = droppedAddresses(model);
  const vmacs = [...new Set(model.vmacs.map((v) => checkName(v.name, 'VMAC interface')))].sort();
  const lines: string[] = [];
  const set = (name: string, type: string, elements: string[]): void => {
    lines.push(`  set ${name} {`, `    type ${type}`);
    if (elements.length) lines.push(`    elements = { ${elements.join(', ')} }`);
    lines.push('  }');
  };
  lines.push(...deleteTable(table).trimEnd().split('\n'), `table inet ${table} {`);
  set('vips4', 'ipv4_addr', d.v4);
  set('vips6', 'ipv6_addr', d.v6);
  set('vips6_ll', 'ipv6_addr . ifname', d.v6LinkLocal.map((p) => `${p.address} . ${quote(checkName(p.dev, 'interface'))}`));
  set('vmacs', 'ifname', vmacs.map(quote));
  const nd = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }';
  lines.push(
    '  chain in {',
    `    type filter hook input priority ${priority}; policy accept;`,
    `    ${nd} ${counter}accept`,
    `    ip daddr @vips4 ${counter}drop`,
    `    ip6 daddr @vips6 ${counter}drop`,
    `    ip6 daddr . iifname @vips6_ll ${counter}drop`,
    '  }',
    '  chain out {',
    `    type filter hook output priority ${priority}; policy accept;`,
    `    ${nd} ${counter}accept`,
    `    ip saddr @vips4 ${counter}drop`,
    `    ip6 saddr @vips6 ${counter}drop`,
    `    ip6 saddr . oifname @vips6_ll ${counter}drop`,
    `    oifname @vmacs ip protocol igmp ${counter}drop`,
    `    oifname @vmacs icmpv6 type { mld-listener-report, mld2-listener-report, nd-router-solicit } ${counter}drop`,
    '  }',
    '}',
  );
  return lines.join('\n') + '\n';
}

/** Removes the table if it exists (create-then-delete never fails on a missing table). */
export function deleteTable(tableName: string = DEFAULT_TABLE): string {
  const table = checkName(tableName, 'table');
  return `table inet ${table} {}\ndelete table inet ${table}\n`;
}

function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** nft identifiers and interface names: no quoting games, no injection. */
function checkName(name: string, what: string): string {
  const max = what === 'table' ? 64 : 15;
  if (!/^[A-Za-z0-9_.:@-]+$/.test(name) || name.length > max) {
    throw new FirewallModelError(`${what} name '${name}' must be 1..${max} characters of letters, digits, '_', '.', ':', '@' or '-'`);
  }
  if (what === 'table' && !/^[A-Za-z]/.test(name)) throw new FirewallModelError(`table name '${name}' must start with a letter`);
  return name;
}

function quote(name: string): string {
  return `"${name}"`;
}
