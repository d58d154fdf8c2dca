package dev.trellis.agent.cli.training;

import dev.trellis.agent.cli.AgentMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The workload of the {@code trellis} CLI's AOT training run ({@code bin/build-aot-cache}, which
 * the build runs after it packages the jar): starts a {@link TrainingDaemon} in a child JVM on a
 * socket in a private temporary directory and runs the real {@code trellis} commands against it
 * through {@link AgentMain}, so that the classes a CLI run loads and links, and only those, are in
 * the cache the launcher starts with. Exits 1, naming the command, when a command that should work
 * does not: a cache trained on failures would speed up the wrong path.
 *
 * <p>Thread-safety: a single-threaded program.
 */
public final class StartupTraining {
  /** Rounds of the command set: enough for the JIT's early profiles, short for the build. */
  private static final int ROUNDS = 3;

  private StartupTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("trellis-aot-training");
    Path socket = dir.resolve("trellisd.sock");
    List<String> failures = new ArrayList<>();
    Process daemon =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TrainingDaemon.class.getName(),
                socket.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader ready =
          new BufferedReader(
              new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
      if (!"ready".equals(ready.readLine())) {
        throw new IOException("the training daemon did not start");
      }
      PrintStream quiet =
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      String s = socket.toString();
      for (int round = 0; round < ROUNDS; round++) {
        expect(failures, 0, quiet, "trellis", "--socket", s, "status");
        expect(failures, 0, quiet, "trellis", "--socket=" + s, "status", "--json");
        expect(failures, 0, quiet, "trellis", "--socket", s, "ip");
        expect(failures, 0, quiet, "trellis", "--socket", s, "ip", "-4");
        expect(failures, 0, quiet, "trellis", "--socket", s, "down");
        expect(failures, 0, quiet, "trellis", "--socket", s, "netcheck");
        expect(failures, 0, quiet, "trellis", "--socket", s, "ping", "beta", "--c", "2");
        expect(
            failures,
            0,
            quiet,
            "trellis",
            "--socket",
            s,
            "up",
            "--login-server",
            "http://127.0.0.1:8080",
            "--auth-key",
            "trellis-auth-training",
            "--hostname",
            "alpha");
        expect(failures, 0, quiet, "trellis", "wg", "show", "--socket", s);
        // The failures users meet: no daemon, and a typo.
        expect(
            failures, 1, quiet, "trellis", "--socket", dir.resolve("none.sock").toString(), "ip");
        expect(failures, 2, quiet, "trellis", "--socket", s, "stauts");
      }
    } finally {
      daemon.getOutputStream().close(); // the daemon exits when its input closes
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    if (!failures.isEmpty()) {
      System.err.println("trellis AOT training: " + String.join("; ", failures));
      System.exit(1);
    }
  }

  private static void expect(List<String> failures, int code, PrintStream quiet, String... args) {
    int got = AgentMain.run(List.of(args), Map.of(), quiet, quiet);
    if (got != code) {
      failures.add("'" + String.join(" ", args) + "' exited " + got + ", expected " + code);
    }
  }
}
