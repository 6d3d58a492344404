import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCHEDULERS } from '../../../src/check/config/virtual-server.js';
import { assertRoundTrip, compile, vs } from './check-helpers.js';

const RS = '  real_server 10.0.1.1 80 {\n  }';

test('virtual_server: the CORE and COMMON keywords, with keepalived defaults for the rest', () => {
  const r = compile(
    [
      'virtual_server 192.168.200.15 80 {',
      '  delay_loop 30',
      '  lb_algo wrr',
      '  lb_kind DR',
      '  persistence_timeout 50',
      '  persistence_granularity 255.255.255.0',
      '  protocol tcp',
      '  connect_timeout 2.5',
      '  retry 2',
      '  delay_before_retry 0.5',
      '  alpha',
      '  inhibit_on_failure',
      '  ha_suspend',
      '  quorum 2',
      '  hysteresis 1',
      '  quorum_up "/bin/up \'a b\'" nobody',
      '  quorum_down /bin/down',
      '  virtualhost www.example.com',
      '  sorry_server 192.168.100.100 80',
      '  real_server 192.168.100.2 80 {',
      '    weight 2',
      '  }',
      '  real_server 192.168.100.3 {',
      '  }',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  const v = r.config.virtualServers[0]!;
  const { realServers, sorryServer, ...rest } = v;
  assert.deepEqual(rest, {
    service: { type: 'address', address: '192.168.200.15', family: 4, port: 80 },
    family: 4,
    protocol: 'TCP',
    scheduler: 'wrr',
    ops: false,
    flag1: false,
    flag2: false,
    flag3: false,
    shPort: false,
    shFallback: false,
    mhPort: false,
    mhFallback: false,
    hashed: false,
    forwarding: { method: 'DR' },
    persistenceTimeoutMs: 50_000,
    persistenceGranularity: { family: 4, netmask: '255.255.255.0' },
    delayLoopMs: 30_000,
    connectTimeoutMs: 2500,
    retry: 2,
    delayBeforeRetryMs: 500,
    alpha: true,
    omega: false,
    inhibitOnFailure: true,
    haSuspend: true,
    quorum: 2,
    hysteresis: 1,
    quorumUp: { argv: ['/bin/up', 'a b'], user: 'nobody' },
    quorumDown: { argv: ['/bin/down'] },
    weight: 1,
    virtualhost: 'www.example.com',
    effective: { smtpAlert: false },
  });
  assert.deepEqual(sorryServer, { address: '192.168.100.100', family: 4, port: 80, inhibit: false, effective: { forwarding: { method: 'DR' } } });
  // Direct routing: the port-less real server takes the service's port; weights and inhibit come from the VS.
  assert.deepEqual(
    realServers.map((rs) => [rs.address, rs.port, rs.effective]),
    [
      ['192.168.100.2', 80, { weight: 2, forwarding: { method: 'DR' }, inhibitOnFailure: true, smtpAlert: true }],
      ['192.168.100.3', 80, { weight: 1, forwarding: { method: 'DR' }, inhibitOnFailure: true, smtpAlert: true }],
    ],
  );
  assertRoundTrip(r.config);
});

test('virtual_server: every scheduler keepalived knows', () => {
  for (const s of SCHEDULERS) {
    const r = compile(vs(RS).replace('lvs_sched rr', `lvs_sched ${s}`));
    assert.deepEqual(r.problems, [], s);
    assert.equal(r.config.virtualServers[0]!.scheduler, s);
  }
});

const forwarding: { text: string; model: unknown }[] = [
  { text: 'NAT', model: { method: 'NAT' } },
  { text: 'TUN', model: { method: 'TUN', tunnel: { type: 'ipip', checksum: 'nocsum' } } },
  { text: 'TUN type ipip nocsum', model: { method: 'TUN', tunnel: { type: 'ipip', checksum: 'nocsum' } } },
  { text: 'TUN type gue port 6080', model: { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'nocsum' } } },
  { text: 'TUN type gue port 6080 remcsum', model: { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'remcsum' } } },
  { text: 'TUN csum type gre', model: { method: 'TUN', tunnel: { type: 'gre', checksum: 'csum' } } },
];

for (const f of forwarding) {
  test(`virtual_server: lvs_method ${f.text}`, () => {
    const r = compile(vs(RS).replace('lvs_method NAT', `lvs_method ${f.text}`));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.virtualServers[0]!.forwarding, f.model);
    assertRoundTrip(r.config);
  });
}

/** Bad statements at line 5 of a minimal virtual server: the exact message each gives. */
const bad: { line: string; problem: string }[] = [
  { line: 'lvs_sched foo', problem: "5:13: error: lvs_sched: invalid value 'foo' (expected one of rr|wrr|lc|wlc|lblc|sh|mh|dh|fo|ovf|lblcr|sed|nq|twos)" },
  { line: 'lvs_method FOO', problem: '5:14: error: lvs_method: unknown [FOO] routing method for virtual server (expected NAT|DR|TUN)' },
  { line: 'lvs_method DR type gue', problem: "5:17: error: lvs_method: tunnel option 'type' only applies to TUN forwarding" },
  { line: 'lvs_method TUN type', problem: '5:18: error: lvs_method: Missing tunnel type for virtual server' },
  { line: 'lvs_method TUN type vxlan', problem: '5:23: error: lvs_method: Unknown tunnel type vxlan for virtual server (expected ipip|gue|gre)' },
  { line: 'lvs_method TUN type gue', problem: '5:14: error: lvs_method: gue tunnels require port, otherwise cannot have port' },
  { line: 'lvs_method TUN port 80', problem: '5:14: error: lvs_method: gue tunnels require port, otherwise cannot have port' },
  { line: 'lvs_method TUN type gue port 0', problem: '5:32: error: lvs_method: Invalid gue tunnel port 0 for virtual server (1..65535)' },
  { line: 'lvs_method TUN csum', problem: '5:14: error: lvs_method: ipip tunnels do not support checksum option' },
  { line: 'lvs_method TUN type gre remcsum', problem: '5:14: error: lvs_method: gre tunnels do not support remote checksum option' },
  { line: 'lvs_method TUN fast', problem: '5:18: error: lvs_method: Invalid tunnel option fast for virtual server' },
  { line: 'protocol ICMP', problem: "5:12: error: protocol: invalid value 'ICMP' (expected one of TCP|UDP|SCTP)" },
  { line: 'persistence_timeout 0', problem: "5:23: error: persistence_timeout: number '0' outside range [1, 2678400]" },
  { line: 'persistence_granularity 24', problem: '5:3: warning: virtual_server: Invalid IPv4 persistence_granularity specified - 24' },
  { line: 'persistence_granularity 255.255.x.0', problem: '5:27: error: persistence_granularity: Invalid IPv4 persistence_granularity specified - 255.255.x.0' },
  { line: 'persistence_engine abcdefghijklmnop', problem: '5:22: error: persistence_engine: persistence_engine name too long - abcdefghijklmnop (at most 15 characters)' },
  { line: 'delay_loop 0', problem: "5:14: error: delay_loop: number '0' outside range [0.000001, 4294967295] seconds" },
  { line: 'connect_timeout 5000', problem: "5:19: error: connect_timeout: number '5000' outside range [0.000001, 4294.967295] seconds" },
  { line: 'retry 0', problem: "5:9: error: retry: number '0' outside range [1, 4294967295]" },
  { line: 'quorum 0', problem: "5:10: error: quorum: number '0' outside range [1, 4294967295]" },
  { line: 'weight 0', problem: "5:10: error: weight: number '0' outside range [1, 2147483647]" },
  { line: 'inhibit_on_failure no', problem: "5:22: error: inhibit_on_failure: 'inhibit_on_failure' takes no parameter" },
  { line: 'alpha yes', problem: "5:9: error: alpha: 'alpha' takes no parameter" },
  { line: 'smtp_alert maybe', problem: "5:14: error: smtp_alert: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)" },
  { line: 'virtualhost', problem: '5:3: error: virtualhost: missing parameter' },
  { line: 'snmp_name a b', problem: "5:15: error: snmp_name: unexpected extra parameter 'b'" },
  { line: 'ip_family ipv6', problem: "5:13: error: ip_family: invalid value 'ipv6' (expected one of inet|inet6)" },
  { line: 'ip_family inet6', problem: '5:3: warning: virtual_server: Virtual server specified family inet6 conflicts with server family' },
  { line: 'sh-port', problem: '5:3: error: sh-port: sh-port only applies to sh scheduler (set lvs_sched first) - ignoring' },
  { line: 'hashed', problem: '5:3: error: hashed: hashed only applies to sh/mh scheduler (set lvs_sched first) - ignoring' },
  { line: 'ops', problem: '5:3: warning: virtual_server: Virtual server [10.0.0.1]:tcp:80: one packet scheduling requires UDP - resetting' },
  { line: 'sorry_server_inhibit', problem: '5:3: error: sorry_server_inhibit: Ignoring sorry_server inhibit used before or without sorry_server' },
  { line: 'sorry_server_lvs_method DR', problem: '5:3: error: sorry_server_lvs_method: sorry_server forwarding used without sorry_server' },
  { line: 'sorry_server 2001:db8::1 80', problem: "5:3: warning: virtual_server: Address family of virtual server and sorry server 2001:db8::1 don't match - skipping sorry server" },
  { line: 'sorry_server 10.0.0.300', problem: "5:16: error: sorry_server: invalid sorry server IP address '10.0.0.300'" },
  { line: 'quorum_up', problem: '5:3: error: quorum_up: missing script command' },
  { line: 'real_server 10.0.1.2 80 {\n    bogus 1\n  }', problem: "6:5: warning: Unknown keyword 'bogus'" },
];

for (const c of bad) {
  test(`virtual_server: ${c.line.split('\n')[0]}`, () => {
    const r = compile(vs(`  ${c.line}\n${RS}`));
    assert.deepEqual(r.problems, [`t.conf:${c.problem}`]);
  });
}

test('virtual_server: keepalived reports a missing protocol, scheduler and forwarding method, and substitutes UDP, wlc and NAT', () => {
  const r = compile(`virtual_server 10.0.0.1 80 {\n${RS}\n}`);
  assert.deepEqual(r.problems, [
    't.conf:1:1: error: virtual_server: Virtual server [10.0.0.1]:none:80: no protocol set (keepalived would default to UDP)',
    "t.conf:1:1: error: virtual_server: Virtual server [10.0.0.1]:udp:80: no scheduler set (keepalived would use 'wlc')",
    't.conf:1:1: error: virtual_server: Virtual server [10.0.0.1]:udp:80: no forwarding method set (keepalived would use NAT)',
  ]);
  const v = r.config.virtualServers[0]!;
  assert.deepEqual([v.protocol, v.scheduler, v.forwarding], ['UDP', 'wlc', { method: 'NAT' }]);
  assertRoundTrip(r.config); // the substitutes are printed, so the printed text is clean
});

test('virtual_server: persistence_timeout alone is 360 s; a port-less service must be persistent', () => {
  const r = compile(vs(`  persistence_timeout\n${RS}`, '10.0.0.1') + '\n' + vs(RS, '10.0.0.2'));
  assert.deepEqual(r.problems, ['t.conf:9:1: warning: virtual_server: Virtual server [10.0.0.2]:tcp:0: zero port only valid for persistent services - setting']);
  assert.deepEqual(r.config.virtualServers.map((v) => v.persistenceTimeoutMs), [360_000, 360_000]);
  // A port-less NAT service leaves its real servers' ports as written.
  assert.equal(r.config.virtualServers[0]!.realServers[0]!.port, 80);
  assertRoundTrip(r.config);
});

test('virtual_server: persistence_granularity alone makes the service persistent; IPv6 takes a prefix length', () => {
  const r = compile(vs(`  persistence_granularity 64\n  real_server 2001:db8::2 80 {\n  }`, '2001:db8::1 80'));
  assert.deepEqual(r.problems, []);
  const v = r.config.virtualServers[0]!;
  assert.deepEqual([v.family, v.persistenceGranularity, v.persistenceTimeoutMs], [6, { family: 6, prefixLen: 64 }, 360_000]);
  assertRoundTrip(r.config);
});

test('virtual_server: sh/mh flags need their scheduler first; hashed is accepted there', () => {
  const r = compile(vs(`  sh-port\n  sh-fallback\n  hashed\n  flag-1\n${RS}`).replace('lvs_sched rr', 'lvs_sched sh'));
  assert.deepEqual(r.problems, []);
  const v = r.config.virtualServers[0]!;
  assert.deepEqual([v.shPort, v.shFallback, v.hashed, v.flag1, v.mhPort], [true, true, true, true, false]);
  assertRoundTrip(r.config);
  const late = compile(vs(`  mh-port\n  lvs_sched mh\n${RS}`));
  assert.deepEqual(late.problems, ['t.conf:5:3: error: mh-port: mh-port only applies to mh scheduler (set lvs_sched first) - ignoring']);
  const changed = compile(vs(`  lvs_sched sh\n  sh-port\n  lvs_sched rr\n${RS}`));
  assert.deepEqual(changed.problems, ['t.conf:1:1: warning: virtual_server: Virtual server [10.0.0.1]:tcp:80: sh-port only applies to sh scheduler - ignoring']);
  assert.equal(changed.config.virtualServers[0]!.shPort, false);
});

test('virtual_server: ops with UDP, sorry server with its own method and inhibit', () => {
  const r = compile(
    vs(`  ops\n  sorry_server 10.0.9.9\n  sorry_server_inhibit\n  sorry_server_lvs_method TUN type gre\n${RS}`).replace('protocol TCP', 'protocol UDP'),
  );
  assert.deepEqual(r.problems, []);
  const v = r.config.virtualServers[0]!;
  assert.equal(v.ops, true);
  // A sorry server without a port takes the service's.
  assert.deepEqual(v.sorryServer, {
    address: '10.0.9.9',
    family: 4,
    port: 80,
    inhibit: true,
    forwarding: { method: 'TUN', tunnel: { type: 'gre', checksum: 'nocsum' } },
    effective: { forwarding: { method: 'TUN', tunnel: { type: 'gre', checksum: 'nocsum' } } },
  });
  assertRoundTrip(r.config);
});

test('virtual_server: quorum above the total weight is reduced; hysteresis must stay below quorum', () => {
  const r = compile(vs(`  quorum 10\n  hysteresis 5\n  real_server 10.0.1.1 80 {\n    weight 3\n  }\n  real_server 10.0.1.2 80 {\n  }`));
  assert.deepEqual(r.problems, [
    't.conf:5:3: warning: virtual_server: quorum 10 for [10.0.0.1]:tcp:80 exceeds total weight of real servers 4, reducing quorum to 4',
    't.conf:6:3: warning: virtual_server: Virtual server [10.0.0.1]:tcp:80: hysteresis 5 >= quorum 4; setting hysteresis to 3',
  ]);
  assert.deepEqual([r.config.virtualServers[0]!.quorum, r.config.virtualServers[0]!.hysteresis], [4, 3]);
});

test('virtual_server fwmark: no protocol, ports cleared for direct routing, family from the real servers', () => {
  const r = compile(
    [
      'virtual_server fwmark 5 {', //          1
      '  lvs_sched rr',
      '  lvs_method DR',
      '  protocol TCP', //                     4
      '  real_server 2001:db8::2 80 {', //     5
      '  }',
      '  real_server 2001:db8::3 {',
      '    lvs_method NAT',
      '  }',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, [
    't.conf:4:3: warning: virtual_server: Virtual server FWM 5: protocol specified for fwmark - protocol will be ignored',
    't.conf:5:3: warning: virtual_server: fwmark virtual server FWM 5, real server [2001:db8::2]:none:80 has port specified - clearing',
  ]);
  const v = r.config.virtualServers[0]!;
  assert.deepEqual([v.protocol, v.family, v.realServers.map((rs) => rs.port)], [undefined, 6, [undefined, undefined]]);
  assert.match(assertRoundTrip(r.config), /ip_family inet6/);
});

test('virtual_server: real servers of another family are dropped unless tunnelled; duplicates are dropped', () => {
  const r = compile(
    vs(
      [
        '  real_server 2001:db8::2 80 {', // 5
        '  }',
        '  real_server 2001:db8::3 80 {', // 7
        '    lvs_method TUN',
        '  }',
        '  real_server 10.0.1.1 80 {', // 10
        '  }',
        '  real_server 10.0.1.1 80 {', // 12
        '  }',
      ].join('\n'),
    ),
  );
  assert.deepEqual(r.problems, [
    "t.conf:5:3: warning: virtual_server: Address family of virtual server and real server 2001:db8::2 don't match - skipping real server",
    't.conf:12:3: warning: real_server: VS [10.0.0.1]:tcp:80: real server [10.0.1.1]:tcp:80 is duplicated - removing second rs',
  ]);
  assert.deepEqual(r.config.virtualServers[0]!.realServers.map((rs) => rs.address), ['2001:db8::3', '10.0.1.1']);
});

test('virtual_server: a service without real servers is dropped; one defined twice gets a notice', () => {
  const r = compile(vs('') + '\n' + vs(RS) + '\n' + vs(RS));
  assert.deepEqual(r.problems, ['t.conf:1:1: warning: virtual_server: Virtual server [10.0.0.1]:tcp:80 has no real servers - ignoring']);
  assert.deepEqual(
    r.diagnostics.items.filter((d) => d.severity === 'notice' && /more than once/.test(d.message)).map((d) => `${d.loc!.line}: ${d.message}`),
    ['14: virtual server [10.0.0.1]:tcp:80 is defined more than once; IPVS accepts only the first'],
  );
  assert.equal(r.config.virtualServers.length, 2);
});

test('virtual_server: bad heads skip the whole block', () => {
  const r = compile(
    ['virtual_server 10.0.0.256 80 {', RS, '}', 'virtual_server fwmark x {', RS, '}', 'virtual_server group {', RS, '}', 'virtual_server 10.0.0.1 80 90 {', RS, '}'].join('\n'),
  );
  assert.deepEqual(r.problems, [
    't.conf:1:16: error: virtual_server: Invalid virtual server IP address 10.0.0.256',
    "t.conf:5:23: error: virtual_server: virtual server fwmark 'x' must be in [0, 4294967295]",
    't.conf:9:16: error: virtual_server: missing virtual server group name',
    "t.conf:13:28: error: virtual_server: unexpected extra parameter '90'",
  ]);
  assert.equal(r.config.virtualServers.length, 0);
});
