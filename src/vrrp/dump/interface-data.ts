/**
 * The keepalived.data sections about interfaces, line for line as keepalived 2.2.7 prints
 * them: the GARP/NA rate-limit groups ("------< Gratuitous ARP delays >------",
 * vrrp_if.c dump_garp_delay) and the interface table ("------< Interfaces >------",
 * vrrp_if.c dump_if), built with VMAC, ipvlan, VRF and linkbeat support as Debian's is.
 *
 * The table is whatever the vrrp child's interface table holds, in ifindex order as
 * keepalived lists it. Two keepalived habits are mirrored: the loopback has no MAC lines (the
 * caller leaves `mac` unset for it), and an InfiniBand interface's "HW Type" goes to the log
 * rather than the file, so no line is written for it here either.
 */
import { cG, ctimeThenUs, ctimeUsNoYear, timeval, trackingLine, trueFalse } from './format.js';
import type { GarpDelayDump, InterfaceDump } from './snapshot.js';

const ARPHRD_ETHER = 1;
const ARPHRD_INFINIBAND = 32;
const ARPHRD_LOOPBACK = 772;

/** dump_garp_delay_list, with its section header; nothing when there are no groups. */
export function garpDelayLines(groups: readonly GarpDelayDump[]): string[] {
  if (groups.length === 0) return [];
  const out = ['------< Gratuitous ARP delays >------'];
  for (const g of groups) {
    out.push(`------< GARP delay group ${g.group} >------`);
    if (g.garpIntervalMs !== undefined) {
      out.push(` GARP interval = ${cG(g.garpIntervalMs / 1000)}`, ` GARP next time ${timeval(g.garpNextUs)} (${ctimeUsNoYear(g.garpNextUs)})`);
    }
    if (g.gnaIntervalMs !== undefined) {
      out.push(` GNA interval = ${cG(g.gnaIntervalMs / 1000)}`, ` GNA next time ${timeval(g.gnaNextUs)} (${ctimeUsNoYear(g.gnaNextUs)})`);
    } else if (g.garpIntervalMs === undefined) out.push(' No configuration');
    out.push(' Interfaces', ...g.interfaces.map((i) => `  ${i}`));
  }
  return out;
}

function stateLine(i: InterfaceDump): string {
  const f = i.flags;
  const l = i.lowerDevice;
  const masterDown = l?.baseIfname !== undefined && l.baseIfname !== i.name && l.baseUp === false;
  return `   State = ${f.up ? '' : 'not '}UP, ${f.running ? '' : 'not '}RUNNING`
    + (f.broadcast ? '' : ', no broadcast')
    + (f.loopback ? ', loopback' : '')
    + (f.pointToPoint ? ', point to point' : '')
    + (f.noArp ? ', no arp' : '')
    + (f.multicast ? '' : ', no multicast')
    + (masterDown ? ', master down' : '');
}

function lowerDeviceLines(i: InterfaceDump): string[] {
  const l = i.lowerDevice;
  if (!l) return [];
  const type = l.kind === 'ipvlan' ? 'IPVLAN' : 'VMAC';
  const ipvlanMode = l.kind === 'ipvlan' ? `${l.ipvlanMode ?? 'unknown mode'} ` : '';
  if (l.baseIfname !== undefined && l.baseIfname !== i.name) {
    return [`   ${type} type ${ipvlanMode}${l.mode}, underlying interface = ${l.baseIfname}, state = ${l.baseUp ? '' : 'not '}UP, ${l.baseRunning ? '' : 'not '}RUNNING`];
  }
  if (l.baseIfindex) return [`   ${type} type ${l.mode}, underlying ifindex = ${l.baseIfindex}, netns id = ${l.netnsId ?? -1}`];
  return [`   ${type} type ${l.mode}, underlying interface in different namespace`];
}

function hwTypeLines(hwType: number): string[] {
  switch (hwType) {
    case ARPHRD_LOOPBACK: return ['   HW Type = LOOPBACK'];
    case ARPHRD_ETHER: return ['   HW Type = ETHERNET'];
    case ARPHRD_INFINIBAND: return [];
    default: return [`   HW Type = UNKNOWN (${hwType})`];
  }
}

const LINKBEAT: Readonly<Record<NonNullable<InterfaceDump['linkbeat']>, string>> = {
  netlink: '   NIC netlink status update',
  mii: '   NIC support MII regs',
  ethtool: '   NIC support ETHTOOL GLINK interface',
  ioctl: '   NIC ioctl refresh polling',
};

/** dump_if for one interface. */
export function interfaceLines(i: InterfaceDump): string[] {
  const out = [
    ` Name = ${i.name}`,
    `   index = ${i.ifindex}${i.ifindex ? '' : ' (deleted)'}`,
    `   IPv4 address = ${i.ipv4 ?? '(none)'}`,
  ];
  if (i.ipv4Others?.length) out.push('   Additional IPv4 addresses :', ...i.ipv4Others.map((a) => `     ${a}`));
  out.push(`   IPv6 address = ${i.ipv6 ?? '(none)'}`);
  if (i.ipv6Others?.length) out.push('   Additional IPv6 addresses :', ...i.ipv6Others.map((a) => `     ${a}`));
  if (i.mac !== undefined) out.push(`   MAC = ${i.mac}`, `   MAC broadcast = ${i.macBroadcast ?? 'ff:ff:ff:ff:ff:ff'}`);
  out.push(
    stateLine(i),
    `   Seen up = ${i.seenUp ? 1 : 0}`,
    `   Delayed state change running = ${trueFalse(!!i.delayedStateChangeRunning)}`,
    `   Up debounce timer = ${i.upDebounceUs ?? 0}us`,
    `   Down debounce timer = ${i.downDebounceUs ?? 0}us`,
    ...lowerDeviceLines(i),
  );
  if (i.createdByUs) out.push('   I/f created by keepalived');
  else if (i.changeableType) out.push('   Interface type/base can be changed');
  if (i.vridChecked) out.push('   Done VRID check');
  out.push(`   MTU = ${i.mtu}`, ...hwTypeLines(i.hwType), LINKBEAT[i.linkbeat ?? 'netlink']);
  if (i.vrfMasterTable !== undefined) out.push(`   VRF master table ${i.vrfMasterTable}`);
  else if (i.vrfMaster !== undefined) out.push(`   VRF slave of ${i.vrfMaster}`);
  if (i.garpIntervalMs !== undefined) out.push(`   Gratuitous ARP interval ${Math.floor(i.garpIntervalMs)}ms`);
  if (i.gnaIntervalMs !== undefined) out.push(`   Gratuitous NA interval ${Math.floor(i.gnaIntervalMs)}ms`);
  if (i.garpGroup) out.push(`   Gratuitous ARP aggregation group ${i.garpGroup}`);
  out.push(
    `   Reset ARP config counter ${i.resetArpConfig ?? 0}`,
    `   Original arp_ignore ${i.originalArpIgnore ?? 0}`,
    `   Original arp_filter ${i.originalArpFilter ?? 0}`,
  );
  if (i.rpFilter !== undefined) out.push(`   rp_filter ${i.rpFilter}`);
  out.push(
    `   Original promote_secondaries ${i.originalPromoteSecondaries ?? 0}`,
    `   Reset promote_secondaries counter ${i.resetPromoteSecondaries ?? 0}`,
  );
  if (i.ipv6ForwardingCheckedUs !== undefined) {
    const t = i.ipv6ForwardingCheckedUs;
    out.push(`   ${i.ipv6Forwarding ? '' : 'Not '}IPv6 forwarding. Last checked ${timeval(t)} (${ctimeThenUs(t)})`);
  }
  if (i.tracking.length > 0) out.push('   Tracking VRRP instances :', ...i.tracking.map(trackingLine));
  return out;
}

/** The "------< Interfaces >------" section; nothing when the table is empty. */
export function interfacesSection(interfaces: readonly InterfaceDump[]): string[] {
  return interfaces.length === 0 ? [] : ['------< Interfaces >------', ...interfaces.flatMap(interfaceLines)];
}
