/**
 * vrrp_instance keywords for gratuitous ARP / unsolicited NA and for the
 * advert-timing tweaks keepalived adds to the RFCs (vrrp_parser.c
 * vrrp_garp_*, down_timer_adverts, lower_prio_no_advert, …).
 *
 * Every one of them defaults to a global_defs value (vrrp_garp_master_delay,
 * vrrp_garp_master_repeat, …), resolved in instance-resolve.ts, so `-d`
 * always writes them. The GARP delays are whole seconds in keepalived and
 * are held in ms here.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { Keyword, ValueType } from '../../config/schema/types.js';
import { int, wholeSeconds } from '../../config/schema/values.js';
import type { GarpExtraIf, VrrpInstance } from './instance-model.js';
import { alwaysPrinted, warnWhenSpelled } from './line-list.js';
import { readUnsigned } from './words.js';

const k = keywordsFor<VrrpInstance>();

const UINT_MAX = 0xffff_ffff;
const INT_MAX = 0x7fff_ffff;
/** keepalived keeps GARP delays in µs in an unsigned int: at most 4294 s. */
const GARP_DELAY_MAX_S = Math.floor(UINT_MAX / 1_000_000);
const EXTRA_IF_MAX_S = 86_400;

/** `[all] SECONDS` in either order, as garp_extra_if and vrrp_garp_extra_if take it. */
export function garpExtraIfValue(minS: number): ValueType<GarpExtraIf> {
  return {
    syntax: `[all] ${minS}..${EXTRA_IF_MAX_S}`,
    parse(words: readonly Word[], at: Word) {
      let allInterfaces = false;
      let seconds: number | undefined;
      for (const w of words) {
        if (w.text === 'all') allInterfaces = true;
        else if (seconds === undefined) seconds = readUnsigned(w, minS, EXTRA_IF_MAX_S, { what: at.text });
        else throw new ConfigValueError(`unexpected extra parameter '${w.text}'`, w.loc);
      }
      if (seconds === undefined) throw new ConfigValueError(`${at.text} specified without time`, at.loc);
      return { intervalMs: seconds * 1000, allInterfaces };
    },
    format: (v) => (v.allInterfaces ? ['all', String(v.intervalMs / 1000)] : [String(v.intervalMs / 1000)]),
  };
}

export const garpKeywords: Keyword<VrrpInstance>[] = [
  alwaysPrinted(k.scalar('garp_master_delay', wholeSeconds(0, GARP_DELAY_MAX_S), 'garpMasterDelayMs', {
    tag: 'COMMON',
    doc: 'Seconds after becoming MASTER before the second burst of gratuitous ARPs/NAs (0: none).',
    default: 'global vrrp_garp_master_delay (5)',
  })),
  alwaysPrinted(k.scalar('garp_master_repeat', int(1, UINT_MAX), 'garpMasterRepeat', {
    tag: 'COMMON',
    doc: 'Gratuitous ARPs/NAs sent in each burst on becoming MASTER.',
    default: 'global vrrp_garp_master_repeat (5)',
  })),
  alwaysPrinted(k.scalar('garp_master_refresh', wholeSeconds(0, UINT_MAX), 'garpMasterRefreshMs', {
    tag: 'COMMON',
    doc: 'Seconds between periodic gratuitous ARPs/NAs while MASTER (0: none).',
    default: 'global vrrp_garp_master_refresh (0)',
  })),
  alwaysPrinted(k.scalar('garp_master_refresh_repeat', int(1, UINT_MAX), 'garpMasterRefreshRepeat', {
    tag: 'COMMON',
    doc: 'Gratuitous ARPs/NAs sent at each refresh.',
    default: 'global vrrp_garp_master_refresh_repeat (1)',
  })),
  alwaysPrinted(k.scalar('garp_lower_prio_delay', wholeSeconds(0, GARP_DELAY_MAX_S), 'garpLowerPrioDelayMs', {
    tag: 'RARE',
    doc: 'Seconds before the second burst of gratuitous ARPs/NAs after a lower-priority advert is received as MASTER.',
    default: 'global vrrp_garp_lower_prio_delay (0 in strict mode)',
  })),
  alwaysPrinted(k.scalar('garp_lower_prio_repeat', int(0, INT_MAX), 'garpLowerPrioRepeat', {
    tag: 'RARE',
    doc: 'Gratuitous ARPs/NAs sent per burst after a lower-priority advert is received as MASTER.',
    default: 'global vrrp_garp_lower_prio_repeat (0 in strict mode)',
  })),
  warnWhenSpelled(alwaysPrinted(k.scalar('garp_extra_if', garpExtraIfValue(0), 'garpExtraIf', {
    tag: 'RARE',
    aliases: [{ name: 'vmac_garp_intvl', deprecated: true }],
    doc: 'Seconds between gratuitous ARPs/NAs on the VMACs (or with all, every interface) of VIPs not on the instance interface; 0 turns it off.',
    default: 'global vrrp_garp_extra_if (0)',
  })), 'vmac_garp_intvl', () => 'Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"'),
  alwaysPrinted(k.scalar('down_timer_adverts', int(1, 100), 'downTimerAdverts', {
    tag: 'RARE',
    doc: 'Adverts missed before the master is declared down (the RFCs say 3; every router must agree).',
    default: 'global vrrp_down_timer_adverts (3)',
  })),
  alwaysPrinted(k.flag('lower_prio_no_advert', 'lowerPrioNoAdvert', {
    tag: 'RARE',
    doc: 'As MASTER, do not answer a lower-priority advert with an advert of our own (RFC behaviour).',
    default: 'global vrrp_lower_prio_no_advert (off; on in strict mode)',
  })),
  alwaysPrinted(k.flag('higher_prio_send_advert', 'higherPrioSendAdvert', {
    tag: 'RARE',
    doc: 'As MASTER, send one advert when a higher-priority advert arrives before stepping down.',
    default: 'global vrrp_higher_prio_send_advert (off)',
  })),
];
