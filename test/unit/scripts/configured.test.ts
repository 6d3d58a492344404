import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScriptUsers, type AccountLookup } from '../../../src/core/scripts/accounts.js';
import { checkConfiguredScripts } from '../../../src/core/scripts/configured.js';

const dir = mkdtempSync('/tmp/ka-cfgs-');
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));
function script(name: string, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, mode);
  return p;
}
const accounts: AccountLookup = {
  user: (n) => (n === 'root' ? { name: 'root', uid: 0, gid: 0 } : n === 'svc' ? { name: 'svc', uid: 900, gid: 900 } : undefined),
  group: (n) => (n === 'root' ? 0 : undefined),
};
const ok = script('ok.sh', 0o755);
const ww = script('ww.sh', 0o777);

test('each script: who runs it, whether it may, and why not', () => {
  const users = new ScriptUsers({ scriptSecurity: true, scriptUser: { user: 'root' }, self: { uid: 0, gid: 0 }, accounts });
  const r = checkConfiguredScripts(
    [
      { script: { argv: [ok, 'x'] }, field: 'script', what: 'vrrp_script chk_ok' },
      { script: { argv: [ww] }, field: 'notifyMaster', what: 'notify_master of VI_1' },
      { script: { argv: ['</etc/hostname'] }, field: 'notifyBackup', what: 'notify_backup of VI_1' },
      { script: { argv: ['</etc/hostname'] }, field: 'script', what: 'vrrp_script chk_file' },
      { script: { argv: [ok], user: 'ghost' }, field: 'script', what: 'vrrp_script chk_ghost' },
      { script: { argv: [ww], user: 'svc' }, field: 'script', what: 'vrrp_script chk_svc' },
    ],
    users,
  );
  const runnable = r.scripts.map((s) => s.run !== undefined);
  assert.deepEqual(runnable, [true, false, false, true, false, true]);
  assert.deepEqual(r.scripts[0]!.run, { name: 'vrrp_script chk_ok', argv: [ok, 'x'], uid: 0, gid: 0 });
  assert.match(r.scripts[1]!.messages[0]!, /^notify_master of VI_1: Unsafe permissions found for script '.*ww\.sh' - disabling: .* writable by every user \(mode 0777\)$/);
  assert.equal(r.scripts[2]!.messages.at(-1), 'notify_backup of VI_1: disabled');
  assert.match(r.scripts[4]!.messages[0]!, /script user 'ghost' does not exist - disabling/);
  // run as svc, a world-writable script is keepalived's business no more
  assert.deepEqual({ uid: r.scripts[5]!.run!.uid, gid: r.scripts[5]!.run!.gid }, { uid: 900, gid: 900 });
  assert.equal(r.violation, undefined);
});

test('without enable_script_security: SECURITY VIOLATION, naming insecure scripts', () => {
  const users = new ScriptUsers({ scriptSecurity: false, self: { uid: 0, gid: 0 }, accounts });
  const r = checkConfiguredScripts([{ script: { argv: [ww] }, field: 'script', what: 'vrrp_script chk_ww' }], users);
  assert.ok(r.scripts[0]!.run);
  assert.equal(r.violation, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.');
});
