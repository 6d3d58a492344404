/**
 * The no_accept firewall: the nft text (golden), who filters (keepalived's accept-mode
 * defaults), name checks, and the runner's serialising and coalescing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteTable, droppedAddresses, FirewallModelError, renderRuleset } from '../../../src/vrrp/firewall/ruleset.js';
import { NftError, NftRunner, nftProcess } from '../../../src/vrrp/firewall/nft-runner.js';
import { VrrpFirewall } from '../../../src/vrrp/firewall/vrrp-firewall.js';

const model = {
  instances: [
    { name: 'VI_1', accept: false, owner: false, addresses: [
      { address: '192.0.2.10', family: 4 as const, dev: 'eth0' },
      { address: '2001:db8::10', family: 6 as const, dev: 'eth0' },
      { address: 'fe80::10', family: 6 as const, dev: 'vrrp.51' },
    ] },
    { name: 'VI_2', accept: true, owner: false, addresses: [{ address: '192.0.2.20', family: 4 as const, dev: 'eth0' }] },
    { name: 'VI_3', accept: false, owner: true, addresses: [{ address: '192.0.2.30', family: 4 as const, dev: 'eth0' }] },
    { name: 'VI_4', accept: false, owner: false, addresses: [{ address: '192.0.2.10', family: 4 as const, dev: 'eth1' }] },
  ],
  vmacs: [{ name: 'vrrp.51', family: 4 as const }],
};

test('the ruleset: one inet table replaced atomically, drop sets for no_accept non-owners, ND allowed, VMAC reports dropped', () => {
  assert.equal(renderRuleset(model), `table inet keepalived_ts {}
delete table inet keepalived_ts
table inet keepalived_ts {
  set vips4 {
    type ipv4_addr
    elements = { 192.0.2.10 }
  }
  set vips6 {
    type ipv6_addr
    elements = { 2001:db8::10 }
  }
  set vips6_ll {
    type ipv6_addr . ifname
    elements = { fe80::10 . "vrrp.51" }
  }
  set vmacs {
    type ifname
    elements = { "vrrp.51" }
  }
  chain in {
    type filter hook input priority -1; policy accept;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    ip daddr @vips4 drop
    ip6 daddr @vips6 drop
    ip6 daddr . iifname @vips6_ll drop
  }
  chain out {
    type filter hook output priority -1; policy accept;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    ip saddr @vips4 drop
    ip6 saddr @vips6 drop
    ip6 saddr . oifname @vips6_ll drop
    oifname @vmacs ip protocol igmp drop
    oifname @vmacs icmpv6 type { mld-listener-report, mld2-listener-report, nd-router-solicit } drop
  }
}
`);
});

test('options: table name, priority, counters; empty sets carry no elements line', () => {
  const text = renderRuleset({ table: 'kt_test', priority: -150, counters: true, instances: [], vmacs: [] });
  assert.match(text, /^table inet kt_test \{\}\ndelete table inet kt_test\ntable inet kt_test \{/);
  assert.match(text, /hook input priority -150; policy accept;/);
  assert.match(text, /ip daddr @vips4 counter drop/);
  assert.doesNotMatch(text, /elements/);
  assert.equal(deleteTable('kt_test'), 'table inet kt_test {}\ndelete table inet kt_test\n');
});

test('droppedAddresses: only no_accept non-owners, deduplicated', () => {
  assert.deepEqual(droppedAddresses(model), { v4: ['192.0.2.10'], v6: ['2001:db8::10'], v6LinkLocal: [{ address: 'fe80::10', dev: 'vrrp.51' }] });
});

test('names that could smuggle nft syntax are refused', () => {
  assert.throws(() => renderRuleset({ table: 'x; flush ruleset', instances: [], vmacs: [] }), FirewallModelError);
  assert.throws(() => renderRuleset({ instances: [], vmacs: [{ name: 'a"b', family: 4 }] }), FirewallModelError);
  assert.throws(() => renderRuleset({ priority: 1.5, instances: [], vmacs: [] }), FirewallModelError);
});

test('the runner runs one nft at a time and only the newest waiting text; every caller learns the outcome', async () => {
  const ran: string[] = [];
  let release!: () => void;
  const runner = new NftRunner(async (text) => {
    ran.push(text);
    if (text === 'A') await new Promise<void>((r) => { release = r; });
    if (text === 'BAD') throw new NftError('nope', 1, 'syntax error');
  });
  const a = runner.apply('A');
  const b = runner.apply('B');
  const c = runner.apply('C');
  await new Promise((r) => setImmediate(r));
  release();
  await Promise.all([a, b, c]);
  assert.deepEqual(ran, ['A', 'C']);
  assert.equal(runner.stats.coalesced, 1);
  assert.equal(runner.lastApplied, 'C');
  await assert.rejects(runner.apply('BAD'), NftError);
  assert.equal(runner.lastApplied, 'C');
});

test('VrrpFirewall: nothing to filter removes any old table once; a change re-renders; stop removes the table', async () => {
  const ran: string[] = [];
  const fw = new VrrpFirewall(new NftRunner(async (t) => { ran.push(t); }), { table: 'kt_unit' });
  await fw.sync();
  await fw.sync();
  assert.deepEqual(ran, [deleteTable('kt_unit')], 'leftovers of an earlier run removed, once');
  fw.setInstance('VI_1', false, false, [{ address: '192.0.2.10', family: 4, dev: 'eth0' }]);
  await fw.sync();
  await fw.sync();
  assert.equal(ran.length, 2, 'the same text is not applied twice');
  assert.match(ran[1]!, /elements = \{ 192.0.2.10 \}/);
  await fw.stop();
  assert.equal(ran[2], deleteTable('kt_unit'));
});

test('a missing nft binary is a clear error, not a crash', async () => {
  const exec = nftProcess({ command: '/nonexistent/nft' });
  await assert.rejects(exec('table inet x {}\n'), (e: unknown) => e instanceof NftError && /install the nftables package/.test(e.message));
});
