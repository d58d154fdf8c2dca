package dev.trellis.load.control;

import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePublicKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What every load scenario shares: the coordinators (devices are spread over them by index), the
 * simulated devices' event loops and WebSocket client, the admin API, the tailnet and its reusable
 * auth key, joining and streaming batches of devices with their figures, and the correctness checks
 * — a device's delta-built netmap against a fresh full netmap fetched for the same node on a new
 * channel, exactly once the streams are quiet, or during a run ignoring the peers with a change in
 * flight ({@link #touched}). Failures are collected; the run fails if there is any.
 *
 * <p>Thread-safety: the scenario's thread drives it; {@link #touched} and {@link #fail} are
 * thread-safe.
 */
final class Harness implements AutoCloseable {
  /** One coordinator instance devices connect to. */
  record Coordinator(String url, String host, int port, MachinePublicKey controlKey, long pid) {}

  /** How long before a full fetch a change makes its node "in flight" for a sample check. */
  static final long IN_FLIGHT_NANOS = TimeUnit.SECONDS.toNanos(3);

  final LoadOptions o;
  final ServerApi api;
  final List<Coordinator> coordinators;
  final NodeIds ids = new NodeIds();
  final Table table;
  final Vertx vertx;
  final WebSocketClient client;
  final String tailnet;
  final Segments segments;

  /** Reusable auth keys per segment: [0] plain, [1] ephemeral (created on first use). */
  private final String[][] keys;

  private final ConcurrentHashMap<Integer, Long> touched = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private volatile java.util.function.IntPredicate inFlight = i -> false;
  private final AtomicInteger sampleChecks = new AtomicInteger();
  private final AtomicInteger sampleMismatches = new AtomicInteger();

  Harness(LoadOptions o, List<String> urls, List<Long> pids, String token) throws Exception {
    this.o = o;
    this.api = new ServerApi(urls.getFirst(), token);
    List<Coordinator> cs = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      URI u = URI.create(urls.get(i));
      cs.add(
          new Coordinator(
              urls.get(i),
              u.getHost(),
              u.getPort() > 0 ? u.getPort() : 80,
              new ServerApi(urls.get(i), token).controlKey(),
              i < pids.size() ? pids.get(i) : -1));
    }
    this.coordinators = List.copyOf(cs);
    this.table =
        new Table(
            String.format(
                "load %s: %d devices%s, %d coordinator(s)",
                o.scenario(),
                o.devices(),
                o.segments() == 1
                    ? " (all see all)"
                    : " in " + o.segments() + " segments (each sees its own)",
                coordinators.size()));
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.eventLoops()));
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(2 * (o.devices() + o.burst()) + 64)
                .setMaxMessageSize(8 << 20)
                .setMaxFrameSize(8 << 20)
                .setConnectTimeout(30_000));
    this.tailnet = "load" + Long.toString(System.currentTimeMillis(), 36);
    api.createTailnet(tailnet);
    this.segments = new Segments(o.segments());
    this.keys = new String[2][segments.count()];
    if (!segments.open()) {
      api.setPolicy(tailnet, segments.policy("*"));
    }
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

  Coordinator coordinatorOf(SimDevice d) {
    return coordinators.get(d.index % coordinators.size());
  }

  /** Connects {@code d} to its coordinator. */
  SimDevice connect(SimDevice d, int seconds) throws Exception {
    Coordinator c = coordinatorOf(d);
    return await(d.connect(client, c.host(), c.port(), c.controlKey()), seconds);
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
                RegisterResponse r = await(d.register(authKey, ephemeral), 120);
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
    table.latency(label + ": connect + Noise handshake", toArray(connectNs));
    table.latency(label + ": register (request -> answer)", toArray(registerNs));
    if (count > 1) {
      table.value(
          label + ": registration rate",
          String.format("%d in %.1f s = %.1f/s", joined.size(), seconds, joined.size() / seconds));
    }
    if (!reasons.isEmpty()) {
      fail(reasons.size() + " registrations failed, e.g. " + reasons.peek());
    }
    List<SimDevice> out = new ArrayList<>(joined);
    out.sort(java.util.Comparator.comparingInt(d -> d.index));
    return out;
  }

  /**
   * Opens the streams of {@code ds}; adds the time-to-full row; waits until each device's netmap
   * holds its {@code expectedPeers}. False (and a failure) if not within the limit.
   */
  boolean stream(
      List<SimDevice> ds, java.util.function.ToIntFunction<SimDevice> expectedPeers, String label)
      throws InterruptedException {
    long start = System.nanoTime();
    ds.forEach(SimDevice::stream);
    boolean full = waitFor(ds, d -> d.fullAtNanos != 0, 600);
    table.latency(
        label + ": stream requested -> full netmap",
        ds.stream()
            .filter(d -> d.fullAtNanos != 0)
            .mapToLong(d -> d.fullAtNanos - start)
            .toArray());
    if (!full) {
      fail(ds.stream().filter(d -> d.fullAtNanos == 0).count() + " devices got no full netmap");
      return false;
    }
    boolean complete = waitFor(ds, d -> d.peerCount == expectedPeers.applyAsInt(d), 300);
    java.util.IntSummaryStatistics peers = ds.stream().mapToInt(expectedPeers).summaryStatistics();
    table.value(
        label + ": every netmap complete",
        String.format(
            "%.1f s after the requests (%s peers each)",
            (System.nanoTime() - start) / 1e9,
            peers.getMin() == peers.getMax()
                ? String.valueOf(peers.getMax())
                : peers.getMin() + "-" + peers.getMax()));
    if (!complete) {
      fail(
          ds.stream().filter(d -> d.peerCount != expectedPeers.applyAsInt(d)).count()
              + " netmaps without their expected peers");
    }
    return complete;
  }

  /** Notes that node {@code nodeIndex} changes now (for the sample checks). */
  void touched(int nodeIndex) {
    touched.put(nodeIndex, System.nanoTime());
  }

  /** Node indexes with a change in flight now (excused by the sample checks). */
  void inFlight(java.util.function.IntPredicate p) {
    inFlight = p;
  }

  /** A fresh full netmap for {@code d}'s node: a second stream on a new channel, then closed. */
  FullNetmap fetchFull(SimDevice d) throws Exception {
    SimDevice twin = d.twin();
    twin.keepFull();
    connect(twin, 60);
    try {
      twin.stream();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (twin.lastFull() == null && System.nanoTime() < deadline && !twin.closed) {
        Thread.sleep(5);
      }
      if (twin.lastFull() == null) {
        throw new IllegalStateException("no full netmap for sim-" + d.index + " " + twin.endedBy);
      }
      return twin.lastFull();
    } finally {
      twin.close();
    }
  }

  /**
   * The exact check, for quiet streams: every device of {@code ds} against a fresh full netmap.
   * Adds a row; every mismatch is a failure. Returns the number of mismatches.
   */
  int checkExact(List<SimDevice> ds, String label) throws InterruptedException {
    AtomicInteger bad = new AtomicInteger();
    ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(8);
    long start = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SimDevice d : ds) {
        threads.submit(
            () -> {
              inFlight.acquireUninterruptibly();
              try {
                String diff = d.diff(fetchFull(d));
                if (diff != null) {
                  bad.incrementAndGet();
                  first.add("sim-" + d.index + ": " + diff);
                }
                if (d.versionErrors.get() > 0) {
                  bad.incrementAndGet();
                  first.add("sim-" + d.index + ": " + d.versionErrors + " netmap version gaps");
                }
                if (d.unknownPatches.get() > 0) {
                  bad.incrementAndGet();
                  first.add(
                      "sim-" + d.index + ": " + d.unknownPatches + " patches of unknown peers");
                }
              } catch (Exception e) {
                bad.incrementAndGet();
                first.add("sim-" + d.index + ": " + e.getMessage());
              } finally {
                inFlight.release();
              }
            });
      }
    }
    table.value(
        label,
        String.format(
            "%d mismatches of %d (%.1f s)",
            bad.get(), ds.size(), (System.nanoTime() - start) / 1e9));
    if (bad.get() > 0) {
      fail(
          bad.get()
              + " netmaps differ from a fresh full netmap ("
              + label
              + "), e.g. "
              + first.peek());
    }
    return bad.get();
  }

  /**
   * The check during a run: {@code d}'s netmap against a fresh full netmap, ignoring peers touched
   * from {@link #IN_FLIGHT_NANOS} before the fetch until the comparison. A mismatch is a failure.
   */
  void checkSample(SimDevice d) {
    long from = System.nanoTime() - IN_FLIGHT_NANOS;
    try {
      FullNetmap full = fetchFull(d);
      // One snapshot of the peers in flight, so both sides of the comparison excuse the same ones.
      java.util.BitSet excused = new java.util.BitSet();
      for (int i = 0; i < ids.size(); i++) {
        Long t = touched.get(i);
        if (t != null && t >= from || inFlight.test(i)) {
          excused.set(i);
        }
      }
      String diff = d.diff(full, excused::get);
      sampleChecks.incrementAndGet();
      if (diff != null) {
        sampleMismatches.incrementAndGet();
        fail(
            "during the run, sim-"
                + d.index
                + " differs from a fresh full netmap: "
                + diff
                + lastTouched(diff, from + IN_FLIGHT_NANOS));
      }
    } catch (Exception e) {
      sampleMismatches.incrementAndGet();
      fail("during the run, no full netmap for sim-" + d.index + ": " + e.getMessage());
    }
  }

  /** For a diff naming a peer: when its last tracked change was made, relative to the fetch. */
  private String lastTouched(String diff, long fetchNanos) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^peer (\\S+) ").matcher(diff);
    if (!m.find()) {
      return "";
    }
    Long t = touched.get(ids.index(m.group(1)));
    return t == null
        ? " (no tracked change of that peer)"
        : String.format(
            " (its last tracked change %.1f s before the fetch)", (fetchNanos - t) / 1e9);
  }

  /** Adds the row of the sample checks made so far. */
  void sampleRow() {
    table.value(
        "sample checks during the run (fresh full vs deltas)",
        sampleMismatches.get() + " mismatches of " + sampleChecks.get());
  }

  /** Waits (up to 60 s) until no device of {@code ds} has received a frame for a second. */
  static void settle(List<SimDevice> ds) throws InterruptedException {
    long start = System.nanoTime();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
      long now = ds.stream().mapToLong(d -> d.frames.get()).sum();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** Server heap after GC and RSS, summed over the coordinators with a known PID (KiB). */
  long[] heapAndRssKb() {
    long heap = 0;
    long rss = 0;
    for (Coordinator c : coordinators) {
      long h = ServerProbe.heapAfterGcKb(c.pid());
      long r = ServerProbe.rssKb(c.pid());
      if (h < 0 || r < 0) {
        return new long[] {-1, -1};
      }
      heap += h;
      rss += r;
    }
    return new long[] {heap, rss};
  }

  /** CPU ms used so far by every coordinator process, or -1. */
  long cpuMs() {
    long sum = 0;
    for (Coordinator c : coordinators) {
      long ms = ServerProbe.cpuMs(c.pid());
      if (ms < 0) {
        return -1;
      }
      sum += ms;
    }
    return sum;
  }

  /** Adds the heap and RSS per device rows from a reading before and one with {@code n} devices. */
  void memoryRows(long[] before, long[] after, int n) {
    if (before[0] < 0 || after[0] < 0) {
      table.value("server heap / RSS per device", "not measured (no server PID)");
      return;
    }
    table.value(
        "server heap after full GC",
        String.format(
            "%d -> %d MiB: %.1f KB per device",
            before[0] / 1024, after[0] / 1024, (after[0] - before[0]) * 1.024 / n));
    table.value(
        "server RSS",
        String.format(
            "%d -> %d MiB: %.1f KB per device",
            before[1] / 1024, after[1] / 1024, (after[1] - before[1]) * 1.024 / n));
  }

  /** Channels open at the coordinators (summed), or NaN. */
  double openChannels() {
    double sum = 0;
    for (Coordinator c : coordinators) {
      sum += new ServerApi(c.url(), "").metric("trellis_coordinator_channels_open");
    }
    return sum;
  }

  /** Adds the coordinator counters row (summed over instances). */
  void countersRow() {
    double frames = 0;
    double dropped = 0;
    double refused = 0;
    for (Coordinator c : coordinators) {
      ServerApi a = new ServerApi(c.url(), "");
      frames += a.metric("trellis_coordinator_frames_sent_total");
      dropped += a.metric("trellis_coordinator_channels_dropped_total");
      refused += a.metric("trellis_coordinator_records_refused_total");
    }
    table.value(
        "coordinator frames sent / slow drops / refused",
        String.format("%.0f / %.0f / %.0f", frames, dropped, refused));
  }

  void fail(String what) {
    failures.add(what);
    System.out.println("FAILED: " + what);
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  static boolean waitFor(List<SimDevice> ds, Predicate<SimDevice> done, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (ds.stream().allMatch(done)) {
        return true;
      }
      Thread.sleep(10);
    }
    return ds.stream().allMatch(done);
  }

  static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  static long[] toArray(java.util.Collection<Long> q) {
    return q.stream().mapToLong(Long::longValue).toArray();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS);
  }
}
