package dev.trellis.proto.channel;

/**
 * A control-channel record or handshake message was refused. The {@link Reason} says why, for
 * counters; the message says it for people. Either way the channel must be closed: its cipher state
 * can no longer be trusted.
 *
 * <p>Thread-safety: immutable.
 */
public final class ChannelException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a handshake message or record was refused. */
  public enum Reason {
    /** A handshake message had the wrong size or did not authenticate. */
    HANDSHAKE_FAILED,
    /** A record was larger than {@link ControlChannel#MAX_RECORD_BYTES}. */
    TOO_LARGE,
    /** A record did not decrypt (tampered, replayed, reordered, truncated or not a record). */
    DECRYPT_FAILED,
    /** A record decrypted but its plaintext is not a valid protobuf message. */
    MALFORMED,
    /** The per-direction counter reached its limit; the channel must be re-established. */
    COUNTER_EXHAUSTED,
    /** The cipher was used after an earlier failure. */
    BROKEN
  }

  private final Reason reason;

  /** A refusal for {@code reason}, explained by {@code message}. */
  public ChannelException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A refusal for {@code reason}, explained by {@code message}, caused by {@code cause}. */
  public ChannelException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the record or message was refused. */
  public Reason reason() {
    return reason;
  }
}
