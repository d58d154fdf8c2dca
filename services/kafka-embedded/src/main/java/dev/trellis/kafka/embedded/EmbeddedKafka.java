package dev.trellis.kafka.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Apache Kafka broker in this JVM: KRaft mode, combined broker and controller (node 1,
 * static single-voter quorum), listeners on 127.0.0.1 only, data in a given directory. Built from
 * Kafka's own server artifacts: formats the storage with {@link Formatter} on first use, then
 * starts {@link KafkaRaftServer}. Settings favour a small footprint (2 MiB cleaner dedupe buffer,
 * few threads, 5 offsets partitions, replication factor 1 everywhere); topics are not auto-created.
 *
 * <p>Thread-safety: {@link #start()} and {@link #close()} are synchronized; one instance runs at
 * most once (create a new instance to restart on the same directory).
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final int NODE_ID = 1;

  private final EmbeddedKafkaOptions options;
  private KafkaRaftServer server; // guarded by this
  private int port; // guarded by this
  private boolean started; // guarded by this
  private Duration startTime = Duration.ZERO; // guarded by this

  public EmbeddedKafka(EmbeddedKafkaOptions options) {
    this.options = options;
  }

  /**
   * Formats the data directory if it is new and starts the broker.
   *
   * @return the bootstrap address, {@code 127.0.0.1:<port>}
   * @throws IllegalStateException naming the data directory if it is missing, not a directory or
   *     not writable, or if the broker fails to start
   */
  public synchronized String start() {
    if (started) {
      throw new IllegalStateException("EmbeddedKafka already started; create a new one to restart");
    }
    started = true;
    long t0 = System.nanoTime();
    Path dir = checkDataDir(options.dataDir());
    int clientPort = options.clientPort() == 0 ? freePort() : options.clientPort();
    int controllerPort = options.controllerPort() == 0 ? freePort() : options.controllerPort();
    Map<String, Object> props = brokerProperties(dir, clientPort, controllerPort);
    try {
      if (!Files.exists(dir.resolve("meta.properties"))) {
        format(dir);
      }
      KafkaConfig config = new KafkaConfig(props, false);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      awaitListening(clientPort, Duration.ofSeconds(30));
    } catch (Exception e) {
      closeQuietly();
      throw new IllegalStateException(
          "Embedded Kafka failed to start on 127.0.0.1:" + clientPort + " with data in " + dir, e);
    }
    port = clientPort;
    startTime = Duration.ofNanos(System.nanoTime() - t0);
    LOG.info(
        "Embedded Kafka listening on {}:{} (controller {}), data in {}, started in {} ms",
        LOOPBACK,
        port,
        controllerPort,
        dir,
        startTime.toMillis());
    return bootstrapServers();
  }

  /** The bootstrap address; valid after {@link #start()}. */
  public synchronized String bootstrapServers() {
    if (port == 0) {
      throw new IllegalStateException("EmbeddedKafka not started");
    }
    return LOOPBACK + ":" + port;
  }

  /** The client port; valid after {@link #start()}. */
  public synchronized int port() {
    return port;
  }

  /** How long {@link #start()} took (formatting included). */
  public synchronized Duration startTime() {
    return startTime;
  }

  /** Shuts the broker down cleanly (flushing its logs) and waits for it. Idempotent. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    long t0 = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info(
        "Embedded Kafka on port {} stopped in {} ms", port, (System.nanoTime() - t0) / 1_000_000);
  }

  private void closeQuietly() {
    if (server != null) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException e) {
        LOG.warn("Embedded Kafka shutdown after failed start: {}", e.toString());
      }
      server = null;
    }
  }

  private static Path checkDataDir(Path dir) {
    Path abs = dir.toAbsolutePath();
    if (!Files.exists(abs)) {
      throw new IllegalStateException("Kafka data directory " + abs + " does not exist");
    }
    if (!Files.isDirectory(abs)) {
      throw new IllegalStateException("Kafka data directory " + abs + " is not a directory");
    }
    try {
      Path probe = Files.createTempFile(abs, ".write-probe", ".tmp");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException(
          "Kafka data directory " + abs + " is not writable: " + e.getMessage(), e);
    }
    return abs;
  }

  private Map<String, Object> brokerProperties(Path dir, int clientPort, int controllerPort) {
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + LOOPBACK
            + ":"
            + clientPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // One node: a restart after a crash waits out the previous incarnation's lease (9 s by
    // default). 5 s with ten heartbeats per lease keeps that short without fencing a broker whose
    // heartbeats are late on a busy two-core machine (2 s did fence it, seen here).
    p.put("broker.session.timeout.ms", "5000");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.replica.fetchers", "1");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.putAll(options.brokerProperties());
    return p;
  }

  private static void format(Path dir) throws Exception {
    LOG.info("Formatting new Kafka storage in {}", dir);
    new Formatter()
        .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setNodeId(NODE_ID)
        .setClusterId(randomClusterId())
        .setDirectories(List.of(dir.toString()))
        .setMetadataLogDirectory(dir.toString())
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setControllerListenerName("CONTROLLER")
        .setIgnoreFormatted(true)
        .run();
  }

  private static String randomClusterId() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  private static void awaitListening(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, port), 500);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "broker not listening on port " + port + " after " + timeout);
        }
        Thread.sleep(20);
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + options.dataDir() + "]";
  }
}
