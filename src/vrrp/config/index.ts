/**
 * The VRRP subsystem's share of keepalived.conf (see config/fragment.ts):
 * vrrp_instance, vrrp_sync_group, the trackers (vrrp_script, track_file,
 * vrrp_track_process), static addresses/routes/rules and track_group.
 *
 * Whole-config work — references between blocks, sync-group rules, values
 * inherited from global_defs, VRID conflicts — happens in finish
 * (resolve.ts), after every block is read, so the order of blocks in the
 * file does not matter (keepalived needs a vrrp_script before the instance
 * that tracks it; here it may come anywhere).
 */
import { defineFragment } from '../../config/fragment.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { AddressLine } from './address-line.js';
import { instanceBlock, instanceHead } from './instance.js';
import type { VrrpInstance } from './instance-model.js';
import { checkEnvironment, listScripts } from './environment.js';
import { resolveVrrpFragment } from './resolve.js';
import type { RouteLine } from './route-line.js';
import type { RuleLine } from './rule-line.js';
import { vrrpScriptBlock, vrrpScriptHead, type VrrpScript } from './script.js';
import { staticKeywords, trackGroupBlock, trackGroupHead, type TrackGroup } from './static.js';
import { syncGroupBlock, syncGroupHead, type VrrpSyncGroup } from './sync-group.js';
import { trackFileBlock, trackFileHead, type TrackFile } from './track-file.js';
import { trackProcessBlock, trackProcessHead, type TrackProcess } from './track-process.js';

export type { VrrpScript } from './script.js';
export type { VrrpInstance } from './instance-model.js';
export type { VrrpSyncGroup } from './sync-group.js';
export type { TrackFile } from './track-file.js';
export type { TrackProcess } from './track-process.js';
export type { TrackGroup } from './static.js';
export type { AddressLine } from './address-line.js';
export type { RouteLine } from './route-line.js';
export type { RuleLine } from './rule-line.js';
export type { TrackRef } from './track-lists.js';

export interface VrrpFragment {
  vrrpScripts: VrrpScript[];
  vrrpInstances: VrrpInstance[];
  vrrpSyncGroups: VrrpSyncGroup[];
  /** track_file blocks; FILE_CHECK real servers refer to them too. */
  trackFiles: TrackFile[];
  trackProcesses: TrackProcess[];
  trackGroups: TrackGroup[];
  staticAddresses: AddressLine[];
  staticRoutes: RouteLine[];
  staticRules: RuleLine[];
}

const k = keywordsFor<VrrpFragment>();

export const vrrpFragment = defineFragment<VrrpFragment>({
  name: 'vrrp',
  create: () => ({
    vrrpScripts: [],
    vrrpInstances: [],
    vrrpSyncGroups: [],
    trackFiles: [],
    trackProcesses: [],
    trackGroups: [],
    staticAddresses: [],
    staticRoutes: [],
    staticRules: [],
  }),
  scripts: listScripts,
  checkEnvironment,
  keywords: [
    k.blocks('vrrp_script', vrrpScriptBlock, 'vrrpScripts', {
      tag: 'CORE',
      head: vrrpScriptHead,
      doc: 'A tracking script for VRRP instances and sync groups.',
    }),
    k.blocks('track_file', trackFileBlock, 'trackFiles', {
      tag: 'RARE',
      head: trackFileHead,
      aliases: [{ name: 'vrrp_track_file', deprecated: true }],
      doc: trackFileBlock.doc,
    }),
    k.blocks('vrrp_track_process', trackProcessBlock, 'trackProcesses', {
      tag: 'COMMON',
      head: trackProcessHead,
      doc: trackProcessBlock.doc,
    }),
    k.blocks('vrrp_sync_group', syncGroupBlock, 'vrrpSyncGroups', {
      tag: 'COMMON',
      head: syncGroupHead,
      doc: syncGroupBlock.doc,
    }),
    k.blocks('vrrp_instance', instanceBlock, 'vrrpInstances', {
      tag: 'CORE',
      head: instanceHead,
      doc: instanceBlock.doc,
    }),
    k.blocks('track_group', trackGroupBlock, 'trackGroups', {
      tag: 'RARE',
      head: trackGroupHead,
      doc: trackGroupBlock.doc,
    }),
    ...staticKeywords<VrrpFragment>(),
  ],
  finish: resolveVrrpFragment,
});
