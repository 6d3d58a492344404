/**
 * The lab's keepalived.conf goes through keepalived-ts's own compiler with no
 * error or warning, and carries what the lab relies on; the options and the
 * VRRP timing helpers check what they should.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileText, formatDiagnostic } from '../../../src/config/index.js';
import {
  BASE_PRIORITY, checkVrrpSettings, daemonArgv, DEFAULT_VRRP, INSTANCE_NAME, keepalivedConf, masterDownInterval,
  routerFiles, VIRTUAL_ROUTER_ID,
} from '../../../src/lab/config.js';
import { parseArgs, UsageError } from '../../../src/lab/main.js';
import { LAN } from '../../../src/lab/topology.js';

for (const router of ['r1', 'r2'] as const) {
  for (const settings of [DEFAULT_VRRP, { version: 2 as const, advertInt: 2 }, { version: 3 as const, advertInt: 0.25 }]) {
    test(`${router}'s config (VRRPv${settings.version}, advert ${settings.advertInt} s) compiles cleanly and says what the lab needs`, () => {
      const files = routerFiles('/tmp/kalab-1-abcdef', router);
      const result = compileText(keepalivedConf(router, files, settings), 'keepalived.conf');
      const problems = result.diagnostics.items.filter((d) => d.severity !== 'notice').map(formatDiagnostic);
      assert.deepEqual(problems, []);
      const [instance] = result.config.vrrpInstances;
      assert.ok(instance);
      assert.equal(result.config.vrrpInstances.length, 1);
      assert.equal(instance.name, INSTANCE_NAME);
      assert.equal(instance.state, 'BACKUP');
      assert.equal(instance.priority, BASE_PRIORITY[router]);
      assert.equal(instance.virtualRouterId, VIRTUAL_ROUTER_ID);
      assert.equal(instance.version, settings.version);
      assert.equal(instance.advertIntervalMs, settings.advertInt * 1000);
      assert.equal(instance.nopreempt, false);
      assert.equal(instance.notifyPriorityChanges, true);
      assert.deepEqual(instance.vips.map((v) => [v.address, v.prefixLen, v.dev]), [[LAN.vip4, 24, 'eth0']]);
      assert.deepEqual(instance.evips.map((v) => [v.address, v.prefixLen, v.dev]), [[LAN.vip6, 64, 'eth0']]);
      assert.deepEqual(result.config.trackFiles.map((t) => [t.name, t.file, t.weight.weight]), [['lab_priority', files.trackFile, 1]]);
      assert.equal(result.config.global.vrrpNotifyFifo?.path, files.fifo);
    });
  }
}

test('r1 is preferred: higher priority, shorter Master_Down_Interval', () => {
  assert.ok(BASE_PRIORITY.r1 > BASE_PRIORITY.r2);
  // RFC 5798 §6.1: 3 × interval + (256 - priority) × interval / 256.
  assert.equal(masterDownInterval({ version: 3, advertInt: 1 }, 150), 3 + 106 / 256);
  assert.equal(masterDownInterval({ version: 3, advertInt: 0.5 }, 100), 1.5 + (156 * 0.5) / 256);
  // RFC 3768 §6.1: the skew is (256 - priority) / 256 seconds whatever the interval.
  assert.equal(masterDownInterval({ version: 2, advertInt: 2 }, 100), 6 + 156 / 256);
});

test('VRRP settings the daemon could not run are refused', () => {
  assert.equal(checkVrrpSettings({ version: 3, advertInt: 1 }), null);
  assert.equal(checkVrrpSettings({ version: 3, advertInt: 0.01 }), null);
  assert.match(checkVrrpSettings({ version: 2, advertInt: 0.5 }) ?? '', /whole seconds/);
  assert.match(checkVrrpSettings({ version: 3, advertInt: 50 }) ?? '', /0\.01 to 40\.95/);
  assert.match(checkVrrpSettings({ version: 3, advertInt: 0 }) ?? '', /positive/);
});

test('the daemon runs in the foreground, VRRP only, with every pid file in the lab directory', () => {
  const files = routerFiles('/tmp/kalab-1-abcdef', 'r2');
  const ts = daemonArgv('keepalived-ts', files, '/repo/bin/keepalived');
  assert.equal(ts[0], process.execPath);
  assert.equal(ts[1], '/repo/bin/keepalived');
  const debian = daemonArgv('keepalived', files, '/repo/bin/keepalived');
  assert.equal(debian[0], '/usr/sbin/keepalived');
  for (const argv of [ts, debian]) {
    for (const flag of ['--dont-fork', '--log-console', '--vrrp', '--no-syslog']) assert.ok(argv.includes(flag), flag);
    for (const [flag, path] of [['--use-file', files.config], ['--pid', files.pidParent], ['--vrrp_pid', files.pidVrrp],
      ['--checkers_pid', files.pidChecker], ['--bfd_pid', files.pidBfd]] as const) {
      assert.equal(argv[argv.indexOf(flag) + 1], path, flag);
      assert.ok(path.startsWith('/tmp/kalab-1-abcdef/'));
    }
  }
});

test('options: defaults, --peer, --r1/--r2, timing, and usage errors', () => {
  const defaults = parseArgs([]);
  assert.notEqual(defaults, 'help');
  if (defaults === 'help') return;
  assert.deepEqual(defaults.implementations, { r1: 'keepalived-ts', r2: 'keepalived-ts' });
  assert.deepEqual(defaults.vrrp, DEFAULT_VRRP);
  assert.equal(defaults.demo, false);

  const peer = parseArgs(['--demo', '--peer', 'keepalived', '--report=/tmp/r.json', '--advert-int', '0.5']);
  assert.notEqual(peer, 'help');
  if (peer === 'help') return;
  assert.deepEqual(peer.implementations, { r1: 'keepalived-ts', r2: 'keepalived' });
  assert.equal(peer.demo, true);
  assert.equal(peer.report, '/tmp/r.json');
  assert.equal(peer.vrrp.advertInt, 0.5);

  const both = parseArgs(['--r1', 'keepalived', '--r2=ts', '--vrrp-version', '2']);
  assert.ok(both !== 'help' && both.implementations.r1 === 'keepalived' && both.implementations.r2 === 'keepalived-ts' && both.vrrp.version === 2);

  assert.equal(parseArgs(['--help']), 'help');
  assert.throws(() => parseArgs(['--peer', 'frr']), UsageError);
  assert.throws(() => parseArgs(['--peer']), /needs a value/);
  assert.throws(() => parseArgs(['--vrrp-version', '4']), /2 or 3/);
  assert.throws(() => parseArgs(['--vrrp-version', '2', '--advert-int', '0.5']), /whole seconds/);
  assert.throws(() => parseArgs(['--advert-int', 'fast']), /seconds/);
  assert.throws(() => parseArgs(['--frobnicate']), /unknown option/);
});
