package dev.trellis.load.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load harness as a test drives it while it breaks the deployment under it: joins simulated
 * devices (each with its own keys and real control channel) spread over the given coordinators,
 * opens their streams, churns ({@link ChurnScenario#untilStopped()}: endpoint reports, channels
 * closing and coming back, devices dropped by a dying coordinator reconnecting to a live one) on a
 * thread of its own until {@link #stopChurn()}, and checks every device's delta-built netmap
 * against a fresh full netmap ({@link #checkAll()}). Every failure names the device and what
 * differs; they are collected in {@link #failures()}.
 *
 * <p>Thread-safety: one test thread drives it; the churn runs on its own thread.
 */
public final class ChurningFleet implements AutoCloseable {
  private final Harness h;
  private final List<SimDevice> live;
  private ChurnScenario churn;
  private Thread churnThread;
  private volatile Throwable churnError;

  private ChurningFleet(Harness h, List<SimDevice> live) {
    this.h = h;
    this.live = live;
  }

  /**
   * Creates a tailnet through the admin API at {@code adminUrl} (its /metrics at {@code
   * adminMetricsUrl}), joins {@code devices} devices spread over {@code coordinatorUrls} (by index;
   * their metrics listeners at {@code coordinatorMetricsUrls}, without the path), opens their
   * streams and waits until every netmap holds every other device. {@code rate}: churn changes per
   * second once started.
   *
   * @throws IllegalStateException if a device could not join or its netmap is incomplete
   */
  public static ChurningFleet join(
      String adminUrl,
      String adminMetricsUrl,
      List<String> coordinatorUrls,
      List<String> coordinatorMetricsUrls,
      String token,
      int devices,
      int rate)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "churn",
                "--devices",
                String.valueOf(devices),
                "--rate",
                String.valueOf(rate),
                "--duration",
                "30m",
                "--sample",
                "10",
                "--concurrency",
                "16",
                "--token",
                token));
    for (int i = 0; i < coordinatorUrls.size(); i++) {
      args.addAll(
          List.of(
              "--server",
              coordinatorUrls.get(i),
              "--server-metrics",
              coordinatorMetricsUrls.get(i)));
    }
    LoadOptions o = LoadOptions.parse(args.toArray(String[]::new));
    Harness h =
        new Harness(
            o,
            adminUrl,
            adminMetricsUrl,
            coordinatorUrls,
            coordinatorMetricsUrls,
            List.of(),
            token);
    try {
      List<SimDevice> live = h.devices.join(0, devices, false, "join");
      if (live.size() != devices
          || !h.devices.stream(live, h.segments.expectedPeers(live), "join")) {
        throw new IllegalStateException(
            live.size() + " of " + devices + " devices joined and streamed: " + h.failures.list());
      }
      DeviceWaits.settle(live);
      return new ChurningFleet(h, new ArrayList<>(live));
    } catch (Exception | Error e) {
      h.close();
      throw e;
    }
  }

  /** Starts the churn on its own thread; it runs until {@link #stopChurn()}. */
  public void startChurn() {
    churn = ChurnScenario.untilStopped();
    churnThread =
        Thread.ofPlatform()
            .name("churn")
            .start(
                () -> {
                  try {
                    churn.run(h, live);
                  } catch (Throwable t) {
                    churnError = t;
                  }
                });
  }

  /**
   * Ends the churn: resting devices come back, the changes in flight must reach every device, and
   * the churn's rows are added; rethrows what the churn thread threw.
   */
  public void stopChurn() throws Exception {
    churn.stop();
    churnThread.join();
    if (churnError != null) {
      throw new IllegalStateException("the churn failed", churnError);
    }
  }

  /** Devices whose channel is open to coordinator {@code index} (of the list given to join). */
  public int connectedTo(int index) {
    return (int) live.stream().filter(d -> !d.closed && d.via == index).count();
  }

  /**
   * Whether every device is streaming or resting by the churn's choice: none dropped by the server
   * side and not back yet.
   */
  public boolean allStreaming() {
    return churn.reconnecting() == 0 && live.stream().noneMatch(d -> d.dropped && d.closed);
  }

  /** The distinct relay maps (relay server names) the streaming devices hold now. */
  public java.util.Set<List<String>> relayMaps() {
    java.util.Set<List<String>> maps = new java.util.HashSet<>();
    for (SimDevice d : live) {
      if (!d.closed) {
        maps.add(d.relayNodes());
      }
    }
    return maps;
  }

  /** Devices reconnected after their channel was dropped, so far. */
  public int redials() {
    return churn == null ? 0 : churn.redials();
  }

  /**
   * Compares {@code count} streaming devices (spread over the fleet) with a fresh full netmap,
   * excusing peers with a change in flight; returns how many differed (each is a failure).
   */
  public int checkSample(int count) {
    int before = h.failures.list().size();
    int step = Math.max(1, live.size() / count);
    int checked = 0;
    for (int i = 0; i < live.size() && checked < count; i += step) {
      SimDevice d = live.get(i);
      if (!d.closed) {
        h.checks.checkSample(d);
        checked++;
      }
    }
    return h.failures.list().size() - before;
  }

  /**
   * With the churn stopped, once the streams are quiet: every device's netmap equal to a fresh full
   * netmap (no version gap, no patch of an unknown peer), holding every other device, each online
   * (every device is connected). Returns the number of devices that failed a check; each is a
   * failure naming the device and what differs.
   */
  public int checkAll() throws InterruptedException {
    DeviceWaits.settle(live);
    int bad = h.checks.checkExact(live, "final check: every netmap vs a fresh full one");
    for (SimDevice d : live) {
      if (d.closed) {
        bad++;
        h.fail("sim-" + d.index + ": channel closed at the end (" + d.endedBy + ")");
      } else if (d.peerCount != live.size() - 1) {
        bad++;
        h.fail("sim-" + d.index + ": holds " + d.peerCount + " peers of " + (live.size() - 1));
      } else {
        List<String> offline = d.offlinePeers();
        if (!offline.isEmpty()) {
          bad++;
          h.fail(
              "sim-"
                  + d.index
                  + ": "
                  + offline.size()
                  + " connected peers shown offline, e.g. "
                  + offline.getFirst());
        }
      }
    }
    h.checks.sampleRow();
    return bad;
  }

  /** Every failure so far (a device and what was wrong with it). */
  public List<String> failures() {
    return h.failures.list();
  }

  /** The figures table of the run. */
  public String table() {
    return h.table.render();
  }

  /** Waits up to {@code seconds} until {@code done}; false if not. */
  public static boolean await(java.util.function.BooleanSupplier done, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Stops the churn (waiting up to 30 s for its thread, e.g. after a failed assertion). */
  @Override
  public void close() {
    if (churn != null) {
      churn.stop();
      try {
        churnThread.join(java.time.Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    h.close();
  }
}
