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
    System.out.println(
        "Trellis server ("
            + settings.service()
            + ") listening on http://"
            + displayHost(settings.httpHost())
            + ":"
            + server.httpPort()
            + "  (Kafka "
            + server.kafkaBootstrap()
            + ", state in "
            + settings.stateDir().toAbsolutePath()
            + ")");
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

  private static String displayHost(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
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
