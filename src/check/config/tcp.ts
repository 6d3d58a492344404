/**
 * `TCP_CHECK { … }`: a non-blocking connect() to the real server (or
 * connect_ip/connect_port); success is the handshake completing within
 * connect_timeout (check_tcp.c). Only the shared options apply.
 */
import { defineBlock } from '../../config/schema/define.js';
import { COMMON_DEFAULTS, connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker } from './checker-common.js';

export interface TcpCheck extends ConnectedChecker {
  type: 'TCP_CHECK';
}

const doc = 'Checks that a TCP connection to the server can be opened.';

export const tcpCheck: CheckerSpec<TcpCheck> = {
  name: 'TCP_CHECK',
  tag: 'CORE',
  doc,
  options: 'connection',
  defaults: COMMON_DEFAULTS,
  block: defineBlock<TcpCheck>({
    name: 'TCP_CHECK',
    doc,
    keywords: connectionKeywords(),
    create: () => ({ type: 'TCP_CHECK', effective: emptyConnectedEffective() }),
  }),
};
