/**
 * The actions layer running for real inside a lab namespace: a node child (harness
 * ScriptProcess) that opens rtnetlink, the interface table, a route/rule monitor, the
 * AF_PACKET neighbour announcer, /proc/sys and nft in that namespace, builds VrrpActions
 * with the instances the test describes, and then plays the state machine's part: the
 * test sends transitions and events, the agent feeds them to InstanceActions exactly as
 * the vrrp child will, waits for the kernel to catch up, and reports back.
 *
 * Messages to the agent:   { op: 'event', instance, event }   an InstanceEvent
 *                          { op: 'transition', instance, to } shorthand for a transition
 *                          { op: 'stop' }                     FSMs to STOP, then shutdown
 * Messages from the agent: { type: 'ready', vmacs }
 *                          { type: 'settled', instance, state, sendCalls, batches }
 *                          { type: 'releaseMaster', instance, reason }
 *                          { type: 'applied', instance, op, sent, failed }
 *                          { type: 'reinstated', sent }
 */
import type { Namespace } from '../../harness/index.js';
import type { ScriptProcess } from '../../harness/script.js';
import type { InstanceDefinition, StaticNetConfig } from '../../../src/vrrp/actions/index.js';

export interface AgentArg {
  readonly instances: readonly InstanceDefinition[];
  readonly statics?: StaticNetConfig;
  readonly dontRelease?: boolean;
  /** nft table name (unique per test). */
  readonly table: string;
  readonly pacing?: { garpIntervalMs?: number; gnaIntervalMs?: number };
}

export type AgentMessage =
  | { type: 'ready'; vmacs: { name: string; mac: string; index: number }[] }
  | { type: 'settled'; instance: string; state: string; sendCalls: number }
  | { type: 'releaseMaster'; instance: string; reason: string }
  | { type: 'applied'; instance: string; op: string; sent: number; failed: string[] }
  | { type: 'reinstated'; sent: number }
  | { type: 'stopped' };

async function agent(arg: AgentArg, ctx: { load<T = any>(p: string): Promise<T>; send(v: unknown): void; onMessage(cb: (v: unknown) => void): void }): Promise<string> {
  const actionsMod = await ctx.load('src/vrrp/actions/index.js');
  const opened = await actionsMod.openVrrpActions({
    dontRelease: arg.dontRelease === true, pacing: arg.pacing ?? {}, firewall: { table: arg.table },
    log: (m: string) => process.stderr.write(`agent: ${m}\n`),
  });
  const { actions, rtnl } = opened;
  if (arg.statics) {
    await actions.setStatics(arg.statics);
    actions.statics.on('reinstated', (r: { sent: number }) => ctx.send({ type: 'reinstated', sent: r.sent }));
  }
  const states = new Map<string, string>();
  for (const def of arg.instances) {
    const inst = await actions.addInstance(def);
    states.set(def.name, 'INIT');
    inst.on('releaseMaster', (r: { reason: string }) => ctx.send({ type: 'releaseMaster', instance: def.name, reason: r.reason }));
    inst.on('applied', (r: { op: string; sent: number; results: { item: unknown; outcome: { result: string; error?: Error } }[] }) => ctx.send({
      type: 'applied', instance: def.name, op: r.op, sent: r.sent,
      failed: r.results.filter((x) => x.outcome.result === 'failed').map((x) => String(x.outcome.error?.message)),
    }));
  }
  await actions.ready();
  ctx.send({ type: 'ready', vmacs: actions.vmacs.handles.map((h: { name: string; mac: string; index: number }) => ({ name: h.name, mac: h.mac, index: h.index })) });

  const transition = (name: string, to: string) => {
    const from = states.get(name) ?? 'INIT';
    states.set(name, to);
    actions.instance(name).handle({ type: 'transition', instance: name, from, to, cause: 'startup', priority: 100, atMs: performance.now() });
  };
  const settledReport = async (name: string) => {
    await actions.instance(name).settled();
    ctx.send({ type: 'settled', instance: name, state: states.get(name), sendCalls: rtnl.engine.stats.sendCalls });
  };
  await new Promise<void>((done) => {
    ctx.onMessage((raw) => {
      const m = raw as { op: string; instance: string; to?: string; event?: { type: string } };
      void (async () => {
        if (m.op === 'transition') {
          transition(m.instance, m.to!);
          await settledReport(m.instance);
        } else if (m.op === 'event') {
          actions.instance(m.instance).handle(m.event);
          await settledReport(m.instance);
        } else if (m.op === 'stop') {
          for (const name of states.keys()) if (states.get(name) !== 'STOP') transition(name, 'STOP');
          await actions.stop();
          ctx.send({ type: 'stopped' });
          done();
        }
      })().catch((err) => {
        process.stderr.write(`agent failed: ${(err as Error).stack}\n`);
        process.exit(1);
      });
    });
  });
  opened.close();
  return 'ok';
}

/** Starts the agent in `ns` and waits until its instances are registered. */
export async function startAgent(ns: Namespace, arg: AgentArg): Promise<{ proc: ScriptProcess<string>; ready: Extract<AgentMessage, { type: 'ready' }> }> {
  const proc = ns.spawnScript(agent, arg);
  const ready = await nextOfType(proc, 'ready', 15_000);
  return { proc, ready };
}

/** The next message of a type, skipping (and keeping) others. */
const backlog = new WeakMap<ScriptProcess<string>, AgentMessage[]>();

export async function nextOfType<T extends AgentMessage['type']>(proc: ScriptProcess<string>, type: T, timeoutMs = 5000): Promise<Extract<AgentMessage, { type: T }>> {
  const kept = backlog.get(proc) ?? [];
  backlog.set(proc, kept);
  const i = kept.findIndex((m) => m.type === type);
  if (i >= 0) return kept.splice(i, 1)[0] as Extract<AgentMessage, { type: T }>;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await proc.nextMessage<AgentMessage>(Math.max(1, deadline - Date.now()));
    if (m.type === type) return m as Extract<AgentMessage, { type: T }>;
    kept.push(m);
  }
}

/** Sends a transition and waits until the kernel has caught up. */
export async function transition(proc: ScriptProcess<string>, instance: string, to: string): Promise<Extract<AgentMessage, { type: 'settled' }>> {
  proc.send({ op: 'transition', instance, to });
  return nextOfType(proc, 'settled', 10_000);
}

export async function stopAgent(proc: ScriptProcess<string>): Promise<void> {
  proc.send({ op: 'stop' });
  await nextOfType(proc, 'stopped', 15_000);
  await proc.result(15_000);
}
