/**
 * VMAC: names and MACs (RFC 5798 §7.3), what to do with an existing interface, the
 * sysctls keepalived sets, rp_filter clearing, and the manager's order of work, parent
 * reference counting and clean-up, over a fake rtnetlink and an in-memory /proc/sys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Address, AddressSpec, Link, LinkRef, MacvlanSpec } from '../../../src/net/netlink/index.js';
import type { SysctlPort } from '../../../src/vrrp/vmac/sysctl.js';
import { VmacManager, type VmacRtnlPort } from '../../../src/vrrp/vmac/vmac-manager.js';
import {
  decideVmac, eui64LinkLocal, rpFilterClearing, virtualRouterMac, vmacMac, vmacName, VmacError,
} from '../../../src/vrrp/vmac/vmac-plan.js';

test('names and MACs: vrrp.VRID, 00:00:5e:00:01:VRID (IPv4) and 00:00:5e:00:02:VRID (IPv6)', () => {
  assert.equal(vmacName({ vrid: 51 }), 'vrrp.51');
  assert.equal(vmacName({ vrid: 51, name: 'vmac51' }), 'vmac51');
  assert.equal(vmacName({ vrid: 7 }, 'vk'), 'vk.7');
  assert.throws(() => vmacName({ vrid: 1, name: 'a-name-far-too-long' }), VmacError);
  assert.equal(virtualRouterMac(51, 4), '00:00:5e:00:01:33');
  assert.equal(virtualRouterMac(255, 6), '00:00:5e:00:02:ff');
  assert.throws(() => virtualRouterMac(0, 4), VmacError);
  assert.equal(vmacMac({ vrid: 1, family: 4, mac: '02-AA-BB-CC-DD-EE' }), '02:aa:bb:cc:dd:ee');
  assert.throws(() => vmacMac({ vrid: 1, family: 4, mac: '01:00:5e:00:00:01' }), /multicast/);
});

test('an existing interface with the VMAC name: reuse, recreate or refuse', () => {
  const want = { mac: '00:00:5e:00:01:33', parentIndex: 2 };
  const good = { index: 9, kind: 'macvlan', parentIndex: 2, mac: '00:00:5E:00:01:33', macvlanMode: 'private' };
  assert.deepEqual(decideVmac(undefined, want), { action: 'create' });
  assert.deepEqual(decideVmac(good, want), { action: 'reuse', index: 9 });
  assert.equal(decideVmac({ ...good, macvlanMode: 'bridge' }, want).action, 'recreate');
  assert.equal(decideVmac({ ...good, mac: '00:00:5e:00:01:34' }, want).action, 'recreate');
  assert.equal(decideVmac({ ...good, parentIndex: 3 }, want).action, 'recreate');
  assert.equal(decideVmac({ ...good, kind: 'veth' }, want).action, 'conflict');
  assert.equal(decideVmac({ ...good, kind: undefined }, want).action, 'conflict');
});

test('rp_filter clearing keeps every interface\'s effective value and zeroes conf.all', () => {
  assert.deepEqual(rpFilterClearing(0, 1, new Map([['eth0', 1]])), []);
  assert.deepEqual(rpFilterClearing(2, 1, new Map([['eth0', 0], ['eth1', 2], ['lo', 1]])).map((s) => `${s.path}=${s.value}`), [
    'net/ipv4/conf/default/rp_filter=2', 'net/ipv4/conf/eth0/rp_filter=2', 'net/ipv4/conf/lo/rp_filter=2', 'net/ipv4/conf/all/rp_filter=0',
  ]);
});

test('EUI-64 link-local address of a MAC', () => {
  assert.equal(eui64LinkLocal('52:54:00:12:34:56'), 'fe80::5054:ff:fe12:3456');
});

function link(index: number, name: string, over: Partial<Link> = {}): Link {
  return {
    index, name, hardwareType: 1, flags: 0, adminUp: true, running: true, lowerUp: true, up: true, operState: 'up', mtu: 1500,
    mac: '52:54:00:12:34:56', broadcast: 'ff:ff:ff:ff:ff:ff', permanentMac: undefined, parentIndex: undefined, masterIndex: undefined,
    kind: undefined, macvlanMode: undefined, alias: undefined, group: 0, altNames: [], addrGenMode: undefined, ...over,
  };
}

class World implements VmacRtnlPort, SysctlPort {
  readonly calls: string[] = [];
  readonly links = new Map<string, Link>([['eth0', link(2, 'eth0')]]);
  readonly addrs: Address[] = [];
  readonly proc = new Map<string, string>([
    ['net/ipv4/conf/all/rp_filter', '0'], ['net/ipv4/conf/default/rp_filter', '0'],
    ['net/ipv4/conf/eth0/arp_ignore', '0'], ['net/ipv4/conf/eth0/arp_filter', '0'], ['net/ipv4/conf/eth0/rp_filter', '0'],
  ]);
  private next = 10;
  failUp = false;

  async createMacvlan(spec: MacvlanSpec): Promise<Link> {
    this.calls.push(`create ${spec.name} ${spec.mac} ${spec.mode} on ${spec.parentIndex}`);
    const l = link(this.next++, spec.name, { kind: 'macvlan', parentIndex: spec.parentIndex, mac: spec.mac, macvlanMode: spec.mode ?? 'private' });
    this.links.set(spec.name, l);
    for (const k of ['arp_ignore', 'accept_local', 'rp_filter', 'promote_secondaries']) this.proc.set(`net/ipv4/conf/${spec.name}/${k}`, '0');
    this.proc.set(`net/ipv6/conf/${spec.name}/disable_ipv6`, '0');
    return l;
  }
  async deleteLink(ref: LinkRef): Promise<void> {
    const name = [...this.links.values()].find((l) => 'index' in ref && l.index === ref.index)?.name;
    this.calls.push(`delete ${name}`);
    if (name) this.links.delete(name);
  }
  async setLinkUp(ref: LinkRef, up: boolean): Promise<void> {
    this.calls.push(`up ${'index' in ref ? ref.index : ref.name} ${up}`);
    if (this.failUp) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
  }
  async setAddrGenMode(index: number, mode: string): Promise<void> { this.calls.push(`addrgenmode ${index} ${mode}`); }
  async addAddress(spec: AddressSpec): Promise<void> { this.calls.push(`addr ${spec.address}/${spec.prefixLength} on ${spec.index}${spec.nodad ? ' nodad' : ''}`); }
  async read(path: string): Promise<string | undefined> { return this.proc.get(path); }
  async write(path: string, value: string): Promise<void> {
    this.calls.push(`sysctl ${path}=${value}`);
    this.proc.set(path, value);
  }
  port() {
    return {
      linkByName: (n: string) => this.links.get(n),
      links: () => [...this.links.values()],
      addresses: (f: { index?: number; family?: 4 | 6 }) => this.addrs.filter((a) => (f.index === undefined || a.index === f.index) && (f.family === undefined || a.family === f.family)),
    };
  }
}

test('an IPv4 VMAC: created private with the virtual MAC, sysctls set, IPv6 off, no EUI-64, up; removed with the parent restored', async () => {
  const w = new World();
  const m = new VmacManager(w, w.port(), w);
  const h = await m.ensure({ instance: 'VI_1', vrid: 51, family: 4, parent: 'eth0' });
  assert.deepEqual(w.calls, [
    'create vrrp.51 00:00:5e:00:01:33 private on 2',
    'sysctl net/ipv4/conf/vrrp.51/arp_ignore=1',
    'sysctl net/ipv4/conf/vrrp.51/accept_local=1',
    'sysctl net/ipv4/conf/vrrp.51/rp_filter=0',
    'sysctl net/ipv4/conf/vrrp.51/promote_secondaries=1',
    'sysctl net/ipv4/conf/eth0/arp_ignore=1',
    'sysctl net/ipv4/conf/eth0/arp_filter=1',
    'sysctl net/ipv6/conf/vrrp.51/disable_ipv6=1',
    'addrgenmode 10 none',
    'up 10 true',
  ]);
  assert.equal(h.mac, '00:00:5e:00:01:33');
  const h2 = await m.ensure({ instance: 'VI_2', vrid: 52, family: 4, parent: 'eth0' });
  w.calls.length = 0;
  await m.release(h);
  assert.deepEqual(w.calls, ['delete vrrp.51'], 'the parent keeps its settings while another VMAC uses it');
  await m.release(h2);
  assert.deepEqual(w.calls.slice(1), ['sysctl net/ipv4/conf/eth0/arp_ignore=0', 'sysctl net/ipv4/conf/eth0/arp_filter=0', 'delete vrrp.52']);
});

test('an IPv6 VMAC gets the parent\'s link-local address (or the EUI-64 of its MAC), not with vmac_xmit_base', async () => {
  const w = new World();
  const m = new VmacManager(w, w.port(), w);
  await m.ensure({ instance: 'VI_6', vrid: 9, family: 6, parent: 'eth0' });
  assert.ok(w.calls.includes('addr fe80::5054:ff:fe12:3456/64 on 10 nodad'), w.calls.join('\n'));
  assert.ok(w.calls.includes('sysctl net/ipv6/conf/vrrp.9/disable_ipv6=0'));
  assert.ok(!w.calls.some((c) => c.includes('arp_ignore')), 'no IPv4 sysctls for an IPv6 VMAC');
  w.addrs.push({ family: 6, index: 2, address: 'fe80::1', prefixLength: 64, peer: undefined, broadcast: undefined, label: undefined, scope: 253, flags: 0, preferredLifetime: Infinity, validLifetime: Infinity, routePriority: undefined });
  await m.ensure({ instance: 'VI_7', vrid: 10, family: 6, parent: 'eth0' });
  assert.ok(w.calls.includes('addr fe80::1/64 on 11 nodad'));
  w.calls.length = 0;
  await m.ensure({ instance: 'VI_8', vrid: 11, family: 6, parent: 'eth0', xmitBase: true });
  assert.ok(!w.calls.some((c) => c.startsWith('addr ')));
});

test('reuse a matching VMAC, recreate a wrong one, refuse a foreign interface, clean up after a failure', async () => {
  const w = new World();
  const m = new VmacManager(w, w.port(), w);
  w.links.set('vrrp.51', link(5, 'vrrp.51', { kind: 'macvlan', parentIndex: 2, mac: '00:00:5e:00:01:33', macvlanMode: 'private' }));
  const reused = await m.ensure({ instance: 'VI_1', vrid: 51, family: 4, parent: 'eth0' });
  assert.equal(reused.reused, true);
  assert.equal(reused.index, 5);
  assert.ok(!w.calls.some((c) => c.startsWith('create')));
  w.links.set('vrrp.52', link(6, 'vrrp.52', { kind: 'macvlan', parentIndex: 2, mac: '00:00:5e:00:01:34', macvlanMode: 'bridge' }));
  w.calls.length = 0;
  await m.ensure({ instance: 'VI_2', vrid: 52, family: 4, parent: 'eth0' });
  assert.deepEqual(w.calls.slice(0, 2), ['delete vrrp.52', 'create vrrp.52 00:00:5e:00:01:34 private on 2']);
  w.links.set('vrrp.53', link(7, 'vrrp.53', { kind: 'veth' }));
  await assert.rejects(m.ensure({ instance: 'VI_3', vrid: 53, family: 4, parent: 'eth0' }), /conflicts with an existing interface/);
  await assert.rejects(m.ensure({ instance: 'VI_4', vrid: 54, family: 4, parent: 'eth9' }), /eth9 does not exist/);
  w.failUp = true;
  w.calls.length = 0;
  await assert.rejects(m.ensure({ instance: 'VI_5', vrid: 55, family: 4, parent: 'eth0' }), /EPERM/);
  assert.equal(w.calls.at(-1), 'delete vrrp.55');
  assert.equal(m.handles.length, 2);
});

test('rp_filter: cleared once for the process when conf.all is non-zero, restored at close unless changed since', async () => {
  const w = new World();
  w.proc.set('net/ipv4/conf/all/rp_filter', '2');
  w.proc.set('net/ipv4/conf/default/rp_filter', '1');
  w.proc.set('net/ipv4/conf/eth0/rp_filter', '1');
  const m = new VmacManager(w, w.port(), w);
  await m.ensure({ instance: 'VI_1', vrid: 51, family: 4, parent: 'eth0' });
  await m.ensure({ instance: 'VI_2', vrid: 52, family: 4, parent: 'eth0' });
  assert.equal(w.calls.filter((c) => c === 'sysctl net/ipv4/conf/all/rp_filter=0').length, 1);
  assert.equal(w.proc.get('net/ipv4/conf/eth0/rp_filter'), '2');
  assert.equal(w.proc.get('net/ipv4/conf/vrrp.51/rp_filter'), '0');
  w.proc.set('net/ipv4/conf/default/rp_filter', '0'); // an operator changed it meanwhile
  await m.close();
  assert.equal(w.proc.get('net/ipv4/conf/all/rp_filter'), '2');
  assert.equal(w.proc.get('net/ipv4/conf/eth0/rp_filter'), '1');
  assert.equal(w.proc.get('net/ipv4/conf/default/rp_filter'), '0');
  assert.equal(m.handles.length, 0);
});
