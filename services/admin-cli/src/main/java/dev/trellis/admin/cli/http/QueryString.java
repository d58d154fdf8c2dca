package dev.trellis.admin.cli.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds a URL query string with every name and value percent-encoded as UTF-8.
 *
 * <p>Not thread-safe: build it on one thread.
 */
public final class QueryString {
  private final StringBuilder b = new StringBuilder();

  /** Appends {@code name=value}. */
  public QueryString add(String name, String value) {
    b.append(b.isEmpty() ? '?' : '&').append(encode(name)).append('=').append(encode(value));
    return this;
  }

  /** Appends {@code name=value} when {@code value} is not null. */
  public QueryString addIfPresent(String name, String value) {
    return value == null ? this : add(name, value);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The query including its leading {@code ?}, or empty when nothing was added. */
  @Override
  public String toString() {
    return b.toString();
  }
}
