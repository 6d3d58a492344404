import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, vs } from './check-helpers.js';

/** Each entry line of a group, as the model holds it. */
const goodEntries: { line: string; entry: unknown; printed?: string }[] = [
  { line: '10.0.0.1 80', entry: { kind: 'range', family: 4, first: '10.0.0.1', last: '10.0.0.1', port: 80 } },
  { line: '10.0.0.1', entry: { kind: 'range', family: 4, first: '10.0.0.1', last: '10.0.0.1' } },
  { line: '10.0.0.1 0', entry: { kind: 'range', family: 4, first: '10.0.0.1', last: '10.0.0.1' }, printed: '10.0.0.1' },
  { line: '192.168.200.1-10 80', entry: { kind: 'range', family: 4, first: '192.168.200.1', last: '192.168.200.10', port: 80 } },
  { line: '192.168.200.250-192.168.201.10 443', entry: { kind: 'range', family: 4, first: '192.168.200.250', last: '192.168.201.10', port: 443 } },
  { line: '192.168.200.1-192.168.200.9 80', entry: { kind: 'range', family: 4, first: '192.168.200.1', last: '192.168.200.9', port: 80 }, printed: '192.168.200.1-9 80' },
  { line: '192.168.202.8/29 80', entry: { kind: 'range', family: 4, first: '192.168.202.8', last: '192.168.202.15', prefixLen: 29, port: 80 } },
  { line: '10.1.0.0/16', entry: { kind: 'range', family: 4, first: '10.1.0.0', last: '10.1.255.255', prefixLen: 16 } },
  { line: '2001:db8::1-ff 80', entry: { kind: 'range', family: 6, first: '2001:db8::1', last: '2001:db8::ff', port: 80 } },
  { line: '2001:DB8::10-2001:db8::1:0 80', entry: { kind: 'range', family: 6, first: '2001:db8::10', last: '2001:db8::1:0', port: 80 }, printed: '2001:db8::10-2001:db8::1:0 80' },
  { line: '2001:db8::/126 53', entry: { kind: 'range', family: 6, first: '2001:db8::', last: '2001:db8::3', prefixLen: 126, port: 53 } },
  { line: 'fwmark 7', entry: { kind: 'fwmark', fwmark: 7 } },
  { line: 'fwmark 0 inet', entry: { kind: 'fwmark', fwmark: 0, family: 4 } },
  { line: 'fwmark 4294967295 inet6', entry: { kind: 'fwmark', fwmark: 4294967295, family: 6 } },
];

for (const c of goodEntries) {
  test(`virtual_server_group: '${c.line}'`, () => {
    const r = compile(`virtual_server_group G {\n  ${c.line}\n}`);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.virtualServerGroups, [{ name: 'G', entries: [c.entry] }]);
    assert.equal(assertRoundTrip(r.config), `virtual_server_group G {\n  ${c.printed ?? c.line.replace('2001:DB8', '2001:db8')}\n}\n`);
  });
}

const badEntries: { line: string; problem: string }[] = [
  { line: '10.0.0.300 80', problem: 'Invalid virtual server group IP address 10.0.0.300' },
  { line: '10.0.0.1 65536', problem: "invalid port '65536' (1..65535)" },
  { line: '10.0.0.1 80 90', problem: "unexpected extra parameter '90'" },
  { line: '10.0.0.5-5 80', problem: 'Address range end is not greater than address range start - 10.0.0.5-5' },
  { line: '10.0.0.5-256 80', problem: "Virtual server group range '10.0.0.5-256' end '256' too large" },
  { line: '10.0.0.5-1x 80', problem: "Virtual server group range '10.0.0.5-1x' has extra characters at end" },
  { line: '10.0.0.5-10.0.0.4 80', problem: 'Address range end is less than address range start - 10.0.0.5-10.0.0.4' },
  { line: '10.0.0.5-10.0.0.x 80', problem: 'Invalid range end 10.0.0.5-10.0.0.x' },
  { line: '10.0.0.1/24 80', problem: 'Address mask bits not empty - 10.0.0.1/24' },
  { line: '10.0.0.0/0 80', problem: 'Invalid netmask - 10.0.0.0/0 (1..32)' },
  { line: '10.0.0.0/33 80', problem: 'Invalid netmask - 10.0.0.0/33 (1..32)' },
  { line: '2001:db8::1-10000 80', problem: "Virtual server group range '2001:db8::1-10000' end '10000' too large" },
  { line: 'fwmark', problem: 'missing fwmark value' },
  { line: 'fwmark 4294967296', problem: "fwmark '4294967296' must be in [0, 4294967295]" },
  { line: 'fwmark 1 ipv4', problem: "fwmark '1' family ipv4 unknown (expected inet|inet6)" },
];

for (const c of badEntries) {
  test(`virtual_server_group: bad entry '${c.line}'`, () => {
    const r = compile(`virtual_server_group G {\n  ${c.line}\n  10.9.9.9 80\n}`);
    // The bad line is reported and dropped; the group keeps its other entries.
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /^t\.conf:2:\d+: error: virtual_server_group: /);
    assert.equal(r.problems[0]!.replace(/^.*virtual_server_group: /, ''), c.problem);
    assert.equal(r.config.virtualServerGroups[0]!.entries.length, 1);
  });
}

test('virtual_server_group: an empty group, or one mixing IPv4, IPv6 and a family-less fwmark, is dropped', () => {
  const r = compile('virtual_server_group E {\n}\nvirtual_server_group M {\n  10.0.0.1 80\n  2001:db8::1 80\n  fwmark 3\n}\nvirtual_server_group E {\n  10.0.0.1 80\n}');
  assert.deepEqual(r.problems, [
    't.conf:1:1: warning: virtual_server_group: virtual server group E has no entries - removing',
    't.conf:3:1: warning: virtual_server_group: virtual server group M cannot have IPv4, IPv6 and fwmark without family - removing',
  ]);
  assert.deepEqual(r.config.virtualServerGroups.map((g) => g.name), ['E']);
});

test('virtual_server_group: a second group of the same name is an error', () => {
  const r = compile('virtual_server_group G {\n  10.0.0.1 80\n}\nvirtual_server_group G {\n  10.0.0.2 80\n}');
  assert.deepEqual(r.problems, ["t.conf:4:1: error: virtual_server_group: duplicate virtual_server_group 'G'"]);
});

test('virtual_server group: the group must exist, and its entries set the rules', () => {
  const r = compile(
    [
      vs('  real_server 10.1.0.1 80 {\n  }', 'group NOPE'), // 1-7
      'virtual_server_group G {', // 8
      '  10.0.0.1-4 80', // 9
      '}',
      'virtual_server group G {', // 11
      '  lvs_sched rr',
      '  lvs_method NAT',
      '  real_server 10.1.0.1 80 {', // 14
      '  }',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, [
    't.conf:1:1: warning: virtual_server: Virtual server group NOPE specified but not configured - ignoring virtual server [NOPE]:0',
    't.conf:11:1: error: virtual_server: Virtual server [G]:0: no protocol set (keepalived would default to UDP)',
  ]);
  assert.equal(r.config.virtualServers.length, 1);
  const v = r.config.virtualServers[0]!;
  assert.deepEqual([v.service, v.family, v.protocol], [{ type: 'group', name: 'G' }, 4, 'UDP']);
});

test('virtual_server group: families must agree; a group without ports needs persistence; fwmark-only groups take no protocol', () => {
  const r = compile(
    [
      'virtual_server_group V6 {', // 1
      '  2001:db8::1 80',
      '}',
      'virtual_server_group NP {', // 4
      '  10.0.0.1',
      '}',
      'virtual_server_group FW {', // 7
      '  fwmark 5',
      '}',
      vs('  real_server 10.1.0.1 80 {\n  }', 'group V6'), // 10-16
      vs('  real_server 10.1.0.1 80 {\n  }', 'group NP'), // 17-23
      vs('  ha_suspend\n  real_server 10.1.0.1 80 {\n  }', 'group FW'), // 24-31
    ].join('\n'),
  );
  assert.deepEqual(r.problems, [
    "t.conf:10:1: warning: virtual_server: V6: address family doesn't match virtual server [V6]:0 - ignoring",
    't.conf:17:1: warning: virtual_server: Virtual server [NP]:0: zero port only valid for persistent services - setting',
    't.conf:27:3: warning: virtual_server: Virtual server [FW]:0: protocol specified for fwmark - protocol will be ignored',
    't.conf:28:3: warning: virtual_server: Virtual server [FW]:0: cannot use ha_suspend with fwmarks - clearing ha_suspend',
  ]);
  assert.deepEqual(
    r.config.virtualServers.map((v) => [v.service.type === 'group' && v.service.name, v.persistenceTimeoutMs, v.protocol, v.haSuspend]),
    [
      ['NP', 360_000, 'TCP', false],
      ['FW', 0, undefined, false],
    ],
  );
  assertRoundTrip(compile(assertRoundTrip(r.config)).config);
});

test('virtual_server group: with only tunnelled servers the group decides the family; a mixed group keeps none', () => {
  const r = compile(
    [
      'virtual_server_group MIX {',
      '  10.0.0.1 80',
      '  2001:db8::1 80',
      '  fwmark 4 inet6',
      '}',
      'virtual_server_group V6 {',
      '  2001:db8::1 80',
      '}',
      vs('  real_server 10.1.0.1 {\n    lvs_method TUN\n  }', 'group MIX'),
      vs('  real_server 10.1.0.1 80 {\n    lvs_method TUN\n  }', 'group V6'),
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.virtualServers.map((v) => v.family), [undefined, 6]);
  const text = assertRoundTrip(r.config);
  assert.match(text, /virtual_server group V6 \{\n(.*\n)*  ip_family inet6\n/);
});
