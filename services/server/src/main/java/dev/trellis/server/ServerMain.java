package dev.trellis.server;

import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.FlagSet;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.service.Logging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code trellis-server}: parses flags and environment, starts the {@link Server}, prints where it
 * listens, and stops it cleanly on SIGTERM/SIGINT. Bad configuration is one clear line and exit
 * code 2; a failed start is one clear line and exit code 1; never a bare stack trace.
 *
 * <p>Thread-safety: the main thread only (and the JVM's shutdown hook).
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    if (FlagSet.helpRequested(args)) {
      System.out.print(Settings.flagSet("trellis-server", ServiceFlags.ALL).usage());
      return 0;
    }
    Settings settings;
    try {
      settings = Settings.parse("trellis-server", args, env, ServiceFlags.ALL);
      createDefaultStateDir(settings, args, env);
    } catch (ConfigException e) {
      System.err.println("trellis-server: " + e.getMessage());
      return 2;
    }
    Logging.use(settings.logFormat());
    Server server;
    try {
      server = Server.start(settings);
    } catch (ConfigException e) {
      System.err.println("trellis-server: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("trellis-server: failed to start: " + describe(e));
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  System.out.println("Trellis server stopped.");
                  System.out.flush();
                },
                "trellis-shutdown"));
    System.out.print(summary(settings, server));
    System.out.flush();
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * The default state directory (used when neither {@code --state-dir} nor TRELLIS_STATE_DIR is
   * given) is created on first use with mode 0700; an explicitly named directory must exist.
   */
  private static void createDefaultStateDir(
      Settings settings, String[] args, Map<String, String> env) {
    boolean explicit =
        env.containsKey("TRELLIS_STATE_DIR")
            || Arrays.stream(args)
                .anyMatch(a -> a.equals("--state-dir") || a.startsWith("--state-dir="));
    Path dir = settings.stateDir();
    if (explicit || Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new ConfigException("--state-dir: cannot create " + dir.toAbsolutePath() + ": " + e, e);
    }
  }

  /**
   * What the process listens on, as bound (not as a client would dial it): an address of all
   * interfaces says so, so an operator sees at once what is exposed.
   */
  static String summary(Settings settings, Server server) {
    StringBuilder out = new StringBuilder();
    out.append("Trellis server (")
        .append(settings.service())
        .append(") listening on http://")
        .append(bound(settings.httpHost(), server.httpPort()))
        .append("  (Kafka ")
        .append(server.kafkaBootstrap())
        .append(settings.kafkaBootstrapServers().isEmpty() ? " embedded" : "")
        .append(", state in ")
        .append(settings.stateDir().toAbsolutePath())
        .append(")\n");
    int metrics = server.metricsPort();
    String metricsHost = settings.metricsListen().map(a -> a.host()).orElse("");
    out.append("  metrics  ")
        .append(metrics > 0 ? "http://" + bound(metricsHost, metrics) + "/metrics" : "not served")
        .append('\n');
    server
        .otherListeners()
        .forEach(
            (kind, address) -> {
              int colon = address.lastIndexOf(':');
              String[] parts = address.substring(0, colon).split(" ", 2);
              out.append("  ")
                  .append(String.format("%-8s ", kind))
                  .append(parts[0])
                  .append(' ')
                  .append(bound(parts[1], address.substring(colon + 1)))
                  .append('\n');
            });
    return out.toString();
  }

  /** {@code host:port}, marked when the host is every interface. */
  private static String bound(String host, int port) {
    return bound(host, Integer.toString(port));
  }

  /** {@code host:ports} (a port or a range), marked when the host is every interface. */
  private static String bound(String host, String port) {
    boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return h + ":" + port + (any ? " (all interfaces)" : "");
  }

  private static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    while (cause != null && cause != e) {
      if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
        out.append(": ").append(cause.getMessage());
      }
      e = cause;
      cause = cause.getCause();
    }
    return out.toString();
  }
}
