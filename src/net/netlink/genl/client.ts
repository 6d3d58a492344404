/**
 * GenericNetlink: family resolution over one NETLINK_GENERIC request engine, the base
 * the IPVS client builds on.
 *
 * Family ids are assigned when a module registers its family, so they can change if
 * the module is unloaded and loaded again (ip_vs, for instance). The resolver caches
 * answers for the life of the socket and `forget(name)` drops one, which a caller
 * does when requests start failing with ENOENT/EOPNOTSUPP after such a reload.
 * A family that is not registered rejects with a NetlinkError of code ENOENT, which
 * is what the kernel answers; callers use that to say "IPVS is not available on this
 * kernel" and pick the nftables data plane instead.
 */

import { ENOENT, NetlinkError } from '../errors.js';
import type { NetlinkMessage, NetlinkRequest } from '../message.js';
import type { RequestEngine } from '../request-engine.js';
import { GENL_ID_CTRL, decodeFamily, familyDumpRequest, familyRequest, type GenlFamily } from './family.js';

export class GenericNetlink {
  readonly #engine: RequestEngine;
  readonly #families = new Map<string, Promise<GenlFamily>>();

  constructor(engine: RequestEngine) {
    this.#engine = engine;
  }

  get engine(): RequestEngine {
    return this.#engine;
  }

  /** The family's id, version and multicast groups; ENOENT if it is not registered. */
  resolveFamily(name: string): Promise<GenlFamily> {
    let family = this.#families.get(name);
    if (!family) {
      family = this.#engine.request(familyRequest(name)).then((replies) => {
        const reply = replies.find((m) => m.type === GENL_ID_CTRL);
        if (!reply) throw new NetlinkError(ENOENT, undefined, undefined, `the controller sent no answer about family '${name}'`);
        return decodeFamily(reply);
      });
      // Failures are not cached: the module may be loaded later.
      const pending = family;
      pending.catch(() => {
        if (this.#families.get(name) === pending) this.#families.delete(name);
      });
      this.#families.set(name, pending);
    }
    return family;
  }

  forget(name: string): void {
    this.#families.delete(name);
  }

  /** Every registered family (CTRL_CMD_GETFAMILY dump). */
  async families(): Promise<GenlFamily[]> {
    const replies = await this.#engine.request(familyDumpRequest());
    return replies.filter((m) => m.type === GENL_ID_CTRL).map(decodeFamily);
  }

  /** Sends a prepared request for some family (built with its id from resolveFamily). */
  request(req: NetlinkRequest, opts: { timeoutMs?: number } = {}): Promise<NetlinkMessage[]> {
    return this.#engine.request(req, opts);
  }

  close(): void {
    this.#engine.close();
  }
}
