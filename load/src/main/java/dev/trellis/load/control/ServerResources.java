package dev.trellis.load.control;

import java.util.List;

/**
 * What the coordinator processes use, sampled for the figures: heap after a full GC and RSS (by
 * PID, through {@link ServerProbe}), CPU time, open channels and the coordinators' counters (from
 * their metrics), summed over every coordinator.
 *
 * <p>Thread-safety: immutable; each reading asks the processes afresh.
 */
final class ServerResources {
  private final List<DeviceFleet.Coordinator> coordinators;
  private final Table table;

  ServerResources(List<DeviceFleet.Coordinator> coordinators, Table table) {
    this.coordinators = coordinators;
    this.table = table;
  }

  /** Server heap after GC and RSS, summed over the coordinators with a known PID (KiB). */
  long[] heapAndRssKb() {
    long heap = 0;
    long rss = 0;
    for (DeviceFleet.Coordinator c : coordinators) {
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
    for (DeviceFleet.Coordinator c : coordinators) {
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
    for (DeviceFleet.Coordinator c : coordinators) {
      sum += new ServerApi(c.url(), c.metricsUrl(), "").metric("trellis_coordinator_channels_open");
    }
    return sum;
  }

  /** Adds the coordinator counters row (summed over instances). */
  void countersRow() {
    double frames = 0;
    double dropped = 0;
    double refused = 0;
    for (DeviceFleet.Coordinator c : coordinators) {
      ServerApi a = new ServerApi(c.url(), c.metricsUrl(), "");
      frames += a.metric("trellis_coordinator_frames_sent_total");
      dropped += a.metric("trellis_coordinator_channels_dropped_total");
      refused += a.metric("trellis_coordinator_records_refused_total");
    }
    table.value(
        "coordinator frames sent / slow drops / refused",
        String.format("%.0f / %.0f / %.0f", frames, dropped, refused));
  }
}
