package dev.trellis.admin.cli.training;

import dev.trellis.admin.cli.AdminMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The workload of {@code trellis-admin}'s AOT training run ({@code bin/build-aot-cache}, which the
 * build runs after it packages the jar): starts a {@link TrainingApi} in a child JVM and runs the
 * real commands against it through {@link AdminMain}, so that the classes a CLI run loads and links
 * (argument parsing, the HTTP client, Jackson, the tables), and only those, are in the cache the
 * launcher starts with. Exits 1, naming the command, when a command fails: a cache trained on
 * failures would speed up the wrong path.
 *
 * <p>Thread-safety: a single-threaded program.
 */
public final class StartupTraining {
  /** Rounds of the command set: enough for the JIT's early profiles, short for the build. */
  private static final int ROUNDS = 3;

  private StartupTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Process api =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TrainingApi.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> failures = new ArrayList<>();
    try {
      String ready =
          new BufferedReader(new InputStreamReader(api.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (ready == null || !ready.startsWith("ready ")) {
        throw new IOException("the training API server did not start");
      }
      Map<String, String> env =
          Map.of(
              "TRELLIS_SERVER",
              "http://127.0.0.1:" + ready.substring(6),
              "TRELLIS_TOKEN",
              "trellis-api-training");
      PrintStream quiet =
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      for (int round = 0; round < ROUNDS; round++) {
        expect(failures, 0, env, quiet, "nodes", "list");
        expect(failures, 0, env, quiet, "--json", "nodes", "list", "--tailnet", "default");
        expect(failures, 0, env, quiet, "nodes", "show", "n1");
        expect(failures, 0, env, quiet, "routes", "list");
        expect(failures, 0, env, quiet, "tailnet", "list");
        expect(failures, 0, env, quiet, "users", "list");
        expect(failures, 0, env, quiet, "authkeys", "list");
        expect(failures, 0, env, quiet, "tokens", "list");
        expect(failures, 0, env, quiet, "policy", "get");
        expect(failures, 0, env, quiet, "audit", "--tailnet", "default", "--since", "1h");
        expect(failures, 0, env, quiet, "--help");
        expect(failures, 2, env, quiet, "nodes", "lst");
      }
    } finally {
      api.getOutputStream().close(); // the server exits when its input closes
      if (!api.waitFor(10, TimeUnit.SECONDS)) {
        api.destroyForcibly();
      }
    }
    if (!failures.isEmpty()) {
      System.err.println("trellis-admin AOT training: " + String.join("; ", failures));
      System.exit(1);
    }
  }

  private static void expect(
      List<String> failures, int code, Map<String, String> env, PrintStream quiet, String... args) {
    int got = AdminMain.run(args, env, quiet, quiet);
    if (got != code) {
      failures.add("'" + String.join(" ", args) + "' exited " + got + ", expected " + code);
    }
  }
}
