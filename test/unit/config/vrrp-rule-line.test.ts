import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile } from './vrrp-helpers.js';

/** One static_rules line: line 5, column 3. */
const staticRule = (line: string) => `track_group TG {\n  group { VI_1 }\n}\nstatic_rules {\n  ${line}\n}`;

const base = { not: false, l3mdev: false, noTrack: false, protocol: 18 };

const good: { line: string; model: object }[] = [
  { line: 'from 10.2.0.0/24 table 100 preference 100', model: { ...base, family: 4, from: { address: '10.2.0.0', prefixLen: 24 }, priority: 100, action: 'table', table: 100 } },
  {
    line: 'not to 10.8.0.0/16 fwmark 0x10/0xff iif eth1 oif eth2 lookup main priority 101 uidrange 100-200 sport 10-20 dport 80 ipproto tcp tos 0x10',
    model: {
      ...base, family: 4, not: true, to: { address: '10.8.0.0', prefixLen: 16 }, fwmark: 16, fwmask: 255, iif: 'eth1', oif: 'eth2', action: 'table', table: 'main',
      priority: 101, uidRange: { start: 100, end: 200 }, sport: { start: 10, end: 20 }, dport: { start: 80, end: 80 }, ipproto: 'tcp', tos: 16,
    },
  },
  { line: 'inet6 preference 200 goto 300 no_track', model: { ...base, family: 6, priority: 200, action: 'goto', gotoTarget: 300, noTrack: true, protocol: undefined } },
  { line: 'from all preference 300 l3mdev', model: { ...base, family: 4, from: { address: '0.0.0.0', prefixLen: 0 }, priority: 300, action: 'table', l3mdev: true } },
  { line: 'from 2001:db8::/32 preference 7 type unreachable', model: { ...base, family: 6, from: { address: '2001:db8::', prefixLen: 32 }, priority: 7, action: 'unreachable' } },
  {
    line: 'from 10.0.0.0/8 table 5 realms 3/4 suppress_prefixlength 0 suppress_ifgroup 2 tunnel-id 18446744073709551615 preference 0x10',
    model: {
      ...base, family: 4, from: { address: '10.0.0.0', prefixLen: 8 }, action: 'table', table: 5, realms: { from: 3, to: 4 }, suppressPrefixLength: 0,
      suppressIfgroup: 2, tunnelId: '18446744073709551615', priority: 16,
    },
  },
  { line: 'iif eth1 preference 9 table 9 track_group TG', model: { ...base, family: 4, iif: 'eth1', priority: 9, action: 'table', table: 9, trackGroup: 'TG' } },
];

for (const c of good) {
  test(`rule line: ${c.line}`, () => {
    const r = compile(staticRule(c.line));
    assert.deepEqual(r.problems, []);
    const model = Object.fromEntries(Object.entries(c.model).filter(([, v]) => v !== undefined));
    assert.deepEqual(r.config.staticRules, [model]);
    assertRoundTrip(r.config);
  });
}

test('rule line: rules without a preference get keepalived\'s running value per family, with its warning', () => {
  const r = compile('static_rules {\n  from 10.0.0.0/8 table 5\n  from 2001::/16 table 6\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress { 10.0.0.1 }\n  virtual_rules {\n    to 10.1.0.0/16 table 7\n  }\n}');
  assert.deepEqual(r.problems, [
    't.conf:2:3: warning: static_rules: Rule has no preference specified - setting to 16384. This is probably not what you want.',
    't.conf:3:3: warning: static_rules: Rule has no preference specified - setting to 16384. This is probably not what you want.',
    't.conf:10:5: warning: virtual_rules: Rule has no preference specified - setting to 16383. This is probably not what you want.',
  ]);
  assert.deepEqual(r.config.staticRules.map((x) => x.priority), [16384, 16384]);
  assert.equal(r.config.vrrpInstances[0]!.vrules[0]!.priority, 16383);
  assertRoundTrip(r.config);
});

const bad: { line: string; problem: string }[] = [
  { line: 'from 10.0.0.0/8 preference 5', problem: 't.conf:5:3: error: static_rules: No action specified for rule (table, goto, nop, blackhole, unreachable, prohibit or l3mdev)' },
  { line: 'table 5 goto 6 preference 1', problem: 't.conf:5:11: error: static_rules: Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule' },
  { line: 'goto 5', problem: 't.conf:5:3: error: static_rules: Invalid rule - goto target 5 specified without preference' },
  { line: 'preference 10 goto 5', problem: 't.conf:5:3: error: static_rules: Invalid rule - preference 10 >= goto target 5' },
  { line: 'table 0 preference 5', problem: 't.conf:5:9: error: static_rules: Table 0 is not valid' },
  { line: 'preference 5 nop realms 5', problem: 't.conf:5:20: error: static_rules: realms can only be used with a table action' },
  { line: 'from 10.0.0.0/8 to 2001::/16 table 1 preference 1', problem: 't.conf:5:22: error: static_rules: rule specification has mixed IPv4 and IPv6' },
  {
    line: 'preference 1 table 1 protocol 5',
    problem: 't.conf:5:33: error: static_rules: Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18); add no_track or drop the protocol',
  },
  { line: 'preference 1 table 1 ipproto 200', problem: 't.conf:5:32: error: static_rules: Invalid ipproto 200 (0..127)' },
  { line: 'preference 1 table 1 sport 70000', problem: 't.conf:5:30: error: static_rules: invalid sport range 70000' },
  { line: 'preference 1 table 1 uidrange 5', problem: 't.conf:5:33: error: static_rules: Invalid uidrange 5 specified (expected START-END)' },
  { line: 'preference 1 table 1 fwmark 1/2/3', problem: 't.conf:5:31: error: static_rules: Invalid rule fwmark 1/2/3 specified' },
  { line: 'preference 1 table 1 frob', problem: 't.conf:5:24: error: static_rules: Unknown rule option frob' },
  { line: 'preference 1 table 1 track_group TG', problem: 't.conf:5:36: error: static_rules: Static rule cannot have track_group if dev/iif not specified' },
  { line: 'l3mdev table 5 preference 1', problem: 't.conf:5:10: error: static_rules: Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule' },
];

for (const c of bad) {
  test(`rule line rejected: ${c.line}`, () => {
    const r = compile(staticRule(c.line));
    assert.deepEqual(r.problems, [c.problem]);
    assert.equal(r.config.staticRules.length, 0);
  });
}
