/**
 * global_defs: receive buffer sizes of keepalived's netlink sockets and of the
 * VRRP sockets (keepalived core/global_parser.c, core/keepalived_netlink.c
 * netlink_set_rx_buf_size, vrrp/vrrp.c; census §3.2 "Netlink / socket buffers").
 *
 * Three netlink sockets per process matter on big hosts: the command socket
 * (replies to our requests), the monitor socket (link/address events; it
 * overflows when hundreds of interfaces appear at once) and, for
 * vrrp_track_process, the process-event connector. Each size is in bytes; 0
 * (the default) leaves keepalived's own size (64 KiB for the netlink sockets,
 * the system default for the connector). `_force` sets it with
 * SO_RCVBUFFORCE so it may exceed net.core.rmem_max (needs CAP_NET_ADMIN).
 *
 * vrrp_rx_bufs_policy sizes the VRRP receive sockets: MTU or ADVERT (the
 * interface MTU or the advert size, times vrrp_rx_bufs_multiplier, summed over
 * the instances sharing the socket) or a fixed number of bytes; keepalived
 * accepts several words and then rejects the combinations, we take one.
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import type { ValueType } from '../schema/types.js';
import { int, oneWord } from '../schema/values.js';
import { defineGlobalArea } from './area.js';

/** How the VRRP receive buffers are sized. */
export type RxBufsPolicy = { readonly kind: 'mtu' } | { readonly kind: 'advert' } | { readonly kind: 'size'; readonly bytes: number };

export interface NetlinkGlobals {
  /** Bytes; 0 = keepalived's default (64 KiB). */
  vrrpNetlinkCmdRcvBufBytes: number;
  vrrpNetlinkCmdRcvBufForce: boolean;
  vrrpNetlinkMonitorRcvBufBytes: number;
  vrrpNetlinkMonitorRcvBufForce: boolean;
  lvsNetlinkCmdRcvBufBytes: number;
  lvsNetlinkCmdRcvBufForce: boolean;
  lvsNetlinkMonitorRcvBufBytes: number;
  lvsNetlinkMonitorRcvBufForce: boolean;
  /** The proc connector socket of vrrp_track_process; 0 = the system default (keepalived doubles it on overflow). */
  processMonitorRcvBufBytes: number;
  processMonitorRcvBufForce: boolean;
  /** undefined = the kernel's default (net.core.rmem_default). */
  vrrpRxBufsPolicy?: RxBufsPolicy;
  /** Multiplier for the MTU and ADVERT policies. */
  vrrpRxBufsMultiplier: number;
}

const UINT_MAX = 4294967295;
const bytes = int(0, UINT_MAX);

const rxBufsPolicy: ValueType<RxBufsPolicy> = {
  syntax: 'MTU|ADVERT|BYTES',
  parse(words, at) {
    if (words.length > 1) {
      throw new ConfigValueError(`unexpected extra parameter '${words[1]!.text}' (give one of MTU, ADVERT or a size in bytes)`, words[1]!.loc);
    }
    const w = oneWord(words, at);
    // keepalived compares MTU/ADVERT case-insensitively.
    const upper = w.text.toUpperCase();
    if (upper === 'MTU') return { kind: 'mtu' };
    if (upper === 'ADVERT') return { kind: 'advert' };
    if (!/^\d+$/.test(w.text)) throw new ConfigValueError(`Invalid vrrp_rx_bufs_policy '${w.text}' (expected MTU, ADVERT or a size in bytes)`, w.loc);
    return { kind: 'size', bytes: bytes.parse([w], at) };
  },
  format: (v) => [v.kind === 'size' ? String(v.bytes) : v.kind.toUpperCase()],
};

const k = keywordsFor<NetlinkGlobals>();

export const netlinkArea = defineGlobalArea<NetlinkGlobals>({
  name: 'netlink and socket buffers',
  create: () => ({
    vrrpNetlinkCmdRcvBufBytes: 0,
    vrrpNetlinkCmdRcvBufForce: false,
    vrrpNetlinkMonitorRcvBufBytes: 0,
    vrrpNetlinkMonitorRcvBufForce: false,
    lvsNetlinkCmdRcvBufBytes: 0,
    lvsNetlinkCmdRcvBufForce: false,
    lvsNetlinkMonitorRcvBufBytes: 0,
    lvsNetlinkMonitorRcvBufForce: false,
    processMonitorRcvBufBytes: 0,
    processMonitorRcvBufForce: false,
    vrrpRxBufsMultiplier: 3,
  }),
  keywords: [
    k.scalar('vrrp_netlink_cmd_rcv_bufs', bytes, 'vrrpNetlinkCmdRcvBufBytes', { tag: 'RARE', doc: "Receive buffer (bytes) of the VRRP process's netlink command socket.", default: '0 (keepalived 64 KiB; keepalived-ts 1 MiB, forced when allowed)' }),
    k.flag('vrrp_netlink_cmd_rcv_bufs_force', 'vrrpNetlinkCmdRcvBufForce', { tag: 'RARE', doc: 'Set that buffer with SO_RCVBUFFORCE (may exceed rmem_max).' }),
    k.scalar('vrrp_netlink_monitor_rcv_bufs', bytes, 'vrrpNetlinkMonitorRcvBufBytes', { tag: 'RARE', doc: "Receive buffer (bytes) of the VRRP process's netlink monitor sockets.", default: '0 (keepalived 64 KiB; keepalived-ts 4 MiB, forced when allowed)' }),
    k.flag('vrrp_netlink_monitor_rcv_bufs_force', 'vrrpNetlinkMonitorRcvBufForce', { tag: 'RARE', doc: 'Set that buffer with SO_RCVBUFFORCE (may exceed rmem_max).' }),
    k.scalar('lvs_netlink_cmd_rcv_bufs', bytes, 'lvsNetlinkCmdRcvBufBytes', { tag: 'RARE', doc: "Receive buffer (bytes) of the checker process's netlink command socket.", default: '0 (64 KiB)' }),
    k.flag('lvs_netlink_cmd_rcv_bufs_force', 'lvsNetlinkCmdRcvBufForce', { tag: 'RARE', doc: 'Set that buffer with SO_RCVBUFFORCE (may exceed rmem_max).' }),
    k.scalar('lvs_netlink_monitor_rcv_bufs', bytes, 'lvsNetlinkMonitorRcvBufBytes', { tag: 'RARE', doc: "Receive buffer (bytes) of the checker process's netlink monitor socket.", default: '0 (64 KiB)' }),
    k.flag('lvs_netlink_monitor_rcv_bufs_force', 'lvsNetlinkMonitorRcvBufForce', { tag: 'RARE', doc: 'Set that buffer with SO_RCVBUFFORCE (may exceed rmem_max).' }),
    k.scalar('process_monitor_rcv_bufs', bytes, 'processMonitorRcvBufBytes', { tag: 'RARE', doc: 'Receive buffer (bytes) of the process-event socket used by vrrp_track_process.', default: '0 (system default)' }),
    k.flag('process_monitor_rcv_bufs_force', 'processMonitorRcvBufForce', { tag: 'RARE', doc: 'Set that buffer with SO_RCVBUFFORCE (may exceed rmem_max).' }),
    k.scalar('vrrp_rx_bufs_policy', rxBufsPolicy, 'vrrpRxBufsPolicy', {
      tag: 'RARE',
      doc: 'Size VRRP receive buffers from the interface MTU or the advert size (times the multiplier), or a fixed size in bytes.',
      default: 'the kernel default',
    }),
    k.scalar('vrrp_rx_bufs_multiplier', int(1, UINT_MAX), 'vrrpRxBufsMultiplier', { tag: 'RARE', doc: 'Multiplier for the MTU and ADVERT receive buffer policies.', default: '3' }),
  ],
});
