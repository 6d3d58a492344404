import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedConfigAdapter } from '../../../src/supervisor/keepalived-config.js';
import { childrenToRun, modeFromFlags } from '../../../src/supervisor/roles.js';
import { diffConfigFiles } from '../../../src/supervisor/reload.js';

const dir = mkdtempSync('/tmp/ka-kconf-');
after(() => rmSync(dir, { recursive: true, force: true }));
function conf(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const adapter = keepalivedConfigAdapter({ configId: 'test' });

const BASE = `
global_defs {
  enable_script_security
  script_user root
  startup_script "/bin/true start" root
  vrrp_priority -5
}
instance nodeA
child_wait_time 3
vrrp_instance VI_1 {
  interface lo
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.1/32
  }
}
`;

test("a keepalived.conf gives the children to run and the parent's settings", async () => {
  const r = await adapter.load(conf('a.conf', BASE));
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  assert.deepEqual(adapter.summary(r.config), { vrrpInstances: 1, staticBlocks: 0, virtualServers: 0, bfdInstances: 0 });
  assert.deepEqual(childrenToRun(modeFromFlags([]), adapter.summary(r.config)), ['vrrp']);
  const g = adapter.globals(r.config);
  assert.equal(g.instance, 'nodeA');
  assert.equal(g.childWaitTimeMs, 3000);
  assert.equal(g.usePidDir, true);
  assert.equal(g.scriptSecurity, true);
  assert.deepEqual(g.startupScript, { argv: ['/bin/true', 'start'], user: 'root' });
  assert.equal(g.tuning.vrrp.nice, -5);
  assert.equal(adapter.part(r.config, 'vrrp'), r.config);
});

test('an error refuses the config with file:line:col; a missing file too', async () => {
  const bad = conf('bad.conf', BASE.replace('priority 100', 'priority 300'));
  const r = await adapter.load(bad);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.errors.some((e) => e.startsWith(`${bad}:13:12: error: priority`) && /error/.test(e)), !r.ok ? r.errors.join('\n') : '');
  const missing = await adapter.load(join(dir, 'nope.conf'));
  assert.equal(missing.ok, false);
  const tolerant = keepalivedConfigAdapter({ configId: 'test', refuse: 'fatal' });
  assert.equal((await tolerant.load(bad)).ok, true);
});

test('--diff on two keepalived.conf files, and what a reload may not change', async () => {
  const a = conf('d1.conf', BASE);
  const b = conf('d2.conf', BASE.replace('priority 100', 'priority 150').replace('instance nodeA', 'instance nodeB'));
  const r = await diffConfigFiles(adapter, a, b);
  assert.ok(r.ok);
  assert.ok(r.lines.some((l) => /~ .*vrrpInstances VI_1 priority: 100 -> 150/.test(l)), r.lines.join('\n'));
  assert.ok(r.lines.includes('! Cannot change instance name at a reload - please restart keepalived'));
});

test('the scripts a keepalived.conf lists go through the script checks', async () => {
  const { fragments } = await import('../../../src/config/root.js');
  const { ScriptUsers, systemAccounts } = await import('../../../src/core/scripts/accounts.js');
  const { checkConfiguredScripts } = await import('../../../src/core/scripts/configured.js');
  const file = conf('scripts.conf', `${BASE}
vrrp_script chk_true {
  script "/bin/true arg"
  interval 1
}
`);
  const r = await adapter.load(file);
  assert.ok(r.ok);
  const uses = fragments.flatMap((f) => f.scripts?.(r.config) ?? []);
  const users = new ScriptUsers({ scriptSecurity: true, scriptUser: { user: 'root' }, self: { uid: 0, gid: 0 }, accounts: systemAccounts });
  const checked = checkConfiguredScripts(uses, users);
  const chk = checked.scripts.find((s) => s.use.what === 'vrrp_script chk_true');
  assert.ok(chk?.run, JSON.stringify(checked.scripts.map((s) => s.messages)));
  assert.equal(chk.run.argv[1], 'arg');
});
