package dev.trellis.runtime.config;

/**
 * A configuration problem a human must fix: an unknown flag, a bad value, a missing state
 * directory. The message names the flag or environment variable and the problem, and is meant to be
 * printed as is (with the usage text) before the process exits.
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigException extends RuntimeException {
  /** A problem described by {@code message}. */
  public ConfigException(String message) {
    super(message);
  }

  /** A problem described by {@code message}, caused by {@code cause}. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
