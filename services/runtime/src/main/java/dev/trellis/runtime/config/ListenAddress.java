package dev.trellis.runtime.config;

import java.util.Optional;

/**
 * Where a listener binds: {@code host:port} ({@code [v6]:port} for IPv6; port 0 picks a free one),
 * as {@code --metrics-listen} gives it, or {@code off}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host the interface address (without brackets)
 * @param port the port, 0 to 65535
 */
public record ListenAddress(String host, int port) {
  /** The flag value that turns a listener off. */
  public static final String OFF = "off";

  /** Validates the parts. */
  public ListenAddress {
    if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("'" + host + "' is not a host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(port + " is not a port number (0-65535)");
    }
  }

  /** The address in {@code text}, or empty for {@code off}; the message names what is wrong. */
  public static Optional<ListenAddress> parse(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase(OFF)) {
      return Optional.empty();
    }
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || (t.indexOf(':') != colon && !t.startsWith("["))) {
      throw new IllegalArgumentException(
          "'" + t + "' is not host:port (IPv6 in brackets, e.g. [::1]:9464) or off");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return Optional.of(new ListenAddress(host, Integer.parseInt(t.substring(colon + 1))));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + t + "' has a bad port");
    }
  }

  /** The text form, {@code host:port} ({@code [v6]:port}). */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
