package dev.trellis.proto.relay;

/**
 * A relay frame (or the byte stream carrying it) is malformed: the connection that sent it must be
 * closed, since the stream can no longer be framed. The {@link Reason} is for drop counters.
 *
 * <p>Thread-safety: immutable.
 */
public final class FrameException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a frame was refused. */
  public enum Reason {
    /** The length field exceeds {@link Frames#MAX_PAYLOAD_BYTES}. */
    TOO_LARGE,
    /** A known frame type's payload has the wrong size or shape. */
    MALFORMED,
    /** A frame arrived that is not allowed at this point of the flow. */
    UNEXPECTED
  }

  private final Reason reason;

  /** A refusal for {@code reason}, explained by {@code message}. */
  public FrameException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the frame was refused. */
  public Reason reason() {
    return reason;
  }
}
