package dev.trellis.load.control;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The control bench's flags, checked: {@code --server URL} (or TRELLIS_SERVER), {@code --token T} /
 * {@code --token-file F} (or TRELLIS_TOKEN), {@code --devices N} (1..10000, default 1000), {@code
 * --concurrency C}, {@code --event-loops L}, {@code --server-pid P}, {@code --time-limit S}. The
 * token is never printed.
 *
 * <p>Thread-safety: immutable.
 *
 * @param server base URL of the server
 * @param token admin token
 * @param devices simulated devices
 * @param concurrency registrations in flight
 * @param eventLoops Vert.x event loops for the devices
 * @param serverPid pid of a local server for RSS, or 0
 * @param timeLimitSeconds hard limit for the whole run
 */
record BenchOptions(
    String server,
    String token,
    int devices,
    int concurrency,
    int eventLoops,
    long serverPid,
    int timeLimitSeconds) {

  static final String USAGE =
      "usage: control bench [--server URL] [--token T | --token-file F] [--devices N (1..10000,"
          + " default 1000)] [--concurrency C (default 32)] [--event-loops L (default 2)]"
          + " [--server-pid P] [--time-limit SECONDS (default 900)]";

  @Override
  public String toString() {
    return "BenchOptions[server=" + server + ", devices=" + devices + ", token=<redacted>]";
  }

  static BenchOptions parse(String[] args) {
    String server = env("TRELLIS_SERVER", "http://127.0.0.1:8080");
    String token = env("TRELLIS_TOKEN", "");
    int devices = 1000;
    int concurrency = 32;
    int loops = 2;
    long pid = 0;
    int limit = 900;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--server" -> server = v;
        case "--token" -> token = v;
        case "--token-file" -> {
          try {
            token = Files.readString(Path.of(v)).strip();
          } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--token-file: cannot read " + v);
          }
        }
        case "--devices" -> devices = number(flag, v, 1, 10_000);
        case "--concurrency" -> concurrency = number(flag, v, 1, 1_000);
        case "--event-loops" -> loops = number(flag, v, 1, 64);
        case "--server-pid" -> pid = number(flag, v, 1, Integer.MAX_VALUE);
        case "--time-limit" -> limit = number(flag, v, 10, 86_400);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (!server.startsWith("http://")) {
      throw new IllegalArgumentException("--server must be an http:// URL, got " + server);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException(
          "an admin token is needed: --token, --token-file or" + " TRELLIS_TOKEN");
    }
    return new BenchOptions(server, token, devices, concurrency, loops, pid, limit);
  }

  private static int number(String flag, String v, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(flag + " must be " + min + ".." + max + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got " + v);
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
