import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { ScriptUsers, systemAccounts, type AccountLookup } from '../../../src/core/scripts/accounts.js';

function lookup(users: Record<string, [number, number]>, groups: Record<string, number>): AccountLookup {
  return {
    user: (name) => (users[name] ? { name, uid: users[name]![0], gid: users[name]![1] } : undefined),
    group: (name) => groups[name],
  };
}
const self = { uid: 0, gid: 0 };

test('a per-script user wins, with its primary group unless one is given', () => {
  const users = new ScriptUsers({ scriptSecurity: true, self, accounts: lookup({ alice: [1000, 1000] }, { staff: 50 }) });
  assert.deepEqual(users.forScript({ user: 'alice' }), { ok: true, uid: 1000, gid: 1000, source: 'script' });
  assert.deepEqual(users.forScript({ user: 'alice', group: 'staff' }), { ok: true, uid: 1000, gid: 50, source: 'script' });
  const bad = users.forScript({ user: 'bob' });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.message, /script user 'bob' does not exist/);
  assert.equal(users.forScript({ user: 'alice', group: 'nogroup' }).ok, false);
});

test('the default is script_user, then keepalived_script, then (only without security) ourselves', () => {
  const accounts = lookup({ svc: [900, 900], keepalived_script: [901, 901] }, {});
  assert.deepEqual(new ScriptUsers({ scriptSecurity: true, self, accounts, scriptUser: { user: 'svc' } }).forScript(undefined), {
    ok: true, uid: 900, gid: 900, source: 'script_user',
  });
  assert.deepEqual(new ScriptUsers({ scriptSecurity: true, self, accounts }).forScript(undefined), {
    ok: true, uid: 901, gid: 901, source: 'keepalived_script',
  });
  const none = lookup({}, {});
  assert.deepEqual(new ScriptUsers({ scriptSecurity: false, self, accounts: none }).forScript(undefined), {
    ok: true, uid: 0, gid: 0, source: 'self',
  });
  const refused = new ScriptUsers({ scriptSecurity: true, self, accounts: none }).forScript(undefined);
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.message, /keepalived_script/);
  // an unknown script_user disables every default-user script, it does not fall back
  assert.equal(new ScriptUsers({ scriptSecurity: false, self, accounts, scriptUser: { user: 'ghost' } }).forScript(undefined).ok, false);
});

test('the system lookup reads the real account databases', () => {
  assert.deepEqual(systemAccounts.user('root'), { name: 'root', uid: 0, gid: 0 });
  assert.equal(systemAccounts.group('root'), 0);
  assert.equal(systemAccounts.user('no-such-user-ka-ts'), undefined);
});
