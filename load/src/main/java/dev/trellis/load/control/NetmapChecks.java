package dev.trellis.load.control;

import dev.trellis.proto.control.v1.FullNetmap;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The correctness checks of a load run: a device's delta-built netmap against a fresh full netmap
 * fetched for the same node on a new channel ({@link #fetchFull}) — exactly, once the streams are
 * quiet ({@link #checkExact}), or during a run ignoring the peers with a change in flight ({@link
 * #touched}, {@link #inFlight}; {@link #checkSample}). Every mismatch is a failure of the run.
 *
 * <p>Thread-safety: thread-safe; sample checks run on the scenarios' sampling threads.
 */
final class NetmapChecks {
  /** How long before a full fetch a change makes its node "in flight" for a sample check. */
  static final long IN_FLIGHT_NANOS = TimeUnit.SECONDS.toNanos(3);

  private static final Pattern PEER = Pattern.compile("^peer (\\S+) ");

  private final DeviceFleet devices;
  private final NodeIds ids;
  private final Table table;
  private final Failures failures;
  private final ConcurrentHashMap<Integer, Long> touched = new ConcurrentHashMap<>();
  private volatile IntPredicate inFlight = i -> false;
  private final AtomicInteger sampleChecks = new AtomicInteger();
  private final AtomicInteger sampleMismatches = new AtomicInteger();

  NetmapChecks(DeviceFleet devices, NodeIds ids, Table table, Failures failures) {
    this.devices = devices;
    this.ids = ids;
    this.table = table;
    this.failures = failures;
  }

  /** Notes that node {@code nodeIndex} changes now (for the sample checks). */
  void touched(int nodeIndex) {
    touched.put(nodeIndex, System.nanoTime());
  }

  /** Node indexes with a change in flight now (excused by the sample checks). */
  void inFlight(IntPredicate p) {
    inFlight = p;
  }

  /** A fresh full netmap for {@code d}'s node: a second stream on a new channel, then closed. */
  FullNetmap fetchFull(SimDevice d) throws Exception {
    SimDevice twin = d.twin();
    twin.keepFull();
    devices.connect(twin, 60);
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
    Semaphore running = new Semaphore(8);
    long start = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SimDevice d : ds) {
        threads.submit(
            () -> {
              running.acquireUninterruptibly();
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
                running.release();
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
      failures.add(
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
   * from {@link #IN_FLIGHT_NANOS} before the fetch until the comparison. A mismatch is checked once
   * more a second later, with a new fetch: a change the server makes itself (a dead instance's
   * nodes said offline, which moves a device's own last-seen) can reach the fresh netmap a moment
   * before the stream; only a mismatch that stays is a failure.
   */
  void checkSample(SimDevice d) {
    if (sampleDiff(d) == null) {
      sampleChecks.incrementAndGet();
      return;
    }
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String diff = sampleDiff(d);
    sampleChecks.incrementAndGet();
    if (diff != null) {
      sampleMismatches.incrementAndGet();
      failures.add(diff);
    }
  }

  /** One comparison of {@code d} with a fresh full netmap: null, or the failure to report. */
  private String sampleDiff(SimDevice d) {
    long from = System.nanoTime() - IN_FLIGHT_NANOS;
    try {
      FullNetmap full = fetchFull(d);
      // One snapshot of the peers in flight, so both sides of the comparison excuse the same ones.
      BitSet excused = new BitSet();
      for (int i = 0; i < ids.size(); i++) {
        Long t = touched.get(i);
        if (t != null && t >= from || inFlight.test(i)) {
          excused.set(i);
        }
      }
      String diff = d.diff(full, excused::get);
      return diff == null
          ? null
          : "during the run, sim-"
              + d.index
              + " differs from a fresh full netmap: "
              + diff
              + lastTouched(diff, from + IN_FLIGHT_NANOS);
    } catch (Exception e) {
      return "during the run, no full netmap for sim-" + d.index + ": " + e.getMessage();
    }
  }

  /** For a diff naming a peer: when its last tracked change was made, relative to the fetch. */
  private String lastTouched(String diff, long fetchNanos) {
    Matcher m = PEER.matcher(diff);
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
}
