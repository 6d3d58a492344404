/**
 * A netlink agent that runs INSIDE a test namespace (`ip netns exec NS node agent.js`),
 * so its sockets belong to that namespace and never touch the host's.
 *
 * Protocol: one JSON object per line. The test writes requests to stdin,
 *   { "id": 1, "op": "rtnl", "method": "addAddresses", "args": [[...]] }
 * and reads answers and events from stdout:
 *   { "id": 1, "ok": true, "result": ... }   { "id": 1, "ok": false, "error": { "code", "message", ... } }
 *   { "event": "linkDown", "args": [...] }
 * bigint values travel as strings with an "n" suffix.
 */

import { createInterface } from 'node:readline';
import {
  openGenericNetlink, openInterfaceTable, openRtnl, type InterfaceTable, type InterfaceTableEvents, type OpenOptions,
} from '../../../src/net/netlink/index.js';

let rtnl = openRtnl();
const genl = openGenericNetlink();
let table: InterfaceTable | undefined;

function send(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) + '\n');
}

function errorJson(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; code?: string; message?: string; errno?: number; extack?: unknown; request?: unknown };
  return { name: e?.name, code: e?.code, message: e?.message ?? String(err), errno: e?.errno, extack: e?.extack, request: e?.request };
}

/** Turns "123n" strings back into bigints (tunnel ids). */
function revive(value: unknown): unknown {
  if (typeof value === 'string' && /^\d+n$/.test(value)) return BigInt(value.slice(0, -1));
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}

const EVENTS: (keyof InterfaceTableEvents)[] = [
  'linkAdded', 'linkRemoved', 'linkChanged', 'linkUp', 'linkDown', 'addressAdded', 'addressRemoved', 'addressChanged', 'resync', 'resyncFailed', 'dropped',
];

async function handle(req: { op: string; method?: string; args?: unknown[] }): Promise<unknown> {
  const args = (revive(req.args ?? []) as unknown[]);
  switch (req.op) {
    case 'rtnl': {
      const fn = (rtnl as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.method!];
      if (typeof fn !== 'function') throw new Error(`Rtnl has no method ${req.method}`);
      return fn.apply(rtnl, args);
    }
    case 'rtnl.stats':
      return { ...rtnl.engine.stats, ackWindow: rtnl.engine.ackWindow };
    case 'rtnl.reopen':
      // A fresh request socket with other options (a small receive buffer, say).
      rtnl.close();
      rtnl = openRtnl(args[0] as OpenOptions);
      return { ackWindow: rtnl.engine.ackWindow };
    case 'block': {
      // Stalls the event loop, as a long GC pause or a busy child would, so the
      // kernel has to queue (and, past the buffer, drop) notifications meanwhile.
      const until = Date.now() + (args[0] as number);
      while (Date.now() < until) { /* busy */ }
      return null;
    }
    case 'genl.resolve': {
      const f = await genl.resolveFamily(args[0] as string);
      return { ...f, multicastGroups: Object.fromEntries(f.multicastGroups) };
    }
    case 'genl.families':
      return (await genl.families()).map((f) => f.name);
    case 'table.start': {
      table = await openInterfaceTable((args[0] ?? {}) as OpenOptions);
      for (const name of EVENTS) {
        table.on(name, ((...eventArgs: unknown[]) => send({ event: name, args: eventArgs })) as never);
      }
      return { links: table.links().length };
    }
    case 'table.get':
      if (!table) throw new Error('table not started');
      return { links: table.links(), addresses: table.addresses(), stats: table.stats };
    case 'exit':
      setImmediate(() => {
        table?.close();
        rtnl.close();
        genl.close();
        process.exit(0);
      });
      return null;
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let req: { id: number; op: string };
  try {
    req = JSON.parse(line) as { id: number; op: string };
  } catch {
    send({ id: -1, ok: false, error: { message: `bad request line: ${line}` } });
    return;
  }
  handle(req).then(
    (result) => send({ id: req.id, ok: true, result }),
    (err: unknown) => send({ id: req.id, ok: false, error: errorJson(err) }),
  );
}).on('close', () => process.exit(0));

send({ ready: true, pid: process.pid });
