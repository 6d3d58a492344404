import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import type { HostEnvironment } from '../../../src/config/fragment.js';
import { globalFragment } from '../../../src/config/global/index.js';
import { assertBadCases, compile, compileClean, globals } from './global-test-helpers.js';

const fakeHost = (users: string[], groups: string[]): HostEnvironment => ({
  interfaceExists: () => true,
  userExists: (u) => users.includes(u),
  groupExists: (g) => groups.includes(g),
});

test('global_defs scripts: defaults', () => {
  const g = compileClean(globals()).global;
  assert.equal(g.scriptUser, undefined);
  assert.equal(g.enableScriptSecurity, false);
  assert.equal(g.startupScript, undefined);
  assert.equal(g.startupScriptTimeoutMs, 10_000);
  assert.equal(g.shutdownScriptTimeoutMs, 10_000);
  assert.equal(g.useSymlinkPaths, false);
  assert.equal(g.setSupplementaryGroups, false);
});

test('global_defs scripts: users, security and start/stop scripts', () => {
  const g = compileClean(
    globals(
      'script_user keepalived_script nogroup',
      'enable_script_security',
      'startup_script "/etc/keepalived/up.sh \'a b\'" root',
      'startup_script_timeout 30',
      'shutdown_script /etc/keepalived/down.sh',
      'shutdown_script_timeout 1000',
      'use_symlink_paths',
      'set_supplementary_groups true',
    ),
  ).global;
  assert.deepEqual(g.scriptUser, { user: 'keepalived_script', group: 'nogroup' });
  assert.equal(g.enableScriptSecurity, true);
  assert.deepEqual(g.startupScript, { argv: ['/etc/keepalived/up.sh', 'a b'], user: 'root' });
  assert.equal(g.startupScriptTimeoutMs, 30_000);
  assert.deepEqual(g.shutdownScript, { argv: ['/etc/keepalived/down.sh'] });
  assert.equal(g.shutdownScriptTimeoutMs, 1_000_000);
  assert.equal(g.useSymlinkPaths, true);
  assert.equal(g.setSupplementaryGroups, true);
});

test('global_defs FIFOs: FIFO [USER [GROUP]] and their scripts', () => {
  const g = compileClean(
    globals(
      'notify_fifo /run/keepalived.fifo nobody nogroup',
      'notify_fifo_script "/usr/local/bin/fifo-reader -v"',
      'vrrp_notify_fifo /run/vrrp.fifo',
      'vrrp_notify_fifo_script /usr/local/bin/vrrp-reader nobody',
      'vrrp_notify_priority_changes',
      'fifo_write_vrrp_states_on_reload',
    ),
  ).global;
  assert.deepEqual(g.notifyFifo, { path: '/run/keepalived.fifo', user: 'nobody', group: 'nogroup' });
  assert.deepEqual(g.notifyFifoScript, { argv: ['/usr/local/bin/fifo-reader', '-v'] });
  assert.deepEqual(g.vrrpNotifyFifo, { path: '/run/vrrp.fifo' });
  assert.deepEqual(g.vrrpNotifyFifoScript, { argv: ['/usr/local/bin/vrrp-reader'], user: 'nobody' });
  assert.equal(g.vrrpNotifyPriorityChanges, true);
  assert.equal(g.fifoWriteVrrpStatesOnReload, true);
});

test('global_defs FIFOs: the VRRP FIFO is dropped when it is the global FIFO, as keepalived does', () => {
  const r = compile(globals('notify_fifo /run/k.fifo', 'vrrp_notify_fifo /run/k.fifo', 'vrrp_notify_fifo_script /bin/reader'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, [
    't.conf:3:3: notice: vrrp_notify_fifo: notify FIFO /run/k.fifo has been specified for global and vrrp FIFO - ignoring vrrp FIFO',
  ]);
  assert.equal(r.config.global.vrrpNotifyFifo, undefined);
  assert.equal(r.config.global.vrrpNotifyFifoScript, undefined);
});

test('global_defs FIFOs: a FIFO script without its FIFO never runs', () => {
  const r = compile(globals('notify_fifo_script /bin/reader'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.notices, ['t.conf:2:3: notice: notify_fifo_script: notify_fifo_script is never run without notify_fifo']);
});

test('global_defs scripts and FIFOs: bad values', () => {
  assertBadCases([
    { text: globals('script_user'), problems: ['t.conf:2:3: error: script_user: missing user name'] },
    { text: globals('script_user a b c'), problems: ["t.conf:2:19: error: script_user: unexpected extra parameter 'c'"] },
    { text: globals('enable_script_security yes'), problems: ["t.conf:2:26: error: enable_script_security: 'enable_script_security' takes no parameter"] },
    { text: globals('startup_script'), problems: ['t.conf:2:3: error: startup_script: missing script command'] },
    {
      text: globals('startup_script /bin/a', 'startup_script /bin/b'),
      problems: ['t.conf:3:3: error: startup_script: startup script already specified'],
    },
    { text: globals('startup_script_timeout 0'), problems: ["t.conf:2:26: error: startup_script_timeout: number '0' outside range [1, 1000]"] },
    { text: globals('shutdown_script_timeout 1001'), problems: ["t.conf:2:27: error: shutdown_script_timeout: number '1001' outside range [1, 1000]"] },
    { text: globals('notify_fifo'), problems: ['t.conf:2:3: error: notify_fifo: missing FIFO name'] },
    {
      text: globals('notify_fifo /a u g x'),
      problems: ["t.conf:2:22: error: notify_fifo: unexpected extra parameter 'x' (expected: FIFO [USER [GROUP]])"],
    },
    { text: globals('notify_fifo /a', 'notify_fifo /b'), problems: ['t.conf:3:3: error: notify_fifo: notify_fifo already specified'] },
    {
      text: globals('vrrp_notify_fifo_script /a', 'vrrp_notify_fifo_script /b', 'vrrp_notify_fifo /f'),
      problems: ['t.conf:3:3: error: vrrp_notify_fifo_script: vrrp_notify_fifo_script already specified'],
    },
    {
      text: globals('fifo_write_vrrp_states_on_reload on'),
      problems: ["t.conf:2:36: error: fifo_write_vrrp_states_on_reload: 'fifo_write_vrrp_states_on_reload' takes no parameter"],
    },
    { text: globals('use_symlink_paths maybe'), problems: ["t.conf:2:21: error: use_symlink_paths: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)"] },
  ]);
});

test('global_defs: the scripts hook lists start/stop and FIFO scripts with their owners', () => {
  const config = compileClean(
    globals('startup_script /bin/up', 'shutdown_script /bin/down', 'notify_fifo /f', 'notify_fifo_script /bin/r', 'vrrp_notify_fifo /v', 'vrrp_notify_fifo_script /bin/v'),
  );
  const uses = globalFragment.scripts!(config);
  assert.deepEqual(
    uses.map((u) => [u.what, u.script.argv[0], u.field]),
    [
      ['startup_script', '/bin/up', 'startupScript'],
      ['shutdown_script', '/bin/down', 'shutdownScript'],
      ['notify_fifo_script', '/bin/r', 'notifyFifoScript'],
      ['vrrp_notify_fifo_script', '/bin/v', 'vrrpNotifyFifoScript'],
    ],
  );
  for (const u of uses) assert.equal(u.owner, config.global);
});

test('global_defs: the environment check wants script_user and FIFO owners to exist', () => {
  const r = compile(globals('script_user ghost', 'notify_fifo /f nobody nogroup', 'vrrp_notify_fifo /v spectre'));
  assert.deepEqual(r.problems, []);
  const diags = new Diagnostics();
  globalFragment.checkEnvironment!(r.config, { host: fakeHost(['nobody'], []), diags, locations: r.locations });
  assert.deepEqual(diags.items.map(formatDiagnostic), [
    "t.conf:2:3: error: script_user: Error setting global script uid/gid: no user 'ghost'",
    "t.conf:3:3: warning: notify_fifo: Invalid group 'nogroup' for fifo /f - the FIFO will not be used",
    "t.conf:4:3: warning: vrrp_notify_fifo: Invalid user 'spectre' for fifo /v - the FIFO will not be used",
  ]);
  const clean = new Diagnostics();
  globalFragment.checkEnvironment!(r.config, { host: fakeHost(['ghost', 'nobody', 'spectre'], ['nogroup']), diags: clean, locations: r.locations });
  assert.deepEqual(clean.items, []);
});
