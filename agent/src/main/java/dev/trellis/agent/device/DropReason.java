package dev.trellis.agent.device;

/** Why a device dropped a packet; each reason has its own counter in {@link DeviceCounters}. */
public enum DropReason {
  /** A datagram too short, of an unknown type, or with a wrong length for its type. */
  BAD_PACKET,
  /** A transport packet whose receiver index names no session. */
  UNKNOWN_INDEX,
  /** A transport packet that failed authentication (wrong key or tampered). */
  WRONG_KEY,
  /** A transport packet whose counter was seen before or is too old for the replay window. */
  REPLAY,
  /** A session too old or used too often to send or receive on (reject-after limits). */
  KEY_EXPIRED,
  /** A decrypted packet that is not IPv4/IPv6 or whose length fields are inconsistent. */
  BAD_INNER_PACKET,
  /** A decrypted packet whose source address is outside the sending peer's allowed IPs. */
  SOURCE_NOT_ALLOWED,
  /** A decrypted packet the device's {@link TrafficFilter} refused (the node's ACL policy). */
  FILTERED,
  /** An outbound packet whose destination matches no peer's allowed IPs. */
  NO_ROUTE,
  /** An outbound packet for a peer with no known endpoint. */
  NO_ENDPOINT,
  /** An outbound packet larger than the device's buffers. */
  OVERSIZED,
  /** A packet dropped because the peer's staging queue (waiting for a handshake) was full. */
  STAGED_OVERFLOW,
  /** Staged packets discarded when a handshake attempt gave up. */
  HANDSHAKE_GAVE_UP,
  /** A handshake message dropped because the handshake queue was full. */
  HANDSHAKE_QUEUE_FULL,
  /** A handshake message with a wrong MAC1. */
  BAD_MAC1,
  /** A handshake message that failed to decrypt or named an unknown peer. */
  BAD_HANDSHAKE,
  /** An initiation whose timestamp is not newer than the last one from that peer. */
  HANDSHAKE_REPLAY,
  /** A handshake message over the per-source or per-peer rate limit. */
  RATE_LIMITED,
  /** A cookie reply that did not decrypt or matched no pending handshake. */
  BAD_COOKIE,
  /** The bind or TUN refused a write. */
  IO_ERROR
}
