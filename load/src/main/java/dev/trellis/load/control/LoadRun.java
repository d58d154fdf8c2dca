package dev.trellis.load.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code load/run SCENARIO [flags]}: starts fresh servers unless {@code --server} is given, joins
 * {@code --devices} simulated devices and opens their streams (the join figures), measures the
 * server's heap and RSS per device, runs the scenario, checks every device's delta-built netmap
 * against a fresh full netmap, prints one table and stops what it started by PID. Exit code 0 only
 * if every correctness check held (1 otherwise, 2 for bad flags, 3 at the time limit).
 *
 * <p>Thread-safety: main thread only.
 */
public final class LoadRun {
  private LoadRun() {}

  public static void main(String[] args) throws Exception {
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load: " + e.getMessage());
      System.err.println(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(o.timeLimitSeconds()));
                    System.out.println("TIME LIMIT of " + o.timeLimitSeconds() + " s reached");
                    ServerLauncher.killAll();
                    Runtime.getRuntime().halt(3);
                  } catch (InterruptedException e) {
                    // finished in time
                  }
                });
    int code = run(o);
    watchdog.interrupt();
    System.exit(code);
  }

  /** Runs one scenario; returns the exit code (0: every check held). */
  static int run(LoadOptions o) throws Exception {
    ServerLauncher launcher = null;
    try {
      List<String> urls = new ArrayList<>(o.servers());
      List<String> metricsUrls = new ArrayList<>();
      // A given server's /metrics: as given, else its default address (port 9464 of its host).
      for (int i = 0; i < urls.size(); i++) {
        metricsUrls.add(
            i < o.serverMetrics().size()
                ? o.serverMetrics().get(i)
                : ServerApi.defaultMetrics(urls.get(i)));
      }
      List<Long> pids = new ArrayList<>(o.serverPids());
      String token = o.token();
      if (urls.isEmpty()) {
        launcher = new ServerLauncher(o.serverCommand());
        for (ServerLauncher.Started s : launcher.start(o.coordinators())) {
          urls.add(s.url());
          metricsUrls.add(s.metricsUrl());
          pids.add(s.pid());
        }
        token = launcher.adminToken();
      }
      List<String> failures;
      Table table;
      try (Harness h = new Harness(o, urls, metricsUrls, pids, token)) {
        table = h.table;
        System.out.printf(
            "load %s: %d devices in %d segment(s) on %d coordinator(s), tailnet %s%n",
            o.scenario(), o.devices(), o.segments(), urls.size(), h.tailnet);
        long[] before = h.servers.heapAndRssKb();
        List<SimDevice> live = h.devices.join(0, o.devices(), false, "join");
        System.out.printf("load: %d devices joined%n", live.size());
        if (live.size() >= 2 && h.devices.stream(live, h.segments.expectedPeers(live), "join")) {
          DeviceWaits.settle(live);
          System.out.println("load: every netmap complete; running " + o.scenario());
          h.servers.memoryRows(before, h.servers.heapAndRssKb(), live.size());
          Scenario.named(o.scenario()).run(h, live);
          DeviceWaits.settle(live);
          System.out.println("load: scenario done; checking every netmap");
          h.checks.checkExact(live, "final check: every netmap vs a fresh full one");
          h.checks.sampleRow();
        }
        h.servers.countersRow();
        failures = h.failures.list();
      }
      System.out.println();
      System.out.print(table.render());
      System.out.println();
      if (failures.isEmpty()) {
        System.out.println("OK: every correctness check held");
        return 0;
      }
      failures.forEach(f -> System.out.println("FAILED: " + f));
      return 1;
    } finally {
      if (launcher != null) {
        launcher.close();
      }
    }
  }
}
