package dev.trellis.runtime.eventlog;

/**
 * Thrown (or used to fail a handler's future) for an event that can never be handled because its
 * bytes do not decode: not an {@code EventEnvelope}, or a payload that does not parse as its type.
 * The {@link EventLog} logs such an event with topic and offset and skips it instead of retrying,
 * so one bad record never stalls a partition.
 */
public final class UnreadableEventException extends RuntimeException {
  public UnreadableEventException(String message) {
    super(message);
  }

  public UnreadableEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
