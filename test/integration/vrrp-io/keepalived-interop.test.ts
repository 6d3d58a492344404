/**
 * keepalived-ts against Debian's keepalived 2.2.7 as the other router, every variant at once
 * (VRRPv2 PASS and AH, VRRPv3, IPv4 and IPv6, multicast and unicast), in both directions:
 *
 * 1. keepalived (priority 200) is MASTER, keepalived-ts (100) BACKUP: keepalived-ts accepts
 *    every advert (no receive error counted); keepalived crashes (every process of it
 *    SIGSTOPped, then SIGKILLed: a plain SIGKILL of its parent makes its VRRP child send
 *    priority 0, which is not a crash); keepalived-ts takes over after Master_Down_Interval.
 * 2. keepalived-ts (200) is MASTER, keepalived (100) BACKUP: keepalived stays BACKUP on every
 *    instance and logs no packet error; keepalived-ts is SIGKILLed; keepalived takes over.
 *
 * Asserted from the wire (tcpdump + tshark in the backup's namespace) and from each side's
 * own account (our events and status, keepalived's log).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUTER_A, ROUTER_B, VrrpLab } from './lab.js';
import { decodeAdverts, sleep } from './lab-processes.js';
import { KEEPALIVED_PACKET_ERRORS, VARIANTS, assertFailoverOnWire, instanceName, keepalivedConfig, ourInstance } from './scenarios.js';

test('keepalived 2.2.7 MASTER crashes, keepalived-ts takes over (every variant)', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await VrrpLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await lab.capture(b);

  const keepalived = lab.keepalived(a, 'ka', keepalivedConfig(VARIANTS, ROUTER_A, ROUTER_B, 200));
  for (const v of VARIANTS) await keepalived.waitState(instanceName(v), 'MASTER', 8000);
  const ours = await lab.driver(b, { instances: VARIANTS.map((v) => ourInstance(v, ROUTER_B, ROUTER_A, 100)) });
  for (const v of VARIANTS) await ours.waitState(instanceName(v), 'BACKUP', 3000);
  await sleep(2500);

  const status = await ours.status();
  for (const v of VARIANTS) {
    const s = ours.instanceStatus(status, instanceName(v));
    assert.equal(s.state, 'BACKUP', v.label);
    assert.ok(s.stats.advert_rcvd >= 2, `${v.label}: we accepted ${s.stats.advert_rcvd} of keepalived's adverts`);
    assert.equal(s.masterPriority, 200, v.label);
    const errors = Object.entries(s.stats).filter(([k, n]) => n !== 0 && (k.endsWith('_err') || k.startsWith('auth') || k.startsWith('invalid')));
    assert.deepEqual(errors, [], `${v.label}: no receive errors`);
  }
  assert.deepEqual(ours.events('advertDropped'), [], 'nothing dropped');

  const crashedAt = Date.now();
  await lab.crash(a);
  for (const v of VARIANTS) await ours.waitState(instanceName(v), 'MASTER', 6000);
  await sleep(2200);
  const adverts = await decodeAdverts(capture);
  for (const v of VARIANTS) {
    const facts = assertFailoverOnWire(adverts, v, ROUTER_A, ROUTER_B, 200, 100);
    assert.ok(facts.lastFromOld.time <= crashedAt + 50, `${v.label}: keepalived fell silent when crashed`);
    t.diagnostic(`${v.label}: keepalived-ts took over ${facts.gapMs} ms after keepalived's last advert (Master_Down_Interval ${facts.expectedGapMs} ms)`);
  }
  t.diagnostic(`took ${Date.now() - started} ms`);
});

test('keepalived-ts MASTER is SIGKILLed, keepalived 2.2.7 takes over (every variant)', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await VrrpLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await lab.capture(b);

  const ours = await lab.driver(a, { instances: VARIANTS.map((v) => ourInstance(v, ROUTER_A, ROUTER_B, 200)) });
  for (const v of VARIANTS) await ours.waitState(instanceName(v), 'MASTER', 6000);
  const keepalived = lab.keepalived(b, 'ka', keepalivedConfig(VARIANTS, ROUTER_B, ROUTER_A, 100));
  for (const v of VARIANTS) await keepalived.waitState(instanceName(v), 'BACKUP', 5000);
  await sleep(4500); // longer than keepalived's Master_Down_Interval: it must stay BACKUP
  for (const v of VARIANTS) assert.equal(keepalived.state(instanceName(v)), 'BACKUP', `${v.label}: keepalived stayed BACKUP`);
  const complaints = keepalived.log.filter((l) => KEEPALIVED_PACKET_ERRORS.test(l));
  assert.deepEqual(complaints, [], 'keepalived accepted every advert of ours');

  const killedAt = Date.now();
  await ours.kill('SIGKILL');
  for (const v of VARIANTS) await keepalived.waitState(instanceName(v), 'MASTER', 6000);
  await sleep(2200);
  const adverts = await decodeAdverts(capture);
  for (const v of VARIANTS) {
    const facts = assertFailoverOnWire(adverts, v, ROUTER_A, ROUTER_B, 200, 100);
    assert.ok(facts.lastFromOld.time <= killedAt + 50, `${v.label}: we fell silent when killed`);
    t.diagnostic(`${v.label}: keepalived took over ${facts.gapMs} ms after our last advert (Master_Down_Interval ${facts.expectedGapMs} ms)`);
  }
  t.diagnostic(`took ${Date.now() - started} ms`);
});
