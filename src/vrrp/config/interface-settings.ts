/**
 * Per-interface settings the VRRP process applies to the interfaces it uses or
 * tracks, written at the top level of keepalived.conf (keepalived
 * vrrp/vrrp_parser.c linkbeat_interfaces, interface_up_down_delays,
 * garp_group; core/global_parser.c linkbeat_use_polling; census §3.1, §3.3):
 *
 *   linkbeat_use_polling               poll every interface's link state
 *   linkbeat_interfaces { IF [MII|ETHTOOL|IOCTL] }   poll just these
 *   interface_up_down_delays { IF DOWN [UP] }        debounce link changes
 *   garp_group { … }                   pace GARP/NA (garp-group.ts)
 *
 * interface_up_down_delays: delays are decimal seconds (µs resolution) in
 * 0..255; an omitted UP delay is 0 — that is what keepalived 2.2.7's code does
 * (observed with `-d`), although its man page says "the same as the down
 * delay". keepalived also shortens a delay that is not below the advert
 * interval of every instance using the interface; that needs the instances'
 * interfaces and belongs with them.
 *
 * Across lines and blocks each interface may appear once per setting (a
 * repeat would silently override in keepalived; here it is an error). Whether
 * the interfaces exist is checked against the running system: keepalived
 * refuses to start (linkbeat, delays) or warns (garp_group) unless
 * dynamic_interfaces is set.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineFragment } from '../../config/fragment.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { CompileContext, ValueType } from '../../config/schema/types.js';
import { timer } from '../../config/schema/values.js';
import { garpGroupBlock, interfaceField, type GarpGroup } from './garp-group.js';
import { interfaceName } from './interface-name.js';

export type LinkbeatMethod = 'MII' | 'ETHTOOL' | 'IOCTL';

export interface LinkbeatInterface {
  readonly interface: string;
  /** Preferred polling method; undefined = MII, else ETHTOOL, else IOCTL, whichever works. */
  readonly method?: LinkbeatMethod;
}

export interface InterfaceDelays {
  readonly interface: string;
  /** Time a link must stay down before instances using it go to FAULT, ms. */
  readonly downDelayMs: number;
  /** Time a link must stay up before those instances leave FAULT, ms. */
  readonly upDelayMs: number;
}

export interface InterfaceSettingsFragment {
  /** Poll link state (MII/ethtool/ioctl) on every interface instead of trusting netlink. */
  linkbeatUsePolling: boolean;
  linkbeatInterfaces: LinkbeatInterface[];
  interfaceUpDownDelays: InterfaceDelays[];
  garpGroups: GarpGroup[];
}

const METHODS: readonly LinkbeatMethod[] = ['MII', 'ETHTOOL', 'IOCTL'];

/** One `linkbeat_interfaces` line. */
const linkbeatLine: ValueType<LinkbeatInterface> = {
  syntax: 'INTERFACE [MII|ETHTOOL|IOCTL]',
  parse(words, at) {
    const name = interfaceName.parse(words.slice(0, 1), at);
    if (words.length > 2) throw new ConfigValueError(`extra characters '${words[2]!.text}' in linkbeat interface`, words[2]!.loc);
    const m = words[1];
    if (!m) return { interface: name };
    const method = METHODS.find((x) => x === m.text);
    if (!method) throw new ConfigValueError(`extra characters '${m.text}' in linkbeat interface (expected MII, ETHTOOL or IOCTL)`, m.loc);
    return { interface: name, method };
  },
  format: (v) => (v.method ? [v.interface, v.method] : [v.interface]),
};

const delay = timer(0, 255_000);

/** One `interface_up_down_delays` line. */
const delaysLine: ValueType<InterfaceDelays> = {
  syntax: 'INTERFACE DOWN_SECONDS [UP_SECONDS]',
  parse(words, at) {
    const name = interfaceName.parse(words.slice(0, 1), at);
    if (words.length < 2) throw new ConfigValueError(`No timeouts specified for ${name} up/down delays`, words[0]!.loc);
    if (words.length > 3) throw new ConfigValueError(`Too many parameters for ${name} up/down delays: '${words[3]!.text}'`, words[3]!.loc);
    const downDelayMs = delay.parse([words[1]!], at);
    const upDelayMs = words[2] ? delay.parse([words[2]], at) : 0;
    return { interface: name, downDelayMs, upDelayMs };
  },
  format: (v) => (v.upDelayMs === 0 ? [v.interface, ...delay.format(v.downDelayMs)] : [v.interface, ...delay.format(v.downDelayMs), ...delay.format(v.upDelayMs)]),
};

/** Reports the second and later mention of an interface in one kind of setting. O(n). */
function checkUnique<T extends { interface: string }>(items: readonly T[], keyword: string, ctx: CompileContext): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.interface)) {
      ctx.diags.error(`${keyword} already specified for ${item.interface}`, ctx.locations.get(item), keyword);
    }
    seen.add(item.interface);
  }
}

const k = keywordsFor<InterfaceSettingsFragment>();

export const interfaceSettingsFragment = defineFragment<InterfaceSettingsFragment>({
  name: 'vrrp interface settings',
  create: () => ({ linkbeatUsePolling: false, linkbeatInterfaces: [], interfaceUpDownDelays: [], garpGroups: [] }),
  keywords: [
    k.flag('linkbeat_use_polling', 'linkbeatUsePolling', {
      tag: 'RARE',
      doc: 'Poll the link state of every interface (MII, ethtool or ioctl) instead of relying on netlink.',
      noArg: true,
    }),
    k.list('linkbeat_interfaces', linkbeatLine, 'linkbeatInterfaces', {
      tag: 'RARE',
      doc: 'Interfaces whose link state is polled instead of taken from netlink, with the preferred method.',
    }),
    k.list('interface_up_down_delays', delaysLine, 'interfaceUpDownDelays', {
      tag: 'RARE',
      doc: 'Seconds an interface must stay down (up) before the VRRP instances using it react; UP defaults to 0.',
    }),
    k.blocks('garp_group', garpGroupBlock, 'garpGroups', { tag: 'RARE', doc: garpGroupBlock.doc }),
  ],
  finish(c, ctx) {
    checkUnique(c.linkbeatInterfaces, 'linkbeat_interfaces', ctx);
    checkUnique(c.interfaceUpDownDelays, 'interface_up_down_delays', ctx);
    const owner = new Set<string>();
    for (const g of c.garpGroups) {
      for (const name of g.interfaces) {
        if (owner.has(name)) {
          ctx.diags.error(`garp_group already specified for ${name}`, ctx.locations.get(g, interfaceField(name)) ?? ctx.locations.get(g), 'garp_group');
        }
        owner.add(name);
      }
    }
  },
});
