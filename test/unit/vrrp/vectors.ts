/**
 * Golden vectors: adverts captured from Debian's keepalived 2.2.7 on this machine by
 * scripts/capture-vrrp-vectors.sh (two network namespaces joined by a veth; keepalived on
 * 10.77.0.1 / fe80::ff:fe00:a, tcpdump on the peer 10.77.0.2). Each is the IP datagram as
 * captured (Ethernet header removed). The instance configurations are in that script;
 * the values each instance used are repeated next to its vectors.
 */

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export const KEEPALIVED_SOURCE = '10.77.0.1';
export const KEEPALIVED_SOURCE6 = 'fe80::ff:fe00:a';
export const PEER = '10.77.0.2';

/** PASS2: VRRPv2, vrid 11, priority 150, advert_int 1, auth PASS "secret12345" (8 used), VIPs .11 and .111. */
export const PASS2 = {
  ipId1: hex('45c0002c00010000ff70d0400a4d0001e0000012210b96020101c55e0a4d000b0a4d006f7365637265743132'),
  /** The priority-0 advert sent on SIGTERM (IP ID 3). */
  stopIpId3: hex('45c0002c00030000ff70d03e0a4d0001e0000012210b000201015b5f0a4d000b0a4d006f7365637265743132'),
};

/** AH2: VRRPv2, vrid 12, priority 150, advert_int 1, auth AH "ahsecret", VIP 10.77.0.12, multicast. */
export const AH2 = {
  seq1: hex('45c0004000010000ff33d0690a4d0001e0000012700400000a4d0001000000010799f8ae4b6df412047a6644210c960102013c980a4d000c0000000000000000'),
  seq2: hex('45c0004000020000ff33d0680a4d0001e0000012700400000a4d000100000002efcbf643aef9ab3752deff99210c960102013c980a4d000c0000000000000000'),
  /** Priority 0 on SIGTERM. */
  stopSeq3: hex('45c0004000030000ff33d0670a4d0001e0000012700400000a4d0001000000038a35888e14748af17dad08ef210c00010201d2980a4d000c0000000000000000'),
  /**
   * From scripts/check-vrrp-interop.sh: keepalived at priority 100 was BACKUP to our adverts
   * (AH sequence 1..8, from 10.77.0.2), then took over when they stopped: its first advert
   * continues the shared counter at 9.
   */
  takeoverSeq9: hex('45c0004000010000ff33d0690a4d0001e0000012700400000a4d000100000009663dcfe702b25bc626694fcf210c640102016e980a4d000c0000000000000000'),
};

/** AH2U: VRRPv2, vrid 15, priority 150, auth AH "uniAH", VIP 10.77.0.15, unicast 10.77.0.1 -> 10.77.0.2. */
export const AH2U = {
  seq1: hex('45c0004000010000ff33a62d0a4d00010a4d0002700400000a4d0001000000014c5e59ec4b9f7d75c45dcf48210f960102013c920a4d000f0000000000000000'),
  seq2: hex('45c0004000020000ff33a62c0a4d00010a4d0002700400000a4d000100000002ed198e1286d99f5685c5f010210f960102013c920a4d000f0000000000000000'),
  stopSeq3: hex('45c0004000030000ff33a62b0a4d00010a4d0002700400000a4d00010000000309edaa25f5dc5b356c96c64a210f00010201d2920a4d000f0000000000000000'),
};

/** V3V4: VRRPv3 IPv4, vrid 13, priority 160, advert_int 1 (100 cs), VIP 10.77.0.13, multicast. */
export const V3V4 = {
  ipId1: hex('45c0002000010000ff70d04c0a4d0001e0000012310da001006439560a4d000d'),
  stopIpId3: hex('45c0002000030000ff70d04a0a4d0001e0000012310d00010064d9560a4d000d'),
};

/** V3V4U: VRRPv3 IPv4, vrid 16, priority 100, advert_int 0.5 (50 cs), VIPs .16 and .116, unicast to 10.77.0.2. */
export const V3V4U = {
  ipId1: hex('45c0002400010000ff70a60c0a4d00010a4d000231106402003240800a4d00100a4d0074'),
  stopIpId8: hex('45c0002400080000ff70a6050a4d00010a4d0002311000020032a4800a4d00100a4d0074'),
};

/** V3V6: VRRPv3 IPv6, vrid 14, priority 200, advert_int 1, VIPs fe80::14 and fd77::14, to ff02::12. IPv6 header included. */
export const V3V6 = {
  advert: hex('6c02dece002870fffe80000000000000000000fffe00000aff020000000000000000000000000012310ec80200640d32fe800000000000000000000000000014fd770000000000000000000000000014'),
  stop: hex('6c02dece002870fffe80000000000000000000fffe00000aff020000000000000000000000000012310e00020064d532fe800000000000000000000000000014fd770000000000000000000000000014'),
};
