/**
 * The VRRP process's firewall: the live model behind ruleset.ts (which instances drop
 * which addresses, which VMACs exist) and its application through an NftRunner.
 *
 * Lifecycle: the vrrp child registers every instance (and each VMAC as it is created),
 * then awaits `sync()` before starting the instances, so the drop set is in place before
 * any instance can become MASTER. A reload re-registers and syncs again (one atomic table
 * replacement). `stop()` removes the table, as keepalived removes its tables on exit;
 * with nothing to filter no table is created at all, and a table left by an earlier run
 * is removed by the first sync.
 *
 * Which instances filter (keepalived vrrp.c vrrp_complete_instance): `accept` and
 * `no_accept` as configured; unset means accept, except under vrrp_strict / strict_mode,
 * where only an address owner (priority 255) accepts. strict mode with VRRPv2 does not
 * allow accept at all ("accept mode for VRRP version 2 does not comply with RFC3768").
 */

import { deleteTable, isEmpty, renderRuleset, type FirewallAddress, type FirewallInstance, type FirewallModel, type FirewallVmac } from './ruleset.js';
import { NftRunner } from './nft-runner.js';

export interface AcceptModeInput {
  /** `accept` (true), `no_accept` (false), or neither (undefined). */
  readonly accept?: boolean;
  readonly strict: boolean;
  readonly basePriority: number;
  readonly version: 2 | 3;
}

/** keepalived's resolution of Accept_Mode for one instance. */
export function acceptMode(input: AcceptModeInput): { accept: boolean; note?: string } {
  const owner = input.basePriority === 255;
  let accept = input.accept ?? (owner ? true : !input.strict);
  if (accept && !owner && input.strict && input.version === 2) {
    return { accept: false, note: 'accept mode for VRRP version 2 does not comply with RFC3768 - resetting' };
  }
  if (owner) accept = true;
  return { accept };
}

export interface VrrpFirewallOptions {
  readonly table?: string;
  readonly priority?: number;
  readonly counters?: boolean;
}

export class VrrpFirewall {
  readonly #runner: NftRunner;
  readonly #options: VrrpFirewallOptions;
  readonly #instances = new Map<string, FirewallInstance>();
  readonly #vmacs = new Map<string, FirewallVmac>();
  /** A table of ours may exist (we created it, or must assume a previous run did). */
  #tableMayExist = true;

  constructor(runner: NftRunner = new NftRunner(), options: VrrpFirewallOptions = {}) {
    this.#runner = runner;
    this.#options = options;
  }

  setInstance(name: string, accept: boolean, owner: boolean, addresses: readonly FirewallAddress[]): void {
    this.#instances.set(name, { name, accept, owner, addresses: [...addresses] });
  }

  removeInstance(name: string): void {
    this.#instances.delete(name);
  }

  addVmac(vmac: FirewallVmac): void {
    this.#vmacs.set(vmac.name, vmac);
  }

  removeVmac(name: string): void {
    this.#vmacs.delete(name);
  }

  model(): FirewallModel {
    return {
      ...(this.#options.table !== undefined ? { table: this.#options.table } : {}),
      ...(this.#options.priority !== undefined ? { priority: this.#options.priority } : {}),
      ...(this.#options.counters !== undefined ? { counters: this.#options.counters } : {}),
      instances: [...this.#instances.values()],
      vmacs: [...this.#vmacs.values()],
    };
  }

  /** Makes the kernel's table match the model (or removes it when nothing needs filtering). */
  async sync(): Promise<void> {
    const model = this.model();
    if (isEmpty(model)) {
      if (!this.#tableMayExist) return;
      await this.#runner.apply(deleteTable(this.#options.table));
      this.#tableMayExist = false;
      return;
    }
    const text = renderRuleset(model);
    if (text === this.#runner.lastApplied) return;
    this.#tableMayExist = true;
    await this.#runner.apply(text);
  }

  /** Removes the table (shutdown). */
  async stop(): Promise<void> {
    this.#instances.clear();
    this.#vmacs.clear();
    this.#tableMayExist = true;
    await this.sync();
  }
}
