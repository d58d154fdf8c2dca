package dev.trellis.load.control;

import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePublicKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Control-plane load: N simulated devices ({@link SimDevice}) against a running server, each with
 * its own keys and real channel. Phases, each printing its figures:
 *
 * <ol>
 *   <li>register every device with one reusable auth key (created here): registrations/s, p50/p99
 *       of connect+handshake and of register;
 *   <li>open every map stream: time until every device has its full netmap, and until every
 *       device's netmap (full + deltas) holds exactly the other registered devices;
 *   <li>one change — a new node joins — and the time until each device has it (p50/p99/max);
 *   <li>one change — that node is deleted by the admin API — and the time until each device dropped
 *       it;
 *   <li>server RSS (when its pid is given) and the coordinator's counters;
 *   <li>every channel dropped at once: the time until one more device registers and streams its
 *       full netmap, and until the server has closed every channel.
 * </ol>
 *
 * Bounded in time ({@code --time-limit}); exits by itself: 0 when every check held, 1 otherwise.
 *
 * <p>Thread-safety: the main thread drives the phases; devices live on a few Vert.x event loops.
 */
public final class ControlBench {
  private final BenchOptions o;
  private final ServerApi api;
  private final NodeIds ids = new NodeIds();
  private final List<String> failures = new ArrayList<>();
  private Vertx vertx;
  private WebSocketClient client;
  // Held: Vert.x closes the connections of a client that becomes unreachable.
  private WebSocketClient probeClient;
  private MachinePublicKey controlKey;
  private String host;
  private int port;

  private ControlBench(BenchOptions o) {
    this.o = o;
    this.api = new ServerApi(o.server(), o.token());
  }

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("control bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(o.timeLimitSeconds()));
                    System.out.println("TIME LIMIT of " + o.timeLimitSeconds() + " s reached");
                    Runtime.getRuntime().halt(3);
                  } catch (InterruptedException e) {
                    // finished in time
                  }
                });
    int code = new ControlBench(o).run();
    watchdog.interrupt();
    System.exit(code);
  }

  private int run() throws Exception {
    URI uri = URI.create(o.server());
    host = uri.getHost();
    port = uri.getPort() > 0 ? uri.getPort() : 80;
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.eventLoops()));
    client = newClient(vertx);
    controlKey = api.controlKey();
    String tailnet = "load" + Long.toString(System.currentTimeMillis(), 36);
    api.createTailnet(tailnet);
    String key = api.reusableKey(tailnet);
    System.out.printf(
        "control bench: %d devices against %s, tailnet %s, %d event loops, %d registrations in"
            + " flight%n",
        o.devices(), o.server(), tailnet, o.eventLoops(), o.concurrency());
    long rssBefore = rssKb();
    long heapBefore = heapAfterGcKb();

    // 1. Register.
    List<SimDevice> devices = new ArrayList<>();
    for (int i = 0; i < o.devices(); i++) {
      devices.add(new SimDevice(i, ids));
    }
    ConcurrentLinkedQueue<Long> connectNs = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> registerNs = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    ConcurrentLinkedQueue<String> reasons = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(o.concurrency());
    long regStart = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SimDevice d : devices) {
        threads.submit(
            () -> {
              inFlight.acquireUninterruptibly();
              try {
                long t0 = System.nanoTime();
                await(d.connect(client, host, port, controlKey), 60);
                long t1 = System.nanoTime();
                RegisterResponse r = await(d.register(key), 120);
                long t2 = System.nanoTime();
                connectNs.add(t1 - t0);
                if (r.getNodeId().isEmpty()) {
                  refused.incrementAndGet();
                  reasons.add(r.getErrorCode());
                } else {
                  registerNs.add(t2 - t1);
                }
              } catch (Exception e) {
                refused.incrementAndGet();
                reasons.add(String.valueOf(e.getMessage()));
              } finally {
                inFlight.release();
              }
              return null;
            });
      }
    }
    double regSeconds = (System.nanoTime() - regStart) / 1e9;
    List<SimDevice> live = devices.stream().filter(d -> !d.nodeId.isEmpty()).toList();
    System.out.println();
    System.out.println(Figures.header());
    System.out.println(new Figures(toArray(connectNs)).row("connect + Noise handshake"));
    System.out.println(new Figures(toArray(registerNs)).row("register (request -> final answer)"));
    System.out.printf(
        "registered %d of %d in %.1f s: %.1f registrations/s%n",
        live.size(), devices.size(), regSeconds, live.size() / regSeconds);
    if (refused.get() > 0) {
      fail(refused.get() + " registrations failed, e.g. " + reasons.peek());
    }

    // 2. Streams: every device's full netmap, then every netmap complete.
    long streamStart = System.nanoTime();
    live.forEach(SimDevice::stream);
    boolean allFull = waitFor(live, d -> d.fullAtNanos != 0, 300);
    long lastFull = live.stream().mapToLong(d -> d.fullAtNanos).max().orElse(streamStart);
    System.out.printf(
        "every device has its full netmap: %.1f ms after the streams were requested%s%n",
        (lastFull - streamStart) / 1e6, allFull ? "" : " (NOT ALL)");
    if (!allFull) {
      fail(live.stream().filter(d -> d.fullAtNanos == 0).count() + " devices without a full");
    }
    long[] fullNs = live.stream().mapToLong(d -> d.fullAtNanos - streamStart).toArray();
    System.out.println(new Figures(fullNs).row("map stream requested -> full netmap"));
    BitSet everyone = new BitSet();
    live.forEach(d -> everyone.set(ids.index(d.nodeId)));
    boolean complete = waitFor(live, d -> d.peerCount == live.size() - 1, 120);
    System.out.printf(
        "every netmap complete (%d peers each): %.1f ms after the streams were requested%n",
        live.size() - 1, (System.nanoTime() - streamStart) / 1e6);
    long wrong = 0;
    for (SimDevice d : live) {
      BitSet want = (BitSet) everyone.clone();
      want.clear(ids.index(d.nodeId));
      if (!d.peersEqual(want)) {
        wrong++;
      }
    }
    if (!complete || wrong > 0) {
      fail(wrong + " netmaps differ from the registered set");
    }
    long rssStreams = rssKb();

    // 3. A node joins: time until every streaming device has it (once the streams are quiet).
    List<SimDevice> streaming = live.stream().filter(d -> !d.closed && d.fullAtNanos != 0).toList();
    if (streaming.size() < live.size()) {
      fail(
          (live.size() - streaming.size())
              + " channels closed or without a stream; changes are timed without them");
    }
    settle(streaming);
    long heapStreams = heapAfterGcKb();
    SimDevice newcomer = new SimDevice(o.devices(), ids);
    streaming.forEach(SimDevice::armAdded);
    long joinSent = System.nanoTime();
    await(newcomer.connect(client, host, port, controlKey), 30);
    long connected = System.nanoTime();
    RegisterResponse nr = await(newcomer.register(key), 60);
    long joinAnswered = System.nanoTime();
    int newIndex = ids.index(nr.getNodeId());
    boolean joined = waitFor(streaming, d -> d.addedIndex == newIndex, 60);
    long[] joinNs = streaming.stream().mapToLong(d -> d.addedAtNanos - connected).toArray();
    System.out.println();
    System.out.println(Figures.header());
    System.out.printf(
        "%-44s %7d %9.1f%n",
        "newcomer register (request -> answer)", 1, (joinAnswered - connected) / 1e6);
    System.out.println(
        new Figures(joined ? joinNs : new long[0]).row("join: register sent -> peer added"));
    if (!joined) {
      fail("the newcomer did not reach every device");
    }

    // 4. The node is deleted: time until every device dropped it.
    streaming.forEach(d -> d.watchIndex = newIndex);
    long deleteSent = System.nanoTime();
    api.deleteNode(nr.getNodeId());
    boolean removed = waitFor(streaming, d -> d.watchRemovedAtNanos != 0, 60);
    long[] delNs = streaming.stream().mapToLong(d -> d.watchRemovedAtNanos - deleteSent).toArray();
    System.out.println(
        new Figures(removed ? delNs : new long[0])
            .row("delete: admin DELETE sent -> peer removed"));
    if (!removed) {
      fail("the deletion did not reach every device");
    }
    newcomer.close();

    // 5. Resources.
    System.out.println();
    if (rssBefore > 0) {
      System.out.printf(
          "server RSS: %d MiB before, %d MiB with %d streams: %.1f KB per device%n",
          rssBefore / 1024,
          rssStreams / 1024,
          streaming.size(),
          (rssStreams - rssBefore) / (double) streaming.size());
      if (heapBefore > 0 && heapStreams > 0) {
        System.out.printf(
            "server heap after a full GC: %d MiB before, %d MiB with %d streams: %.1f KB per"
                + " device%n",
            heapBefore / 1024,
            heapStreams / 1024,
            streaming.size(),
            (heapStreams - heapBefore) / (double) streaming.size());
      }
    } else {
      System.out.println("server RSS: not measured (give --server-pid for a local server)");
    }
    System.out.printf(
        "coordinator: channels open %.0f, map sessions %.0f, frames sent %.0f, slow drops %.0f%n",
        api.metric("trellis_coordinator_channels_open"),
        api.metric("trellis_coordinator_map_sessions"),
        api.metric("trellis_coordinator_frames_sent_total"),
        api.metric("trellis_coordinator_channels_dropped_total"));
    long bytes = streaming.stream().mapToLong(d -> d.bytesIn.get()).sum();
    long frames = streaming.stream().mapToLong(d -> d.frames.get()).sum();
    System.out.printf(
        "devices received %d frames, %.1f MiB of records (%.1f KiB per device)%n",
        frames, bytes / 1048576.0, bytes / 1024.0 / streaming.size());

    // 6. Every channel dropped at once; the server must still answer.
    double openBefore = api.metric("trellis_coordinator_channels_open");
    long dropAt = System.nanoTime();
    streaming.forEach(SimDevice::close);
    Vertx probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    SimDevice probe = new SimDevice(o.devices() + 1, ids);
    long probeMs = -1;
    try {
      probeClient = newClient(probeVertx);
      await(probe.connect(probeClient, host, port, controlKey), 10);
      if (!await(probe.register(key), 10).getNodeId().isEmpty()) {
        probe.stream();
        if (waitFor(List.of(probe), d -> d.fullAtNanos != 0, 10)) {
          probeMs = (probe.fullAtNanos - dropAt) / 1_000_000;
        }
      }
    } catch (Exception e) {
      fail("after the drop: " + e.getMessage());
    }
    double open = openBefore;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (open > 1 && System.nanoTime() < until) {
      Thread.sleep(50);
      open = api.metric("trellis_coordinator_channels_open");
    }
    System.out.printf(
        "drop of %d channels at once: one more device registered and had its full netmap %d ms"
            + " later; server down to %.0f open channels %.0f ms after the drop; /readyz %d%n",
        streaming.size(), probeMs, open, (System.nanoTime() - dropAt) / 1e6, api.status("/readyz"));
    if (probeMs < 0 || probeMs > 5_000) {
      fail("the server did not serve a new device within 5 s of the drop");
    }
    probe.close();
    probeVertx.close();
    vertx.close();
    System.out.println();
    if (failures.isEmpty()) {
      System.out.println("OK");
      return 0;
    }
    failures.forEach(f -> System.out.println("FAILED: " + f));
    return 1;
  }

  /** Waits (up to 60 s) until no device has received a frame for a second. */
  private static void settle(List<SimDevice> devices) throws InterruptedException {
    long start = System.nanoTime();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
      long now = devices.stream().mapToLong(d -> d.frames.get()).sum();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        break;
      }
      Thread.sleep(20);
    }
    System.out.printf(
        "streams quiet after %.1f s more (%d frames received so far)%n",
        (System.nanoTime() - start) / 1e9 - 1, last);
  }

  private WebSocketClient newClient(Vertx v) {
    return v.createWebSocketClient(
        new WebSocketClientOptions()
            .setMaxConnections(o.devices() + 16)
            .setMaxMessageSize(8 << 20)
            .setMaxFrameSize(8 << 20)
            .setConnectTimeout(30_000));
  }

  private void fail(String what) {
    failures.add(what);
    System.out.println("FAILED: " + what);
  }

  private static boolean waitFor(List<SimDevice> devices, Predicate<SimDevice> done, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (devices.stream().allMatch(done)) {
        return true;
      }
      Thread.sleep(5);
    }
    return devices.stream().allMatch(done);
  }

  private static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static long[] toArray(ConcurrentLinkedQueue<Long> q) {
    return q.stream().mapToLong(Long::longValue).toArray();
  }

  /** The server's used heap after a full GC (jcmd GC.run, GC.heap_info), or -1. */
  private long heapAfterGcKb() {
    if (o.serverPid() <= 0) {
      return -1;
    }
    try {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      String pid = Long.toString(o.serverPid());
      new ProcessBuilder(jcmd, pid, "GC.run")
          .redirectErrorStream(true)
          .start()
          .waitFor(60, TimeUnit.SECONDS);
      Process p = new ProcessBuilder(jcmd, pid, "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
      String histo = System.getenv("BENCH_HISTO");
      if (histo != null && !histo.isBlank()) {
        Process h = new ProcessBuilder(jcmd, pid, "GC.class_histogram").start();
        Files.write(Path.of(histo), h.getInputStream().readAllBytes());
      }
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (Exception e) {
      System.out.println("cannot read the server's heap: " + e.getMessage());
      return -1;
    }
  }

  private long rssKb() {
    if (o.serverPid() <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + o.serverPid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      System.out.println("cannot read the server's RSS: " + e.getMessage());
    }
    return -1;
  }
}
