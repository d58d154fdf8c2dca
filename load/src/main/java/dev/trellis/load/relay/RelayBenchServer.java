package dev.trellis.load.relay;

import com.google.protobuf.ByteString;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.key.RelayPrivateKey;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.relay.auth.NodeAuthorizer;
import dev.trellis.relay.config.QueueLimits;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.relay.forward.Forwarder;
import dev.trellis.relay.forward.QueueBudget;
import dev.trellis.relay.forward.RelayMetrics;
import dev.trellis.relay.server.RelayListener;
import dev.trellis.relay.server.Sessions;
import dev.trellis.relay.tls.RelayCertificate;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.http.ConnectionGuard;
import dev.trellis.runtime.http.ListenerLimits;
import dev.trellis.runtime.state.EmbeddedMember;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One relay instance for {@link RelayBench}, in its own JVM so its memory can be measured: a
 * standalone Hazelcast member holding N node records (the key registry's maps), the relay's TLS
 * listeners (one per core) with a fresh self-signed certificate, no mesh. Prints {@code READY port
 * pin}, then answers {@code stats} on stdin with {@code STATS heap rss connections packets drops
 * cpuNanos} (after a GC) and exits on {@code quit} or end of input.
 *
 * <p>Thread-safety: main thread plus the relay's event loops.
 */
public final class RelayBenchServer {
  private RelayBenchServer() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_100;
    Path state = Files.createTempDirectory("relay-bench");
    Settings settings =
        Settings.parse(
            new String[] {
              "--state-dir",
              state.toString(),
              "--hazelcast-port",
              String.valueOf(freePort()),
              "--hazelcast-interface",
              "127.0.0.1",
              "--hazelcast-cluster",
              "relay-bench-" + ProcessHandle.current().pid()
            },
            Map.of());
    HazelcastInstance hz = EmbeddedMember.start(settings);
    register(hz, nodes);
    Vertx vertx = Vertx.vertx();
    Clock clock = Clock.systemUTC();
    var metrics = new RelayMetrics(new SimpleMeterRegistry(), "bench");
    var forwarder = new Forwarder(metrics);
    var options = RelayOptions.forTests(1, "bench").withQueueLimits(new QueueLimits(4L << 20, 0));
    var sessions =
        new Sessions(
            options,
            RelayPrivateKey.generate(),
            new NodeAuthorizer(vertx, hz, clock),
            forwarder,
            metrics,
            ServiceCredentials.open(hz, clock),
            clock,
            // Every simulated client dials from this host: no per-source limit here.
            new ConnectionGuard(
                vertx,
                "relay",
                new ListenerLimits(
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(75),
                    Duration.ofSeconds(10),
                    0),
                new SimpleMeterRegistry()),
            null, // the TLS relay's benchmark: no UDP relay
            new QueueBudget(options.queueLimits().budgetBytes()));
    var cert = RelayCertificate.generate("localhost", List.of("127.0.0.1"));
    int port = freePort();
    int listeners = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < listeners; i++) {
      vertx.deployVerticle(new RelayListener(sessions, cert, port)).await();
    }
    System.out.println("READY " + port + " " + cert.spkiSha256());
    System.out.flush();
    var in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      if (line.equals("stats")) {
        System.gc();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.println(
            "STATS "
                + (rt.totalMemory() - rt.freeMemory())
                + " "
                + rss()
                + " "
                + metrics.connections()
                + " "
                + metrics.packets("local")
                + " "
                + metrics.drops("queue_full")
                + " "
                + ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime());
        System.out.flush();
      }
    }
    vertx.close().await();
    hz.shutdown();
    System.exit(0);
  }

  private static void register(HazelcastInstance hz, int n) {
    var nodes = hz.<String, byte[]>getMap(StateMaps.NODES);
    var keys = hz.<String, String>getMap(StateMaps.NODE_KEYS);
    Map<String, byte[]> batch = new HashMap<>();
    Map<String, String> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] pub = BenchKeys.key(i).publicKey().toBytes();
      String id = "bench-" + i;
      batch.put(
          id,
          NodeRecord.newBuilder()
              .setNodeId(id)
              .setTailnetId("bench-tailnet")
              .setNodeKey(ByteString.copyFrom(pub))
              .setName(id)
              .setApproved(true)
              .build()
              .toByteArray());
      index.put(HexFormat.of().formatHex(pub), id);
      if (batch.size() == 1000 || i == n - 1) {
        nodes.putAll(batch);
        keys.putAll(index);
        batch.clear();
        index.clear();
      }
    }
  }

  private static long rss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return -1;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
