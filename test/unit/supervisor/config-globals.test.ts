import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { rootBlock } from '../../../src/config/root.js';
import { daemonGlobals } from '../../../src/supervisor/config-globals.js';
import { DEFAULT_GLOBALS } from '../../../src/supervisor/daemon-config.js';

test('an empty keepalived.conf gives keepalived\'s defaults', () => {
  assert.deepEqual(daemonGlobals(rootBlock.create()), {
    ...DEFAULT_GLOBALS,
    umask: 0o177,
    tuning: {
      vrrp: { noSwap: false, rlimitRttimeUs: 10_000 },
      checker: { noSwap: false, rlimitRttimeUs: 10_000 },
      bfd: { noSwap: false, rlimitRttimeUs: 10_000 },
    },
    // keepalived: max_auto_priority 0 (with its start-up NOTICE), min_auto_priority_delay 1 s
    autoPriority: { maxPriority: 0, minDelayUs: 1_000_000, notice: true },
  });
});

test('max_auto_priority and min_auto_priority_delay: -1 never raises and silences the NOTICE, the delay is µs', () => {
  const c = rootBlock.create();
  c.global.maxAutoPriority = 10;
  c.global.minAutoPriorityDelayMs = 2.5;
  assert.deepEqual(daemonGlobals(c).autoPriority, { maxPriority: 10, minDelayUs: 2500, notice: false });
  c.global.maxAutoPriority = -1;
  assert.deepEqual(daemonGlobals(c).autoPriority, { maxPriority: 0, minDelayUs: 2500, notice: false });
});

test('the daemon statements, scripts, dumps and per-child tuning are carried over', () => {
  const c = rootBlock.create();
  c.instanceName = 'nodeA';
  c.netNamespace = 'blue';
  c.usePidDir = true;
  c.childWaitTimeMs = 7000;
  c.global.startupScript = { argv: ['/etc/ka/up.sh', 'x y'], user: 'svc', group: 'staff' };
  c.global.startupScriptTimeoutMs = 3000;
  c.global.enableScriptSecurity = true;
  c.global.scriptUser = { user: 'ka' };
  c.global.umask = 0o022;
  c.global.dataUseInstance = true;
  c.global.stateDumpFile = '/var/run/ka/';
  c.global.processName = 'ka-parent';
  c.global.vrrpProcess = { priority: -10, noSwap: true, rtPriority: 20, cpuAffinity: [1, 3], rlimitRttimeUs: 20_000, name: 'ka-vrrp' };
  c.global.checkerProcess = { ...c.global.checkerProcess, priority: 5 };
  const g = daemonGlobals(c);
  assert.equal(g.instance, 'nodeA');
  assert.equal(g.netns, 'blue');
  assert.equal(g.childWaitTimeMs, 7000);
  assert.deepEqual(g.startupScript, { argv: ['/etc/ka/up.sh', 'x y'], user: 'svc', group: 'staff' });
  assert.equal(g.startupScriptTimeoutMs, 3000);
  assert.equal(g.shutdownScript, undefined);
  assert.equal(g.scriptSecurity, true);
  assert.deepEqual(g.scriptUser, { user: 'ka' });
  assert.equal(g.umask, 0o022);
  assert.equal(g.stateDumpFile, '/var/run/ka/');
  assert.equal(g.processName, 'ka-parent');
  assert.deepEqual(g.tuning.vrrp, { nice: -10, rtPriority: 20, rlimitRttimeUs: 20_000, noSwap: true, cpuAffinity: [1, 3], processName: 'ka-vrrp' });
  assert.deepEqual(g.tuning.checker, { nice: 5, noSwap: false, rlimitRttimeUs: 10_000 });
});
