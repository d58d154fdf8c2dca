package dev.trellis.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a lab needs from the machine, for callers that skip (tests) or refuse (benchmarks) when it
 * is missing: root, {@code /dev/net/tun}, tools on the {@code PATH}.
 *
 * <p>Thread-safety: stateless.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Whether this JVM runs as root. */
  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Whether {@code /dev/net/tun} exists. */
  public static boolean tun() {
    return Files.exists(Path.of("/dev/net/tun"));
  }

  /** Whether {@code tool} is an executable on the {@code PATH}. */
  public static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** The first of {@code tools} missing from the {@code PATH}, if any. */
  public static Optional<String> missingTool(String... tools) {
    for (String t : tools) {
      if (!onPath(t)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
