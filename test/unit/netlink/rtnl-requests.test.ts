/**
 * Requests the daemon builds: encoded, then read back with the same decoders that
 * read the kernel's messages, so the two directions agree field by field.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { NlmF } from '../../../src/net/netlink/constants.js';
import { NetlinkEncodeError } from '../../../src/net/netlink/errors.js';
import type { NetlinkMessage, NetlinkRequest } from '../../../src/net/netlink/message.js';
import {
  addressAddRequest, addressBody, addressDeleteRequest, decodeAddress, ipv4Broadcast,
} from '../../../src/net/netlink/rtnl/address.js';
import { IFA_F, IFF, RTM } from '../../../src/net/netlink/rtnl/constants.js';
import {
  decodeLink, decodeLinkInfoData, linkBody, linkSetAddrGenModeRequest, linkSetRequest, macvlanCreateRequest,
} from '../../../src/net/netlink/rtnl/link.js';
import { decodeRoute, routeAddRequest, routeDeleteRequest } from '../../../src/net/netlink/rtnl/route.js';
import { decodeRule, ruleAddRequest, ruleDeleteRequest } from '../../../src/net/netlink/rtnl/rule.js';
import { familyRequest, ctrlBody } from '../../../src/net/netlink/genl/family.js';

const asMessage = (req: NetlinkRequest): NetlinkMessage => ({ type: req.type, flags: req.flags, seq: 1, pid: 0, payload: req.payload });
const encodeError = (fn: () => unknown, message: RegExp): void => {
  assert.throws(fn, (err: unknown) => err instanceof NetlinkEncodeError && message.test(err.message), message.source);
};

describe('address requests', () => {
  it('encodes a VIP with label, broadcast and scope; IFA_LOCAL and IFA_ADDRESS both carry it', () => {
    const req = addressAddRequest({ index: 3, address: '192.0.2.10', prefixLength: 24, label: 'eth0:vip', broadcast: '192.0.2.255', scope: 'universe' });
    assert.equal(req.type, RTM.NEWADDR);
    assert.equal(req.flags, NlmF.CREATE | NlmF.EXCL);
    const raw = addressBody.decode(req.payload).attrs.values;
    assert.equal(raw.local, '192.0.2.10');
    assert.equal(raw.address, '192.0.2.10');
    const a = decodeAddress(asMessage(req))!;
    assert.deepEqual([a.address, a.prefixLength, a.label, a.broadcast, a.peer, a.index], ['192.0.2.10', 24, 'eth0:vip', '192.0.2.255', undefined, 3]);
  });

  it('puts a peer in IFA_ADDRESS and the flags above bit 7 in IFA_FLAGS', () => {
    const req = addressAddRequest({
      index: 2, address: '2001:db8::10', prefixLength: 64, peer: '2001:db8::20', nodad: true, noPrefixRoute: true,
      home: true, mngtmpaddr: true, preferredLifetime: 0, validLifetime: 3600,
    });
    const { header, attrs } = addressBody.decode(req.payload);
    assert.equal(header.flags, IFA_F.NODAD | IFA_F.HOMEADDRESS); // the u8 field keeps the low bits
    assert.equal(attrs.values.flags, IFA_F.NODAD | IFA_F.HOMEADDRESS | IFA_F.NOPREFIXROUTE | IFA_F.MANAGETEMPADDR);
    const a = decodeAddress(asMessage(req))!;
    assert.equal(a.address, '2001:db8::10');
    assert.equal(a.peer, '2001:db8::20');
    assert.equal(a.preferredLifetime, 0);
    assert.equal(a.validLifetime, 3600);
  });

  it('deletes by local address, prefix and peer only', () => {
    const req = addressDeleteRequest({ index: 3, address: '192.0.2.10', prefixLength: 24, label: 'eth0:vip' });
    assert.equal(req.type, RTM.DELADDR);
    const v = addressBody.decode(req.payload).attrs.values;
    assert.deepEqual(Object.keys(v).sort(), ['address', 'local']);
  });

  it('refuses what the kernel would refuse, with the field named', () => {
    encodeError(() => addressAddRequest({ index: 1, address: '2001:db8::1', label: 'x' }), /address\.label: labels exist only for IPv4/);
    encodeError(() => addressAddRequest({ index: 1, address: '2001:db8::1', broadcast: '2001:db8::ff' }), /IPv6 has no broadcast/);
    encodeError(() => addressAddRequest({ index: 1, address: '192.0.2.1', peer: '2001:db8::1' }), /address\.peer: .* IPv6 address where IPv4 is required/);
    encodeError(() => addressAddRequest({ index: 1, address: '192.0.2.1', prefixLength: 33 }), /prefixLength: 33 is not 0\.\.32/);
    encodeError(() => addressAddRequest({ index: 1, address: '192.0.2.1', preferredLifetime: 100, validLifetime: 50 }), /preferred 100 s exceeds valid 50 s/);
    encodeError(() => addressAddRequest({ index: 1, address: '192.0.2.1', label: 'a-label-that-is-too-long' }), /the limit is 15/);
    encodeError(() => addressAddRequest({ index: 1, address: 'vip' }), /'vip' is not a valid IPv4 or IPv6 address/);
  });

  it('computes the directed broadcast for `brd +`', () => {
    assert.equal(ipv4Broadcast('192.0.2.10', 24), '192.0.2.255');
    assert.equal(ipv4Broadcast('10.1.2.3', 8), '10.255.255.255');
    assert.equal(ipv4Broadcast('10.1.2.3', 32), '10.1.2.3');
    assert.equal(ipv4Broadcast('10.1.2.3', 0), '255.255.255.255');
  });
});

describe('link requests', () => {
  it('creates a private-mode macvlan with the VRRP MAC on its parent', () => {
    const req = macvlanCreateRequest({ name: 'vrrp.51', parentIndex: 2, mac: '00:00:5e:00:01:33' });
    assert.equal(req.type, RTM.NEWLINK);
    assert.equal(req.flags, NlmF.CREATE | NlmF.EXCL);
    const { attrs } = linkBody.decode(req.payload);
    assert.equal(attrs.values.linkinfo?.kind, 'macvlan');
    assert.equal(decodeLinkInfoData('macvlan', attrs.values.linkinfo?.data).macvlanMode, 'private');
    const link = decodeLink(asMessage(req))!;
    assert.deepEqual([link.name, link.parentIndex, link.mac, link.kind, link.macvlanMode], ['vrrp.51', 2, '00:00:5e:00:01:33', 'macvlan', 'private']);
    // IFLA_LINKINFO and IFLA_INFO_DATA are flagged as nests, as strict kernels want.
    const linkinfo = req.payload.indexOf(Buffer.from('macvlan\0')) - 8;
    assert.equal(req.payload.readUInt16LE(linkinfo + 2) & 0x8000, 0x8000);
  });

  it('sets a link up or down through ifi_change, touching nothing else', () => {
    const up = linkBody.decode(linkSetRequest({ index: 7 }, { up: true }).payload).header;
    assert.deepEqual([up.index, up.flags, up.change], [7, IFF.UP, IFF.UP]);
    const down = linkBody.decode(linkSetRequest({ name: 'eth1' }, { up: false }).payload);
    assert.deepEqual([down.header.index, down.header.flags, down.header.change, down.attrs.values.name], [0, 0, IFF.UP, 'eth1']);
    const mtu = linkBody.decode(linkSetRequest({ index: 7 }, { mtu: 9000 }).payload);
    assert.deepEqual([mtu.header.change, mtu.attrs.values.mtu], [0, 9000]);
  });

  it('sets the IPv6 address-generation mode in IFLA_AF_SPEC', () => {
    const req = linkSetAddrGenModeRequest(5, 'none');
    assert.equal(linkBody.decode(req.payload).attrs.values.afSpec?.inet6?.addrGenMode, 1);
  });
});

describe('route requests', () => {
  it('encodes keepalived defaults: protocol keepalived, table main, universe scope', () => {
    const r = decodeRoute(asMessage(routeAddRequest({ dst: '198.51.100.0/24', gateway: '192.0.2.1', oif: 3 })))!;
    assert.deepEqual([r.dst, r.gateway, r.oif, r.table, r.protocol, r.scope, r.type], ['198.51.100.0/24', '192.0.2.1', 3, 254, 18, 0, 'unicast']);
  });

  it('round-trips the options of static_routes', () => {
    const spec = {
      dst: '2001:db8:100::/48', src: '2001:db8:1::/64', table: 1000, metric: 20, protocol: 'static' as const,
      gateway: '2001:db8::1', oif: 4, prefsrc: '2001:db8::5', onlink: true, pref: 'low' as const, expires: 60,
      metrics: { mtu: 1400, advmss: 1360, rtt: 100, rttvar: 25, rtoMin: 200, initcwnd: 10, congctl: 'cubic', features: 1, locked: ['mtu' as const] },
    };
    const r = decodeRoute(asMessage(routeAddRequest(spec)))!;
    assert.equal(r.dst, spec.dst);
    assert.equal(r.src, spec.src);
    assert.equal(r.table, 1000);
    assert.equal(r.metric, 20);
    assert.equal(r.protocol, 4);
    assert.equal(r.prefsrc, spec.prefsrc);
    assert.equal(r.onlink, true);
    assert.equal(r.pref, 'low');
    assert.equal(r.expires, 60);
    assert.deepEqual(r.metrics, spec.metrics);
  });

  it('encodes blackhole/unreachable/prohibit, multipath and a gateway of the other family', () => {
    for (const type of ['blackhole', 'unreachable', 'prohibit', 'throw'] as const) {
      assert.equal(decodeRoute(asMessage(routeAddRequest({ dst: '203.0.113.0/24', type })))!.type, type);
    }
    const mp = decodeRoute(asMessage(routeAddRequest({
      dst: 'default', family: 4, nexthops: [{ gateway: '192.0.2.1', oif: 2, weight: 3 }, { gateway: '192.0.2.2', oif: 2, onlink: true }],
    })))!;
    assert.equal(mp.dst, '0.0.0.0/0');
    assert.deepEqual(mp.nexthops!.map((h) => [h.gateway, h.oif, h.weight, h.onlink ?? false]), [['192.0.2.1', 2, 3, false], ['192.0.2.2', 2, 1, true]]);
    const via = decodeRoute(asMessage(routeAddRequest({ dst: '198.51.100.0/24', gateway: 'fe80::1', oif: 2 })))!;
    assert.deepEqual([via.gateway, via.via], [undefined, { family: 6, address: 'fe80::1' }]);
  });

  it('maps add, replace, append and prepend to the kernel flags `ip route` uses', () => {
    const spec = { dst: '198.51.100.0/24', oif: 2 };
    assert.equal(routeAddRequest(spec).flags, NlmF.CREATE | NlmF.EXCL);
    assert.equal(routeAddRequest(spec, { replace: true }).flags, NlmF.CREATE | NlmF.REPLACE);
    assert.equal(routeAddRequest(spec, { append: true }).flags, NlmF.CREATE | NlmF.APPEND);
    assert.equal(routeAddRequest(spec, { prepend: true }).flags, NlmF.CREATE);
  });

  it('deletes with scope nowhere and no protocol, so any matching route goes', () => {
    const r = decodeRoute(asMessage(routeDeleteRequest({ dst: '198.51.100.0/24', table: 100 })))!;
    assert.deepEqual([r.scope, r.protocol, r.type, r.table], [255, 0, 'unspec', 100]);
  });

  it('refuses mixed families and out-of-range values', () => {
    encodeError(() => routeAddRequest({ dst: '192.0.2.0/24', prefsrc: '2001:db8::1' }), /route\.prefsrc: .* IPv6 in an IPv4 route/);
    encodeError(() => routeAddRequest({ dst: '192.0.2.0/24', pref: 'high' }), /IPv6 only/);
    encodeError(() => routeAddRequest({ dst: 'default' }), /'default' needs a family/);
    encodeError(() => routeAddRequest({ dst: '192.0.2.0/24', table: 0 }), /route\.table: 0 is not/);
    encodeError(() => routeAddRequest({ dst: '192.0.2.0/24', nexthops: [{ gateway: '192.0.2.1', weight: 0 }] }), /weight: 0 is not 1\.\.256/);
    encodeError(() => routeAddRequest({ dst: '192.0.2.0/33' }), /prefix length must be 0\.\.32/);
  });
});

describe('rule requests', () => {
  it('round-trips the options of static_rules', () => {
    const spec = {
      family: 4 as const, priority: 200, table: 300, src: '192.0.2.0/24', dst: '198.51.100.0/24', tos: 0x10, fwmark: 7, fwmask: 0xff,
      iif: 'eth0', oif: 'eth1', realms: 5, suppressPrefixLength: 0, suppressIfgroup: 3, uidRange: { start: 1, end: 99 },
      protocol: 'keepalived' as const, ipProto: 17, sport: { start: 1000, end: 2000 }, dport: { start: 53, end: 53 },
      tunnelId: 0x1234n, not: true,
    };
    const r = decodeRule(asMessage(ruleAddRequest(spec)))!;
    assert.deepEqual(
      [r.priority, r.table, r.src, r.dst, r.tos, r.fwmark, r.fwmask, r.iif, r.oif, r.realms, r.suppressPrefixLength, r.suppressIfgroup, r.uidRange, r.protocol, r.ipProto, r.sport, r.dport, r.tunnelId, r.not, r.action],
      [200, 300, spec.src, spec.dst, 0x10, 7, 0xff, 'eth0', 'eth1', 5, 0, 3, spec.uidRange, 18, 17, spec.sport, spec.dport, 0x1234n, true, 'to_tbl'],
    );
  });

  it('encodes goto, nop, drop types and l3mdev', () => {
    assert.deepEqual(((r) => [r.action, r.goto])(decodeRule(asMessage(ruleAddRequest({ family: 6, priority: 10, goto: 20 })))!), ['goto', 20]);
    for (const action of ['nop', 'blackhole', 'unreachable', 'prohibit'] as const) {
      const r = decodeRule(asMessage(ruleAddRequest({ family: 4, action })))!;
      assert.deepEqual([r.action, r.table], [action, 0]);
    }
    const l3 = decodeRule(asMessage(ruleAddRequest({ family: 4, l3mdev: true, priority: 1000 })))!;
    assert.deepEqual([l3.l3mdev, l3.table], [true, 0]);
  });

  it('deletes matching any action unless one is given', () => {
    const r = decodeRule(asMessage(ruleDeleteRequest({ family: 4, priority: 100 })))!;
    assert.deepEqual([r.action, r.table, r.priority], ['unspec', 0, 100]);
  });

  it('refuses bad ranges and family mismatches', () => {
    encodeError(() => ruleAddRequest({ family: 4, dport: { start: 90, end: 80 } }), /rule\.dport: 90-80 is not a range/);
    encodeError(() => ruleAddRequest({ family: 4, sport: { start: 1, end: 70000 } }), /within 0\.\.65535/);
    encodeError(() => ruleAddRequest({ family: 6, src: '192.0.2.0/24' }), /rule\.src: .* IPv4 in an IPv6 rule/);
    encodeError(() => ruleAddRequest({ family: 4, action: 'goto' }), /a goto rule needs a target/);
  });
});

describe('genl requests', () => {
  it('asks the controller for a family by name', () => {
    const req = familyRequest('nlctrl');
    assert.equal(req.type, 16);
    const { header, attrs } = ctrlBody.decode(req.payload);
    assert.deepEqual([header.cmd, header.version, attrs.values.familyName], [3, 1, 'nlctrl']);
  });
});
