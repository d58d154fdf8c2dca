package dev.trellis.agent.cli;

import java.util.List;

/**
 * The arguments of {@code trellis ping}, as ping users type them: {@code -c N PEER}, {@code PEER -c
 * N}, {@code -cN}, {@code -c=N}, and the older {@code --c N} and {@code --count N}. The count is 1
 * to 100 (default 4); exactly one peer.
 *
 * @param peer the peer's name, address or node key
 * @param count how many pings to send
 */
record PingArgs(String peer, int count) {
  static final int DEFAULT_COUNT = 4;
  static final int MAX_COUNT = 100;

  /** Parses the words after {@code ping}; anything else is a {@link UsageError} naming it. */
  static PingArgs parse(List<String> args) throws UsageError {
    String peer = null;
    String count = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = null;
      String value = null;
      for (String f : List.of("--count", "--c", "-c")) {
        if (a.equals(f)) {
          flag = f;
          if (i + 1 >= args.size()) {
            throw new UsageError("trellis ping: " + f + " needs a number");
          }
          value = args.get(++i);
          break;
        }
        if (a.startsWith(f + "=")) {
          flag = f;
          value = a.substring(f.length() + 1);
          break;
        }
      }
      if (flag == null && a.startsWith("-c") && a.length() > 2 && !a.startsWith("--")) {
        flag = "-c";
        value = a.substring(2);
      }
      if (flag != null) {
        count = value;
      } else if (a.startsWith("-")) {
        throw new UsageError("trellis ping: unknown flag " + a);
      } else if (peer != null) {
        throw new UsageError("trellis ping: one peer only, got '" + peer + "' and '" + a + "'");
      } else {
        peer = a;
      }
    }
    if (peer == null) {
      throw new UsageError("usage: trellis ping [-c N] PEER");
    }
    return new PingArgs(peer, count == null ? DEFAULT_COUNT : parseCount(count));
  }

  private static int parseCount(String v) throws UsageError {
    try {
      int n = Integer.parseInt(v);
      if (n < 1 || n > MAX_COUNT) {
        throw new UsageError("trellis ping: -c must be between 1 and " + MAX_COUNT + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageError("trellis ping: -c must be a number, got '" + v + "'");
    }
  }
}
