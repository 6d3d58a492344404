/**
 * What keepalived-ts acts on today, block by block.
 *
 * Every keyword of keepalived 2.2.7 is accepted and checked by the tables;
 * this list says which of them a running subsystem actually acts on. `-t`
 * lists each use of any other keyword as "recognised, not supported yet", the
 * daemon logs them in one line, and docs/configuration.md marks them. A
 * subsystem that starts acting on a keyword adds it here, in the same change,
 * with a test showing it; a keyword table may also say `support: 'supported'`
 * itself.
 *
 * Left out on purpose (accepted, not acted on yet): SMTP alerts, SNMP/DBus,
 * LVS/IPVS and the checkers, BFD, auth_hmac (2.4+), ipvlan and per-VIP VMACs,
 * route encapsulation, linkbeat polling, track_group, track_bfd,
 * track_src_ip, timer_expired_backup, owner_ignore_adverts, the iptables
 * backend, vrrp_delay_after_boot, reload scheduling files.
 */
import type { KeywordInfo } from './schema/types.js';

const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  // The parent process (supervisor) and the VRRP child.
  'keepalived.conf': [
    'global_defs', 'net_namespace', 'instance', 'use_pid_dir', 'child_wait_time',
    'vrrp_script', 'track_file', 'vrrp_track_process', 'vrrp_sync_group', 'vrrp_instance',
    'static_ipaddress', 'static_routes', 'static_rules', 'interface_up_down_delays', 'garp_group',
  ],
  global_defs: [
    'router_id',
    // scripts, FIFOs, process tuning (supervisor, script runner, notify)
    'script_user', 'enable_script_security', 'startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout',
    'notify_fifo', 'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'vrrp_notify_priority_changes', 'fifo_write_vrrp_states_on_reload',
    'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'bfd_process_name',
    'vrrp_priority', 'vrrp_no_swap', 'vrrp_rt_priority', 'vrrp_cpu_affinity', 'vrrp_rlimit_rttime',
    'checker_priority', 'checker_no_swap', 'checker_rt_priority', 'checker_cpu_affinity', 'checker_rlimit_rttime',
    'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime',
    'max_auto_priority', 'min_auto_priority_delay',
    // configuration handling and dumps
    'reload_check_config', 'include_check', 'random_seed', 'umask', 'data_use_instance', 'json_version',
    'state_dump_file', 'stats_dump_file', 'json_dump_file', 'iproute_usr_dir', 'iproute_etc_dir',
    // VRRP protocol defaults, GARP/NA, firewall
    'vrrp_version', 'vrrp_strict', 'vrrp_skip_check_adv_addr', 'vrrp_startup_delay', 'vrrp_mcast_group4', 'vrrp_mcast_group6',
    'vrrp_check_unicast_src', 'v3_checksum_as_v2', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert',
    'vrrp_down_timer_adverts', 'log_unknown_vrids', 'default_interface', 'dynamic_interfaces',
    'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat',
    'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_garp_interval', 'vrrp_gna_interval',
    'vrrp_min_garp', 'vrrp_garp_extra_if', 'vmac_prefix', 'nftables', 'nftables_priority', 'nftables_counters',
    // socket receive buffers of the VRRP child (netlink, proc connector, VRRP receive sockets)
    'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force',
    'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force', 'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier',
  ],
  vrrp_script: ['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail'],
  track_file: ['file', 'weight', 'init_file'],
  vrrp_track_process: ['process', 'param_match', 'weight', 'quorum', 'quorum_max', 'delay', 'terminate_delay', 'fork_delay', 'full_command'],
  vrrp_sync_group: [
    'group', 'track_interface', 'track_script', 'track_file', 'track_process',
    'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify', 'notify_priority_changes', 'sync_group_tracking_weight',
  ],
  vrrp_instance: [
    'state', 'virtual_router_id', 'priority', 'advert_int', 'nopreempt', 'preempt', 'preempt_delay', 'native_ipv6',
    'interface', 'use_vmac', 'vmac_xmit_base', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'virtual_routes', 'virtual_rules',
    'no_virtual_ipaddress', 'mcast_src_ip', 'unicast_src_ip', 'mcast_dst_ip', 'unicast_peer', 'unicast_fault_no_peer',
    'check_unicast_src', 'unicast_ttl', 'v3_checksum_as_v2', 'authentication',
    'track_interface', 'track_script', 'track_file', 'track_process',
    'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify', 'notify_deleted', 'notify_master_rx_lower_pri',
    'version', 'strict_mode', 'accept', 'no_accept', 'skip_check_adv_addr', 'dont_track_primary', 'kernel_rx_buf_size',
    'notify_priority_changes', 'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat',
    'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'garp_extra_if', 'down_timer_adverts', 'lower_prio_no_advert', 'higher_prio_send_advert',
    'promote_secondaries', 'old_unicast_checksum',
  ],
  authentication: ['auth_type', 'auth_pass'],
  garp_group: ['garp_interval', 'gna_interval', 'interface', 'interfaces'],
};

const SUPPORTED_SETS = new Map(Object.entries(SUPPORTED).map(([block, names]) => [block, new Set(names)]));

/** Whether the daemon acts on `kw` inside the block named `blockName`. */
export function isSupported(blockName: string, kw: KeywordInfo): boolean {
  return kw.support === 'supported' || (SUPPORTED_SETS.get(blockName)?.has(kw.name) ?? false);
}

/** For tests: every (block, keyword) the list names. */
export function supportedEntries(): [string, string][] {
  return Object.entries(SUPPORTED).flatMap(([block, names]) => names.map((n): [string, string] => [block, n]));
}
