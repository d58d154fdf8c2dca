package dev.trellis.load.control;

import dev.trellis.proto.control.v1.MapResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A policy change affecting every device, {@code --policy-changes} times: the tailnet's ACL
 * alternates between allowing every port and allowing three (within each segment, {@link
 * Segments}), so every node's packet filter is recompiled and sent. Figures: admin POST -> packet
 * filter applied at each device, and at the last device (per change); bytes per device per change;
 * server CPU per change (during the fan-out alone, and with the settling and checks after it).
 * After each change, once quiet, the sample devices are compared with a fresh full netmap. One
 * warm-up change (allowing one port) comes first and is reported apart from the figures.
 *
 * <p>Thread-safety: run on one thread.
 */
final class PolicyScenario implements Scenario {
  /** The ports of the warm-up change; the measured ones alternate between two other sets. */
  private static final String WARM_UP_PORTS = "22";

  @Override
  public void run(Harness h, List<SimDevice> live) throws Exception {
    int sampleSize = Math.min(h.o.sample(), live.size());
    // One change before the measured ones: the server and the devices have compiled the join
    // path but not yet the policy path, and the first change of a process pays for it (it was
    // the slowest change of every five-change run). It is reported on its own line.
    List<Long> warmUp = change(h, live, sampleSize, "warm-up change", WARM_UP_PORTS);
    List<Long> perDevice = new ArrayList<>();
    List<Long> lastDevice = new ArrayList<>();
    long[] bytes0 = Traffic.of(live);
    long cpu0 = h.servers.cpuMs();
    int changes = h.o.policyChanges();
    long fanOutCpu = 0;
    for (int k = 0; k < changes; k++) {
      long cpuBefore = h.servers.cpuMs();
      List<Long> seen =
          change(h, live, sampleSize, "policy change " + (k + 1), k % 2 == 0 ? "22,80,443" : "*");
      fanOutCpu += lastCpu - cpuBefore;
      perDevice.addAll(seen);
      lastDevice.add(seen.stream().mapToLong(Long::longValue).max().orElse(0));
    }
    long cpu1 = h.servers.cpuMs();
    long[] bytes1 = Traffic.of(live);
    h.table.latency("policy POST -> packet filter at a device", DeviceWaits.toArray(perDevice));
    h.table.latency("policy POST -> last device (per change)", DeviceWaits.toArray(lastDevice));
    h.table.value(
        "warm-up change (not in the figures): POST -> last device",
        String.format(
            "%,d ms",
            TimeUnit.NANOSECONDS.toMillis(
                warmUp.stream().mapToLong(Long::longValue).max().orElse(0))));
    h.table.value(
        "policy POST -> last device, change by change",
        lastDevice.stream()
            .map(n -> String.format("%,d", TimeUnit.NANOSECONDS.toMillis(n)))
            .collect(java.util.stream.Collectors.joining(" / ", "", " ms")));
    h.table.value(
        "bytes received per policy change per device",
        String.format(
            "%.0f B",
            (Traffic.nonKeepalive(bytes1) - Traffic.nonKeepalive(bytes0))
                / (double) changes
                / live.size()));
    if (cpu0 >= 0 && cpu1 >= 0) {
      h.table.value(
          "server CPU per policy change, POST -> last device",
          String.format("%.0f ms", fanOutCpu / (double) changes));
      h.table.value(
          "server CPU per policy change (incl. settling)",
          String.format("%.0f ms", (cpu1 - cpu0) / (double) changes));
    }
  }

  /** Server CPU (ms) when the last device had its filter, in the latest {@link #change}. */
  private long lastCpu;

  /**
   * Sets the tailnet's policy to allow {@code ports} and waits until every device has its new
   * filter, then until the streams are quiet, and checks the sample devices. Returns each device's
   * time from the POST to its filter (ns).
   */
  private List<Long> change(
      Harness h, List<SimDevice> live, int sampleSize, String name, String ports) throws Exception {
    long[] at = new long[live.stream().mapToInt(d -> d.index).max().orElse(0) + 1];
    ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
    // Counted down by the devices themselves, so that the wait takes no CPU from the run.
    CountDownLatch arrived = new CountDownLatch(live.size());
    long sent = System.nanoTime();
    for (SimDevice d : live) {
      d.observer =
          (dev, f, now) -> {
            if (f.getFrameCase() == MapResponse.FrameCase.PACKET_FILTER_CHANGED
                && at[dev.index] == 0) {
              at[dev.index] = now;
              seen.add(now - sent);
              arrived.countDown();
            }
          };
    }
    if (!h.api.setPolicy(h.tailnet, h.segments.policy(ports))) {
      h.fail(name + " was not a change");
    }
    boolean all = arrived.await(120, TimeUnit.SECONDS);
    lastCpu = h.servers.cpuMs();
    if (!all) {
      h.fail(
          name
              + ": "
              + live.stream().filter(d -> at[d.index] == 0).count()
              + " devices got no packet filter");
    }
    live.forEach(d -> d.observer = null);
    DeviceWaits.settle(live);
    for (SimDevice d : live.subList(0, sampleSize)) {
      h.checks.checkSample(d);
    }
    TimeUnit.MILLISECONDS.sleep(200);
    return new ArrayList<>(seen);
  }
}
