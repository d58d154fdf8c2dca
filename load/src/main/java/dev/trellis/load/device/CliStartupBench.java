package dev.trellis.load.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start-up of the command-line tools as a user runs them: wall time and CPU time (user + system,
 * the launcher script and the JVM together) of {@code bin/trellis status} against a running, joined
 * daemon with three peers, and of {@code bin/trellis-admin nodes list} against a running all-in-one
 * server with those four nodes. Each is run {@code --runs} times for each way of starting it,
 * interleaved: this checkout's launchers with their AOT cache, the same with {@code TRELLIS_AOT=0}
 * (no cache), and, with {@code --compare DIR}, the launchers of another checkout whose jars are
 * built (e.g. the commit before a change). Prints the median, 90th percentile and minimum wall time
 * and the mean CPU time per run, and the load average before and after. Needs root (the daemons run
 * in network namespaces).
 *
 * <p>Usage: {@code CliStartupBench --repo DIR [--compare DIR] [--runs 20]}
 *
 * <p>Thread-safety: a single-threaded program.
 */
public final class CliStartupBench {
  /** One way of starting the tools: a checkout's bin/ and environment added to the run. */
  record Mode(String name, Path repo, Map<String, String> env) {}

  private CliStartupBench() {}

  public static void main(String[] args) throws Exception {
    Path repo = null;
    Path compare = null;
    int runs = 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath();
        case "--compare" -> compare = Path.of(args[++i]).toAbsolutePath();
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> usage("unknown flag " + args[i]);
      }
    }
    if (repo == null) {
      usage("--repo DIR is required");
    }
    List<Mode> modes = new ArrayList<>();
    if (compare != null) {
      for (String jar :
          List.of(
              "agent/target/trellis-agent.jar", "services/admin-cli/target/trellis-admin.jar")) {
        if (!Files.isRegularFile(compare.resolve(jar))) {
          // Its launchers would build the jar inside that checkout: refuse instead.
          usage("--compare " + compare + " has no " + jar + " (build it there first)");
        }
      }
      modes.add(new Mode("compare", compare, Map.of()));
    }
    modes.add(new Mode("no cache", repo, Map.of("TRELLIS_AOT", "0")));
    modes.add(new Mode("AOT cache", repo, Map.of()));

    try (DeviceLab lab = new DeviceLab()) {
      System.err.println("cli-startup: starting the server and four joined daemons ...");
      LabServer server = LabServer.start(lab, repo);
      String key = server.authKey();
      DaemonLaunch launch = DaemonLaunch.parse("launcher", repo, null);
      List<LabDaemon> daemons = new ArrayList<>();
      for (String who : List.of("hub", "peer1", "peer2", "peer3")) {
        daemons.add(LabDaemon.start(lab, launch, who));
      }
      for (LabDaemon d : daemons) {
        d.up(repo, server.loginServer, key);
      }
      LabDaemon hub = daemons.getFirst();
      hub.await("three peers", s -> "Running".equals(s.state()) && s.peers().size() == 3, 60);

      Map<String, List<String>> commands = new LinkedHashMap<>();
      commands.put(
          "trellis status", List.of("bin/trellis", "--socket", hub.socket.toString(), "status"));
      commands.put("trellis-admin nodes list", List.of("bin/trellis-admin", "nodes", "list"));
      Map<String, String> adminEnv =
          Map.of("TRELLIS_SERVER", server.adminUrl, "TRELLIS_TOKEN", server.token());

      String loadBefore = loadAverage();
      Map<String, List<double[]>> samples = new LinkedHashMap<>();
      for (int run = -2; run < runs; run++) { // two warm-up rounds fill the page cache
        for (Mode mode : modes) {
          for (var c : commands.entrySet()) {
            double[] s = once(lab, mode, c.getValue(), adminEnv);
            if (run >= 0) {
              samples
                  .computeIfAbsent(c.getKey() + "|" + mode.name(), k -> new ArrayList<>())
                  .add(s);
            }
          }
        }
      }
      String loadAfter = loadAverage();
      System.out.printf(
          Locale.ROOT,
          "%n%-26s %-10s %10s %10s %10s %10s%n",
          "command",
          "launch",
          "wall p50",
          "wall p90",
          "wall min",
          "CPU mean");
      for (var e : samples.entrySet()) {
        String[] k = e.getKey().split("\\|");
        List<double[]> s = e.getValue();
        double[] wall = s.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double cpu = s.stream().mapToDouble(x -> x[1]).average().orElse(Double.NaN);
        System.out.printf(
            Locale.ROOT,
            "%-26s %-10s %7.0f ms %7.0f ms %7.0f ms %7.0f ms%n",
            k[0],
            k[1],
            wall[(wall.length - 1) / 2],
            wall[(int) Math.ceil(wall.length * 0.9) - 1],
            wall[0],
            cpu);
      }
      System.out.println(
          "runs per row: "
              + runs
              + "; load average before: "
              + loadBefore
              + ", after: "
              + loadAfter);
    }
  }

  /** One run: {wall ms, CPU ms}; throws when the command fails. */
  private static double[] once(DeviceLab lab, Mode mode, List<String> cmd, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(cmd);
    full.set(0, mode.repo().resolve(cmd.get(0)).toString());
    ProcessBuilder b = new ProcessBuilder(full);
    b.environment().putAll(env);
    b.environment().remove("TRELLIS_AOT");
    b.environment().putAll(mode.env());
    Path err = lab.dir.resolve("cli.err");
    b.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
    long cpu0 = ChildCpu.nanos();
    long t0 = System.nanoTime();
    Process p = b.start();
    int code = p.waitFor();
    long wall = System.nanoTime() - t0;
    long cpu = ChildCpu.nanos() - cpu0;
    if (code != 0) {
      throw new IOException(
          String.join(" ", full)
              + " exited "
              + code
              + ": "
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new double[] {wall / 1e6, cpu / 1e6};
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void usage(String why) {
    System.err.println("cli-startup: " + why);
    System.err.println("usage: CliStartupBench --repo DIR [--compare DIR] [--runs 20]");
    System.exit(2);
  }
}
