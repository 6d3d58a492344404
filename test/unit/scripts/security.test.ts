import { test, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, chownSync, lchownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkScript, scriptUsable, securityViolation } from '../../../src/core/scripts/security.js';

// Real files: the checks are about real modes and owners. Tests run as root.
const base = mkdtempSync('/tmp/ka-sec-');
chmodSync(base, 0o755);
after(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function dir(mode: number): string {
  const d = join(base, `d${n++}`);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}
function script(d: string, name: string, mode: number, body = '#!/bin/sh\nexit 0\n'): string {
  const p = join(d, name);
  writeFileSync(p, body);
  chmodSync(p, mode);
  return p;
}
const asRoot = { uid: 0, gid: 0, scriptSecurity: true };

test('a root-owned script in root-owned directories is secure', () => {
  const p = script(dir(0o755), 'ok.sh', 0o755);
  const c = checkScript([p, 'arg'], asRoot);
  assert.deepEqual(c.argv, [p, 'arg']);
  assert.equal(c.flags.isScript, true);
  assert.equal(c.flags.executable, true);
  assert.equal(c.flags.insecure, false);
  assert.equal(scriptUsable(c, 'notify'), true);
  assert.deepEqual(c.messages, []);
});

test('a world-writable script is refused with the reason, as root under script security', () => {
  const p = script(dir(0o755), 'ww.sh', 0o777);
  const c = checkScript([p], asRoot);
  assert.equal(c.flags.insecure, true);
  assert.equal(c.flags.inhibit, true);
  assert.equal(scriptUsable(c, 'command'), false);
  assert.deepEqual(c.messages, [`Unsafe permissions found for script '${p}' - disabling: ${p} is writable by every user (mode 0777)`]);
});

test('without script security an insecure script is flagged but still runs', () => {
  const p = script(dir(0o755), 'ww2.sh', 0o777);
  const c = checkScript([p], { ...asRoot, scriptSecurity: false });
  assert.equal(c.flags.insecure, true);
  assert.equal(c.flags.inhibit, false);
  assert.equal(scriptUsable(c, 'command'), true);
  assert.match(c.messages[0]!, /^Unsafe permissions found for script '.*ww2\.sh': .* writable by every user/);
  assert.equal(
    securityViolation([c], false),
    'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.',
  );
  assert.equal(securityViolation([c], true), undefined);
});

test('a writable directory without the sticky bit makes the path insecure; with it, not', () => {
  const open = dir(0o777);
  const p = script(open, 's.sh', 0o755);
  const c = checkScript([p], asRoot);
  assert.equal(c.flags.inhibit, true);
  assert.match(c.messages[0]!, new RegExp(`directory ${open} is writable by every user and has no sticky bit \\(mode 0777\\)`));

  const sticky = dir(0o1777);
  assert.equal(checkScript([script(sticky, 's.sh', 0o755)], asRoot).flags.insecure, false);
});

test('owner and group rules', () => {
  const d = dir(0o755);
  const owned = script(d, 'owned.sh', 0o755);
  chownSync(owned, 65534, 0);
  assert.match(checkScript([owned], asRoot).messages[0]!, /owned\.sh is owned by uid 65534, not root \(mode 0755\)/);

  const groupW = script(d, 'gw.sh', 0o775);
  chownSync(groupW, 0, 65534);
  assert.match(checkScript([groupW], asRoot).messages[0]!, /gw\.sh is writable by group 65534 \(mode 0775\)/);

  const rootGroupW = script(d, 'rgw.sh', 0o775);
  assert.equal(checkScript([rootGroupW], asRoot).flags.insecure, false);
});

test('scripts run without root power are not path-checked (keepalived only protects root)', () => {
  const p = script(dir(0o755), 'ww3.sh', 0o777);
  const c = checkScript([p], { uid: 65534, gid: 65534, scriptSecurity: true });
  assert.equal(c.flags.insecure, false);
  assert.equal(scriptUsable(c, 'command'), true);
});

test('a symlink keeps its name when it sits in the target directory, and both are checked', () => {
  const d = dir(0o755);
  const real = script(d, 'real.sh', 0o755);
  symlinkSync('real.sh', join(d, 'alias.sh'));
  const c = checkScript([join(d, 'alias.sh')], asRoot);
  assert.equal(c.argv[0], join(d, 'alias.sh'));
  assert.equal(c.flags.insecure, false);

  lchownSync(join(d, 'alias.sh'), 65534, 65534);
  const bad = checkScript([join(d, 'alias.sh')], asRoot);
  assert.equal(bad.flags.inhibit, true);
  assert.match(bad.messages[0]!, /alias\.sh is owned by uid 65534/);

  // a link elsewhere runs the canonical file
  const other = dir(0o755);
  symlinkSync(real, join(other, 'far.sh'));
  assert.equal(checkScript([join(other, 'far.sh')], asRoot).argv[0], real);
});

test('not executable, not found, wrong type', () => {
  const d = dir(0o755);
  const p = script(d, 'noexec.sh', 0o644);
  const c = checkScript([p], asRoot);
  assert.equal(c.flags.executable, false);
  assert.equal(scriptUsable(c, 'command'), false);
  assert.deepEqual(c.messages, [`WARNING - script '${p}' is not executable for uid:gid 0:0 - disabling.`]);

  const missing = checkScript([join(d, 'missing.sh')], asRoot);
  assert.equal(missing.flags.notFound, true);
  assert.match(missing.messages[0]!, /cannot be accessed - ENOENT/);

  const sub = join(d, 'subdir');
  mkdirSync(sub);
  const dirScript = checkScript([sub], asRoot);
  assert.equal(scriptUsable(dirScript, 'command'), false);
});

test('bare names are searched in PATH with keepalived\'s warning', () => {
  const d = dir(0o755);
  script(d, 'mytool', 0o755);
  const c = checkScript(['mytool', '-x'], { ...asRoot, searchPath: `/nonexistent:${d}` });
  assert.deepEqual(c.argv, [join(d, 'mytool'), '-x']);
  assert.equal(c.messages[0], `WARNING - script \`mytool\` resolved by path search to \`${join(d, 'mytool')}\`. Please specify full path.`);

  const none = checkScript(['no-such-tool'], { ...asRoot, searchPath: d });
  assert.equal(none.flags.notFound, true);
  assert.deepEqual(none.messages, ['Cannot find script no-such-tool in path - disabling']);

  script(d, 'plainfile', 0o644);
  assert.match(checkScript(['plainfile'], { ...asRoot, searchPath: d }).messages[0]!, /^Permissions failure for script plainfile in path/);
});

test('the </path form is usable by track scripts only', () => {
  const c = checkScript(['</etc/hostname'], asRoot);
  assert.equal(c.fileTestPath, '/etc/hostname');
  assert.equal(scriptUsable(c, 'command'), true);
  assert.equal(scriptUsable(c, 'notify'), false);
  assert.equal(c.flags.isScript, false);
});

test('a script without #! gets keepalived\'s shebang hint', () => {
  const p = script(dir(0o755), 'nosb.sh', 0o755, 'exit 0\n');
  assert.deepEqual(checkScript([p], asRoot).messages, [`Please add a #! shebang to script ${p} (it will be run by /bin/sh)`]);
});
