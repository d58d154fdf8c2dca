package dev.trellis.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every Trellis service process shares, parsed from flags and the environment. A
 * process with settings of its own declares extra {@link Flag}s and passes them to {@link
 * #parse(String, String[], Map, List)}; it reads them back from {@link #values()}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param service which service(s) this process runs ({@code all} for the all-in-one)
 * @param stateDir where the process keeps state on disk (checked with {@link StateDirectory})
 * @param httpHost the interface the HTTP server binds
 * @param httpPort the HTTP port (0 picks a free one)
 * @param httpMaxBodyBytes the largest request body accepted
 * @param kafkaBootstrap Kafka bootstrap servers; empty means "use an embedded broker"
 * @param hazelcastMembers the other Hazelcast members to join (TCP-IP); empty means alone
 * @param hazelcastPort the Hazelcast member port
 * @param hazelcastCluster the Hazelcast cluster name
 * @param hazelcastInterface the interface Hazelcast binds
 * @param hazelcastConfig a Hazelcast YAML or XML file that replaces the flag-built config
 * @param hazelcastJoinTimeout how long to wait for the member to start and join
 * @param hazelcastMinMembers the cluster size to wait for before the member counts as started
 * @param logFormat the log output format
 * @param shutdownTimeout how long a graceful stop may take in total
 * @param values every parsed value, including flags declared by the process
 */
public record Settings(
    String service,
    Path stateDir,
    String httpHost,
    int httpPort,
    long httpMaxBodyBytes,
    List<HostPort> kafkaBootstrap,
    List<HostPort> hazelcastMembers,
    int hazelcastPort,
    String hazelcastCluster,
    String hazelcastInterface,
    Optional<Path> hazelcastConfig,
    Duration hazelcastJoinTimeout,
    int hazelcastMinMembers,
    LogFormat logFormat,
    Duration shutdownTimeout,
    FlagValues values) {

  /** {@code --service}. */
  public static final Flag<String> SERVICE =
      Flag.of(
          "--service",
          "TRELLIS_SERVICE",
          ValueType.token(),
          "all",
          "Which service this process runs (all = every service in one process).");

  /** {@code --state-dir}. */
  public static final Flag<Path> STATE_DIR =
      Flag.of(
          "--state-dir",
          "TRELLIS_STATE_DIR",
          ValueType.path(),
          "trellis-state",
          "Directory for on-disk state; must exist and be writable.");

  /** {@code --http-host}. */
  public static final Flag<String> HTTP_HOST =
      Flag.of(
          "--http-host",
          "TRELLIS_HTTP_HOST",
          ValueType.token(),
          "0.0.0.0",
          "Interface the HTTP server listens on.");

  /** {@code --http-port}. */
  public static final Flag<Integer> HTTP_PORT =
      Flag.of(
          "--http-port",
          "TRELLIS_HTTP_PORT",
          ValueType.port(),
          "8080",
          "HTTP port for the API, the device channel, /healthz and /readyz (0 = any free port).");

  /** {@code --http-max-body}. */
  public static final Flag<Long> HTTP_MAX_BODY =
      Flag.of(
          "--http-max-body",
          "TRELLIS_HTTP_MAX_BODY",
          ValueType.bytes(1, 64L * 1024 * 1024),
          "1m",
          "Largest request body accepted; larger ones get 413.");

  /** {@code --metrics-listen}. */
  public static final Flag<String> METRICS_LISTEN =
      Flag.of(
          "--metrics-listen",
          "TRELLIS_METRICS_LISTEN",
          raw -> {
            ListenAddress.parse(raw);
            return raw.strip();
          },
          "127.0.0.1:9464",
          "Where Prometheus /metrics is served, host:port (0 = any free port) or off; never on the"
              + " API port.");

  /** {@code --http-header-timeout}. */
  public static final Flag<Duration> HTTP_HEADER_TIMEOUT =
      Flag.of(
          "--http-header-timeout",
          "TRELLIS_HTTP_HEADER_TIMEOUT",
          ValueType.duration(),
          "10s",
          "A new connection must send a request's headers within this, or it is closed.");

  /** {@code --http-body-timeout}. */
  public static final Flag<Duration> HTTP_BODY_TIMEOUT =
      Flag.of(
          "--http-body-timeout",
          "TRELLIS_HTTP_BODY_TIMEOUT",
          ValueType.duration(),
          "30s",
          "A request's body must arrive within this of its headers, or the connection is closed.");

  /** {@code --http-idle-timeout}. */
  public static final Flag<Duration> HTTP_IDLE_TIMEOUT =
      Flag.of(
          "--http-idle-timeout",
          "TRELLIS_HTTP_IDLE_TIMEOUT",
          ValueType.duration(),
          "75s",
          "A connection waiting for its next request, or a silent device channel, closes after"
              + " this.");

  /** {@code --handshake-timeout}. */
  public static final Flag<Duration> HANDSHAKE_TIMEOUT =
      Flag.of(
          "--handshake-timeout",
          "TRELLIS_HANDSHAKE_TIMEOUT",
          ValueType.duration(),
          "10s",
          "TLS, device-channel (Noise) and relay handshakes must complete within this.");

  /** {@code --max-connections-per-source}. */
  public static final Flag<Integer> MAX_CONNECTIONS_PER_SOURCE =
      Flag.of(
          "--max-connections-per-source",
          "TRELLIS_MAX_CONNECTIONS_PER_SOURCE",
          ValueType.integer(0, 1_000_000),
          "512",
          "Most open connections one address may hold on a listener (0 = no limit; devices behind"
              + " one NAT share an address).");

  /** {@code --kafka-bootstrap}. */
  public static final Flag<List<HostPort>> KAFKA_BOOTSTRAP =
      Flag.of(
          "--kafka-bootstrap",
          "TRELLIS_KAFKA_BOOTSTRAP",
          ValueType.hostPorts(9092),
          "",
          "Kafka bootstrap servers host:port,...; empty = embedded broker (all-in-one).");

  /** {@code --kafka-connect-timeout}. */
  public static final Flag<Duration> KAFKA_CONNECT_TIMEOUT =
      Flag.of(
          "--kafka-connect-timeout",
          "TRELLIS_KAFKA_CONNECT_TIMEOUT",
          ValueType.duration(),
          "5m",
          "How long to keep retrying an unreachable Kafka at start before exiting.");

  /** {@code --hazelcast-members}. */
  public static final Flag<List<HostPort>> HAZELCAST_MEMBERS =
      Flag.of(
          "--hazelcast-members",
          "TRELLIS_HAZELCAST_MEMBERS",
          ValueType.hostPorts(5701),
          "",
          "Other Hazelcast members host[:port],... (TCP-IP join); empty = standalone.");

  /** {@code --hazelcast-port}. */
  public static final Flag<Integer> HAZELCAST_PORT =
      Flag.of(
          "--hazelcast-port",
          "TRELLIS_HAZELCAST_PORT",
          ValueType.port(),
          "5701",
          "Port of the embedded Hazelcast member (0 = any free port).");

  /** {@code --hazelcast-cluster}. */
  public static final Flag<String> HAZELCAST_CLUSTER =
      Flag.of(
          "--hazelcast-cluster",
          "TRELLIS_HAZELCAST_CLUSTER",
          ValueType.token(),
          "trellis",
          "Hazelcast cluster name; members with another name never join.");

  /** {@code --hazelcast-interface}. */
  public static final Flag<String> HAZELCAST_INTERFACE =
      Flag.of(
          "--hazelcast-interface",
          "TRELLIS_HAZELCAST_INTERFACE",
          ValueType.token(),
          "127.0.0.1",
          "Address the Hazelcast member binds to and announces.");

  /** {@code --hazelcast-config}. */
  public static final Flag<String> HAZELCAST_CONFIG =
      Flag.of(
          "--hazelcast-config",
          "TRELLIS_HAZELCAST_CONFIG",
          raw -> raw.isEmpty() ? "" : ValueType.readableFile().parse(raw).toString(),
          "",
          "Hazelcast YAML (.yaml/.yml) or XML (.xml) file; replaces the --hazelcast-* flags.");

  /** {@code --hazelcast-join-timeout}. */
  public static final Flag<Duration> HAZELCAST_JOIN_TIMEOUT =
      Flag.of(
          "--hazelcast-join-timeout",
          "TRELLIS_HAZELCAST_JOIN_TIMEOUT",
          ValueType.duration(),
          "60s",
          "Give up starting the Hazelcast member after this long.");

  /** {@code --hazelcast-min-members}. */
  public static final Flag<Integer> HAZELCAST_MIN_MEMBERS =
      Flag.of(
          "--hazelcast-min-members",
          "TRELLIS_HAZELCAST_MIN_MEMBERS",
          ValueType.integer(1, 1000),
          "1",
          "Cluster size to wait for before the member counts as started.");

  /** {@code --log-format}. */
  public static final Flag<LogFormat> LOG_FORMAT =
      Flag.of(
          "--log-format",
          "TRELLIS_LOG_FORMAT",
          ValueType.oneOf(LogFormat.class),
          "text",
          "Log output: text or json.");

  /** {@code --shutdown-timeout}. */
  public static final Flag<Duration> SHUTDOWN_TIMEOUT =
      Flag.of(
          "--shutdown-timeout",
          "TRELLIS_SHUTDOWN_TIMEOUT",
          ValueType.duration(),
          "15s",
          "Longest a graceful shutdown may take before the process stops anyway.");

  /** Every flag declared here, in usage order. */
  public static final List<Flag<?>> FLAGS =
      List.of(
          SERVICE,
          STATE_DIR,
          HTTP_HOST,
          HTTP_PORT,
          HTTP_MAX_BODY,
          METRICS_LISTEN,
          HTTP_HEADER_TIMEOUT,
          HTTP_BODY_TIMEOUT,
          HTTP_IDLE_TIMEOUT,
          HANDSHAKE_TIMEOUT,
          MAX_CONNECTIONS_PER_SOURCE,
          KAFKA_BOOTSTRAP,
          KAFKA_CONNECT_TIMEOUT,
          HAZELCAST_MEMBERS,
          HAZELCAST_PORT,
          HAZELCAST_CLUSTER,
          HAZELCAST_INTERFACE,
          HAZELCAST_CONFIG,
          HAZELCAST_JOIN_TIMEOUT,
          HAZELCAST_MIN_MEMBERS,
          LOG_FORMAT,
          SHUTDOWN_TIMEOUT);

  /** Copies the lists. */
  public Settings {
    kafkaBootstrap = List.copyOf(kafkaBootstrap);
    hazelcastMembers = List.copyOf(hazelcastMembers);
  }

  /** The flag set of {@link #FLAGS} plus {@code extra}, for usage text and parsing. */
  public static FlagSet flagSet(String program, List<Flag<?>> extra) {
    List<Flag<?>> all = new ArrayList<>(FLAGS);
    all.addAll(extra);
    return FlagSet.of(program, all);
  }

  /** Parses the shared flags only. */
  public static Settings parse(String[] args, Map<String, String> env) {
    return parse("trellis", args, env, List.of());
  }

  /**
   * Parses the shared flags and {@code extra} ones from {@code args} and {@code env}.
   *
   * @throws ConfigException naming the flag or variable and the problem
   */
  public static Settings parse(
      String program, String[] args, Map<String, String> env, List<Flag<?>> extra) {
    FlagValues v = flagSet(program, extra).parse(args, env);
    String config = v.get(HAZELCAST_CONFIG);
    return new Settings(
        v.get(SERVICE),
        v.get(STATE_DIR),
        v.get(HTTP_HOST),
        v.get(HTTP_PORT),
        v.get(HTTP_MAX_BODY),
        v.get(KAFKA_BOOTSTRAP),
        v.get(HAZELCAST_MEMBERS),
        v.get(HAZELCAST_PORT),
        v.get(HAZELCAST_CLUSTER),
        v.get(HAZELCAST_INTERFACE),
        config.isEmpty() ? Optional.empty() : Optional.of(Path.of(config)),
        v.get(HAZELCAST_JOIN_TIMEOUT),
        v.get(HAZELCAST_MIN_MEMBERS),
        v.get(LOG_FORMAT),
        v.get(SHUTDOWN_TIMEOUT),
        v);
  }

  /** Where {@code /metrics} is served ({@code --metrics-listen}); empty when off. */
  public java.util.Optional<ListenAddress> metricsListen() {
    return ListenAddress.parse(values.get(METRICS_LISTEN));
  }

  /** The Kafka bootstrap list in the form Kafka clients take ({@code h1:p1,h2:p2}). */
  public String kafkaBootstrapServers() {
    return String.join(",", kafkaBootstrap.stream().map(HostPort::toString).toList());
  }
}
