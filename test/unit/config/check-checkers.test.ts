import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFragment, type CheckFragment } from '../../../src/check/config/index.js';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { assertRoundTrip, compile, vs, withChecker } from './check-helpers.js';

function firstChecker(text: string) {
  const r = compile(text);
  return { r, c: r.config.virtualServers[0]?.realServers[0]?.checkers[0] };
}

test('TCP_CHECK: the connection options', () => {
  const { r, c } = firstChecker(
    withChecker('    TCP_CHECK {\n      connect_ip 10.0.2.2\n      connect_port 8080\n      bindto 10.0.0.5\n      bind_port 4000\n      bind_if eth0\n      connect_timeout 3\n      fwmark 7\n    }'),
  );
  assert.deepEqual(r.problems, []);
  assert.ok(c && c.type === 'TCP_CHECK');
  assert.deepEqual(
    { ...c, effective: undefined },
    { type: 'TCP_CHECK', connectIp: '10.0.2.2', connectPort: 8080, bindTo: '10.0.0.5', bindPort: 4000, bindIf: 'eth0', connectTimeoutMs: 3000, fwmark: 7, effective: undefined },
  );
  assert.deepEqual(c.effective.connection, { address: '10.0.2.2', family: 4, port: 8080, bindTo: '10.0.0.5', bindPort: 4000, bindIf: 'eth0', timeoutMs: 3000, fwmark: 7 });
  assertRoundTrip(r.config);
});

test('TCP_CHECK: by default it connects to the real server', () => {
  const { c } = firstChecker(withChecker('    TCP_CHECK {\n    }', '10.0.1.9 443'));
  assert.ok(c && c.type === 'TCP_CHECK');
  assert.deepEqual(c.effective.connection, { address: '10.0.1.9', family: 4, port: 443, timeoutMs: 5000, fwmark: 0 });
});

const badConnection: { checker: string; problem: string }[] = [
  { checker: 'TCP_CHECK {\n      connect_ip 10.0.0\n    }', problem: "7:18: error: connect_ip: invalid IP address '10.0.0'" },
  { checker: 'TCP_CHECK {\n      connect_port 0\n    }', problem: "7:20: error: connect_port: number '0' outside range [1, 65535]" },
  { checker: 'TCP_CHECK {\n      bind_if averyveryverylongname\n    }', problem: '7:15: error: bind_if: Interface name averyveryverylongname is too long (at most 15 characters)' },
  { checker: 'TCP_CHECK {\n      connect_timeout 0\n    }', problem: "7:23: error: connect_timeout: number '0' outside range [0.000001, 4294.967295] seconds" },
  { checker: 'TCP_CHECK {\n      retry -1\n    }', problem: "7:13: error: retry: negative number '-1'" },
  { checker: 'TCP_CHECK {\n      bindto 2001:db8::1\n    }', problem: '6:5: warning: TCP_CHECK: bindto address 2001:db8::1 does not match address family of the real server 10.0.1.1 - removing TCP_CHECK' },
  { checker: 'PING_CHECK {\n      connect_ip fe80::1\n    }', problem: '6:5: warning: PING_CHECK: Checker link local address fe80::1 requires a bind_if - removing PING_CHECK' },
];

for (const c of badConnection) {
  test(`checker connection: ${c.checker.split('\n')[1]!.trim()}`, () => {
    const r = compile(withChecker(`    ${c.checker}`));
    assert.deepEqual(r.problems, [`t.conf:${c.problem}`]);
  });
}

test('checkers: one without a port to connect to gets a notice (keepalived says nothing and connects to port 0)', () => {
  const r = compile(vs('  real_server 10.0.1.1 {\n    TCP_CHECK {\n    }\n    PING_CHECK {\n    }\n  }', 'fwmark 1').replace('protocol TCP\n', '').replace('lvs_method NAT', 'lvs_method DR'));
  assert.deepEqual(r.problems, []);
  const notices = r.diagnostics.items.filter((d) => d.severity === 'notice' && d.keyword === 'TCP_CHECK' && /no port/.test(d.message)).map(formatDiagnostic);
  assert.deepEqual(notices, ['t.conf:5:5: notice: TCP_CHECK: TCP_CHECK has no port to connect to: set connect_port or give the real server a port']);
});

test('checkers: several per real server, in order, each type printed in place', () => {
  const { r } = firstChecker(withChecker('    PING_CHECK {\n    }\n    TCP_CHECK {\n    }\n    PING_CHECK {\n      retry 2\n    }'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.virtualServers[0]!.realServers[0]!.checkers.map((c) => c.type), ['PING_CHECK', 'TCP_CHECK', 'PING_CHECK']);
  assert.match(assertRoundTrip(r.config), /PING_CHECK \{\n\s*\}\n\s*TCP_CHECK \{\n\s*\}\n\s*PING_CHECK \{\n\s*retry 2\n/);
});

test('MISC_CHECK: its keywords; no connection options; the timeout defaults to the virtual server delay_loop', () => {
  const { r, c } = firstChecker(
    withChecker('    MISC_CHECK {\n      misc_path "/usr/local/bin/check \'a b\'"\n      misc_timeout 5\n      misc_dynamic\n      user nobody nogroup\n      connect_port 80\n    }'),
  );
  assert.deepEqual(r.problems, ["t.conf:11:7: warning: Unknown keyword 'connect_port'"]);
  assert.ok(c && c.type === 'MISC_CHECK');
  assert.deepEqual([c.script, c.timeoutMs, c.dynamic, c.user, c.group, c.effective.timeoutMs], [{ argv: ['/usr/local/bin/check', 'a b'] }, 5000, true, 'nobody', 'nogroup', 5000]);
  const noPath = compile(withChecker('    MISC_CHECK {\n      misc_timeout 5\n    }'));
  assert.deepEqual(noPath.problems, ['t.conf:6:5: warning: MISC_CHECK: No script path has been specified for MISC_CHECKER - skipping']);
  const unquoted = compile(withChecker('    MISC_CHECK {\n      misc_path /bin/check arg\n    }'));
  assert.deepEqual(unquoted.problems, [
    `t.conf:7:28: warning: misc_path: only '/bin/check' is run: keepalived ignores 'arg' here; quote the whole command line to pass arguments ("/bin/check arg")`,
  ]);
  const bad = compile(withChecker('    MISC_CHECK {\n      misc_path /bin/true\n      misc_timeout 5000\n      misc_dynamic 1\n      user\n    }'));
  assert.deepEqual(bad.problems, [
    "t.conf:8:20: error: misc_timeout: number '5000' outside range [0, 4294]",
    "t.conf:9:20: error: misc_dynamic: 'misc_dynamic' takes no parameter",
    't.conf:10:7: error: user: No user specified',
  ]);
});

test('SMTP_CHECK: helo_name; the old host block is an unknown keyword', () => {
  const { r, c } = firstChecker(withChecker('    SMTP_CHECK {\n      helo_name mx.example.com\n      host {\n        connect_ip 10.0.0.9\n      }\n    }', '10.0.1.1 25'));
  assert.deepEqual(r.problems, ["t.conf:8:7: warning: Unknown keyword 'host'"]);
  assert.ok(c && c.type === 'SMTP_CHECK');
  assert.equal(c.heloName, 'mx.example.com');
  const d = firstChecker(withChecker('    SMTP_CHECK {\n    }', '10.0.1.1 25')).c;
  assert.ok(d && d.type === 'SMTP_CHECK');
  assert.equal(d.heloName, 'smtpchecker.keepalived.org');
});

test('DNS_CHECK: type and name', () => {
  const { r, c } = firstChecker(withChecker('    DNS_CHECK {\n      type aaaa\n      name www.example.com\n    }', '10.0.1.1 53'));
  assert.deepEqual(r.problems, []);
  assert.ok(c && c.type === 'DNS_CHECK');
  assert.deepEqual([c.queryType, c.name], ['AAAA', 'www.example.com']);
  assertRoundTrip(r.config);
  const d = firstChecker(withChecker('    DNS_CHECK {\n    }', '10.0.1.1 53')).c;
  assert.ok(d && d.type === 'DNS_CHECK');
  assert.deepEqual([d.queryType, d.name], ['SOA', '.']);
  const bad = compile(withChecker('    DNS_CHECK {\n      type SRV\n      name a..b\n      name .x\n      name ok.\n      name again\n    }', '10.0.1.1 53'));
  assert.deepEqual(bad.problems, [
    "t.conf:7:12: error: type: invalid value 'SRV' (expected one of A|NS|CNAME|SOA|MX|TXT|AAAA|RRSIG|DNSKEY)",
    "t.conf:8:12: error: name: DNS_CHECK name 'a..b' has empty label",
    "t.conf:9:12: error: name: DNS_CHECK name '.x' has empty label",
    't.conf:11:7: error: name: DNS_CHECK name already specified - ignoring',
  ]);
});

test('UDP_CHECK: hex payload, a reply pattern with wildcards, reply lengths', () => {
  const { r, c } = firstChecker(
    withChecker('    UDP_CHECK {\n      payload Ab12f 3 456 546443123\n      require_reply 0a Xb ff\n      min_reply_length 2\n      max_reply_length 512\n    }', '10.0.1.1 5000'),
  );
  assert.deepEqual(r.problems, []);
  assert.ok(c && c.type === 'UDP_CHECK');
  // man5's example: "Ab12f 3 456 546443123" is AB 12 0F 03 45 06 54 64 43 12 03.
  assert.deepEqual([c.payload, c.requireReply, c.replyData, c.minReplyLength, c.maxReplyLength], ['ab120f0345065464431203', true, '0axbff', 2, 512]);
  assertRoundTrip(r.config);
  const plain = firstChecker(withChecker('    UDP_CHECK {\n      require_reply\n    }', '10.0.1.1 5000')).c;
  assert.ok(plain && plain.type === 'UDP_CHECK');
  assert.deepEqual([plain.payload, plain.requireReply, plain.replyData, plain.minReplyLength, plain.maxReplyLength], [undefined, true, undefined, 0, 255]);
  const bad = compile(withChecker('    UDP_CHECK {\n      payload 0x12\n      payload\n      min_reply_length 20\n      max_reply_length 10\n    }', '10.0.1.1 5000'));
  assert.deepEqual(bad.problems, [
    "t.conf:7:15: error: payload: Invalid hex string for UDP_CHECK payload: unexpected 'x'",
    't.conf:8:7: error: payload: UDP_CHECK payload requires a hex string',
    't.conf:6:5: error: UDP_CHECK: UDP_CHECK min_reply_length 20 > max_reply_length 10 - will always fail',
  ]);
});

test('FILE_CHECK: track_file and weight; no timing or connection options', () => {
  const { r, c } = firstChecker('track_file weights {\n  file /run/weights\n}\n' + withChecker('    FILE_CHECK {\n      track_file weights\n      weight -5 reverse\n    }'));
  assert.deepEqual(r.problems, []);
  assert.ok(c && c.type === 'FILE_CHECK');
  assert.deepEqual(c, { type: 'FILE_CHECK', trackFile: 'weights', weight: { weight: -5, reverse: true }, effective: { weight: { weight: -5, reverse: true } } });
  assertRoundTrip(r.config);
  const bad = compile(withChecker('    FILE_CHECK {\n      weight 2147483648\n      weight 1 sideways\n      retry 1\n    }'));
  assert.deepEqual(bad.problems, [
    "t.conf:7:14: error: weight: number '2147483648' outside range [-2147483647, 2147483647]",
    't.conf:8:16: error: weight: unknown track file weight option sideways (expected reverse|noreverse)',
    "t.conf:9:7: warning: Unknown keyword 'retry'",
    't.conf:6:5: warning: FILE_CHECK: FILE_CHECK has no track_file specified - ignoring',
  ]);
});

test('BFD_CHECK: name and alpha; a bfd_instance only once per real server', () => {
  const bfd = 'bfd_instance bfd1 {\n  neighbor_ip 10.0.1.1\n}\n'; // lines 1-3
  const { r, c } = firstChecker(bfd + vs('  alpha\n  real_server 10.0.1.1 80 {\n    BFD_CHECK {\n      name bfd1\n    }\n    BFD_CHECK {\n      name bfd1\n      alpha off\n    }\n  }'));
  assert.deepEqual(r.problems, ['t.conf:13:5: warning: BFD_CHECK: BFD_CHECK - RS already monitoring bfd1 - skipping checker']);
  assert.deepEqual(c, { type: 'BFD_CHECK', name: 'bfd1', effective: { alpha: true } });
  const bad = compile(withChecker('    BFD_CHECK {\n      name abcdefghijklmnopqrstuvwxyz0123456\n    }'));
  assert.deepEqual(bad.problems, [
    't.conf:7:12: error: name: BFD_CHECK - BFD name abcdefghijklmnopqrstuvwxyz0123456 too long (at most 31 characters)',
    't.conf:6:5: warning: BFD_CHECK: No name has been specified for BFD_CHECKER - skipping',
  ]);
});

test('BFD_CHECK: the bfd_instance must exist and report to the checker process', () => {
  const r = compile(
    'bfd_instance to_both {\n  neighbor_ip 10.0.1.1\n}\nbfd_instance to_vrrp {\n  neighbor_ip 10.0.1.2\n  vrrp\n}\n' + // lines 1-7
      withChecker('    BFD_CHECK {\n      name to_both\n    }\n    BFD_CHECK {\n      name to_vrrp\n    }\n    BFD_CHECK {\n      name nope\n    }'),
  );
  assert.deepEqual(r.problems, [
    't.conf:16:5: warning: BFD_CHECK: (10.0.1.1) BFD_CHECK - BFD to_vrrp not configured for the checker process - removing',
    't.conf:19:5: warning: BFD_CHECK: (10.0.1.1) BFD_CHECK - BFD nope not configured - removing',
  ]);
  assert.deepEqual(r.config.virtualServers[0]!.realServers[0]!.checkers.map((c) => c.type === 'BFD_CHECK' && c.name), ['to_both']);
  assertRoundTrip(r.config);
});

test('cross-references: FILE_CHECK and track_file, checker_log_all_failures', () => {
  const r = compile(
    'global_defs {\n  checker_log_all_failures\n}\ntrack_file tf1 {\n  file /run/tf1\n  weight 3\n}\n' + // lines 1-7
      withChecker('    FILE_CHECK {\n      track_file tf1\n    }\n    FILE_CHECK {\n      track_file nope\n    }\n    FILE_CHECK {\n      track_file tf1\n      weight -2\n    }\n    TCP_CHECK {\n    }'),
  );
  assert.deepEqual(r.problems, ['t.conf:16:5: warning: FILE_CHECK: track_file nope not found - removing FILE_CHECK']);
  const checkers = r.config.virtualServers[0]!.realServers[0]!.checkers;
  assert.deepEqual(
    checkers.map((c) => (c.type === 'FILE_CHECK' ? c.effective.weight : c.type === 'TCP_CHECK' && c.effective.logAllFailures)),
    [{ weight: 3, reverse: false }, { weight: -2, reverse: false }, true],
  );
  assertRoundTrip(r.config);
});

test('cross-references: lvs_sync_daemon follows a vrrp_instance, whose VRID is the default sync id', () => {
  const instance = (name: string, extra = '') =>
    `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n${extra}  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n`;
  const good = compile('global_defs {\n  lvs_sync_daemon eth0 inst VI_1\n}\n' + instance('VI_1'));
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.config.global.lvsSyncDaemon, { interface: 'eth0', instance: 'VI_1', syncId: 51 });
  assertRoundTrip(good.config);
  const missing = compile('global_defs {\n  lvs_sync_daemon eth0 inst VI_9\n}\n' + instance('VI_1'));
  assert.deepEqual(missing.problems, ['t.conf:2:3: warning: lvs_sync_daemon: Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config']);
  assert.equal(missing.config.global.lvsSyncDaemon, undefined);
  const both = compile('global_defs {\n  lvs_sync_daemon eth0 inst VI_1 id 3\n}\n' + instance('VI_1', '  lvs_sync_daemon_interface eth1\n'));
  assert.deepEqual(
    both.problems.filter((p) => !/deprecated/.test(p)),
    ['t.conf:8:3: warning: lvs_sync_daemon_interface: (VI_1) lvs_sync_daemon_interface has already been specified as eth0 (global lvs_sync_daemon) - ignoring'],
  );
});

test('check fragment: scripts for script security, and the checks against the running system', () => {
  const r = compile(
    `global_defs {\n  lvs_notify_fifo_script /bin/fifo\n}\n` +
      vs(
        '  quorum_up /bin/qup\n  real_server 10.0.1.1 80 {\n    notify_down "/bin/down x"\n    MISC_CHECK {\n      misc_path /bin/check\n      user ghost\n    }\n    TCP_CHECK {\n      bind_if nosuch0\n    }\n  }',
      ),
  );
  assert.deepEqual(r.problems, []);
  const config = r.config as unknown as CheckFragment;
  assert.deepEqual(
    checkFragment.scripts!(config).map((s) => [s.what, s.script.argv.join(' ')]),
    [
      ['quorum_up of virtual server [10.0.0.1]:tcp:80', '/bin/qup'],
      ['notify_down of real server 10.0.1.1', '/bin/down x'],
      ['MISC_CHECK of real server 10.0.1.1', '/bin/check'],
      ['lvs_notify_fifo_script', '/bin/fifo'],
    ],
  );
  const diags = new Diagnostics();
  const host = { interfaceExists: (n: string) => n === 'lo', userExists: (n: string) => n === 'root', groupExists: () => true };
  checkFragment.checkEnvironment!(config, { host, diags, locations: r.locations });
  assert.deepEqual(diags.items.map(formatDiagnostic), [
    't.conf:13:7: error: user: Failed to set uid/gid for misc checker script: unknown user ghost',
    't.conf:16:7: notice: bind_if: bind_if interface nosuch0 does not exist',
  ]);
});
