package dev.trellis.runtime.config;

/**
 * A host name or IP literal with a port, as given in {@code --kafka-bootstrap} or {@code
 * --hazelcast-members}. IPv6 literals are written in brackets: {@code [fd00::1]:5701}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host the host name or IP literal (without brackets)
 * @param port the port, 1 to 65535
 */
public record HostPort(String host, int port) {
  /** Validates the parts. */
  public HostPort {
    if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("'" + host + "' is not a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(port + " is not a port number (1-65535)");
    }
  }

  /**
   * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; throws {@link
   * IllegalArgumentException} with a message naming the bad text.
   */
  public static HostPort parse(String text, int defaultPort) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an entry of the list is empty");
    }
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "' has an unclosed '['");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        port = rest.substring(1);
      }
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "'" + text + "' is ambiguous: write IPv6 addresses in brackets, e.g. [fd00::1]:5701");
      }
      host = colon < 0 ? text : text.substring(0, colon);
      port = colon < 0 ? null : text.substring(colon + 1);
    }
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has a bad port '" + port + "'");
      }
    }
    try {
      return new HostPort(host, p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
    }
  }

  /** {@code host:port}, with brackets around IPv6 literals. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
