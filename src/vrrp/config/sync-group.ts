/**
 * `vrrp_sync_group NAME { … }` (keepalived vrrp_parser.c vrrp_group_*,
 * vrrp_sync.c): instances that change state together — one member falling
 * to BACKUP or FAULT pulls the others with it, and the group becomes MASTER
 * only when every member wants to.
 *
 * The group's trackers apply to every member. Because members must agree,
 * keepalived refuses weighted trackers on member instances unless the group
 * sets `sync_group_tracking_weight` (`global_tracking` is its deprecated
 * spelling); that check, membership (each member must exist and belong to one
 * group only) and the address-owner rule are whole-config checks made in the
 * vrrp fragment's finish (resolve.ts). The man page lists notify_deleted for
 * sync groups; keepalived only installs it for instances, and so do we.
 */
import { defineBlock, keywordsFor, nameHead } from '../../config/schema/define.js';
import { alwaysPrinted, warnWhenSpelled, wordBlock } from './line-list.js';
import { commonNotifyKeywords, type NotifyScripts } from './notify.js';
import { emptyTrackers, trackerKeywords, type Trackers } from './track-lists.js';

export interface VrrpSyncGroup extends Trackers {
  name: string;
  /** Member vrrp_instance names (`group { … }`), in order. */
  members?: string[];
  notify: NotifyScripts;
  /** Mail on group state changes; resolved: given, else global smtp_alert_vrrp, else smtp_alert, else off. */
  smtpAlert: boolean;
  /**
   * Priority changes of the members on the notify FIFOs; resolved: given, else global
   * vrrp_notify_priority_changes. A member without its own setting takes the group's when given.
   */
  notifyPriorityChanges: boolean;
  /** Allow weighted trackers on member instances (they probably won't agree). */
  trackingWeight: boolean;
}

const k = keywordsFor<VrrpSyncGroup>();

export const syncGroupBlock = defineBlock<VrrpSyncGroup>({
  name: 'vrrp_sync_group',
  doc: 'VRRP instances that change state together; its trackers and notify scripts apply to the whole group.',
  create: () => ({ name: '', ...emptyTrackers(), notify: {}, smtpAlert: false, notifyPriorityChanges: false, trackingWeight: false }),
  keywords: [
    wordBlock<VrrpSyncGroup>('group', {
      get: (m) => m.members,
      set: (m, words) => {
        m.members = words;
      },
    }, {
      tag: 'CORE',
      syntax: '{ VRRP_INSTANCE … }',
      doc: 'The vrrp_instance names that belong to the group.',
      duplicateMessage: (m) => `Group list already specified for sync group ${m.name}`,
    }),
    ...trackerKeywords<VrrpSyncGroup>(),
    ...commonNotifyKeywords<VrrpSyncGroup>('group'),
    alwaysPrinted(k.flag('smtp_alert', 'smtpAlert', { tag: 'COMMON', doc: 'Send an email on group state changes.', default: 'global smtp_alert_vrrp / smtp_alert (off)' })),
    alwaysPrinted(k.flag('notify_priority_changes', 'notifyPriorityChanges', {
      tag: 'RARE',
      doc: 'Write priority changes of the members to the notify FIFOs.',
      default: 'global vrrp_notify_priority_changes (off)',
    })),
    warnWhenSpelled(k.flag('sync_group_tracking_weight', 'trackingWeight', {
      tag: 'RARE',
      noArg: true,
      aliases: [{ name: 'global_tracking', deprecated: true }],
      doc: 'Allow weighted trackers on member instances (their priorities may then disagree).',
    }), 'global_tracking', (m) => `(${m.name}) global_tracking is deprecated. Use track_interface/script/file on the sync group`),
  ],
  finish(m, ctx, loc) {
    if (!m.members || m.members.length === 0) {
      // keepalived removes the group (the fragment's finish does).
      ctx.diags.warning(`Sync group ${m.name} has no virtual router(s). removing`, ctx.locations.get(m, 'group') ?? loc, 'vrrp_sync_group');
    }
  },
});

export const syncGroupHead = nameHead<VrrpSyncGroup>();
