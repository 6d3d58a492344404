/**
 * The vrrp child's log lines are keepalived 2.2.7's (vrrp.c, vrrp_scheduler.c, vrrp_sync.c),
 * so that the lines operators grep for read the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventLines, type LogLineContext } from '../../../src/vrrp/daemon/log-lines.js';
import type { InstanceStatus, VrrpState } from '../../../src/vrrp/fsm/types.js';
import type { RuntimeEvent } from '../../../src/vrrp/io/index.js';

interface Setup extends Partial<Omit<LogLineContext, 'status'>> {
  /** The instance's status at the time of the event. */
  readonly heard?: Partial<InstanceStatus>;
  readonly before?: VrrpState;
}

function ctx(over: Setup = {}): LogLineContext {
  const { heard, before, ...rest } = over;
  return {
    logDetail: false,
    logUnknownVrids: false,
    status: () => heard as InstanceStatus | undefined,
    stateBeforeReload: () => before,
    addressCounts: () => ({ vips: 1, evips: 0 }),
    keepAddressesOnStop: false,
    releaseVips: false,
    ...rest,
  };
}

const transition = (to: VrrpState, cause: Extract<RuntimeEvent, { type: 'transition' }>['cause'], from: VrrpState = 'BACKUP', detail?: string): RuntimeEvent => ({
  type: 'transition', instance: 'VI_1', from, to, cause, priority: 100, atMs: 0, ...(detail !== undefined ? { detail } : {}),
});

const texts = (e: RuntimeEvent, c: LogLineContext = ctx()): string[] => eventLines(e, c).map((l) => l.text);

test('state changes in keepalived\'s words', () => {
  assert.deepEqual(texts(transition('BACKUP', 'startup', 'INIT')), ['(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(texts(transition('MASTER', 'master-down')), ['(VI_1) Entering MASTER STATE']);
  assert.deepEqual(texts(transition('FAULT', 'startup', 'INIT', 'interface eth0 down')), ['(VI_1) interface eth0 down', '(VI_1) Entering FAULT STATE (init)']);
  assert.deepEqual(texts(transition('FAULT', 'sync-group', 'BACKUP', 'sync group G1')), ['(VI_1) Entering FAULT STATE']);
  assert.deepEqual(texts(transition('BACKUP', 'fault-cleared', 'FAULT', 'interface eth0 down recovered')), ['(VI_1) Entering BACKUP STATE']);
  // keepalived says nothing when an instance stops (unless -D), nor for DELETED.
  assert.deepEqual(texts(transition('STOP', 'shutdown', 'MASTER')), []);
  assert.deepEqual(texts(transition('DELETED', 'deleted', 'BACKUP')), []);
});

test('a MASTER stepping down names the advert that beat it', () => {
  const higher = ctx({ heard: { masterAddress: '10.0.0.2', masterPriority: 200 } });
  assert.deepEqual(texts(transition('BACKUP', 'higher-priority', 'MASTER', 'advert from 10.0.0.2 priority 200'), higher), [
    '(VI_1) Master received advert from 10.0.0.2 with higher priority 200, ours 100',
    '(VI_1) Entering BACKUP STATE',
  ]);
  const same = ctx({ heard: { masterAddress: '10.0.0.9', masterPriority: 100 } });
  assert.deepEqual(texts(transition('BACKUP', 'higher-priority', 'MASTER'), same), [
    '(VI_1) Master received advert from 10.0.0.9 with same priority 100 but higher IP address than ours',
    '(VI_1) Entering BACKUP STATE',
  ]);
});

test('-D adds "sent 0 priority" and the VIP lines where keepalived 2.2.7 has them', () => {
  const d = ctx({ logDetail: true, addressCounts: () => ({ vips: 2, evips: 1 }) });
  assert.deepEqual(texts(transition('MASTER', 'master-down'), d), ['(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.', '(VI_1) setting E-VIPs.']);
  assert.deepEqual(texts(transition('STOP', 'shutdown', 'MASTER'), d), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.', '(VI_1) removing E-VIPs.']);
  assert.deepEqual(texts(transition('STOP', 'shutdown', 'MASTER'), { ...d, keepAddressesOnStop: true }), ['(VI_1) sent 0 priority']);
  // Stepping down to a higher priority sends no priority 0.
  assert.deepEqual(texts(transition('BACKUP', 'higher-priority', 'MASTER'), d), ['(VI_1) Entering BACKUP STATE', '(VI_1) removing VIPs.', '(VI_1) removing E-VIPs.']);
  assert.deepEqual(texts(transition('BACKUP', 'released', 'MASTER', 'VIP 192.0.2.1/32 dev eth0 was deleted'), d).slice(0, 2), ['(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority']);
});

test('-D with -X or -V: "removing VIPs." when an instance starts or resumes in BACKUP or FAULT (keepalived vrrp_init_state)', () => {
  const d = ctx({ logDetail: true });
  assert.deepEqual(texts(transition('BACKUP', 'startup', 'INIT'), d), ['(VI_1) Entering BACKUP STATE (init)'], 'nothing more without -X/-V');
  assert.deepEqual(texts(transition('BACKUP', 'startup', 'INIT'), { ...d, releaseVips: true }), ['(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(texts(transition('FAULT', 'startup', 'INIT'), { ...d, keepAddressesOnStop: true }), ['(VI_1) removing VIPs.', '(VI_1) Entering FAULT STATE (init)']);
  // A reload that leaves a BACKUP as it was: only the removal line, with -X.
  assert.deepEqual(texts(transition('BACKUP', 'reload', 'INIT'), ctx({ logDetail: true, before: 'BACKUP' })), []);
  assert.deepEqual(texts(transition('BACKUP', 'reload', 'INIT'), ctx({ logDetail: true, before: 'BACKUP', releaseVips: true })), ['(VI_1) removing VIPs.']);
  // A reloaded MASTER that resumes as BACKUP had its VIPs set: removed, with or without -X.
  assert.deepEqual(texts(transition('BACKUP', 'reload', 'INIT'), ctx({ logDetail: true, before: 'MASTER' })), ['(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)']);
  // Not without -D, and never on the way to MASTER.
  assert.deepEqual(texts(transition('BACKUP', 'startup', 'INIT'), ctx({ releaseVips: true })), ['(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(texts(transition('MASTER', 'reload', 'INIT'), ctx({ logDetail: true, before: 'MASTER', releaseVips: true })), []);
});

test('a reload that leaves the state as it was logs nothing; a changed one logs as at start-up', () => {
  assert.deepEqual(texts(transition('MASTER', 'reload', 'INIT'), ctx({ before: 'MASTER' })), []);
  assert.deepEqual(texts(transition('BACKUP', 'reload', 'INIT'), ctx({ before: 'FAULT' })), ['(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(texts(transition('MASTER', 'reload', 'INIT'), ctx({ before: 'BACKUP' })), ['(VI_1) Entering MASTER STATE']);
});

test('other events: keepalived\'s words where it has them, rate-limited where noisy', () => {
  const lower = eventLines({ type: 'lowerPriorityIgnored', instance: 'VI_1', source: '10.0.0.2', priority: 90, ourPriority: 100 }, ctx());
  assert.equal(lower[0]?.text, '(VI_1) received lower priority (90) advert from 10.0.0.2 - discarding');
  assert.ok(lower[0]?.rateLimitKey);
  assert.deepEqual(texts({ type: 'masterRxLowerPriority', instance: 'VI_1', source: '10.0.0.2', priority: 90, ourPriority: 100, answered: true }),
    ['(VI_1) Received advert from 10.0.0.2 with lower priority 90, ours 100, forcing new election']);
  assert.deepEqual(texts({ type: 'priorityChanged', instance: 'VI_1', from: 100, to: 90, state: 'BACKUP' }), ['(VI_1) Changing effective priority from 100 to 90']);
  assert.deepEqual(texts({ type: 'advertIntervalLearned', instance: 'VI_1', fromMs: 1000, toMs: 500, source: '10.0.0.2' }),
    ['(VI_1) advertisement interval updated from 1000ms to 500ms by master']);
  assert.deepEqual(texts({ type: 'groupTransition', group: 'G1', from: 'BACKUP', to: 'MASTER', member: 'VI_1' }), ['VRRP_Group(G1) Syncing instances to MASTER state']);
  assert.deepEqual(texts({ type: 'groupTransition', group: 'G1', from: 'MASTER', to: 'STOP', member: 'VI_1' }), []);
  assert.deepEqual(texts({ type: 'configurationConflict', instance: 'VI_1', source: '10.0.0.2', detail: 'local and remote instances are both configured as address owner - reducing local priority' }),
    ['(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority']);
  // Drops are the drop log's business.
  assert.deepEqual(texts({ type: 'advertDropped', instance: 'VI_1', source: '10.0.0.2', reason: 'ip_ttl_err', guard: 'ttl', detail: 'TTL 64' }), []);
});
