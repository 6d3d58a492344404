/**
 * Raw-socket round-trip latency between two network namespaces.
 *
 *   node dist/bench/net-rtt.js [--count N] [--json]
 *
 * Namespace a sends a VRRP-shaped packet (IP protocol 112, TTL 255) to
 * 224.0.0.18; a node process in namespace b echoes each one back to the group;
 * a waits for the echo before sending the next. Both ends use RawSocket, so a
 * round trip costs two kernel passes and two JS wake-ups (poll → recvmsg →
 * 'message'). The kernel's own ICMP echo (`ping`, no JS at all) over the same
 * veth is measured alongside for reference (ping sleeps 2 ms between probes, so
 * each of its round trips also pays for waking an idle CPU, which the
 * back-to-back raw-socket loop does not). Times are microseconds.
 * This is a benchmark to read, not a test: nothing here passes or fails.
 */
import { Topology, type Namespace, type ScriptContext } from '../test/harness/index.js';
import { RawSocket } from '../src/net/socket.js';
import {
  AF_INET, IPPROTO_IP, IPPROTO_VRRP, IP_ADD_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, SOCK_RAW,
} from '../src/net/constants.js';
import { sockaddrIn } from '../src/net/sockaddr.js';
import { ipMreqn } from '../src/net/sockopt.js';

interface Stats { count: number; lost: number; p50: number; p90: number; p99: number; max: number; mean: number }

function percentiles(samples: number[], lost: number): Stats {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { count: sorted.length, lost, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, mean };
}

/** The echo side, run in a node process inside namespace b (serialised: no outer variables). */
async function echoServer(arg: { ifindex: number }, ctx: ScriptContext): Promise<number> {
  const { RawSocket: Socket } = await ctx.load('src/net/socket.js');
  const C = await ctx.load('src/net/constants.js');
  const { sockaddrIn: to } = await ctx.load('src/net/sockaddr.js');
  const { ipMreqn: mreq } = await ctx.load('src/net/sockopt.js');
  const socket = Socket.open({ family: C.AF_INET, type: C.SOCK_RAW, protocol: C.IPPROTO_VRRP });
  socket.setOption(C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, mreq('224.0.0.18', arg.ifindex));
  socket.setOption(C.IPPROTO_IP, C.IP_MULTICAST_IF, mreq('0.0.0.0', arg.ifindex));
  socket.setOption(C.IPPROTO_IP, C.IP_MULTICAST_TTL, 255);
  socket.setOption(C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 0);
  const group = to('224.0.0.18');
  let echoed = 0;
  socket.on('message', (m: { data: Buffer }) => {
    // IPv4 raw sockets deliver the IP header: echo only the VRRP part.
    socket.send(m.data.subarray((m.data[0]! & 0x0f) * 4), group);
    echoed++;
  });
  socket.startReceiving();
  await new Promise<void>((resolve) => {
    ctx.onMessage(() => resolve());
    ctx.send('ready');
  });
  socket.close();
  return echoed;
}

async function rawRoundTrips(socket: RawSocket, count: number, warmup: number): Promise<Stats> {
  const group = sockaddrIn('224.0.0.18');
  const packet = Buffer.alloc(20);
  packet[0] = 0x21; // VRRPv2 advertisement
  packet[1] = 51;
  packet[2] = 100;
  packet[3] = 1;
  let pending: ((seq: number) => void) | null = null;
  socket.on('message', (m) => pending?.(m.data.readUInt32BE(20 + 12)));
  socket.startReceiving();
  const samples: number[] = [];
  let lost = 0;
  for (let seq = 0; seq < warmup + count; seq++) {
    packet.writeUInt32BE(seq, 12); // in the authentication data field
    const echoed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      pending = (got) => {
        if (got === seq) {
          clearTimeout(timer);
          resolve(true);
        }
      };
    });
    const start = process.hrtime.bigint();
    socket.send(packet, group);
    const ok = await echoed;
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    if (seq < warmup) continue;
    if (ok) samples.push(micros); else lost++;
  }
  socket.stopReceiving();
  return percentiles(samples, lost);
}

async function kernelPing(ns: Namespace, count: number): Promise<Stats> {
  const { stdout } = await ns.exec(['ping', '-n', '-c', String(count), '-i', '0.002', '-W', '1', '192.0.2.2'], { timeoutMs: 120_000 });
  const samples = [...stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]) * 1000);
  return percentiles(samples, count - samples.length);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const countIndex = args.indexOf('--count');
  const count = countIndex >= 0 ? Number(args[countIndex + 1]) : 5000;
  if (!Number.isInteger(count) || count <= 0) throw new Error('--count needs a positive integer');
  const json = args.includes('--json');

  const lab = await Topology.create();
  try {
    const a = await lab.namespace('a');
    const b = await lab.namespace('b');
    await lab.veth(a, 'eth0', b, 'eth0');
    await a.addAddress('eth0', '192.0.2.1/24');
    await b.addAddress('eth0', '192.0.2.2/24');
    const [ifindexA, ifindexB] = [await a.ifindex('eth0'), await b.ifindex('eth0')];

    const echo = b.spawnScript(echoServer, { ifindex: ifindexB });
    await echo.nextMessage(10_000);
    const socket = a.enter(() => RawSocket.open({ family: AF_INET, type: SOCK_RAW, protocol: IPPROTO_VRRP }));
    socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn('224.0.0.18', ifindexA));
    socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', ifindexA));
    socket.setOption(IPPROTO_IP, IP_MULTICAST_TTL, 255);
    socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    const raw = await rawRoundTrips(socket, count, 200);
    socket.close();
    echo.send('stop');
    await echo.result();
    const ping = await kernelPing(a, Math.min(count, 2000));

    if (json) {
      console.log(JSON.stringify({ rawSocket: raw, kernelPing: ping }));
    } else {
      const row = (name: string, s: Stats) =>
        `${name.padEnd(34)} ${String(s.count).padStart(6)} ${String(s.lost).padStart(5)} ` +
        [s.p50, s.p90, s.p99, s.max].map((v) => v.toFixed(0).padStart(7)).join(' ');
      console.log(`round trip between two namespaces over a veth pair, microseconds (${process.version}, ${process.arch})`);
      console.log(`${''.padEnd(34)} ${'count'.padStart(6)} ${'lost'.padStart(5)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}`);
      console.log(row('RawSocket proto 112 -> 224.0.0.18', raw));
      console.log(row('kernel ICMP echo (ping)', ping));
    }
  } finally {
    await lab.destroy();
  }
}

await main();
