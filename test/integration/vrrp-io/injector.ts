/**
 * Sends hand-made datagrams from inside a namespace, for the forged-advert tests:
 * `ip netns exec NS node injector.js IFNAME`, then one JSON command per stdin line:
 *   {"id":1,"family":"inet","hex":"45c0...","destination":"224.0.0.18"}
 *     IPv4: the bytes are a whole datagram (IP header included) and go out of an
 *     IPPROTO_RAW socket as they are, source address and TTL included (the kernel fills in
 *     only the header checksum and total length).
 *   {"id":2,"family":"inet6","hex":"31...","destination":"ff02::12","source":"fe80::...","hopLimit":64}
 *     IPv6: the bytes are the VRRP message, checksum included (no IPV6_CHECKSUM on this socket,
 *     so a wrong checksum goes out wrong), with the given source and hop limit.
 * Answers {"id":1,"sent":BYTES} or {"id":1,"error":"..."}.
 */

import { createInterface } from 'node:readline';
import { ipv6HopLimit, ipv6Pktinfo } from '../../../src/net/cmsg.js';
import { AF_INET, AF_INET6, IPPROTO_IPV6, IPPROTO_RAW, IPV6_MULTICAST_IF, SOCK_RAW } from '../../../src/net/constants.js';
import { native } from '../../../src/net/native.js';
import { sockaddrIn, sockaddrIn6 } from '../../../src/net/sockaddr.js';
import { RawSocket } from '../../../src/net/socket.js';

const ifname = process.argv[2] as string;
const ifindex = native.ifNameToIndex(ifname);
const v4 = RawSocket.open({ family: AF_INET, type: SOCK_RAW, protocol: IPPROTO_RAW }).bindToDevice(ifname);
const v6 = RawSocket.open({ family: AF_INET6, type: SOCK_RAW, protocol: 112 }).bindToDevice(ifname);
v6.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
// Unicast adverts the router sends here must find a raw socket for protocol 112, or this
// kernel answers each with ICMP protocol-unreachable, which the router's next send reports.
const sink = RawSocket.open({ family: AF_INET, type: SOCK_RAW, protocol: 112 }).bindToDevice(ifname);
sink.on('message', () => undefined).startReceiving();

interface Command { id: number; family: 'inet' | 'inet6'; hex: string; destination: string; source?: string; hopLimit?: number }

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as Command;
  try {
    const bytes = Buffer.from(cmd.hex, 'hex');
    let sent: number;
    if (cmd.family === 'inet') {
      sent = v4.send(bytes, sockaddrIn(cmd.destination));
    } else {
      const scoped = cmd.destination.startsWith('fe80:') || cmd.destination.startsWith('ff02:');
      sent = v6.sendMessage([bytes], {
        to: sockaddrIn6(cmd.destination, 0, scoped ? ifindex : 0),
        control: [ipv6Pktinfo({ ifindex, ...(cmd.source ? { source: cmd.source } : {}) }), ipv6HopLimit(cmd.hopLimit ?? 255)],
      });
    }
    process.stdout.write(JSON.stringify({ id: cmd.id, sent }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: cmd.id, error: (error as Error).message }) + '\n');
  }
});
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
