/**
 * The static side of the VRRP process (keepalived vrrp_parser.c
 * static_*_handler, vrrp_static_track.c): addresses, routes and rules that
 * keepalived configures at start-up whatever the VRRP state, and reinstates
 * if someone deletes them; and `track_group NAME { group { VI… } }`, which
 * names the instances that leave MASTER when a static item carrying
 * `track_group NAME` is deleted and cannot be restored.
 *
 * static_ipaddress lines without `dev` go on global default_interface
 * (resolved in the fragment's finish); whether that interface exists is a
 * start-up check. A static route or rule may only name a track_group when it
 * names its interface (dev/oif for routes, dev/iif for rules).
 */
import { defineBlock, nameHead } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { staticAddressLine, type AddressLine } from './address-line.js';
import { lineList, wordBlock } from './line-list.js';
import { staticRouteLine, type RouteLine } from './route-line.js';
import { staticRuleLine, type RuleLine } from './rule-line.js';

export interface TrackGroup {
  name: string;
  /** vrrp_instance names (`group { … }`). */
  members?: string[];
}

export const trackGroupBlock = defineBlock<TrackGroup>({
  name: 'track_group',
  doc: 'VRRP instances that track the static addresses, routes and rules naming this group.',
  create: () => ({ name: '' }),
  keywords: [
    wordBlock<TrackGroup>('group', {
      get: (m) => m.members,
      set: (m, words) => {
        m.members = words;
      },
    }, {
      tag: 'RARE',
      syntax: '{ VRRP_INSTANCE … }',
      doc: 'The vrrp_instance names that leave MASTER when a tracked static item disappears.',
      duplicateMessage: (m) => `Group list already specified for track group ${m.name}`,
    }),
  ],
  finish(m, ctx, loc) {
    if (m.members !== undefined && m.members.length === 0) {
      ctx.diags.warning(`track group ${m.name} has empty group block`, ctx.locations.get(m, 'group') ?? loc, 'track_group');
    }
  },
});

export const trackGroupHead = nameHead<TrackGroup>();

export interface StaticItems {
  staticAddresses: AddressLine[];
  staticRoutes: RouteLine[];
  staticRules: RuleLine[];
}

export function staticKeywords<M extends StaticItems>(): Keyword<M>[] {
  return [
    lineList<M, AddressLine>('static_ipaddress', staticAddressLine, {
      get: (m) => m.staticAddresses,
      set: (m, v) => {
        m.staticAddresses = v;
      },
    }, { tag: 'RARE', doc: 'Addresses configured at start-up whatever the VRRP state (dev defaults to global default_interface).' }),
    lineList<M, RouteLine>('static_routes', staticRouteLine, {
      get: (m) => m.staticRoutes,
      set: (m, v) => {
        m.staticRoutes = v;
      },
    }, { tag: 'RARE', doc: 'Routes configured at start-up whatever the VRRP state (ip route syntax).' }),
    lineList<M, RuleLine>('static_rules', staticRuleLine, {
      get: (m) => m.staticRules,
      set: (m, v) => {
        m.staticRules = v;
      },
    }, { tag: 'RARE', doc: 'Policy routing rules configured at start-up whatever the VRRP state (ip rule syntax).' }),
  ];
}
