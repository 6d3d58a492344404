/**
 * One generation of the vrrp child, stepped: a plan made by the real adapter from a
 * keepalived.conf text, the real runtime on in-memory sockets and a stepped clock, the real
 * trackers on a fake interface table, the real notify dispatcher writing into a recording
 * FIFO. What is checked is the wiring: which FIFO lines and log lines come out, in which
 * order, for start-up, a tracked interface going down, a priority change, a split brain, a
 * stop, and a reload that resumes a state.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import type { ScriptResult, ScriptRunner } from '../../../src/core/scripts/runner.js';
import { Generation, Tracking, type GenerationTable, type ResumeState } from '../../../src/vrrp/daemon/index.js';
import { NotifyDispatcher, type NotifyFifo } from '../../../src/vrrp/notify/index.js';
import type { LinkTable } from '../../../src/vrrp/track/index.js';
import type { VrrpPlan } from '../../../src/vrrp/adapter/index.js';
import type { ChildSettings } from '../../../src/supervisor/ipc.js';
import { newVrrpStats } from '../../../src/vrrp/stats.js';
import type { InstanceActions } from '../../../src/vrrp/actions/index.js';
import type { InstanceEvent } from '../../../src/vrrp/fsm/types.js';
import { ReportQueue } from '../../../src/vrrp/daemon/report-queue.js';
import { FakeClock, FakeFactory, advertFrom } from '../vrrp-io/fakes.js';
import { compiled, plan } from '../vrrp-adapter/helpers.js';

const SOCKET = 'inet/vrrp/eth0#2/group 224.0.0.18';

/** The interface table as the generation and the trackers see it: eth0 (index 2) and eth1 (3), up or down. */
class FakeTable extends EventEmitter {
  readonly up = new Map([['eth0', true], ['eth1', true]]);
  indexOf(name: string): number | undefined {
    return name === 'eth0' ? 2 : name === 'eth1' ? 3 : undefined;
  }
  addresses(filter: { index?: number; family?: 4 | 6 }) {
    if (filter.index !== 2 || filter.family === 6) return [];
    return [{ family: 4 as const, index: 2, address: '192.0.2.1', prefixLength: 24, flags: 0, scope: 0, peer: undefined, broadcast: undefined, label: undefined, preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined }];
  }
  linkByName(name: string) {
    const up = this.up.get(name);
    return up === undefined ? undefined : { name, up };
  }
  setUp(up: boolean, name = 'eth0'): void {
    this.up.set(name, up);
    this.emit(up ? 'linkUp' : 'linkDown', { name, up });
  }
}

const SETTINGS: ChildSettings = {
  role: 'vrrp', pidFile: '/nonexistent', releaseOnStop: true, releaseVipsOnSignal: false, noSwap: false, logDetail: false,
  umask: 0o022, dataFile: '/nonexistent', statsFile: '/nonexistent', jsonFile: '/nonexistent',
};

const noScripts = {} as ScriptRunner;

interface Rig {
  readonly generation: Generation;
  readonly clock: FakeClock;
  readonly factory: FakeFactory;
  readonly table: FakeTable;
  readonly fifo: string[];
  readonly log: RecordingLog;
}

interface RigOptions {
  clock?: FakeClock;
  table?: FakeTable;
  resume?: Map<string, ResumeState>;
  fifo?: string[];
  scripts?: ScriptRunner;
  /** Instance actions (default none) and the process's report queue (default: the generation's own). */
  actions?: Map<string, InstanceActions>;
  reports?: ReportQueue;
}

function rig(p: VrrpPlan, options: RigOptions = {}): Rig {
  const clock = options.clock ?? new FakeClock();
  const factory = new FakeFactory(clock);
  const table = options.table ?? new FakeTable();
  const fifo = options.fifo ?? [];
  const log = new RecordingLog();
  const reports = options.reports;
  const processLog = reports ? reports.log(log) : log;
  const recorder = { write: (line: string) => fifo.push(line.trimEnd()) } as unknown as NotifyFifo;
  const generation = new Generation({
    plan: p, config: compiled('vrrp_instance X {\n interface eth0\n virtual_router_id 1\n}\n'), log: processLog, settings: SETTINGS,
    table: table as unknown as GenerationTable,
    actions: options.actions ?? new Map(), vmacs: new Map(), setupFaults: new Map(),
    ...(reports ? { reports } : {}),
    tracking: new Tracking(p, { log: processLog, scripts: options.scripts ?? noScripts, table: table as unknown as LinkTable }),
    notify: new NotifyDispatcher({ runner: noScripts, log: processLog, specs: p.notify.specs, fifos: [recorder], ...(reports ? { reports } : {}) }),
    startedAtMs: clock.now(), socketFactory: factory, clock,
    ...(options.resume ? { resume: options.resume } : {}),
  });
  return { generation, clock, factory, table, fifo, log };
}

const CONF = (extra = '', global = ''): string => `global_defs {\n  router_id r1\n${global}}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
${extra}}
`;

test('start-up, a tracked interface going down and coming back: FIFO lines and keepalived\'s log lines in order', async () => {
  const { generation, clock, table, fifo, log } = rig(plan(CONF()).plan);
  await generation.start();
  clock.advance(3700); // Master_Down_Interval at priority 100: 3.609 s
  table.setUp(false);
  table.setUp(true);
  clock.advance(3700);
  assert.deepEqual(fifo, [
    'INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100', 'INSTANCE "VI_1" FAULT 100',
    'INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100',
  ]);
  assert.deepEqual(log.lines.filter((l) => l.startsWith('(VI_1)')), [
    '(VI_1) Entering BACKUP STATE (init)', '(VI_1) Entering MASTER STATE',
    '(VI_1) interface eth0 down', '(VI_1) Entering FAULT STATE',
    '(VI_1) Entering BACKUP STATE', '(VI_1) Entering MASTER STATE',
  ]);
  await generation.stop(true);
  assert.equal(fifo.at(-1), 'INSTANCE "VI_1" STOP 100');
});

/** Instance actions whose takeover (install + first GARPs) finishes when the test says so. */
class HeldTakeover extends EventEmitter {
  readonly events: string[] = [];
  #finish: (() => void) | undefined;
  handle(event: InstanceEvent): Promise<void> | undefined {
    if (event.type !== 'transition') return undefined;
    this.events.push(`${event.from}->${event.to}`);
    if (event.to !== 'MASTER') return undefined;
    return new Promise<void>((resolve) => { this.#finish = resolve; });
  }
  /** The first GARP burst is out. */
  announced(): void {
    this.#finish?.();
  }
  settled(): Promise<void> {
    return Promise.resolve();
  }
}

test('a new MASTER\'s log line and notifies wait for its first GARPs (keepalived runs notifies after them), in order', async () => {
  const takeover = new HeldTakeover();
  const reports = new ReportQueue((e) => assert.fail(String(e)));
  const { generation, clock, fifo, log } = rig(plan(CONF()).plan, { actions: new Map([['VI_1', takeover as unknown as InstanceActions]]), reports });
  await generation.start();
  clock.advance(3700);
  assert.deepEqual(takeover.events, ['INIT->BACKUP', 'BACKUP->MASTER'], 'the actions heard the takeover at once');
  assert.deepEqual(fifo, ['INSTANCE "VI_1" BACKUP 100']);
  assert.equal(log.lines.includes('(VI_1) Entering MASTER STATE'), false);
  takeover.announced();
  await reports.idle();
  assert.deepEqual(fifo, ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100']);
  assert.deepEqual(log.lines.filter((l) => l.startsWith('(VI_1)')), ['(VI_1) Entering BACKUP STATE (init)', '(VI_1) Entering MASTER STATE']);
  await generation.stop(true);
  assert.equal(fifo.at(-1), 'INSTANCE "VI_1" STOP 100');
});

test('a lower-priority MASTER heard: answered, MASTER_RX_LOWER_PRI; when it goes quiet, notify master fires again', async () => {
  const { generation, clock, factory, fifo } = rig(plan(CONF()).plan);
  await generation.start();
  clock.advance(3700);
  const advert = advertFrom('192.0.2.9', { vrid: 51, version: 2, addresses: ['192.0.2.100'] }, 50);
  factory.deliver(SOCKET, advert);
  clock.advance(2500);
  assert.deepEqual(fifo, [
    'INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100',
    'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100',
    // split brain resolved (ours): the winner re-announces, notify master runs again
    'INSTANCE "VI_1" MASTER 100',
  ]);
  await generation.stop(true);
});

test('stop: every instance, then every group, in configuration order; priority 0 from a MASTER unless -V', async () => {
  const text = `${CONF()}vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.101/24
  }
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
}
`;
  for (const release of [true, false]) {
    const { generation, clock, factory, fifo } = rig(plan(text).plan);
    await generation.start();
    clock.advance(3700);
    fifo.length = 0;
    const sentBefore = factory.sent.length;
    await generation.stop(release);
    assert.deepEqual(fifo, ['INSTANCE "VI_1" STOP 100', 'INSTANCE "VI_2" STOP 100', 'GROUP "G1" STOP 0']);
    const zeros = factory.priorities().slice(sentBefore).filter((p) => p === 0).length;
    assert.equal(zeros, release ? 2 : 0, release ? 'each MASTER sends priority 0' : 'with -V no priority 0');
  }
});

test('a reload resuming MASTER: no notification, or only the FIFO line with fifo_write_vrrp_states_on_reload', async () => {
  const resume = new Map<string, ResumeState>([['VI_1', { state: 'MASTER', stats: { ...newVrrpStats(), become_master: 3 }, ahSequence: 0 }]]);
  for (const writeStates of [false, true]) {
    const p = plan(CONF('', writeStates ? '  fifo_write_vrrp_states_on_reload\n' : '')).plan;
    const { generation, fifo, log } = rig(p, { resume });
    await generation.start();
    assert.equal(generation.runtime.instance('VI_1')?.fsm.state, 'MASTER');
    assert.equal(generation.runtime.instance('VI_1')?.fsm.stats.become_master, 3, 'counters carried over');
    assert.deepEqual(fifo, writeStates ? ['INSTANCE "VI_1" MASTER 100'] : []);
    assert.deepEqual(log.lines.filter((l) => l.includes('Entering')), [], 'no state line: the state did not change');
    await generation.stop(true);
  }
});

test('priority changes from a weighted tracker reach the FIFO with notify_priority_changes', async () => {
  const text = CONF('  notify_priority_changes\n  track_interface {\n    eth1 weight -20\n  }\n');
  const { generation, clock, table, fifo, log } = rig(plan(text).plan);
  await generation.start();
  clock.advance(3700);
  table.setUp(false, 'eth1');
  assert.deepEqual(fifo, ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100', 'INSTANCE "VI_1" MASTER_PRIORITY 80']);
  assert.ok(log.lines.includes('(VI_1) Changing effective priority from 100 to 80'));
  await generation.stop(true);
});

test('an unweighted vrrp_script holds its instance in INIT until the first result, then it starts', async () => {
  let finish: ((r: ScriptResult) => void) | undefined;
  const scripts = { run: () => ({ pid: 1, state: 'running', result: new Promise<ScriptResult>((resolve) => (finish = resolve)) }) } as unknown as ScriptRunner;
  const text = `vrrp_script chk {\n  script /bin/true\n  interval 5\n}\n${CONF('  track_script {\n    chk\n  }\n')}`;
  const { generation, clock, fifo, log } = rig(plan(text).plan, { scripts });
  await generation.start();
  assert.equal(generation.runtime.instance('VI_1')?.fsm.state, 'INIT');
  assert.ok(log.lines.includes('(VI_1) waiting for the first result of vrrp_script chk'));
  clock.advance(10_000);
  assert.equal(generation.runtime.instance('VI_1')?.fsm.state, 'INIT', 'no timer runs while held');
  assert.deepEqual(fifo, []);
  finish?.({ kind: 'exit', code: 0, durationMs: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(generation.runtime.instance('VI_1')?.fsm.state, 'BACKUP');
  clock.advance(3700);
  assert.deepEqual(fifo, ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100']);
  generation.tracking.stop();
  await generation.stop(true);
});
