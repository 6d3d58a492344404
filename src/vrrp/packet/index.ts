/**
 * Public surface of the VRRP packet codecs: advertisements (v2/v3, IPv4/IPv6), interval
 * units, IPv4/IPv6 header views, IPsec-AH, and the datagram builder/locator used by the
 * socket layer. Everything here is pure.
 */
export * from './inet.js';
export * from './interval.js';
export * from './advert.js';
export * from './ip-header.js';
export * from './ipsec-ah.js';
export * from './datagram.js';
