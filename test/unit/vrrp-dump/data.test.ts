/**
 * keepalived.data and keepalived_parent.data rendered from a snapshot of the captured
 * keepalived 2.2.7 run, compared with the files that run wrote, line by line.
 *
 * Normalisation (the only places the two sides may differ, each for a stated reason):
 * - BACKUP "Master router = …": keepalived prints a stale static buffer (the last address
 *   it formatted) when no advert has been heard; we print "(unknown)".
 * - Parent "Gratuitous ARP lower priority delay/repeat": the parent prints keepalived's
 *   unset marker 4294967295; we print the value in force (global-data.ts explains why).
 * Times, fds and ifindexes are not normalised: the snapshot carries the run's own values.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { renderParentData, renderVrrpData } from '../../../src/vrrp/dump/index.js';
import { CAPTURED_DATA, CAPTURED_PARENT, capturedSnapshot, fixture, type Phase } from './captured-run.js';

function normaliseMasterRouter(text: string): string {
  return text.replace(/^( {3}Master router = ).*$/gm, '$1(unknown)');
}

function normaliseParentLowerPrio(text: string, delaySeconds: number, repeat: number): string {
  return text
    .replace(/^ Gratuitous ARP lower priority delay = 4294967295$/m, ` Gratuitous ARP lower priority delay = ${delaySeconds}`)
    .replace(/^ Gratuitous ARP lower priority repeat = 4294967295$/m, ` Gratuitous ARP lower priority repeat = ${repeat}`);
}

/** Line-by-line equality with a message naming the first differing line. */
function assertSameLines(actual: string, expected: string, what: string): void {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    assert.equal(a[i], e[i], `${what}: line ${i + 1} differs`);
  }
}

for (const phase of ['backup', 'master'] as Phase[]) {
  test(`keepalived.data (${phase}) matches keepalived 2.2.7 line for line`, () => {
    const expected = normaliseMasterRouter(fixture(CAPTURED_DATA(phase)));
    const actual = renderVrrpData(capturedSnapshot(phase), { showPasswords: true });
    assertSameLines(actual, expected, `${phase} keepalived.data`);
  });

  test(`keepalived_parent.data (${phase}) matches keepalived 2.2.7 line for line`, () => {
    const expected = normaliseParentLowerPrio(fixture(CAPTURED_PARENT(phase)), 5, 5);
    const snapshot = capturedSnapshot(phase);
    assertSameLines(renderParentData(snapshot.global), expected, `${phase} keepalived_parent.data`);
  });
}

test('the normalisation only touches the lines it names', () => {
  const raw = fixture(CAPTURED_DATA('backup'));
  const changed = raw.split('\n').filter((l, i) => l !== normaliseMasterRouter(raw).split('\n')[i]);
  assert.deepEqual(changed, ['   Master router = ff02::12', '   Master router = 10.77.0.3']);
  const parent = fixture(CAPTURED_PARENT('master'));
  const parentChanged = parent.split('\n').filter((l, i) => l !== normaliseParentLowerPrio(parent, 5, 5).split('\n')[i]);
  assert.equal(parentChanged.length, 2);
});

test('the parent omits the vrrp-only "Default interface" line; the vrrp child prints it', () => {
  const snapshot = capturedSnapshot('master');
  assert.doesNotMatch(renderParentData(snapshot.global), /Default interface/);
  assert.match(renderVrrpData(snapshot), /^ Default interface = eth0$/m);
});

test('passwords are masked unless asked for', () => {
  const snapshot = capturedSnapshot('master');
  assert.match(renderVrrpData(snapshot), /^ {3}Password = \*{8}$/m);
  assert.doesNotMatch(renderVrrpData(snapshot), /sekrit/);
  assert.match(renderVrrpData(snapshot, { showPasswords: true }), /^ {3}Password = sekrit$/m);
});

test('empty sections are left out, as keepalived does', () => {
  const s = capturedSnapshot('master');
  const bare = renderVrrpData({ ...s, garpDelays: [], instances: [], sockets: [], syncGroups: [], scripts: [], trackFiles: [], trackProcesses: [], interfaces: [] });
  assert.doesNotMatch(bare, /------< (VRRP|Interfaces|Gratuitous)/);
  assert.match(bare, /^------< Global definitions >------$/m);
});

test('FAULT, STOP and a missing timer print as keepalived prints them', () => {
  const s = capturedSnapshot('master');
  const [vi1, vi6] = s.instances;
  const text = renderVrrpData({
    ...s,
    instances: [
      { ...vi1!, runtime: { ...vi1!.runtime, state: 'FAULT', wantState: 'BACKUP', nextTimerUs: undefined, socket: undefined } },
      { ...vi6!, runtime: { ...vi6!.runtime, state: 'STOP' } },
    ],
  });
  assert.match(text, /^ {3}State = FAULT$/m);
  assert.match(text, /^ {3}State = unknown$/m);
  assert.match(text, /^ {3}Read timeout = DISABLED$/m);
  assert.match(text, /^ {3}No sockets allocated$/m);
});

test('static sections and tracked BFDs render in keepalived\'s words', () => {
  const s = capturedSnapshot('master');
  const vip = s.instances[0]!.runtime.vips[0]!;
  const text = renderVrrpData({
    ...s,
    staticAddresses: [{ ...vip, set: true }],
    staticRoutes: s.instances[0]!.config.vroutes,
    staticTrackGroups: [{ name: 'TG', instances: ['VI_1'] }],
    trackBfds: [{ name: 'bfd1', weight: 5, reverse: true, up: false, tracking: [{ instance: 'VI_1', weight: 5, reverse: true }] }],
  });
  assert.match(text, /------< Static Addresses >------\n {5}10\.77\.0\.100\/24 dev va scope global set\n/);
  assert.match(text, /------< Static Routes >------\n {5}prepend 10\.88\.0\.0\/16 via inet 10\.77\.0\.254 dev va proto 18\n/);
  assert.match(text, /------< Static Track groups >------\n Static Track Group = TG\n {3}VRRP member instances :\n {5}VI_1\n/);
  assert.match(text, /------< VRRP Track BFDs >------\n VRRP Track BFD = bfd1\n {3}Weight = 5 reverse\n {3}Bfd is down\n {3}Tracking VRRP instances :\n {3}Tracking instances :\n {5}VI_1, weight 5 reverse\n/);
});
