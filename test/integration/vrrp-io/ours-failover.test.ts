/**
 * Two keepalived-ts routers in two namespaces, every variant at once (VRRPv2 PASS and AH,
 * VRRPv3, IPv4 and IPv6, multicast and unicast): A (priority 200) becomes MASTER, B (100)
 * stays BACKUP; A's process is SIGKILLed and B takes over after its Master_Down_Interval.
 * Asserted from the wire (tcpdump + tshark in B's namespace) and from B's events. Then B is
 * stopped with SIGTERM and its priority-0 adverts are on the wire.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IFNAME, ROUTER_A, ROUTER_B, VrrpLab } from './lab.js';
import { decodeAdverts, sleep } from './lab-processes.js';
import { VARIANTS, assertFailoverOnWire, instanceName, ourInstance } from './scenarios.js';

test('keepalived-ts to keepalived-ts: election and failover after SIGKILL, every variant', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await VrrpLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await lab.capture(b);

  const routerA = await lab.driver(a, { instances: VARIANTS.map((v) => ourInstance(v, ROUTER_A, ROUTER_B, 200)) });
  for (const v of VARIANTS) await routerA.waitState(instanceName(v), 'MASTER', 6000);
  const routerB = await lab.driver(b, { instances: VARIANTS.map((v) => ourInstance(v, ROUTER_B, ROUTER_A, 100)) });
  for (const v of VARIANTS) await routerB.waitState(instanceName(v), 'BACKUP', 3000);
  await sleep(2500); // a few adverts from A while B listens

  // B heard A on every instance and nothing was dropped.
  const before = await routerB.status();
  for (const v of VARIANTS) {
    const s = routerB.instanceStatus(before, instanceName(v));
    assert.equal(s.state, 'BACKUP', v.label);
    assert.ok(s.stats.advert_rcvd >= 2, `${v.label}: B received ${s.stats.advert_rcvd} adverts`);
    assert.equal(s.masterPriority, 200, v.label);
    const errors = Object.entries(s.stats).filter(([k]) => k.endsWith('_err') || k.startsWith('auth') || k.startsWith('invalid')).filter(([, n]) => n !== 0);
    assert.deepEqual(errors, [], `${v.label}: no receive errors`);
  }
  // Sockets: one per (family, protocol, group or unicast source) on vx0, VRIDs shared.
  const sockets = before.sockets.map((s: any) => s.id).sort();
  assert.deepEqual(sockets, [
    `inet/ah/${IFNAME}#2/group 224.0.0.18`, `inet/ah/${IFNAME}#2/unicast ${ROUTER_B.v4}`,
    `inet/vrrp/${IFNAME}#2/group 224.0.0.18`, `inet/vrrp/${IFNAME}#2/unicast ${ROUTER_B.v4}`,
    `inet6/vrrp/${IFNAME}#2/group ff02::12`, `inet6/vrrp/${IFNAME}#2/unicast ${ROUTER_B.v6}`,
  ].sort());

  const killedAt = Date.now();
  await routerA.kill('SIGKILL');
  for (const v of VARIANTS) await routerB.waitState(instanceName(v), 'MASTER', 6000);
  await sleep(2200); // two adverts from the new master
  await routerB.kill('SIGTERM');
  const adverts = await decodeAdverts(capture);

  for (const v of VARIANTS) {
    const facts = assertFailoverOnWire(adverts, v, ROUTER_A, ROUTER_B, 200, 100);
    t.diagnostic(`${v.label}: takeover ${facts.gapMs} ms after A's last advert (Master_Down_Interval ${facts.expectedGapMs} ms)`);
    assert.ok(facts.lastFromOld.time <= killedAt + 50, `${v.label}: A fell silent when killed`);
    // B's SIGTERM: priority 0 from the master it had become (RFC 5798 §6.4.3 Shutdown).
    const zero = adverts.filter((w) => w.vrid === v.vrid && w.priority === 0);
    assert.equal(zero.length, 1, `${v.label}: one priority-0 advert on stop`);
  }
  t.diagnostic(`took ${Date.now() - started} ms`);
});
