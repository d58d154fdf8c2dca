package dev.trellis.load.control;

import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointType;
import dev.trellis.proto.control.v1.MapResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Steady churn: for {@code --duration} seconds, {@code --rate} changes per second, each one device
 * reporting new endpoints over its stream (as the agent does), or going offline (closing its
 * channel) or back online (a new channel, stream resumed from its last version). Figures: for each
 * kind, the time from the change to the LAST streaming device showing it in its own netmap
 * (p50/p99/max over changes); server CPU per change; bytes the devices received per change and
 * device, and the mean patch frame. Devices of the check sample are never changed and are compared
 * with a fresh full netmap during the churn.
 *
 * <p>Thread-safety: run on one thread; offline/online moves run on virtual threads.
 */
final class ChurnScenario implements Scenario {
  /** The coordinator's default grace before a closed stream's node is offline (5 s). */
  static final long OFFLINE_GRACE_MS = Long.getLong("load.offlineGraceMs", 5_000);

  /** One change in ten takes a device offline (and brings a rested one back). */
  private static final int ONOFF_EVERY = 10;

  @Override
  public void run(Harness h, List<SimDevice> live) throws Exception {
    int n = live.size();
    int sampleSize = Math.min(h.o.sample(), n / 4);
    List<SimDevice> sample = live.subList(0, sampleSize);
    List<SimDevice> pool = new ArrayList<>(live.subList(sampleSize, n));
    int[] nodeIndex = new int[n + h.o.burst() + 16];
    for (SimDevice d : live) {
      nodeIndex[d.index] = h.ids.index(d.nodeId);
    }
    ChangeTracker tracker = new ChangeTracker(h);
    h.checks.inFlight(tracker::active);
    live.forEach(d -> d.observer = tracker);
    Random random = new Random(42);
    ArrayDeque<SimDevice> resting = new ArrayDeque<>();
    int rate = h.o.rate();
    int duration = h.o.durationSeconds();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long[] bytes0 = Traffic.of(live);
    long cpu0 = h.servers.cpuMs();
    double[] backend0 = backendLoad(h);
    int made = 0;
    int skipped = 0;
    Thread sampler = Thread.ofVirtual().start(() -> sampleLoop(h, sample, duration));
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(duration);
    for (long k = 0; ; k++) {
      long at = start + k * period;
      if (at >= end) {
        break;
      }
      long wait = at - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      SimDevice back = resting.peekFirst();
      if (back != null
          && System.nanoTime() - back.closedAtNanos
              > TimeUnit.MILLISECONDS.toNanos(OFFLINE_GRACE_MS + 2_000)
          && !tracker.active(nodeIndex[back.index])) {
        resting.removeFirst();
        online(h, tracker, live, back, nodeIndex[back.index]);
        pool.add(back);
        made++;
        continue;
      }
      SimDevice d = pick(pool, random, tracker, nodeIndex);
      if (d == null) {
        skipped++;
        continue;
      }
      if (k % ONOFF_EVERY == 0) {
        pool.remove(d);
        offline(h, tracker, live, d, nodeIndex[d.index]);
        resting.addLast(d);
      } else {
        endpoints(h, tracker, live, d, nodeIndex[d.index], k);
      }
      made++;
    }
    double window = (System.nanoTime() - start) / 1e9;
    // Bring every resting device back, then wait for the changes to reach everyone.
    for (SimDevice d : resting) {
      long rest =
          TimeUnit.MILLISECONDS.toNanos(OFFLINE_GRACE_MS + 2_000)
              - (System.nanoTime() - d.closedAtNanos);
      if (rest > 0) {
        TimeUnit.NANOSECONDS.sleep(rest);
      }
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (tracker.active(nodeIndex[d.index]) && System.nanoTime() < limit) {
        Thread.sleep(20);
      }
      online(h, tracker, live, d, nodeIndex[d.index]);
      made++;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (tracker.activeCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long cpu1 = h.servers.cpuMs();
    double[] backend1 = backendLoad(h);
    long[] bytes1 = Traffic.of(live);
    sampler.join();
    int late = tracker.recheck(live);
    for (String s : tracker.incomplete()) {
      h.fail("change never reached every device: " + s);
    }
    List<ChangeTracker.Done> done = tracker.done();
    h.table.value(
        "churn",
        String.format(
            "%d changes in %.1f s (%.1f/s; %d skipped: no idle device)",
            made, window, made / window, skipped));
    if (late > 0) {
      h.table.value(
          "changes shown by their last devices before being tracked",
          late + " (in every netmap, left out of the times)");
    }
    for (ChangeTracker.Kind kind : ChangeTracker.Kind.values()) {
      long[] ns =
          done.stream()
              .filter(x -> x.kind() == kind)
              .mapToLong(ChangeTracker.Done::nanos)
              .toArray();
      String what =
          switch (kind) {
            case ENDPOINTS -> "endpoint report -> last device patched";
            case ONLINE -> "reconnect started -> last device sees online";
            case OFFLINE ->
                "channel closed -> last device sees offline ("
                    + OFFLINE_GRACE_MS / 1000
                    + " s grace)";
          };
      h.table.latency(what, ns);
    }
    if (cpu0 >= 0 && cpu1 >= 0 && made > 0) {
      h.table.value(
          "server CPU per change (all its threads)",
          String.format(
              "%.1f ms (%d ms over the window)", (cpu1 - cpu0) / (double) made, cpu1 - cpu0));
    }
    if (made > 0 && !Double.isNaN(backend0[0] + backend1[0])) {
      h.table.value(
          "Kafka per change (first server's producer)",
          String.format(
              "%.1f records, %.0f B sent",
              (backend1[0] - backend0[0]) / made, (backend1[1] - backend0[1]) / made));
    }
    if (made > 0 && !Double.isNaN(backend0[2] + backend1[2])) {
      h.table.value(
          "Hazelcast map operations per change (first server's member)",
          String.format("%.1f", (backend1[2] - backend0[2]) / made));
    }
    int patch = MapResponse.FrameCase.PEER_PATCHES.ordinal();
    long patchBytes = bytes1[patch] - bytes0[patch];
    long patchFrames = bytes1[Traffic.FRAMES + patch] - bytes0[Traffic.FRAMES + patch];
    long allBytes = Traffic.nonKeepalive(bytes1) - Traffic.nonKeepalive(bytes0);
    double perChange = tracker.affected() / (double) Math.max(1, made);
    h.table.value("devices a change affects (mean)", String.format("%.1f", perChange));
    h.table.value(
        "bytes received per change per affected device",
        String.format(
            "%.0f B (all frames; %.0f B of patches)",
            allBytes / (double) made / perChange, patchBytes / (double) made / perChange));
    h.table.value(
        "mean patch frame (record on the wire)",
        String.format(
            "%.0f B over %d frames",
            patchFrames == 0 ? 0.0 : patchBytes / (double) patchFrames, patchFrames));
    h.checks.inFlight(i -> false);
    live.forEach(d -> d.observer = null);
  }

  /** Kafka records and bytes produced and Hazelcast map operations so far (NaN if unknown). */
  private static double[] backendLoad(Harness h) {
    return new double[] {
      h.api.metric("kafka_producer_record_send_total"),
      h.api.metric("kafka_producer_outgoing_byte_total"),
      h.api.metric("trellis_hazelcast_map_operations_total")
    };
  }

  private static SimDevice pick(
      List<SimDevice> pool, Random random, ChangeTracker t, int[] nodeIndex) {
    for (int tries = 0; tries < 20 && !pool.isEmpty(); tries++) {
      SimDevice d = pool.get(random.nextInt(pool.size()));
      if (!d.closed && !t.active(nodeIndex[d.index])) {
        return d;
      }
    }
    return null;
  }

  /** The devices a change of {@code subject} must reach: streaming, in its segment. */
  private static BitSet streaming(Harness h, List<SimDevice> live, SimDevice subject) {
    BitSet b = new BitSet();
    for (SimDevice d : live) {
      if (d != subject
          && !d.closed
          && d.fullAtNanos != 0
          && h.segments.same(d.index, subject.index)) {
        b.set(d.index);
      }
    }
    return b;
  }

  private static void endpoints(
      Harness h, ChangeTracker t, List<SimDevice> live, SimDevice d, int node, long k) {
    List<Endpoint> eps =
        List.of(
            Endpoint.newBuilder()
                .setAddress(
                    String.format("198.18.%d.%d:%d", (k >> 8) & 255, k & 255, 40000 + (k % 20000)))
                .setType(EndpointType.STUN)
                .build(),
            Endpoint.newBuilder()
                .setAddress("10.0." + (d.index >> 8 & 255) + "." + (d.index & 255) + ":41641")
                .setType(EndpointType.LOCAL)
                .build());
    long now = System.nanoTime();
    h.checks.touched(node);
    t.add(
        new ChangeTracker.Change(
            ChangeTracker.Kind.ENDPOINTS, node, eps, now, streaming(h, live, d)));
    d.reportEndpoints(eps);
  }

  private static void offline(
      Harness h, ChangeTracker t, List<SimDevice> live, SimDevice d, int node) {
    long now = System.nanoTime();
    h.checks.touched(node);
    t.excuse(d.index);
    d.closedAtNanos = now;
    t.add(
        new ChangeTracker.Change(
            ChangeTracker.Kind.OFFLINE, node, List.of(), now, streaming(h, live, d)));
    d.close();
  }

  private static void online(
      Harness h, ChangeTracker t, List<SimDevice> live, SimDevice d, int node) {
    // Tracked from before the connect (the server may announce the node online as soon as its
    // channel is up), and on the caller's thread: registered from the reconnect's own thread, the
    // last change of a run could be registered after the final wait had already found nothing
    // active, and then be reported as never reaching its devices (seen in CI on two coordinators).
    h.checks.touched(node);
    t.add(
        new ChangeTracker.Change(
            ChangeTracker.Kind.ONLINE, node, List.of(), System.nanoTime(), streaming(h, live, d)));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                h.devices.connect(d, 60);
                d.resume();
              } catch (Exception e) {
                h.fail("sim-" + d.index + " could not come back online: " + e);
              }
            });
  }

  /** Checks the sample devices one after another, spread over the churn window. */
  private static void sampleLoop(Harness h, List<SimDevice> sample, int duration) {
    if (sample.isEmpty()) {
      return;
    }
    long gap = TimeUnit.SECONDS.toNanos(duration) / sample.size();
    long start = System.nanoTime();
    for (int i = 0; i < sample.size(); i++) {
      long wait = start + i * gap + gap / 2 - System.nanoTime();
      try {
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      } catch (InterruptedException e) {
        return;
      }
      SimDevice d = sample.get(i);
      if (d.closed) {
        // Resting (offline) now: a fresh fetch would open a stream for it and so bring its node
        // online behind the scenario's back.
        continue;
      }
      h.checks.checkSample(d);
    }
  }
}
