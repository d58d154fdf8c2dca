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
 * <p>A device whose channel the server side drops (its coordinator instance died) is brought back
 * by the harness: it is left out of the changes in flight (a change of its own node is no longer
 * tracked, the dying instance may have taken it along) and reconnects to a live coordinator,
 * resuming its stream. A scenario made with {@link #untilStopped()} churns until {@link #stop()}
 * (its duration option is then only a limit) and checks a sample device every few seconds, so that
 * a test can inject faults meanwhile.
 *
 * <p>Thread-safety: run on one thread; offline/online moves and reconnects run on virtual threads;
 * {@link #stop()}, {@link #reconnecting()} and {@link #redials()} may be called from any thread.
 */
final class ChurnScenario implements Scenario {
  /** The coordinator's default grace before a closed stream's node is offline (5 s). */
  static final long OFFLINE_GRACE_MS = Long.getLong("load.offlineGraceMs", 5_000);

  /** One change in ten takes a device offline (and brings a rested one back). */
  private static final int ONOFF_EVERY = 10;

  /** How often an open-ended run checks the next sample device against a fresh full netmap. */
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final boolean open;
  private volatile boolean stopped;
  private volatile boolean finished; // the final waits are over: no more reconnects

  /** Devices with a connect in flight (coming online, or reconnecting after a drop). */
  private final java.util.Set<SimDevice> moving =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final java.util.concurrent.atomic.AtomicInteger redials =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Churn for the run's duration. */
  ChurnScenario() {
    this(false);
  }

  private ChurnScenario(boolean open) {
    this.open = open;
  }

  /** Churn until {@link #stop()} (at most the run's duration). */
  static ChurnScenario untilStopped() {
    return new ChurnScenario(true);
  }

  /** Ends the churn window; {@link #run} then brings resting devices back and checks. */
  void stop() {
    stopped = true;
  }

  /** Devices dropped by the server side and not streaming again yet. */
  int reconnecting() {
    return redialing.get();
  }

  /** Devices reconnected after a drop so far. */
  int redials() {
    return redials.get();
  }

  private final java.util.concurrent.atomic.AtomicInteger redialing =
      new java.util.concurrent.atomic.AtomicInteger();

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
    Thread redialer = Thread.ofVirtual().start(() -> redialLoop(h, tracker, live, nodeIndex));
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(duration);
    for (long k = 0; ; k++) {
      long at = start + k * period;
      if (at >= end || stopped) {
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
      if (tracker.active(nodeIndex[d.index])) {
        // Coming online would replace the change and hide that its offline never arrived.
        h.fail(
            String.format(
                "sim-%d went offline %.1f s ago and is still not offline everywhere: %s",
                d.index,
                (System.nanoTime() - d.closedAtNanos) / 1e9,
                tracker.describe(nodeIndex[d.index])));
      }
      online(h, tracker, live, d, nodeIndex[d.index]);
      made++;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((tracker.activeCount() > 0 || !moving.isEmpty() || redialing.get() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    finished = true;
    redialer.interrupt();
    redialer.join();
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
    if (redials.get() > 0) {
      h.table.value(
          "devices dropped by the server side, reconnected",
          redials.get() + " (" + tracker.cancelled() + " changes of theirs no longer tracked)");
    }
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

  private SimDevice pick(List<SimDevice> pool, Random random, ChangeTracker t, int[] nodeIndex) {
    for (int tries = 0; tries < 20 && !pool.isEmpty(); tries++) {
      SimDevice d = pool.get(random.nextInt(pool.size()));
      if (!d.closed && !moving.contains(d) && !t.active(nodeIndex[d.index])) {
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

  private void online(Harness h, ChangeTracker t, List<SimDevice> live, SimDevice d, int node) {
    // Tracked from before the connect (the server may announce the node online as soon as its
    // channel is up), and on the caller's thread: registered from the reconnect's own thread, the
    // last change of a run could be registered after the final wait had already found nothing
    // active, and then be reported as never reaching its devices (seen in CI on two coordinators).
    h.checks.touched(node);
    t.add(
        new ChangeTracker.Change(
            ChangeTracker.Kind.ONLINE, node, List.of(), System.nanoTime(), streaming(h, live, d)));
    moving.add(d);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                h.devices.connect(d, 60);
                d.resume();
              } catch (Exception e) {
                h.fail("sim-" + d.index + " could not come back online: " + e);
              } finally {
                moving.remove(d);
              }
            });
  }

  /**
   * Until the churn ends: brings back every device whose channel the server side dropped (a
   * coordinator instance died), as an agent does: to a live coordinator, resuming its stream.
   */
  private void redialLoop(Harness h, ChangeTracker t, List<SimDevice> live, int[] nodeIndex) {
    while (!finished) {
      for (SimDevice d : live) {
        if (d.dropped && d.closed && moving.add(d)) {
          t.excuse(d.index);
          t.cancel(nodeIndex[d.index]);
          h.checks.touched(nodeIndex[d.index]);
          redialing.incrementAndGet();
          Thread.ofVirtual().start(() -> redial(h, d, nodeIndex[d.index]));
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Reconnects {@code d} (node {@code node}) until its resumed stream answers. Its node's presence
   * changes (it comes online on another instance), untracked: it counts as touched for the sample
   * checks.
   */
  private void redial(Harness h, SimDevice d, int node) {
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (true) {
        try {
          long frames = d.frames.get();
          h.devices.connect(d, 30);
          d.resume();
          // Streaming again once the answer to the resume arrived (a fresh full elsewhere).
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (d.frames.get() == frames && !d.closed && System.nanoTime() < until) {
            Thread.sleep(10);
          }
          h.checks.touched(node);
          if (!d.closed) {
            redials.incrementAndGet();
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            h.fail("sim-" + d.index + " could not reconnect after a drop: " + e);
            return;
          }
          Thread.sleep(500);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      redialing.decrementAndGet();
      moving.remove(d);
    }
  }

  /**
   * Checks the sample devices one after another, spread over the churn window (an open-ended run:
   * the next one every few seconds, round and round, until the churn stops).
   */
  private void sampleLoop(Harness h, List<SimDevice> sample, int duration) {
    if (sample.isEmpty()) {
      return;
    }
    long gap = open ? SAMPLE_EVERY_NANOS : TimeUnit.SECONDS.toNanos(duration) / sample.size();
    long start = System.nanoTime();
    for (int i = 0; open || i < sample.size(); i++) {
      long at = start + i * gap + gap / 2;
      try {
        while (System.nanoTime() < at && !(open && stopped)) {
          TimeUnit.MILLISECONDS.sleep(
              Math.min(100, Math.max(1, (at - System.nanoTime()) / 1_000_000)));
        }
      } catch (InterruptedException e) {
        return;
      }
      if (open && stopped) {
        return;
      }
      SimDevice d = sample.get(i % sample.size());
      if (d.closed || moving.contains(d)) {
        // Resting (offline) now: a fresh fetch would open a stream for it and so bring its node
        // online behind the scenario's back.
        continue;
      }
      h.checks.checkSample(d);
    }
  }
}
