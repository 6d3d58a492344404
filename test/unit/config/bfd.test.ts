import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printConfig } from '../../../src/config/compile.js';
import { assertBadCases, compile, compileClean } from './global-test-helpers.js';

const defaults = {
  minRxMs: 10,
  minTxMs: 10,
  idleTxMs: 1000,
  multiplier: 5,
  passive: false,
  maxHops: 0,
  multihop: false,
  weight: { weight: 0, reverse: false },
  eventsToVrrp: true,
  eventsToChecker: true,
};

test('bfd_instance: keepalived’s defaults; TTL from the neighbour’s family', () => {
  const c = compileClean('bfd_instance b4 {\n  neighbor_ip 192.0.2.2\n}\nbfd_instance b6 {\n  neighbour_ip 2001:DB8::2\n}');
  assert.deepEqual(c.bfdInstances, [
    { name: 'b4', neighborIp: '192.0.2.2', ttl: 255, ...defaults },
    { name: 'b6', neighborIp: '2001:db8::2', ttl: 64, ...defaults },
  ]);
  // The resolved defaults are not printed back.
  assert.equal(printConfig(c), 'bfd_instance b4 {\n  neighbor_ip 192.0.2.2\n}\nbfd_instance b6 {\n  neighbor_ip 2001:db8::2\n}\n');
});

test('bfd_instance: every keyword', () => {
  const c = compileClean(
    [
      'bfd_instance core {',
      '  neighbor_ip 10.0.0.2',
      '  source_ip 10.0.0.1',
      '  min_rx 3.312',
      '  min_tx 50',
      '  idle_tx 2000.5',
      '  multiplier 3',
      '  passive',
      '  ttl 10',
      '  max_hops 2',
      '  multihop',
      '  weight -20 reverse',
      '  vrrp',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(c.bfdInstances, [
    {
      name: 'core',
      neighborIp: '10.0.0.2',
      sourceIp: '10.0.0.1',
      minRxMs: 3.312,
      minTxMs: 50,
      idleTxMs: 2000.5,
      multiplier: 3,
      passive: true,
      ttl: 10,
      maxHops: 2,
      multihop: true,
      weight: { weight: -20, reverse: true },
      eventsToVrrp: true,
      eventsToChecker: false,
    },
  ]);
});

test('bfd_instance: hoplimit is the same setting as ttl; vrrp + checker means both', () => {
  const c = compileClean('bfd_instance b {\n  neighbor_ip fe80::1\n  hoplimit 1\n  checker\n}\nbfd_instance c {\n  neighbor_ip fe80::2\n  vrrp\n  checker\n}');
  assert.equal(c.bfdInstances[0]!.ttl, 1);
  assert.deepEqual([c.bfdInstances[0]!.eventsToVrrp, c.bfdInstances[0]!.eventsToChecker], [false, true]);
  assert.deepEqual([c.bfdInstances[1]!.eventsToVrrp, c.bfdInstances[1]!.eventsToChecker], [true, true]);
  assert.match(printConfig(c), /hoplimit 1/);
});

test('bfd_instance: duplicate sessions follow keepalived’s find_bfd_by_addr', () => {
  // Different sources to one neighbour are fine; so are single-hop and multihop sessions.
  compileClean(
    'bfd_instance a {\n  neighbor_ip 10.0.0.2\n  source_ip 10.0.0.1\n}\nbfd_instance b {\n  neighbor_ip 10.0.0.2\n  source_ip 10.0.1.1\n}\n' +
      'bfd_instance c {\n  neighbor_ip 10.0.0.3\n}\nbfd_instance d {\n  neighbor_ip 10.0.0.3\n  multihop\n}',
  );
  assertBadCases([
    {
      text: 'bfd_instance a {\n  neighbor_ip 10.0.0.2\n}\nbfd_instance b {\n  neighbor_ip 10.0.0.2\n  source_ip 10.0.0.1\n}',
      problems: ['t.conf:4:1: warning: bfd_instance: BFD instance b has duplicate source/neighbor address 10.0.0.1/10.0.0.2, ignoring instance'],
    },
    {
      text: 'bfd_instance a {\n  neighbor_ip 10.0.0.2\n  source_ip 10.0.0.1\n}\nbfd_instance b {\n  neighbor_ip 10.0.0.2\n}',
      problems: ['t.conf:5:1: warning: bfd_instance: BFD instance b has duplicate neighbor address 10.0.0.2, ignoring instance'],
    },
    {
      text: 'bfd_instance a {\n  neighbor_ip 10.0.0.2\n}\nbfd_instance a {\n  neighbor_ip 10.0.0.3\n}',
      problems: ["t.conf:4:1: error: bfd_instance: duplicate bfd_instance 'a'"],
    },
  ]);
});

test('bfd_instance: bad values', () => {
  const b = (...lines: string[]) => `bfd_instance b {\n  neighbor_ip 192.0.2.2\n${lines.map((l) => `  ${l}`).join('\n')}\n}`;
  assertBadCases([
    { text: 'bfd_instance {\n  neighbor_ip 192.0.2.2\n}', problems: ['t.conf:1:1: error: bfd_instance: missing name'] },
    {
      text: 'bfd_instance abcdefghijabcdefghijabcdefghijab {\n  neighbor_ip 192.0.2.2\n}',
      problems: ['t.conf:1:14: error: bfd_instance: BFD instance abcdefghijabcdefghijabcdefghijab name too long (maximum length is 31 characters)'],
    },
    { text: 'bfd_instance b {\n}', problems: ['t.conf:1:1: error: bfd_instance: BFD instance b has no neighbor address set'] },
    { text: b('source_ip ::1'), problems: ['t.conf:3:3: warning: source_ip: BFD instance b source address ::1 and neighbor address 192.0.2.2 are not of the same family, disabling instance'] },
    { text: 'bfd_instance b {\n  neighbor_ip 192.0.2.2/24\n}', problems: ["t.conf:2:15: error: neighbor_ip: invalid IP address '192.0.2.2/24'", 't.conf:1:1: error: bfd_instance: BFD instance b has no neighbor address set'] },
    { text: b('min_rx 0.5'), problems: ["t.conf:3:10: error: min_rx: number '0.5' outside range [1.000, 4294967.000]"] },
    { text: b('min_rx 1.2345'), problems: ["t.conf:3:10: error: min_rx: number '1.2345' has too many decimal places (the resolution is 1 microsecond)"] },
    { text: b('min_tx 4294968'), problems: ["t.conf:3:10: error: min_tx: number '4294968' outside range [1.000, 4294967.000]"] },
    { text: b('idle_tx 999'), problems: ["t.conf:3:11: error: idle_tx: number '999' outside range [1000.000, 4294967.000]"] },
    { text: b('multiplier 0'), problems: ["t.conf:3:14: error: multiplier: number '0' outside range [1, 255]"] },
    { text: b('ttl 0'), problems: ["t.conf:3:7: error: ttl: number '0' outside range [1, 255]"] },
    { text: b('hoplimit 256'), problems: ["t.conf:3:12: error: ttl: number '256' outside range [1, 255]"] },
    { text: b('ttl 10', 'max_hops 20'), problems: ['t.conf:4:3: warning: max_hops: BFD instance b: max_hops 20 exceeds ttl/hoplimit 10 - setting to ttl/hoplimit'] },
    { text: b('max_hops -2'), problems: ["t.conf:3:12: error: max_hops: number '-2' outside range [-1, 255]"] },
    { text: b('weight 254'), problems: ["t.conf:3:10: error: weight: number '254' outside range [-253, 253]"] },
    { text: b('weight 10 rev'), problems: ["t.conf:3:13: error: weight: unknown weight option 'rev' (expected 'reverse')"] },
    { text: b('passive yes'), problems: ["t.conf:3:11: error: passive: 'passive' takes no parameter"] },
    { text: b('multihop maybe'), problems: ["t.conf:3:12: error: multihop: invalid boolean 'maybe' (expected one of on|off|true|false|yes|no)"] },
    { text: b('vrrp 1'), problems: ["t.conf:3:8: error: vrrp: 'vrrp' takes no parameter"] },
  ]);
});

test('bfd_instance: a bad value is an error and the default stands', () => {
  const r = compile('bfd_instance b {\n  neighbor_ip 192.0.2.2\n  min_rx 0\n}');
  assert.equal(r.problems.length, 1);
  assert.equal(r.config.bfdInstances[0]!.minRxMs, 10, 'the bad value is dropped, the default stands');
});
