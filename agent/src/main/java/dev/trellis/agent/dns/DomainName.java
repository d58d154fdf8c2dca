package dev.trellis.agent.dns;

import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Turns domain names from the netmap ({@code nas.example.trellis.internal.}, {@code corp.test})
 * into absolute, lower-case dnsjava {@link Name}s, or {@code null} when the text is not a usable
 * host name: empty, the root, longer than DNS allows, or with characters outside letters, digits,
 * hyphens and underscores. The control plane validates names before they reach a device; this check
 * keeps a device from trusting that.
 *
 * <p>Thread-safety: stateless.
 */
public final class DomainName {
  private DomainName() {}

  /** The absolute lower-case name of {@code text} (trailing dot optional), or null. */
  public static Name parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 253) {
      return null;
    }
    for (String label : t.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || !hostLabel(label)) {
        return null;
      }
    }
    try {
      return Name.fromString(t + ".");
    } catch (TextParseException e) {
      return null;
    }
  }

  private static boolean hostLabel(String label) {
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code name} without the trailing dot, in lower case. */
  public static String text(Name name) {
    return name.toString(true).toLowerCase(Locale.ROOT);
  }
}
