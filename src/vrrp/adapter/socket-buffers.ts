/**
 * Receive buffer sizes of the vrrp child's sockets, from global_defs (keepalived
 * core/keepalived_netlink.c netlink_set_rx_buf_size, core/track_process.c set_rcv_buf,
 * vrrp/vrrp_scheduler.c vrrp_create_sockpool).
 *
 * Netlink: `vrrp_netlink_cmd_rcv_bufs` sizes the request socket, `vrrp_netlink_monitor_rcv_bufs`
 * the sockets that listen to link/address/route events (keepalived has one, nl_kernel; the
 * child has two — the interface table and the route/rule monitor — and both get it), and
 * `process_monitor_rcv_bufs` the proc connector socket of vrrp_track_process. A size is
 * set with SO_RCVBUF, which net.core.rmem_max caps, or with SO_RCVBUFFORCE when its
 * `_force` keyword is given. Unset (0), keepalived asks for 64 KiB; keepalived-ts keeps its
 * own larger defaults (1 MiB / 4 MiB, forced when allowed, see net/netlink/open.ts), since a
 * smaller queue only means more resyncs, and the connector keeps the system default.
 *
 * VRRP receive sockets: each instance adds a share to the SO_RCVBUF of the socket it shares
 * with others (keepalived sums them per socket): its kernel_rx_buf_size when set, else what
 * vrrp_rx_bufs_policy says — a fixed size, vrrp_rx_bufs_multiplier times the length of its
 * advert (IP header included), or that multiplier times the MTU of its interface, which only
 * the run time knows. With neither, no share: the kernel's default (net.core.rmem_default).
 */
import type { NetlinkGlobals } from '../../config/global/netlink.js';
import type { ReceiveBufferShare } from '../io/types.js';
import { VRRP_AUTH_DATA_LENGTH, VRRP_HEADER_LENGTH } from '../packet/advert.js';
import { IPV4_MIN_HEADER_LENGTH } from '../packet/ip-header.js';
import { AH_HEADER_LENGTH } from '../packet/ipsec-ah.js';

/** One netlink socket's configured queue: bytes, and whether SO_RCVBUFFORCE is used. */
export interface NetlinkBufferSetting {
  readonly bytes: number;
  readonly force: boolean;
}

/** Configured netlink queues; an absent entry keeps the socket's default. */
export interface NetlinkBuffers {
  readonly command?: NetlinkBufferSetting;
  readonly monitor?: NetlinkBufferSetting;
  readonly processMonitor?: NetlinkBufferSetting;
}

function setting(bytes: number, force: boolean): NetlinkBufferSetting | undefined {
  return bytes > 0 ? { bytes, force } : undefined;
}

export function planNetlinkBuffers(g: NetlinkGlobals): NetlinkBuffers {
  const command = setting(g.vrrpNetlinkCmdRcvBufBytes, g.vrrpNetlinkCmdRcvBufForce);
  const monitor = setting(g.vrrpNetlinkMonitorRcvBufBytes, g.vrrpNetlinkMonitorRcvBufForce);
  const processMonitor = setting(g.processMonitorRcvBufBytes, g.processMonitorRcvBufForce);
  return {
    ...(command ? { command } : {}),
    ...(monitor ? { monitor } : {}),
    ...(processMonitor ? { processMonitor } : {}),
  };
}

/** The open options (net/netlink/open.ts) for one configured setting. */
export function netlinkOpenOptions(s: NetlinkBufferSetting | undefined): { receiveBufferBytes?: number; receiveBufferMode?: 'force' | 'plain' } {
  return s ? { receiveBufferBytes: s.bytes, receiveBufferMode: s.force ? 'force' : 'plain' } : {};
}

/** What an instance's advert needs to size its share by (keepalived vrrp_adv_len). */
export interface AdvertShape {
  readonly family: 4 | 6;
  readonly version: 2 | 3;
  /** Addresses carried in the advert. */
  readonly addressCount: number;
  /** IPsec-AH (auth_type AH). */
  readonly ah: boolean;
}

/**
 * Bytes of one advert as the receive socket queues it: the VRRP message, plus for IPv4 the
 * IP header and the AH header (an IPv6 raw socket receives no IP header).
 */
export function advertLength(a: AdvertShape): number {
  if (a.family === 6) return VRRP_HEADER_LENGTH + 16 * a.addressCount;
  const vrrp = VRRP_HEADER_LENGTH + 4 * a.addressCount + (a.version === 2 ? VRRP_AUTH_DATA_LENGTH : 0);
  return IPV4_MIN_HEADER_LENGTH + (a.ah ? AH_HEADER_LENGTH : 0) + vrrp;
}

/** The instance's share of its receive socket's SO_RCVBUF; undefined = none. */
export function receiveBufferShare(g: NetlinkGlobals, kernelRxBufSize: number | undefined, advert: AdvertShape): ReceiveBufferShare | undefined {
  // keepalived: kernel_rx_buf_size 0 means "not set".
  if (kernelRxBufSize) return { bytes: kernelRxBufSize };
  const policy = g.vrrpRxBufsPolicy;
  if (!policy) return undefined;
  switch (policy.kind) {
    case 'size': return policy.bytes > 0 ? { bytes: policy.bytes } : undefined;
    case 'advert': return { bytes: g.vrrpRxBufsMultiplier * advertLength(advert) };
    case 'mtu': return { mtuMultiple: g.vrrpRxBufsMultiplier };
  }
}
