/**
 * `keepalived -n -l -d`: the running daemon logs the configuration it
 * understood as canonical keepalived.conf text, right after loading it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Topology } from '../../harness/index.js';

const CONF = `global_defs {
  router_id lb1
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  lb_algo rr
  lb_kind NAT
  real_server 10.0.1.1 80 {
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
`;

test('keepalived -n -l -d logs the canonical configuration', async (t) => {
  const lab = await Topology.create(t);
  const ns = await lab.namespace('host');
  const dir = lab.directory;
  writeFileSync(join(dir, 'k.conf'), CONF);
  const pid = (n: string) => join(dir, `${n}.pid`);
  const daemon = ns.spawn(['node', resolve('bin/keepalived'), '-n', '-l', '-d', '-f', join(dir, 'k.conf'),
    '-p', pid('main'), '-r', pid('vrrp'), '-c', pid('check'), '-b', pid('bfd')]);
  await daemon.waitForOutput(/Startup complete/, { timeoutMs: 20_000, stream: 'both' });
  const status = await daemon.kill('SIGTERM', 10_000);
  assert.equal(status.code, 0);
  const log = daemon.stdout + daemon.stderr;
  // The canonical text: aliases printed under their current names, one statement per line.
  for (const line of ['global_defs {', '  router_id lb1', 'virtual_server 10.0.0.1 80 {', '  lvs_sched rr', '  lvs_method NAT', '      connect_timeout 3']) {
    assert.ok(log.includes(`: ${line}\n`), `missing "${line}" in:\n${log}`);
  }
});
