package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.model.PortRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses port lists: {@code *}, a single port, a range {@code a-b}, or a comma list of those.
 *
 * <p>Thread-safety: stateless.
 */
final class PortParser {
  private PortParser() {}

  static List<PortRange> parse(String text) {
    if (text.equals("*")) {
      return List.of(PortRange.ALL);
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("missing ports");
    }
    List<PortRange> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int dash = part.indexOf('-');
      int first = port(dash < 0 ? part : part.substring(0, dash), text);
      int last = dash < 0 ? first : port(part.substring(dash + 1), text);
      if (first > last) {
        throw new IllegalArgumentException("port range '" + part + "' runs backwards");
      }
      out.add(new PortRange(first, last));
    }
    return out;
  }

  private static int port(String s, String whole) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("malformed ports '" + whole + "'");
    }
    int p = Integer.parseInt(s);
    if (p > 65535) {
      throw new IllegalArgumentException("port " + p + " is above 65535");
    }
    return p;
  }
}
