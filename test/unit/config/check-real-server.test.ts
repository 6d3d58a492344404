import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, vs, withChecker } from './check-helpers.js';

test('real_server: its sixteen options', () => {
  const r = compile(
    vs(
      [
        '  real_server 10.0.1.1 80 {',
        '    weight 0',
        '    lvs_method TUN type gue port 6080 csum',
        '    uthreshold 1000',
        '    lthreshold 10',
        '    inhibit_on_failure false',
        '    notify_up "/bin/up rs1"',
        '    notify_down /bin/down root wheel',
        '    alpha',
        '    retry 4',
        '    delay_before_retry 2',
        '    warmup 0',
        '    connect_timeout 1.5',
        '    delay_loop 10',
        '    smtp_alert off',
        '    virtualhost rs1.example.com',
        '    snmp_name rs1',
        '  }',
      ].join('\n'),
    ),
  );
  assert.deepEqual(r.problems, []);
  const { checkers, ...rs } = r.config.virtualServers[0]!.realServers[0]!;
  assert.deepEqual(checkers, []);
  assert.deepEqual(rs, {
    address: '10.0.1.1',
    family: 4,
    port: 80,
    weight: 0,
    forwarding: { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } },
    uthreshold: 1000,
    lthreshold: 10,
    inhibitOnFailure: false,
    notifyUp: { argv: ['/bin/up', 'rs1'] },
    notifyDown: { argv: ['/bin/down'], user: 'root', group: 'wheel' },
    alpha: true,
    retry: 4,
    delayBeforeRetryMs: 2000,
    warmupMs: 0,
    connectTimeoutMs: 1500,
    delayLoopMs: 10_000,
    smtpAlert: false,
    virtualhost: 'rs1.example.com',
    snmpName: 'rs1',
    effective: { weight: 0, forwarding: { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }, inhibitOnFailure: false, smtpAlert: false },
  });
  assertRoundTrip(r.config);
});

const bad: { line: string; problem: string }[] = [
  { line: 'weight -1', problem: "6:12: error: weight: negative number '-1'" },
  { line: 'weight 2147483648', problem: "6:12: error: weight: number '2147483648' outside range [0, 2147483647]" },
  { line: 'uthreshold many', problem: "6:16: error: uthreshold: invalid number 'many'" },
  { line: 'retry 0', problem: "6:11: error: retry: number '0' outside range [1, 4294967295]" },
  { line: 'alpha maybe', problem: "6:11: error: alpha: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)" },
  { line: 'lvs_method TUN type gre remcsum', problem: '6:16: error: lvs_method: gre tunnels do not support remote checksum option' },
  { line: 'snmp_name', problem: '6:5: error: snmp_name: missing parameter' },
  { line: 'notify_up /a\n    notify_up /b', problem: '7:5: error: notify_up: notify_up script already specified - ignoring /b' },
  { line: 'notify_down "/x y" u g extra', problem: "6:28: error: notify_down: unexpected extra parameter 'extra' (expected: COMMAND [USER [GROUP]])" },
  { line: 'TCP_CHECK x {\n    }', problem: "6:15: error: TCP_CHECK: unexpected parameter 'x' before '{'" },
];

for (const c of bad) {
  test(`real_server: ${c.line.split('\n').pop()!.trim()}`, () => {
    const r = compile(withChecker(`    ${c.line}`));
    assert.deepEqual(r.problems, [`t.conf:${c.problem}`]);
  });
}

test('real_server: a bad address skips the block', () => {
  const r = compile(vs('  real_server 10.0.1.300 80 {\n    weight 2\n  }\n  real_server 10.0.1.1 80 {\n  }'));
  assert.deepEqual(r.problems, ["t.conf:5:15: error: real_server: invalid real server IP address '10.0.1.300'"]);
  assert.equal(r.config.virtualServers[0]!.realServers.length, 1);
});

/** What every checker inherits: the checker's own value, else the real server's, else the virtual server's, else the type default. */
const inheritance: { name: string; vsLines: string; rsLines: string; checker: string; effective: Record<string, unknown> }[] = [
  {
    name: 'TCP_CHECK defaults',
    vsLines: '',
    rsLines: '',
    checker: 'TCP_CHECK {\n    }',
    effective: { retry: 1, delayBeforeRetryMs: 1000, delayLoopMs: 60_000, warmupMs: 60_000, alpha: false, logAllFailures: false },
  },
  {
    name: 'HTTP_GET: delay_before_retry 3 s',
    vsLines: '',
    rsLines: '',
    checker: 'HTTP_GET {\n      url {\n        path /\n      }\n    }',
    effective: { retry: 1, delayBeforeRetryMs: 3000, delayLoopMs: 60_000, warmupMs: 60_000, alpha: false, logAllFailures: false },
  },
  {
    name: 'DNS_CHECK: retry 3, delay_before_retry = delay_loop',
    vsLines: '  delay_loop 7',
    rsLines: '',
    checker: 'DNS_CHECK {\n    }',
    effective: { retry: 3, delayBeforeRetryMs: 7000, delayLoopMs: 7000, warmupMs: 7000, alpha: false, logAllFailures: false },
  },
  {
    name: 'MISC_CHECK: retry 0',
    vsLines: '',
    rsLines: '',
    checker: 'MISC_CHECK {\n      misc_path /bin/true\n    }',
    effective: { retry: 0, delayBeforeRetryMs: 1000, delayLoopMs: 60_000, warmupMs: 60_000, alpha: false, logAllFailures: false, timeoutMs: 60_000 },
  },
  {
    name: 'virtual server values reach the checker',
    vsLines: '  delay_loop 20\n  retry 5\n  delay_before_retry 4\n  warmup 2\n  alpha',
    rsLines: '',
    checker: 'MISC_CHECK {\n      misc_path /bin/true\n    }',
    effective: { retry: 5, delayBeforeRetryMs: 4000, delayLoopMs: 20_000, warmupMs: 2000, alpha: true, logAllFailures: false, timeoutMs: 20_000 },
  },
  {
    name: 'real server values win over the virtual server',
    vsLines: '  delay_loop 20\n  retry 5\n  delay_before_retry 4\n  alpha',
    rsLines: '    delay_loop 9\n    retry 2\n    alpha off',
    checker: 'DNS_CHECK {\n    }',
    effective: { retry: 2, delayBeforeRetryMs: 4000, delayLoopMs: 9000, warmupMs: 9000, alpha: false, logAllFailures: false },
  },
  {
    name: 'checker values win over both',
    vsLines: '  delay_loop 20\n  retry 5',
    rsLines: '    retry 2\n    warmup 1',
    checker: 'TCP_CHECK {\n      retry 0\n      delay_loop 3\n      delay_before_retry 0.25\n      warmup 0\n      alpha\n      log_all_failures\n    }',
    effective: { retry: 0, delayBeforeRetryMs: 250, delayLoopMs: 3000, warmupMs: 0, alpha: true, logAllFailures: true },
  },
];

for (const c of inheritance) {
  test(`inheritance: ${c.name}`, () => {
    const body = `${c.vsLines ? c.vsLines + '\n' : ''}  real_server 10.0.1.1 80 {\n${c.rsLines ? c.rsLines + '\n' : ''}    ${c.checker}\n  }`;
    const r = compile(vs(body));
    assert.deepEqual(r.problems, []);
    const { connection, ...timing } = r.config.virtualServers[0]!.realServers[0]!.checkers[0]!.effective as Record<string, unknown>;
    assert.deepEqual(timing, c.effective);
    if (connection) assert.equal((connection as { timeoutMs: number }).timeoutMs, 5000);
    assertRoundTrip(r.config);
  });
}

test('inheritance: connect_timeout from the virtual server, then the real server, then the checker', () => {
  const r = compile(
    vs(
      '  connect_timeout 7\n  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n    }\n  }\n  real_server 10.0.1.2 80 {\n    connect_timeout 3\n    TCP_CHECK {\n    }\n    SMTP_CHECK {\n      connect_timeout 0.5\n    }\n  }',
    ),
  );
  assert.deepEqual(r.problems, []);
  const timeouts = r.config.virtualServers[0]!.realServers.flatMap((rs) => rs.checkers.map((c) => ('connection' in c.effective ? c.effective.connection.timeoutMs : -1)));
  assert.deepEqual(timeouts, [7000, 3000, 500]);
});

test('real_server: a sorry server that is also a real server follows its inhibit setting', () => {
  const r = compile(vs('  sorry_server 10.0.1.1 80\n  real_server 10.0.1.1 80 {\n    inhibit_on_failure\n  }'));
  assert.deepEqual(r.problems, [
    't.conf:5:3: warning: virtual_server: Virtual server [10.0.0.1]:tcp:80: real server [10.0.1.1]:tcp:80 matches sorry server, but inhibit setting differs, setting on sorry server',
  ]);
  assert.equal(r.config.virtualServers[0]!.sorryServer!.inhibit, true);
  assertRoundTrip(r.config);
});

test('real_server: ports for NAT, direct routing and a port-less service', () => {
  const r = compile(
    vs('  real_server 10.0.1.1 {\n  }\n  real_server 10.0.1.2 8080 {\n  }\n  real_server 10.0.1.3 8080 {\n    lvs_method DR\n  }'),
  );
  assert.deepEqual(r.problems, ["t.conf:9:3: warning: virtual_server: virtual server [10.0.0.1]:tcp:80 and real server [10.0.1.3]:tcp:8080 ports don't match - resetting"]);
  assert.deepEqual(r.config.virtualServers[0]!.realServers.map((rs) => rs.port), [80, 8080, 80]);
  assertRoundTrip(r.config);
});

test('smtp_alert: the block decides, else global smtp_alert_checker, else smtp_alert; real servers default on, virtual servers off', () => {
  const body = vs('  real_server 10.0.1.1 80 {\n  }\n  real_server 10.0.1.2 80 {\n    smtp_alert off\n  }');
  const alerts = (prefix: string) => {
    const r = compile(prefix + body);
    assert.deepEqual(r.problems, []);
    const v = r.config.virtualServers[0]!;
    return [v.effective.smtpAlert, ...v.realServers.map((rs) => rs.effective.smtpAlert)];
  };
  assert.deepEqual(alerts(''), [false, true, false]);
  assert.deepEqual(alerts('global_defs {\n  smtp_alert\n}\n'), [true, true, false]);
  assert.deepEqual(alerts('global_defs {\n  smtp_alert\n  smtp_alert_checker off\n}\n'), [false, false, false]);
});
