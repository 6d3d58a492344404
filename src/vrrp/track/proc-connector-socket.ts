/**
 * The proc connector's socket: a NETLINK_CONNECTOR datagram socket bound to
 * the CN_IDX_PROC group, from the native addon (RawSocket), as keepalived's
 * nl_connect / set_proc_ev_listen / handle_proc_ev do.
 *
 *   - Opening fails with EPROTONOSUPPORT on a kernel built without
 *     CONFIG_PROC_EVENTS, and subscribing needs CAP_NET_ADMIN; either way
 *     open() throws and the ProcessMonitor falls back to rescanning /proc.
 *   - Only datagrams from the kernel (netlink port id 0) are believed.
 *   - Each CPU numbers its events; a gap is logged as keepalived does
 *     ("Missed 3 messages on CPU 1"). A receive queue overflow (ENOBUFS,
 *     cleared and re-armed by RawSocket) means events were lost: the monitor
 *     is told and rescans.
 *   - Closing sends PROC_CN_MCAST_IGNORE first (the kernel counts listeners
 *     and stops generating events when none is left).
 */
import type { LogPort } from '../../core/log-port.js';
import { AF_NETLINK, SOCK_DGRAM, SOL_SOCKET, SO_RCVBUF, SO_RCVBUFFORCE } from '../../net/constants.js';
import { sockaddrNl } from '../../net/sockaddr.js';
import { RawSocket } from '../../net/socket.js';
import { CN_IDX_PROC, NETLINK_CONNECTOR, decodeProcEvent, encodeListen, type ProcEvent } from './proc-connector.js';
import type { ProcEventHandlers, ProcEventSource } from './process.js';

export interface ProcConnectorOptions {
  /** global_defs process_monitor_rcv_bufs: receive queue size, bytes. */
  readonly receiveBufferBytes?: number;
  /** process_monitor_rcv_bufs_force: use SO_RCVBUFFORCE (beyond net.core.rmem_max). */
  readonly forceReceiveBuffer?: boolean;
}

export class ProcConnectorSource implements ProcEventSource {
  private socket: RawSocket | undefined;
  private readonly lastSeq = new Map<number, number>();

  constructor(
    private readonly log: LogPort,
    private readonly options: ProcConnectorOptions = {},
  ) {}

  open(handlers: ProcEventHandlers): void {
    let socket: RawSocket;
    try {
      socket = RawSocket.open({ family: AF_NETLINK, type: SOCK_DGRAM, protocol: NETLINK_CONNECTOR, maxMessageSize: 4096 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPROTONOSUPPORT') throw new Error('track_process not available - is CONFIG_PROC_EVENTS enabled in kernel config?');
      throw new Error(`Failed to open process monitoring socket - ${code ?? (err as Error).message}`);
    }
    try {
      const bytes = this.options.receiveBufferBytes;
      if (bytes) {
        try {
          socket.setOption(SOL_SOCKET, this.options.forceReceiveBuffer ? SO_RCVBUFFORCE : SO_RCVBUF, bytes);
        } catch (err) {
          this.log.info(`Cannot set process monitor SO_RCVBUF${this.options.forceReceiveBuffer ? 'FORCE' : ''} option - ${(err as NodeJS.ErrnoException).code}`);
        }
      }
      socket.bind(sockaddrNl(0, CN_IDX_PROC));
      const local = socket.localAddress();
      socket.on('message', (m) => {
        if (m.source.family !== 'netlink' || m.source.pid !== 0) return;
        const d = decodeProcEvent(m.data);
        if (!d.ok) return;
        handlers.event(d.event);
        const missed = this.missed(d.cpu, d.seq, d.event);
        if (missed > 0) {
          this.log.info(`Missed ${missed} messages on CPU ${d.cpu}`);
          handlers.lost(`missed ${missed} process events`);
        }
      });
      socket.on('error-recovered', (err) => {
        this.lastSeq.clear();
        handlers.lost(`process events lost (${err.code})`);
      });
      socket.on('error', (err) => handlers.failed(`process monitor socket failed: ${err.message}`));
      socket.startReceiving();
      socket.send(encodeListen(true, local.family === 'netlink' ? local.pid : 0), sockaddrNl(0, 0));
    } catch (err) {
      socket.close();
      throw new Error(`Failed to set process event listen - ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    this.socket = socket;
  }

  /** Events skipped on this CPU since the last one (its sequence numbers count up by one, mod 2^32). */
  private missed(cpu: number, seq: number, event: ProcEvent): number {
    if (event.type === 'ack') return 0;
    const last = this.lastSeq.get(cpu);
    this.lastSeq.set(cpu, seq);
    return last === undefined ? 0 : (seq - last - 1) >>> 0;
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    try {
      socket.send(encodeListen(false), sockaddrNl(0, 0));
    } catch {
      // Closing anyway.
    }
    socket.close();
  }
}
