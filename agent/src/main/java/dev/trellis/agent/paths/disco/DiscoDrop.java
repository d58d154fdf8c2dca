package dev.trellis.agent.paths.disco;

/** Why a disco packet was dropped; each reason has its own counter in {@link DiscoBox}. */
public enum DiscoDrop {
  /** Shorter than header and tag. */
  SHORT,
  /** The sender's disco key is not one of a current peer's. */
  UNKNOWN_SENDER,
  /** The box did not open (wrong key, tampered, or a low-order sender key). */
  BAD_BOX,
  /** The box opened but held no message this version understands (unknown type, short payload). */
  BAD_MESSAGE
}
