package dev.trellis.agent.filter;

/** Why the packet filter dropped an inbound packet; each reason has its own counter. */
public enum DropReason {
  /** Shorter than its IP header, or than the transport header the filter needs. */
  TRUNCATED,
  /** Not IPv4 or IPv6, or with inconsistent header lengths or too many IPv6 extension headers. */
  MALFORMED,
  /** A non-first IP fragment: it has no transport header to check, so it is not let in. */
  FRAGMENT,
  /** No rule allows it and it is not return traffic of a flow this node opened. */
  NO_RULE
}
