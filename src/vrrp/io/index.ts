/**
 * The VRRP socket layer and runtime: the socket pool (one receive and one send socket per
 * interface, family, protocol and group/source, shared by every instance on it), the read
 * dispatcher (VRID demultiplexing), each instance's transmit path, and the runtime that runs
 * the pure FSMs of ../fsm against real time and real sockets.
 */
export * from './types.js';
export { receiveSocketPlan, sendSocketPlan, applyPlan, kernelSocketFactory, SocketSetupError } from './kernel-sockets.js';
export type { SocketStep, SocketFactory, ReceiveChannel, SendChannel, SendOptions, OpenedChannel } from './kernel-sockets.js';
export { SocketPool, PooledSocket, VridConflictError, peerKey } from './socket-pool.js';
export type { VridEndpoint, SocketPoolOptions } from './socket-pool.js';
export { dispatchDatagram } from './wire.js';
export type { DispatchHooks } from './wire.js';
export { AdvertSender, defaultMulticastGroup } from './wire.js';
export type { SenderCounters, SendFailure } from './wire.js';
export { PeerSilenceDetector } from './peer-silence.js';
export type { PeerHearing, PeerSilenceStatus } from './peer-silence.js';
export { InstanceRuntime } from './instance-runtime.js';
export type { InstanceRuntimeDeps, InstanceRuntimeStatus } from './instance-runtime.js';
export { DropLog, describeEvent, logEvent } from './reporting.js';
export type { EventLine, DropLogOptions } from './reporting.js';
export { VrrpRuntime } from './runtime.js';
export type { VrrpRuntimeOptions, RuntimeStatus, SocketStatus, SyncGroupSpec, InstanceStartPlan } from './runtime.js';
export { systemDirectory, interfaceTableDirectory, staticDirectory } from './directory.js';
