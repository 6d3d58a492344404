/**
 * The VRRP plan: everything the vrrp child needs, derived from the compiled `Config` alone,
 * in the domain types of each layer — the FSM's InstanceParams, the socket pool's transport
 * view, the actions layer's InstanceDefinition / StaticNetConfig / pacing, the trackers'
 * specs and resolveTracking's inputs, the notify dispatcher's specs and FIFOs.
 *
 * Each layer defined its own input types on purpose, so that none depends on keepalived.conf;
 * the adapter (plan.ts and its helpers) is the one place where the configuration's model
 * meets them. Whatever needs the running system — interface addresses, VRF tables, users and
 * groups, iproute2's name files, whether a script may run — comes in through
 * `PlanEnvironment`, so the same config gives the same plan in a test and on a host.
 *
 * A plan is plain data (the rule tunnel id is a bigint, the only thing JSON cannot carry),
 * so two plans can be compared (diff.ts) for a reload.
 */
import type { Diagnostic } from '../../config/diagnostics.js';
import type { AccountLookup, Credentials } from '../../core/scripts/accounts.js';
import type { InstanceDefinition } from '../actions/vrrp-actions.js';
import type { StaticNetConfig } from '../actions/net-actions.js';
import type { PacingSettings } from '../actions/garp-pacer.js';
import type { VrrpFirewallOptions } from '../firewall/vrrp-firewall.js';
import type { InstanceParams } from '../fsm/types.js';
import type { FifoSpec } from '../notify/fifo.js';
import type { NotifySpec } from '../notify/dispatcher.js';
import type { UnicastPeer } from '../receive-checks.js';
import type { VrrpScriptSpec } from '../track/script.js';
import type { TrackFileSpec } from '../track/file.js';
import type { TrackProcessSpec } from '../track/process-match.js';
import type { TrackInterfaceSpec } from '../track/interface.js';
import type { InstanceTrackingSpec, SyncGroupTrackingSpec } from '../track/resolve.js';
import type { ReceiveBufferShare } from '../io/types.js';
import type { NetlinkBuffers } from './socket-buffers.js';

// --- the host ------------------------------------------------------------------------------

/** What the planner asks about interfaces. */
export interface InterfaceFacts {
  exists(name: string): boolean;
  /**
   * keepalived's default advert source on this interface (vrrp.c set_vrrp_src_addr): its
   * primary IPv4 address, or its IPv6 link-local address; undefined when it has none yet.
   */
  primaryAddress(name: string, family: 4 | 6): string | undefined;
  /** The routing table of a VRF device; undefined when `name` is not a VRF. */
  vrfTable(name: string): number | undefined;
}

/** Read access to iproute2's name files and /etc/protocols. */
export interface NameFileReader {
  /** The text of a regular file, or undefined. */
  readFile(path: string): string | undefined;
  /** The entries of a directory, or undefined when it is not one. */
  listDirectory(path: string): string[] | undefined;
}

export interface PlanEnvironment {
  readonly interfaces: InterfaceFacts;
  /** Users and groups, for script users and FIFO owners (ScriptUsers). */
  readonly accounts: AccountLookup;
  /** The daemon's own effective ids. */
  readonly self: Credentials;
  readonly files: NameFileReader;
  readonly hostname: string;
  /**
   * The checker child runs too: it then starts the global notify_fifo_script, and the vrrp
   * process must not (keepalived vrrp.c vrrp_complete_init, running_checker()).
   */
  readonly checkerRunning: boolean;
  /** PATH for scripts given by bare name; default process.env.PATH. */
  readonly searchPath?: string;
}

// --- the plan ------------------------------------------------------------------------------

/** IP protocol of an instance's adverts: VRRP, or IPsec-AH carrying VRRP (auth_type AH). */
export type AdvertProtocol = 112 | 51;

/**
 * How one instance reaches the wire: the socket pool's view. The field names are those of
 * src/vrrp/io's TransportSpec, which this is a superset of.
 */
export interface AdvertTransport {
  readonly family: 4 | 6;
  /** `interface`; absent for a unicast instance without one. */
  readonly interface?: string;
  /** `vrf`: a unicast instance without an interface binds its sockets to this VRF device. */
  readonly vrf?: string;
  readonly mode: 'multicast' | 'unicast';
  /** 112 (VRRP), or 51 (IPsec-AH) with auth_type AH. */
  readonly protocol: AdvertProtocol;
  /** Multicast only: mcast_dst_ip, else vrrp_mcast_group4/6. */
  readonly multicastGroup?: string;
  /** mcast_src_ip / unicast_src_ip as configured (unset: the interface's, at run time). */
  readonly sourceAddress?: string;
  /** Unicast only, with each peer's accepted TTL range. */
  readonly peers: readonly UnicastPeer[];
  readonly unicastTtl?: number;
  readonly unicastFaultNoPeer: boolean;
  readonly checkUnicastSource: boolean;
  readonly vmacXmitBase: boolean;
  /**
   * The VMAC's name (use_vmac), computed with vmac_prefix when not given. (TransportSpec's
   * `vmac` is the VMAC's link once it exists, which only the run time knows.)
   */
  readonly vmacName?: string;
  readonly kernelRxBufSize?: number;
  /** This instance's share of its receive socket's SO_RCVBUF (socket-buffers.ts). */
  readonly receiveBuffer?: ReceiveBufferShare;
}

export interface PlannedInstance {
  readonly name: string;
  /** The FSM's parameters. */
  readonly params: InstanceParams;
  readonly transport: AdvertTransport;
  /** The actions layer's view (VIPs, routes, rules, GARP timings, VMAC). */
  readonly definition: InstanceDefinition;
  readonly syncGroup?: string;
}

export interface PlannedSyncGroup {
  readonly name: string;
  readonly members: readonly string[];
}

/** The trackers the vrrp process must run: only those some instance or group uses. */
export interface PlannedTrackers {
  readonly scripts: readonly VrrpScriptSpec[];
  readonly files: readonly TrackFileSpec[];
  readonly processes: readonly TrackProcessSpec[];
  readonly interfaces: readonly TrackInterfaceSpec[];
  /** bfd_instance names (fed by the BFD process through BfdHook). */
  readonly bfds: readonly string[];
}

/** A static item that names a track_group: the instances leaving MASTER when it is gone. */
export interface StaticTrackGroup {
  readonly name: string;
  readonly members: readonly string[];
  /** Which static items name it: their list and 1-based position there. */
  readonly items: readonly { readonly kind: 'address' | 'route' | 'rule'; readonly position: number }[];
}

export interface PlannedNotify {
  readonly specs: readonly NotifySpec[];
  /** notify_fifo and vrrp_notify_fifo, usable ones only. */
  readonly fifos: readonly FifoSpec[];
  readonly noEmailFaults: boolean;
  /** fifo_write_vrrp_states_on_reload. */
  readonly writeStatesOnReload: boolean;
}

/** Instances sharing one pooled socket (keepalived already_exist_sock). */
export interface PlannedSocket {
  /** "4/vrrp/eth0/group 224.0.0.18", "6/ah/any/unicast 2001:db8::1", … */
  readonly id: string;
  readonly instances: readonly string[];
  readonly vrids: readonly number[];
}

export interface VrrpPlan {
  /** router_id, else the host name. */
  readonly routerId: string;
  readonly instances: readonly PlannedInstance[];
  readonly syncGroups: readonly PlannedSyncGroup[];
  readonly trackers: PlannedTrackers;
  /** resolveTracking's inputs (track/resolve.ts). */
  readonly tracking: { readonly instances: readonly InstanceTrackingSpec[]; readonly groups: readonly SyncGroupTrackingSpec[] };
  readonly notify: PlannedNotify;
  readonly statics: StaticNetConfig & { readonly trackGroups: readonly StaticTrackGroup[] };
  /** VrrpActions options: VMAC name prefix, GARP/NA pacing, the nftables table. */
  readonly actions: { readonly vmacPrefix: string; readonly pacing: PacingSettings; readonly firewall?: VrrpFirewallOptions };
  readonly sockets: readonly PlannedSocket[];
  /** Configured receive queues of the child's netlink sockets (socket-buffers.ts). */
  readonly netlink: NetlinkBuffers;
  readonly runtime: {
    /** vrrp_startup_delay, ms. */
    readonly startupDelayMs: number;
    readonly logUnknownVrids: boolean;
    readonly dynamicInterfaces: boolean;
  };
}

/** Diagnostics use the compiler's shape (no source location: the plan works on the model). */
export type PlanDiagnostic = Diagnostic;

export type PlanResult =
  | { readonly ok: true; readonly plan: VrrpPlan; readonly diagnostics: readonly PlanDiagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly PlanDiagnostic[] };
