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
 * After each change, once quiet, the sample devices are compared with a fresh full netmap.
 *
 * <p>Thread-safety: run on one thread.
 */
final class PolicyScenario implements Scenario {
  @Override
  public void run(Harness h, List<SimDevice> live) throws Exception {
    int sampleSize = Math.min(h.o.sample(), live.size());
    List<Long> perDevice = new ArrayList<>();
    List<Long> lastDevice = new ArrayList<>();
    long[] bytes0 = Traffic.of(live);
    long cpu0 = h.servers.cpuMs();
    int changes = h.o.policyChanges();
    long fanOutCpu = 0;
    for (int k = 0; k < changes; k++) {
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
      long cpuBefore = h.servers.cpuMs();
      boolean changed =
          h.api.setPolicy(h.tailnet, h.segments.policy(k % 2 == 0 ? "22,80,443" : "*"));
      if (!changed) {
        h.fail("policy change " + (k + 1) + " was not a change");
      }
      boolean all = arrived.await(120, TimeUnit.SECONDS);
      fanOutCpu += h.servers.cpuMs() - cpuBefore;
      if (!all) {
        h.fail(
            "policy change "
                + (k + 1)
                + ": "
                + live.stream().filter(d -> at[d.index] == 0).count()
                + " devices got no packet filter");
      }
      perDevice.addAll(seen);
      lastDevice.add(seen.stream().mapToLong(Long::longValue).max().orElse(0));
      live.forEach(d -> d.observer = null);
      DeviceWaits.settle(live);
      for (SimDevice d : live.subList(0, sampleSize)) {
        h.checks.checkSample(d);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    long cpu1 = h.servers.cpuMs();
    long[] bytes1 = Traffic.of(live);
    h.table.latency("policy POST -> packet filter at a device", DeviceWaits.toArray(perDevice));
    h.table.latency("policy POST -> last device (per change)", DeviceWaits.toArray(lastDevice));
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
}
