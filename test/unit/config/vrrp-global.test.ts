import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GlobalDefs } from '../../../src/config/global/index.js';
import { vrrpDefaultsArea } from '../../../src/config/global/vrrp-defaults.js';
import { vrrpFirewallArea } from '../../../src/config/global/vrrp-firewall.js';
import { vrrpGarpArea } from '../../../src/config/global/vrrp-garp.js';
import { assertRoundTrip, compile, compileClean } from './vrrp-helpers.js';

/** The global_defs fields of the three VRRP areas (other areas are other tests' business). */
const KEYS = [...Object.keys(vrrpDefaultsArea.create()), ...Object.keys(vrrpGarpArea.create()), ...Object.keys(vrrpFirewallArea.create()), 'vrrpDelayAfterBootMs', 'vrrpIptables', 'vrrpIpsets', 'nftables', 'nftablesIpvs'];
function vrrpGlobals(g: GlobalDefs): Record<string, unknown> {
  return Object.fromEntries(KEYS.filter((k) => (g as unknown as Record<string, unknown>)[k] !== undefined).map((k) => [k, (g as unknown as Record<string, unknown>)[k]]));
}

const DEFAULTS = {
  vrrpVersion: 2,
  vrrpStrict: false,
  vrrpSkipCheckAdvAddr: false,
  vrrpStartupDelayMs: 0,
  vrrpMcastGroup4: '224.0.0.18',
  vrrpMcastGroup6: 'ff02::12',
  vrrpCheckUnicastSrc: false,
  v3ChecksumAsV2: false,
  vrrpLowerPrioNoAdvert: false,
  vrrpHigherPrioSendAdvert: false,
  vrrpDownTimerAdverts: 3,
  vrrpOwnerIgnoreAdverts: false,
  logUnknownVrids: false,
  defaultInterface: 'eth0',
  dynamicInterfaces: false,
  dynamicInterfacesAllowIfChanges: false,
  disableLocalIgmp: false,
  vrrpGarpMasterDelayMs: 5000,
  vrrpGarpMasterRepeat: 5,
  vrrpGarpMasterRefreshMs: 0,
  vrrpGarpMasterRefreshRepeat: 1,
  vrrpGarpLowerPrioDelayMs: 5000,
  vrrpGarpLowerPrioRepeat: 5,
  vrrpGarpIntervalMs: 0,
  vrrpGnaIntervalMs: 0,
  vrrpMinGarp: false,
  vrrpGarpExtraIf: { intervalMs: 0, allInterfaces: false },
  vmacPrefix: 'vrrp',
  vmacAddrPrefix: 'vrrp',
  nftablesPriority: -1,
  nftablesIfindex: false,
  nftablesCounters: false,
  nftablesIpvsPriority: -1,
  nftablesIpvsStartFwmark: 1000,
};

test('global_defs VRRP areas: keepalived defaults without global_defs', () => {
  const config = compileClean('');
  assert.deepEqual(vrrpGlobals(config.global), DEFAULTS);
});

test('global_defs VRRP areas: every keyword into the model', () => {
  const config = compileClean(`global_defs {
  vrrp_version 3
  vrrp_strict
  vrrp_skip_check_adv_addr
  vrrp_startup_delay 5.5
  vrrp_delay_after_boot 60
  vrrp_mcast_group4 239.1.2.3
  vrrp_mcast_group6 ff02::99
  vrrp_check_unicast_src
  v3_checksum_as_v2
  vrrp_lower_prio_no_advert
  vrrp_higher_prio_send_advert yes
  vrrp_down_timer_adverts 4
  vrrp_owner_ignore_adverts
  log_unknown_vrids
  default_interface bond0
  dynamic_interfaces allow_if_changes
  disable_local_igmp
  vrrp_garp_master_delay 10
  vrrp_garp_master_repeat 2
  vrrp_garp_master_refresh 60
  vrrp_garp_master_refresh_repeat 3
  vrrp_garp_lower_prio_delay 7
  vrrp_garp_interval 0.001
  vrrp_gna_interval 0.000002
  vrrp_garp_extra_if 100 all
  vmac_prefix vm
  nftables
  nftables_priority -5
  nftables_ifindex
  nftables_counters
  nftables_ipvs ipvs_tab
  nftables_ipvs_priority 3
  nftables_ipvs_start_fwmark 5000
}`);
  assert.deepEqual(vrrpGlobals(config.global), {
    ...DEFAULTS,
    vrrpVersion: 3,
    vrrpStrict: true,
    vrrpSkipCheckAdvAddr: true,
    vrrpStartupDelayMs: 5500,
    vrrpDelayAfterBootMs: 60000,
    vrrpMcastGroup4: '239.1.2.3',
    vrrpMcastGroup6: 'ff02::99',
    vrrpCheckUnicastSrc: true,
    v3ChecksumAsV2: true,
    vrrpLowerPrioNoAdvert: true,
    vrrpHigherPrioSendAdvert: true,
    vrrpDownTimerAdverts: 4,
    vrrpOwnerIgnoreAdverts: true,
    logUnknownVrids: true,
    defaultInterface: 'bond0',
    dynamicInterfaces: true,
    dynamicInterfacesAllowIfChanges: true,
    disableLocalIgmp: true,
    vrrpGarpMasterDelayMs: 10000,
    vrrpGarpMasterRepeat: 2,
    vrrpGarpMasterRefreshMs: 60000,
    vrrpGarpMasterRefreshRepeat: 3,
    vrrpGarpLowerPrioDelayMs: 7000,
    vrrpGarpLowerPrioRepeat: 2,
    vrrpGarpIntervalMs: 1,
    vrrpGnaIntervalMs: 0.002,
    vrrpGarpExtraIf: { intervalMs: 100000, allInterfaces: true },
    vmacPrefix: 'vm',
    vmacAddrPrefix: 'vm',
    nftables: 'keepalived',
    nftablesPriority: -5,
    nftablesIfindex: true,
    nftablesCounters: true,
    nftablesIpvs: 'ipvs_tab',
    nftablesIpvsPriority: 3,
    nftablesIpvsStartFwmark: 5000,
  });
});

test('global_defs: vrrp_min_garp sends one GARP unless repeat/delay are given', () => {
  const a = compileClean('global_defs {\n  vrrp_min_garp\n}');
  assert.deepEqual([a.global.vrrpGarpMasterRepeat, a.global.vrrpGarpMasterDelayMs, a.global.vrrpGarpLowerPrioRepeat], [1, 0, 1]);
  const b = compileClean('global_defs {\n  vrrp_min_garp\n  vrrp_garp_master_repeat 5\n}');
  assert.deepEqual([b.global.vrrpGarpMasterRepeat, b.global.vrrpGarpMasterDelayMs, b.global.vrrpGarpLowerPrioRepeat], [5, 0, 5]);
});

test('global_defs VRRP areas: problems', () => {
  const r = compile(`global_defs {
  vrrp_version 4
  vrrp_strict no
  vrrp_mcast_group4 10.0.0.1
  vrrp_mcast_group6 ff05::12
  vrrp_garp_extra_if all
  vrrp_garp_master_repeat 0
  vrrp_startup_delay 0
  dynamic_interfaces sometimes
  vrrp_iptables in out
  vrrp_ipsets averyveryveryveryverylongipsetname
  nftables one
  nftables two
  vrrp_vmac_garp_intvl 10
}`);
  assert.deepEqual(r.problems, [
    "t.conf:2:16: error: vrrp_version: number '4' outside range [2, 3]",
    "t.conf:3:15: error: vrrp_strict: 'vrrp_strict' takes no parameter",
    't.conf:4:21: error: vrrp_mcast_group4: vrrp_mcast_group4 [10.0.0.1] is not multicast',
    't.conf:5:21: warning: vrrp_mcast_group6: vrrp_mcast_group6 [ff05::12] should be link-local multicast.',
    't.conf:6:3: error: vrrp_garp_extra_if: vrrp_garp_extra_if specified without time',
    "t.conf:7:27: error: vrrp_garp_master_repeat: number '0' outside range [1, 4294967295]",
    "t.conf:8:22: error: vrrp_startup_delay: number '0' outside range [0.001, 4294.967295] seconds",
    "t.conf:9:22: error: dynamic_interfaces: Unknown dynamic_interfaces option 'sometimes' (expected allow_if_changes)",
    "t.conf:10:3: warning: vrrp_iptables: iptables not supported, using nftables instead. Please replace 'vrrp_iptables' and 'vrrp_ipsets' with 'nftables' config option",
    't.conf:11:15: error: vrrp_ipsets: ipset name averyveryveryveryverylongipsetname too long or empty (at most 30)',
    't.conf:13:3: error: nftables: nftables already specified',
    't.conf:14:3: warning: vrrp_vmac_garp_intvl: Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"',
  ]);
  assert.deepEqual(r.config.global.vrrpIptables, { inChain: 'in', outChain: 'out' });
  assert.equal(r.config.global.nftables, 'one');
  assertRoundTrip(r.config);
});

test('global_defs: vrrp_ipsets names are completed from the first one', () => {
  const config = compileClean('global_defs {\n  vrrp_ipsets ka ka6\n}');
  assert.deepEqual(config.global.vrrpIpsets, { address: 'ka', address6: 'ka6', addressIface6: 'ka_if6', igmp: 'ka_igmp', mld: 'ka_mld' });
});
