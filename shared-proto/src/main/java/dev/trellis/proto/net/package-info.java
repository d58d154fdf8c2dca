/**
 * IP addresses and prefixes, one implementation for every module: {@link
 * dev.trellis.proto.net.IpLiteral} parses numeric addresses without DNS and writes their canonical
 * text (RFC 5952 for IPv6); {@link dev.trellis.proto.net.IpPrefix} is the one prefix type (the
 * agent's allowed IPs, routes and packet filter, the policy engine's hosts and rules), with an
 * allocation-free {@code contains} over primitive longs for the packet filter's hot path.
 */
package dev.trellis.proto.net;
