package dev.trellis.kafka.embedded;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link BrokerMain}: where the broker keeps its log, which ports and interface
 * it listens on and the host name it advertises to clients. Each flag may also come from an
 * environment variable; a flag wins over its variable. Bad values throw {@link
 * IllegalArgumentException} naming the flag.
 *
 * <p>Thread-safety: immutable.
 *
 * @param dataDir the broker's log and metadata directory (created when missing)
 * @param port the client (PLAINTEXT) port
 * @param controllerPort the KRaft controller port (always on 127.0.0.1)
 * @param listenHost the interface the client listener binds to
 * @param advertisedHost the host name clients are told to connect to
 */
public record BrokerFlags(
    Path dataDir, int port, int controllerPort, String listenHost, String advertisedHost) {

  /** The usage text printed by {@code --help} and after a bad flag. */
  public static final String USAGE =
      """
      Usage: trellis-kafka [flags]   (a single-node Apache Kafka broker, KRaft mode)

        --data-dir DIR         log and metadata directory, created if missing  [env KAFKA_DATA_DIR; required]
        --port N               client port                                      [env KAFKA_PORT; default 9092]
        --controller-port N    KRaft controller port on 127.0.0.1               [env KAFKA_CONTROLLER_PORT; default 9093]
        --listen-host HOST     interface for the client port                   [env KAFKA_LISTEN_HOST; default 127.0.0.1]
        --advertised-host HOST host name given to clients                      [env KAFKA_ADVERTISED_HOST; default: the listen host, or 127.0.0.1 for 0.0.0.0]
        --help                 print this text
      """;

  private static final List<String> NAMES =
      List.of("--data-dir", "--port", "--controller-port", "--listen-host", "--advertised-host");

  /** Parses {@code args} over {@code env}. */
  public static BrokerFlags parse(String[] args, Map<String, String> env) {
    Map<String, String> v = new HashMap<>();
    putEnv(v, env, "--data-dir", "KAFKA_DATA_DIR");
    putEnv(v, env, "--port", "KAFKA_PORT");
    putEnv(v, env, "--controller-port", "KAFKA_CONTROLLER_PORT");
    putEnv(v, env, "--listen-host", "KAFKA_LISTEN_HOST");
    putEnv(v, env, "--advertised-host", "KAFKA_ADVERTISED_HOST");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown flag '" + a + "'");
      }
      String value;
      if (a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + ": missing value");
      }
      v.put(name, value);
    }
    String dir = v.get("--data-dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("--data-dir: required (or KAFKA_DATA_DIR)");
    }
    int port = port(v.getOrDefault("--port", "9092"), "--port");
    int controller = port(v.getOrDefault("--controller-port", "9093"), "--controller-port");
    if (port == controller) {
      throw new IllegalArgumentException(
          "--controller-port: must differ from --port (both " + port + ")");
    }
    String listen = host(v.getOrDefault("--listen-host", "127.0.0.1"), "--listen-host");
    String advertised =
        host(
            v.getOrDefault("--advertised-host", "0.0.0.0".equals(listen) ? "127.0.0.1" : listen),
            "--advertised-host");
    if ("0.0.0.0".equals(advertised)) {
      throw new IllegalArgumentException(
          "--advertised-host: 0.0.0.0 cannot be connected to; name this host");
    }
    return new BrokerFlags(Path.of(dir), port, controller, listen, advertised);
  }

  /** Whether {@code args} ask for the usage text. */
  public static boolean helpRequested(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  /** Broker properties that replace the embedded defaults' loopback-only client listener. */
  public Map<String, String> listenerProperties() {
    return Map.of(
        "listeners",
        "PLAINTEXT://" + listenHost + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners",
        "PLAINTEXT://" + advertisedHost + ":" + port);
  }

  private static void putEnv(Map<String, String> v, Map<String, String> env, String f, String e) {
    String value = env.get(e);
    if (value != null && !value.isBlank()) {
      v.put(f, value.strip());
    }
  }

  private static int port(String text, String flag) {
    try {
      int p = Integer.parseInt(text.strip());
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(flag + ": port out of range 1-65535: " + text);
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a port number: '" + text + "'", e);
    }
  }

  private static String host(String text, String flag) {
    String h = text.strip();
    if (h.isEmpty() || !h.matches("[A-Za-z0-9.:_-]+")) {
      throw new IllegalArgumentException(flag + ": not a host name or address: '" + text + "'");
    }
    return h;
  }
}
