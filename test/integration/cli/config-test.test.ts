/**
 * `keepalived -t` and `-d` as an operator runs them, inside a namespace whose
 * interfaces the checks can see: keepalived's exit codes for each class of
 * problem, the diagnostics with file:line:col, and `-t -d` printing a config
 * that compiles back to the same model.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { compileText } from '../../../src/config/index.js';
import { sameValue } from '../../../src/config/schema/engine.js';
import { Topology, type Namespace } from '../../harness/index.js';

const BIN = resolve('bin/keepalived');

const GOOD = `global_defs {
  router_id lb1
  enable_script_security
  script_user root
}
vrrp_script chk {
  script "/bin/true"
  interval 2
  weight -20
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass secret
  }
  virtual_ipaddress {
    192.0.2.100/24 dev eth0 label eth0:vip
  }
  track_script {
    chk
  }
}
virtual_server 192.0.2.100 80 {
  delay_loop 6
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.10 80 {
    weight 2
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
`;

async function keepalivedT(ns: Namespace, dir: string, name: string, text: string, extra: string[] = []) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return ns.tryExec(['node', BIN, '-t', ...extra, '-f', file]);
}

test('keepalived -t: exit codes and diagnostics as keepalived gives them', async (t) => {
  const lab = await Topology.create(t);
  const ns = await lab.namespace('host');
  const peer = await lab.namespace('peer');
  await lab.veth(ns, 'eth0', peer, 'eth0');
  const dir = lab.directory;

  const good = await keepalivedT(ns, dir, 'good.conf', GOOD);
  assert.equal(good.code, 0, good.stderr);

  const unknown = await keepalivedT(ns, dir, 'unknown.conf', GOOD.replace('priority 150', 'priority 150\n  prority 10'));
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, new RegExp(`${join(dir, 'unknown.conf').replace(/[.]/g, '\\.')}:16:3: warning: Unknown keyword 'prority'`));

  const bad = await keepalivedT(ns, dir, 'bad.conf', GOOD.replace('priority 150', 'priority 256').replace('interval 2', 'interval x'));
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /bad\.conf:15:12: error: priority: number '256' outside range \[1, 255\]/);
  assert.match(bad.stderr, /bad\.conf:8:12: error: interval: invalid number 'x'/);

  const noIf = await keepalivedT(ns, dir, 'noif.conf', GOOD.replace('interface eth0', 'interface eth9'));
  // keepalived first warns about the interface, then finds the config unrunnable; the warning's
  // class outranks the fatal one in its status (lib/parser.c), so Debian's 2.2.7 exits 5.
  assert.equal(noIf.code, 5);
  assert.match(noIf.stderr, /Non-existent interface specified in configuration/);

  const insecure = await keepalivedT(ns, dir, 'insecure.conf', GOOD.replace('  enable_script_security\n', ''));
  assert.equal(insecure.code, 6);
  assert.match(insecure.stderr, /SECURITY VIOLATION - scripts are being executed but script_security not enabled/);

  const missing = await ns.tryExec(['node', BIN, '-t', '-f', join(dir, 'absent.conf')]);
  assert.equal(missing.code, 6);
});

test('keepalived -t -d: prints canonical text that compiles back to the same model', async (t) => {
  const lab = await Topology.create(t);
  const ns = await lab.namespace('host');
  const peer = await lab.namespace('peer');
  await lab.veth(ns, 'eth0', peer, 'eth0');
  const r = await keepalivedT(ns, lab.directory, 'good.conf', GOOD, ['-d']);
  assert.equal(r.code, 0, r.stderr);
  const original = compileText(GOOD, 'good.conf', { configId: 'x' });
  const printed = compileText(r.stdout, 'printed.conf', { configId: 'x' });
  assert.deepEqual(printed.diagnostics.items.filter((d) => d.severity !== 'notice'), []);
  assert.ok(sameValue(original.config, printed.config), r.stdout);
  assert.match(r.stdout, /^vrrp_instance VI_1 \{$/m);
});

test('keepalived --signum and option errors', async (t) => {
  const lab = await Topology.create(t);
  const ns = await lab.namespace('host');
  const json = await ns.tryExec(['node', BIN, '--signum=JSON']);
  assert.deepEqual([json.code, json.stdout], [0, '36\n']);
  const bad = await ns.tryExec(['node', BIN, '--signum=NOPE']);
  assert.deepEqual([bad.code, bad.stderr], [1, 'Unknown sigfunc NOPE\n']);
  const opt = await ns.tryExec(['node', BIN, '-Z']);
  assert.deepEqual([opt.code, opt.stderr], [1, 'Unknown option -Z\n']);
});

test('keepalived -t on every example: no error, and the exit code of Debian\'s keepalived 2.2.7', async (t) => {
  const lab = await Topology.create(t);
  const ns = await lab.namespace('host');
  const peer = await lab.namespace('peer');
  // The examples name eth0 and eth1: with both present, only keepalived's own corrections remain.
  await lab.veth(ns, 'eth0', peer, 'eth0');
  await lab.veth(ns, 'eth1', peer, 'eth1');
  const examples = readdirSync('examples').filter((f) => f.endsWith('.conf')).sort();
  assert.ok(examples.length >= 6);
  for (const name of examples) {
    const file = resolve('examples', name);
    const ours = await ns.tryExec(['node', BIN, '-t', '-f', file]);
    const theirs = await ns.tryExec(['/usr/sbin/keepalived', '-t', '-f', file]);
    assert.doesNotMatch(ours.stderr, /: error: |^fatal: /m, `${name}:\n${ours.stderr}`);
    assert.equal(ours.code, theirs.code, `${name}: keepalived-ts ${ours.code}, keepalived ${theirs.code}\n${ours.stderr}\n--- keepalived:\n${theirs.stderr}`);
  }
});
