package dev.trellis.load.control;

import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A burst of {@code --burst} ephemeral devices joining and leaving while the population stays
 * connected: they register with an ephemeral auth key ({@code --concurrency} at a time), stream,
 * then all log out at once (an ephemeral node that logs out is removed). Figures: the burst's
 * registration rate; for each burst node, register sent -> the last connected device has it, and
 * logout sent -> the last connected device dropped it. During the burst the sample devices are
 * compared with a fresh full netmap (burst nodes in flight excused); afterwards every device must
 * again hold exactly the population.
 *
 * <p>Thread-safety: run on one thread; the observers run on the devices' event loops.
 */
final class EphemeralScenario implements Scenario {
  /** Per burst node (NodeIds index): devices that have it, and the latest time one got it. */
  private record Seen(AtomicInteger count, AtomicLong last) {
    Seen() {
      this(new AtomicInteger(), new AtomicLong());
    }

    void at(long nanos) {
      count.incrementAndGet();
      last.accumulateAndGet(nanos, Math::max);
    }
  }

  @Override
  public void run(Harness h, List<SimDevice> live) throws Exception {
    int n = live.size();
    int sampleSize = Math.min(h.o.sample(), n);
    ConcurrentHashMap<Integer, Seen> added = new ConcurrentHashMap<>();
    ConcurrentHashMap<Integer, Seen> removed = new ConcurrentHashMap<>();
    java.util.Set<Integer> population = ConcurrentHashMap.newKeySet();
    live.forEach(d -> population.add(h.ids.index(d.nodeId)));
    SimDevice.FrameObserver watch =
        (d, f, now) -> {
          if (f.getFrameCase() == MapResponse.FrameCase.PEERS_ADDED) {
            for (Node p : f.getPeersAdded().getPeersList()) {
              int i = h.ids.index(p.getId());
              if (!population.contains(i)) {
                added.computeIfAbsent(i, k -> new Seen()).at(now);
              }
            }
          } else if (f.getFrameCase() == MapResponse.FrameCase.PEERS_REMOVED) {
            for (String id : f.getPeersRemoved().getNodeIdsList()) {
              removed.computeIfAbsent(h.ids.index(id), k -> new Seen()).at(now);
            }
          }
        };
    live.forEach(d -> d.observer = watch);
    h.checks.inFlight(i -> !population.contains(i));
    Thread sampler =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (SimDevice d : live.subList(0, sampleSize)) {
                    h.checks.checkSample(d);
                  }
                });
    List<SimDevice> burst = h.devices.join(n + 1_000_000, h.o.burst(), true, "burst (ephemeral)");
    // A burst device reaches the connected devices of its segment (all of them when open).
    int[] liveIn = h.segments.sizes(live);
    java.util.function.ToIntFunction<SimDevice> reach = b -> liveIn[h.segments.of(b.index)];
    for (SimDevice b : burst) {
      added.computeIfAbsent(h.ids.index(b.nodeId), k -> new Seen());
    }
    boolean everywhere =
        waitAll(
            burst, b -> added.get(h.ids.index(b.nodeId)).count().get() >= reach.applyAsInt(b), 120);
    if (!everywhere) {
      h.fail("not every burst device reached every connected device");
    }
    h.table.latency(
        "burst: register sent -> last device has the node",
        burst.stream()
            .mapToLong(b -> added.get(h.ids.index(b.nodeId)).last().get() - b.registerSentAtNanos)
            .toArray());
    List<SimDevice> everyone = new java.util.ArrayList<>(live);
    everyone.addAll(burst);
    h.devices.stream(burst, h.segments.expectedPeers(everyone), "burst");
    sampler.join();
    for (SimDevice b : burst) {
      b.logout();
    }
    boolean gone =
        waitAll(
            burst,
            b -> {
              Seen s = removed.get(h.ids.index(b.nodeId));
              return s != null && s.count().get() >= reach.applyAsInt(b);
            },
            120);
    if (!gone) {
      h.fail("not every burst device was removed from every connected device");
    }
    h.table.latency(
        "burst: logout sent -> last device dropped the node",
        burst.stream()
            .filter(b -> removed.get(h.ids.index(b.nodeId)) != null)
            .mapToLong(b -> removed.get(h.ids.index(b.nodeId)).last().get() - b.logoutSentAtNanos)
            .toArray());
    long loggedOut = burst.stream().filter(b -> b.endedBy.equals("logged_out")).count();
    h.table.value("burst devices told logged_out", loggedOut + " of " + burst.size());
    burst.forEach(SimDevice::close);
    live.forEach(d -> d.observer = null);
    h.checks.inFlight(i -> false);
    DeviceWaits.settle(live);
    java.util.function.ToIntFunction<SimDevice> peers = h.segments.expectedPeers(live);
    boolean back = DeviceWaits.waitFor(live, d -> d.peerCount == peers.applyAsInt(d), 60);
    if (!back) {
      h.fail("after the burst left, not every netmap holds exactly the population");
    }
    TimeUnit.MILLISECONDS.sleep(100);
  }

  private static boolean waitAll(
      List<SimDevice> ds, java.util.function.Predicate<SimDevice> done, int seconds)
      throws InterruptedException {
    return DeviceWaits.waitFor(ds, done, seconds);
  }
}
