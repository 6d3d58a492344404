/**
 * keepalived.stats and keepalived.json rendered from a snapshot of the captured keepalived
 * 2.2.7 run, compared with the files that run wrote: stats line by line, JSON parsed and
 * compared structurally (and, with our extensions off, byte for byte). No normalisation is
 * needed: counters, times and states are the run's own.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { renderVrrpJson, renderVrrpStats, type VrrpDumpSnapshot } from '../../../src/vrrp/dump/index.js';
import { newVrrpStats } from '../../../src/vrrp/stats.js';
import { capturedSnapshot, fixture, type Phase } from './captured-run.js';

type JsonObject = Record<string, unknown>;

function withStats(s: VrrpDumpSnapshot, vi1: Partial<ReturnType<typeof newVrrpStats>>, vi6: Partial<ReturnType<typeof newVrrpStats>>): VrrpDumpSnapshot {
  const [a, b] = s.instances;
  return {
    ...s,
    instances: [
      { ...a!, runtime: { ...a!.runtime, stats: { ...newVrrpStats(), ...vi1 } } },
      { ...b!, runtime: { ...b!.runtime, stats: { ...newVrrpStats(), ...vi6 } } },
    ],
  };
}

for (const phase of ['backup', 'master'] as Phase[]) {
  test(`keepalived.stats (${phase}) matches keepalived 2.2.7 line for line`, () => {
    assert.equal(renderVrrpStats(capturedSnapshot(phase)), fixture(`${phase}.keepalived.stats`));
  });

  test(`keepalived.json (${phase}, json_version 1) has keepalived 2.2.7's structure and values`, () => {
    const expected = JSON.parse(fixture(`${phase}.keepalived.json`)) as { data: JsonObject; stats: JsonObject }[];
    const actual = JSON.parse(renderVrrpJson(capturedSnapshot(phase), 1, { showPasswords: true })!) as { data: JsonObject; stats: JsonObject }[];
    assert.equal(actual.length, expected.length);
    const additions = ['track_process', 'track_file', 'track_bfd', 'trackers'];
    expected.forEach((e, i) => {
      const a = actual[i]!;
      assert.deepEqual(a.stats, e.stats, `instance ${i} stats`);
      // Every keepalived key, same value, same order; ours only add the documented keys.
      const ours = Object.keys(a.data).filter((k) => !(k in e.data));
      assert.ok(ours.every((k) => additions.includes(k)), `unexpected extra keys ${ours.join(', ')}`);
      const common = Object.fromEntries(Object.entries(a.data).filter(([k]) => k in e.data));
      assert.deepEqual(common, e.data, `instance ${i} data`);
      assert.deepEqual(Object.keys(common), Object.keys(e.data), `instance ${i} key order`);
    });
  });

  test(`keepalived.json (${phase}) is byte-identical to keepalived 2.2.7's with our extensions off`, () => {
    assert.equal(renderVrrpJson(capturedSnapshot(phase), 1, { showPasswords: true, extensions: false }), fixture(`${phase}.keepalived.json`));
  });
}

test('STATS_CLEAR: the file written before clearing, then the counters after', () => {
  // master.cleared-before: counters at the STATS_CLEAR signal; cleared-after: the next USR2.
  const before = withStats(capturedSnapshot('master'), { advert_sent: 3, become_master: 1 }, { advert_sent: 5, become_master: 1 });
  assert.equal(renderVrrpStats(before), fixture('master.cleared-before.keepalived.stats'));
  const after = withStats(capturedSnapshot('master'), { advert_sent: 0 }, { advert_sent: 1 });
  assert.equal(renderVrrpStats(after), fixture('master.cleared-after.keepalived.stats'));
});

test('our JSON additions describe tracker state', () => {
  const [vi1] = JSON.parse(renderVrrpJson(capturedSnapshot('master'), 1)!) as { data: JsonObject }[];
  assert.deepEqual(vi1!.data.track_process, ['tp_sleep']);
  assert.deepEqual(vi1!.data.track_file, ['tf1']);
  assert.deepEqual(vi1!.data.trackers, [
    { type: 'interface', name: 'vb', weight: -20, status: 'up' },
    { type: 'script', name: 'chk_ok', weight: 10, status: 'up' },
    { type: 'script', name: 'chk_bad', weight: -5, status: 'down' },
    { type: 'file', name: 'tf1', weight: 2, status: 'down', value: 3 },
    { type: 'process', name: 'tp_sleep', weight: 10, status: 'up', value: 1 },
  ]);
  assert.equal(vi1!.data.auth_data, '********');
});

test('json_version 2 nests the instances under "vrrp" and adds the tracked objects', () => {
  const v1 = JSON.parse(renderVrrpJson(capturedSnapshot('master'), 1)!) as unknown[];
  const v2 = JSON.parse(renderVrrpJson(capturedSnapshot('master'), 2)!) as JsonObject;
  assert.deepEqual(Object.keys(v2), ['vrrp', 'track_process', 'vrrp_script', 'track_file']);
  assert.deepEqual(v2.vrrp, v1);
  assert.deepEqual(v2.track_process, [{
    process: 'tp_sleep', param_match: 'none', min_processes: 1, max_processes: 5, current_processes: 1, have_quorum: true,
    weight: 20, terminate_delay: 0.5, fork_delay: 0.5, fork_delay_timer_running: false, terminate_delay_timer_running: false, full_command: false,
  }]);
  assert.deepEqual(v2.vrrp_script, [
    { name: 'chk_ok', command: "'/usr/bin/true'", interval: 2, timeout: 3, weight: 10, rise: 2, fall: 3, result: 4, status: 'GOOD', state: 'idle' },
    { name: 'chk_bad', command: "'/usr/bin/false'", interval: 1, timeout: 0, weight: -5, rise: 1, fall: 1, result: 0, status: 'BAD', state: 'idle' },
  ]);
  assert.deepEqual(v2.track_file, [{ name: 'tf1', file: '/tmp/kadump.9SFL8J/track.val', value: 3, weight: 5 }]);
});

test('no instances: keepalived writes no JSON file at all', () => {
  assert.equal(renderVrrpJson({ ...capturedSnapshot('master'), instances: [] }, 1), undefined);
});

test('strings are escaped as JSON (keepalived\'s "\\/" kept, its backslash bug not)', () => {
  const s = capturedSnapshot('master');
  const [vi1, vi6] = s.instances;
  const odd = { ...s, instances: [{ ...vi1!, runtime: { ...vi1!.runtime, notify: { master: { argv: ['/x\\y"z\n'], uid: 0, gid: 0 } } } }, vi6!] };
  const text = renderVrrpJson(odd, 1)!;
  assert.match(text, /"script_master":"'\\\/x\\\\y\\"z\\n'"/);
  assert.equal((JSON.parse(text) as { data: JsonObject }[])[0]!.data.script_master, "'/x\\y\"z\n'");
});
