/**
 * The top level of keepalived.conf: every fragment's keywords in one table.
 */
import type { Fragment } from './fragment.js';
import type { Config } from './model.js';
import { defineBlock } from './schema/define.js';
import type { Keyword } from './schema/types.js';
import { globalFragment } from './global/index.js';
import { vrrpFragment } from '../vrrp/config/index.js';
import { daemonFragment } from '../supervisor/config/index.js';
import { interfaceSettingsFragment } from '../vrrp/config/interface-settings.js';
import { bfdFragment } from '../bfd/config/index.js';
import { checkFragment } from '../check/config/index.js';

/** Fragments are typed on their own part of Config; the root applies them to the whole. */
function part<F>(f: Fragment<F> & (Config extends F ? unknown : never)): Fragment<Config> {
  return f as unknown as Fragment<Config>;
}

export const fragments: readonly Fragment<Config>[] = [
  part(globalFragment),
  part(daemonFragment),
  part(vrrpFragment),
  part(interfaceSettingsFragment),
  part(bfdFragment),
  part(checkFragment),
];

export const rootBlock = defineBlock<Config>({
  name: 'keepalived.conf',
  doc: 'The top level of the configuration file.',
  keywords: fragments.flatMap((f) => f.keywords as readonly Keyword<Config>[]),
  create: () => Object.assign({}, ...fragments.map((f) => f.create())) as Config,
  finish(config, ctx) {
    for (const f of fragments) f.finish?.(config, ctx);
  },
});
