/**
 * A VRRP router for the integration tests: one VrrpRuntime built from literal parameters,
 * run inside a namespace (`ip netns exec NS node driver.js CONFIG_JSON`).
 *
 * stdout carries one JSON object per line:
 *   {"ready":true}                            after start()
 *   {"at":<epoch ms>,"event":{...}}           every runtime event
 *   {"at":<epoch ms>,"log":"(VI_1) ..."}      every log line
 *   {"id":N,"result":...} / {"id":N,"error":"..."}   answers to commands
 * stdin takes commands, one JSON per line: {"id":N,"op":"status"}, {"id":N,"op":"stop"}
 * (stop sends priority 0 from MASTERs, closes the sockets, then exits 0), and
 * {"id":N,"op":"setFault","instance":"VI_1","source":"chk","faulted":true} (what a tracker does).
 * SIGTERM behaves like "stop"; SIGKILL is the crash the failover tests need.
 */

import { createInterface } from 'node:readline';
import { withDefaults, type InstanceParams } from '../../../src/vrrp/index.js';
import { VrrpRuntime, type SyncGroupSpec, type TransportSpec } from '../../../src/vrrp/io/index.js';

export interface DriverInstance {
  readonly params: Partial<InstanceParams> & Pick<InstanceParams, 'name' | 'vrid' | 'version' | 'family'>;
  readonly transport: TransportSpec;
}

export interface DriverConfig {
  readonly instances: readonly DriverInstance[];
  readonly syncGroups?: readonly SyncGroupSpec[];
  readonly logUnknownVrids?: boolean;
  readonly dropLogWindowMs?: number;
}

function write(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;
  const line = (text: string): void => write({ at: Date.now(), log: text });
  const runtime = new VrrpRuntime({
    instances: config.instances.map((i) => ({ params: withDefaults(i.params), transport: i.transport })),
    ...(config.syncGroups ? { syncGroups: config.syncGroups } : {}),
    logUnknownVrids: config.logUnknownVrids === true,
    ...(config.dropLogWindowMs !== undefined ? { dropLogWindowMs: config.dropLogWindowMs } : {}),
    log: { info: line, warn: line, error: line },
    onEvent: (event) => write({ at: Date.now(), event }),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    runtime.stop();
    // Let stdout drain before leaving.
    process.stdout.write('', () => process.exit(0));
  };
  process.on('SIGTERM', stop);
  createInterface({ input: process.stdin }).on('line', (text) => {
    let cmd: { id?: number; op?: string; instance?: string; source?: string; faulted?: boolean };
    try {
      cmd = JSON.parse(text) as typeof cmd;
    } catch {
      return;
    }
    if (cmd.op === 'status') write({ id: cmd.id, result: runtime.status() });
    else if (cmd.op === 'setFault') {
      const instance = runtime.instance(cmd.instance ?? '');
      if (!instance) write({ id: cmd.id, error: `no instance ${cmd.instance}` });
      else {
        instance.fsm.setFault(cmd.source ?? 'test', cmd.faulted === true);
        write({ id: cmd.id, result: instance.fsm.state });
      }
    } else if (cmd.op === 'stop') {
      write({ id: cmd.id, result: 'stopping' });
      stop();
    } else write({ id: cmd.id, error: `unknown op ${String(cmd.op)}` });
  });
  runtime.start();
  write({ ready: true });
}

main();
