import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRoundTrip, compile, compileClean, lineIn } from './vrrp-helpers.js';

const flags = { home: false, dad: false, mngtmpaddr: false, noprefixroute: false, autojoin: false, noTrack: false, useVmac: false };

/** A static_ipaddress block with one line (line 2 of the file, starting at column 3). */
const staticLine = (line: string) => `track_group TG {\n  group { VI_1 }\n}\nstatic_ipaddress {\n  ${line}\n}`;

const good: { line: string; model: object }[] = [
  {
    line: '10.0.0.1/24 brd + dev eth1 scope link label eth1:5',
    model: { address: '10.0.0.1', family: 4, prefixLen: 24, broadcast: '10.0.0.255', dev: 'eth1', scope: 'link', label: 'eth1:5', ...flags },
  },
  { line: '10.0.0.12/24 broadcast - dev eth1', model: { address: '10.0.0.12', family: 4, prefixLen: 24, broadcast: '10.0.0.0', dev: 'eth1', ...flags } },
  { line: '10.0.0.13/24 brd 10.0.0.127 dev eth1 scope 200', model: { address: '10.0.0.13', family: 4, prefixLen: 24, broadcast: '10.0.0.127', dev: 'eth1', scope: 200, ...flags } },
  { line: '10.0.0.2 peer 10.0.0.3 dev eth1', model: { address: '10.0.0.2', family: 4, prefixLen: 32, peer: '10.0.0.3', dev: 'eth1', ...flags } },
  {
    line: '2001:DB8:0::5/64 dev eth1 -nodad preferred_lft 30 home mngtmpaddr noprefixroute autojoin',
    model: { address: '2001:db8::5', family: 6, prefixLen: 64, dev: 'eth1', preferredLft: 30, ...flags, home: true, dad: true, mngtmpaddr: true, noprefixroute: true, autojoin: true },
  },
  // keepalived's default: a /128 is deprecated (preferred_lft 0), anything else is preferred forever.
  { line: '2001:db8::8 dev eth1', model: { address: '2001:db8::8', family: 6, prefixLen: 128, dev: 'eth1', preferredLft: 0, ...flags } },
  { line: '2001:db8::9/128 dev eth1 preferred_lft forever', model: { address: '2001:db8::9', family: 6, prefixLen: 128, dev: 'eth1', preferredLft: 'forever', ...flags } },
  { line: '2001:db8::a/64 dev eth1', model: { address: '2001:db8::a', family: 6, prefixLen: 64, dev: 'eth1', preferredLft: 'forever', ...flags } },
  // Without dev, static addresses go on global default_interface (eth0 by default).
  { line: '10.0.0.4/8 no_track track_group TG', model: { address: '10.0.0.4', family: 4, prefixLen: 8, dev: 'eth0', trackGroup: 'TG', ...flags, noTrack: true } },
];

for (const c of good) {
  test(`address line: ${c.line}`, () => {
    const r = compile(staticLine(c.line));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.staticAddresses, [c.model]);
    assertRoundTrip(r.config);
  });
}

const bad: { line: string; problem: string }[] = [
  { line: '10.0.0.300/24', problem: "t.conf:5:3: error: static_ipaddress: invalid IP address '10.0.0.300'" },
  { line: '10.0.0.1/33', problem: 't.conf:5:3: error: static_ipaddress: Invalid address prefix len 33 for address 10.0.0.1/33 (0..32)' },
  { line: '10.0.0.1/24 dev', problem: "t.conf:5:15: error: static_ipaddress: missing interface name after 'dev'" },
  { line: '10.0.0.1/24 dev eth1 dev eth2', problem: 't.conf:5:24: error: static_ipaddress: Cannot specify ipaddress device more than once for 10.0.0.1/24' },
  { line: '10.0.0.1/24 dev averyveryverylongname', problem: "t.conf:5:19: error: static_ipaddress: interface name 'averyveryverylongname' is longer than 15 characters" },
  { line: '10.0.0.1/31 brd +', problem: 't.conf:5:19: error: static_ipaddress: Address prefix length 31 too long for broadcast' },
  { line: '10.0.0.1/24 brd 2001::1', problem: "t.conf:5:19: error: static_ipaddress: '2001::1' is not an IPv4 address" },
  { line: '2001:db8::1/64 brd +', problem: 't.conf:5:18: error: static_ipaddress: cannot assign a broadcast address to the IPv6 address 2001:db8::1/64' },
  { line: '2001:db8::1 scope link', problem: 't.conf:5:3: error: static_ipaddress: Cannot specify scope for IPv6 addresses (2001:db8::1)' },
  { line: '2001:db8::1 label x', problem: 't.conf:5:3: error: static_ipaddress: Cannot specify label for IPv6 addresses (2001:db8::1)' },
  { line: '10.0.0.1/24 label eth0:reallylongname', problem: 't.conf:5:21: error: static_ipaddress: Address label eth0:reallylongname is longer than maximum length 15' },
  { line: '10.0.0.1/24 peer 10.0.0.2', problem: 't.conf:5:3: error: static_ipaddress: Cannot specify address prefix when specifying peer address' },
  { line: '10.0.0.1 peer 2001::2', problem: 't.conf:5:17: error: static_ipaddress: Peer address 2001::2 does not match address family' },
  { line: '10.0.0.1 peer 10.0.0.2 brd +', problem: 't.conf:5:30: error: static_ipaddress: Cannot specify broadcast and peer addresses' },
  { line: '10.0.0.1 scope 256', problem: "t.conf:5:18: error: static_ipaddress: scope '256' outside range [0, 255]" },
  { line: '2001::1 preferred_lft soon', problem: "t.conf:5:25: error: static_ipaddress: invalid number 'soon' for preferred_lft" },
  { line: '10.0.0.1 use_vmac', problem: "t.conf:5:12: error: static_ipaddress: Unknown configuration entry 'use_vmac' for ip address" },
  { line: '10.0.0.1 frobnicate', problem: "t.conf:5:12: error: static_ipaddress: Unknown configuration entry 'frobnicate' for ip address" },
  { line: '10.0.0.1 track_group NOPE', problem: 't.conf:5:3: warning: static_ipaddress: track_group NOPE not found' },
];

for (const c of bad) {
  test(`address line rejected: ${c.line}`, () => {
    const r = compile(staticLine(c.line));
    assert.deepEqual(r.problems, [c.problem]);
  });
}

test('address line: VIPs accept use_vmac and leave dev to the instance; track_group is for static addresses only', () => {
  const config = compileClean(lineIn('virtual_ipaddress', '10.0.0.1/24 use_vmac'));
  assert.deepEqual(config.vrrpInstances[0]!.vips, [{ address: '10.0.0.1', family: 4, prefixLen: 24, ...flags, useVmac: true }]);
  const r = compile(lineIn('virtual_ipaddress', '10.0.0.1/24 track_group TG'));
  assert.deepEqual(r.problems, [
    "t.conf:5:17: error: virtual_ipaddress: Unknown configuration entry 'track_group' for ip address",
    't.conf:1:1: warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is sensible',
  ]);
});

test('address line: static addresses without dev take global default_interface', () => {
  const config = compileClean('global_defs {\n  default_interface bond0\n}\nstatic_ipaddress {\n  192.0.2.1/24\n}');
  assert.equal(config.staticAddresses[0]!.dev, 'bond0');
});

test('address line: several lines and several blocks add up, in order', () => {
  const config = compileClean('static_ipaddress {\n  192.0.2.1\n  192.0.2.2\n}\nstatic_ipaddress { 192.0.2.3 }');
  assert.deepEqual(config.staticAddresses.map((a) => a.address), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
});
