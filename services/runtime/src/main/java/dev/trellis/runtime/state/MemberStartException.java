package dev.trellis.runtime.state;

/**
 * The embedded Hazelcast member did not start or did not find its cluster in time. The message
 * names the cluster, the member list and the timeout.
 *
 * <p>Thread-safety: immutable.
 */
public final class MemberStartException extends RuntimeException {
  /** A failure described by {@code message}. */
  public MemberStartException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public MemberStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
