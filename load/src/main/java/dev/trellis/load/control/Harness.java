package dev.trellis.load.control;

import java.util.List;

/**
 * What every load scenario shares, put together from parts with one job each: the run's options,
 * admin API, node ids, table and {@link Failures}; the tailnet (split into {@link Segments}) the
 * devices join; the {@link DeviceFleet} (connecting, joining and streaming devices), the {@link
 * NetmapChecks} (delta-built netmaps against fresh full ones) and the {@link ServerResources}
 * (heap, RSS, CPU and counters of the coordinators).
 *
 * <p>Thread-safety: the scenario's thread drives it; the parts say what else they allow.
 */
final class Harness implements AutoCloseable {
  final LoadOptions o;
  final ServerApi api;
  final NodeIds ids = new NodeIds();
  final Table table;
  final String tailnet;
  final Segments segments;
  final Failures failures = new Failures();
  final DeviceFleet devices;
  final NetmapChecks checks;
  final ServerResources servers;

  Harness(LoadOptions o, List<String> urls, List<String> metricsUrls, List<Long> pids, String token)
      throws Exception {
    this(o, urls.getFirst(), metricsUrls.getFirst(), urls, metricsUrls, pids, token);
  }

  /**
   * Like the other, with the admin API at {@code adminUrl} rather than the first coordinator's
   * address: a deployment split into one process per service serves tailnets and auth keys from
   * identity, not from the coordinators (with segments the policy is set there too, so give an
   * address that serves both, or one segment).
   */
  Harness(
      LoadOptions o,
      String adminUrl,
      String adminMetricsUrl,
      List<String> urls,
      List<String> metricsUrls,
      List<Long> pids,
      String token)
      throws Exception {
    this.o = o;
    this.api = new ServerApi(adminUrl, adminMetricsUrl, token);
    List<DeviceFleet.Coordinator> coordinators =
        DeviceFleet.coordinators(urls, metricsUrls, pids, token);
    this.table =
        new Table(
            String.format(
                "load %s: %d devices%s, %d coordinator(s)",
                o.scenario(),
                o.devices(),
                o.segments() == 1
                    ? " (all see all)"
                    : " in " + o.segments() + " segments (each sees its own)",
                coordinators.size()));
    this.tailnet = "load" + Long.toString(System.currentTimeMillis(), 36);
    this.segments = new Segments(o.segments());
    this.devices = new DeviceFleet(o, coordinators, api, tailnet, segments, ids, table, failures);
    api.createTailnet(tailnet);
    if (!segments.open()) {
      api.setPolicy(tailnet, segments.policy("*"));
    }
    this.checks = new NetmapChecks(devices, ids, table, failures);
    this.servers = new ServerResources(coordinators, table);
  }

  /** Records a failure of the run. */
  void fail(String what) {
    failures.add(what);
  }

  @Override
  public void close() {
    devices.close();
  }
}
