/**
 * The "------< Global definitions >------" section that both the parent (keepalived_parent.data)
 * and the vrrp child (keepalived.data) start with, line for line as keepalived 2.2.7 prints it
 * (core/global_data.c dump_global_data) in Debian's build (VRRP, LVS, BFD, nftables, SNMP,
 * DBus, track_process; no iptables): the same function in both processes, except that only
 * the vrrp process prints "Default interface", and only it knows the vrrp_instance an
 * lvs_sync_daemon follows.
 *
 * Deliberate differences (the values are keepalived's, the choice is ours):
 * - The parent prints vrrp_garp_lower_prio_delay/_repeat as 4294967295 when they are not
 *   configured: keepalived resolves them only in the vrrp child. Our compiler resolves them
 *   once, so both processes print the value in force.
 * - "Smtp server connection timeout" is printed when an smtp_server is configured (keepalived
 *   also prints it for an explicit smtp_connect_timeout without a server, which the compiled
 *   model cannot tell from the default).
 * - "libnftnl version" is printed only when the caller knows one (we drive nft(8), not libnftnl).
 * - An lvs_sync_daemon without `id` prints syncid 0 in the parent (keepalived: the unset
 *   marker); the vrrp child resolves it to the instance's VRID.
 */
import type { GlobalDefs } from '../../config/global/index.js';
import type { ChildProcess } from '../../config/global/process.js';
import { cF, cG, cmdStr, scriptLine, trueFalse } from './format.js';
import type { GlobalDumpInput, ResolvedScript, UidGid } from './snapshot.js';

export type DumpProcess = 'parent' | 'vrrp' | 'checker' | 'bfd';

const onOffUnset = (v: boolean | undefined) => (v === undefined ? 'unset' : v ? 'on' : 'off');
const ids = (u: UidGid | undefined) => `${u?.uid ?? 0}:${u?.gid ?? 0}`;

function resolvedOr(s: ResolvedScript | undefined, argv: readonly string[] | undefined): ResolvedScript | undefined {
  if (s) return s;
  return argv ? { argv, uid: 0, gid: 0 } : undefined;
}

function cpuList(cpus: readonly number[]): string {
  return cpus.map((c) => `${c} `).join('');
}

function childLines(label: string, c: ChildProcess): string[] {
  const out = [
    ` ${label} process priority = ${c.priority}`,
    ` ${label} don't swap = ${trueFalse(c.noSwap)}`,
    ` ${label} realtime priority = ${c.rtPriority ?? 0}`,
  ];
  if (c.cpuAffinity.length > 0) out.push(` ${label} CPU Affinity = ${cpuList(c.cpuAffinity)}`);
  out.push(` ${label} realtime limit = ${c.rlimitRttimeUs}`);
  return out;
}

function fifoLines(label: string, fifo: { path: string } | undefined, owner: UidGid | undefined, script: ResolvedScript | undefined): string[] {
  if (!fifo) return [];
  const out = [` ${label} fifo = ${fifo.path}, uid:gid ${ids(owner)}`];
  if (script) out.push(` ${label} fifo script = ${scriptLine(script)}`);
  return out;
}

function identityLines(g: GlobalDefs, input: GlobalDumpInput): string[] {
  const rt = input.runtime;
  const out: string[] = [];
  const routerId = g.routerId ?? rt.resolved?.routerId;
  if (routerId !== undefined) out.push(` Router ID = ${routerId}`);
  if (g.smtpServer) {
    out.push(` Smtp server = ${g.smtpServer.host}`, ` Smtp server port = ${g.smtpServer.port}`);
  }
  const helo = g.smtpHeloName ?? (g.smtpServer ? rt.resolved?.smtpHeloName : undefined);
  if (helo !== undefined) out.push(` Smtp HELO name = ${helo}`);
  if (g.smtpServer) out.push(` Smtp server connection timeout = ${Math.floor(g.smtpConnectTimeoutMs / 1000)}`);
  const from = g.notificationEmailFrom ?? (g.smtpServer ? rt.resolved?.emailFrom : undefined);
  if (from !== undefined) {
    out.push(` Email notification from = ${from}`, ' Email notification to:', ...g.notificationEmail.map((e) => `   ${e}`));
  }
  out.push(
    ` Default smtp_alert = ${onOffUnset(g.smtpAlert)}`,
    ` Default smtp_alert_vrrp = ${onOffUnset(g.smtpAlertVrrp)}`,
    ` Default smtp_alert_checker = ${onOffUnset(g.smtpAlertChecker)}`,
    ` Checkers log all failures = ${trueFalse(g.checkerLogAllFailures)}`,
  );
  return out;
}

function reloadAndScriptLines(g: GlobalDefs, input: GlobalDumpInput): string[] {
  const rt = input.runtime;
  const out: string[] = [];
  out.push(g.reloadCheckConfig !== undefined ? ` Test config before reload, log to ${g.reloadCheckConfig}` : ' No test config before reload');
  if (g.reloadTimeFile !== undefined) {
    out.push(` Reload time file = ${g.reloadTimeFile}${g.reloadRepeat ? ' (repeat)' : ''}`);
    if (rt.reloadScheduledUs !== undefined) {
      const d = new Date(rt.reloadScheduledUs / 1000);
      const p = (n: number) => String(n).padStart(2, '0');
      const when = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      // keepalived leaves this parenthesis unclosed.
      out.push(` Reload scheduled for ${when}${rt.reloadDateSpecified ? ' (date specified' : ''}`);
    } else out.push(' No reload scheduled');
  }
  if (g.reloadFile !== undefined) out.push(` Reload_file = ${g.reloadFile}`);
  if (g.tmpConfigDirectory !== undefined) out.push(` config save directory = ${g.tmpConfigDirectory}`);
  if (g.dataUseInstance) out.push(' Use instance name in data dumps');
  const startup = resolvedOr(rt.scripts?.startup, g.startupScript?.argv);
  if (startup) out.push(` Startup script = ${scriptLine(startup)}, timeout ${Math.floor(g.startupScriptTimeoutMs / 1000)}`);
  const shutdown = resolvedOr(rt.scripts?.shutdown, g.shutdownScript?.argv);
  // keepalived has no comma before "timeout" here.
  if (shutdown) out.push(` Shutdown script = ${cmdStr(shutdown.argv)}, uid:gid ${shutdown.uid}:${shutdown.gid} timeout ${Math.floor(g.shutdownScriptTimeoutMs / 1000)}`);
  out.push(` Dynamic interfaces = ${trueFalse(g.dynamicInterfaces)}`);
  if (g.dynamicInterfaces) out.push(` Allow interface changes = ${trueFalse(g.dynamicInterfacesAllowIfChanges)}`);
  if (g.noEmailFaults) out.push(' Send emails for fault transitions = off');
  return out;
}

function lvsLines(g: GlobalDefs, process: DumpProcess): string[] {
  const out: string[] = [];
  const t = g.lvsTimeouts;
  if (t.tcpMs) out.push(` LVS TCP timeout = ${Math.floor(t.tcpMs / 1000)}`);
  if (t.tcpFinMs) out.push(` LVS TCP FIN timeout = ${Math.floor(t.tcpFinMs / 1000)}`);
  // keepalived labels the UDP timeout "TCP" too.
  if (t.udpMs) out.push(` LVS TCP timeout = ${Math.floor(t.udpMs / 1000)}`);
  if (process === 'vrrp') out.push(` Default interface = ${g.defaultInterface}`);
  out.push(` Disable local IGMP = ${g.disableLocalIgmp ? 'yes' : 'no'}`);
  const d = g.lvsSyncDaemon;
  if (d) {
    if (d.instance !== undefined) out.push(process === 'vrrp' ? ` LVS syncd vrrp instance = ${d.instance}` : ` LVS syncd vrrp name = ${d.instance}`);
    out.push(` LVS syncd interface = ${d.interface}`, ` LVS syncd syncid = ${d.syncId ?? 0}`);
    if (d.maxLen) out.push(` LVS syncd maxlen = ${d.maxLen}`);
    if (d.group !== undefined) out.push(` LVS mcast group ${d.group}`);
    if (d.port) out.push(` LVS syncd mcast port = ${d.port}`);
    if (d.ttl) out.push(` LVS syncd mcast ttl = ${d.ttl}`);
  }
  out.push(
    ` LVS flush = ${trueFalse(g.lvsFlush)}`,
    ` LVS flush on stop = ${g.lvsFlushOnStop === 'all' ? 'full' : g.lvsFlushOnStop === 'vs' ? 'VS' : 'disabled'}`,
  );
  return out;
}

function vrrpDefaultLines(g: GlobalDefs, input: GlobalDumpInput): string[] {
  const rt = input.runtime;
  const out = [
    ...fifoLines('Global notify', g.notifyFifo, rt.fifoOwners?.notify, resolvedOr(rt.scripts?.notifyFifo, g.notifyFifoScript?.argv)),
    ...fifoLines('VRRP notify', g.vrrpNotifyFifo, rt.fifoOwners?.vrrp, resolvedOr(rt.scripts?.vrrpNotifyFifo, g.vrrpNotifyFifoScript?.argv)),
    ...fifoLines('LVS notify', g.lvsNotifyFifo, rt.fifoOwners?.lvs, resolvedOr(rt.scripts?.lvsNotifyFifo, g.lvsNotifyFifoScript?.argv)),
    ` FIFO write vrrp states on reload = ${trueFalse(g.fifoWriteVrrpStatesOnReload)}`,
    ` VRRP notify priority changes = ${trueFalse(g.vrrpNotifyPriorityChanges)}`,
    ` VRRP IPv4 mcast group = ${g.vrrpMcastGroup4}`,
    ` VRRP IPv6 mcast group = ${g.vrrpMcastGroup6}`,
    ` Gratuitous ARP delay = ${Math.floor(g.vrrpGarpMasterDelayMs / 1000)}`,
    ` Gratuitous ARP repeat = ${g.vrrpGarpMasterRepeat}`,
    ` Gratuitous ARP refresh timer = ${Math.floor(g.vrrpGarpMasterRefreshMs / 1000)}`,
    ` Gratuitous ARP refresh repeat = ${g.vrrpGarpMasterRefreshRepeat}`,
    ` Gratuitous ARP lower priority delay = ${Math.floor(g.vrrpGarpLowerPrioDelayMs / 1000)}`,
    ` Gratuitous ARP lower priority repeat = ${g.vrrpGarpLowerPrioRepeat}`,
    ` Num adverts before down = ${g.vrrpDownTimerAdverts}`,
    ` Gratuitous ARP for each secondary ${g.vrrpGarpExtraIf.allInterfaces ? 'i/f' : 'VMAC'} = ${Math.floor(g.vrrpGarpExtraIf.intervalMs / 1000)}s`,
    ` Send advert after receive lower priority advert = ${trueFalse(!g.vrrpLowerPrioNoAdvert)}`,
    ` Send advert after receive higher priority advert = ${trueFalse(g.vrrpHigherPrioSendAdvert)}`,
    ` Gratuitous ARP interval = ${cF(g.vrrpGarpIntervalMs / 1000)}`,
    ` Gratuitous NA interval = ${cF(g.vrrpGnaIntervalMs / 1000)}`,
    ` VRRP default protocol version = ${g.vrrpVersion}`,
  ];
  if (g.nftables !== undefined) {
    out.push(
      ` nftables table name = ${g.nftables}`,
      ` nftables base chain priority = ${g.nftablesPriority}`,
      ` nftables ${g.nftablesIfindex ? '' : "don't "}force use ifindex for link local IPv6`,
    );
  }
  if (g.nftablesIpvs !== undefined) {
    out.push(
      ` ipvs nftables table name = ${g.nftablesIpvs}`,
      ` ipvs nftables base chain priority = ${g.nftablesIpvsPriority}`,
      ` ipvs nftables start fwmark = ${g.nftablesIpvsStartFwmark}`,
    );
  }
  out.push(` nftables with${g.nftablesCounters ? '' : 'out'} counters`);
  if (rt.libnftnlVersion !== undefined) out.push(` libnftnl version ${rt.libnftnlVersion}`);
  out.push(
    ` VRRP check unicast_src = ${trueFalse(g.vrrpCheckUnicastSrc)}`,
    ` VRRP skip check advert addresses = ${trueFalse(g.vrrpSkipCheckAdvAddr)}`,
    ` VRRP strict mode = ${trueFalse(g.vrrpStrict)}`,
    g.maxAutoPriority === -1 ? ' Max auto priority = Disabled' : ` Max auto priority = ${g.maxAutoPriority}`,
    ` Min auto priority delay = ${Math.round(g.minAutoPriorityDelayMs * 1000)} usecs`,
  );
  return out;
}

function tailLines(g: GlobalDefs, input: GlobalDumpInput): string[] {
  const rt = input.runtime;
  const out = [
    ...childLines('VRRP', g.vrrpProcess),
    ...childLines('Checker', g.checkerProcess),
    ...childLines('BFD', g.bfdProcess),
    ` SNMP vrrp ${g.enableSnmpVrrp ? 'enabled' : 'disabled'}`,
    ` SNMP checker ${g.enableSnmpChecker ? 'enabled' : 'disabled'}`,
    ` SNMP RFCv2 ${g.enableSnmpRfcv2 ? 'enabled' : 'disabled'}`,
    ` SNMP RFCv3 ${g.enableSnmpRfcv3 ? 'enabled' : 'disabled'}`,
    ` SNMP traps ${g.enableTraps ? 'enabled' : 'disabled'}`,
    ` SNMP socket = ${g.snmpSocket ?? 'default (unix:/var/agentx/master)'}`,
    ` DBus ${g.enableDbus ? 'enabled' : 'disabled'}`,
    ` DBus service name = ${g.dbusServiceName ?? ''}`,
    ` Script security ${rt.scriptSecurity ? 'enabled' : 'disabled'}`,
  ];
  if (rt.defaultScriptUser) out.push(` Default script uid:gid ${ids(rt.defaultScriptUser)}`);
  const force = (b: boolean) => (b ? 1 : 0);
  out.push(
    ` vrrp_netlink_cmd_rcv_bufs = ${g.vrrpNetlinkCmdRcvBufBytes}`,
    ` vrrp_netlink_cmd_rcv_bufs_force = ${force(g.vrrpNetlinkCmdRcvBufForce)}`,
    ` vrrp_netlink_monitor_rcv_bufs = ${g.vrrpNetlinkMonitorRcvBufBytes}`,
    ` vrrp_netlink_monitor_rcv_bufs_force = ${force(g.vrrpNetlinkMonitorRcvBufForce)}`,
    ` process_monitor_rcv_bufs = ${g.processMonitorRcvBufBytes}`,
    ` process_monitor_rcv_bufs_force = ${force(g.processMonitorRcvBufForce)}`,
    ` lvs_netlink_cmd_rcv_bufs = ${g.lvsNetlinkCmdRcvBufBytes}`,
    ` lvs_netlink_cmd_rcv_bufs_force = ${force(g.lvsNetlinkCmdRcvBufForce)}`,
    ` lvs_netlink_monitor_rcv_bufs = ${g.lvsNetlinkMonitorRcvBufBytes}`,
    ` lvs_netlink_monitor_rcv_bufs_force = ${force(g.lvsNetlinkMonitorRcvBufForce)}`,
    ` rs_init_notifies = ${g.rsInitNotifies ? 1 : 0}`,
    ` no_checker_emails = ${g.noCheckerEmails ? 1 : 0}`,
  );
  const p = g.vrrpRxBufsPolicy;
  if (p) out.push(p.kind === 'mtu' ? ' rx_bufs_policy = MTU' : p.kind === 'advert' ? ' rx_bufs_policy = ADVERT' : ` rx_bufs_size = ${p.bytes}`);
  out.push(` rx_bufs_multiples = ${g.vrrpRxBufsMultiplier}`, ` umask = 0${g.umask.toString(8)}`);
  if (g.vrrpStartupDelayMs) out.push(` vrrp_startup_delay = ${cG(g.vrrpStartupDelayMs / 1000)}`);
  if (g.logUnknownVrids) out.push(' log_unknown_vrids');
  // keepalived prints the VMAC prefixes only when configured; ours are always resolved.
  if (g.vmacPrefix !== 'vrrp') out.push(` VMAC prefix = ${g.vmacPrefix}`);
  if (g.vmacAddrPrefix !== g.vmacPrefix) out.push(` VMAC address prefix = ${g.vmacAddrPrefix}`);
  if (rt.currentRealtimePriority) out.push(` current realtime priority = ${rt.currentRealtimePriority}`);
  if (rt.currentRealtimeLimitUs) out.push(` current realtime time limit = ${rt.currentRealtimeLimitUs}`);
  return out;
}

/**
 * The Global definitions section as `process` prints it, one string per line (no newlines).
 */
export function globalDefinitionLines(input: GlobalDumpInput, process: DumpProcess): string[] {
  const g = input.globals;
  const rt = input.runtime;
  const d = rt.daemon;
  const out = ['------< Global definitions >------'];
  if (rt.configSaveDir !== undefined) out.push(` Config save dir = ${rt.configSaveDir}`);
  out.push(` Network namespace = ${d.netNamespace ?? '(default)'}`);
  out.push(` Network namespace ipvs = ${d.netNamespaceIpvs === undefined ? '(main namespace)' : d.netNamespaceIpvs === '' ? '(default)' : d.netNamespaceIpvs}`);
  if (d.instanceName !== undefined) out.push(` Instance name = ${d.instanceName}`);
  if (g.processName !== undefined) out.push(` Parent process name = ${g.processName}`);
  if (g.vrrpProcess.name !== undefined) out.push(` VRRP process name = ${g.vrrpProcess.name}`);
  if (g.checkerProcess.name !== undefined) out.push(` LVS process name = ${g.checkerProcess.name}`);
  if (g.bfdProcess.name !== undefined) out.push(` BFD process name = ${g.bfdProcess.name}`);
  out.push(...identityLines(g, input), ...reloadAndScriptLines(g, input), ...lvsLines(g, process), ...vrrpDefaultLines(g, input), ...tailLines(g, input));
  return out;
}

/** keepalived_parent.data: the parent's global definitions (core/main.c print_parent_data). */
export function renderParentData(input: GlobalDumpInput): string {
  return globalDefinitionLines(input, 'parent').map((l) => `${l}\n`).join('');
}
