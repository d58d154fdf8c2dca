package dev.trellis.agent.controlclient;

import java.net.URI;

/**
 * The addresses derived from a login server URL ({@code http://host:port[/prefix]} or {@code
 * https://...}): the key endpoint {@code GET <url>/control/v1/key} and the channel WebSocket {@code
 * ws(s)://host:port[/prefix]/control/v1/channel}.
 *
 * @param base the login server URL without a trailing slash
 *     <p>Thread-safety: immutable.
 */
public record ControlServerUrl(URI base) {
  public ControlServerUrl {
    String scheme = base.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || base.getHost() == null) {
      throw new IllegalArgumentException(
          "login server must be an http:// or https:// URL with a host, got '" + base + "'");
    }
    if (base.getQuery() != null || base.getFragment() != null) {
      throw new IllegalArgumentException("login server URL must not have a query or fragment");
    }
  }

  /** Parses and checks a login server URL. */
  public static ControlServerUrl parse(String text) {
    try {
      String s = text.strip();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return new ControlServerUrl(new URI(s));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("bad login server URL: " + e.getMessage(), e);
    }
  }

  /** {@code <url>/control/v1/key}. */
  public URI keyUri() {
    return URI.create(base + "/control/v1/key");
  }

  /** {@code ws(s)://.../control/v1/channel}. */
  public URI channelUri() {
    String ws = base.getScheme().equals("https") ? "wss" : "ws";
    return URI.create(
        ws + base.toString().substring(base.getScheme().length()) + "/control/v1/channel");
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
