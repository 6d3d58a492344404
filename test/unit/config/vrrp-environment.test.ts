import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLines } from '../../../src/config/compile.js';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import type { HostEnvironment } from '../../../src/config/fragment.js';
import { vrrpFragment } from '../../../src/vrrp/config/index.js';
import { simpleLines } from './simple-lines.js';

const host = (interfaces: string[]): HostEnvironment => ({
  interfaceExists: (name) => interfaces.includes(name),
  userExists: () => true,
  groupExists: () => true,
});

const CONFIG = (extraGlobal = '') => `global_defs {
${extraGlobal}}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  track_interface {
    eth8
  }
  virtual_ipaddress {
    10.0.0.1/24
    10.0.0.2/24 dev eth9
  }
  virtual_routes {
    10.1.0.0/16 dev eth0 nexthop via 10.0.0.9 dev eth7
  }
  notify_master /bin/master
}
static_rules {
  iif eth6 preference 5 table 5
}`;

function check(text: string, interfaces: string[]): string[] {
  const out = compileLines(simpleLines(text));
  assert.deepEqual(out.diagnostics.items.filter((d) => d.severity === 'error' || d.severity === 'warning'), []);
  const diags = new Diagnostics();
  vrrpFragment.checkEnvironment!(out.config, { host: host(interfaces), diags, locations: out.locations });
  return diags.items.map(formatDiagnostic);
}

test('environment: every missing interface is named, then the configuration is refused as keepalived does', () => {
  assert.deepEqual(check(CONFIG(), ['eth0']), [
    "t.conf:7:5: warning: track_interface: (VI_1) tracked interface eth8 doesn't exist",
    "t.conf:11:5: warning: virtual_ipaddress: WARNING - interface eth9 for ip address 10.0.0.2 doesn't exist",
    "t.conf:14:5: warning: virtual_routes: WARNING - interface eth7 for VROUTE nexthop doesn't exist",
    "t.conf:19:3: warning: static_rules: WARNING - interface eth6 for rule doesn't exist",
    'fatal: Non-existent interface specified in configuration',
  ]);
  assert.deepEqual(check(CONFIG(), ['eth0', 'eth6', 'eth7', 'eth8', 'eth9']), []);
});

test('environment: with dynamic_interfaces a missing interface is only noted', () => {
  assert.deepEqual(check(CONFIG('  dynamic_interfaces\n'), ['eth0', 'eth8', 'eth9', 'eth6']), [
    "t.conf:15:5: notice: virtual_routes: Configuration specifies interface eth7 which doesn't currently exist - will use if created",
  ]);
});

test('environment: the scripts of vrrp_script, instances and sync groups are listed for script security', () => {
  const out = compileLines(simpleLines(`vrrp_script chk {
  script /bin/chk
}
vrrp_sync_group G {
  group { VI_1 VI_2 }
  notify "/bin/group-notify x"
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { 10.0.0.1 }
  track_script { chk }
  notify_master /bin/master root
  notify_deleted /bin/deleted
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 2
  virtual_ipaddress { 10.0.0.2 }
}`));
  const uses = vrrpFragment.scripts!(out.config);
  assert.deepEqual(
    uses.map((u) => [u.what, u.script.argv.join(' '), out.locations.get(u.owner, u.field)?.line]),
    [
      ['vrrp_script chk', '/bin/chk', 2],
      ['notify_master of VI_1', '/bin/master', 13],
      ['notify_deleted of VI_1', '/bin/deleted', 14],
      ['notify of G', '/bin/group-notify x', 6],
    ],
  );
});
