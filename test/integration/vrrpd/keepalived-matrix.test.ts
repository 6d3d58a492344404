/**
 * The production daemon (bin/keepalived with a keepalived.conf) against Debian's keepalived
 * 2.2.7 as the other router, for every variant of the vrrp-io interop scenarios at once —
 * VRRPv2 PASS and AH, VRRPv3, IPv4 and IPv6, multicast and unicast — each its own
 * vrrp_instance in one configuration file per router, both routers configured from the same
 * generator (scenarios.ts keepalivedConfig). Both directions:
 *
 * 1. keepalived (200) is MASTER, keepalived-ts (100) BACKUP and accepting every advert: its
 *    JSON dump shows adverts received and no receive-error counter above zero, its log no
 *    dropped advert. keepalived crashes (its processes SIGSTOPped, then SIGKILLed: a plain
 *    kill makes it send priority 0, which is a handover, not a crash). keepalived-ts takes
 *    over every instance after Master_Down_Interval: the VIPs in its namespace's kernel,
 *    its adverts (and the AH sequence numbers continuing above keepalived's) and its
 *    GARPs / unsolicited NAs on the wire, captured in keepalived's namespace.
 * 2. keepalived-ts (200) is MASTER, keepalived (100) BACKUP: keepalived stays BACKUP on every
 *    instance for longer than its Master_Down_Interval and logs no packet error.
 *    keepalived-ts crashes (all its processes stopped, then killed, so no priority 0);
 *    keepalived takes over every instance: its log, its namespace's kernel, the wire.
 *
 * Timers: keepalived rounds a VRRPv2 advert_int to whole seconds (the wire field is in
 * seconds), so the v2 variants advertise every second; VRRPv3 takes centiseconds and runs
 * here at 0.5 s, which also exercises the centisecond field and the learnt master interval.
 * The v2 variants set the length of the test (start-up, Master_Down_Interval ≈ 3.6 s).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delay, waitUntil, type Namespace } from '../../harness/index.js';
import { IFNAME, ROUTER_A, ROUTER_B, ROUTER_MAC, VRRP_CAPTURE_FILTER } from '../vrrp-io/lab.js';
import { decodeAdverts } from '../vrrp-io/lab-processes.js';
import { KEEPALIVED_PACKET_ERRORS, VARIANTS, assertFailoverOnWire, instanceName, keepalivedConfig, vipOf, type Variant } from '../vrrp-io/scenarios.js';
import { masterDownIntervalMs } from '../../../src/vrrp/index.js';
import { DaemonLab, addresses, announcements, type DaemonProcess } from './lab.js';

/** Every variant; VRRPv3 at keepalived's sub-second advert_int (VRRPv2 must stay at whole seconds). */
const MATRIX: readonly Variant[] = VARIANTS.map((v) => (v.version === 3 ? { ...v, advertIntervalMs: 500 } : v));
const HIGH = 200;
const LOW = 100;
/** The longest Master_Down_Interval of the matrix for the backup (ms). */
const MASTER_DOWN_MS = Math.max(...MATRIX.map((v) => masterDownIntervalMs(v.version, LOW, v.advertIntervalMs)));
/** Slack for a loaded two-core machine (ms): on waits only; timing assertions use TOLERANCE_MS. */
const SLACK_MS = 2500;
/** How far a timing seen on the wire may stray from the protocol's (ms). */
const TOLERANCE_MS = 300;
/** Receive-error counters of keepalived's JSON dump; each must stay 0 while we accept keepalived's adverts. */
const RECEIVE_ERRORS = ['packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err',
  'invalid_authtype', 'authtype_mismatch', 'auth_failure'] as const;
/** The capture: VRRP (bare and in AH), gratuitous ARPs and neighbour adverts. */
const CAPTURE_FILTER = `${VRRP_CAPTURE_FILTER} or arp or icmp6`;

const vipCidr = (v: Variant): string => `${vipOf(v)}/${v.family === 'inet' ? 32 : 128}`;
const vipsHeld = async (ns: Namespace): Promise<string[]> => {
  const held = new Set(await addresses(ns, IFNAME));
  return MATRIX.map(vipCidr).filter((cidr) => held.has(cidr));
};
const waitStates = async (daemon: DaemonProcess, state: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (const v of MATRIX) await daemon.waitState(instanceName(v), state, Math.max(until - Date.now(), 1));
};

/**
 * From `daemon`'s JSON dump (keepalived's format, from either daemon): every instance
 * BACKUP, never MASTER, adverts received and not one receive error counted.
 */
async function assertContentBackup(daemon: DaemonProcess, who: string): Promise<void> {
  const dump = await daemon.jsonDump();
  for (const v of MATRIX) {
    const instance = dump.find((i) => i.data.iname === instanceName(v));
    assert.ok(instance, `${who}, ${v.label}: in the JSON dump`);
    assert.equal(instance.data.state, 1, `${who}, ${v.label}: BACKUP (keepalived's code 1) in the JSON dump`);
    assert.ok(instance.stats.advert_rcvd! >= 2, `${who}, ${v.label}: ${instance.stats.advert_rcvd} adverts accepted`);
    const errors = RECEIVE_ERRORS.filter((k) => instance.stats[k] !== 0).map((k) => `${k}=${instance.stats[k]}`);
    assert.deepEqual(errors, [], `${who}, ${v.label}: no receive error counted`);
    assert.equal(instance.stats.become_master, 0, `${who}, ${v.label}: never MASTER`);
  }
}

test('keepalived 2.2.7 MASTER crashes, the keepalived-ts daemon takes over every variant', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await a.capture(IFNAME, CAPTURE_FILTER);

  const keepalived = lab.keepalived(a, 'ka', keepalivedConfig(MATRIX, ROUTER_A, ROUTER_B, HIGH));
  await waitStates(keepalived, 'MASTER', MASTER_DOWN_MS + SLACK_MS);
  const ours = lab.daemon(b, 'kts', keepalivedConfig(MATRIX, ROUTER_B, ROUTER_A, LOW));
  await waitStates(ours, 'BACKUP', 10_000);
  await delay(2500); // a few adverts of every variant, and longer than Master_Down_Interval for the v3 ones

  await assertContentBackup(ours, 'keepalived-ts');
  assert.deepEqual(ours.lines.filter((l) => / dropped advert /.test(l)), [], 'we dropped none of keepalived\'s adverts');
  assert.deepEqual(await vipsHeld(b), [], 'no VIP on keepalived-ts while BACKUP');
  assert.deepEqual(await vipsHeld(a), MATRIX.map(vipCidr), 'every VIP on keepalived');

  const crashedAt = Date.now();
  await lab.crashDaemon(keepalived);
  await waitStates(ours, 'MASTER', MASTER_DOWN_MS + SLACK_MS);
  await waitUntil('every VIP in our kernel', async () => (await vipsHeld(b)).length === MATRIX.length, { timeoutMs: 2000, intervalMs: 20 });
  t.diagnostic(`keepalived-ts MASTER on every instance ${Date.now() - crashedAt} ms after keepalived's crash`);
  await delay(2200); // two adverts of ours at the v2 interval

  const adverts = await decodeAdverts(capture);
  const announced = await announcements(capture);
  for (const v of MATRIX) {
    const facts = assertFailoverOnWire(adverts, v, ROUTER_A, ROUTER_B, HIGH, LOW, TOLERANCE_MS);
    assert.ok(facts.lastFromOld.time <= crashedAt + 50, `${v.label}: keepalived fell silent when crashed`);
    const ourAnnouncements = announced.filter((n) => n.ip === vipOf(v) && n.mac === ROUTER_MAC.b);
    assert.ok(ourAnnouncements.length >= 1, `${v.label}: we announced ${vipOf(v)} (${v.family === 'inet' ? 'GARP' : 'unsolicited NA'})`);
    for (const n of ourAnnouncements) {
      assert.ok(n.at >= facts.firstFromNew.time - 50, `${v.label}: announced only as MASTER (${n.at - facts.firstFromNew.time} ms from our first advert)`);
    }
    t.diagnostic(`${v.label}: took over ${facts.gapMs} ms after keepalived's last advert (Master_Down_Interval ${facts.expectedGapMs} ms), `
      + `${ourAnnouncements.length} announcement(s), first ${(ourAnnouncements[0] as { at: number }).at - facts.firstFromNew.time} ms after our first advert`);
  }
  t.diagnostic(`took ${Date.now() - started} ms`);
});

test('the keepalived-ts daemon MASTER crashes, keepalived 2.2.7 takes over every variant', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  const lab = await DaemonLab.create(t);
  const { a, b } = await lab.twoRouters();
  const capture = await b.capture(IFNAME, CAPTURE_FILTER);

  const ours = lab.daemon(a, 'kts', keepalivedConfig(MATRIX, ROUTER_A, ROUTER_B, HIGH));
  await waitStates(ours, 'MASTER', MASTER_DOWN_MS + SLACK_MS + 3000);
  const keepalived = lab.keepalived(b, 'ka', keepalivedConfig(MATRIX, ROUTER_B, ROUTER_A, LOW));
  await waitStates(keepalived, 'BACKUP', 5000);
  await delay(MASTER_DOWN_MS + 500); // keepalived must stay BACKUP past its Master_Down_Interval
  for (const v of MATRIX) assert.equal(keepalived.state(instanceName(v)), 'BACKUP', `${v.label}: keepalived stayed BACKUP`);
  assert.deepEqual(keepalived.lines.filter((l) => KEEPALIVED_PACKET_ERRORS.test(l)), [], 'keepalived accepted every advert of ours');
  await assertContentBackup(keepalived, 'keepalived');
  assert.deepEqual(await vipsHeld(b), [], 'no VIP on keepalived while BACKUP');
  assert.deepEqual(await vipsHeld(a), MATRIX.map(vipCidr), 'every VIP on keepalived-ts');

  const crashedAt = Date.now();
  await lab.crashDaemon(ours);
  await waitStates(keepalived, 'MASTER', MASTER_DOWN_MS + SLACK_MS);
  await waitUntil('every VIP in keepalived\'s kernel', async () => (await vipsHeld(b)).length === MATRIX.length, { timeoutMs: 2000, intervalMs: 20 });
  t.diagnostic(`keepalived MASTER on every instance ${Date.now() - crashedAt} ms after our crash`);
  await delay(2200);

  const adverts = await decodeAdverts(capture);
  for (const v of MATRIX) {
    const facts = assertFailoverOnWire(adverts, v, ROUTER_A, ROUTER_B, HIGH, LOW, TOLERANCE_MS);
    assert.ok(facts.lastFromOld.time <= crashedAt + 50, `${v.label}: we fell silent when crashed`);
    t.diagnostic(`${v.label}: keepalived took over ${facts.gapMs} ms after our last advert (Master_Down_Interval ${facts.expectedGapMs} ms)`);
  }
  assert.deepEqual(keepalived.lines.filter((l) => KEEPALIVED_PACKET_ERRORS.test(l)), [], 'keepalived rejected no packet of ours, to the end');
  t.diagnostic(`took ${Date.now() - started} ms`);
});
