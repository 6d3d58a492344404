/**
 * The VRRP subsystem's share of keepalived.conf (see config/fragment.ts).
 */
import { defineFragment } from '../../config/fragment.js';
import { keywordsFor } from '../../config/schema/define.js';
import { vrrpScriptBlock, vrrpScriptHead, type VrrpScript } from './script.js';

export type { VrrpScript } from './script.js';

export interface VrrpFragment {
  vrrpScripts: VrrpScript[];
}

const k = keywordsFor<VrrpFragment>();

export const vrrpFragment = defineFragment<VrrpFragment>({
  name: 'vrrp',
  create: () => ({ vrrpScripts: [] }),
  scripts: (c) =>
    c.vrrpScripts.flatMap((s) => (s.script ? [{ script: s.script, owner: s, field: 'script', what: `vrrp_script ${s.name}` }] : [])),
  keywords: [
    k.blocks('vrrp_script', vrrpScriptBlock, 'vrrpScripts', {
      tag: 'CORE',
      head: vrrpScriptHead,
      doc: 'A tracking script for VRRP instances and sync groups.',
    }),
  ],
});
