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
 * Which instances filter is the config compiler's decision (keepalived vrrp.c
 * vrrp_complete_instance, src/vrrp/config/instance-resolve.ts: accept unless strict, an
 * owner always accepts); here `accept` and `owner` arrive resolved, and an owner is never
 * filtered whatever its accept flag says.
 */

import { deleteTable, isEmpty, renderRuleset, type FirewallAddress, type FirewallInstance, type FirewallModel, type FirewallVmac } from './ruleset.js';
import { NftRunner } from './nft-runner.js';

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
