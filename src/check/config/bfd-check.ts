/**
 * `BFD_CHECK { … }`: the real server follows the state of a `bfd_instance`
 * run by the BFD child (check_bfd.c): down while the session is down. Only
 * `name` and `alpha` apply; the instance must exist and must not be limited to
 * the VRRP child (`vrrp` without `checker` in the bfd_instance).
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import { word } from '../../config/schema/values.js';
import { COMMON_DEFAULTS, type CheckerSpec } from './checker-common.js';

export interface BfdCheck {
  type: 'BFD_CHECK';
  /** Name of a bfd_instance. */
  name: string;
  alpha?: boolean;
  effective: { alpha: boolean };
}

/** keepalived's BFD_INAME_MAX is 32 with the NUL. */
const bfdName = word('NAME', (w) => {
  if (w.text.length >= 32) throw new ConfigValueError(`BFD_CHECK - BFD name ${w.text} too long (at most 31 characters)`, w.loc);
});

const k = keywordsFor<BfdCheck>();
const doc = 'Follows the state of a bfd_instance.';

export const bfdCheck: CheckerSpec<BfdCheck> = {
  name: 'BFD_CHECK',
  tag: 'RARE',
  doc,
  options: 'none',
  defaults: COMMON_DEFAULTS,
  incomplete: (c) => (c.name ? undefined : 'No name has been specified for BFD_CHECKER - skipping'),
  block: defineBlock<BfdCheck>({
    name: 'BFD_CHECK',
    doc,
    create: () => ({ type: 'BFD_CHECK', name: '', effective: { alpha: false } }),
    keywords: [
      k.scalar('name', bfdName, 'name', { tag: 'RARE', doc: 'The bfd_instance to follow.' }),
      k.flag('alpha', 'alpha', { tag: 'RARE', doc: 'Start with the server down until the session comes up.', default: 'inherited; off' }),
    ],
  }),
};
