package dev.trellis.proto.stun;

/**
 * Why a datagram is not a STUN message Trellis acts on; each is a counter label ({@code stun_<name
 * in lower case>}) at the relay.
 */
public enum StunRefusal {
  /** Shorter than a header, or the length field disagrees with the datagram. */
  TRUNCATED,
  /** No magic cookie, or the top bits of the type are set: not (modern) STUN. */
  NOT_STUN,
  /** STUN, but neither a binding request nor a binding success response. */
  NOT_BINDING,
  /** An attribute runs past the end of the message. */
  BAD_ATTRIBUTE,
  /** A FINGERPRINT that is wrong, of the wrong size, or not last. */
  BAD_FINGERPRINT,
  /** A binding success response without a usable XOR-MAPPED-ADDRESS or MAPPED-ADDRESS. */
  NO_MAPPED_ADDRESS
}
