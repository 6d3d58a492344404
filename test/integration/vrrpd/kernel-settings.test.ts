/**
 * Kernel settings keepalived-ts makes for global_defs and vrrp_instance keywords, read from
 * outside the daemon, the way an operator would check them:
 *
 * - Socket receive buffers. The VRRP child's sockets are fetched with pidfd_getfd(2) (a
 *   copy of the descriptor in a small python3 helper, as root) and asked SO_RCVBUF; the
 *   kernel reports twice what was set (socket(7)). `ss -f netlink -m` shows the same numbers
 *   (skmem rb) for the netlink sockets, but raw sockets have no skmem in `ss -w`, and it
 *   cannot tell the request socket from the monitors; NETLINK_LIST_MEMBERSHIPS can (a
 *   monitor has groups, the request socket none).
 *     vrrp_netlink_cmd_rcv_bufs 300000        SO_RCVBUF       → 600000
 *     vrrp_netlink_monitor_rcv_bufs 5000000 + _force           → 10000000 (beyond rmem_max)
 *     vrrp_rx_bufs_policy MTU, multiplier 4, eth0 MTU 1400, plus a kernel_rx_buf_size 10000
 *     instance on the same socket                              → 2 × (4 × 1400 + 10000)
 *   Debian's keepalived 2.2.7 reports the same three numbers for this configuration.
 *   process_monitor_rcv_bufs is not checked here: the proc connector only answers in the
 *   initial network namespace (unit tests show the value reaching the socket options).
 * - promote_secondaries: net.ipv4.conf.eth0.promote_secondaries is 1 while the daemon runs
 *   and 0 again after it stops on r1, where it was 0; on r2, where it was already 1, it stays 1.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, type Namespace } from '../../harness/index.js';
import { DaemonLab, LAN, instanceConf } from './lab.js';

const MTU = 1400;
const CMD_BYTES = 300_000;
const MONITOR_BYTES = 5_000_000;

const conf = (priority: number): string => `global_defs {
  vrrp_netlink_cmd_rcv_bufs ${CMD_BYTES}
  vrrp_netlink_monitor_rcv_bufs ${MONITOR_BYTES}
  vrrp_netlink_monitor_rcv_bufs_force
  vrrp_rx_bufs_policy MTU
  vrrp_rx_bufs_multiplier 4
}
${instanceConf({ priority, extra: '  promote_secondaries\n' })}
${instanceConf({ priority, name: 'VI_2', vrid: 52, vips: [`${LAN}.101/24`], extra: '  kernel_rx_buf_size 10000\n' })}`;

/** Every socket of `pid`: family, type, protocol, SO_RCVBUF, bound address, netlink groups. */
interface SocketInfo { fd: number; domain: number; type: number; protocol: number; rcvbuf: number; name: string; groups: number }

const INSPECT = String.raw`
import ctypes, json, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
pidfd = os.pidfd_open(pid)
out = []
for name in os.listdir(f'/proc/{pid}/fd'):
    try:
        if not os.readlink(f'/proc/{pid}/fd/{name}').startswith('socket:'):
            continue
    except OSError:
        continue
    fd = libc.syscall(438, pidfd, int(name), 0)  # pidfd_getfd
    if fd < 0:
        continue
    s = socket.socket(fileno=fd)
    opt = lambda o: s.getsockopt(socket.SOL_SOCKET, o)
    info = {'fd': int(name), 'domain': opt(39), 'type': opt(3), 'protocol': opt(38), 'rcvbuf': opt(socket.SO_RCVBUF), 'name': '', 'groups': 0}
    if info['domain'] == socket.AF_INET:
        info['name'] = s.getsockname()[0]
    if info['domain'] == 16:  # AF_NETLINK: NETLINK_LIST_MEMBERSHIPS (SOL_NETLINK 270, 9)
        raw = s.getsockopt(270, 9, 64)
        info['groups'] = sum(bin(b).count('1') for b in raw)
    out.append(info)
    s.detach()
    os.close(fd)
print(json.dumps(out))
`;

async function sockets(pid: number): Promise<SocketInfo[]> {
  const r = await run(['python3', '-c', INSPECT, String(pid)]);
  return JSON.parse(r.stdout) as SocketInfo[];
}

async function promoteSecondaries(ns: Namespace): Promise<string> {
  return (await ns.exec(['cat', '/proc/sys/net/ipv4/conf/eth0/promote_secondaries'])).stdout.trim();
}

test('socket receive buffers from global_defs, promote_secondaries set and restored', { timeout: 20_000 }, async (t) => {
  const lab = await DaemonLab.create(t);
  const { r1, r2 } = await lab.lan();
  await r1.ip('link', 'set', 'eth0', 'mtu', String(MTU));
  await r2.sysctl('net.ipv4.conf.eth0.promote_secondaries', 1);
  assert.equal(await promoteSecondaries(r1), '0');

  const a = lab.daemon(r1, 'r1', conf(150));
  const b = lab.daemon(r2, 'r2', conf(100));
  await a.waitState('VI_1', 'BACKUP', 8000);
  await b.waitState('VI_1', 'BACKUP', 8000);
  assert.equal(await promoteSecondaries(r1), '1', 'set while running');
  assert.equal(await promoteSecondaries(r2), '1');

  const vrrpPid = Number(readFileSync(join(lab.dir, 'r1.vrrp.pid'), 'utf8').trim());
  const all = await sockets(vrrpPid);
  const route = all.filter((s) => s.domain === 16 && s.protocol === 0);
  const commands = route.filter((s) => s.groups === 0);
  const monitors = route.filter((s) => s.groups > 0);
  assert.ok(commands.length >= 1 && monitors.length >= 2, JSON.stringify(route));
  assert.deepEqual(commands.map((s) => s.rcvbuf), commands.map(() => 2 * CMD_BYTES), 'request socket: SO_RCVBUF, doubled');
  assert.deepEqual(monitors.map((s) => s.rcvbuf), monitors.map(() => 2 * MONITOR_BYTES), 'monitors: SO_RCVBUFFORCE, doubled');

  // SOCK_RAW 3, IPPROTO_VRRP 112; the receive socket is bound to the group, the send socket is not.
  const receive = all.filter((s) => s.domain === 2 && s.type === 3 && s.protocol === 112 && s.name === '224.0.0.18');
  assert.equal(receive.length, 1, JSON.stringify(all));
  assert.equal(receive[0]!.rcvbuf, 2 * (4 * MTU + 10_000), 'VI_1: 4 × MTU, VI_2: kernel_rx_buf_size, one shared socket');

  assert.equal(await a.stop('SIGTERM'), 0);
  assert.equal(await b.stop('SIGTERM'), 0);
  assert.equal(await promoteSecondaries(r1), '0', 'restored after stop');
  assert.equal(await promoteSecondaries(r2), '1', 'was on before: left on');
});
