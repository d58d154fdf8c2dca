package dev.trellis.load.control;

import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePublicKey;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The simulated devices' side of a load run: the coordinators (devices are spread over them by
 * index), the devices' event loops and WebSocket client, and the tailnet's reusable auth keys per
 * segment; connects one device, joins and streams batches of devices, adding their figures to the
 * table and their failures to the run's.
 *
 * <p>Thread-safety: {@link #connect} and {@link #keyFor} may be called from any thread; {@link
 * #join} and {@link #stream} from the scenario's thread.
 */
final class DeviceFleet implements AutoCloseable {
  /** One coordinator instance devices connect to. */
  record Coordinator(
      String url,
      String metricsUrl,
      String host,
      int port,
      MachinePublicKey controlKey,
      long pid) {}

  final List<Coordinator> coordinators;
  private final LoadOptions o;
  private final ServerApi api;
  private final String tailnet;
  private final Segments segments;
  private final NodeIds ids;
  private final Table table;
  private final Failures failures;
  private final Vertx vertx;
  private final WebSocketClient client;

  /** Reusable auth keys per segment: [0] plain, [1] ephemeral (created on first use). */
  private final String[][] keys; // guarded by this

  DeviceFleet(
      LoadOptions o,
      List<Coordinator> coordinators,
      ServerApi api,
      String tailnet,
      Segments segments,
      NodeIds ids,
      Table table,
      Failures failures) {
    this.o = o;
    this.coordinators = List.copyOf(coordinators);
    this.api = api;
    this.tailnet = tailnet;
    this.segments = segments;
    this.ids = ids;
    this.table = table;
    this.failures = failures;
    this.keys = new String[2][segments.count()];
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(o.eventLoops())
                // epoll when present (it is in the load jar), as the server has: the simulated
                // devices share the cores with the server, so the less they spend on their own
                // plumbing, the more the figures say about the server.
                .setPreferNativeTransport(true));
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(2 * (o.devices() + o.burst()) + 64)
                .setMaxMessageSize(8 << 20)
                .setMaxFrameSize(8 << 20)
                .setConnectTimeout(30_000));
  }

  /** The coordinators at {@code urls} (with their process ids where known) and their keys. */
  static List<Coordinator> coordinators(
      List<String> urls, List<String> metricsUrls, List<Long> pids, String token) throws Exception {
    List<Coordinator> cs = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      URI u = URI.create(urls.get(i));
      cs.add(
          new Coordinator(
              urls.get(i),
              metricsUrls.get(i),
              u.getHost(),
              u.getPort() > 0 ? u.getPort() : 80,
              new ServerApi(urls.get(i), metricsUrls.get(i), token).controlKey(),
              i < pids.size() ? pids.get(i) : -1));
    }
    return cs;
  }

  /** The reusable auth key for device {@code index}: its segment's, ephemeral or not. */
  synchronized String keyFor(int index, boolean ephemeral) throws Exception {
    int s = segments.of(index);
    String[] row = keys[ephemeral ? 1 : 0];
    if (row[s] == null) {
      row[s] =
          api.authKey(tailnet, ephemeral, segments.open() ? List.of() : List.of(Segments.tag(s)));
    }
    return row[s];
  }

  /**
   * Connects {@code d} to its coordinator ({@link SimDevice#preferred}, else the one its index
   * picks); if that one cannot be reached (its instance died), to the next of the list that can, as
   * an agent's reconnect lands on a live instance behind the balancer.
   */
  SimDevice connect(SimDevice d, int seconds) throws Exception {
    int n = coordinators.size();
    int first = d.preferred >= 0 ? d.preferred : d.index % n;
    Exception last = null;
    for (int k = 0; k < n; k++) {
      int i = (first + k) % n;
      Coordinator c = coordinators.get(i);
      try {
        DeviceWaits.await(d.connect(client, c.host(), c.port(), c.controlKey()), seconds);
        d.via = i;
        return d;
      } catch (Exception e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * Registers devices {@code first .. first+count-1}, each with its segment's auth key ({@link
   * #keyFor}), {@code o.concurrency()} at a time; adds the rate and latency rows under {@code
   * label}; returns those that joined.
   */
  List<SimDevice> join(int first, int count, boolean ephemeral, String label)
      throws InterruptedException {
    ConcurrentLinkedQueue<Long> connectNs = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> registerNs = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<SimDevice> joined = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> reasons = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(o.concurrency());
    long start = System.nanoTime();
    // A joined device waits silent for the others before its stream is asked for; the coordinator
    // closes a channel silent for 75 s without a stream (an agent streams at once). While the
    // phase lasts, each joined device says it is there every 30 s, as a report with nothing new.
    java.util.concurrent.ScheduledExecutorService warm =
        Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
    warm.scheduleAtFixedRate(
        () -> joined.forEach(SimDevice::touchIfIdle),
        30,
        30,
        java.util.concurrent.TimeUnit.SECONDS);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = first; i < first + count; i++) {
        SimDevice d = new SimDevice(i, ids);
        threads.submit(
            () -> {
              inFlight.acquireUninterruptibly();
              try {
                String authKey = keyFor(d.index, ephemeral);
                long t0 = System.nanoTime();
                connect(d, 60);
                long t1 = System.nanoTime();
                RegisterResponse r = DeviceWaits.await(d.register(authKey, ephemeral), 120);
                long t2 = System.nanoTime();
                connectNs.add(t1 - t0);
                if (r.getNodeId().isEmpty()) {
                  reasons.add(r.getErrorCode() + " " + r.getErrorMessage());
                } else {
                  registerNs.add(t2 - t1);
                  joined.add(d);
                }
              } catch (Exception e) {
                reasons.add(String.valueOf(e));
              } finally {
                inFlight.release();
              }
            });
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    warm.shutdownNow();
    table.latency(label + ": connect + Noise handshake", DeviceWaits.toArray(connectNs));
    table.latency(label + ": register (request -> answer)", DeviceWaits.toArray(registerNs));
    if (count > 1) {
      table.value(
          label + ": registration rate",
          String.format("%d in %.1f s = %.1f/s", joined.size(), seconds, joined.size() / seconds));
    }
    if (!reasons.isEmpty()) {
      failures.add(reasons.size() + " registrations failed, e.g. " + reasons.peek());
    }
    List<SimDevice> out = new ArrayList<>(joined);
    out.sort(Comparator.comparingInt(d -> d.index));
    return out;
  }

  /**
   * Opens the streams of {@code ds}; adds the time-to-full row; waits until each device's netmap
   * holds its {@code expectedPeers}. False (and a failure) if not within the limit.
   */
  boolean stream(List<SimDevice> ds, ToIntFunction<SimDevice> expectedPeers, String label)
      throws Exception {
    // A channel the server closed anyway (it sat silent past the idle limit) is reopened.
    int reopened = 0;
    for (SimDevice d : ds) {
      if (d.closed) {
        connect(d, 60);
        reopened++;
      }
    }
    if (reopened > 0) {
      table.value(label + ": silent channels closed by the server, reopened", "" + reopened);
    }
    long start = System.nanoTime();
    ds.forEach(SimDevice::stream);
    boolean full = DeviceWaits.waitFor(ds, d -> d.fullAtNanos != 0, 600);
    table.latency(
        label + ": stream requested -> full netmap",
        ds.stream()
            .filter(d -> d.fullAtNanos != 0)
            .mapToLong(d -> d.fullAtNanos - start)
            .toArray());
    if (!full) {
      failures.add(
          ds.stream().filter(d -> d.fullAtNanos == 0).count() + " devices got no full netmap");
      return false;
    }
    boolean complete =
        DeviceWaits.waitFor(ds, d -> d.peerCount == expectedPeers.applyAsInt(d), 300);
    IntSummaryStatistics peers = ds.stream().mapToInt(expectedPeers).summaryStatistics();
    table.value(
        label + ": every netmap complete",
        String.format(
            "%.1f s after the requests (%s peers each)",
            (System.nanoTime() - start) / 1e9,
            peers.getMin() == peers.getMax()
                ? String.valueOf(peers.getMax())
                : peers.getMin() + "-" + peers.getMax()));
    if (!complete) {
      failures.add(
          ds.stream().filter(d -> d.peerCount != expectedPeers.applyAsInt(d)).count()
              + " netmaps without their expected peers");
    }
    return complete;
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS);
  }
}
