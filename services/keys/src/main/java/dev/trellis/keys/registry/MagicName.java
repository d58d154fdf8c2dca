package dev.trellis.keys.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * MagicDNS names of nodes: one DNS label ({@code [a-z0-9]([a-z0-9-]*[a-z0-9])?}, at most 63
 * characters) derived from a device's hostname, with a numeric suffix to make it unique in the
 * tailnet: the first device is {@code laptop}, the next ones {@code laptop-1}, {@code laptop-2},
 * ... (as Tailscale names them), the lowest free one each time.
 *
 * <p>Thread-safety: stateless.
 */
public final class MagicName {
  /** The longest DNS label. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private MagicName() {}

  /**
   * The base name for a hostname: lower case, the first label only, characters outside {@code
   * [a-z0-9-]} replaced by {@code -}, runs of {@code -} collapsed, trimmed; {@code node} when
   * nothing is left.
   */
  public static String base(String hostname) {
    String h = hostname == null ? "" : hostname.toLowerCase(Locale.ROOT);
    int dot = h.indexOf('.');
    if (dot >= 0) {
      h = h.substring(0, dot);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < h.length() && out.length() < MAX_LENGTH; i++) {
      char c = h.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (ok) {
        out.append(c);
      } else if (!out.isEmpty() && out.charAt(out.length() - 1) != '-') {
        out.append('-');
      }
    }
    while (!out.isEmpty() && out.charAt(out.length() - 1) == '-') {
      out.setLength(out.length() - 1);
    }
    return out.isEmpty() ? "node" : out.toString();
  }

  /** The {@code n}-th candidate for a base: the base itself for 0, else {@code base-n}. */
  public static String candidate(String base, int n) {
    if (n <= 0) {
      return base;
    }
    String suffix = "-" + n;
    String head =
        base.length() + suffix.length() > MAX_LENGTH
            ? base.substring(0, MAX_LENGTH - suffix.length())
            : base;
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return (head.isEmpty() ? "node" : head) + suffix;
  }

  /** Whether {@code name} is a valid MagicDNS name. */
  public static boolean valid(String name) {
    return name != null && LABEL.matcher(name).matches();
  }
}
