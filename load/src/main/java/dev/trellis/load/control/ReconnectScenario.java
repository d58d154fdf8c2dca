package dev.trellis.load.control;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A reconnect storm, as after a coordinator instance dies: every device's channel drops at once and
 * every device comes straight back ({@code --concurrency} connecting at a time) with a new stream —
 * no resume token, since the sessions died with the instance — so the server hands out every full
 * netmap again while it must still serve a device that joins in the middle of it. Figures: drop ->
 * each device has its full netmap again (p50/p99/max) and -> the last one; the joining device's
 * time to its full netmap. The netmaps must then hold exactly their segment again, the server
 * exactly one channel per device (none leaked), and the final check compares every netmap with a
 * fresh full one.
 *
 * <p>Thread-safety: run on one thread; reconnects run on virtual threads.
 */
final class ReconnectScenario implements Scenario {
  @Override
  public void run(Harness h, List<SimDevice> live) throws Exception {
    int n = live.size();
    double open0 = h.servers.openChannels();
    live.forEach(d -> d.fullAtNanos = 0);
    long drop = System.nanoTime();
    for (SimDevice d : live) {
      d.close();
    }
    ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(h.o.concurrency());
    long newcomerFull = -1;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SimDevice d : live) {
        threads.submit(
            () -> {
              inFlight.acquireUninterruptibly();
              try {
                h.devices.connect(d, 120);
                d.stream();
              } catch (Exception e) {
                failed.add("sim-" + d.index + ": " + e);
              } finally {
                inFlight.release();
              }
            });
      }
      // A device joining in the middle of the storm must still be served.
      List<SimDevice> newcomer =
          h.devices.join(n + 2_000_000, 1, false, "during the storm, a new device");
      if (newcomer.size() == 1) {
        SimDevice d = newcomer.getFirst();
        d.stream();
        if (DeviceWaits.waitFor(newcomer, x -> x.fullAtNanos != 0, 300)) {
          newcomerFull = d.fullAtNanos - d.streamSentAtNanos;
        } else {
          h.fail("the device joining during the storm got no full netmap");
        }
        live.add(d);
      }
    }
    if (!failed.isEmpty()) {
      h.fail(failed.size() + " devices could not reconnect, e.g. " + failed.peek());
    }
    boolean back = DeviceWaits.waitFor(live, d -> d.fullAtNanos != 0, 600);
    long[] times =
        live.stream()
            .filter(d -> d.fullAtNanos != 0)
            .mapToLong(d -> d.fullAtNanos - drop)
            .toArray();
    h.table.latency("drop of every channel -> device has its full netmap again", times);
    h.table.value(
        "drop -> the last device has its full netmap again",
        String.format(
            "%.1f s (%d devices)", java.util.Arrays.stream(times).max().orElse(0) / 1e9, n));
    if (newcomerFull >= 0) {
      h.table.value(
          "during the storm, a new device: stream -> full netmap",
          String.format("%.0f ms", newcomerFull / 1e6));
    }
    if (!back) {
      h.fail(live.stream().filter(d -> d.fullAtNanos == 0).count() + " devices got no netmap back");
    }
    java.util.function.ToIntFunction<SimDevice> peers = h.segments.expectedPeers(live);
    if (!DeviceWaits.waitFor(live, d -> d.peerCount == peers.applyAsInt(d), 120)) {
      h.fail("after the storm, not every netmap holds exactly its segment");
    }
    // No channel may leak: the server must hold exactly the devices' channels again.
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double open = h.servers.openChannels();
    while (open != live.size() && System.nanoTime() < limit) {
      Thread.sleep(100);
      open = h.servers.openChannels();
    }
    h.table.value(
        "channels open at the server after the storm",
        String.format("%.0f (devices: %d; before the drop: %.0f)", open, live.size(), open0));
    if (open != live.size()) {
      h.fail(
          "after the storm the server holds " + open + " channels for " + live.size() + " devices");
    }
    TimeUnit.MILLISECONDS.sleep(100);
  }
}
