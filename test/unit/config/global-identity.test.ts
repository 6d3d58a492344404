import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBadCases, compile, compileClean, globals } from './global-test-helpers.js';

test('global_defs identity: defaults when global_defs is empty', () => {
  const g = compileClean(globals()).global;
  assert.equal(g.routerId, undefined, 'the daemon fills in the host name');
  assert.deepEqual(g.notificationEmail, []);
  assert.equal(g.notificationEmailFrom, undefined);
  assert.equal(g.smtpServer, undefined);
  assert.equal(g.smtpConnectTimeoutMs, 30_000);
  assert.equal(g.smtpAlert, undefined);
  assert.equal(g.smtpAlertVrrp, undefined);
  assert.equal(g.smtpAlertChecker, undefined);
  assert.equal(g.noEmailFaults, false);
  assert.equal(g.noCheckerEmails, false);
});

test('global_defs identity: every keyword lands in the model', () => {
  const g = compileClean(
    globals(
      'router_id LB_1',
      'notification_email {',
      '  ops@example.com',
      '  a@example.com b@example.com',
      '}',
      'notification_email {',
      '  late@example.com',
      '}',
      'notification_email_from "Keepalived <k@example.com>"',
      'smtp_server 2001:DB8::25 2525',
      'smtp_helo_name lb1.example.com',
      'smtp_connect_timeout 12',
      'smtp_alert',
      'smtp_alert_vrrp off',
      'smtp_alert_checker yes',
      'no_email_faults',
      'no_checker_emails',
    ),
  ).global;
  assert.equal(g.routerId, 'LB_1');
  assert.deepEqual(g.notificationEmail, ['ops@example.com', 'a@example.com', 'b@example.com', 'late@example.com']);
  assert.equal(g.notificationEmailFrom, 'Keepalived <k@example.com>');
  assert.deepEqual(g.smtpServer, { host: '2001:db8::25', port: 2525 });
  assert.equal(g.smtpHeloName, 'lb1.example.com');
  assert.equal(g.smtpConnectTimeoutMs, 12_000);
  assert.equal(g.smtpAlert, true);
  assert.equal(g.smtpAlertVrrp, false);
  assert.equal(g.smtpAlertChecker, true);
  assert.equal(g.noEmailFaults, true);
  assert.equal(g.noCheckerEmails, true);
});

test('global_defs identity: smtp_server takes a host name for the daemon to resolve, port 25 by default', () => {
  assert.deepEqual(compileClean(globals('smtp_server mail.example.com')).global.smtpServer, { host: 'mail.example.com', port: 25 });
  assert.deepEqual(compileClean(globals('smtp_server 192.0.2.1')).global.smtpServer, { host: '192.0.2.1', port: 25 });
});

test('global_defs identity: bad values are errors with location and keyword', () => {
  assertBadCases([
    { text: globals('router_id'), problems: ['t.conf:2:3: error: router_id: missing parameter'] },
    { text: globals('router_id a b'), problems: ["t.conf:2:15: error: router_id: unexpected extra parameter 'b'"] },
    { text: globals('smtp_server 192.0.2.1 0'), problems: ["t.conf:2:25: error: smtp_server: invalid port '0' (1..65535)"] },
    { text: globals('smtp_server 192.0.2.1 99999'), problems: ["t.conf:2:25: error: smtp_server: invalid port '99999' (1..65535)"] },
    { text: globals('smtp_server 192.0.2.1 25 x'), problems: ["t.conf:2:28: error: smtp_server: unexpected extra parameter 'x'"] },
    {
      text: globals('smtp_server mail/relay'),
      problems: ["t.conf:2:15: error: smtp_server: Invalid smtp server 'mail/relay' (expected an IP address or a host name)"],
    },
    { text: globals('smtp_connect_timeout 0'), problems: ["t.conf:2:24: error: smtp_connect_timeout: number '0' outside range [1, 4294]"] },
    { text: globals('smtp_alert maybe'), problems: ["t.conf:2:14: error: smtp_alert: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)"] },
    { text: globals('no_email_faults false'), problems: ["t.conf:2:19: error: no_email_faults: 'no_email_faults' takes no parameter"] },
    { text: globals('notification_email {', '}'), problems: ['t.conf:2:3: warning: notification_email: empty notification_email block'] },
    { text: globals('notification_email a@b'), problems: ["t.conf:2:22: error: notification_email: unexpected parameter 'a@b' before '{'"] },
  ]);
});

test('global_defs identity: a bad value leaves the default in place', () => {
  const r = compile(globals('smtp_connect_timeout 0', 'smtp_server 192.0.2.1 0'));
  assert.equal(r.config.global.smtpConnectTimeoutMs, 30_000);
  assert.equal(r.config.global.smtpServer, undefined);
});
