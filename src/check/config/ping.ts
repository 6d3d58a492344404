/**
 * `PING_CHECK { … }`: an ICMP / ICMPv6 echo over a datagram ("ping") socket;
 * success is the echo reply within connect_timeout (check_ping.c). keepalived
 * may widen /proc/sys/net/ipv4/ping_group_range so that it can open such a
 * socket; that is the daemon's business, not the compiler's. Only the shared
 * options apply (connect_port and bind_port are accepted and have no effect).
 */
import { defineBlock } from '../../config/schema/define.js';
import { COMMON_DEFAULTS, connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker } from './checker-common.js';

export interface PingCheck extends ConnectedChecker {
  type: 'PING_CHECK';
}

const doc = 'Checks that the server answers an ICMP echo request.';

export const pingCheck: CheckerSpec<PingCheck> = {
  name: 'PING_CHECK',
  tag: 'COMMON',
  doc,
  options: 'connection',
  defaults: COMMON_DEFAULTS,
  block: defineBlock<PingCheck>({
    name: 'PING_CHECK',
    doc,
    keywords: connectionKeywords(),
    create: () => ({ type: 'PING_CHECK', effective: emptyConnectedEffective() }),
  }),
};
