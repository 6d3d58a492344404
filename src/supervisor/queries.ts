/**
 * Questions to children (the control API's data, stats and status), matched
 * to their answers by id. Every question resolves: with the child's answer,
 * or with an error when the child is not running, cannot be reached, exits
 * first, or does not answer in time.
 */
import type { ChildHandle } from './children.js';
import type { ChildToParent, QueryKind } from './ipc.js';
import type { ChildRole } from './roles.js';

export type QueryAnswer = { readonly ok: boolean; readonly body?: unknown; readonly error?: string };

type Answer = Extract<ChildToParent, { type: 'answer' }>;

export class QueryBroker {
  private nextId = 1;
  private readonly pending = new Map<number, { readonly role: ChildRole; readonly resolve: (a: QueryAnswer) => void }>();

  ask(role: ChildRole, handle: ChildHandle | undefined, what: QueryKind, timeoutMs: number): Promise<QueryAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (!handle?.alive) return resolve({ ok: false, error: `${role} child is not running` });
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: `${role} child did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      const settle = (a: QueryAnswer): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(a);
      };
      this.pending.set(id, { role, resolve: settle });
      if (!handle.send({ type: 'query', id, what })) settle({ ok: false, error: `${role} child is not reachable` });
    });
  }

  answer(msg: Answer): void {
    this.pending.get(msg.id)?.resolve(msg.ok ? { ok: true, body: msg.body } : { ok: false, error: msg.error });
  }

  /** A child exited: its open questions get an error answer. */
  childGone(role: ChildRole): void {
    for (const q of [...this.pending.values()]) if (q.role === role) q.resolve({ ok: false, error: `${role} child exited` });
  }
}
