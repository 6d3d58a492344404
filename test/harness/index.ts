/**
 * The namespace test harness: build a topology of network namespaces, run
 * commands, daemons and JS inside them, capture and decode packets, and always
 * take it all down again. See topology.ts for the usage pattern.
 */
export { Topology, type TopologyOptions, type TestHooks } from './topology.js';
export { Namespace, type Neighbour } from './namespace.js';
export { Capture, type DecodedPacket } from './capture.js';
export { LabProcess, CommandError, run, tryRun, type CommandResult, type ExitStatus } from './process.js';
export { ScriptProcess, type ScriptContext, type ScriptFunction } from './script.js';
export { waitUntil, delay, WaitTimeoutError } from './wait.js';
