/**
 * rtnetlink and genl codecs against messages a real kernel sent (vectors/capture.py
 * built the setup with `ip`: the values asserted here are the ones it configured).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { decodeMessages, type NetlinkMessage } from '../../../src/net/netlink/message.js';
import { decodeLink } from '../../../src/net/netlink/rtnl/link.js';
import { decodeAddress } from '../../../src/net/netlink/rtnl/address.js';
import { decodeRoute } from '../../../src/net/netlink/rtnl/route.js';
import { decodeRule } from '../../../src/net/netlink/rtnl/rule.js';
import { IFA_F, RTM } from '../../../src/net/netlink/rtnl/constants.js';
import { decodeFamily } from '../../../src/net/netlink/genl/family.js';
import { kernelVectors } from './vectors/kernel-vectors.js';
import { hex } from './fake-kernel.js';

const messages = (list: readonly string[]): NetlinkMessage[] => list.flatMap((h) => decodeMessages(hex(h)));
const data = (list: readonly string[]): NetlinkMessage[] => messages(list).filter((m) => m.type >= 16);

describe('links from a real RTM_GETLINK dump', () => {
  const links = data(kernelVectors.linkDump).map((m) => decodeLink(m)!);
  const byName = new Map(links.map((l) => [l.name, l]));

  it('finds every link with its index, MAC, MTU and state', () => {
    assert.deepEqual(links.map((l) => l.name), ['lo', 'peer0', 'dummy0', 'vmac1']);
    const lo = byName.get('lo')!;
    assert.equal(lo.index, 1);
    assert.equal(lo.hardwareType, 772);
    assert.equal(lo.up, true);
    assert.equal(lo.operState, 'unknown');
    assert.equal(lo.parentIndex, undefined);
    const d = byName.get('dummy0')!;
    assert.equal(d.mac, '02:00:00:00:00:01');
    assert.equal(d.broadcast, 'ff:ff:ff:ff:ff:ff');
    assert.equal(d.mtu, 1400);
    assert.equal(d.kind, 'veth');
    assert.equal(d.adminUp, true);
    assert.equal(d.running, true);
    assert.equal(d.up, true);
    assert.equal(d.operState, 'up');
    assert.equal(d.parentIndex, byName.get('peer0')!.index);
  });

  it('reads the macvlan kind, mode and parent of a VMAC-style link', () => {
    const v = byName.get('vmac1')!;
    assert.equal(v.kind, 'macvlan');
    assert.equal(v.macvlanMode, 'private');
    assert.equal(v.mac, '00:00:5e:00:01:33');
    assert.equal(v.parentIndex, byName.get('dummy0')!.index);
    assert.equal(v.adminUp, false);
    assert.equal(v.up, false);
    assert.equal(v.addrGenMode, 'eui64');
  });

  it('keeps attributes this code has no name for, instead of dropping them', async () => {
    const { linkBody } = await import('../../../src/net/netlink/rtnl/link.js');
    const decoded = linkBody.decode(data(kernelVectors.linkDump)[0]!.payload);
    // Kernel 6.x sends IFLA_* numbers above IFLA_ALLMULTI (61): they must be in `extra`.
    assert.ok(decoded.attrs.extra.some((e) => e.type > 61 && e.reason === 'unknown'));
  });
});

describe('addresses from a real RTM_GETADDR dump', () => {
  const addresses = data(kernelVectors.addrDump).map((m) => decodeAddress(m)!);
  const find = (a: string) => addresses.find((x) => x.address === a)!;

  it('reads label and broadcast of an IPv4 address', () => {
    const a = find('192.0.2.1');
    assert.equal(a.family, 4);
    assert.equal(a.prefixLength, 24);
    assert.equal(a.broadcast, '192.0.2.255');
    assert.equal(a.label, 'dummy0:vip');
    assert.equal(a.peer, undefined);
    assert.equal(a.scope, 0);
    assert.equal(a.validLifetime, Infinity);
    assert.ok(a.flags & IFA_F.PERMANENT);
  });

  it('tells the local address from the peer (IFA_LOCAL vs IFA_ADDRESS)', () => {
    const a = find('10.9.9.1');
    assert.equal(a.peer, '10.9.9.2');
    assert.equal(a.prefixLength, 32);
  });

  it('reads IPv6 flags above bit 7 and finite lifetimes', () => {
    const a = find('2001:db8::1');
    assert.equal(a.family, 6);
    assert.equal(a.prefixLength, 64);
    assert.equal(a.flags, IFA_F.NODAD | IFA_F.NOPREFIXROUTE);
    assert.equal(a.preferredLifetime, 100);
    assert.equal(a.validLifetime, 200);
    assert.equal(find('fe80::ff:fe00:2').scope, 253);
  });
});

describe('routes from a real RTM_GETROUTE dump', () => {
  const routes = data(kernelVectors.routeDump).map((m) => decodeRoute(m)!).filter((r) => r.table === 100);

  it('reads via, metric, protocol and locked metrics', () => {
    const r = routes.find((x) => x.dst === '198.51.100.0/24')!;
    assert.equal(r.gateway, '192.0.2.254');
    assert.equal(r.metric, 50);
    assert.equal(r.protocol, 4); // static
    assert.equal(r.type, 'unicast');
    assert.deepEqual(r.metrics, { mtu: 1300, advmss: 1260, locked: ['mtu'] });
  });

  it('reads route types without next hops', () => {
    assert.equal(routes.find((x) => x.dst === '203.0.113.0/24')!.type, 'blackhole');
  });

  it('reads multipath next hops with their weights', () => {
    const r = routes.find((x) => x.dst === '203.0.113.128/25')!;
    assert.deepEqual(r.nexthops!.map((h) => [h.gateway, h.weight]), [['192.0.2.10', 2], ['192.0.2.11', 1]]);
    assert.ok(r.nexthops!.every((h) => h.oif !== undefined));
  });

  it('reads IPv6 onlink and router preference', () => {
    const r = routes.find((x) => x.dst === '2001:db8:1::/48')!;
    assert.equal(r.family, 6);
    assert.equal(r.gateway, '2001:db8::ff');
    assert.equal(r.onlink, true);
    assert.equal(r.pref, 'high');
  });
});

describe('rules from a real RTM_GETRULE dump', () => {
  const rules = data(kernelVectors.ruleDump).map((m) => decodeRule(m)).filter((r) => r !== null);

  it('skips the multicast-routing families and reads the defaults', () => {
    assert.deepEqual(rules.filter((r) => r.family === 4).map((r) => [r.priority, r.table]), [
      [0, 255], [100, 100], [101, 254], [32766, 254], [32767, 253],
    ]);
  });

  it('reads from/to/fwmark/mask', () => {
    const r = rules.find((x) => x.priority === 100)!;
    assert.equal(r.src, '192.0.2.0/24');
    assert.equal(r.dst, '198.51.100.0/24');
    assert.equal(r.fwmark, 0x10);
    assert.equal(r.fwmask, 0xff);
    assert.equal(r.action, 'to_tbl');
    assert.equal(r.suppressPrefixLength, undefined);
  });

  it('reads iif, ipproto, port and uid ranges, suppress_prefixlength', () => {
    const r = rules.find((x) => x.priority === 101)!;
    assert.equal(r.iif, 'dummy0');
    assert.equal(r.ipProto, 6);
    assert.deepEqual(r.dport, { start: 80, end: 90 });
    assert.deepEqual(r.uidRange, { start: 1000, end: 2000 });
    assert.equal(r.suppressPrefixLength, 0);
  });
});

describe('notifications a monitor received', () => {
  it('are link and address messages the decoders read', () => {
    const events = messages(kernelVectors.monitorEvents);
    assert.deepEqual(events.map((m) => m.type), [RTM.NEWADDR, RTM.DELADDR, RTM.NEWLINK, RTM.NEWLINK, RTM.DELADDR]);
    assert.equal(decodeAddress(events[0]!)!.address, '192.0.2.88');
    assert.equal(decodeAddress(events[1]!)!.address, '192.0.2.88');
    assert.equal(decodeLink(events[3]!)!.name, 'vmac1');
    assert.equal(decodeLink(events[3]!)!.adminUp, false);
  });
});

describe('generic netlink controller', () => {
  it('reads the nlctrl family itself', () => {
    const [reply] = data(kernelVectors.genlNlctrl);
    const family = decodeFamily(reply!);
    assert.equal(family.name, 'nlctrl');
    assert.equal(family.id, 16);
    assert.equal(family.multicastGroups.get('notify'), 16);
    assert.ok(family.commands.includes(3));
  });
});

describe('round trip of every captured message body', async () => {
  const { linkBody } = await import('../../../src/net/netlink/rtnl/link.js');
  const { addressBody } = await import('../../../src/net/netlink/rtnl/address.js');
  const { routeBody } = await import('../../../src/net/netlink/rtnl/route.js');
  const { ruleBody } = await import('../../../src/net/netlink/rtnl/rule.js');
  const { ctrlBody } = await import('../../../src/net/netlink/genl/family.js');
  const bodies = [
    [kernelVectors.linkDump, linkBody], [kernelVectors.addrDump, addressBody], [kernelVectors.routeDump, routeBody],
    [kernelVectors.ruleDump, ruleBody], [kernelVectors.genlNlctrl, ctrlBody],
  ] as const;

  it('decode -> encode (unknown attributes included) -> decode gives the same, and re-encodes to the same bytes', () => {
    let checked = 0;
    for (const [vectors, body] of bodies) {
      for (const msg of data(vectors)) {
        const first = (body as typeof linkBody).decode(msg.payload);
        const bytes = (body as typeof linkBody).encode(first.header, first.attrs.values, first.attrs.extra);
        const second = (body as typeof linkBody).decode(bytes);
        assert.deepEqual(second.header, first.header);
        assert.deepEqual(second.attrs.values, first.attrs.values);
        const key = (e: { path: string; type: number; data: Buffer }) => `${e.path}#${e.type}#${e.data.toString('hex')}`;
        assert.deepEqual(second.attrs.extra.map(key).sort(), first.attrs.extra.map(key).sort());
        assert.equal(bytes.length, nlmsgLength(msg), 'nothing lost or added');
        assert.deepEqual((body as typeof linkBody).encode(second.header, second.attrs.values, second.attrs.extra), bytes);
        checked++;
      }
    }
    assert.ok(checked > 30);
  });
});

/** Payload length as the kernel padded it: every attribute is 4-aligned. */
function nlmsgLength(msg: NetlinkMessage): number {
  return (msg.payload.length + 3) & ~3;
}
