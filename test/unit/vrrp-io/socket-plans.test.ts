/**
 * The socket options of VRRP receive and send sockets, checked against keepalived 2.2.7's
 * open_vrrp_read_socket / open_vrrp_send_socket for each family and mode.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IPPROTO_IP, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, IPV6_MULTICAST_IF, IP_ADD_MEMBERSHIP, IP_MULTICAST_IF, SOL_SOCKET, SO_BINDTODEVICE, SO_TIMESTAMPNS,
} from '../../../src/net/constants.js';
import { parseSockaddr } from '../../../src/net/sockaddr.js';
import { receiveSocketPlan, sendSocketPlan, socketKeyId, type SocketKey, type SocketStep } from '../../../src/vrrp/io/index.js';

const eth0 = { name: 'eth0', index: 7 };
const v4mcast: SocketKey = { family: 'inet', protocol: 112, link: eth0, mode: 'multicast', group: '224.0.0.18' };
const v4ah: SocketKey = { family: 'inet', protocol: 51, link: eth0, mode: 'multicast', group: '224.0.0.18' };
const v4uni: SocketKey = { family: 'inet', protocol: 112, link: eth0, mode: 'unicast', source: '192.0.2.1' };
const v6mcast: SocketKey = { family: 'inet6', protocol: 112, link: eth0, mode: 'multicast', group: 'ff02::12' };
const v6uni: SocketKey = { family: 'inet6', protocol: 112, link: eth0, mode: 'unicast', source: 'fe80::1' };
const v6uniNoIf: SocketKey = { family: 'inet6', protocol: 112, link: undefined, mode: 'unicast', source: '2001:db8::1' };

const labels = (plan: SocketStep[]): string[] => plan.map((s) => s.label);
const step = (plan: SocketStep[], label: string): SocketStep => {
  const s = plan.find((x) => x.label === label);
  assert.ok(s, `no step ${label} in ${labels(plan).join(', ')}`);
  return s;
};

describe('socket keys', () => {
  it('name family, protocol, interface and group or source', () => {
    assert.equal(socketKeyId(v4mcast), 'inet/vrrp/eth0#7/group 224.0.0.18');
    assert.equal(socketKeyId(v4ah), 'inet/ah/eth0#7/group 224.0.0.18');
    assert.equal(socketKeyId(v6uniNoIf), 'inet6/vrrp/*/unicast 2001:db8::1');
  });
});

describe('receive socket plan', () => {
  it('IPv4 multicast: no foreign groups, join on the interface, bind the group, bound to the device', () => {
    const plan = receiveSocketPlan(v4mcast, 0);
    assert.deepEqual(labels(plan), ['IP_MULTICAST_ALL 0', 'IP_ADD_MEMBERSHIP 224.0.0.18 on eth0', 'bind 224.0.0.18', 'SO_BINDTODEVICE eth0', 'SO_TIMESTAMPNS 1']);
    const join = step(plan, 'IP_ADD_MEMBERSHIP 224.0.0.18 on eth0');
    assert.ok(join.kind === 'option' && join.level === IPPROTO_IP && join.name === IP_ADD_MEMBERSHIP);
    // struct ip_mreqn: group, any local address, ifindex 7 (host order)
    assert.equal((join.value as Buffer).toString('hex'), 'e0000012' + '00000000' + '07000000');
    const bind = step(plan, 'bind 224.0.0.18');
    assert.equal(bind.fatal, false, 'keepalived only logs a failed multicast bind');
    assert.deepEqual(parseSockaddr((bind as { address: Buffer }).address), { family: 'inet', address: '224.0.0.18', port: 0 });
    const dev = step(plan, 'SO_BINDTODEVICE eth0');
    assert.ok(dev.kind === 'option' && dev.level === SOL_SOCKET && dev.name === SO_BINDTODEVICE);
    assert.equal((dev.value as Buffer).toString(), 'eth0\0');
    // Ours: kernel receive stamps, so the Master_Down_Timer runs from an advert's arrival.
    const stamps = step(plan, 'SO_TIMESTAMPNS 1');
    assert.ok(stamps.kind === 'option' && stamps.level === SOL_SOCKET && stamps.name === SO_TIMESTAMPNS && stamps.value === 1);
    assert.equal(stamps.fatal, false, 'without stamps the poll time is used');
  });

  it('a receive buffer is set only when an instance asked for one', () => {
    assert.equal(receiveSocketPlan(v4mcast, 0).some((s) => s.label.startsWith('SO_RCVBUF')), false);
    const plan = receiveSocketPlan(v4mcast, 212992);
    assert.equal(plan[0]?.label, 'SO_RCVBUF 212992');
    assert.equal(plan[0]?.fatal, false);
  });

  it('IPv4 unicast: binding unicast_src_ip is fatal (the instance goes FAULT until the address exists)', () => {
    const plan = receiveSocketPlan(v4uni, 0);
    assert.deepEqual(labels(plan), ['IP_MULTICAST_ALL 0', 'bind unicast_src_ip 192.0.2.1', 'SO_BINDTODEVICE eth0', 'SO_TIMESTAMPNS 1']);
    assert.equal(step(plan, 'bind unicast_src_ip 192.0.2.1').fatal, true);
  });

  it('IPv6 multicast: hop limit and destination cmsgs, kernel-checked checksum, scoped bind', () => {
    const plan = receiveSocketPlan(v6mcast, 0);
    assert.deepEqual(labels(plan), [
      'IPV6_MULTICAST_ALL 0', 'IPV6_ADD_MEMBERSHIP ff02::12 on eth0', 'bind ff02::12',
      'IPV6_RECVHOPLIMIT 1', 'IPV6_RECVPKTINFO 1', 'SO_BINDTODEVICE eth0', 'IPV6_CHECKSUM 6', 'SO_TIMESTAMPNS 1',
    ]);
    const join = step(plan, 'IPV6_ADD_MEMBERSHIP ff02::12 on eth0');
    assert.ok(join.kind === 'option' && join.level === IPPROTO_IPV6 && join.name === IPV6_ADD_MEMBERSHIP);
    const bind = parseSockaddr((step(plan, 'bind ff02::12') as { address: Buffer }).address);
    assert.ok(bind.family === 'inet6' && bind.scopeId === 7, 'a link-scope group is bound with the interface as scope');
  });

  it('IPv6 unicast: a link-local source gets the interface as scope; a global one none', () => {
    const ll = parseSockaddr((step(receiveSocketPlan(v6uni, 0), 'bind unicast_src_ip fe80::1') as { address: Buffer }).address);
    assert.ok(ll.family === 'inet6' && ll.scopeId === 7);
    const plan = receiveSocketPlan(v6uniNoIf, 0);
    const global = parseSockaddr((step(plan, 'bind unicast_src_ip 2001:db8::1') as { address: Buffer }).address);
    assert.ok(global.family === 'inet6' && global.scopeId === 0);
    assert.equal(plan.some((s) => s.label.startsWith('SO_BINDTODEVICE')), false, 'no interface, no device binding');
  });
});

describe('send socket plan', () => {
  it('IPv4 multicast: never receives, writes its own IP header, leaves by the interface, no loop, CS6', () => {
    const plan = sendSocketPlan(v4mcast);
    assert.deepEqual(labels(plan), [
      'SO_RCVBUF 0', 'IP_MULTICAST_ALL 0', 'IP_HDRINCL 1', 'SO_BINDTODEVICE eth0', 'IP_MULTICAST_IF eth0', 'IP_MULTICAST_LOOP 0',
      'IP_TOS 0xc0', 'SO_ATTACH_FILTER reject all',
    ]);
    const mif = step(plan, 'IP_MULTICAST_IF eth0');
    assert.ok(mif.kind === 'option' && mif.level === IPPROTO_IP && mif.name === IP_MULTICAST_IF);
    assert.equal((mif.value as Buffer).readInt32LE(8), 7);
  });

  it('IPv4 AH uses the same options (only the protocol differs)', () => {
    assert.deepEqual(labels(sendSocketPlan(v4ah)), labels(sendSocketPlan(v4mcast)));
  });

  it('IPv4 unicast: no multicast interface or loop option', () => {
    assert.deepEqual(labels(sendSocketPlan(v4uni)), ['SO_RCVBUF 0', 'IP_MULTICAST_ALL 0', 'IP_HDRINCL 1', 'SO_BINDTODEVICE eth0', 'IP_TOS 0xc0', 'SO_ATTACH_FILTER reject all']);
  });

  it('IPv6 multicast: kernel checksum, hop limit 255 (RFC 5798 §5.1.2.3), interface by index', () => {
    const plan = sendSocketPlan(v6mcast);
    assert.deepEqual(labels(plan), [
      'SO_RCVBUF 0', 'IPV6_MULTICAST_ALL 0', 'IPV6_CHECKSUM 6', 'IPV6_MULTICAST_HOPS 255', 'SO_BINDTODEVICE eth0',
      'IPV6_MULTICAST_IF eth0', 'IPV6_MULTICAST_LOOP 0', 'IPV6_TCLASS 0xc0', 'SO_ATTACH_FILTER reject all',
    ]);
    const mif = step(plan, 'IPV6_MULTICAST_IF eth0');
    assert.ok(mif.kind === 'option' && mif.name === IPV6_MULTICAST_IF && mif.value === 7);
  });

  it('IPv6 unicast without interface: no device, no multicast options', () => {
    assert.deepEqual(labels(sendSocketPlan(v6uniNoIf)), ['SO_RCVBUF 0', 'IPV6_MULTICAST_ALL 0', 'IPV6_CHECKSUM 6', 'IPV6_TCLASS 0xc0', 'SO_ATTACH_FILTER reject all']);
  });

  it('everything but the receive buffer size is fatal', () => {
    for (const key of [v4mcast, v4uni, v6mcast, v6uni, v6uniNoIf]) {
      for (const s of sendSocketPlan(key)) assert.equal(s.fatal, s.label !== 'SO_RCVBUF 0', `${socketKeyId(key)} ${s.label}`);
    }
  });
});
