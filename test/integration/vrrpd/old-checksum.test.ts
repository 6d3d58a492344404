/**
 * old_unicast_checksum against Debian's keepalived 2.2.7 (built with OLD_CHKSUM_COMPAT):
 * keepalived configured with `old_unicast_checksum` puts the multicast group in the
 * VRRPv3/IPv4 pseudo-header of its unicast adverts and accepts only that form. keepalived-ts
 * (default mode) starts MASTER with RFC checksums, which keepalived refuses ("Invalid VRRPv3
 * checksum") so it becomes MASTER too; its first old-form advert makes keepalived-ts switch
 * ("Setting unicast VRRPv3 checksum to old version"), after which keepalived accepts our
 * higher priority and goes back to BACKUP — the election settles with one MASTER.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonLab, LAN } from './lab.js';

const conf = (priority: number, self: number, peer: number, extra = ''): string => `vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  version 3
  virtual_router_id 61
  priority ${priority}
  advert_int 1
  unicast_src_ip ${LAN}.${self}
  unicast_peer {
    ${LAN}.${peer}
  }
${extra}  virtual_ipaddress {
    ${LAN}.161/24
  }
}
`;

test('keepalived with old_unicast_checksum: keepalived-ts detects the old form and the election settles', { timeout: 20_000 }, async (t) => {
  const lab = await DaemonLab.create(t);
  const { r1, r2 } = await lab.lan();
  const ours = lab.daemon(r1, 'kts', conf(200, 1, 2));
  await ours.waitState('VI_1', 'MASTER', 8000);
  const theirs = lab.keepalived(r2, 'ka', conf(100, 2, 1, '  old_unicast_checksum\n'));
  await ours.waitLine(/\(VI_1\) Setting unicast VRRPv3 checksum to old version/, 8000);
  await theirs.waitState('VI_1', 'BACKUP', 8000);
  const from = theirs.lines.length;
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(theirs.state('VI_1'), 'BACKUP', 'keepalived stays BACKUP: it accepts our adverts');
  assert.equal(ours.state('VI_1'), 'MASTER');
  assert.deepEqual(theirs.lines.slice(from).filter((l) => /Invalid VRRPv3 checksum/.test(l)), []);
  assert.equal(await ours.stop('SIGTERM'), 0);
  await theirs.stop('SIGTERM');
});
