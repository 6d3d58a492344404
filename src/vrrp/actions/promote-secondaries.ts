/**
 * vrrp_instance `promote_secondaries`: net.ipv4.conf.<interface>.promote_secondaries = 1
 * while the instance runs, so that deleting the primary address of a subnet (a VIP, say)
 * promotes a secondary one instead of deleting every address of that subnet with it.
 *
 * keepalived (vrrp/vrrp_if_config.c set_promote_secondaries / reset_promote_secondaries)
 * counts the instances asking per interface: the first one turns the setting on unless the
 * kernel already has it on, and the last one to go turns it back off — only if it was the
 * one that turned it on. An interface that had it on before keepalived started keeps it.
 * keepalived does this at start-up (not in config-test mode) and at shutdown; keepalived-ts
 * does it when an instance is registered with the actions layer and when it is removed or
 * the layer stops, which are the same moments, plus reloads that add or drop the keyword.
 *
 * A VMAC gets promote_secondaries from the VMAC code (vmac/), so the planner does not ask
 * for it there (keepalived: "promote_secondaries is automatically set for vmacs").
 */
import type { SysctlPort } from '../vmac/sysctl.js';

interface InterfaceUse {
  /** Instances asking for it on this interface. */
  users: number;
  /** We turned it on (it was off), so the last user turns it off again. */
  resetOnRelease: boolean;
  /** Settles when the first user's read/write has been done. */
  ready: Promise<void>;
}

export class PromoteSecondaries {
  readonly #uses = new Map<string, InterfaceUse>();

  constructor(
    private readonly sysctl: SysctlPort,
    private readonly log: (message: string) => void = () => {},
  ) {}

  static path(ifname: string): string {
    return `net/ipv4/conf/${ifname}/promote_secondaries`;
  }

  /** One more instance wants promote_secondaries on `ifname`. */
  async acquire(ifname: string): Promise<void> {
    const use = this.#uses.get(ifname);
    if (use) {
      use.users++;
      return use.ready;
    }
    const fresh: InterfaceUse = { users: 1, resetOnRelease: false, ready: Promise.resolve() };
    this.#uses.set(ifname, fresh);
    fresh.ready = this.#turnOn(ifname, fresh);
    return fresh.ready;
  }

  /** One instance no longer wants it; the last one restores what was there before. */
  async release(ifname: string): Promise<void> {
    const use = this.#uses.get(ifname);
    if (!use) return;
    await use.ready;
    if (--use.users > 0) return;
    this.#uses.delete(ifname);
    if (!use.resetOnRelease) return;
    try {
      await this.sysctl.write(PromoteSecondaries.path(ifname), '0');
    } catch (err) {
      // The interface may be gone already; nothing is left to restore then.
      this.log(`Unable to reset promote_secondaries on ${ifname}: ${(err as Error).message}`);
    }
  }

  /** Interfaces currently held, with their number of users (for status and tests). */
  get held(): ReadonlyMap<string, number> {
    return new Map([...this.#uses].map(([name, u]) => [name, u.users]));
  }

  async #turnOn(ifname: string, use: InterfaceUse): Promise<void> {
    const path = PromoteSecondaries.path(ifname);
    try {
      const now = await this.sysctl.read(path);
      if (now === undefined) {
        this.log(`Unable to set promote_secondaries on ${ifname}: no such interface`);
        return;
      }
      if (now.trim() === '1') return;
      await this.sysctl.write(path, '1');
      use.resetOnRelease = true;
    } catch (err) {
      this.log(`Unable to set promote_secondaries on ${ifname}: ${(err as Error).message}`);
    }
  }
}
