/**
 * Per-instance VRRP counters, named and printed as keepalived names and prints them.
 *
 * The field names are keepalived's own (include/vrrp.h `vrrp_stats`), because operators
 * know them from its SNMP MIBs and USR2 dump, and because the receive guards name their drop
 * reasons after the counter each drop increments. Two counters are ours and have no
 * keepalived equivalent (keepalived logs these drops but counts nothing):
 * `unknown_unicast_src` and `ah_not_vrrp`.
 *
 * `formatStatsBlock` reproduces the text keepalived writes to /tmp/keepalived.stats on
 * SIGUSR2 (vrrp_print.c vrrp_print_stats, 2.2.7, built with VRRP auth), line for line.
 *
 * One difference in counting: keepalived never increments `advert_interval_err` (its
 * VRRPv2 interval check drops the advert uncounted), so its USR2 dump always shows 0 there;
 * we count those drops, which is what the counter's name and the RFC 3768 §7.1 "MAY
 * indicate via network management that a misconfiguration was detected" suggest.
 */

export interface VrrpStats {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
  /** SNMP (RFC 2787/6527) protocol error counters. */
  chk_err: number;
  vers_err: number;
  vrid_err: number;
  /** Ours: a unicast advert from an address that is not a unicast_peer (check_unicast_src). */
  unknown_unicast_src: number;
  /** Ours: an AH header protecting something other than VRRP. */
  ah_not_vrrp: number;
}

export type VrrpStatName = keyof VrrpStats;

export function newVrrpStats(): VrrpStats {
  return {
    advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0,
    packet_len_err: 0, advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0,
    invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0,
    pri_zero_rcvd: 0, pri_zero_sent: 0,
    chk_err: 0, vers_err: 0, vrid_err: 0,
    unknown_unicast_src: 0, ah_not_vrrp: 0,
  };
}

/** Why a received advert was dropped (or flagged); each is also the counter it increments. */
export type DropReason =
  | 'packet_len_err'
  | 'ip_ttl_err'
  | 'vers_err'
  | 'invalid_type_rcvd'
  | 'chk_err'
  | 'vrid_err'
  | 'invalid_authtype'
  | 'authtype_mismatch'
  | 'auth_failure'
  | 'advert_interval_err'
  | 'addr_list_err'
  | 'unknown_unicast_src'
  | 'ah_not_vrrp';

/** What each reason means and where keepalived reports it. */
export const DROP_REASONS: Readonly<Record<DropReason, { readonly label: string; readonly keepalivedReports: string }>> = {
  packet_len_err: { label: 'packet length', keepalivedReports: 'USR2 "Packet Errors: Length"' },
  ip_ttl_err: { label: 'IP TTL / hop limit', keepalivedReports: 'USR2 "Packet Errors: TTL"' },
  vers_err: { label: 'VRRP version', keepalivedReports: 'SNMP vrrpStatsProtocolErrors (vers_err)' },
  invalid_type_rcvd: { label: 'packet type', keepalivedReports: 'USR2 "Packet Errors: Invalid Type"' },
  chk_err: { label: 'checksum', keepalivedReports: 'SNMP vrrpRouterChecksumErrors (chk_err)' },
  vrid_err: { label: 'virtual router id', keepalivedReports: 'SNMP vrrpRouterVrIdErrors (vrid_err, never incremented by keepalived)' },
  invalid_authtype: { label: 'authentication type', keepalivedReports: 'USR2 "Authentication Errors: Invalid Type"' },
  authtype_mismatch: { label: 'authentication type mismatch', keepalivedReports: 'USR2 "Authentication Errors: Type Mismatch"' },
  auth_failure: { label: 'authentication failure', keepalivedReports: 'USR2 "Authentication Errors: Failure"' },
  advert_interval_err: { label: 'advertisement interval', keepalivedReports: 'USR2 "Packet Errors: Advertisement Interval" (never incremented by keepalived)' },
  addr_list_err: { label: 'address list', keepalivedReports: 'USR2 "Packet Errors: Address List"' },
  unknown_unicast_src: { label: 'unicast source not a peer', keepalivedReports: 'log only' },
  ah_not_vrrp: { label: 'AH not carrying VRRP', keepalivedReports: 'nothing (silently ignored)' },
};

/** keepalived's USR2 stats text for one instance (vrrp_print.c), newline terminated. */
export function formatStatsBlock(instanceName: string, s: VrrpStats): string {
  return [
    `VRRP Instance: ${instanceName}`,
    '  Advertisements:',
    `    Received: ${s.advert_rcvd}`,
    `    Sent: ${s.advert_sent}`,
    `  Became master: ${s.become_master}`,
    `  Released master: ${s.release_master}`,
    '  Packet Errors:',
    `    Length: ${s.packet_len_err}`,
    `    TTL: ${s.ip_ttl_err}`,
    `    Invalid Type: ${s.invalid_type_rcvd}`,
    `    Advertisement Interval: ${s.advert_interval_err}`,
    `    Address List: ${s.addr_list_err}`,
    '  Authentication Errors:',
    `    Invalid Type: ${s.invalid_authtype}`,
    `    Type Mismatch: ${s.authtype_mismatch}`,
    `    Failure: ${s.auth_failure}`,
    '  Priority Zero:',
    `    Received: ${s.pri_zero_rcvd}`,
    `    Sent: ${s.pri_zero_sent}`,
    '',
  ].join('\n');
}
