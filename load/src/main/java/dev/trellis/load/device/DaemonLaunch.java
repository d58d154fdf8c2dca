package dev.trellis.load.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a benchmark starts {@code trellisd}: a name, the command up to the daemon's own flags, and
 * the environment added to it. {@code launcher} is the repository's {@code bin/trellisd} as
 * shipped; {@code before} is the launch line the launcher had before the footprint work ({@code
 * java -XX:+UseSerialGC -Xmx256m -jar trellis-agent.jar trellisd}), with the jar of another
 * checkout when one is given (the code before, too); {@code NAME=SPEC} is {@code java} with the JVM
 * flags in SPEC (space-separated; words of the form {@code VAR=value} before the first flag go to
 * the environment, e.g. {@code MALLOC_ARENA_MAX=2 -Xmx64m}).
 *
 * @param name the label in the benchmark's table
 * @param command the command, ending with the program word {@code trellisd}
 * @param env environment variables added to the benchmark's own
 *     <p>Thread-safety: immutable.
 */
record DaemonLaunch(String name, List<String> command, Map<String, String> env) {
  DaemonLaunch {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }

  /**
   * Parses one {@code --daemons} entry; {@code compare} (or null) is the checkout whose jar {@code
   * before} runs.
   */
  static DaemonLaunch parse(String spec, Path repo, Path compare) throws IOException {
    Path jar = repo.resolve("agent/target/trellis-agent.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    switch (spec) {
      case "launcher" -> {
        return new DaemonLaunch(
            "launcher", List.of(repo.resolve("bin/trellisd").toString()), Map.of());
      }
      case "before" -> {
        if (compare != null) {
          jar = compare.resolve("agent/target/trellis-agent.jar");
        }
        requireJar(jar);
        return new DaemonLaunch(
            "before",
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "trellisd"),
            Map.of());
      }
      default -> {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "daemon launch '" + spec + "': expected launcher, before or NAME=JVM-FLAGS");
        }
        requireJar(jar);
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        Map<String, String> env = new LinkedHashMap<>();
        for (String word : spec.substring(eq + 1).trim().split("\\s+")) {
          if (word.isEmpty()) {
            continue;
          }
          int v = word.indexOf('=');
          if (!word.startsWith("-") && v > 0 && cmd.size() == 2) {
            env.put(word.substring(0, v), word.substring(v + 1));
          } else {
            cmd.add(word);
          }
        }
        cmd.addAll(List.of("-jar", jar.toString(), "trellisd"));
        return new DaemonLaunch(spec.substring(0, eq), cmd, env);
      }
    }
  }

  private static void requireJar(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no " + jar + " (build the agent first)");
    }
  }
}
