/**
 * Acceptance: routes and rules with the options keepalived's static_routes /
 * static_rules accept, added and deleted in batches, verified with `ip -j route` and
 * `ip -j rule`.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TestNamespace, type Agent } from './netns.js';

describe('routes and rules', () => {
  let ns: TestNamespace;
  let agent: Agent;
  let r0: number;

  before(async () => {
    ns = TestNamespace.create('nlrt');
    ns.ip('link', 'add', 'rt0', 'type', 'veth', 'peer', 'name', 'rt1');
    ns.ip('link', 'set', 'rt0', 'up');
    ns.ip('link', 'set', 'rt1', 'up');
    ns.ip('addr', 'add', '192.0.2.1/24', 'dev', 'rt0');
    ns.ip('-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'rt0', 'nodad');
    agent = await ns.agent();
    r0 = (await agent.rtnl<{ index: number }>('link', { name: 'rt0' })).index;
  });
  after(() => ns?.destroy());

  const routes = () => [
    { dst: '198.51.100.0/24', gateway: '192.0.2.254', oif: r0, table: 100, metric: 10, protocol: 'static', metrics: { mtu: 1400, advmss: 1360, rtt: 100, locked: ['mtu'] } },
    { dst: '203.0.113.0/26', type: 'blackhole', table: 100 },
    { dst: '203.0.113.64/26', type: 'unreachable', table: 100 },
    { dst: '203.0.113.128/26', type: 'prohibit', table: 100 },
    { dst: '203.0.113.192/26', table: 100, nexthops: [{ gateway: '192.0.2.10', oif: r0, weight: 2 }, { gateway: '192.0.2.11', oif: r0 }] },
    { dst: '192.168.50.0/24', oif: r0, table: 100, prefsrc: '192.0.2.1', scope: 'link' },
    { dst: '2001:db8:1::/48', gateway: '2001:db8:ff::1', oif: r0, onlink: true, table: 100, pref: 'high', metric: 5 },
    { dst: 'default', family: 4, gateway: '192.0.2.254', table: 100 },
  ];

  it('adds eight kinds of route in one batch, as `ip route` shows them', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean; error?: unknown }[]>('addRoutes', routes());
    assert.deepEqual(outcomes.filter((o) => !o.ok), []);
    const v4 = ns.ipJson<any[]>('route', 'show', 'table', '100');
    const by = (dst: string) => v4.find((r) => r.dst === dst);
    assert.deepEqual(by('198.51.100.0/24'), {
      dst: '198.51.100.0/24', gateway: '192.0.2.254', dev: 'rt0', protocol: 'static', metric: 10, flags: [],
      metrics: [{ mtu: 1400, rtt: 100, advmss: 1360 }],
    });
    assert.equal(by('203.0.113.0/26').type, 'blackhole');
    assert.equal(by('203.0.113.64/26').type, 'unreachable');
    assert.equal(by('203.0.113.128/26').type, 'prohibit');
    assert.deepEqual(by('203.0.113.192/26').nexthops.map((h: any) => [h.gateway, h.dev, h.weight]), [['192.0.2.10', 'rt0', 2], ['192.0.2.11', 'rt0', 1]]);
    assert.deepEqual([by('192.168.50.0/24').scope, by('192.168.50.0/24').prefsrc], ['link', '192.0.2.1']);
    assert.equal(by('default').gateway, '192.0.2.254');
    assert.equal(by('default').protocol, 'keepalived');
    const [v6] = ns.ipJson<any[]>('-6', 'route', 'show', 'table', '100');
    assert.deepEqual([v6.dst, v6.gateway, v6.flags, v6.pref, v6.metric], ['2001:db8:1::/48', '2001:db8:ff::1', ['onlink'], 'high', 5]);
    // The lock bit is not in `ip -j`; the text form shows it.
    assert.match(ns.ip('route', 'show', 'table', '100', '198.51.100.0/24'), /mtu lock 1400/);
  });

  it('reads them back through its own dump', async () => {
    const all = await agent.rtnl<any[]>('routes');
    const mine = all.filter((r) => r.table === 100);
    assert.equal(mine.length, 8);
    assert.deepEqual(mine.find((r) => r.dst === '198.51.100.0/24').metrics, { mtu: 1400, rtt: 100, advmss: 1360, locked: ['mtu'] });
  });

  it('deletes them all in one batch', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean }[]>('deleteRoutes', routes());
    assert.deepEqual(outcomes.map((o) => o.ok), Array(8).fill(true));
    assert.deepEqual(ns.ipJson('route', 'show', 'table', '100'), []);
    assert.deepEqual(ns.ipJson('-6', 'route', 'show', 'table', '100'), []);
  });

  const rules = () => [
    { family: 4, priority: 100, src: '192.0.2.0/24', dst: '198.51.100.0/24', fwmark: 0x10, fwmask: 0xff, table: 100 },
    { family: 4, priority: 101, iif: 'rt0', oif: 'rt1', ipProto: 17, sport: { start: 1000, end: 2000 }, dport: { start: 53, end: 53 }, uidRange: { start: 10, end: 20 }, suppressPrefixLength: 0, table: 254 },
    { family: 4, priority: 102, goto: 200 },
    { family: 4, priority: 103, action: 'blackhole', tos: 0x10 },
    { family: 4, priority: 104, action: 'prohibit', not: true, src: '10.0.0.0/8' },
    { family: 4, priority: 200, action: 'nop' },
    { family: 6, priority: 300, src: '2001:db8::/32', table: 1000, protocol: 'keepalived' },
  ];

  it('adds seven rules with their options, as `ip rule` shows them', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean; error?: unknown }[]>('addRules', rules());
    assert.deepEqual(outcomes.filter((o) => !o.ok), []);
    const shown = ns.ipJson<any[]>('rule', 'show');
    const at = (p: number) => shown.find((r) => r.priority === p);
    assert.deepEqual(at(100), { priority: 100, src: '192.0.2.0', srclen: 24, dst: '198.51.100.0', dstlen: 24, fwmark: '0x10', fwmask: '0xff', table: '100' });
    assert.deepEqual(at(101), {
      priority: 101, src: 'all', iif: 'rt0', oif: 'rt1', uid_start: 10, uid_end: 20, ipproto: 'udp', sport_start: 1000, sport_end: 2000,
      dport: 53, table: 'main', suppress_prefixlen: 0,
    });
    assert.equal(at(102).goto, 200);
    assert.deepEqual([at(103).action, at(103).tos], ['blackhole', '0x10']);
    assert.deepEqual([at(104).action, at(104).not, at(104).src], ['prohibit', null, '10.0.0.0']);
    assert.ok('nop' in at(200));
    const [v6] = ns.ipJson<any[]>('-6', 'rule', 'show', 'priority', '300');
    assert.deepEqual([v6.src, v6.srclen, v6.table, v6.protocol], ['2001:db8::', 32, '1000', 'keepalived']);
  });

  it('deletes them all in one batch', async () => {
    const outcomes = await agent.rtnl<{ ok: boolean }[]>('deleteRules', rules());
    assert.deepEqual(outcomes.map((o) => o.ok), Array(7).fill(true));
    assert.deepEqual(ns.ipJson<any[]>('rule', 'show').map((r) => r.priority), [0, 32766, 32767]);
    assert.deepEqual(ns.ipJson<any[]>('-6', 'rule', 'show').map((r) => r.priority), [0, 32766]);
  });
});
