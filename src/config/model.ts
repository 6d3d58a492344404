/**
 * The compiled configuration: one plain-JSON object that the parent sends to
 * every child. Each subsystem owns its fragment type (see fragment.ts); the
 * Config is their union.
 */
import type { GlobalFragment } from './global/index.js';
import type { VrrpFragment } from '../vrrp/config/index.js';
import type { DaemonFragment } from '../supervisor/config/index.js';
import type { InterfaceSettingsFragment } from '../vrrp/config/interface-settings.js';
import type { BfdFragment } from '../bfd/config/index.js';
import type { CheckFragment } from '../check/config/index.js';

export type Config = GlobalFragment
  & DaemonFragment
  & VrrpFragment
  & InterfaceSettingsFragment
  & BfdFragment
  & CheckFragment;
