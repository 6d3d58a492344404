/**
 * `vrrp_instance NAME { … }`: the block spec assembled from the keyword
 * tables of each role (see instance-model.ts for the model and the split).
 * All 70 keywords of keepalived 2.2.7 plus the 2.3/2.4 additions
 * (no_virtual_ipaddress, owner_ignore_adverts, timer_expired_backup,
 * v3_checksum_as_v2, auth_hmac) are listed; checks across keywords and
 * against global_defs run in the vrrp fragment's finish (instance-resolve.ts),
 * because global_defs may come after the instance in the file.
 */
import { defineBlock, nameHead } from '../../config/schema/define.js';
import { authKeywords } from './instance-auth.js';
import { behaviourKeywords, electionKeywords, notifyKeywords } from './instance-core.js';
import { garpKeywords } from './instance-garp.js';
import { createInstance, type VrrpInstance } from './instance-model.js';
import { netKeywords } from './instance-net.js';
import { unicastKeywords } from './instance-unicast.js';
import { trackerKeywords } from './track-lists.js';

export const instanceBlock = defineBlock<VrrpInstance>({
  name: 'vrrp_instance',
  doc: 'A VRRP virtual router: its election parameters, the interface it runs on, the addresses it owns as MASTER, its trackers and notify scripts.',
  create: createInstance,
  // Table order is -d's print order: what the instance is first, inherited tuning last.
  keywords: [
    ...electionKeywords,
    ...netKeywords,
    ...unicastKeywords,
    ...authKeywords,
    ...trackerKeywords<VrrpInstance>(),
    ...notifyKeywords,
    ...behaviourKeywords,
    ...garpKeywords,
  ],
});

export const instanceHead = nameHead<VrrpInstance>();
