/**
 * keepalived's VRRP dump files, rendered from a snapshot of the vrrp child (snapshot.ts):
 * keepalived.data (USR1), keepalived.stats (USR2 / STATS_CLEAR), keepalived.json (JSON
 * signal), the parent's keepalived_parent.data, and where and how they are written.
 * The renderers are pure; files.ts does the I/O.
 */
export { renderVrrpData, renderVrrpStats } from './vrrp-data.js';
export { renderVrrpJson } from './json.js';
export { renderParentData, globalDefinitionLines, type DumpProcess } from './global-data.js';
export { type DumpOptions } from './instance-data.js';
export { formatRoute, formatRule } from './route-format.js';
export { dumpDirectory, dumpFilePath, writeDumpFile, DumpWriteError, type DumpKind, type DumpPathOptions } from './files.js';
export type * from './snapshot.js';
export { fsmRuntime } from './snapshot.js';
