import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeStatus } from '../../../src/check/config/http.js';
import { assertRoundTrip, compile, vs, withChecker } from './check-helpers.js';

function http(body: string, kind = 'HTTP_GET') {
  const r = compile(withChecker(`    ${kind} {\n${body}\n    }`));
  const c = r.config.virtualServers[0]?.realServers[0]?.checkers[0];
  return { r, c: c && (c.type === 'HTTP_GET' || c.type === 'SSL_GET') ? c : undefined };
}

test('HTTP_GET: urls with path, status codes and digest; the checker options', () => {
  const { r, c } = http(
    [
      '      url {',
      '        path /testurl/test.jsp',
      '        digest EC90A42B99EA9A2F5ECBE213AC9EBA03',
      '      }',
      '      url {',
      '        path /health',
      '        status_code 200-299 400 503',
      '        status_code 204 500-502',
      '        virtualhost health.example.com',
      '      }',
      '      virtualhost www.example.com',
      '      http_protocol 1.0c',
      '      fast_recovery',
      '      enable_sni',
      '      connect_timeout 3',
      '      nb_get_retry 3',
      '      delay_before_retry 2',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, ["t.conf:22:7: warning: nb_get_retry: nb_get_retry is deprecated - please use 'retry'"]);
  assert.ok(c);
  const base = { regexNoMatch: false, regexOptions: [], regexMinOffset: 0, tlsCompliant: false };
  assert.deepEqual(c.urls, [
    { ...base, path: '/testurl/test.jsp', digest: 'ec90a42b99ea9a2f5ecbe213ac9eba03', statusCodes: [{ min: 200, max: 299 }] },
    {
      ...base,
      path: '/health',
      statusCodes: [
        { min: 200, max: 299 },
        { min: 400, max: 400 },
        { min: 500, max: 503 },
      ],
      virtualhost: 'health.example.com',
    },
  ]);
  assert.deepEqual([c.virtualhost, c.httpProtocol, c.fastRecovery, c.enableSni, c.retry, c.effective.retry, c.effective.delayBeforeRetryMs], [
    'www.example.com',
    '1.0C',
    true,
    true,
    3,
    3,
    2000,
  ]);
  assert.equal(c.effective.virtualhost, 'www.example.com');
  const text = assertRoundTrip(r.config);
  assert.match(text, /status_code 200-299 400 500-503\n/);
  assert.match(text, /\n {6}retry 3\n/);
});

test('HTTP_GET: the Host header default comes from the real server, then the virtual server', () => {
  const r = compile(
    vs('  virtualhost vs.example.com\n  real_server 10.0.1.1 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n    }\n  }\n  real_server 10.0.1.2 80 {\n    virtualhost rs.example.com\n    HTTP_GET {\n      url {\n        path /\n      }\n    }\n  }'),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.config.virtualServers[0]!.realServers.map((rs) => rs.checkers[0]!.type === 'HTTP_GET' && rs.checkers[0]!.effective.virtualhost),
    ['vs.example.com', 'rs.example.com'],
  );
});

test('HTTP_GET: regex and its options', () => {
  const { r, c } = http('      url {\n        path /\n        regex "^OK( [0-9]+)?$"\n        regex_no_match\n        regex_options caseless multiline\n        regex_options caseless dotall\n        regex_min_offset 2\n        regex_max_offset 100\n        regex_stack 32768 65536\n      }');
  assert.deepEqual(r.problems, []);
  assert.ok(c);
  const u = c.urls[0]!;
  assert.deepEqual([u.regex, u.regexNoMatch, u.regexOptions, u.regexMinOffset, u.regexMaxOffset, u.regexStack], [
    '^OK( [0-9]+)?$',
    true,
    ['caseless', 'dotall', 'multiline'],
    2,
    100,
    { start: 32768, max: 65536 },
  ]);
  assertRoundTrip(r.config);
});

const badUrl: { line: string; problem: string }[] = [
  { line: 'digest 123', problem: "9:16: error: digest: digest '123' character length should be 32 rather than 3" },
  { line: 'digest ec90a42b99ea9a2f5ecbe213ac9ebaZZ', problem: "9:16: error: digest: Unable to interpret hex digit in 'ec90a42b99ea9a2f5ecbe213ac9ebaZZ'" },
  { line: 'digest ec90a42b99ea9a2f5ecbe213ac9eba03\n        digest 640205b7b0fc66c1ea91c463fac6334c', problem: "10:9: error: digest: Digest '640205b7b0fc66c1ea91c463fac6334c' is a duplicate" },
  { line: 'status_code 200 99', problem: "9:25: error: status_code: Invalid HTTP_GET status code '99' (100..599 or a range MIN-MAX)" },
  { line: 'status_code 300-200', problem: "9:21: error: status_code: Invalid HTTP_GET status code '300-200' (100..599 or a range MIN-MAX)" },
  { line: 'status_code', problem: '9:9: error: status_code: missing status code' },
  { line: 'regex_options shouty', problem: "9:23: error: regex_options: unknown regex option 'shouty'" },
  { line: 'regex_stack 10', problem: '9:9: error: regex_stack: regex_stack requires start and max values' },
  { line: 'regex_stack 10 5', problem: '9:21: error: regex_stack: regex stack start cannot exceed max value' },
  { line: 'regex x\n        regex_min_offset 9\n        regex_max_offset 3', problem: '7:7: error: url: regex_min_offset 9 > regex_max_offset 3' },
  { line: 'tls_compliant', problem: "9:9: warning: Unknown keyword 'tls_compliant'" },
];

for (const c of badUrl) {
  test(`url: ${c.line.split('\n').pop()!.trim()}`, () => {
    const { r } = http(`      url {\n        path /\n        ${c.line}\n      }`);
    assert.deepEqual(r.problems, [`t.conf:${c.problem}`]);
  });
}

test('url: regex options without a regex are dropped with a notice (keepalived only logs it)', () => {
  const { r, c } = http('      url {\n        path /\n        regex_no_match\n        regex_min_offset 4\n      }');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.diagnostics.items.filter((d) => d.keyword === 'url' && /regex/.test(d.message)).map((d) => `${d.severity}: ${d.message}`), ['notice: regex parameters specified without regex - ignoring them']);
  assert.deepEqual([c!.urls[0]!.regexNoMatch, c!.urls[0]!.regexMinOffset], [false, 0]);
});

test('HTTP_GET: a url without a path and a checker without urls are dropped, as keepalived does', () => {
  const { r } = http('      url {\n        status_code 200\n      }\n      http_protocol 2.0');
  assert.deepEqual(r.problems, [
    "t.conf:10:21: error: http_protocol: invalid value '2.0' (expected one of 1.0|1.0C|1.0c|1.1)",
    't.conf:7:7: warning: url: HTTP/SSL_GET checker url has no path - ignoring',
    't.conf:6:5: warning: HTTP_GET: HTTP/SSL_GET checker has no urls specified - ignoring',
  ]);
  assert.deepEqual(r.config.virtualServers[0]!.realServers[0]!.checkers, []);
});

test('SSL_GET: tls_compliant (2.3+) on the checker and its urls; sni_name', () => {
  const { r, c } = http('      url {\n        path /\n        tls_compliant\n      }\n      tls_compliant\n      sni_name api.example.com', 'SSL_GET');
  assert.deepEqual(r.problems, []);
  assert.ok(c);
  assert.deepEqual([c.type, c.tlsCompliant, c.urls[0]!.tlsCompliant, c.enableSni, c.sniName, c.effective.delayBeforeRetryMs], ['SSL_GET', true, true, true, 'api.example.com', 3000]);
  assertRoundTrip(r.config);
});

test('SSL: the top-level block; a second block or a repeated setting replaces, with a warning', () => {
  const r = compile('SSL {\n  password secret\n  ca /etc/ssl/ca.pem\n  certificate /etc/ssl/client.pem\n  key /etc/ssl/client.key\n}');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config.ssl, { password: 'secret', caFile: '/etc/ssl/ca.pem', certificateFile: '/etc/ssl/client.pem', keyFile: '/etc/ssl/client.key' });
  assertRoundTrip(r.config);
  const twice = compile('SSL {\n  ca /a\n  ca /b\n}\nSSL {\n  key /k\n}\nSSL {\n}');
  assert.deepEqual(twice.problems, [
    't.conf:3:3: warning: ca: SSL cafile already specified - replacing',
    't.conf:5:1: warning: SSL: SSL context already specified - replacing',
    't.conf:8:1: warning: SSL: SSL context already specified - replacing',
  ]);
  assert.deepEqual(twice.config.ssl, {});
  assert.equal(assertRoundTrip(twice.config), 'SSL {\n}\n');
});

test('status codes merge into sorted ranges', () => {
  assert.deepEqual(mergeStatus([{ min: 200, max: 299 }], [{ min: 300, max: 300 }, { min: 150, max: 160 }, { min: 250, max: 310 }]), [
    { min: 150, max: 160 },
    { min: 200, max: 310 },
  ]);
});
