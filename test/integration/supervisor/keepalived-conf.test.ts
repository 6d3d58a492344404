/**
 * The daemon on real keepalived.conf files (lexer + compiler behind the
 * keepalived adapter): children chosen from the config, a reload with a bad
 * value refused with its file:line:col, a good one applied as a diff, and
 * each of examples/ started and stopped.
 *
 * The VRRP child acts on the network (VIPs, adverts), so every daemon here runs
 * its children in a network namespace of its own (-s), with the interfaces the
 * configuration names; the host's interfaces are never touched.
 */
import { test, afterEach } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestDaemon, waitFor } from '../../harness/supervisor/daemon-process.js';
import { keepalivedConfigAdapter } from '../../../src/supervisor/keepalived-config.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

const CONF = `global_defs {
  router_id test
}
vrrp_instance VI_1 {
  interface lo
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.1/32
  }
}
virtual_server 192.0.2.1 80 {
  delay_loop 6
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.10 80 {
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
`;

let daemon: TestDaemon | undefined;
const namespaces: string[] = [];
afterEach(() => {
  daemon?.cleanup();
  daemon = undefined;
  for (const ns of namespaces.splice(0)) spawnSync('ip', ['netns', 'del', ns]);
});

let nsCounter = 0;
/** A namespace of this test run with loopback up and a veth pair eth0 <-> eth1 (what the examples name). */
function labNamespace(): string {
  const ns = `kaconf${process.pid}x${++nsCounter}`;
  const run = (...args: string[]) => assert.equal(spawnSync('ip', args).status, 0, `ip ${args.join(' ')}`);
  run('netns', 'add', ns);
  namespaces.push(ns);
  run('-n', ns, 'link', 'set', 'lo', 'up');
  run('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
  run('-n', ns, 'link', 'set', 'eth0', 'up');
  run('-n', ns, 'link', 'set', 'eth1', 'up');
  run('-n', ns, 'address', 'add', '192.168.200.1/24', 'dev', 'eth0');
  run('-n', ns, 'address', 'add', '10.20.40.1/24', 'dev', 'eth1');
  return ns;
}

/** Replaces the config atomically, as an editor or config management would. */
function writeConf(d: TestDaemon, text: string): void {
  writeFileSync(`${d.configFile}.new`, text);
  renameSync(`${d.configFile}.new`, d.configFile);
}

test('keepalived.conf: children from the config, a bad reload refused with file:line:col, a good one applied', { timeout: 30_000 }, async () => {
  daemon = new TestDaemon();
  writeConf(daemon, CONF);
  daemon.start({ namespace: labNamespace() }, { args: ['--keepalived-conf'] });
  await daemon.waitForLine(/Startup complete/, 10_000);
  assert.ok(daemon.childPid('VRRP') && daemon.childPid('Healthcheck'));
  assert.equal(daemon.childPid('BFD'), undefined);

  writeConf(daemon, CONF.replace('priority 100', 'priority 300'));
  let from = daemon.lines.length;
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/config\.json:7:12: error: priority: number '300' outside range \[1, 255\]/, 5000, from);
  await daemon.waitForLine(/Reload failed: .* keeping the running configuration \(generation 0\)/, 5000, from);

  writeConf(daemon, CONF.replace('priority 100', 'priority 150'));
  from = daemon.lines.length;
  daemon.signal('SIGHUP');
  await daemon.waitForLine(/Reload complete/, 8000, from);
  const data = daemon.path('keepalived.data');
  if (existsSync(data)) unlinkSync(data);
  daemon.signal('SIGUSR1');
  await waitFor(() => existsSync(data), 3000, 'the VRRP dump');
  // The VRRP child's keepalived.data shows the instance with its new priority.
  assert.match(readFileSync(data, 'utf8'), /^ VRRP Instance = VI_1\n(?: {3}.*\n)*? {3}Priority = 150\n/m);
  assert.ok(daemon.matching(/VRRP changes:/, from).length === 1, 'the VRRP child logged the difference');
  daemon.signal('SIGTERM');
  assert.equal(await daemon.waitForExit(), 0);
});

test('every example that compiles starts the children it needs and stops cleanly', { timeout: 120_000 }, async (t) => {
  // Loaded as the daemon loads it: inside a namespace, so the host's interfaces do not decide.
  const adapter = keepalivedConfigAdapter({ configId: 'test', namespace: 'any' });
  for (const name of readdirSync(EXAMPLES).filter((f) => f.endsWith('.conf')).sort()) {
    const loaded = await adapter.load(`${EXAMPLES}${name}`);
    if (!loaded.ok) {
      t.diagnostic(`${name}: refused (${loaded.errors.filter((e) => / (error|fatal): /.test(e)).length} error(s)), as it should be`);
      continue;
    }
    const s = adapter.summary(loaded.config);
    daemon = new TestDaemon();
    writeConf(daemon, readFileSync(`${EXAMPLES}${name}`, 'utf8'));
    daemon.start({ namespace: labNamespace() }, { args: ['--keepalived-conf'] });
    await daemon.waitForLine(/Startup complete/, 10_000);
    assert.equal(daemon.childPid('VRRP') !== undefined, s.vrrpInstances + s.staticBlocks > 0, name);
    assert.equal(daemon.childPid('Healthcheck') !== undefined, s.virtualServers > 0, name);
    daemon.signal('SIGTERM');
    assert.equal(await daemon.waitForExit(), 0, name);
    daemon.cleanup();
    daemon = undefined;
  }
});
