import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBadCases, compile, compileClean, globals } from './global-test-helpers.js';

const child = { priority: 0, noSwap: false, cpuAffinity: [], rlimitRttimeUs: 10_000 };

test('global_defs process tuning: defaults', () => {
  const g = compileClean(globals()).global;
  assert.equal(g.processName, undefined);
  assert.deepEqual(g.vrrpProcess, child);
  assert.deepEqual(g.checkerProcess, child);
  assert.deepEqual(g.bfdProcess, child);
  assert.equal(g.maxAutoPriority, 0);
  assert.equal(g.minAutoPriorityDelayMs, 1000);
});

test('global_defs process tuning: each child gets its own settings', () => {
  const g = compileClean(
    globals(
      'process_name kad',
      'vrrp_process_name kad_vrrp',
      'checker_process_name kad_check',
      'bfd_process_name kad_bfd',
      'max_auto_priority 50',
      'min_auto_priority_delay 2500',
      'vrrp_priority -20',
      'vrrp_no_swap',
      'vrrp_rt_priority 99',
      'vrrp_cpu_affinity 3 1 3',
      'vrrp_rlimit_rttime 20000',
      'checker_priority 19',
      'checker_no_swap',
      'checker_rt_priority 1',
      'checker_cpu_affinity 0',
      'checker_rlimit_rttime 2',
      'bfd_priority -1',
      'bfd_rt_priority 50',
      'bfd_cpu_affinity 1023',
      'bfd_rlimit_rttime 4294967295',
    ),
  ).global;
  assert.equal(g.processName, 'kad');
  assert.deepEqual(g.vrrpProcess, { name: 'kad_vrrp', priority: -20, noSwap: true, rtPriority: 99, cpuAffinity: [1, 3], rlimitRttimeUs: 20_000 });
  assert.deepEqual(g.checkerProcess, { name: 'kad_check', priority: 19, noSwap: true, rtPriority: 1, cpuAffinity: [0], rlimitRttimeUs: 2 });
  assert.deepEqual(g.bfdProcess, { name: 'kad_bfd', priority: -1, noSwap: false, rtPriority: 50, cpuAffinity: [1023], rlimitRttimeUs: 4294967295 });
  assert.equal(g.maxAutoPriority, 50);
  assert.equal(g.minAutoPriorityDelayMs, 2.5);
});

test('global_defs process tuning: process_names sets keepalived’s child names; later keywords override', () => {
  const g = compileClean(globals('process_names', 'bfd_process_name mybfd')).global;
  assert.equal(g.vrrpProcess.name, 'keepalived_vrrp');
  assert.equal(g.checkerProcess.name, 'keepalived_lvs');
  assert.equal(g.bfdProcess.name, 'mybfd');
  assert.equal(g.processName, undefined);
});

test('global_defs process tuning: max_auto_priority alone means the maximum, -1 disables the warning', () => {
  assert.equal(compileClean(globals('max_auto_priority')).global.maxAutoPriority, 99);
  assert.equal(compileClean(globals('max_auto_priority -1')).global.maxAutoPriority, -1);
});

test('global_defs process tuning: deprecated spellings are noted (keepalived -t still exits 0) and still apply', () => {
  const r = compile(globals('lvs_process_name old', 'vrrp_rlimit_rtime 5000', 'checker_rlimit_rtime 6000', 'bfd_rlimit_rtime 7000'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, [
    "t.conf:2:3: notice: lvs_process_name: 'lvs_process_name' is deprecated, use 'checker_process_name'",
    "t.conf:3:3: notice: vrrp_rlimit_rtime: 'vrrp_rlimit_rtime' is deprecated, use 'vrrp_rlimit_rttime'",
    "t.conf:4:3: notice: checker_rlimit_rtime: 'checker_rlimit_rtime' is deprecated, use 'checker_rlimit_rttime'",
    "t.conf:5:3: notice: bfd_rlimit_rtime: 'bfd_rlimit_rtime' is deprecated, use 'bfd_rlimit_rttime'",
  ]);
  assert.equal(r.config.global.checkerProcess.name, 'old');
  assert.deepEqual(
    [r.config.global.vrrpProcess.rlimitRttimeUs, r.config.global.checkerProcess.rlimitRttimeUs, r.config.global.bfdProcess.rlimitRttimeUs],
    [5000, 6000, 7000],
  );
});

test('global_defs process tuning: what keepalived clamps or truncates is an error here', () => {
  assertBadCases([
    { text: globals('vrrp_rt_priority 200'), problems: ["t.conf:2:20: error: vrrp_rt_priority: number '200' outside range [1, 99]"] },
    { text: globals('checker_rt_priority 0'), problems: ["t.conf:2:23: error: checker_rt_priority: number '0' outside range [1, 99]"] },
    { text: globals('bfd_priority 20'), problems: ["t.conf:2:16: error: bfd_priority: number '20' outside range [-20, 19]"] },
    { text: globals('vrrp_priority'), problems: ['t.conf:2:3: error: vrrp_priority: missing parameter'] },
    { text: globals('vrrp_no_swap false'), problems: ["t.conf:2:16: error: vrrp_no_swap: unexpected parameter 'false' (this keyword takes none)"] },
    { text: globals('vrrp_cpu_affinity'), problems: ['t.conf:2:3: error: vrrp_cpu_affinity: No cpu_id set specified'] },
    { text: globals('vrrp_cpu_affinity 0 1024'), problems: ["t.conf:2:23: error: vrrp_cpu_affinity: number '1024' outside range [0, 1023]"] },
    { text: globals('vrrp_rlimit_rttime 1'), problems: ["t.conf:2:22: error: vrrp_rlimit_rttime: number '1' outside range [2, 4294967295]"] },
    {
      text: globals('process_name a_very_long_name_x'),
      problems: ['t.conf:2:16: error: process_name: Process name a_very_long_name_x more than 15 characters'],
    },
    { text: globals('vrrp_process_name'), problems: ['t.conf:2:3: error: vrrp_process_name: Process name missing'] },
    { text: globals('process_names x'), problems: ["t.conf:2:17: error: process_names: unexpected parameter 'x' (this keyword takes none)"] },
    { text: globals('max_auto_priority 100'), problems: ["t.conf:2:21: error: max_auto_priority: number '100' outside range [-1, 99]"] },
    {
      text: globals('min_auto_priority_delay 0'),
      problems: ["t.conf:2:27: error: min_auto_priority_delay: number '0' outside range [1, 10000000]"],
    },
  ]);
});
