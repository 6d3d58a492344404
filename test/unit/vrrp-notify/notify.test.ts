import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import type { RunOptions, ScriptResult, ScriptRun, ScriptRunner, ScriptToRun } from '../../../src/core/scripts/runner.js';
import { NotifyDispatcher, type NotifySpec } from '../../../src/vrrp/notify/dispatcher.js';
import type { NotifyFifo } from '../../../src/vrrp/notify/fifo.js';
import { AlertRecorder, alertText, formatFifoLine, notifyArguments, parseFifoLine, type SmtpAlert } from '../../../src/vrrp/notify/format.js';

test('FIFO lines are keepalived\'s, byte for byte', () => {
  // Lines captured from Debian's keepalived 2.2.7 (see format.ts).
  assert.equal(formatFifoLine('GROUP', 'G1', 'BACKUP', 0), 'GROUP "G1" BACKUP 0\n');
  assert.equal(formatFifoLine('INSTANCE', 'VI_1', 'BACKUP', 100), 'INSTANCE "VI_1" BACKUP 100\n');
  assert.equal(formatFifoLine('INSTANCE', 'VI_1', 'MASTER_PRIORITY', 80), 'INSTANCE "VI_1" MASTER_PRIORITY 80\n');
  assert.equal(formatFifoLine('INSTANCE', 'VI_2', 'STOP', 100), 'INSTANCE "VI_2" STOP 100\n');
  assert.equal(formatFifoLine('INSTANCE', 'VI 3', 'MASTER_RX_LOWER_PRI', 254), 'INSTANCE "VI 3" MASTER_RX_LOWER_PRI 254\n');
  assert.equal(formatFifoLine('INSTANCE', 'x', 'BACKUP_PRIORITY', 1), 'INSTANCE "x" BACKUP_PRIORITY 1\n');
  assert.equal(formatFifoLine('INSTANCE', 'x', 'DELETED', 255), 'INSTANCE "x" DELETED 255\n');
  assert.deepEqual(parseFifoLine('GROUP "G 1" FAULT 0\n'), { type: 'GROUP', name: 'G 1', state: 'FAULT', priority: 0 });
  assert.deepEqual(parseFifoLine('INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100'), { type: 'INSTANCE', name: 'VI_1', state: 'MASTER_RX_LOWER_PRI', priority: 100 });
  assert.equal(parseFifoLine('INSTANCE VI_1 MASTER 100'), undefined);
  assert.deepEqual(notifyArguments('INSTANCE', 'VI_1', 'MASTER', 160), ['INSTANCE', 'VI_1', 'MASTER', '160']);
  assert.deepEqual(notifyArguments('GROUP', 'G1', 'STOP', 0), ['GROUP', 'G1', 'STOP', '0']);
});

test('smtp alert texts', () => {
  assert.deepEqual(alertText('INSTANCE', 'MASTER'), { subject: 'Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' });
  assert.deepEqual(alertText('INSTANCE', 'DELETED'), { subject: 'Deleted', body: '=> VRRP Deleted at reload <=' });
  assert.deepEqual(alertText('GROUP', 'STOP'), { subject: 'Stopping', body: '=> All VRRP group instances are now stopping <=' });
  assert.equal(alertText('GROUP', 'DELETED'), undefined);
});

/** Records what would run, in order; results resolve at once. */
class FakeRunner {
  readonly calls: string[] = [];
  readonly timeouts: (number | undefined)[] = [];
  run(script: ScriptToRun, opts: RunOptions = {}): ScriptRun {
    this.calls.push([...script.argv, ...(opts.extraArgs ?? [])].join(' '));
    this.timeouts.push(opts.timeoutMs);
    const result: Promise<ScriptResult> = Promise.resolve({ kind: 'exit', code: 0, durationMs: 0 });
    return { pid: 1, state: 'done', result };
  }
}

const s = (name: string): ScriptToRun => ({ name, argv: [`/s/${name}`], uid: 0, gid: 0 });

function setup(specs: NotifySpec[], extra: { noEmailFaults?: boolean } = {}) {
  const runner = new FakeRunner();
  const lines: string[] = [];
  const events: string[] = [];
  const fifo = { write: (l: string) => (lines.push(l), events.push(`fifo ${l.trim()}`)) } as unknown as NotifyFifo;
  const origRun = runner.run.bind(runner);
  runner.run = (sc, o) => {
    const r = origRun(sc, o);
    events.push(`run ${runner.calls.at(-1)}`);
    return r;
  };
  const alerts: SmtpAlert[] = [];
  const d = new NotifyDispatcher({
    runner: runner as unknown as ScriptRunner,
    log: new RecordingLog(),
    specs,
    fifos: [fifo, fifo],
    alerts: { record: (a) => alerts.push(a) },
    now: () => 1234,
    ...extra,
  });
  return { d, runner, lines, events, alerts };
}

test('instance notifies: state script, then generic with 4 arguments, then FIFO lines', () => {
  const { d, runner, events } = setup([
    { type: 'INSTANCE', name: 'VI_1', scripts: { master: { ...s('m'), argv: ['/s/m', 'own arg'] }, backup: s('b'), fault: s('f'), stop: s('st'), generic: s('g') } },
  ]);
  d.instanceState('VI_1', 'MASTER', 150);
  assert.deepEqual(events, ['run /s/m own arg', 'run /s/g INSTANCE VI_1 MASTER 150', 'fifo INSTANCE "VI_1" MASTER 150', 'fifo INSTANCE "VI_1" MASTER 150']);
  d.instanceState('VI_1', 'STOP', 150);
  // STOP scripts are killed after a second, as keepalived does while shutting down.
  assert.deepEqual(runner.timeouts, [undefined, undefined, 1000, 1000]);
  d.instanceState('VI_1', 'DELETED', 150); // no notify_deleted: reported as FAULT
  assert.deepEqual(runner.calls.slice(4), ['/s/f', '/s/g INSTANCE VI_1 FAULT 150']);
});

test('notify_deleted reports DELETED; groups report priority 0 and run no timeout-limited own STOP script', () => {
  const { d, runner, lines } = setup([
    { type: 'INSTANCE', name: 'VI_1', notifyDeleted: true, scripts: { deleted: s('del'), generic: s('g') } },
    { type: 'GROUP', name: 'G1', scripts: { stop: s('gst'), generic: s('gg') } },
  ]);
  d.instanceState('VI_1', 'DELETED', 90);
  d.groupState('G1', 'STOP');
  assert.deepEqual(runner.calls, ['/s/del', '/s/g INSTANCE VI_1 DELETED 90', '/s/gst', '/s/gg GROUP G1 STOP 0']);
  assert.deepEqual(runner.timeouts, [undefined, undefined, undefined, 1000]);
  assert.deepEqual(lines.filter((_, i) => i % 2 === 0), ['INSTANCE "VI_1" DELETED 90\n', 'GROUP "G1" STOP 0\n']);
});

test('rx lower priority and priority changes', () => {
  const { d, runner, lines } = setup([
    { type: 'INSTANCE', name: 'A', notifyPriorityChanges: true, scripts: { masterRxLowerPri: s('rx'), generic: s('g') } },
    { type: 'INSTANCE', name: 'B', scripts: {} },
  ]);
  d.masterRxLowerPriority('A', 200);
  d.priorityChanged('A', 'MASTER', 180);
  d.priorityChanged('A', 'FAULT', 170);
  d.priorityChanged('B', 'MASTER', 10); // not asked for
  assert.deepEqual(runner.calls, ['/s/rx']); // the generic script is not told
  assert.deepEqual(
    lines.filter((_, i) => i % 2 === 0),
    ['INSTANCE "A" MASTER_RX_LOWER_PRI 200\n', 'INSTANCE "A" MASTER_PRIORITY 180\n', 'INSTANCE "A" BACKUP_PRIORITY 170\n'],
  );
});

test('unconfigured names still get FIFO lines', () => {
  const { d, lines, runner } = setup([]);
  d.instanceState('VI_9', 'BACKUP', 100);
  assert.deepEqual(lines, ['INSTANCE "VI_9" BACKUP 100\n', 'INSTANCE "VI_9" BACKUP 100\n']);
  assert.deepEqual(runner.calls, []);
});

test('smtp alerts: only when enabled, once per state, FAULT skipped with no_email_faults', () => {
  const { d, alerts } = setup(
    [
      { type: 'INSTANCE', name: 'A', smtpAlert: true, scripts: {} },
      { type: 'INSTANCE', name: 'B', scripts: {} },
      { type: 'GROUP', name: 'G', smtpAlert: true, scripts: {} },
    ],
    { noEmailFaults: true },
  );
  d.instanceState('A', 'BACKUP', 100);
  d.instanceState('A', 'MASTER', 100);
  d.instanceState('A', 'MASTER', 100);
  d.instanceState('A', 'FAULT', 100);
  d.instanceState('B', 'MASTER', 100);
  d.groupState('G', 'MASTER');
  assert.deepEqual(
    alerts.map((a) => `${a.type} ${a.name} ${a.subject}`),
    ['INSTANCE A Entering BACKUP state', 'INSTANCE A Entering MASTER state', 'GROUP G Entering MASTER state'],
  );
  assert.equal(alerts[0]!.at, 1234);
});

test('fifo_write_vrrp_states_on_reload writes lines and runs nothing; the alert recorder keeps the latest', () => {
  const { d, runner, lines } = setup([{ type: 'INSTANCE', name: 'A', scripts: { master: s('m'), generic: s('g') } }]);
  d.announceState('INSTANCE', 'A', 'MASTER', 120);
  d.announceState('GROUP', 'G', 'MASTER', 120);
  assert.deepEqual(runner.calls, []);
  assert.deepEqual(lines.filter((_, i) => i % 2 === 0), ['INSTANCE "A" MASTER 120\n', 'GROUP "G" MASTER 0\n']);

  const rec = new AlertRecorder(2);
  for (const state of ['BACKUP', 'MASTER', 'FAULT'] as const) rec.record({ type: 'INSTANCE', name: 'A', state, subject: state, body: '', at: 0 });
  assert.deepEqual(rec.alerts.map((a) => a.state), ['MASTER', 'FAULT']);
  assert.equal(rec.total, 3);
});
