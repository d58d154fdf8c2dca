package dev.trellis.load.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of {@code load/run SCENARIO}, checked. Servers: {@code --server URL} (repeat it for
 * more coordinators; devices are spread over them) with {@code --token}/{@code --token-file} (or
 * TRELLIS_TOKEN) and optionally {@code --server-pid P} (repeat, for resource figures); or, without
 * {@code --server}, {@code --server-command "java ... -jar trellis-server.jar"} and {@code
 * --coordinators 1|2} to start fresh ones. The token is never printed.
 *
 * <p>Thread-safety: immutable.
 *
 * @param scenario join, churn, policy, ephemeral or reconnect
 * @param servers coordinator base URLs (empty: start servers)
 * @param serverPids their PIDs for resource figures (may be empty)
 * @param token admin token (empty when servers are started here)
 * @param serverCommand the command that runs the server (when starting them)
 * @param coordinators coordinators to start
 * @param devices simulated devices
 * @param durationSeconds churn window
 * @param rate churn changes per second
 * @param burst ephemeral devices in the burst
 * @param policyChanges policy changes in the policy scenario
 * @param segments segments of the tailnet ({@link Segments}; 1: open, everyone sees everyone)
 * @param sample devices checked against a fresh full netmap during the run
 * @param concurrency registrations in flight
 * @param eventLoops Vert.x event loops for the devices
 * @param timeLimitSeconds hard limit for the whole run
 * @param serverMetrics each given server's metrics listener ({@code --server-metrics URL}, in the
 *     order of {@code --server}); a server without one is read at port 9464 of its host
 */
record LoadOptions(
    String scenario,
    List<String> servers,
    List<Long> serverPids,
    String token,
    List<String> serverCommand,
    int coordinators,
    int devices,
    int durationSeconds,
    int rate,
    int burst,
    int policyChanges,
    int segments,
    int sample,
    int concurrency,
    int eventLoops,
    int timeLimitSeconds,
    List<String> serverMetrics) {

  static final List<String> SCENARIOS =
      List.of("join", "churn", "policy", "ephemeral", "reconnect");

  static final String USAGE =
      "usage: load/run join|churn|policy|ephemeral|reconnect [--devices N (default 1000)] [--duration 60s]"
          + " [--rate CHANGES_PER_S (default 50)] [--burst B (default 1000)] [--policy-changes K"
          + " (default 5)] [--segments S (default 1: all see all)] [--coordinators 1|2] [--sample S (default 20)] [--concurrency C]"
          + " [--event-loops L] [--time-limit SECONDS] [--server URL ... --token T|--token-file F"
          + " [--server-pid P ...] [--server-metrics URL ...]]";

  @Override
  public String toString() {
    return "LoadOptions["
        + scenario
        + ", devices="
        + devices
        + ", segments="
        + segments
        + ", token=<redacted>]";
  }

  static LoadOptions parse(String[] args) {
    if (args.length == 0 || !SCENARIOS.contains(args[0])) {
      throw new IllegalArgumentException(
          "the first argument must be a scenario: " + String.join(", ", SCENARIOS));
    }
    String scenario = args[0];
    List<String> servers = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    String token = env("TRELLIS_TOKEN", "");
    List<String> command = List.of();
    int coordinators = 1;
    int devices = 1000;
    int duration = 60;
    int rate = 50;
    int burst = 1000;
    int policyChanges = 5;
    int segments = 1;
    int sample = 20;
    int concurrency = 32;
    int loops = 2;
    int limit = 1800;
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--server" -> servers.add(v);
        case "--server-pid" -> pids.add((long) number(flag, v, 1, Integer.MAX_VALUE));
        case "--server-metrics" -> metrics.add(v);
        case "--token" -> token = v;
        case "--token-file" -> token = read(v);
        case "--server-command" -> command = List.of(v.trim().split("\\s+"));
        case "--coordinators" -> coordinators = number(flag, v, 1, 2);
        case "--devices" -> devices = number(flag, v, 2, 10_000);
        case "--duration" -> duration = seconds(flag, v);
        case "--rate" -> rate = number(flag, v, 1, 10_000);
        case "--burst" -> burst = number(flag, v, 1, 10_000);
        case "--policy-changes" -> policyChanges = number(flag, v, 1, 100);
        case "--segments" -> segments = number(flag, v, 1, 5_000);
        case "--sample" -> sample = number(flag, v, 0, 10_000);
        case "--concurrency" -> concurrency = number(flag, v, 1, 1_000);
        case "--event-loops" -> loops = number(flag, v, 1, 64);
        case "--time-limit" -> limit = seconds(flag, v);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    for (String s : servers) {
      if (!s.startsWith("http://")) {
        throw new IllegalArgumentException("--server must be an http:// URL, got " + s);
      }
    }
    if (!servers.isEmpty() && token.isEmpty()) {
      throw new IllegalArgumentException(
          "with --server an admin token is needed: --token, --token-file or TRELLIS_TOKEN");
    }
    if (segments > 1 && devices / segments < 2) {
      throw new IllegalArgumentException(
          "--segments " + segments + " leaves fewer than 2 of the " + devices + " devices in each");
    }
    if (servers.isEmpty() && command.isEmpty()) {
      throw new IllegalArgumentException("give --server URL or --server-command to start one");
    }
    return new LoadOptions(
        scenario,
        List.copyOf(servers),
        List.copyOf(pids),
        token,
        command,
        servers.isEmpty() ? coordinators : servers.size(),
        devices,
        duration,
        rate,
        burst,
        policyChanges,
        segments,
        sample,
        concurrency,
        loops,
        limit,
        List.copyOf(metrics));
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--token-file: cannot read " + file);
    }
  }

  /** "60", "60s", "2m" as seconds. */
  private static int seconds(String flag, String v) {
    String s = v.strip();
    int mult = 1;
    if (s.endsWith("m")) {
      mult = 60;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("s")) {
      s = s.substring(0, s.length() - 1);
    }
    return number(flag, s, 1, 86_400 / mult) * mult;
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
